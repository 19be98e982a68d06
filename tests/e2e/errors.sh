#!/bin/sh
# A content repository with one problem per file: the build exits 1, reports
# every problem in one run as path:line:col with the right position, and
# writes nothing (public/ and the repository stay byte-for-byte the same).
# Also: a single content error still fails the build, and a build that
# fails while writing leaves the output folder as it was.
#
# Independent checks are collected in $problems and reported together, so
# one bug does not hide the others.
set -eu
. "$ROOT/tests/e2e/lib.sh"

problems=""
problem() {
	printf 'PROBLEM: %s\n' "$*" >&2
	problems="$problems
  - $*"
}

site=$TMPDIR/site
mkdir -p "$site/content/stories/2020" "$site/public/old"
cat >"$site/site.yml" <<'EOF'
title: 错误测试
base_url: https://example.org/
EOF
printf 'public/\n' >"$site/.gitignore"
write "$site/content/stories/2020/good.md" <<'EOF'
---
title: 一篇正常的稿件
date: 2020-03-01
---
正常的正文。
EOF
s=$site/content/stories/2020
# line 4, col 7: the ':' after "oops" (a mapping value inside a plain scalar)
printf -- '---\ntitle: 坏的YAML\ndate: 2020-01-02\n  oops: [1\n---\n正文。\n' >"$s/bad-yaml.md"
printf -- '---\ndate: 2020-01-02\nauthor: 某人\n---\n正文。\n' >"$s/no-title.md"
printf -- '---\ntitle: 没有日期\nauthor: 某人\n---\n正文。\n' >"$s/no-date.md"
printf -- '---\ntitle: 坏日期\ndate: yesterday\n---\n正文。\n' >"$s/bad-date.md"
# the bad byte is the 4th character of line 6
printf -- '---\ntitle: 编码\ndate: 2020-01-02\n---\n第一行。\n第二行\377坏了。\n' >"$s/bad-utf8.md"
printf -- '---\ntitle: 甲\ndate: 2020-01-02\nslug: same\n---\n正文。\n' >"$s/dup-a.md"
printf -- '---\ntitle: 乙\ndate: 2020-01-03\nslug: same\n---\n正文。\n' >"$s/dup-b.md"
# a slug that takes another page's own name: the error is at that slug,
# not at the page whose address is its file's name
printf -- '---\ntitle: 丙\ndate: 2020-01-04\n---\n正文。\n' >"$s/own-name.md"
printf -- '---\ntitle: 丁\ndate: 2020-01-05\nslug: own-name\n---\n正文。\n' >"$s/aaa-taker.md"
printf -- '---\ntitle: 版式\ndate: 2020-01-02\nlayout: nosuch\n---\n正文。\n' >"$s/layout.md"
printf -- '---\ntitle: 路径\ndate: 2020-01-02\nslug: ../../etc\n---\n正文。\n' >"$s/hostile.md"
printf -- '---\ntitle: 照片\ndate: 2020-01-02\nphotos:\n  - src: nothere.jpg\n    caption: 没有这张照片\n---\n正文。\n' >"$s/photo.md"
# the image starts at character 4 of line 7 (byte 10): columns count
# characters, as they do for invalid UTF-8, YAML and templates
printf -- '---\ntitle: 插图\ndate: 2020-01-02\n---\n正文。\n\n看图：![图](missing.png)\n' >"$s/image.md"
# a photo named in the wrong case, and one with a typo: the file that is there
mkdir -p "$s/case"
cp "$ROOT/content/photos/2019/xinli-sheep.jpg" "$s/case/xinli-sheep.jpg"
printf -- '---\ntitle: 大小写\ndate: 2020-01-06\nphotos:\n  - src: Xinli-Sheep.JPG\n---\n正文。\n\n![羊](xinli-shep.jpg)\n' >"$s/case/index.md"

make_repo "$site"
echo 'an old site' >"$site/public/old/marker.txt"
echo '<p>old home</p>' >"$site/public/index.html"
touch -d '2001-02-03 04:05:06' "$site/public/old/marker.txt" "$site/public/index.html" \
	"$site/public/old" "$site/public"

before_public=$(tree_sums "$site/public"; ls -lR --time-style=full-iso "$site/public")
before_repo=$(cd "$site" && find . | LC_ALL=C sort; tree_sums "$site")
sleep 1
touch "$TMPDIR/stamp"

build --source "$site"
err=$err_log
cat "$err"
[ "$rc" -eq 1 ] || problem "exit status $rc with ten content errors (want 1)"

# expect PATH:LINE:COL MESSAGE-FRAGMENT (fixed strings)
expect() {
	grep -qF -- "content/stories/2020/$1: $2" "$err" ||
		problem "no error line 'content/stories/2020/$1: $2'"
}
expect bad-yaml.md:4:7 'front matter:'
expect no-title.md:2:1 "missing 'title'"
expect no-date.md:2:1 "missing 'date'"
expect bad-date.md:3:7 "date 'yesterday'"
expect bad-utf8.md:6:4 'invalid UTF-8'
expect dup-b.md:4:7 "URL '/stories/2020/same/' is also claimed by content/stories/2020/dup-a.md"
expect aaa-taker.md:4:7 "URL '/stories/2020/own-name/' is also claimed by content/stories/2020/own-name.md"
expect layout.md:4:9 "layout 'nosuch' not found"
expect hostile.md:4:7 "slug '../../etc' must be a plain name"
expect photo.md:5:5 "photo 'nothere.jpg' not found"
expect image.md:7:4 "image 'missing.png' not found"
expect case/index.md:5:5 "photo 'Xinli-Sheep.JPG' not found (looked for content/stories/2020/case/Xinli-Sheep.JPG); is it 'xinli-sheep.jpg'?"
expect case/index.md:9:1 "image 'xinli-shep.jpg' not found (looked for content/stories/2020/case/xinli-shep.jpg); is it 'xinli-sheep.jpg'?"

