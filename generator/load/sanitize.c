#include "load/sanitize.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"

/* Written as text: elements that run or load code, or whose content the
 * browser reads as text (so that it would not see the tags we see). */
static const char *const disarmed[] = {
	"script",   "style",  "title", "textarea", "xmp",  "noembed", "noframes", "noscript",
	"plaintext", "base",  "meta",  "link",     "frame", "frameset", "applet",
};

static const struct {
	const char *name;
	unsigned bit;
} embeds[] = {{"iframe", GZ_EMBED_IFRAME}, {"object", GZ_EMBED_OBJECT}, {"embed", GZ_EMBED_EMBED}};

/* Attributes a browser follows as a URL. */
static const char *const url_attrs[] = {
	"href",  "src",        "action",  "formaction", "xlink:href", "data",     "poster",
	"background", "cite",  "codebase", "dynsrc",    "lowsrc",     "longdesc", "ping",
	"manifest", "icon",    "srcset",  "imagesrc",   "archive",    "classid",  "usemap",
	"profile", "xml:base",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

#define IN(s, list) in_list((s), (list), sizeof(list) / sizeof(*(list)))

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The value as a browser compares a scheme: character references
 * decoded (numeric ones with or without ';', and &colon; &tab; &newline;),
 * blanks and control characters gone, ASCII in lower case. */
static void normalise(gz_buf *out, const char *v, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"colon", ':'}, {"tab", '\t'}, {"newline", '\n'}};
	size_t i = 0, k;

	while (i < n) {
		unsigned long c = (unsigned char)v[i];
		if (c == '&' && i + 1 < n && v[i + 1] == '#') {
			size_t j = i + 2;
			bool hex = j < n && (v[j] == 'x' || v[j] == 'X');
			unsigned long code = 0;
			size_t digits = 0;
			if (hex)
				j++;
			for (; j < n; j++, digits++) {
				int d = v[j] >= '0' && v[j] <= '9'   ? v[j] - '0'
					: hex && lower(v[j]) >= 'a' && lower(v[j]) <= 'f' ? lower(v[j]) - 'a' + 10
										: -1;
				if (d < 0)
					break;
				if (code < 0x110000)
					code = code * (hex ? 16 : 10) + (unsigned long)d;
			}
			if (digits) {
				if (j < n && v[j] == ';')
					j++;
				c = code;
				i = j;
			} else {
				i++;
			}
		} else if (c == '&') {
			for (k = 0; k < sizeof(named) / sizeof(*named); k++) {
				size_t len = strlen(named[k].name);
				if (i + 1 + len <= n && !strncasecmp(v + i + 1, named[k].name, len)) {
					c = (unsigned char)named[k].c;
					i += 1 + len;
					if (i < n && v[i] == ';')
						i++;
					break;
				}
			}
			if (k == sizeof(named) / sizeof(*named))
				i++;
		} else {
			i++;
		}
		if (c <= 0x20 || c == 0x7f)
			continue;
		gz_buf_putc(out, c < 0x80 ? (char)lower((int)c) : '?');
	}
}

/* The scheme of a normalised URL ("javascript"), or "" if it has none. */
static bool has_scheme(const char *u, const char *scheme)
{
	size_t n = strlen(scheme);

	return !strncmp(u, scheme, n) && u[n] == ':';
}

static bool url_ok(const char *norm, bool image)
{
	if (has_scheme(norm, "javascript") || has_scheme(norm, "vbscript") ||
	    has_scheme(norm, "livescript"))
		return false;
	if (has_scheme(norm, "data"))
		return image && !strncmp(norm, "data:image/", 11);
	return true;
}

bool gz_sanitize_url_ok(const char *url, bool image)
{
	gz_buf b = GZ_BUF_INIT;
	bool ok;

	normalise(&b, url, strlen(url));
	ok = url_ok(b.ptr, image);
	gz_buf_release(&b);
	return ok;
}

/* Is the attribute name (lower case) value (raw) safe on the element tag? */
static bool attr_ok(const char *tag, const char *name, const char *value, size_t vlen)
{
	gz_buf b = GZ_BUF_INIT;
	bool ok = true;

	if (name[0] == 'o' && name[1] == 'n')
		return false;
	if (!strcmp(name, "srcdoc"))
		return false;
	normalise(&b, value, vlen);
	if (strstr(b.ptr, "javascript:") || strstr(b.ptr, "vbscript:") ||
	    (!strcmp(name, "style") && strstr(b.ptr, "expression(")))
		ok = false;
	else if (IN(name, url_attrs))
		ok = url_ok(b.ptr, !strcmp(tag, "img") && (!strcmp(name, "src") ||
							    !strcmp(name, "srcset")));
	gz_buf_release(&b);
	return ok;
}

/* A name gazette writes back as it is: letters, digits and - _ : . */
static bool plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_alpha(*s) && !(*s >= '0' && *s <= '9') && !strchr("-_:.", *s))
			return false;
	return true;
}

