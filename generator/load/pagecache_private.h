/*
 * pagecache_private.h: what pagecache.c (the index, hits, entries as they
 * are made, the checks) and pagesave.c (writing the index and the pack at
 * the end of a build) share; nothing else includes it.
 */
#ifndef GZ_PAGECACHE_PRIVATE_H
#define GZ_PAGECACHE_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/hash.h"
#include "load/pagecache.h"

#define IDX_MAGIC "GZPI"
#define PACK_MAGIC "GZPP"
#define ENTRY_MAGIC "GZPF"
#define VERSION 6u
#define PACK_HEAD 16u  /* magic, version, generation */
/* magic, pad, key, payload length, its checksum, the length of its head
 * (all but the body's text, which comes last) and the head's checksum */
#define ENTRY_HEAD 48u
/* The address space kept for the entries a build writes (a 10,000-page
 * site's take 185 MB): nothing is in memory for it but what is read. Less
 * where there is less to have (valgrind, ulimit -v). */
#define FRESH_ROOM ((size_t)1 << 36)
#define FRESH_ROOM_LEAST ((size_t)1 << 30)

typedef struct {
	char *path;
	/* as the index had it (len 0: no entry) */
	uint64_t key, off, len, src_hash;
	/* The entry's head (front matter, fields, summary): a copy is kept in
	 * pages.heads at hoff, hlen bytes, so that a hit reads the heads one
	 * after another and the pack only for the bodies it renders. head:
	 * those bytes where they can be trusted (the heads file as the last
	 * build left it, a head checked in the pack, this load's entry), or
	 * NULL. */
	uint64_t hoff;
	size_t hlen;
	const char *head;
	gz_source_stamp st;
	bool has_st;
	bool listed;  /* a file of this load */
	bool changed; /* differs from the index */
	/* a parse of this load, not yet in the pack: dlen bytes (hlen of
	 * them its head), in data or else (fresh) at foff in the fresh file */
	char *data;
	size_t dlen;
	uint64_t foff;
	bool fresh;
	/* a hit whose whole entry (sum) is checked later (verify_start) */
	bool unchecked, bad_body; /* bad_body: what check_bodies found */
	uint64_t sum;
	/* the entry's bytes whose body text the page of this load holds (a
	 * hit's in the map, or data): gz_pagecache_take_back */
	const char *lent;
	size_t nlent;
} rec;

struct gz_pagecache {
	char *dir;
	uint64_t salt;
	long long now_ns;
	rec *recs;
	size_t n;
	gz_map by_path;
	/* pages.heads, mapped if it is as the last build left it (heads_st,
	 * as the index records it): heads_ok */
	const char *heads;
	size_t heads_len;
	gz_source_stamp heads_st;
	bool heads_ok;
	uint64_t gen;  /* of the pack the index points into */
	const char *map; /* the pack, mapped */
	size_t map_len;
	atomic_size_t hits;
	atomic_bool damaged;
	size_t cap;     /* of recs */
	/* the old index and pack, read on a thread (gz_pagecache_preload) */
	pthread_t reader;
	bool reading, index_bad;
	/* the pack as the last build left it: its text was summed when it was
	 * written (or checked since), and nothing has written to it after */
	gz_source_stamp pack_st;
	bool trusted;
	/* hits' text checked on a thread of its own (gz_pagecache_verify_start) */
	bool check_later, checking;
	pthread_t checker;
	size_t bad_bodies;
	/* saved entries' data, which pages of this load still point into */
	char **spent;
	size_t nspent, spent_cap;
	/* The parses of this load, written as they are made to a file of
	 * their own, which is a pack (its head written first) but has no
	 * name until gz_pagecache_save gives it one (fresh_file): a build
	 * stopped before leaves nothing behind. Pages point into its map; the system keeps
	 * in memory only what was read of it (gz_pagecache_shed). Without
	 * one (no O_TMPFILE, a failed write) an entry is held in data. */
	pthread_mutex_t fresh_lock;
	bool fresh_tried;
	int fresh_fd;
	const char *fresh_map; /* fresh_room bytes, the file's within them */
	size_t fresh_room;
	uint64_t fresh_gen;
	atomic_uint_fast64_t fresh_end; /* bytes of it given out */
};

/* The stamp of an open file; false if it cannot be had. Any write to the
 * file changes its ctime, which no program can set back. */
bool pagecache_stamp_fd(int fd, gz_source_stamp *out);
/* The path of name in the cache folder (caller frees). */
char *pagecache_file_in(const gz_pagecache *c, const char *name);
/* The generation of a pack made now, by this process, after the one the
 * index points into. */
uint64_t pagecache_new_gen(const gz_pagecache *c);
/* The head of an entry whose payload is len bytes, head of them its own
 * head: magic, key, lengths and checksums. */
void pagecache_entry_head(gz_buf *b, uint64_t key, const char *payload, size_t len, size_t head);

#endif