# every error line has the path:line:col: shape, and the count adds up
n=$(grep -c '^content/stories/2020/[a-z0-9/-]*\.md:[0-9][0-9]*:[0-9][0-9]*: ' "$err" || true)
[ "$n" = 13 ] || problem "$n path:line:col error lines (want 13)"
grep -qF 'gazette: build failed with 13 errors; nothing was written' "$err" ||
	problem "no 'build failed with 13 errors' line"
! grep -qF 'good.md' "$err" || problem "an error was reported for good.md"

# public/ untouched: same bytes, same mtimes, nothing new (not even temp files)
after_public=$(tree_sums "$site/public"; ls -lR --time-style=full-iso "$site/public")
[ "$before_public" = "$after_public" ] || {
	printf 'before:\n%s\nafter:\n%s\n' "$before_public" "$after_public" >&2
	problem "public/ changed although the build failed"
}
new=$(find "$site/public" -newer "$TMPDIR/stamp")
[ -z "$new" ] || problem "new or touched in public/: $new"
[ ! -e "$site/etc" ] && [ ! -e "$TMPDIR/etc" ] || problem "the hostile slug wrote outside"

# the content repository is never written
after_repo=$(cd "$site" && find . | LC_ALL=C sort; tree_sums "$site")
[ "$before_repo" = "$after_repo" ] || {
	printf '%s\n' "$before_repo" >"$TMPDIR/b"
	printf '%s\n' "$after_repo" >"$TMPDIR/a"
	diff -u "$TMPDIR/b" "$TMPDIR/a" >&2 || true
	problem "the content repository changed"
}
new=$(find "$site" -path "$site/public" -prune -o -newer "$TMPDIR/stamp" -print)
[ -z "$new" ] || problem "written in the content repository: $new"
st=$(cd "$site" && git status --porcelain)
[ -z "$st" ] || problem "git status is not clean: $st"

# the same problems with --jobs 1 give the same report (order is stable)
cp "$err" "$TMPDIR/err.many"
build --source "$site" --jobs 1
cmp -s "$err_log" "$TMPDIR/err.many" || {
	diff -u "$TMPDIR/err.many" "$err_log" >&2 || true
	problem "the error report depends on --jobs"
}

# one content error alone (found while loading, nothing wrong in the
# templates) still fails the build and leaves the output folder alone
one=$TMPDIR/one
mkdir -p "$one/content/stories"
cp "$site/site.yml" "$one/"
cp "$site/content/stories/2020/good.md" "$site/content/stories/2020/bad-date.md" "$one/content/stories/"
make_repo "$one"
mkdir -p "$TMPDIR/one-out"
echo '<p>old home</p>' >"$TMPDIR/one-out/index.html"
build --source "$one" --out "$TMPDIR/one-out"
cat "$err_log"
[ "$rc" -eq 1 ] || problem "exit status $rc with one date error (want 1)"
grep -qF "content/stories/bad-date.md:3:7: date 'yesterday'" "$err_log" ||
	problem "the single date error is not reported"
grep -qF 'gazette: build failed with 1 error; nothing was written' "$err_log" ||
	problem "no 'build failed with 1 error' line for a single content error"
[ "$(find "$TMPDIR/one-out" -type f | wc -l)" -eq 1 ] && [ ! -d "$TMPDIR/one-out/stories" ] ||
	problem "output written although the content has an error"

# a build that fails while writing changes nothing either: here the output
# folder holds a file named "stories" where the stories/ folder must go
good=$TMPDIR/good
mkdir -p "$good/content/stories"
cp "$site/site.yml" "$good/"
cp "$site/content/stories/2020/good.md" "$good/content/stories/"
make_repo "$good"
out=$TMPDIR/blocked
mkdir -p "$out"
echo 'not a folder' >"$out/stories"
echo '<p>old home</p>' >"$out/index.html"
before=$(tree_sums "$out"; find "$out" | LC_ALL=C sort)
build --source "$good" --out "$out"
cat "$err_log"
[ "$rc" -ne 0 ] || problem "the build succeeded although stories/ cannot be written"
after=$(tree_sums "$out"; find "$out" | LC_ALL=C sort)
[ "$before" = "$after" ] || {
	printf '%s\n' "$before" >"$TMPDIR/b"
	printf '%s\n' "$after" >"$TMPDIR/a"
	diff -u "$TMPDIR/b" "$TMPDIR/a" | head -n 20 >&2 || true
	problem "a build that failed while writing changed the output folder (yet said 'nothing was written')"
}

[ -z "$problems" ] || fail "problems:$problems"
echo "errors: ok"