typedef struct {
	char *name;          /* lower case */
	const char *value;   /* into the input; NULL: no value */
	size_t vlen;
} attr;

typedef struct {
	char name[64];       /* lower case; "" if longer (written as text) */
	bool end, self_closing;
	attr *attrs;
	size_t n, cap;
} tag;

static void tag_release(tag *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->attrs[i].name);
	free(t->attrs);
}

/*
 * Read the tag at h[i] ('<' then a letter, or "</" then a letter) as the
 * HTML tokenizer does. Returns the offset just past its '>', or 0 if the
 * tag does not end before len (it is then text).
 */
static size_t read_tag(tag *t, const char *h, size_t len, size_t i)
{
	size_t start, k;

	memset(t, 0, sizeof(*t));
	i++;
	if (h[i] == '/') {
		t->end = true;
		i++;
	}
	start = i;
	while (i < len && !is_space(h[i]) && h[i] != '/' && h[i] != '>')
		i++;
	if (i - start < sizeof(t->name))
		for (k = 0; k < i - start; k++)
			t->name[k] = (char)lower(h[start + k]);
	for (;;) {
		gz_buf name = GZ_BUF_INIT;
		attr a = {NULL, NULL, 0};
		size_t ns;
		/* before an attribute name */
		while (i < len && (is_space(h[i]) || h[i] == '/')) {
			if (h[i] == '/' && i + 1 < len && h[i + 1] == '>')
				t->self_closing = true;
			i++;
		}
		if (i >= len)
			return 0;
		if (h[i] == '>')
			return i + 1;
		/* the name: '=' may begin it */
		ns = i++;
		while (i < len && !is_space(h[i]) && h[i] != '/' && h[i] != '>' && h[i] != '=')
			i++;
		for (k = ns; k < i; k++)
			gz_buf_putc(&name, (char)lower(h[k]));
		a.name = gz_buf_detach(&name, NULL);
		GZ_GROW(t->attrs, t->cap, t->n + 1);
		t->attrs[t->n++] = a;
		/* after the name */
		while (i < len && is_space(h[i]))
			i++;
		if (i >= len)
			return 0;
		if (h[i] != '=')
			continue;
		i++;
		while (i < len && is_space(h[i]))
			i++;
		if (i >= len)
			return 0;
		if (h[i] == '"' || h[i] == '\'') {
			char q = h[i++];
			const char *end = memchr(h + i, q, len - i);
			if (!end)
				return 0;
			t->attrs[t->n - 1].value = h + i;
			t->attrs[t->n - 1].vlen = (size_t)(end - (h + i));
			i = (size_t)(end - h) + 1;
		} else if (h[i] == '>') {
			t->attrs[t->n - 1].value = h + i;
			t->attrs[t->n - 1].vlen = 0;
		} else {
			size_t vs = i;
			while (i < len && !is_space(h[i]) && h[i] != '>')
				i++;
			t->attrs[t->n - 1].value = h + vs;
			t->attrs[t->n - 1].vlen = i - vs;
		}
	}
}

/* Bytes as text: what could start markup is escaped. */
static void put_text(gz_buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': gz_buf_puts(out, "&lt;"); break;
		case '>': gz_buf_puts(out, "&gt;"); break;
		case '"': gz_buf_puts(out, "&quot;"); break;
		case '&': gz_buf_puts(out, "&amp;"); break;
		default: gz_buf_putc(out, s[i]);
		}
	}
}

/* A value inside double quotes: character references stay as written (the
 * browser decodes them as it would have), the quote and angle brackets are
 * escaped so that nothing in it can end the tag or open one. */
static void put_value(gz_buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': gz_buf_puts(out, "&lt;"); break;
		case '>': gz_buf_puts(out, "&gt;"); break;
		case '"': gz_buf_puts(out, "&quot;"); break;
		default: gz_buf_putc(out, s[i]);
		}
	}
}

static bool tag_allowed(const char *name, unsigned allow)
{
	size_t i;

	if (!plain_name(name) || IN(name, disarmed))
		return false;
	for (i = 0; i < sizeof(embeds) / sizeof(*embeds); i++)
		if (!strcmp(name, embeds[i].name))
			return (allow & embeds[i].bit) != 0;
	return true;
}

static void put_tag(gz_buf *out, const tag *t)
{
	size_t i, k;

	if (t->end) {
		gz_buf_printf(out, "</%s>", t->name);
		return;
	}
	gz_buf_printf(out, "<%s", t->name);
	for (i = 0; i < t->n; i++) {
		const attr *a = &t->attrs[i];
		bool seen = false;
		/* the browser keeps the first of two with one name */
		for (k = 0; k < i && !seen; k++)
			seen = !strcmp(t->attrs[k].name, a->name);
		if (seen || !plain_name(a->name) ||
		    !attr_ok(t->name, a->name, a->value ? a->value : "", a->value ? a->vlen : 0))
			continue;
		gz_buf_printf(out, " %s", a->name);
		if (a->value) {
			gz_buf_puts(out, "=\"");
			put_value(out, a->value, a->vlen);
			gz_buf_putc(out, '"');
		}
	}
	gz_buf_puts(out, t->self_closing ? " />" : ">");
}

