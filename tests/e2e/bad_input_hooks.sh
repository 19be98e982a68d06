#!/bin/sh
# The bad-input suite's Lua part: hooks and layouts that try to run for
# ever, to hold memory the Lua limit does not see, or to fail without a
# place. Each case is a one-page site of its own (hooks apply to every
# page) that must fail with exit 1, within 5 s on 2 cores, with an error
# that names the hook's file and line. The times are printed ("case: ms").
#
# tests/e2e/bad_input.sh has the rest of the suite (and the first Lua
# cases: an error, a loop, memory); `make test-asan` runs this too.
set -eu
. "$ROOT/tests/e2e/lib.sh"

# under ASan (make test-asan) malloc is several times slower: 20,000
# gz.add_page calls instead of 200,000, and 20 s for each case
pages=200000 bound=5000
if [ -n "${ASAN_OPTIONS:-}" ]; then
	pages=20000 bound=20000
fi

problems=""
problem() {
	printf 'PROBLEM: %s\n' "$*" >&2
	problems="$problems
  - $*"
}

# case_fails NAME WANT LUA [HOOKS SETTINGS]: build a one-page site whose only
# hook is hooks/NAME.lua (LUA), with site.yml's hooks: settings (default
# memory_mb: 64); it must exit 1 within $bound ms, and an error line must contain
# WANT (a fixed string). With $second set, hooks/NAME_2.lua (run after) is
# $second. With $body set, it is the story's Markdown. With $layout set, the story's layout is
# themes/default/layouts/bad.lua ($layout) instead, and there is no hook.
case_fails() {
	name=$1 want=$2 lua=$3 yml=${4:-'  memory_mb: 64
'}
	h=$TMPDIR/hook-$name
	mkdir -p "$h/hooks" "$h/content/stories"
	printf 'title: 钩子\nbase_url: https://example.org/\ntaxonomies:\n  people: 人物\nhooks:\n%s' "$yml" >"$h/site.yml"
	printf -- '---\ntitle: 钩子页\ndate: 2020-01-02\npeople: []\n---\n%s' "${body:-# 标题

正文。
}" >"$h/content/stories/a.md"
	printf '%s\n' "$lua" >"$h/hooks/$name.lua"
	[ -z "${second:-}" ] || printf '%s\n' "$second" >"$h/hooks/${name}_2.lua"
	[ -z "${layout:-}" ] || {
		cp -R "$ROOT/themes/default" "$h/themes-default"
		mkdir -p "$h/themes"
		mv "$h/themes-default" "$h/themes/default"
		printf '%s\n' "$layout" >"$h/themes/default/layouts/bad.lua"
		sed -i 's/^date: 2020-01-02$/date: 2020-01-02\nlayout: bad/' "$h/content/stories/a.md"
		rm "$h/hooks/$name.lua"
	}
	make_repo "$h"
	t0=$(date +%s%N)
	set +e
	timeout 60 "$GAZETTE" build --source "$h" --out "$h/public" >"$out_log" 2>"$err_log"
	rc=$?
	set -e
	ms=$((($(date +%s%N) - t0) / 1000000))
	printf '%s: %d ms, exit %d: %s\n' "$name" "$ms" "$rc" "$(grep -F -- "$want" "$err_log" | head -n 1)"
	[ "$rc" -eq 1 ] || { cat "$err_log"; problem "$name: exited $rc (want 1)"; }
	[ "$ms" -lt "$bound" ] || problem "$name: took $ms ms (want under $bound ms)"
	grep -qF -- "$want" "$err_log" || { cat "$err_log"; problem "$name: no '$want'"; }
	[ ! -e "$h/public" ] || problem "$name: the failed build wrote pages"
}

# ---- time: nothing in Lua may run past the limits --------------------------

# the limit is raised again at every step: pcall cannot swallow it
case_fails pcall 'hooks/pcall.lua:2: ran more than 2 hundred million steps, stopped' 'return { heading = function(h)
  while true do pcall(function() while true do end end) end
end }'
# nor can a message handler that loops (Lua runs it with hooks off)
case_fails xpcall 'hooks/xpcall.lua:2: ran more than 2 hundred million steps, stopped' 'return { heading = function(h)
  xpcall(function() error("x") end, function() while true do end end)
end }'
# finalizers run with hooks off, at the state's close too: refused
case_fails gc "hooks/gc.lua:2: __gc is not allowed in hooks and layouts" 'return { heading = function(h)
  setmetatable({}, {__gc = function() while true do end end})
end }'
# so is a __gc put in the metatable of gazette's own objects
case_fails gc_node "hooks/gc_node.lua:2: attempt to index a boolean value" 'return { heading = function(h)
  getmetatable(h).__gc = function() while true do end end
