# Lua hooks: every return kind of a filter, the document function, each
# default shortcode, both Lua layouts, each lifecycle hook, the UTF-8
# helpers, every sandbox rule, error format, --keep-going, and the three
# worked examples from docs/hooks.md.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
minimal_site "$site"
mkdir -p "$site/hooks" "$site/content/stories/2019" "$site/content/policies" "$site/content/photos"

cat >"$site/hooks/10-returns.lua" <<'LUA'
return {
  -- keep (nil), replace (a node), splice (a list), delete ({})
  heading = function(h)
    if h.text == "删除我" then return {} end
    if h.text == "换掉我" then return gz.node.heading(3, "已替换的标题") end
    if h.text == "展开我" then
      return { h, gz.node.paragraph({ "展开出的段落，", gz.node.strong("加粗") }) }
    end
  end,
  code = function(c) c.text = c.text:upper() end,
  document = function(doc, meta)
    meta.tags = meta.tags or {}
    meta.tags[#meta.tags + 1] = "钩子标签"
    meta.computed_len = gz.utf8.len(meta.title)
    return meta
  end,
  on_page = function(page)
    gz.set(page, "render_note", "on_page " .. gz.utf8.sub(page.title, 1, 2))
  end,
  on_output = function(path, html)
    if path:match("%.html$") then return html .. "<!-- on_output " .. path .. " -->" end
  end,
}
LUA
cat >"$site/hooks/20-load.lua" <<'LUA'
return {
  on_load = function(site)
    for _, p in ipairs(site.pages) do gz.set(p, "loaded_mark", "已载入") end
    gz.add_page({ url = "/virtual/", title = "钩子页面", content = "<p>由 on_load 生成</p>" })
    -- a title broken where print would break it reads whole, as a file's does
    gz.add_page({ url = "/cases/", title = "穆棱市脱贫攻坚\n典型案例", content = "<p>案例</p>" })
  end,
  on_done = function(site)
    local f = io.open(site.params.done_file, "w")
    f:write("done " .. #site.pages)
    f:close()
  end,
}
LUA
cat >>"$site/site.yml" <<YML
hooks:
  allow: [io]
params:
  done_file: $TMPDIR/done.txt
YML
mkdir -p "$site/themes"
cp -R "$ROOT/themes/default" "$site/themes/default"
cat >"$site/themes/default/layouts/partials/hooktest.html" <<'HTML'
<p class="hooktest">{{ page.render_note }}|{{ page.loaded_mark }}|{{ page.params.computed_len }}|{{ gz.utf8.len("穆棱镇") }}|{{ gz.utf8.sub("穆棱镇大桥村", -3) }}|{{ gz.utf8.truncate("穆棱镇大桥村", 3) }}|{{ gz.utf8.count("孟庆龙2019年") }}</p>
HTML
sed -i 's|{{{ partial("byline", page) }}}|{{{ partial("byline", page) }}}{{{ partial("hooktest", page) }}}|' \
	"$site/themes/default/layouts/stories.html"
grep -q hooktest "$site/themes/default/layouts/stories.html" || fail "could not hook the test partial in"

cat >"$site/content/stories/2019/a.md" <<'MD'
---
title: 钩子测试故事
date: 2019-06-08
tags: [原有标签]
---
正文第一段，有`code`。

## 删除我

## 换掉我

## 展开我

::: figure src=/photos/a.jpg caption="蜂箱" credit="摄影 孙昊" alt="一排蜂箱"
:::

::: gallery title="图集"
![一](/photos/a.jpg)
:::

::: policy-box title="要点" amount="5万元以下" who="建档立卡贫困户"
补充说明。
:::

::: quote speaker="孟庆龙" role="养蜂户"
日子甜了。
:::

::: video src=/video/a.mp4 poster=/photos/a.jpg duration="3:20" title="甜蜜事业"
:::
MD
cp "$(ls "$ROOT"/content/photos/*/*.jpg | head -n 1)" "$site/content/photos/a.jpg"
cat >"$site/content/stories/2019/tv.md" <<'MD'
---
title: 电视专栏第一期
date: 2019-06-09
layout: tv
episode: 7
air_date: 2019-06-10
duration: "12:30"
reprint: forbidden
---
播出稿正文。
MD
cat >"$site/content/policies/qa.md" <<'MD'
---
title: 政策问答
date: 2019-03-01
layout: policy-qa
department: 扶贫办
---
## 问：什么是小额贷款？

答。

## 问：怎么申请？

答。
MD
make_repo "$site"

"$GAZETTE" build --source "$site" --out "$TMPDIR/out" 2>"$TMPDIR/err" ||
	{ cat "$TMPDIR/err"; fail "build with hooks failed"; }
a=$TMPDIR/out/stories/2019/a/index.html
assert_not_contains "$a" "删除我"
assert_contains "$a" "<h3>已替换的标题</h3>"
assert_not_contains "$a" "换掉我"
assert_contains "$a" "展开我</h2>"
assert_contains "$a" "<p>展开出的段落，<strong>加粗</strong></p>"
assert_contains "$a" "<code>CODE</code>"
assert_file "$TMPDIR/out/tags/钩子标签/index.html"
assert_file "$TMPDIR/out/tags/原有标签/index.html"
# on_page, on_load (gz.set), document (computed_len), the UTF-8 helpers
assert_contains "$a" '<p class="hooktest">on_page 钩子|已载入|6|3|大桥村|穆棱镇…|5</p>'
assert_contains "$a" "<!-- on_output stories/2019/a/index.html -->"
# on_load's page, and on_done (with io granted in site.yml)
assert_contains "$TMPDIR/out/virtual/index.html" "由 on_load 生成"
assert_contains "$TMPDIR/out/cases/index.html" "<title>穆棱市脱贫攻坚典型案例 | "
grep -rlF '穆棱市脱贫攻坚\n' "$TMPDIR/out/search" && fail "a hook page's title keeps its line break in the search index"
grep -c '穆棱市脱贫攻坚典型案例' "$TMPDIR/out/search/docs.json" >/dev/null ||
	fail "a hook page's title is not in the search index whole"
[ "$(cat "$TMPDIR/done.txt" 2>&1)" = "done 3" ] || fail "on_done did not run: $(cat "$TMPDIR/done.txt" 2>&1)"
# each shortcode
# a figure is the site's photo, with the caption and credit it was given
assert_contains "$a" '<figure class="photo"><picture>'
assert_contains "$a" 'alt="一排蜂箱"'
assert_contains "$a" '<figcaption><span class="caption">蜂箱</span> <span class="credit">摄影 孙昊</span></figcaption>'
assert_contains "$a" '<div class="sc-gallery" role="group" aria-label="图集">'
assert_contains "$a" '<dt>金额</dt><dd>5万元以下</dd>'
assert_contains "$a" '<blockquote class="pull-quote"><p>日子甜了。</p>'
assert_contains "$a" '<footer><cite>——孟庆龙，养蜂户</cite></footer>'
assert_contains "$a" 'poster="/photos/a.jpg" src="/video/a.mp4"'
assert_contains "$a" '时长 3:20'
# both Lua layouts
tv=$TMPDIR/out/stories/2019/tv/index.html
assert_contains "$tv" '<dt>期数</dt><dd>第 7 期</dd>'
# a running time, not a clock time
assert_contains "$tv" '<dt>片长</dt><dd>12分30秒</dd>'
assert_contains "$tv" '本稿未经书面许可，不得转载或播出'
assert_contains "$tv" '<main id="main"'
qa=$TMPDIR/out/policies/qa/index.html
assert_contains "$qa" '<a href="#q2">怎么申请？</a>'
assert_contains "$qa" '<h2 id="q1">'

# errors: a hook error names the hook line and the page; nothing is written.
# From here on the sandbox is closed again (no io grant, no on_done).
rm "$site/hooks/20-load.lua"
sed -i '/^hooks:$/d; /allow: \[io\]/d' "$site/site.yml"
grep -q allow "$site/site.yml" && fail "could not take the io grant away"
bad() { # name lua expected-text
	rm -f "$site/hooks/90-bad.lua"
	printf '%s\n' "$2" >"$site/hooks/90-bad.lua"
	status=0
	"$GAZETTE" build --source "$site" --out "$TMPDIR/out-$1" 2>"$TMPDIR/err-$1" || status=$?
	[ "$status" -eq 1 ] || { cat "$TMPDIR/err-$1"; fail "$1: expected exit 1, got $status"; }
	assert_contains "$TMPDIR/err-$1" "$3"
	assert_no_file "$TMPDIR/out-$1"
}
bad os 'return { paragraph = function(p) os.execute("touch /tmp/gazette-pwned") end }' \
	"hooks/90-bad.lua:1: attempt to index a nil value (global 'os') (while rendering content/"
bad io 'return { paragraph = function(p) io.open("/etc/passwd") end }' "global 'io'"
bad require 'return { paragraph = function(p) require("os") end }' "global 'require'"
bad bytecode 'return { paragraph = function(p) assert(load(string.dump(function() end))) end }' \
	"attempt to load a binary chunk"
bad loop 'return { paragraph = function(p) while true do end end }' \
	"hooks/90-bad.lua:1: ran more than 2 hundred million steps, stopped"
# in 64 MB copies: string.rep of one byte copies byte by byte, and under
# AddressSanitizer 512 MB made that way can take longer than the 10 s limit
bad memory 'return { paragraph = function(p) local s, t = string.rep(string.rep("x", 2^16), 2^10), {} for i = 1, 1e9 do t[i] = s .. i end end }' \
	"hooks/90-bad.lua:1: Lua used more than 512 MB of memory, stopped (site.yml hooks: memory_mb)"
bad syntax 'return { paragraph = function(p) end' "hooks/90-bad.lua:"
bad kind 'return { paragraph = function(p) return gz.node.text("inline in a block place") end }' \
	"the 'paragraph' filter returned a text, which cannot stand where a paragraph was"
# error(msg, 0) is the hook's word to the editor: the page's place, not the
# hook's (error(msg) names the hook too: lua_errors.sh)
bad shortcode 'return { shortcodes = { quote = function(args) error("no speaker", 0) end } }' \
	"content/stories/2019/a.md:25:1: shortcode 'quote': no speaker"
assert_not_contains "$TMPDIR/err-shortcode" "90-bad.lua"
# --keep-going leaves the failing page out, with a warning
printf 'return { code = function(c) error("boom", 0) end }\n' >"$site/hooks/90-bad.lua"
"$GAZETTE" build --source "$site" --out "$TMPDIR/out-kg" --keep-going 2>"$TMPDIR/err-kg" ||
	{ cat "$TMPDIR/err-kg"; fail "--keep-going failed"; }
assert_contains "$TMPDIR/err-kg" "warning: boom (while rendering content/stories/2019/a.md:6) (page left out: --keep-going)"
assert_no_file "$TMPDIR/out-kg/stories/2019/a/index.html"
assert_file "$TMPDIR/out-kg/stories/2019/tv/index.html"
rm "$site/hooks/90-bad.lua"
# an unknown shortcode names the known ones
printf '\n::: qoute speaker=x\n:::\n' >>"$site/content/policies/qa.md"
status=0
"$GAZETTE" build --source "$site" --out "$TMPDIR/out-sc" 2>"$TMPDIR/err-sc" || status=$?
[ "$status" -eq 1 ] || fail "an unknown shortcode should fail"
assert_contains "$TMPDIR/err-sc" "unknown shortcode 'qoute'; the shortcodes are: figure, gallery, policy-box, quote, video"
# every mistake of the page, each at its place, and only those: a second
# unknown name, a ':::' that closes nothing, a figure never closed (it is
# not run, so its missing src, a consequence of holding the rest of the
# page, is not said)
qa=$site/content/policies/qa.md
n=$(wc -l <"$qa")
printf '
::: foto src=a.jpg
:::

:::

::: figure
没关上
' >>"$qa"
status=0
"$GAZETTE" build --source "$site" --out "$TMPDIR/out-sc" 2>"$TMPDIR/err-sc" || status=$?
[ "$status" -eq 1 ] || fail "a page with several mistakes should fail"
grep 'content/policies/qa.md' "$TMPDIR/err-sc" | sed 's/: .*//; s/^.*qa\.md://' >"$TMPDIR/places"
printf '%s\n' "$((n - 1)):1" "$((n + 2)):1" "$((n + 5)):1" "$((n + 7)):1" >"$TMPDIR/places.want"
diff -u "$TMPDIR/places.want" "$TMPDIR/places" || fail "the mistakes of the page: $(cat "$TMPDIR/err-sc")"
assert_contains "$TMPDIR/err-sc" "qa.md:$((n + 2)):1: unknown shortcode 'foto'"
assert_contains "$TMPDIR/err-sc" "qa.md:$((n + 5)):1: ':::' closes no shortcode"
assert_contains "$TMPDIR/err-sc" "qa.md:$((n + 7)):1: shortcode 'figure' is never closed"
assert_contains "$TMPDIR/err-sc" "build failed with 4 errors"

# the three worked examples from docs/hooks.md
ex=$TMPDIR/ex
minimal_site "$ex"
# an empty list in the front matter stays a list through a document filter
printf 'taxonomies:\n  people: 人物\n' >>"$ex/site.yml"
mkdir -p "$ex/hooks" "$ex/content/stories/2019"
cp "$ROOT/docs/examples/"*.lua "$ex/hooks/"
cat >"$ex/content/stories/2019/a.md" <<'MD'
---
title: 养蜂
date: 2019-06-08
featured: true
people: []
---
【编者按】这是一段编者按。

外链 [新闻](https://example.com/news) 和内链 [首页](/)。
MD
cat >"$ex/content/stories/2019/b.md" <<'MD'
---
title: 大棚黄瓜
date: 2019-06-09
featured: true
---
短文。
MD
make_repo "$ex"
"$GAZETTE" build --source "$ex" --out "$TMPDIR/exout" 2>"$TMPDIR/exerr" ||
	{ cat "$TMPDIR/exerr"; fail "the examples failed"; }
ea=$TMPDIR/exout/stories/2019/a/index.html
assert_contains "$ea" '<aside class="editor-note"><strong>编者按</strong>这是一段编者按。</aside>'
assert_contains "$ea" '<a href="https://example.com/news">新闻</a><span class="external"'
assert_not_contains "$ea" '<a href="/">首页</a><span class="external"'
assert_contains "$TMPDIR/exout/typical-cases/index.html" '<ol class="typical-cases"><li><a href="/stories/2019/a/">养蜂</a>'
echo ok