/* A comment's text, its angle brackets escaped: where the browser reads
 * raw text (inside an allowed <iframe>) it looks for "</iframe" without
 * seeing comments, so no comment may hold one. */
static void put_comment(gz_buf *out, const char *s, size_t n)
{
	size_t i;

	gz_buf_puts(out, "<!--");
	for (i = 0; i < n; i++) {
		if (s[i] == '<')
			gz_buf_puts(out, "&lt;");
		else if (s[i] == '>')
			gz_buf_puts(out, "&gt;");
		else
			gz_buf_putc(out, s[i]);
	}
	gz_buf_puts(out, "-->");
}

/* The comment at h[i] ("<!--"): written back as the browser reads it, or
 * as text if it does not end. Returns the offset past it. */
static size_t comment(gz_buf *out, const char *h, size_t len, size_t i)
{
	size_t j = i + 4, k;

	/* "<!-->" and "<!--->" are whole (empty) comments */
	if (j < len && h[j] == '>')
		return gz_buf_puts(out, "<!---->"), j + 1;
	if (j + 1 < len && h[j] == '-' && h[j + 1] == '>')
		return gz_buf_puts(out, "<!---->"), j + 2;
	for (k = j; k + 2 < len; k++) {
		if (h[k] == '-' && h[k + 1] == '-' && h[k + 2] == '>') {
			put_comment(out, h + j, k - j);
			return k + 3;
		}
		if (k + 3 < len && h[k] == '-' && h[k + 1] == '-' && h[k + 2] == '!' && h[k + 3] == '>') {
			put_comment(out, h + j, k - j);
			return k + 4;
		}
	}
	gz_buf_puts(out, "&lt;");
	return i + 1;
}

char *gz_sanitize_html(const char *h, size_t len, unsigned allow)
{
	gz_buf out = GZ_BUF_INIT;
	size_t i = 0;

	gz_buf_grow(&out, len + 16);
	while (i < len) {
		const char *lt = memchr(h + i, '<', len - i);
		size_t at = lt ? (size_t)(lt - h) : len, next;
		tag t;

		gz_buf_add(&out, h + i, at - i);
		i = at;
		if (i >= len)
			break;
		if (i + 3 < len && !memcmp(h + i, "<!--", 4)) {
			i = comment(&out, h, len, i);
			continue;
		}
		if (i + 1 < len && (h[i + 1] == '!' || h[i + 1] == '?' ||
				    (h[i + 1] == '/' && i + 2 < len && !is_alpha(h[i + 2])))) {
			/* a declaration, a processing instruction or "</ x>": the
			 * browser skips it to the next '>' */
			const char *gt = memchr(h + i, '>', len - i);
			if (!gt) {
				gz_buf_puts(&out, "&lt;");
				i++;
			} else {
				i = (size_t)(gt - h) + 1;
			}
			continue;
		}
		if (i + 1 >= len || !(is_alpha(h[i + 1]) || h[i + 1] == '/')) {
			gz_buf_puts(&out, "&lt;");
			i++;
			continue;
		}
		next = read_tag(&t, h, len, i);
		if (!next) {
			gz_buf_puts(&out, "&lt;");
			i++;
		} else if (!tag_allowed(t.name, allow)) {
			put_text(&out, h + i, next - i);
			i = next;
		} else {
			put_tag(&out, &t);
			i = next;
		}
		tag_release(&t);
	}
	return gz_buf_detach(&out, NULL);
}

unsigned gz_sanitize_load(const gz_value *markdown, const char *path, gz_diag *d)
{
	const gz_value *list = gz_value_get(markdown, "allow_embeds");
	unsigned allow = 0;
	size_t i, k;

	if (!list || gz_value_is_null(list))
		return 0;
	if (list->type != GZ_SEQ) {
		gz_diag_error(d, path, list->line, list->col,
			      _("markdown.allow_embeds is a list of elements: iframe, object, embed"));
		return 0;
	}
	for (i = 0; i < list->n; i++) {
		const gz_value *v = list->items[i];
		for (k = 0; k < sizeof(embeds) / sizeof(*embeds); k++)
			if (v->type == GZ_STR && !strcasecmp(v->str, embeds[k].name))
				break;
		if (k == sizeof(embeds) / sizeof(*embeds)) {
			gz_diag_error(d, path, v->line, v->col,
				      _("markdown.allow_embeds: '%s' cannot be allowed; give iframe, "
				        "object or embed"),
				      v->type == GZ_STR ? v->str : "?");
			continue;
		}
		allow |= embeds[k].bit;
	}
	return allow;
}
