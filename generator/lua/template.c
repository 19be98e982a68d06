#include "lua/template.h"

#include <stdbool.h>
#include <string.h>

#include "base/i18n.h"

#define MAX_BLOCKS 32

/* What a translated template is given (lua/layout.c): _o(v) and _e(v)
 * write v as is or escaped; _x(text, v) and _y(text, v) write a literal
 * and the expression after it in one call, as most are; _w(page, name,
 * ctx) is {{{ partial(name, ctx) }}} written where the template writes,
 * with no string made and copied again. partial() passes 2 so that its
 * errors are placed at the template's line, not at this line. */
static const char prelude[] =
	"local _o,_e,_partial,_layout,_x,_y,_w=... "
	"return function(page,_blocks) _blocks=_blocks or {} "
	"local function partial(n,c) if c==nil then c=page end return _partial(n,c,2) end ";

static int is_space(char c);

/* Where the last literal's _o( call starts and ends in out, so that an
 * expression right after it can join it (see _x above). */
typedef struct {
	size_t start, end;
} literal_at;

static void add_string(gz_buf *out, const char *s, size_t len, literal_at *lit)
{
	size_t i;

	if (!len)
		return;
	lit->start = out->len;
	gz_buf_puts(out, "_o(\"");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\\': gz_buf_puts(out, "\\\\"); break;
		case '"': gz_buf_puts(out, "\\\""); break;
		/* a backslash-newline is a newline in a Lua string and keeps the
		 * generated line in step with the template line */
		case '\n': gz_buf_puts(out, "\\\n"); break;
		case '\r': gz_buf_puts(out, "\\r"); break;
		case '\0': gz_buf_puts(out, "\\0"); break;
		default: gz_buf_putc(out, (char)c);
		}
	}
	gz_buf_puts(out, "\") ");
	lit->end = out->len;
}

/* The arguments of e when it is nothing but a call partial(…), else NULL:
 * the parentheses matched outside Lua's short strings. */
static const char *partial_args(const char *e, size_t len, size_t *alen)
{
	const char *p = e, *end = e + len;
	int depth = 0;
	char quote = 0;

	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	if ((size_t)(end - p) < 9 || memcmp(p, "partial", 7))
		return NULL;
	for (p += 7; p < end && is_space(*p); p++)
		;
	if (p >= end || *p != '(')
		return NULL;
	e = ++p;
	for (depth = 1; p < end; p++) {
		if (quote) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '[' || *p == '-') {
			return NULL; /* long strings and comments: not worth reading */
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			break;
		}
	}
	if (p + 1 != end || depth)
		return NULL;
	*alen = (size_t)(p - e);
	return e;
}

/* {{ e }} or {{{ e }}} (raw): joined to the literal just before it when
 * there is one, as _x("literal", e), else _e(e) or _o(e). {{{ partial(…) }}}
 * is _w(page, …) where the template does not make partial its own. */
static void add_expr(gz_buf *out, const char *e, size_t len, bool raw, const literal_at *lit,
		     bool own_partial)
{
	const char *args;
	size_t i, alen;

	if (raw && !own_partial && (args = partial_args(e, len, &alen))) {
		gz_buf_puts(out, "_w(page,");
		gz_buf_add(out, args, alen);
		gz_buf_puts(out, ") ");
		return;
	}
	for (i = 0; i < len && is_space(e[i]); i++)
		;
	if (i < len && lit->end && lit->end == out->len) {
		out->ptr[lit->start + 1] = raw ? 'y' : 'x';
		out->len -= 2; /* ") " */
		gz_buf_putc(out, ',');
	} else {
		gz_buf_puts(out, raw ? "_o(" : "_e(");
	}
	gz_buf_add(out, e, len);
	gz_buf_puts(out, ") ");
}

