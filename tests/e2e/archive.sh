#!/bin/sh
# gazette archive search: the archive build keeps in .gazette/archive.db
# (incremental, rebuilt when damaged), Chinese matching, filters, hostile
# FTS syntax as user input, and the error exits.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
minimal_site "$site"
echo 'archive: true' >>"$site/site.yml"
write "$site/content/stories/2019/sheep.md" <<'EOF2'
---
title: 新民村养羊户
date: 2019-06-08
township: 穆棱镇
village: 新民村
people: [孟庆龙]
---
孟庆龙靠养羊脱贫，羊群发展到300只。
EOF2
write "$site/content/stories/2020/bees.md" <<'EOF2'
---
title: 养蜂致富
date: 2020-03-01
township: 兴源镇
---
蜂蜜卖到了北京。羊肉也卖得好。
EOF2
S() { "$GAZETTE" archive search --source "$site" "$@"; }

set +e; S 养羊 >/dev/null 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 1 "search before any build"
assert_contains "$TMPDIR/e" "gazette build"

build_ok --source "$site"
assert_file "$site/.gazette/archive.db"
S 养羊 >"$TMPDIR/o"
assert_contains "$TMPDIR/o" stories/2019/sheep
# a person reads the text output: a Chinese date; --json keeps ISO below
grep -q '^2019年6月8日  stories/2019/sheep  ' "$TMPDIR/o" || { cat "$TMPDIR/o"; fail "text output's date"; }
assert_not_contains "$TMPDIR/o" bees
[ "$(S 羊 | grep -c '^20')" = 2 ] || fail "羊 should find both stories"
[ "$(S 养羊户 | grep -c '^20')" = 1 ] || fail "养羊户"
# 羊肉卖 has all its bigrams only in bees (羊肉, 肉卖): found; 养羊群 is in neither
[ "$(S 养羊群 | grep -c '^20')" = 0 ] || fail "养羊群 is in no story"
S --township 兴源镇 羊 >"$TMPDIR/o"
assert_contains "$TMPDIR/o" bees
assert_not_contains "$TMPDIR/o" sheep
[ "$(S --person 孟庆龙 --from 2019-01-01 --to 2019-12-31 羊 | grep -c '^20')" = 1 ] || fail "person + dates"
[ "$(S --from 2020-01-01 养羊 | grep -c '^20')" = 0 ] || fail "--from"
S --json 300 >"$TMPDIR/j"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[0]['id']=='stories/2019/sheep' and d[0]['place'] and d[0]['date']=='2019-06-08', d" "$TMPDIR/j" ||
	fail "json output"

# ranking: where the query is more of the text, the story comes first (not
# the order of ids, which only breaks ties); a query of two words needs both
ksite=$TMPDIR/rank-site
minimal_site "$ksite"
echo 'archive: true' >>"$ksite/site.yml"
write "$ksite/content/stories/2021/a-once.md" <<'EOF2'
---
title: 村里的一年
date: 2021-05-01
---
春天修了路，夏天建了桥，秋天收了玉米，冬天办了夜校。村民说，合作社也成立了。春天修了路，夏天建了桥，秋天收了玉米，冬天办了夜校。
EOF2
write "$ksite/content/stories/2021/z-often.md" <<'EOF2'
---
title: 合作社
date: 2021-05-01
---
合作社养殖肉牛，合作社分红。
EOF2
build_ok --source "$ksite"
K() { "$GAZETTE" archive search --source "$ksite" "$@"; }
assert_eq "$(K 合作社 | grep '^20' | cut -d' ' -f3 | tr '\n' ' ')" "stories/2021/z-often stories/2021/a-once " "ranking of 合作社"
assert_eq "$(K '合作社 养殖' | grep '^20' | cut -d' ' -f3)" "stories/2021/z-often" "合作社 养殖 needs both words"
assert_eq "$(K 作社也成立 | grep '^20' | cut -d' ' -f3)" "stories/2021/a-once" "a run of five characters"
assert_eq "$(K 合作社分红养殖 | grep -c '^20')" 0 "a run in no story"

# FTS5 syntax is only ever text
for q in '"' '养羊"' '*' '养*' 'NEAR(养 羊)' '-养羊' '养羊 OR 蜂' "'; DROP TABLE pages; --"; do
	set +e; S "$q" >/dev/null 2>"$TMPDIR/e"; rc=$?; set -e
	# found, found nothing (and said so), or refused as no query at all
	[ "$rc" = 0 ] || [ "$rc" = 2 ] || { [ "$rc" = 1 ] && grep -q 'no stories found' "$TMPDIR/e"; } ||
		{ cat "$TMPDIR/e"; fail "query '$q' exited $rc"; }
done
S 养羊 | grep -q sheep || fail "archive damaged by hostile queries"

