/*
 * search.h: the site's static search index, built with the site.
 *
 * Everything is a plain file under search/ that search.js reads in the
 * browser; no server and no other program is involved.
 *
 *   search/docs.json        {"fields":[{key,label}…],"docs":[[url,title,
 *                           date,section,[terms of field 0],…],…]}: one row
 *                           per page, id = row number (filters and results)
 *   search/idx/NN.json      shard NN (two hex digits, token hash % 256):
 *                           {"token":"postings",…}; postings are varints in
 *                           a 64-letter alphabet (see encode_varint): doc id
 *                           delta, then the token's count in that page
 *   search/text/N.bin       pages 16N … 16N+15: ["title\ntext",…] gzipped
 *                           (pack.h; most of the index's size), fetched
 *                           only for the results shown (snippets) and to
 *                           check a Chinese query of 3+ characters is
 *                           really in the page, not just all its bigrams
 *
 * Tokens are those of tokenize.h over the title and the body text.
 */
#ifndef GZ_SEARCH_H
#define GZ_SEARCH_H

#include "output.h"
#include "site.h"

/* Changes whenever the files' layout does, so a build never keeps index
 * files that the theme's search.js no longer reads. */
#define GZ_SEARCH_FORMAT "2"

#define GZ_SEARCH_SHARDS 256
#define GZ_SEARCH_TEXT_GROUP 16

/* Index site's published pages into out (paths under search/). Uses jobs
 * threads. Cannot fail except by running out of memory (which aborts). */
void gz_search_build(gz_outputs *out, const gz_site *site, int jobs);

/* For long-running processes (serve): keep each page's tokens between
 * builds, so a rebuild only tokenizes the pages whose text changed.
 * gz_search_cache_release frees them. */
void gz_search_cache_enable(void);
void gz_search_cache_release(void);

/* The pages the index holds, in id order: site->pages then
 * site->standalone. */
const gz_page *gz_search_page(const gz_site *site, size_t id);
size_t gz_search_count(const gz_site *site);

#endif
