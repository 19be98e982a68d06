/*
 * hooks.h: the Markdown tree in Lua, for filters in the style of Pandoc's.
 *
 * This module is the bridge between the Markdown tree (markdown.h's node
 * API) and Lua: it wraps the nodes as Lua userdata (fields: type, text,
 * level, url, title, info, list_type, start, tight, children, line),
 * builds new nodes from Lua (gz.node.paragraph{…}), and runs filters: a
 * filter is a table keyed by node type ("paragraph", "text", "image" …);
 * its function returns nothing (keep), a node (replace), a list (splice) or
 * an empty list (delete). Each filter is applied in two passes, inlines then
 * blocks, bottom-up, as Pandoc's typewise traversal does; then its
 * document(doc, meta) function, which may change the front matter.
 *
 * Memory: nodes handed to Lua may outlive their place in the tree. Every
 * node that is cut out of the tree or made by Lua is remembered; when the
 * page is done (or any call into Lua: templates and other hooks can make
 * nodes too), the userdata are disarmed and whatever is not in the
 * document any more is freed. Nodes and their texts count against the
 * call's data limit (script.h).
 */
#ifndef GZ_HOOKS_H
#define GZ_HOOKS_H

#include <lua.h>

#include "load/markdown.h"

/* Register gz.node.* and the node metatable in L (once per state). */
void gz_hooks_open(lua_State *L);

/* Run the filter tables in the Lua sequence at index filters over doc (a
 * document's tree). meta at index meta_idx (a table, may be
 * changed in place; a document function may also return a replacement,
 * which is left at the top of the stack; otherwise nothing is pushed).
 * Lua errors propagate (call inside lua_pcall). */
void gz_hooks_run_filters(lua_State *L, int filters, gz_md_node *doc, int meta_idx);

/* After gz_hooks_run_filters failed: the page's line of the node the
 * failing filter was called on, for the error to name (0: unknown, as for
 * a document function or a node Lua made). */
int gz_hooks_filter_line(lua_State *L);

/* After a page (doc still alive), or after any call into Lua (doc NULL):
 * disarm all node userdata and free what Lua made or cut out that is not
 * in a document. Raises no Lua error. */
void gz_hooks_page_done(lua_State *L, gz_md_node *doc);

#endif
