#!/bin/sh
# gazette new: each kind lands where it should with the title, today's date
# and status: draft filled in; an existing file is never overwritten; a
# hostile --slug is refused; the new page builds with --drafts only.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
minimal_site "$site"
make_repo "$site"
# a fixed "today" (SOURCE_DATE_EPOCH stands in for the clock): 2019-06-08
SOURCE_DATE_EPOCH=1559980800
export SOURCE_DATE_EPOCH

new() {
	set +e
	(cd "$site" && "$GAZETTE" new "$@") >"$TMPDIR/new.out" 2>"$TMPDIR/new.err"
	rc=$?
	set -e
}

new story 'Bees in Muling' --township 穆棱镇 --village 大桥村
assert_eq "$rc" 0 "gazette new story"
assert_eq "$(cat "$TMPDIR/new.out")" content/stories/2019/bees-in-muling.md "printed path"
f=$site/content/stories/2019/bees-in-muling.md
assert_contains "$f" 'title: "Bees in Muling"'
assert_contains "$f" 'date: 2019-06-08'
assert_contains "$f" 'status: draft'
assert_contains "$f" 'township: "穆棱镇"'
assert_contains "$f" 'village: "大桥村"'

# a Chinese title: the date and a stable hash of the title
new story '养蜂人孟庆龙的"甜蜜"事业'
assert_eq "$rc" 0 "gazette new story (Chinese title)"
cn=$(cat "$TMPDIR/new.out")
case $cn in
content/stories/2019/2019-06-08-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].md) ;;
*) fail "unexpected path for a Chinese title: $cn" ;;
esac
assert_contains "$site/$cn" 'title: "养蜂人孟庆龙的\"甜蜜\"事业"'
assert_not_contains "$site/$cn" 'township:'
# the same title again: the same name, so it is refused, not overwritten
echo '改过的内容' >>"$site/$cn"
new story '养蜂人孟庆龙的"甜蜜"事业'
assert_eq "$rc" 1 "second gazette new with the same title"
assert_contains "$TMPDIR/new.err" 'already exists'
assert_contains "$site/$cn" '改过的内容'

new policy 'Micro credit' --slug microcredit
assert_eq "$rc" 0 "gazette new policy"
assert_eq "$(cat "$TMPDIR/new.out")" content/policies/microcredit.md "policy path"
assert_contains "$site/content/policies/microcredit.md" 'slug: "microcredit"'
new leaflet 看病就医三张网 --slug medical-insurance
assert_eq "$rc" 0 "gazette new leaflet"
assert_file "$site/content/leaflets/medical-insurance.md"

for bad in ../../etc a/b 'a\b' ..; do
	new story 标题 --slug "$bad"
	assert_eq "$rc" 1 "hostile slug '$bad'"
	assert_contains "$TMPDIR/new.err" "must be a plain name"
done
[ -z "$(find "$site" -name '*etc*')" ] || fail "a hostile slug made a file"
new essay 标题
assert_eq "$rc" 1 "unknown kind"
new story
assert_eq "$rc" 2 "missing title"
"$GAZETTE" new --help | grep -q 'usage: gazette new' || fail "gazette new --help"

# an archetype in the site wins over the theme's
write "$site/archetypes/story.md" <<'EOF2'
---
title: {{ title }}
date: {{ date }}
status: draft
tags: [本站模板]
---
本站自己的模板。
EOF2
new story 'Own archetype'
assert_contains "$site/content/stories/2019/own-archetype.md" '本站自己的模板。'

# drafts: built with --drafts, left out without
out=$TMPDIR/out
build_ok --source "$site" --out "$out"
assert_no_file "$out/stories/2019/bees-in-muling/index.html"
assert_no_file "$out/policies/microcredit/index.html"
build_ok --source "$site" --out "$out" --drafts
assert_file "$out/stories/2019/bees-in-muling/index.html"
assert_contains "$out/stories/2019/bees-in-muling/index.html" 'Bees in Muling'
assert_file "$out/policies/microcredit/index.html"
assert_file "$out/leaflets/medical-insurance/index.html"

# "today" is China's day, as the desk's, on a machine that keeps UTC: at
# 20:00 UTC on 2019-12-31 it is already 2020-01-01 in Muling (and the year
# folder follows the date)
SOURCE_DATE_EPOCH=1577822400 TZ=UTC new story 'New Year'
assert_eq "$rc" 0 "gazette new at 20:00 UTC"
assert_eq "$(cat "$TMPDIR/new.out")" content/stories/2020/new-year.md "path on China's new day"
assert_contains "$site/content/stories/2020/new-year.md" 'date: 2020-01-01'
echo "new: ok"
