#include "load/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <string.h>

/* A gz_md_node is a cmark_node: markdown.h keeps cmark-gfm's header to
 * this module, the casts are all there is to it. */
#define C(n) ((cmark_node *)(n))
#define G(n) ((gz_md_node *)(n))

static const cmark_node_type types[] = {
	[GZ_MD_TEXT] = CMARK_NODE_TEXT,
	[GZ_MD_CODE] = CMARK_NODE_CODE,
	[GZ_MD_CODE_BLOCK] = CMARK_NODE_CODE_BLOCK,
	[GZ_MD_HTML_BLOCK] = CMARK_NODE_HTML_BLOCK,
	[GZ_MD_THEMATIC_BREAK] = CMARK_NODE_THEMATIC_BREAK,
	[GZ_MD_SOFTBREAK] = CMARK_NODE_SOFTBREAK,
	[GZ_MD_LINEBREAK] = CMARK_NODE_LINEBREAK,
	[GZ_MD_PARAGRAPH] = CMARK_NODE_PARAGRAPH,
	[GZ_MD_EMPH] = CMARK_NODE_EMPH,
	[GZ_MD_STRONG] = CMARK_NODE_STRONG,
	[GZ_MD_BLOCK_QUOTE] = CMARK_NODE_BLOCK_QUOTE,
	[GZ_MD_ITEM] = CMARK_NODE_ITEM,
	[GZ_MD_LIST] = CMARK_NODE_LIST,
	[GZ_MD_HEADING] = CMARK_NODE_HEADING,
	[GZ_MD_LINK] = CMARK_NODE_LINK,
	[GZ_MD_IMAGE] = CMARK_NODE_IMAGE,
	[GZ_MD_CUSTOM_BLOCK] = CMARK_NODE_CUSTOM_BLOCK,
	[GZ_MD_CUSTOM_INLINE] = CMARK_NODE_CUSTOM_INLINE,
};

gz_md_node *gz_md_node_new(gz_md_kind kind)
{
	return G(cmark_node_new(types[kind]));
}

void gz_md_node_free(gz_md_node *n)
{
	cmark_node_free(C(n));
}

gz_md_kind gz_md_node_kind(const gz_md_node *n)
{
	cmark_node_type t = cmark_node_get_type(C(n));
	size_t k;

	for (k = 1; k < sizeof(types) / sizeof(types[0]); k++)
		if (types[k] == t)
			return (gz_md_kind)k;
	return GZ_MD_OTHER;
}

const char *gz_md_node_type(const gz_md_node *n)
{
	/* a task's item is an item to a filter, which asks checked */
	if (cmark_node_get_type(C(n)) == CMARK_NODE_ITEM)
		return "item";
	return cmark_node_get_type_string(C(n));
}

