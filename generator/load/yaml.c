#include "load/yaml.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "base/strlist.h"

/* Deep documents would recurse without end in the consumers. */
#define MAX_DEPTH 64

static gz_value *new_value(gz_vtype t, const yaml_mark_t *m, int off)
{
	gz_value *v = gz_calloc(1, sizeof(*v));
	v->type = t;
	v->line = (int)m->line + 1 + off;
	v->col = (int)m->column + 1;
	return v;
}

void gz_value_free(gz_value *v)
{
	size_t i;

	if (!v)
		return;
	if (v->block) {
		free(v);
		return;
	}
	for (i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		gz_value_free(v->items[i]);
	}
	free(v->keys);
	free(v->items);
	free(v->str);
	free(v);
}

/* What a tree takes in one block: its nodes, item and key slots, and
 * string bytes. */
typedef struct {
	size_t nodes, slots, bytes;
} pack_size;

static void size_tree(const gz_value *v, pack_size *ps)
{
	size_t i;

	ps->nodes++;
	if (v->str)
		ps->bytes += strlen(v->str) + 1;
	ps->slots += v->keys ? 2 * v->n : v->n;
	for (i = 0; i < v->n; i++) {
		if (v->keys)
			ps->bytes += strlen(v->keys[i]) + 1;
		size_tree(v->items[i], ps);
	}
}

typedef struct {
	gz_value *node;
	void **slot;
	char *byte;
} pack_at;

static char *pack_str(pack_at *at, const char *s)
{
	size_t len = strlen(s) + 1;
	char *d = at->byte;

	memcpy(d, s, len);
	at->byte += len;
	return d;
}

static gz_value *fill_tree(const gz_value *v, pack_at *at)
{
	gz_value *w = at->node++;
	size_t i;

	*w = *v;
	w->block = false;
	w->str = v->str ? pack_str(at, v->str) : NULL;
	w->items = NULL;
	w->keys = NULL;
	if (v->n) {
		w->items = (gz_value **)at->slot;
		at->slot += v->n;
	}
	if (v->keys && v->n) {
		w->keys = (char **)at->slot;
		at->slot += v->n;
	}
	for (i = 0; i < v->n; i++) {
		if (v->keys)
			w->keys[i] = pack_str(at, v->keys[i]);
		w->items[i] = fill_tree(v->items[i], at);
	}
	return w;
}

gz_value *gz_value_pack(const gz_value *v)
{
	pack_size ps = {0, 0, 0};
	pack_at at;
	char *block;

	size_tree(v, &ps);
	block = gz_malloc(ps.nodes * sizeof(gz_value) + ps.slots * sizeof(void *) + ps.bytes);
	at.node = (gz_value *)(void *)block;
	at.slot = (void **)(void *)(block + ps.nodes * sizeof(gz_value));
	at.byte = block + ps.nodes * sizeof(gz_value) + ps.slots * sizeof(void *);
	fill_tree(v, &at);
	((gz_value *)(void *)block)->block = true;
	return (gz_value *)(void *)block;
}

static void append(gz_value *parent, char *key, gz_value *child)
{
	parent->items = gz_realloc(parent->items, (parent->n + 1) * sizeof(*parent->items));
	parent->items[parent->n] = child;
	if (parent->type == GZ_MAP) {
		parent->keys = gz_realloc(parent->keys, (parent->n + 1) * sizeof(*parent->keys));
		parent->keys[parent->n] = key;
	}
	parent->n++;
}

typedef struct {
	yaml_parser_t p;
	int off;
	const char *s; /* the input, to look at the byte a problem is on */
	size_t len;
	char *err;
	int line, col;
} parse_state;

static void fail(parse_state *st, const char *msg, const yaml_mark_t *m)
{
	if (st->err)
		return;
	st->err = gz_strdup(msg);
	st->line = (int)m->line + 1 + st->off;
	st->col = (int)m->column + 1;
}

/* The byte a mark is on (libyaml's marks count characters, not bytes). */
static size_t byte_at(const char *s, size_t len, const yaml_mark_t *m)
{
	size_t i = 0, line = 0, col = 0;

	while (i < len && line < m->line) {
		if (s[i++] == '\n')
			line++;
	}
	while (i < len && col < m->column) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		col++;
	}
	return i;
}