set +e
S '，。！' >/dev/null 2>"$TMPDIR/e"; rc=$?
assert_eq "$rc" 2 "punctuation-only query"
S '' >/dev/null 2>&1; assert_eq "$?" 2 "empty query"
S --from 2019-13-01 羊 >/dev/null 2>&1; assert_eq "$?" 2 "bad date"
S --to yesterday 羊 >/dev/null 2>&1; assert_eq "$?" 2 "bad date"
"$GAZETTE" archive frobnicate >/dev/null 2>&1; assert_eq "$?" 2 "unknown subcommand"
set -e
"$GAZETTE" archive --help | grep -q 'archive search' || fail "--help"
# a folder that is not there, and a site not built yet: each says what to do
set +e
"$GAZETTE" archive search --source "$TMPDIR/nosuch" 羊 >/dev/null 2>"$TMPDIR/e"; rc=$?
set -e
assert_eq "$rc" 1 "search of a folder that is not there"
assert_contains "$TMPDIR/e" "$TMPDIR/nosuch is not a folder; --source names the site's folder"
mkdir -p "$TMPDIR/unbuilt"
set +e
"$GAZETTE" archive search --source "$TMPDIR/unbuilt" 羊 >/dev/null 2>"$TMPDIR/e"; rc=$?
set -e
assert_eq "$rc" 1 "search of a site not built"
assert_contains "$TMPDIR/e" "no archive here yet: 'gazette build' makes it, when site.yml has 'archive: true'"

# incremental: an unchanged build rewrites nothing; a removed page leaves
before=$(sha256sum "$site/.gazette/archive.db")
build_ok --source "$site"
rm "$site/content/stories/2020/bees.md"
build_ok --source "$site"
[ "$(S 羊 | grep -c '^20')" = 1 ] || fail "a removed page is still in the archive"

# a damaged database is rebuilt by the next build
printf 'this is not a database' >"$site/.gazette/archive.db"
rm -f "$site/.gazette/archive.db-wal" "$site/.gazette/archive.db-shm"
set +e; S 羊 >/dev/null 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 1 "search on a damaged archive"
build_ok --source "$site"
assert_contains "$err_log" "damaged"
S 养羊 | grep -q sheep || fail "archive not rebuilt"

# an archive of another schema version (or of version 1, which kept no
# version) is refused by search and built again by the next build
for how in "UPDATE meta SET value = '1' WHERE key = 'schema'" "DELETE FROM meta"; do
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit(); c.close()' \
		"$site/.gazette/archive.db" "$how"
	set +e; S 羊 >/dev/null 2>"$TMPDIR/e"; rc=$?; set -e
	assert_eq "$rc" 1 "search on an archive of another version ($how)"
	assert_contains "$TMPDIR/e" "another version of gazette"
	build_ok --source "$site"
	assert_contains "$err_log" "another version of gazette; building it again"
	S 养羊 | grep -q sheep || fail "archive of another version not rebuilt ($how)"
done
: "$before"

# --rev and --as-of: the archive as a commit published it, read from git
# (nothing checked out, the repository untouched)
rsite="$TMPDIR/rev-site"
cp -R "$site" "$rsite"
rm -rf "$rsite/.gazette" "$rsite/public"
make_repo "$rsite"
sleep 1
story=$(cd "$rsite" && ls content/stories/*/*.md | head -n 1)
printf '\n后来才加上的一句：鸵鸟蛋。\n' >>"$rsite/$story"
git -C "$rsite" commit -qam "a later sentence"
sum_before=$(cd "$rsite" && git status --porcelain && find . -path ./.gazette -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
R() { "$GAZETTE" archive search --source "$rsite" "$@"; }
R 鸵鸟蛋 --rev HEAD | grep -q "$(basename "$story" .md)" || fail "--rev HEAD misses the later sentence"
set +e; old_hits=$(R 鸵鸟蛋 --rev HEAD~1 2>"$TMPDIR/e"); rc=$?; set -e
assert_eq "$rc" 1 "archive search --rev HEAD~1 finds nothing"
assert_contains "$TMPDIR/e" "no stories found for '鸵鸟蛋'"
[ -z "$old_hits" ] || fail "--rev HEAD~1 finds a sentence added later"
R 养羊 --rev HEAD~1 | grep -q sheep || fail "--rev HEAD~1 lost the other stories"
first=$(git -C "$rsite" log --format=%cI --reverse | head -n 1 | cut -c1-10)
R 养羊 --as-of "$first" | grep -q sheep || fail "--as-of the first commit's day finds nothing"
set +e; R 羊 --rev no-such-branch >/dev/null 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 1 "archive search --rev of an unknown revision"
assert_contains "$TMPDIR/e" "no-such-branch"
set +e; R 羊 --rev HEAD --as-of 2019-01-01 >/dev/null 2>&1; rc=$?; set -e
assert_eq "$rc" 2 "--rev with --as-of"
sum_after=$(cd "$rsite" && git status --porcelain && find . -path ./.gazette -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
[ "$sum_before" = "$sum_after" ] || fail "archive search --rev changed the repository"
# the archives of past commits are a cache: the four used last are kept
for i in 1 2 3 4; do
	git -C "$rsite" commit -q --allow-empty -m "empty $i"
	R 养羊 --rev HEAD | grep -q sheep || fail "--rev HEAD after empty commit $i"
done
# an older one searched again counts as used now
R 鸵鸟蛋 --rev HEAD~4 | grep -q "$(basename "$story" .md)" || fail "--rev HEAD~4"
kept=$(cd "$rsite/.gazette/archive" && ls *.db | LC_ALL=C sort | tr '\n' ' ')
want=$(for r in HEAD HEAD~1 HEAD~2 HEAD~4; do echo "$(git -C "$rsite" rev-parse $r).db"; done | LC_ALL=C sort | tr '\n' ' ')
assert_eq "$kept" "$want" "the archives of the four commits used last"
echo "archive: ok"