static void pos_of(const char *src, const char *at, int *line, int *col)
{
	const char *p;

	*line = 1;
	*col = 1;
	for (p = src; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static int count_nl(const char *s, size_t len)
{
	int n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static void add_newlines(gz_buf *out, int n)
{
	while (n-- > 0)
		gz_buf_putc(out, '\n');
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parse `"name"` or `name` after a keyword; returns length or 0. */
static size_t quoted_name(const char *s, size_t len, const char **name)
{
	size_t i = 0, start;
	char q = 0;

	while (i < len && is_space(s[i]))
		i++;
	if (i < len && (s[i] == '"' || s[i] == '\''))
		q = s[i++];
	start = i;
	while (i < len && s[i] != q && !is_space(s[i]))
		i++;
	*name = s + start;
	return i - start;
}

/* Where a layout is in its blocks, as its statements are translated */
typedef struct {
	const char *blocks[MAX_BLOCKS];
	size_t blens[MAX_BLOCKS];
	int nblocks;
	char extends[256];
} blocks_state;

/* A {% … %} statement (its inner text, of the tag at open): extends,
 * block and endblock, or Lua as it is. Returns 0, or -1 with an error in d. */
static int statement(gz_buf *out, blocks_state *b, const char *inner, size_t inner_len,
		     const char *src, const char *open, const char *path, gz_diag *d)
{
	const char *w = inner, *name;
	size_t wl = inner_len, nl;
	int line, col;

	while (wl && is_space(*w)) {
		if (*w == '\n')
			gz_buf_putc(out, '\n');
		w++;
		wl--;
	}
	if (wl >= 7 && !memcmp(w, "extends", 7) && (wl == 7 || is_space(w[7]))) {
		nl = quoted_name(w + 7, wl - 7, &name);
		if (!nl || nl >= sizeof(b->extends) || b->nblocks) {
			pos_of(src, open, &line, &col);
			gz_diag_error(d, path, line, col,
				      _("extends needs a layout name: {%% extends \"base\" %%}"));
			return -1;
		}
		memcpy(b->extends, name, nl);
		b->extends[nl] = '\0';
	} else if (wl >= 5 && !memcmp(w, "block", 5) && (wl == 5 || is_space(w[5]))) {
		nl = quoted_name(w + 5, wl - 5, &name);
		if (!nl || b->nblocks == MAX_BLOCKS) {
			pos_of(src, open, &line, &col);
			gz_diag_error(d, path, line, col,
				      _("block needs a name: {%% block \"main\" %%}"));
			return -1;
		}
		b->blocks[b->nblocks] = name;
		b->blens[b->nblocks++] = nl;
		gz_buf_printf(out,
			      "if not _blocks[\"%.*s\"] then _blocks[\"%.*s\"]=function() ",
			      (int)nl, name, (int)nl, name);
	} else if (wl >= 8 && !memcmp(w, "endblock", 8)) {
		if (!b->nblocks) {
			pos_of(src, open, &line, &col);
			gz_diag_error(d, path, line, col, _("endblock without a block"));
			return -1;
		}
		b->nblocks--;
		gz_buf_puts(out, "end end ");
		if (!b->extends[0] || b->nblocks)
			gz_buf_printf(out, "_blocks[\"%.*s\"]() ",
				      (int)b->blens[b->nblocks], b->blocks[b->nblocks]);
	} else {
		gz_buf_add(out, w, wl);
		gz_buf_putc(out, ' ');
	}
	return 0;
}

int gz_template_translate(gz_buf *out, const char *src, size_t len, const char *path, gz_diag *d)
{
	const char *p = src, *end = src + len;
	blocks_state b;
	literal_at lit = {0, 0};
	int line, col, trim_next = 0;
	/* a template that defines or sets partial keeps its own */
	bool own_partial = memmem(src, len, "function partial", 16) ||
			   memmem(src, len, "partial =", 9) || memmem(src, len, "partial=", 8);

	memset(&b, 0, sizeof(b));
	gz_buf_puts(out, prelude);
	while (p < end) {
		const char *open = NULL, *q;
		const char *close_tag;
		size_t text_len, inner_len, open_len = 2;
		const char *inner;
		int trim_left = 0, trim_right = 0;
		char kind;

		for (q = p; q + 1 < end; q++) {
			if (q[0] == '{' && (q[1] == '{' || q[1] == '%' || q[1] == '#')) {
				open = q;
				break;
			}
		}
		text_len = (size_t)((open ? open : end) - p);
		if (trim_next) {
			size_t k = 0;
			while (k < text_len && is_space(p[k]))
				k++;
			add_newlines(out, count_nl(p, k));
			p += k;
			text_len -= k;
			trim_next = 0;
		}
		if (!open) {
			if (!b.extends[0] || b.nblocks)
				add_string(out, p, text_len, &lit);
			else
				add_newlines(out, count_nl(p, text_len));
			break;
		}
		kind = open[1];
		if (kind == '{' && open + 2 < end && open[2] == '{') {
			kind = '!';
			open_len = 3;
		}
		if (open + open_len < end && open[open_len] == '-') {
			trim_left = 1;
			open_len++;
		}
		if (trim_left) {
			size_t k = text_len;
			while (k > 0 && is_space(p[k - 1]))
				k--;
			add_newlines(out, count_nl(p + k, text_len - k));
			text_len = k;
		}
		if (!b.extends[0] || b.nblocks)
			add_string(out, p, text_len, &lit);
		else
			add_newlines(out, count_nl(p, text_len));

		close_tag = kind == '!' ? "}}}" : kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
		inner = open + open_len;
		q = inner;
		for (;;) {
			q = memchr(q, close_tag[0], (size_t)(end - q));
			if (!q || (size_t)(end - q) < strlen(close_tag)) {
				pos_of(src, open, &line, &col);
				gz_diag_error(d, path, line, col, _("'%.*s' is never closed with '%s'"),
					      (int)open_len, open, close_tag);
				return -1;
			}
			if (!memcmp(q, close_tag, strlen(close_tag)))
				break;
			q++;
		}
		inner_len = (size_t)(q - inner);
		if (inner_len && inner[inner_len - 1] == '-') {
			trim_right = 1;
			inner_len--;
		}
		p = q + strlen(close_tag);
		trim_next = trim_right;

		switch (kind) {
		case '#':
			add_newlines(out, count_nl(inner, inner_len));
			break;
		case '{':
		case '!':
			if (b.extends[0] && !b.nblocks) {
				add_newlines(out, count_nl(inner, inner_len));
				break;
			}
			add_expr(out, inner, inner_len, kind == '!', &lit, own_partial);
			break;
		case '%':
			if (statement(out, &b, inner, inner_len, src, open, path, d) < 0)
				return -1;
			break;
		}
	}
	if (b.nblocks) {
		gz_diag_error(d, path, 0, 0, _("block \"%.*s\" is never closed with {%% endblock %%}"),
			      (int)b.blens[b.nblocks - 1], b.blocks[b.nblocks - 1]);
		return -1;
	}
	if (b.extends[0])
		gz_buf_printf(out, " return _layout(\"%s\",page,_blocks) end", b.extends);
	else
		gz_buf_puts(out, " end");
	return 0;
}
