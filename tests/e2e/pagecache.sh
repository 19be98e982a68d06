#!/bin/sh
# The page cache (.gazette/pages): an unchanged page is not parsed again,
# yet a hit reports the same errors as a parse (a missing photo, a missing
# image of the body), an edit that keeps the size and the time is seen, a
# hook or site.yml change parses every page again, and a damaged, truncated
# or foreign cache is a warning and a correct build (a changed pages.heads,
# a copy, is not even a warning). After each step the output equals a
# clean build's.
set -eu
. "$ROOT/tests/e2e/lib.sh"

pkg-config --exists vips 2>/dev/null || skip "libvips development files are not installed"
tool=$TMPDIR/phototool
cc -O1 "$ROOT/tests/tools/phototool.c" $(pkg-config --cflags --libs vips) -o "$tool" ||
	fail "cannot build tests/tools/phototool.c"

site=$TMPDIR/site
out=$TMPDIR/out
minimal_site "$site"
bees=$site/content/stories/2019/bees
mkdir -p "$bees" "$site/hooks"
"$tool" make "$bees/a.jpg" 800 600
"$tool" make "$bees/b.jpg" 800 600
write "$bees/index.md" <<'MD'
---
title: 养蜂
date: 2019-06-08
photos:
  - src: a.jpg
    caption: 蜂箱
---
蜂蜜真甜，日子更甜。

![蜜蜂](b.jpg)
MD
write "$site/content/stories/2019/cucumber.md" <<'MD'
---
title: 大棚黄瓜
date: 2019-06-09
tags: [蔬菜]
---
【编者按】黄瓜长得好。

