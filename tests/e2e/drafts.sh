#!/bin/sh
# status: draft and status: review are left out of every output unless
# --drafts is given; then they are built like published pages.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
minimal_site "$site"
story() { # FILE TITLE DATE STATUS TERM
	write "$site/content/stories/$1.md" <<EOF2
---
title: $2
date: $3
${4:+status: $4}
township: $5
---
$2的正文。
EOF2
}
story pub 已发布的稿件 2020-03-01 "" 穆棱镇
story pub2 明确发布的稿件 2020-03-02 published 穆棱镇
story draft 草稿稿件 2020-04-01 draft 草稿镇
story review 待审稿件 2020-05-01 review 待审镇
make_repo "$site"

out=$TMPDIR/out
build_ok --source "$site" --out "$out"
assert_file "$out/stories/pub/index.html"
assert_file "$out/stories/pub2/index.html"
assert_no_file "$out/stories/draft"
assert_no_file "$out/stories/review"
# not listed, not in feeds or sitemap, no term or month of their own
hits=$(grep -rlE '草稿稿件|待审稿件|草稿镇|待审镇' "$out" || true)
[ -z "$hits" ] || fail "a draft or review page shows in: $hits"
assert_no_file "$out/archive/2020/04"
assert_no_file "$out/archive/2020/05"
assert_contains "$out/stories/index.html" '已发布的稿件'
assert_contains "$out/stories/index.html" '明确发布的稿件'
assert_contains "$out/atom.xml" '已发布的稿件'

out=$TMPDIR/with-drafts
build_ok --source "$site" --out "$out" --drafts
for s in pub pub2 draft review; do assert_file "$out/stories/$s/index.html"; done
assert_contains "$out/stories/draft/index.html" '草稿稿件的正文。'
assert_contains "$out/stories/review/index.html" '待审稿件的正文。'
assert_contains "$out/stories/index.html" '草稿稿件'
assert_contains "$out/stories/index.html" '待审稿件'
assert_file "$out/archive/2020/04/index.html"
assert_file "$out/township/草稿镇/index.html"
assert_file "$out/township/待审镇/index.html"

# an unknown status is an error, not silently published or dropped
printf -- '---\ntitle: 奇怪的状态\ndate: 2020-06-01\nstatus: maybe\n---\n正文。\n' >"$site/content/stories/odd.md"
build --source "$site" --out "$TMPDIR/odd"
assert_eq "$rc" 1 "exit status with status: maybe"
assert_contains "$err_log" "content/stories/odd.md:4:9: status 'maybe'"
echo "drafts: ok"
