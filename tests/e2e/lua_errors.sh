#!/bin/sh
# Every Lua error names its file and line, and the page it was on: in
# `gazette check --format json` the path is the hook or layout file and the
# line the one at fault (never "path": ""), in the build's messages too.
# (A shortcode's error is placed at the shortcode in the page, and names
# the hook's file and line.) Cases: a filter that fails at run time, a
# shortcode that does, a hook
# file and a layout that do not compile, a Lua layout that fails as it
# loads, an on_load hook, and a layout that fails while rendering.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
mkdir -p "$site/content/stories" "$site/themes"
cat >"$site/site.yml" <<'EOF2'
title: Lua 错误
base_url: https://example.org/
theme: t
EOF2
write "$site/content/stories/one.md" <<'EOF2'
---
title: 一篇稿件
date: 2020-03-01
---
**正文**。
EOF2
write "$site/content/stories/two.md" <<'EOF2'
---
title: 另一篇
date: 2020-03-02
---
::: box
框里的话。
:::
EOF2
cp -R "$ROOT/tests/fixtures/golden-theme" "$site/themes/t"
write "$site/hooks/filter.lua" <<'EOF2'
return {
  strong = function(p)
    local none = nil
    return none.field
  end,
}
EOF2
write "$site/hooks/shortcodes.lua" <<'EOF2'
return {
  shortcodes = {
    box = function(args, inner, ctx)
      error("盒子坏了")
    end,
  },
}
EOF2
write "$site/themes/t/layouts/broken.html" <<'EOF2'
<p>{{ page.title }}</p>
<p>{{ page.title + + }}</p>
EOF2
write "$site/themes/t/layouts/broken.lua" <<'EOF2'
local t = {}

local x = t.a.b
return function(page, site) return "" end
EOF2
make_repo "$site"

# expect JSON PATH LINE TEXT: check's JSON has an error at PATH:LINE whose
# message holds TEXT
json=$TMPDIR/check.json
expect() {
	python3 - "$json" "$1" "$2" "$3" <<'EOF2' || fail "no error at $1:$2 with '$3' in the JSON"
import json, sys
items = json.load(open(sys.argv[1], encoding="utf-8"))
want = [i for i in items if i["path"] == sys.argv[2] and i["line"] == int(sys.argv[3])
        and sys.argv[4] in i["message"]]
sys.exit(0 if want else 1)
EOF2
}

# every item has a path and a line
no_empty_path() {
	python3 - "$json" <<'EOF2' || { cat "$json" >&2; fail "an item of check's JSON has no path or no line"; }
import json, sys
sys.exit(1 if any(not i["path"] or i["line"] < 1 for i in json.load(open(sys.argv[1], encoding="utf-8"))) else 0)
EOF2
}

rc=0
"$GAZETTE" check --source "$site" --format json >"$json" || rc=$?
assert_eq "$rc" 1 "check's exit status with broken hooks and layouts"
no_empty_path
expect hooks/filter.lua 4 "attempt to index a nil value (local 'none') (while rendering content/stories/one.md:5)"
# a shortcode's error is placed where the shortcode is, and names the hook
expect content/stories/two.md 5 "shortcode 'box': hooks/shortcodes.lua:4: 盒子坏了"
expect themes/t/layouts/broken.html 2 "unexpected symbol near '+'"
expect themes/t/layouts/broken.lua 3 "attempt to index a nil value (field 'a')"

# the build says the same, path:line[:col]: first: a filter's error names
# the hook's file and line and the page's, a shortcode's the page's line
# and column and the hook's file and line
build --source "$site" -o "$TMPDIR/out"
assert_eq "$rc" 1 "build's exit status with a broken filter and shortcode"
assert_contains "$err_log" "hooks/filter.lua:4: attempt to index a nil value (local 'none') (while rendering content/stories/one.md:5)"
assert_contains "$err_log" "content/stories/two.md:5:1: shortcode 'box': hooks/shortcodes.lua:4: 盒子坏了"
# and in Chinese, with the same places
LANGUAGE=zh_CN LC_ALL=C.UTF-8 "$GAZETTE" build --source "$site" -o "$TMPDIR/out" 2>"$TMPDIR/zh.err" || true
assert_contains "$TMPDIR/zh.err" "hooks/filter.lua:4: 渲染 content/stories/one.md:5 时出错"
assert_contains "$TMPDIR/zh.err" "content/stories/two.md:5:1: 短代码 'box' 出错（hooks/shortcodes.lua:4: 盒子坏了）"

# a hook file that does not compile: no page is loaded, the file is named
write "$site/hooks/syntax.lua" <<'EOF2'
return {
  paragraph = function(p)
    return p p
  end,
}
EOF2
rc=0
"$GAZETTE" check --source "$site" --format json >"$json" || rc=$?
assert_eq "$rc" 1 "check's exit status with a hook that does not compile"
no_empty_path
expect hooks/syntax.lua 3 "'end' expected (to close 'function' at line 2) near 'p'"

# the build: an on_load hook, then a layout failing while it renders
rm -f "$site/hooks/syntax.lua" "$site/hooks/filter.lua" "$site/hooks/shortcodes.lua" \
	"$site/themes/t/layouts/broken.html" "$site/themes/t/layouts/broken.lua"
write "$site/hooks/box.lua" <<'EOF2'
return { shortcodes = { box = function(args, inner) return inner end } }
EOF2
write "$site/hooks/life.lua" <<'EOF2'
return {
  on_load = function(site)

    error("载入失败")
  end,
}
EOF2
build --source "$site" -o "$TMPDIR/out"
assert_eq "$rc" 1 "build's exit status with a failing on_load"
assert_contains "$err_log" "hooks/life.lua:4: 载入失败 (in on_load)"
rm -f "$site/hooks/life.lua"
write "$site/themes/t/layouts/page.html" <<'EOF2'
<h1>{{ page.title }}</h1>
{{ page.nothing.here }}
EOF2
build --source "$site" -o "$TMPDIR/out"
assert_eq "$rc" 1 "build's exit status with a failing layout"
assert_contains "$err_log" "themes/t/layouts/page.html:2: attempt to index a nil value (field 'nothing') (while rendering content/stories/one.md)"
