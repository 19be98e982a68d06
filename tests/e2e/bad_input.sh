#!/bin/sh
# The bad-input suite: a repository where every file is wrong in a different
# way, each with its expected path:line:col error, and a repository of
# awkward but valid input that must build. Bytes a committed file cannot
# hold well (invalid UTF-8, a BOM, CRLF, NUL, a 10 MB line, 1,000-level
# nesting, symlinks out of the repository) are made here; the rest is in
# tests/fixtures/bad-input/. Lua hooks that error, loop and allocate without
# bound each get a site of their own (hooks apply to every page); the other
# Lua cases, with time bounds, are in bad_input_hooks.sh.
#
# Nothing may crash: every build exits 0 or 1 (a signal gives >128, ASan
# aborts), and under `make test-asan` the same runs are checked by ASan.
set -eu
. "$ROOT/tests/e2e/lib.sh"

FIX=$ROOT/tests/fixtures/bad-input
problems=""
problem() {
	printf 'PROBLEM: %s\n' "$*" >&2
	problems="$problems
  - $*"
}

# zh_pass ARGS...: the same build in Chinese says everything in Chinese
# (tests/tools/no_english.py: no run of three English words outside places,
# keys, quoted values and a parser's own words in parentheses)
zh_pass() {
	set +e
	LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$GAZETTE" build "$@" >/dev/null 2>"$TMPDIR/zh.err"
	set -e
	python3 "$ROOT/tests/tools/no_english.py" "$TMPDIR/zh.err" >"$TMPDIR/zh.bad" ||
		problem "English in the Chinese messages of build $*: $(head -n 3 "$TMPDIR/zh.bad")"
}

# status_ok WHAT: the last build exited 0 or 1, not by a signal or sanitizer
status_ok() {
	[ "$rc" -le 1 ] || problem "$1: gazette exited $rc (a crash?)"
}

# ---- the bad repository: one wrong file each --------------------------------

bad=$TMPDIR/bad
cp -R "$FIX/bad" "$bad"
s=$bad/content/stories
mkdir -p "$TMPDIR/outside"
echo 'secret bytes' >"$TMPDIR/outside/escape.jpg"
# invalid UTF-8: a GBK-encoded "中文" (D6 D0 CE C4) on line 5, character 4
printf -- '---\ntitle: 编码\ndate: 2020-01-02\n---\n第一行\326\320\316\304。\n' >"$s/invalid-utf8.md"
# a lone continuation byte and a truncated 4-byte sequence at the very end
printf -- '---\ntitle: 截断\ndate: 2020-01-02\n---\n正文\360\237\230' >"$s/truncated-utf8.md"
# NUL bytes in the body (line 5, character 3) and in the front matter
printf -- '---\ntitle: 空字节\ndate: 2020-01-02\n---\n正文\000后面\n' >"$s/nul-body.md"
printf -- '---\ntitle: 空\000字节\ndate: 2020-01-02\n---\n正文\n' >"$s/nul-front-matter.md"
# overlong encoding of '/' (C0 AF) and a UTF-16 surrogate (ED A0 80)
printf -- '---\ntitle: 过长编码\ndate: 2020-01-02\n---\na\300\257b\n' >"$s/overlong-utf8.md"
printf -- '---\ntitle: 代理\ndate: 2020-01-02\n---\nab\355\240\200\n' >"$s/surrogate-utf8.md"
# a symlink to a file outside the repository, used as a photo
ln -s "$TMPDIR/outside/escape.jpg" "$s/escape.jpg"
make_repo "$bad"

build --source "$bad" --out "$TMPDIR/bad-out"
cat "$err_log"
zh_pass --source "$bad" --out "$TMPDIR/bad-out"
status_ok "the bad repository"
[ "$rc" -eq 1 ] || problem "the bad repository exited $rc (want 1)"