end }'
# string patterns backtrack in C, where Lua counts no steps: ours count
case_fails find 'hooks/find.lua:2: ran more than 2 hundred million steps, stopped' 'return { heading = function(h)
  string.find(string.rep("a", 3000), ".-.-.-.-.-x")
end }'
case_fails match 'hooks/match.lua:3: ran more than 2 hundred million steps, stopped' 'return { heading = function(h)
  local s = string.rep("a", 3000)
  return s:match(".-.-.-.-.-x")
end }'
case_fails gmatch 'hooks/gmatch.lua:2: ran more than 2 hundred million steps, stopped' 'return { heading = function(h)
  for w in string.rep("a", 3000):gmatch("a*a*a*a*b") do end
end }'
case_fails gsub 'hooks/gsub.lua:2: ran more than 2 hundred million steps, stopped' 'return { heading = function(h)
  string.gsub(string.rep("a", 3000), "(.-)(.-)(.-)(.-)x", "%1")
end }'
# C loops that allocate nothing: "" repeated 2^60 times is "", at once;
# moving 2^50 absent elements counts as 2^50 steps
case_fails rep 'hooks/rep.lua:3: 空串重复完毕' 'return { heading = function(h)
  local s = string.rep("", 2^60)
  error("空串重复完毕" .. s)
end }'
case_fails move 'hooks/move.lua:2: ran more than 2 hundred million steps, stopped' 'return { heading = function(h)
  table.move({}, 1, 2^50, 2)
end }'
# one step can be long (comparing two 16 MB strings): a timer stops it at
# the deadline, 1 s here (hooks: seconds)
case_fails clock 'hooks/clock.lua:3: ran more than 1 second, stopped (site.yml hooks: seconds)' 'local a, b = string.rep("x", 2^24), string.rep("x", 2^24)
return { heading = function(h)
  while true do pcall(function() while a == b do end end) end
end }' '  memory_mb: 64
  seconds: 1
'
# a tree nested 100,000 deep: the next file's filter walks it, counted
second='return { emph = function(e) end }' case_fails deep 'hooks/deep.lua:3: ran more than 2 hundred million steps, stopped' 'return { paragraph = function(p)
  local n = gz.node.text("x")
  for i = 1, 100000 do n = gz.node.emph(n) end
  return gz.node.paragraph(n)
end }' '  memory_mb: 512
'
second=
# 200,000 pages from on_load: each URL is looked up, not compared with all
case_fails add_page "hooks/add_page.lua:4: 已添加 $pages 页" "return { on_load = function(site)
  for i = 1, $pages do gz.add_page{ url = '/p/' .. i .. '/', title = '页' .. i } end
  -- the pages are made: stop here (rendering them all is not the test)
  error('已添加 $pages 页')
end }"
case_fails add_page_taken "hooks/add_page_taken.lua:2: gz.add_page: url '/stories/a/' is taken by content/stories/a.md" 'return { on_load = function(site)
  gz.add_page{ url = "/stories/a/" }
end }'

# ---- memory that Lua's limit does not see -----------------------------------

# a 100 MB title from a document filter is front matter, C memory that
# every list page would repeat: hooks: data_mb (64 MB)
case_fails title 'hooks/title.lua:1: handed gazette more than 64 MB of data, stopped (site.yml hooks: data_mb)' 'return { document = function(doc, meta)
  meta.title = string.rep("长", 100 * 2^20 // 3)
  return meta
end }' '  memory_mb: 512
'
# a million text nodes in a paragraph: each node is C memory too
case_fails nodes 'hooks/nodes.lua:4: handed gazette more than 64 MB of data' 'return { paragraph = function(p)
  local kids = {}
  for i = 1, 1e6 do kids[i] = "字" end
  return gz.node.paragraph(kids)
end }' '  memory_mb: 512
'
# a page over hooks: page_mb (16 MB) of HTML is an error that names the page
case_fails page 'content/stories/a.md' 'return { document = function(doc, meta)
  meta.title = string.rep("长", 20 * 2^20 // 3)
  return meta
end }' '  memory_mb: 512
'
grep -qF 'the page is over 16 MB' "$err_log" || problem "page: no 'the page is over 16 MB'"

# ---- every error names a file and line ---------------------------------------

case_fails error_table 'hooks/error_table.lua:2: error object is a table value, not a message' 'return { heading = function(h)
  error({})
end }'
case_fails error_nil 'hooks/error_nil.lua:2: error object is a nil value, not a message' 'return { heading = function(h)
  error(nil)
end }'
case_fails error_tostring 'hooks/error_tostring.lua:2: error object is a table value whose __tostring failed' 'return { heading = function(h)
  error(setmetatable({}, {__tostring = function() error("坏") end}))
