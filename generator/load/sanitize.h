/*
 * sanitize.h: raw HTML and link targets in stories, made unable to run
 * scripts.
 *
 * With markdown: {unsafe: true} a story may hold raw HTML, but no script
 * may run from it, so gazette's pages stay safe to open whoever wrote the
 * story. Each piece of raw HTML (a block, or one inline tag) is read the
 * way a browser's tokenizer reads it and written out again in a plain form
 * the browser reads the same way, so what was checked is what runs:
 *
 *   - attributes named on* (event handlers) and srcdoc are dropped;
 *   - a URL attribute (href, src, action, formaction, xlink:href, data,
 *     poster …) whose scheme is javascript:, vbscript: or data: is dropped,
 *     except data:image/ in an <img>'s src and srcset; any attribute whose
 *     value holds javascript: or vbscript: is dropped too (SVG's <animate
 *     values=…> and <set to=…> make a link of it). Schemes are compared as
 *     a browser reads them: character references decoded, blanks and
 *     control characters removed, case ignored;
 *   - <script>, <style>, <title>, <textarea>, <xmp>, <noembed>,
 *     <noframes>, <noscript>, <plaintext>, <base>, <meta>, <link>, <frame>,
 *     <frameset> and <applet> (and <iframe>, <object>, <embed> unless
 *     markdown.allow_embeds lists them) are written as text: "&lt;script&gt;";
 *   - a tag, comment or declaration that does not end inside its piece is
 *     text, so no piece can run into the HTML that follows it; <!DOCTYPE>,
 *     <?…> and <![CDATA[…]]> are dropped; comments are kept.
 *
 * Links and images written in Markdown lose a javascript:, vbscript: or
 * data: target (data:image/ stays for images) in both modes, as cmark does
 * for links in safe mode.
 */
#ifndef GZ_SANITIZE_H
#define GZ_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "load/yaml.h"

/* Elements markdown.allow_embeds may let through. */
enum {
	GZ_EMBED_IFRAME = 1,
	GZ_EMBED_OBJECT = 2,
	GZ_EMBED_EMBED = 4,
};

/* Rewrite len bytes of raw HTML as above; allow is a set of GZ_EMBED_*.
 * Returns a NUL-terminated string the caller frees. */
char *gz_sanitize_html(const char *html, size_t len, unsigned allow);

/* May url be the target of a link (image false) or the source of an
 * image (image true)? */
bool gz_sanitize_url_ok(const char *url, bool image);

/* markdown.allow_embeds of site.yml (markdown may be NULL): a list of
 * iframe, object and embed, as GZ_EMBED_*. Anything else in it is an error
 * in d at its place in path. */
unsigned gz_sanitize_load(const gz_value *markdown, const char *path, gz_diag *d);

#endif
