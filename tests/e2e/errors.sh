#!/bin/sh
# A content repository with one problem per file: the build exits 1, reports
# every problem in one run as path:line:col with the right position, and
# writes nothing (public/ and the repository stay byte-for-byte the same).
set -eu
. "$ROOT/tests/e2e/lib.sh"

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
# line 4, col 7: the ':' after "oops" inside a plain scalar's continuation
printf -- '---\ntitle: 坏的YAML\ndate: 2020-01-02\n  oops: [1\n---\n正文。\n' >"$s/bad-yaml.md"
printf -- '---\ndate: 2020-01-02\nauthor: 某人\n---\n正文。\n' >"$s/no-title.md"
printf -- '---\ntitle: 没有日期\nauthor: 某人\n---\n正文。\n' >"$s/no-date.md"
printf -- '---\ntitle: 坏日期\ndate: yesterday\n---\n正文。\n' >"$s/bad-date.md"
# the bad byte is the 4th character of line 6
printf -- '---\ntitle: 编码\ndate: 2020-01-02\n---\n第一行。\n第二行\377坏了。\n' >"$s/bad-utf8.md"
printf -- '---\ntitle: 甲\ndate: 2020-01-02\nslug: same\n---\n正文。\n' >"$s/dup-a.md"
printf -- '---\ntitle: 乙\ndate: 2020-01-03\nslug: same\n---\n正文。\n' >"$s/dup-b.md"
printf -- '---\ntitle: 版式\ndate: 2020-01-02\nlayout: nosuch\n---\n正文。\n' >"$s/layout.md"
printf -- '---\ntitle: 路径\ndate: 2020-01-02\nslug: ../../etc\n---\n正文。\n' >"$s/hostile.md"
printf -- '---\ntitle: 照片\ndate: 2020-01-02\nphotos:\n  - src: nothere.jpg\n    caption: 没有这张照片\n---\n正文。\n' >"$s/photo.md"
# the image starts at character 4 of line 7 (byte 10: columns count characters)
printf -- '---\ntitle: 插图\ndate: 2020-01-02\n---\n正文。\n\n看图：![图](missing.png)\n' >"$s/image.md"

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
err=$TMPDIR/err
cat "$err"
assert_eq "$rc" 1 "exit status"

# expect PATH:LINE:COL MESSAGE-FRAGMENT (fixed strings)
missing=""
expect() {
	grep -qF -- "content/stories/2020/$1: $2" "$err" || {
		echo "MISSING: content/stories/2020/$1: $2" >&2
		missing="$missing $1"
	}
}
expect bad-yaml.md:4:7 'front matter:'
expect no-title.md:2:1 "missing 'title'"
expect no-date.md:2:1 "missing 'date'"
expect bad-date.md:3:7 "date 'yesterday'"
expect bad-utf8.md:6:4 'invalid UTF-8'
expect dup-b.md:1:1 "URL '/stories/2020/same/' is also claimed by content/stories/2020/dup-a.md"
expect layout.md:4:9 "layout 'nosuch' not found"
expect hostile.md:4:7 "slug '../../etc' must be a plain name"
expect photo.md:5:5 "photo 'nothere.jpg' not found"
expect image.md:7:4 "image 'missing.png' not found"
# checked at the end, so one wrong position does not hide the other checks

# every error line has the path:line:col: shape, and the count adds up
n=$(grep -c '^content/stories/2020/[a-z0-9-]*\.md:[0-9][0-9]*:[0-9][0-9]*: ' "$err" || true)
assert_eq "$n" 10 "number of path:line:col errors"
assert_contains "$err" 'gazette: build failed with 10 errors; nothing was written'
assert_not_contains "$err" 'good.md'

# public/ untouched: same bytes, same mtimes, nothing new (not even temp files)
after_public=$(tree_sums "$site/public"; ls -lR --time-style=full-iso "$site/public")
[ "$before_public" = "$after_public" ] || {
	printf 'before:\n%s\nafter:\n%s\n' "$before_public" "$after_public" >&2
	fail "public/ changed although the build failed"
}
new=$(find "$site/public" -newer "$TMPDIR/stamp")
[ -z "$new" ] || fail "new or touched in public/: $new"
[ ! -e "$site/etc" ] && [ ! -e "$TMPDIR/etc" ] || fail "the hostile slug wrote outside"

# the content repository is never written
after_repo=$(cd "$site" && find . | LC_ALL=C sort; tree_sums "$site")
[ "$before_repo" = "$after_repo" ] || {
	diff -u "$(printf '%s\n' "$before_repo" >"$TMPDIR/b"; echo "$TMPDIR/b")" \
		"$(printf '%s\n' "$after_repo" >"$TMPDIR/a"; echo "$TMPDIR/a")" >&2 || true
	fail "the content repository changed"
}
new=$(find "$site" -path "$site/public" -prune -o -newer "$TMPDIR/stamp" -print)
[ -z "$new" ] || fail "written in the content repository: $new"
st=$(cd "$site" && git status --porcelain --ignored=no)
[ -z "$st" ] || fail "git status is not clean: $st"

# the same problems with --jobs 1 give the same report (order is stable)
cp "$err" "$TMPDIR/err.many"
build --source "$site" --jobs 1
cmp -s "$TMPDIR/err" "$TMPDIR/err.many" || {
	diff -u "$TMPDIR/err.many" "$TMPDIR/err" >&2 || true
	fail "the error report depends on --jobs"
}
[ -z "$missing" ] || fail "wrong or missing error positions:$missing"
echo "errors: ok"
