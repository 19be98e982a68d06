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
 * On failure returns -1 and fills err (caller frees) with a message and
 * the line and col out-parameters with the position; line_offset is added to every line number
 * (front matter starts below the opening ---).
 */
int gz_yaml_parse(gz_value **out, const char *s, size_t len, int line_offset, char **err,
		  int *line, int *col);

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

#endif