# every expected line: "path:line:col: phrase" (a fixed string after the
# position, which must be the start of an error line)
n_expected=0
while IFS= read -r want; do
	case $want in '' | '#'*) continue ;; esac
	n_expected=$((n_expected + 1))
	pos=${want%%: *}
	phrase=${want#*: }
	grep -F -- "$pos: " "$err_log" | grep -qF -- "$phrase" ||
		problem "no error '$pos: …$phrase…'"
done <"$FIX/expected-errors"
n=$(grep -c '^content/stories/[a-z0-9-]*\.md:[0-9][0-9]*:[0-9][0-9]*: ' "$err_log" || true)
[ "$n" = "$n_expected" ] || problem "$n path:line:col error lines (want $n_expected)"
grep -qF "gazette: build failed with $n_expected errors; nothing was written" "$err_log" ||
	problem "no 'build failed with $n_expected errors' line"
[ ! -e "$TMPDIR/bad-out" ] || problem "a failed build created the output folder"
[ ! -e /tmp/pwned ] && [ ! -e "$TMPDIR/tmp/pwned" ] || problem "a hostile slug wrote outside"

# ---- the good repository: awkward but valid -----------------------------------

good=$TMPDIR/good
cp -R "$FIX/good" "$good"
printf 'params:\n  counts_file: %s\n' "$TMPDIR/counts.tsv" >>"$good/site.yml"
s=$good/content/stories
# a UTF-8 byte-order mark before the front matter
printf -- '\357\273\277---\ntitle: 带BOM的稿件\ndate: 2020-01-03\n---\n带BOM的正文。\n' >"$s/bom.md"
# CRLF line endings everywhere, a list in the front matter, two paragraphs
printf -- '---\r\ntitle: Windows换行\r\ndate: 2020-01-04\r\ntags: [农业, 养蜂]\r\nsummary: 回车换行的摘要\r\n---\r\n第一段。\r\n\r\n第二段。\r\n' >"$s/crlf.md"
# a 10 MB single line (3.5 million three-byte characters)
{
	printf -- '---\ntitle: 很长的一行\ndate: 2020-01-05\n---\n'
	head -c 3500000 /dev/zero | tr '\0' 'x' | sed 's/x/长/g'
	printf '\n'
} >"$s/long-line.md"
# 1,000 levels of nested lists and of block quotes
python3 - "$s" <<'PY'
import sys
d = sys.argv[1]
with open(d + "/nested-lists.md", "w") as f:
    f.write("---\ntitle: 千层列表\ndate: 2020-01-06\n---\n")
    for i in range(1000):
        f.write("  " * i + "- 第%d层\n" % i)
with open(d + "/nested-quotes.md", "w") as f:
    f.write("---\ntitle: 千层引用\ndate: 2020-01-07\n---\n")
    f.write("> " * 1000 + "最深处\n")
with open(d + "/nested-mixed.md", "w") as f:
    f.write("---\ntitle: 列表套引用\ndate: 2020-01-08\n---\n")
    f.write("> - " * 500 + "底\n")
PY
# a story symlinked from outside the repository is not published
printf -- '---\ntitle: 外面的稿件\ndate: 2020-01-09\n---\nsecret bytes\n' >"$TMPDIR/outside/outside.md"
ln -s "$TMPDIR/outside/outside.md" "$s/outside.md"
make_repo "$good"

build --source "$good" --out "$TMPDIR/good-out"
cat "$err_log"
status_ok "the good repository"
[ "$rc" -eq 0 ] || problem "the good repository exited $rc (want 0)"
o=$TMPDIR/good-out/stories
for p in bom crlf long-line nested-lists nested-quotes nested-mixed emoji-title; do
	[ -f "$o/$p/index.html" ] || { problem "no page for $p.md"; continue; }
	tail -c 200 "$o/$p/index.html" | grep -q '</html>' || problem "$p: page does not end with </html>"
done
if [ -f "$o/bom/index.html" ]; then
	assert_contains "$o/bom/index.html" '<title>带BOM的稿件'
	! grep -q "$(printf '\357\273\277')" "$o/bom/index.html" || problem "the BOM reached the page"
fi
if [ -f "$o/crlf/index.html" ]; then
	assert_contains "$o/crlf/index.html" '<title>Windows换行 |'
	assert_contains "$o/crlf/index.html" '回车换行的摘要"'
	! grep -q "$(printf '\r')" "$o/crlf/index.html" || problem "a CR reached the CRLF page"
	assert_contains "$TMPDIR/good-out/tags/养蜂/index.html" 'Windows换行'
fi
if [ -f "$o/long-line/index.html" ]; then
	sz=$(wc -c <"$o/long-line/index.html")
	[ "$sz" -gt 10000000 ] || problem "the 10 MB line lost text ($sz bytes)"
fi
[ -f "$o/nested-quotes/index.html" ] && assert_contains "$o/nested-quotes/index.html" '最深处'
[ -f "$o/nested-lists/index.html" ] && assert_contains "$o/nested-lists/index.html" '第999层'
[ ! -e "$o/outside" ] || problem "a story symlinked from outside the repository was published"
! grep -rqF 'secret bytes' "$TMPDIR/good-out" || problem "bytes from outside the repository were published"
# an emoji and an Extension B character are one character each
assert_contains "$o/emoji-title/index.html" '<title>😀𠀀 |'
assert_file "$TMPDIR/counts.tsv"
line=$(grep -F '/stories/emoji-title/' "$TMPDIR/counts.tsv" || true)
assert_eq "$line" "$(printf '/stories/emoji-title/\t😀𠀀\t2\t2')" "gz.utf8.len and count of '😀𠀀'"

# ---- Lua hooks that misbehave ---------------------------------------------------

# hook_site NAME LUA: a one-page site whose only hook is LUA
hook_site() {
	h=$TMPDIR/hook-$1
	mkdir -p "$h/hooks" "$h/content/stories"
	printf 'title: 钩子\nbase_url: https://example.org/\nhooks:\n  memory_mb: 64\n' >"$h/site.yml"
	printf -- '---\ntitle: 钩子页\ndate: 2020-01-02\n---\n# 标题\n\n正文。\n' >"$h/content/stories/a.md"
	printf '%s\n' "$2" >"$h/hooks/$1.lua"
	make_repo "$h"
	build --source "$h" --out "$h/public"
	cat "$err_log"
	zh_pass --source "$h" --out "$h/public"
	status_ok "hook $1"
	[ "$rc" -eq 1 ] || problem "hook $1: exited $rc (want 1)"
	[ ! -e "$h/public" ] || problem "hook $1: the failed build wrote pages"
}
hook_site error 'return { heading = function(h)
  error("故意出错")
end }'
grep -qF 'hooks/error.lua:2: 故意出错 (while rendering content/stories/a.md:5)' "$err_log" ||
	problem "hook error: no 'hooks/error.lua:2:' message"
hook_site loop 'return { heading = function(h)
  while true do end
end }'
grep -qF 'hooks/loop.lua:2: ran more than 2 hundred million steps, stopped' "$err_log" ||
	problem "hook loop: no 'hooks/loop.lua:2: ran more than 2 hundred million steps' message"
hook_site alloc 'return { heading = function(h)
  local t, s = {}, string.rep("x", 4096)
  for i = 1, 1e12 do t[i] = s .. i end
end }'
grep -qF 'hooks/alloc.lua:3: Lua used more than 64 MB of memory, stopped (site.yml hooks: memory_mb) (while rendering content/stories/a.md:5)' "$err_log" ||
	problem "hook alloc: no 'hooks/alloc.lua:3: Lua used more than 64 MB of memory' message"
# a string that doubles without end hits the same limit
hook_site grow 'return { heading = function(h)
  local s = "x"
  while true do s = s .. s end
end }'
grep -qF 'hooks/grow.lua:3: Lua used more than 64 MB of memory' "$err_log" ||
	problem "hook grow: no 'hooks/grow.lua:3: Lua used more than 64 MB of memory' message"

[ -z "$problems" ] || fail "problems:$problems"
echo "bad_input: ok"