/* The characters (not bytes) from s to at: a column. */
static size_t chars_in(const char *s, const char *at)
{
	size_t n = 0;

	for (; s < at; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * The mistakes editors make most, found on the lines before the one where
 * libyaml gave up (often lines later: at the next key, or at the closing
 * "---"): a full-width colon after a key, a quote or a "[" not closed on
 * its line. Sets the message and the place (line and column, 1-based) of
 * the first; false when none is there.
 */
static bool editors_mistake(parse_state *st, gz_buf *msg, int *line, int *col)
{
	const char *s = st->s, *end = st->s + st->len;
	int n = 0;

	/* lines before libyaml's: on its own line, its words are as near */
	while (s < end && n < (int)st->p.problem_mark.line) {
		const char *eol = memchr(s, '\n', (size_t)(end - s)), *p = s, *k;
		eol = eol ? eol : end;
		while (p < eol && *p == ' ')
			p++;
		if (p + 1 < eol && *p == '-' && p[1] == ' ')
			p += 2;
		for (k = p; k < eol && (isalnum((unsigned char)*k) || *k == '_' || *k == '-'); k++)
			;
		if (k > p) {
			const char *c = k;
			while (c < eol && *c == ' ')
				c++;
			if (eol - c >= 3 && !memcmp(c, "：", 3)) {
				gz_buf_printf(msg,
					      _("'%.*s' is followed by a full-width colon '：'; write a "
						"half-width colon and a space: '%.*s: '"),
					      (int)(k - p), p, (int)(k - p), p);
				*line = n + 1 + st->off;
				*col = (int)chars_in(s, c) + 1;
				return true;
			}
			if (c < eol && *c == ':') {
				const char *v = c + 1, *q;
				while (v < eol && *v == ' ')
					v++;
				if (v < eol && (*v == '"' || *v == '\'')) {
					for (q = v + 1; q < eol && (*q != *v || (*v == '"' && q[-1] == '\\')); q++)
						;
					if (q >= eol) {
						gz_buf_printf(msg,
							      _("the quote opened here is not closed; end the "
								"value with %c on the same line"),
							      *v);
						*line = n + 1 + st->off;
						*col = (int)chars_in(s, v) + 1;
						return true;
					}
				}
				if (v < eol && *v == '[' && !memchr(v, ']', (size_t)(end - v))) {
					gz_buf_puts(msg, _("the list opened here with '[' is not closed; end it "
							   "with ']'"));
					*line = n + 1 + st->off;
					*col = (int)chars_in(s, v) + 1;
					return true;
				}
			}
		}
		if (eol == end)
			break;
		s = eol + 1;
		n++;
	}
	return false;
}

/* libyaml's problem, with the construct it was inside when it has one. */
static void fail_parser(parse_state *st)
{
	gz_buf b = GZ_BUF_INIT;
	size_t at = byte_at(st->s, st->len, &st->p.problem_mark);
	int line, col;

	/* libyaml's words for a tab are "found character that cannot start
	 * any token": say what it is */
	if (at < st->len && st->s[at] == '\t') {
		fail(st, _("a tab in the indentation; YAML indents with spaces only"),
		     &st->p.problem_mark);
		return;
	}
	if (editors_mistake(st, &b, &line, &col)) {
		if (!st->err) {
			st->err = gz_buf_detach(&b, NULL);
			st->line = line;
			st->col = col;
		}
		gz_buf_release(&b);
		return;
	}
	/* libyaml's words are for programmers and stay English: our sentence
	 * says what to look at, theirs follows in parentheses */
	if (st->p.context)
		gz_buf_printf(&b,
			      _("the YAML cannot be read here; check the brackets, quotes, colons "
				"and indentation of what starts at line %d, column %d (%s, %s)"),
			      (int)st->p.context_mark.line + 1 + st->off,
			      (int)st->p.context_mark.column + 1,
			      st->p.problem ? st->p.problem : "invalid YAML", st->p.context);
	else
		gz_buf_printf(&b,
			      _("the YAML cannot be read here; check the brackets, quotes, colons "
				"and indentation (%s)"),
			      st->p.problem ? st->p.problem : "invalid YAML");
	fail(st, b.ptr, &st->p.problem_mark);
	gz_buf_release(&b);
}

static gz_value *parse_node(parse_state *st, yaml_event_t *ev, int depth);

static gz_value *parse_children(parse_state *st, gz_value *v, int depth)
{
	gz_map seen = {0}; /* a mapping's keys so far: duplicates are errors */

	for (;;) {
		yaml_event_t ev;
		yaml_mark_t key_mark = {0, 0, 0};
		char *key = NULL;
		gz_value *child;

		if (!yaml_parser_parse(&st->p, &ev)) {
			fail_parser(st);
			break;
		}
		if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (v->type == GZ_MAP) {
			void *first;
			if (ev.type != YAML_SCALAR_EVENT) {
				fail(st, _("mapping keys must be plain text"), &ev.start_mark);
				yaml_event_delete(&ev);
				break;
			}
			key = gz_strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
			key_mark = ev.start_mark;
			yaml_event_delete(&ev);
			/* the first would win silently in gz_value_get: an editor
			 * who wrote a key twice meant one of them */
			if ((first = gz_map_get(&seen, key))) {
				gz_buf b = GZ_BUF_INIT;
				gz_buf_printf(&b, _("duplicate key '%s' (first at line %d); keep one of them"),
					      key, (int)(intptr_t)first);
				fail(st, b.ptr, &key_mark);
				gz_buf_release(&b);
				free(key);
				break;
			}
			if (!yaml_parser_parse(&st->p, &ev)) {
				free(key);
				fail_parser(st);
				break;
			}
		}
		child = parse_node(st, &ev, depth + 1);
		if (!child) {
			free(key);
			break;
		}
		append(v, key, child);
		if (key) /* the value is the key's line (never 0: lines start at 1) */
			gz_map_put(&seen, key, (void *)(intptr_t)((int)key_mark.line + 1 + st->off));
		if (st->err)
			break;
	}
	gz_map_release(&seen);
	return v;
}

/* Takes ownership of ev. */
static gz_value *parse_node(parse_state *st, yaml_event_t *ev, int depth)
{
	gz_value *v = NULL;

	if (depth > MAX_DEPTH) {
		fail(st, _("nesting is too deep"), &ev->start_mark);
		yaml_event_delete(ev);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		v = new_value(GZ_STR, &ev->start_mark, st->off);
		v->str = gz_strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		v->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		if (!v->quoted && gz_value_is_null(v))
			v->type = GZ_NULL;
		yaml_event_delete(ev);
		return v;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		v = new_value(ev->type == YAML_SEQUENCE_START_EVENT ? GZ_SEQ : GZ_MAP, &ev->start_mark,
			      st->off);
		yaml_event_delete(ev);
		return parse_children(st, v, depth);
	case YAML_ALIAS_EVENT:
		fail(st, _("YAML aliases (*name) are not supported; write the value out"),
		     &ev->start_mark);
		yaml_event_delete(ev);
		return NULL;
	default:
		fail(st, _("unexpected YAML structure"), &ev->start_mark);
		yaml_event_delete(ev);
		return NULL;
	}
}

int gz_yaml_parse(gz_value **out, const char *s, size_t len, int line_offset, const char *path,
		  gz_diag *d)
{
	parse_state st;
	yaml_event_t ev;
	gz_value *root = NULL;
	int done = 0;

	memset(&st, 0, sizeof(st));
	st.off = line_offset;
	st.s = s;
	st.len = len;
	*out = NULL;
	yaml_parser_initialize(&st.p);
	yaml_parser_set_input_string(&st.p, (const unsigned char *)s, len);
	yaml_parser_set_encoding(&st.p, YAML_UTF8_ENCODING);

	while (!done && !st.err) {
		if (!yaml_parser_parse(&st.p, &ev)) {
			fail_parser(&st);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			yaml_event_delete(&ev);
			break;
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			yaml_event_delete(&ev);
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root) {
				fail(&st, _("only one YAML document is allowed here"), &ev.start_mark);
			}
			yaml_event_delete(&ev);
			break;
		default:
			root = parse_node(&st, &ev, 0);
			break;
		}
	}
	yaml_parser_delete(&st.p);
	if (st.err) {
		gz_value_free(root);
		if (d && line_offset > 0)
			gz_diag_error(d, path, st.line, st.col, _("front matter: %s"), st.err);
		else if (d)
			gz_diag_error(d, path, st.line, st.col, "%s", st.err);
		free(st.err);
		return -1;
	}
	if (!root) {
		yaml_mark_t m = {0, 0, 0};
		root = new_value(GZ_NULL, &m, line_offset);
	}
	*out = root;
	return 0;
}

gz_value *gz_value_get(const gz_value *v, const char *key)
{
	size_t i;

	if (!v || v->type != GZ_MAP)
		return NULL;
	/* front matter is read a field at a time, for every page: the first
	 * byte rules out most keys without a call */
	for (i = 0; i < v->n; i++)
		if (v->keys[i][0] == key[0] && !strcmp(v->keys[i], key))
			return v->items[i];
	return NULL;
}

const char *gz_value_str(const gz_value *v, const char *key)
{
	gz_value *x = gz_value_get(v, key);

	return x && x->type == GZ_STR ? x->str : NULL;
}

bool gz_value_is_null(const gz_value *v)
{
	if (v->type == GZ_NULL)
		return true;
	if (v->type != GZ_STR || v->quoted)
		return false;
	return !v->str[0] || !strcmp(v->str, "~") || !strcmp(v->str, "null") ||
	       !strcmp(v->str, "Null") || !strcmp(v->str, "NULL");
}

bool gz_value_bool(const gz_value *v, const char *key, bool def)
{
	const char *s = gz_value_str(v, key);

	if (!s)
		return def;
	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on"))
		return true;
	if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off"))
		return false;
	return def;
}

long gz_value_int(const gz_value *v, const char *key, long def)
{
	const char *s = gz_value_str(v, key);
	char *end;
	long n;

	if (!s || !*s)
		return def;
	n = strtol(s, &end, 10);
	return *end ? def : n;
}

uint64_t gz_value_hash(uint64_t h, const gz_value *v)
{
	size_t i;

	if (!v)
		return gz_hash_u64(h, 0);
	h = gz_hash_u64(gz_hash_u64(h, (uint64_t)v->type), v->n);
	h = gz_hash_fast_str(h, v->str);
	for (i = 0; i < v->n; i++) {
		if (v->keys)
			h = gz_hash_fast_str(h, v->keys[i]);
		h = gz_value_hash(h, v->items[i]);
	}
	return h;
}

struct gz_yaml_out {
	yaml_emitter_t em;
	gz_buf text, *out;
	bool failed;
	bool seq[MAX_DEPTH]; /* what each open node is: a sequence or a mapping */
	int depth;
};

static void out_open(gz_yaml_out *y, bool seq)
{
	if (y->depth == MAX_DEPTH)
		y->failed = true;
	else
		y->seq[y->depth++] = seq;
}

static int out_write(void *data, unsigned char *bytes, size_t size)
{
	gz_buf_add(&((gz_yaml_out *)data)->text, bytes, size);
	return 1;
}

static void out_emit(gz_yaml_out *y, yaml_event_t *ev, int made)
{
	if (!made) {
		y->failed = true;
	} else if (y->failed) {
		yaml_event_delete(ev); /* the emitter owns only what it was given */
	} else if (!yaml_emitter_emit(&y->em, ev)) {
		y->failed = true;
	}
}

static void out_plain(gz_yaml_out *y, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	out_emit(y, &ev,
		 yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1,
					      1, style));
}

