#!/bin/sh
# What readers see of a page's git history in the default theme: no commit
# messages or committers; "更新于" only once the file changed after the
# commit that added it (or front matter says `updated:`); the whole list
# with site.yml `history: public`. `gazette log` shows staff everything.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/news
mkdir -p "$site/content/stories/2019" "$site/content/policies"
cd "$site"
git init -q -b main
git config user.name 'Alice Archivist'
git config user.email alice@example.org
printf 'title: 新闻\nbase_url: https://example.org/\n' >site.yml
page() { # file title date [front matter line]
	printf -- '---\ntitle: %s\ndate: %s\n%s\n---\n%s的正文，讲述穆棱镇的事情。\n' "$2" "$3" "${4:-}" "$2" >"$1"
}
page content/stories/2019/bees.md 养蜂 2019-01-01
page content/policies/loans.md 小额贷款 2019-01-01
page content/stories/2019/fixed.md 更正稿 2019-01-01 'updated: 2019-02-01'
page content/stories/2019/same.md 同日稿 2019-01-01 'updated: 2019-01-01'
at() { # date message [git options]
	d=$1 m=$2
	shift 2
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git "$@" commit -qm "$m"
}
git add -A
at 2019-03-01T10:00:00+08:00 'import from the old CMS'

out=$TMPDIR/out
bees=$out/stories/2019/bees/index.html
loans=$out/policies/loans/index.html
build_ok --source "$site" --out "$out"
for f in "$bees" "$loans"; do
	assert_not_contains "$f" 'import from the old CMS'
	assert_not_contains "$f" 'Alice Archivist'
	assert_not_contains "$f" '修改记录'
	# the import is a day after the story's date, and is still no update
	assert_not_contains "$f" '更新于'
done
# an editor's `updated:` is an update, if it is later than the date
assert_contains "$out/stories/2019/fixed/index.html" '更新于 <time datetime="2019-02-01">2019年2月1日</time>'
assert_not_contains "$out/stories/2019/same/index.html" '更新于'

# a second commit to the story dates it, still without saying who or why
echo '补充：蜂蜜已销往北京。' >>content/stories/2019/bees.md
git add -A
at 2019-05-02T09:00:00+08:00 'add the Beijing sales' -c user.name='Bob Reviser' -c user.email=bob@example.org
build_ok --source "$site" --out "$out"
assert_contains "$bees" '更新于 <time datetime="2019-05-02">2019年5月2日</time>'
for s in 'add the Beijing sales' 'Bob Reviser' 'import from the old CMS' 'Alice Archivist' '修改记录'; do
	assert_not_contains "$bees" "$s"
done
assert_not_contains "$loans" '更新于'

# the staff's view is unchanged: every commit, with who and why
"$GAZETTE" log --source "$site" content/stories/2019/bees.md >"$TMPDIR/log.txt"
assert_contains "$TMPDIR/log.txt" 'add the Beijing sales'
assert_contains "$TMPDIR/log.txt" 'Alice Archivist'

# history: public puts the list on the page
printf 'history: public\n' >>site.yml
build_ok --source "$site" --out "$out"
assert_contains "$bees" '修改记录（2 次，首次提交于 2019年3月1日）'
assert_contains "$bees" 'add the Beijing sales'
assert_contains "$bees" 'Bob Reviser'
assert_contains "$bees" 'import from the old CMS'
assert_contains "$loans" '修改记录（1 次'

printf 'title: 新闻\nhistory: everyone\n' >site.yml
set +e
"$GAZETTE" build --source "$site" --out "$TMPDIR/bad" -q 2>"$TMPDIR/err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "history: everyone should fail the build (exit $rc)"
assert_contains "$TMPDIR/err" "site.yml:2:10: history must be 'public' or 'private'"
echo ok
