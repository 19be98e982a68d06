#!/bin/sh
# Front matter is escaped everywhere it is shown; raw HTML in Markdown is
# dropped unless site.yml says markdown: {unsafe: true}.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
minimal_site "$site"
write "$site/content/stories/xss.md" <<'EOF'
---
title: <script>alert(1)</script>
date: 2020-05-01
summary: 摘要里也有<b>标签</b>和 <script>alert(5)</script>。
author: <img src=x onerror=alert(6)>
township: <i>镇</i>
---
第一段正文。

<div class="raw-block">原样的块</div>

这一段有 <span class="raw-inline">行内标签</span> 和脚本：

<script>alert(2)</script>

[坏链接](javascript:alert(4))
EOF
write "$site/content/stories/quote.md" <<'EOF'
---
title: '引号" onmouseover="alert(3)'
date: 2020-05-02
---
正文。
EOF
make_repo "$site"

out=$TMPDIR/safe
build_ok --source "$site" --out "$out"
page=$out/stories/xss/index.html
assert_file "$page"
assert_contains "$page" '&lt;script&gt;alert(1)&lt;/script&gt;'
assert_contains "$page" '第一段正文。'
# raw HTML is dropped by default
assert_not_contains "$page" 'class="raw-block"'
assert_not_contains "$page" 'class="raw-inline"'
assert_not_contains "$page" '<script>alert(2)'
assert_not_contains "$page" 'javascript:alert(4)'
# the attribute with a quote in it stays one attribute
assert_not_contains "$out/stories/quote/index.html" '" onmouseover="'
assert_contains "$out/stories/quote/index.html" '引号&quot; onmouseover=&quot;alert(3)'
# nowhere in the site (lists, feeds, sitemap, term pages) does a tag survive
bad=$(grep -rlE '<script>alert|<img src=x|onmouseover="alert|<i>镇</i>|<b>标签</b>' "$out" || true)
[ -z "$bad" ] || fail "unescaped front matter in: $bad"
assert_contains "$out/atom.xml" '&lt;script&gt;alert(1)&lt;/script&gt;'
assert_contains "$out/index.html" '&lt;script&gt;alert(1)&lt;/script&gt;'

# markdown: {unsafe: true} keeps raw HTML (GFM's tag filter still defuses <script>)
cat >>"$site/site.yml" <<'EOF'
markdown:
  unsafe: true
EOF
out=$TMPDIR/unsafe
build_ok --source "$site" --out "$out"
page=$out/stories/xss/index.html
assert_contains "$page" '<div class="raw-block">原样的块</div>'
assert_contains "$page" '<span class="raw-inline">行内标签</span>'
assert_not_contains "$page" '<script>alert(2)'
# front matter is still escaped
assert_contains "$page" '&lt;script&gt;alert(1)&lt;/script&gt;'
assert_not_contains "$page" '<script>alert(1)'
echo "escaping: ok"
