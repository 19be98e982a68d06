#!/bin/sh
# Related pages: the pages sharing the most terms, the newer first among
# equals, even when a tag is on far more pages than a term's window (256)
# and the best matches lie years away; the same lists with any --jobs.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
write "$site/site.yml" <<'EOF'
title: 测试站
base_url: https://example.org/
paginate: 10
taxonomies: {village: 村, tags: 标签}
EOF

# story FILE DATE VILLAGE TAGS...
story() {
	f=$1 date=$2 village=$3
	shift 3
	tags=$(printf '"%s", ' "$@")
	write "$site/content/stories/$f.md" <<EOF
---
title: "$f"
date: $date
village: "$village"
tags: [${tags%, }]
---

$f 的正文。
EOF
}

# 600 stories on one tag, a day apart from 2018-01-01; the story under
# test in the middle, and the two that share most with it more than a
# window away on the tag's list
i=0
while [ "$i" -lt 600 ]; do
	story "f$i" "$(date -u -d "2018-01-01 + $i days" +%F)" 东河村 扶贫
	i=$((i + 1))
done
story target 2018-10-15 西山村 扶贫 合作社 光伏
story best 2015-03-01 西山村 扶贫 合作社 光伏
story second 2015-02-01 北岭村 扶贫 合作社
story third 2015-01-01 西山村 扶贫

related_of() {
	sed -n '/<section class="related/,/<\/section>/p' "$1/stories/$2/index.html" |
		grep -o 'href="[^"]*"' | sed 's|.*/stories/\([^/]*\)/"|\1|' | tr '\n' ' '
}

build_ok --source "$site" --out "$TMPDIR/a" --jobs 1
got=$(related_of "$TMPDIR/a" target)
case $got in
"best second third "*) ;;
*) fail "target's related pages are '$got', want best, second and third first" ;;
esac
echo "related pages of target: $got"
n=$(echo "$got" | wc -w)
[ "$n" -eq 5 ] || fail "target has $n related pages, want 5"
# the last two share only the tag with it, as 600 others do: newer ones
# (f287 is of its day), the newer first
set -- $got
for f in "$4" "$5"; do
	case $f in
	f*) [ "${f#f}" -gt 287 ] || fail "related page $f of target is older than it ($got)" ;;
	*) fail "target's related pages are '$got', want two of the f pages last" ;;
	esac
done
[ "${4#f}" -gt "${5#f}" ] || fail "target's related pages '$got': the older before the newer"

rm -rf "$site/.gazette"
build_ok --source "$site" --out "$TMPDIR/b" --jobs 3
[ "$(tree_sums "$TMPDIR/a")" = "$(tree_sums "$TMPDIR/b")" ] ||
	fail "the site differs between --jobs 1 and --jobs 3"

echo "ok: related pages"