大棚里的黄瓜很甜。
MD
write "$site/content/stories/2019/tea.md" <<'MD'
---
title: 采茶
date: 2019-06-10
tags: [茶叶]
---
春茶上市。
MD
write "$site/hooks/note.lua" <<'LUA'
return {
  paragraph = function(p)
    if p.text:sub(1, #"【编者按】") == "【编者按】" then
      return gz.node.html('<aside class="note">' .. gz.esc(p.text:sub(#"【编者按】" + 1)) .. "</aside>")
    end
  end,
}
LUA
make_repo "$site"
story=content/stories/2019/bees/index.md
# stamps of files changed in the last two seconds are not trusted: let
# these age, so the cache skips reading them
sleep 3

# cached: how many pages the last build took from the cache
cached() {
	GAZETTE_TIMING=1 "$GAZETTE" build --source "$site" --out "$out" "$@" 2>"$TMPDIR/err" || {
		cat "$TMPDIR/err" >&2
		fail "gazette build failed"
	}
	sed -n 's/^timing: *load pages (\([0-9]*\) cached).*/\1/p' "$TMPDIR/err"
}
clean_equal() {
	rm -rf "$TMPDIR/clean"
	"$GAZETTE" build --source "$site" --out "$TMPDIR/clean" --full -q
	diff -r "$out" "$TMPDIR/clean" >/dev/null || {
		diff -rq "$out" "$TMPDIR/clean" | head >&2
		fail "a build from the cache differs from a clean build"
	}
}
# overwrite_in_place FILE OLD NEW: NEW written over the first OLD in FILE
# (as many bytes), and FILE's times set back as they were: only its change
# time tells
overwrite_in_place() {
	grep -q "$2" "$1" || fail "'$2' is not in $1"
	touch -r "$1" "$TMPDIR/stamp-time"
	at=$(LC_ALL=C grep -abo "$2" "$1" | head -n 1 | cut -d: -f1)
	printf '%s' "$3" | dd of="$1" bs=1 seek="$at" conv=notrunc 2>/dev/null
	touch -r "$TMPDIR/stamp-time" "$1"
}
# same_errors: a build fails, with the very messages of a build that
# parses every page (--full reads no cache)
same_errors() {
	GAZETTE_TIMING=1 "$GAZETTE" build --source "$site" --out "$out" 2>"$TMPDIR/err1" &&
		fail "the build should fail"
	"$GAZETTE" build --source "$site" --out "$out" --full 2>"$TMPDIR/err2" &&
		fail "the full build should fail"
	grep -v '^timing' "$TMPDIR/err1" >"$TMPDIR/err1.msgs"
	diff -u "$TMPDIR/err2" "$TMPDIR/err1.msgs" >&2 ||
		fail "errors from the cache differ from a parse's"
}

assert_eq "$(cached)" 0 "pages from the cache in a first build"
assert_eq "$(cached)" 3 "pages from the cache in an unchanged rebuild"
assert_contains "$out/stories/2019/cucumber/index.html" '<aside class="note">黄瓜长得好。</aside>'
clean_equal

# a photo of the front matter deleted: the hit still reports it where it is
mv "$bees/a.jpg" "$TMPDIR/a.jpg"
same_errors
grep -q "^timing: *load pages (3 cached)" "$TMPDIR/err1" || fail "the page was not a cache hit"
assert_contains "$TMPDIR/err1" "$story:5:5: photo 'a.jpg' not found"
mv "$TMPDIR/a.jpg" "$bees/a.jpg"

# an image of the body deleted: the page is parsed again, with the error
mv "$bees/b.jpg" "$TMPDIR/b.jpg"
same_errors
assert_contains "$TMPDIR/err1" "$story:10:1: image 'b.jpg' not found"
mv "$TMPDIR/b.jpg" "$bees/b.jpg"
assert_eq "$(cached)" 3 "pages from the cache after an image came back (failed builds leave the cache alone)"
clean_equal

# an edit that keeps the size, with the old time put back: the change
# time still tells
cp -p "$bees/index.md" "$TMPDIR/stamp"
sed -i 's/真甜/真苦/' "$bees/index.md"
touch -r "$TMPDIR/stamp" "$bees/index.md"
[ "$(wc -c <"$bees/index.md")" -eq "$(wc -c <"$TMPDIR/stamp")" ] || fail "the edit changed the size"
cached >/dev/null
assert_contains "$out/stories/2019/bees/index.html" '蜂蜜真苦'
clean_equal

# a hook changed: every page is parsed again
sed -i 's/class="note"/class="editor-note"/' "$site/hooks/note.lua"
assert_eq "$(cached)" 0 "pages from the cache after a hook changed"
assert_contains "$out/stories/2019/cucumber/index.html" '<aside class="editor-note">黄瓜长得好。</aside>'
clean_equal

# site.yml changed: every page is parsed again
printf 'summary_length: 4\n' >>"$site/site.yml"
assert_eq "$(cached)" 0 "pages from the cache after site.yml changed"
assert_eq "$(cached)" 3 "pages from the cache after that"
clean_equal

# pages.heads, where a hit reads a page's fields: a title changed in it
# in place, the time set back, is not believed (its change time tells):
# the heads come from the pack, checked, and the file is written again
heads=$site/.gazette/pages/pages.heads
overwrite_in_place "$heads" '大棚黄瓜' '大棚西瓜'
rm -rf "$out"
assert_eq "$(cached)" 3 "pages from the cache with pages.heads changed"
assert_not_contains "$TMPDIR/err" "warning"
assert_contains "$out/stories/2019/cucumber/index.html" '大棚黄瓜'
assert_not_contains "$out/stories/2019/cucumber/index.html" '大棚西瓜'
clean_equal
assert_not_contains "$heads" '大棚西瓜'
assert_eq "$(cached)" 3 "pages from the cache after pages.heads was written again"
# and gone: the same
rm "$heads"
assert_eq "$(cached)" 3 "pages from the cache without pages.heads"
clean_equal
[ -s "$heads" ] || fail "pages.heads was not written again"

# damaged entries: a warning, the pages parsed again, a correct build
pack=$site/.gazette/pages/pages.pack
size=$(wc -c <"$pack")
printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' |
	dd of="$pack" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
cached >/dev/null
assert_contains "$TMPDIR/err" "pages.pack: warning: damaged entries"
clean_equal
assert_eq "$(cached)" 3 "pages from the cache after the damage was repaired"
assert_not_contains "$TMPDIR/err" "warning"

# damaged text in an entry (its head intact): found while the build goes
# on, before anything is written; the build starts again without the cache
# (into a new folder, so the page is rendered from that text)
grep -q '很甜' "$pack" || fail "the page's text is not in the pack"
LC_ALL=C perl -0777 -pi -e 's/很甜/XXXXXX/g' "$pack"
rm -rf "$TMPDIR/fresh"
"$GAZETTE" build --source "$site" --out "$TMPDIR/fresh" 2>"$TMPDIR/err" >/dev/null ||
	fail "a build with damaged text in the page cache failed"
assert_contains "$TMPDIR/err" "pages.pack: warning: damaged entries"
assert_eq "$(grep -c 'warning' "$TMPDIR/err")" 1 "warnings after damaged text"
assert_contains "$TMPDIR/fresh/stories/2019/cucumber/index.html" 大棚里的黄瓜很甜
assert_not_contains "$TMPDIR/fresh/stories/2019/cucumber/index.html" XXXXXX
clean_equal
assert_eq "$(cached)" 3 "pages from the cache after damaged text"
assert_not_contains "$TMPDIR/err" "warning"

# damaged text written in place, with the file's time set back after: the
# pack's ctime still shows it is not as the last build left it
overwrite_in_place "$pack" '很甜' 'XXXXXX'
rm -rf "$TMPDIR/fresh"
"$GAZETTE" build --source "$site" --out "$TMPDIR/fresh" 2>"$TMPDIR/err" >/dev/null ||
	fail "a build with text damaged in place failed"
assert_contains "$TMPDIR/err" "pages.pack: warning: damaged entries"
assert_contains "$TMPDIR/fresh/stories/2019/cucumber/index.html" 大棚里的黄瓜很甜
assert_not_contains "$TMPDIR/fresh/stories/2019/cucumber/index.html" XXXXXX
assert_eq "$(cached)" 3 "pages from the cache after text damaged in place"
assert_not_contains "$TMPDIR/err" "warning"

# a truncated pack
truncate -s $(($(wc -c <"$pack") / 2)) "$pack"
cached >/dev/null
assert_contains "$TMPDIR/err" "pages.pack: warning: damaged entries"
clean_equal

# an index that is not one
printf 'garbage\n' >"$site/.gazette/pages/pages.idx"
assert_eq "$(cached)" 0 "pages from a garbage index"
assert_contains "$TMPDIR/err" "pages.idx: warning: not an index gazette wrote"
clean_equal
assert_eq "$(cached)" 3 "pages from the cache after the index was written again"

# a revision from git uses the same cache (keyed by the bytes)
cached --rev HEAD >/dev/null
rm -rf "$TMPDIR/clean"
"$GAZETTE" build --source "$site" --out "$TMPDIR/clean" --full -q --rev HEAD
diff -r "$out" "$TMPDIR/clean" >/dev/null || fail "--rev HEAD from the cache differs from a clean build"

# A hit whose entry kept what the load made of its front matter (a page
# that warned of nothing and has no photos) leaves the front matter in the
# entry until something asks for it: with a layout changed, every page is
# drawn again from hits, and page.params reads as after a parse
tea=$site/content/stories/2019/tea.md
sed -i 's/^tags: \[茶叶\]$/tags: [茶叶]\ntopic: 春茶开采/' "$tea"
mkdir -p "$site/themes"
cp -R "$ROOT/themes/default" "$site/themes/default"
cached >/dev/null
assert_eq "$(cached)" 3 "pages from the cache before the layout changed"
printf '<p class="params">{{ page.params.topic }}|{{ (page.params.tags or {})[1] }}</p>\n' \
	>"$site/themes/default/layouts/partials/params.html"
sed -i 's|{{{ partial("byline", page) }}}|{{{ partial("byline", page) }}}{{{ partial("params", page) }}}|' \
	"$site/themes/default/layouts/stories.html"
assert_eq "$(cached)" 3 "pages from the cache after the layout changed"
assert_contains "$out/stories/2019/tea/index.html" '<p class="params">春茶开采|茶叶</p>'
clean_equal
# a field nothing reads: the hit warns as the parse did
sed -i 's/^topic: 春茶开采$/townsip: 兴源镇/' "$tea"
cached >/dev/null
assert_contains "$TMPDIR/err" "content/stories/2019/tea.md:5:1: warning: unknown field 'townsip'"
assert_eq "$(cached)" 3 "pages from the cache with a warning"
assert_contains "$TMPDIR/err" "content/stories/2019/tea.md:5:1: warning: unknown field 'townsip'"

# the cache is beside the content, ignored by git; nothing else was written
[ -z "$(git -C "$site" status --porcelain -- . ':!site.yml' ':!hooks' ':!content' ':!themes')" ] ||
	{ git -C "$site" status --porcelain >&2; fail "the build wrote into the repository"; }
echo ok
