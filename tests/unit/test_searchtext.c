#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hash.h"
#include "load/searchtext.h"
#include "test.h"
#include "load/yaml.h"

static gz_value *fm(const char *s)
{
	gz_value *v = NULL;

	if (gz_yaml_parse(&v, s, strlen(s), 1, NULL, NULL) < 0)
		return NULL;
	return v;
}

/* Every visible field in its part, each once, control bytes made spaces. */
static void parts(void)
{
	gz_page p;
	gz_photo cover = {0}, images[1] = {{0}}, photos[2] = {{0}};
	gz_strlist tax[2] = {{0}};
	gz_buf b = GZ_BUF_INIT;

	memset(&p, 0, sizeof(p));
	p.title = "标题\x01甲";
	p.summary = "写下的摘要";
	p.fm = fm("summary: 写下的摘要\ntopic: 产业扶贫\ndepartment: [农业农村局, 扶贫办]\n");
	p.author = "孙昊";
	p.source = "融媒体中心";
	cover.caption = "林边的蜂箱。";
	cover.credit = "张三 摄";
	images[0] = cover; /* the cover shown again in the text: said once */
	photos[0] = cover;
	photos[1].caption = "装瓶的\n蜂蜜。";
	p.cover = &cover;
	p.images = images;
	p.nimages = 1;
	p.photos = photos;
	p.nphotos = 2;
	gz_strlist_add(&tax[0], "穆棱镇");
	gz_strlist_add(&tax[1], "孟庆龙");
	gz_strlist_add(&tax[1], "盛成先");
	p.tax_values = tax;
	p.plain = "正文\n第二段";
	gz_searchtext_full(&b, &p, 2);
	CHECK_STR(b.ptr, "标题 甲\x1e写下的摘要\x1e"
			 "\x01林边的蜂箱。\x02张三 摄\x01装瓶的 蜂蜜。\x03孙昊\x04融媒体中心"
			 "\x05产业扶贫\x06农业农村局\x06扶贫办\x10穆棱镇\x11孟庆龙\x11盛成先"
			 "\x1e正文\n第二段");

	/* a summary the body made is in the body already */
	gz_value_free(p.fm);
	p.fm = fm("title: x\n");
	gz_buf_clear(&b);
	gz_searchtext_head(&b, &p, 0);
	CHECK(!strncmp(b.ptr, "标题 甲\x1e\x1e\x01", strlen("标题 甲\x1e\x1e\x01")));
	CHECK_INT(b.ptr[b.len - 1], GZ_SEARCHTEXT_PART);

	/* nothing but a title: still four parts */
	gz_value_free(p.fm);
	memset(&p, 0, sizeof(p));
	p.title = "只有标题";
	gz_buf_clear(&b);
	gz_searchtext_full(&b, &p, 0);
	CHECK_STR(b.ptr, "只有标题\x1e\x1e\x1e");
	gz_strlist_release(&tax[0]);
	gz_strlist_release(&tax[1]);
	gz_buf_release(&b);
}

/* The head's hash: its bytes', so a caption or a term changes it and the
 * body does not (that has a hash of its own). */
static void head_hash(void)
{
	gz_page p;
	gz_photo cover = {0};
	gz_strlist tax[1] = {{0}};
	gz_buf b = GZ_BUF_INIT;
	uint64_t h;

	memset(&p, 0, sizeof(p));
	p.title = "标题";
	cover.caption = "林边的蜂箱。";
	p.cover = &cover;
	gz_strlist_add(&tax[0], "穆棱镇");
	p.tax_values = tax;
	p.plain = "正文";
	h = gz_searchtext_head_hash(&p, 1);
	gz_searchtext_head(&b, &p, 1);
	CHECK(h == gz_hash_fast(GZ_HASH_INIT, b.ptr, b.len));
	p.plain = "别的正文";
	CHECK(gz_searchtext_head_hash(&p, 1) == h);
	cover.caption = "林边的两个蜂箱。";
	CHECK(gz_searchtext_head_hash(&p, 1) != h);
	cover.caption = "林边的蜂箱。";
	CHECK(gz_searchtext_head_hash(&p, 1) == h);
	gz_strlist_add(&tax[0], "下城子镇");
	CHECK(gz_searchtext_head_hash(&p, 1) != h);
	gz_strlist_release(&tax[0]);
	gz_buf_release(&b);
}

void suite_searchtext(void)
{
	gz_test_run("searchtext parts", parts);
	gz_test_run("searchtext head hash", head_hash);
}
