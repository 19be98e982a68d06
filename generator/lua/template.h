/*
 * template.h: theme layouts (HTML with embedded Lua) translated to Lua.
 *
 *   {{ expr }}       value of a Lua expression, HTML-escaped
 *   {{{ expr }}}     value, raw
 *   {% code %}       Lua statements
 *   {# comment #}    nothing
 *   {% extends "base" %}, {% block "name" %} … {% endblock %}
 *   {%- and -%}      trim the whitespace before / after the tag
 *
 * The Lua produced keeps every template line on the same Lua line, so a Lua
 * error in it names the template's own line ("layouts/story.html:12: …").
 * The chunk, called with (out, out_escaped, partial, layout), returns
 * function(page, blocks), which writes its output through those two output
 * functions (the caller decides where the bytes go).
 */
#ifndef GZ_TEMPLATE_H
#define GZ_TEMPLATE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/diag.h"

/* Translate src into Lua source appended to out. Returns 0, or -1 after
 * adding an error (path:line:col) to d. */
int gz_template_translate(gz_buf *out, const char *src, size_t len, const char *path, gz_diag *d);

#endif
