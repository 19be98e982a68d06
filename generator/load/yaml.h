/*
 * yaml.h: YAML documents (site.yml, front matter, manifests) as value trees.
 *
 * The only module that includes <yaml.h>. A document parses into a tree of
 * gz_value: scalars stay strings (with helpers to read them as bool, int),
 * sequences and mappings keep their order, and every node remembers its
 * line and column so later checks can point at the offending key. Aliases
 * are refused (they allow exponential "billion laughs" documents).
 */
#ifndef GZ_YAML_H
#define GZ_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"

typedef enum { GZ_NULL, GZ_STR, GZ_SEQ, GZ_MAP } gz_vtype;

typedef struct gz_value gz_value;
struct gz_value {
	gz_vtype type;
	int line, col;          /* 1-based, in the file */
	char *str;              /* GZ_STR: the scalar; GZ_MAP: unused */
	bool quoted;            /* scalar was quoted: never a bool/number/null */
	bool block;             /* the root of a tree made in one allocation (its
				 * nodes, arrays and strings): freed whole, and
				 * never changed */
	size_t n;               /* items (SEQ) or pairs (MAP) */
	char **keys;            /* MAP keys */
	gz_value **items;       /* SEQ items, MAP values */
};

/*
 * Parse len bytes as one YAML document. On success *out is the root (a
 * GZ_NULL value for an empty document), owned by the caller (gz_value_free).
 * On failure returns -1 and adds the error to d, placed at path with the
 * line and column of the fault; d may be NULL when the caller falls back to
 * defaults and reports nothing. line_offset is added to every line number:
 * a document that starts below line 1 is a page's front matter (below the
 * opening ---), and its errors say so.
 */
int gz_yaml_parse(gz_value **out, const char *s, size_t len, int line_offset, const char *path,
		  gz_diag *d);

void gz_value_free(gz_value *v);

/* A copy of the tree v in one allocation (block set), caller frees: a
 * tree kept for a whole build, without a heap block for every node. */
gz_value *gz_value_pack(const gz_value *v);

/* A hash of a value tree (its types, strings, keys and shape), mixed into h. */
uint64_t gz_value_hash(uint64_t h, const gz_value *v);

/* Map lookup (NULL if v is not a map or has no such key). */
gz_value *gz_value_get(const gz_value *v, const char *key);
/* The scalar string of v[key], or NULL if absent, null or not a scalar. */
const char *gz_value_str(const gz_value *v, const char *key);
/* A scalar read as a YAML 1.1 boolean (true/yes/on); def if absent. */
bool gz_value_bool(const gz_value *v, const char *key, bool def);
/* A scalar read as an integer; def if absent or not a number. */
long gz_value_int(const gz_value *v, const char *key, long def);
/* True for a plain (unquoted) null scalar: ~, null, empty. */
bool gz_value_is_null(const gz_value *v);

/*
 * Writing YAML (the desk's front matter) through libyaml's emitter, so that
 * quoting and escaping follow YAML's own rules. The document is one block
 * mapping; nodes are opened and closed in order, as libyaml's events are.
 * key is NULL for an item of a sequence. A quoted scalar is written in
 * double quotes (read back as a string whatever it holds); a plain one is
 * left to the emitter, which quotes it only where YAML needs it. A flow
 * sequence reads [a, b] on one line.
 */
typedef struct gz_yaml_out gz_yaml_out;
gz_yaml_out *gz_yaml_out_begin(gz_buf *out);
void gz_yaml_out_scalar(gz_yaml_out *y, const char *key, const char *v, bool quoted);
void gz_yaml_out_seq(gz_yaml_out *y, const char *key, bool flow);
void gz_yaml_out_map(gz_yaml_out *y, const char *key);
void gz_yaml_out_close(gz_yaml_out *y); /* the sequence or mapping opened last */
/* Ends the document and frees y: 0, or -1 if libyaml refused an event (text
 * that is not UTF-8), with nothing written to out. */
int gz_yaml_out_end(gz_yaml_out *y);

#endif