static void out_key(gz_yaml_out *y, const char *key)
{
	if (key)
		out_plain(y, key, YAML_PLAIN_SCALAR_STYLE);
}

gz_yaml_out *gz_yaml_out_begin(gz_buf *out)
{
	gz_yaml_out *y = gz_calloc(1, sizeof(*y));
	yaml_event_t ev;

	y->out = out;
	yaml_emitter_initialize(&y->em);
	yaml_emitter_set_output(&y->em, out_write, y);
	yaml_emitter_set_unicode(&y->em, 1); /* Chinese as it is, not \u escapes */
	yaml_emitter_set_width(&y->em, -1);  /* no folding of long titles */
	out_emit(y, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	out_emit(y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	gz_yaml_out_map(y, NULL);
	return y;
}

void gz_yaml_out_scalar(gz_yaml_out *y, const char *key, const char *v, bool quoted)
{
	out_key(y, key);
	out_plain(y, v, quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
}

void gz_yaml_out_seq(gz_yaml_out *y, const char *key, bool flow)
{
	yaml_event_t ev;

	out_key(y, key);
	out_open(y, true);
	out_emit(y, &ev,
		 yaml_sequence_start_event_initialize(
			 &ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

void gz_yaml_out_map(gz_yaml_out *y, const char *key)
{
	yaml_event_t ev;

	out_key(y, key);
	out_open(y, false);
	out_emit(y, &ev,
		 yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
}

void gz_yaml_out_close(gz_yaml_out *y)
{
	yaml_event_t ev;

	if (!y->depth) {
		y->failed = true;
		return;
	}
	if (y->seq[--y->depth])
		out_emit(y, &ev, yaml_sequence_end_event_initialize(&ev));
	else
		out_emit(y, &ev, yaml_mapping_end_event_initialize(&ev));
}

int gz_yaml_out_end(gz_yaml_out *y)
{
	yaml_event_t ev;
	int rc;

	gz_yaml_out_close(y);
	out_emit(y, &ev, yaml_document_end_event_initialize(&ev, 1));
	out_emit(y, &ev, yaml_stream_end_event_initialize(&ev));
	if (!y->failed && !yaml_emitter_flush(&y->em))
		y->failed = true;
	rc = y->failed ? -1 : 0;
	if (!rc)
		gz_buf_add(y->out, y->text.ptr, y->text.len);
	yaml_emitter_delete(&y->em);
	gz_buf_release(&y->text);
	free(y);
	return rc;
}