bool gz_md_node_is_inline(const gz_md_node *n)
{
	return (cmark_node_get_type(C(n)) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE;
}

int gz_md_node_line(const gz_md_node *n)
{
	return cmark_node_get_start_line(C(n));
}

const char *gz_md_node_literal(const gz_md_node *n)
{
	return cmark_node_get_literal(C(n));
}

const char *gz_md_node_url(const gz_md_node *n)
{
	return cmark_node_get_url(C(n));
}

const char *gz_md_node_title(const gz_md_node *n)
{
	return cmark_node_get_title(C(n));
}

const char *gz_md_node_info(const gz_md_node *n)
{
	return cmark_node_get_fence_info(C(n));
}

int gz_md_node_level(const gz_md_node *n)
{
	return cmark_node_get_heading_level(C(n));
}

bool gz_md_node_ordered(const gz_md_node *n)
{
	return cmark_node_get_list_type(C(n)) == CMARK_ORDERED_LIST;
}

int gz_md_node_start(const gz_md_node *n)
{
	return cmark_node_get_list_start(C(n));
}

bool gz_md_node_tight(const gz_md_node *n)
{
	return cmark_node_get_list_tight(C(n));
}

int gz_md_node_task(const gz_md_node *n)
{
	cmark_syntax_extension *ext = cmark_node_get_syntax_extension(C(n));

	/* the extension keeps the state in the item and names it by its own
	 * name; cmark_gfm_extensions_get_tasklist_item_checked says false
	 * alike for an open task and a plain item */
	if (cmark_node_get_type(C(n)) != CMARK_NODE_ITEM || !ext ||
	    strcmp(cmark_node_get_type_string(C(n)), "tasklist"))
		return GZ_MD_NOT_TASK;
	return cmark_gfm_extensions_get_tasklist_item_checked(C(n)) ? GZ_MD_TASK_DONE
								     : GZ_MD_TASK_OPEN;
}

bool gz_md_node_set_literal(gz_md_node *n, const char *s)
{
	return cmark_node_set_literal(C(n), s);
}

bool gz_md_node_set_url(gz_md_node *n, const char *s)
{
	return cmark_node_set_url(C(n), s);
}

bool gz_md_node_set_title(gz_md_node *n, const char *s)
{
	return cmark_node_set_title(C(n), s);
}

bool gz_md_node_set_info(gz_md_node *n, const char *s)
{
	return cmark_node_set_fence_info(C(n), s);
}

bool gz_md_node_set_level(gz_md_node *n, int level)
{
	return cmark_node_set_heading_level(C(n), level);
}

bool gz_md_node_set_ordered(gz_md_node *n, bool ordered)
{
	return cmark_node_set_list_type(C(n), ordered ? CMARK_ORDERED_LIST : CMARK_BULLET_LIST);
}

bool gz_md_node_set_start(gz_md_node *n, int start)
{
	return cmark_node_set_list_start(C(n), start);
}

bool gz_md_node_set_tight(gz_md_node *n, bool tight)
{
	return cmark_node_set_list_tight(C(n), tight);
}

bool gz_md_node_set_task(gz_md_node *n, int task)
{
	cmark_syntax_extension *ext;

	if (cmark_node_get_type(C(n)) != CMARK_NODE_ITEM)
		return false;
	if (task == GZ_MD_NOT_TASK)
		return cmark_node_set_syntax_extension(C(n), NULL);
	gz_markdown_init();
	ext = cmark_find_syntax_extension("tasklist");
	return ext && cmark_node_set_syntax_extension(C(n), ext) &&
	       cmark_gfm_extensions_set_tasklist_item_checked(C(n), task == GZ_MD_TASK_DONE);
}

bool gz_md_node_set_html(gz_md_node *n, const char *html)
{
	return cmark_node_set_on_enter(C(n), html) && cmark_node_set_on_exit(C(n), "");
}

gz_md_node *gz_md_node_parent(const gz_md_node *n)
{
	return G(cmark_node_parent(C(n)));
}

gz_md_node *gz_md_node_first_child(const gz_md_node *n)
{
	return G(cmark_node_first_child(C(n)));
}

gz_md_node *gz_md_node_next(const gz_md_node *n)
{
	return G(cmark_node_next(C(n)));
}

/* Whether parent may hold child as an item does when parent is one: a
 * block, not an item. cmark asks a task's item its extension, which says
 * yes to any child; text held there would be on the web page alone, as
 * the print and the script read an item's blocks. */
static bool item_holds(cmark_node *parent, cmark_node *child)
{
	cmark_node_type t = cmark_node_get_type(child);

	return !parent || cmark_node_get_type(parent) != CMARK_NODE_ITEM ||
	       ((t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK && t != CMARK_NODE_ITEM);
}

bool gz_md_node_append(gz_md_node *parent, gz_md_node *child)
{
	return item_holds(C(parent), C(child)) && cmark_node_append_child(C(parent), C(child));
}

bool gz_md_node_insert_before(gz_md_node *n, gz_md_node *sibling)
{
	return item_holds(cmark_node_parent(C(n)), C(sibling)) &&
	       cmark_node_insert_before(C(n), C(sibling));
}

bool gz_md_node_insert_after(gz_md_node *n, gz_md_node *sibling)
{
	return item_holds(cmark_node_parent(C(n)), C(sibling)) &&
	       cmark_node_insert_after(C(n), C(sibling));
}

void gz_md_node_unlink(gz_md_node *n)
{
	cmark_node_unlink(C(n));
}

void gz_md_walk(gz_md_node *root, void (*visit)(gz_md_node *n, bool enter, void *payload),
		void *payload)
{
	cmark_iter *it = cmark_iter_new(C(root));
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		visit(G(cmark_iter_get_node(it)), ev == CMARK_EVENT_ENTER, payload);
	cmark_iter_free(it);
}
