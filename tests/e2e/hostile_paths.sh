# Paths from content cannot read or write outside the site: photo and image
# references that climb out of content/, a symbolic link to a folder outside
# the repository, and an output folder that would overwrite the source.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
mkdir -p "$site/content/stories" "$TMPDIR/outside"
echo secret >"$TMPDIR/outside/secret.jpg"
ln -s "$TMPDIR/outside" "$site/content/stories/link"
cat >"$site/content/stories/climb.md" <<'MD'
---
title: 爬出去
date: 2019-01-01
photos:
  - src: ../../../outside/secret.jpg
---
![x](/../../outside/secret.jpg)
MD
cat >"$site/content/stories/linked.md" <<'MD'
---
title: 链接
date: 2019-01-02
cover: link/secret.jpg
---
正文。
MD

status=0
"$GAZETTE" build --source "$site" --out "$TMPDIR/out" 2>"$TMPDIR/err" || status=$?
cat "$TMPDIR/err"
[ "$status" -eq 1 ] || fail "expected exit 1, got $status"
assert_contains "$TMPDIR/err" "content/stories/climb.md:5:5: photo '../../../outside/secret.jpg' points outside content/"
assert_contains "$TMPDIR/err" "content/stories/climb.md:7:1: image '/../../outside/secret.jpg' points outside content/"
assert_contains "$TMPDIR/err" "content/stories/linked.md:4:8: photo 'link/secret.jpg' not found"
assert_no_file "$TMPDIR/out"
if grep -rq secret "$TMPDIR/out" 2>/dev/null; then fail "secret copied"; fi

# the output folder may not be the source or hold it
rm "$site/content/stories/climb.md" "$site/content/stories/linked.md" "$site/content/stories/link"
printf -- '---\ntitle: t\ndate: 2019-01-01\n---\nx\n' >"$site/content/stories/ok.md"
status=0
"$GAZETTE" build --source "$site" --out "$site" 2>"$TMPDIR/err2" || status=$?
[ "$status" -eq 1 ] || fail "building into the source must fail, got $status"
assert_contains "$TMPDIR/err2" "the output folder would hold the source"
status=0
"$GAZETTE" build --source "$site/content" --out "$site" 2>"$TMPDIR/err3" || status=$?
[ "$status" -ne 0 ] || fail "building into a parent of the source must fail"
echo ok