end }'
case_fails cstack 'hooks/cstack.lua:2: C stack overflow' 'return { heading = function(h)
  local t = setmetatable({}, {__index = function(t, k) return t[k] end})
  return t.x
end }'
case_fails oom 'hooks/oom.lua:3: Lua used more than 64 MB of memory, stopped (site.yml hooks: memory_mb)' 'return { heading = function(h)
  local t = {}
  for i = 1, 1e9 do t[i] = string.rep("x", 1e4) .. i end
end }'
case_fails filter_list "hooks/filter_list.lua:1: the 'heading' filter returned a list with a number" 'return { heading = function(h)
  return {1}
end }'
# a shortcode's table of forms that is not one
body='::: q
里面。
:::
'
case_fails sc_nohtml "content/stories/a.md:6:1: shortcode 'q': hooks/sc_nohtml.lua:3: its table has no html (a string)" 'return { shortcodes = { q = function(args, inner)
  return { text = "x" }
end } }'
case_fails sc_print "content/stories/a.md:6:1: shortcode 'q': hooks/sc_print.lua:3: a print block's kind is not one of" 'return { shortcodes = { q = function(args, inner)
  return { html = inner, print = { { kind = "box", children = { { kind = "nope" } } } } }
end } }'
case_fails sc_type "content/stories/a.md:6:1: shortcode 'q': hooks/sc_type.lua:3: it must return HTML (a string) or a table {html=, text=, print=}, not number" 'return { shortcodes = { q = function(args, inner)
  return 42
end } }'
body=
case_fails document 'hooks/document.lua:1: the document filter returned a number' 'return { document = function(doc, meta)
  return 42
end }'
case_fails file 'hooks/file.lua:1: a hook file must return a table (filters, shortcodes, on_load …), not a number' 'return 42'
layout='return function(page, site)
  return 42
end' case_fails layout_number 'themes/default/layouts/bad.lua:1: a Lua layout must return HTML (a string), not a number' ''
layout='return function(page, site)
  return { "<p>", page.title }
end' case_fails layout_table 'themes/default/layouts/bad.lua:1: a Lua layout must return HTML (a string), not a table' ''
layout='return function(page, site)
  return partial_html("nope")
end' case_fails layout_error 'themes/default/layouts/bad.lua:2: no layout' ''

# ---- a hook that loops on every page: the build stops at the first ----------

# 40 pages, 1 s a call (or 200 million steps, whichever comes first): each
# worker's first page runs into the limit, and no other page is read (a
# filter) or rendered (on_page; the lists too) after that; one line says
# how many were not. Without the stop: 40 such errors, 20 s or more.
every_page() { # every_page NAME STAGE LUA: STAGE is "read" or "rendered"
	name=$1 stage=$2
	h=$TMPDIR/every-$name
	mkdir -p "$h/hooks" "$h/content/stories"
	printf 'title: 钩子\nbase_url: https://example.org/\nhooks:\n  seconds: 1\n' >"$h/site.yml"
	for i in $(seq 1 40); do
		printf -- '---\ntitle: 第%d页\ndate: 2020-01-02\n---\n正文。\n' "$i" >"$h/content/stories/p$i.md"
	done
	printf '%s\n' "$3" >"$h/hooks/$name.lua"
	make_repo "$h"
	set +e
	timeout 120 "$GAZETTE" build --source "$h" --out "$h/public" --jobs 2 >"$out_log" 2>"$err_log"
	rc=$?
	set -e
	stops=$(grep -cE 'ran more than (1 second|2 hundred million steps), stopped' "$err_log" || true)
	printf '%s: exit %d, %s stopped calls: %s\n' "$name" "$rc" "$stops" "$(grep -F "were not $stage" "$err_log")"
	[ "$rc" -eq 1 ] || { cat "$err_log"; problem "$name: exited $rc (want 1)"; }
	[ "$stops" -ge 1 ] && [ "$stops" -le 2 ] || { cat "$err_log"; problem "$name: $stops calls stopped (want 1 or 2)"; }
	grep -Eq "^content: [3-9][0-9] pages were not $stage: a Lua hook" "$err_log" ||
		{ cat "$err_log"; problem "$name: no 'content: 30 to 99 pages were not $stage'"; }
	[ ! -e "$h/public" ] || problem "$name: the failed build wrote pages"
}
every_page filter read 'return { document = function(doc, meta)
  while true do end
end }'
every_page on_page rendered 'return { on_page = function(page)
  while true do end
end }'

[ -z "$problems" ] || fail "problems:$problems"
echo "bad_input_hooks: ok"
