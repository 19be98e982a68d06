# Page history from the one revision walk, compared file by file with what
# git itself reports (git log --follow, .mailmap applied): nested folders,
# commits touching several folders, renames across folders, a file moved
# and edited, a folder moved, an addition beside an unrelated deletion, a
# mode change, a merge, commits outside content/, a site in a subfolder.
set -eu
. "$ROOT/tests/e2e/lib.sh"

repo=$TMPDIR/news
site=$repo/site
mkdir -p "$site/content/stories/2018" "$site/content/stories/2019/deep" "$site/content/policies"
cd "$repo"
git init -q -b main
git config user.name Alice
git config user.email alice@example.org


# history: public puts every commit on the pages, so they show what the
# history holds
printf 'title: 新闻\nbase_url: https://example.org/\nhistory: public\n' >site/site.yml
printf 'Bob Real <bob@example.org> <bob@old.example>\n' >.mailmap
echo readme >README
s=site/content/stories
long_story $s/2019/a.md 甲
long_story $s/2019/b.md 乙
long_story $s/2019/deep/c.md 丙
long_story site/content/policies/p.md 规定
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	long_story $s/2018/f$i.md "旧闻$i"
done
git add -A
commit "first"

echo 甲改一。 >>$s/2019/a.md
git add -A
commit "edit a" -c user.name=bob -c user.email=bob@old.example

echo 乙改一。 >>$s/2019/b.md
echo 丙改一。 >>$s/2019/deep/c.md
echo 旧闻改。 >>$s/2018/f7.md
git add -A
commit "edit b, c and f7"

mkdir -p site/content/old/2019
git mv $s/2019/a.md site/content/old/2019/a.md
commit "move a to old"

mkdir -p $s/2020
git mv $s/2019/b.md $s/2020/b-new.md
echo 乙改二。 >>$s/2020/b-new.md
git add -A
commit "move b and edit it"

long_story $s/2019/d.md 丁
git rm -q $s/2018/f1.md
git add -A
commit "add d, delete f1"

git checkout -q -b side
echo 丙改二。 >>$s/2019/deep/c.md
git add -A
commit "side: edit c"
git checkout -q main
echo 规定改一。 >>site/content/policies/p.md
git add -A
commit "main: edit p" -c user.name=bob -c user.email=bob@old.example
n=$((n + 1))
d=$(printf '2019-03-%02dT%02d:00:00+08:00' $((1 + n / 24)) $((n % 24)))
GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git merge -q --no-ff -m "merge side" side ||
	fail "the merge should be clean"

chmod +x site/content/policies/p.md
git add -A
commit "make p executable"

git mv $s/2019/deep $s/deep2
commit "move the deep folder"

echo more >>README
git add -A
commit "outside content"

echo 丁改一。 >>$s/2019/d.md
echo 旧闻改二。 >>$s/2018/f12.md
git add -A
commit "edit d and f12"

# every file: gazette log's commits are git log --follow's
cd "$site"
for f in $(git ls-files content); do
	"$GAZETTE" log --source "$site" "$f" --json >"$TMPDIR/g.json" || fail "gazette log $f failed"
	git log --follow --format='%H%x09%aN%x09%s%x09%ad' --date=short -- "$f" >"$TMPDIR/git.txt"
	python3 - "$TMPDIR/g.json" "$TMPDIR/git.txt" "$f" <<'PY' || fail "history of $f differs from git log --follow"
import json, sys
h = json.load(open(sys.argv[1]))
want = [l.split("\t") for l in open(sys.argv[2], encoding="utf-8").read().splitlines()]
got = [[c["sha"], c["author"], c["subject"], c["date"]] for c in h["commits"]]
if got != want:
    print(sys.argv[3], "gazette:", got, "git:", want, sep="\n")
    sys.exit(1)
assert h["created"] == want[-1][3] and h["created_by"] == want[-1][1], h
assert h["updated"] == want[0][3] and h["updated_by"] == want[0][1], h
PY
done

# spot checks, in case git itself changed its mind
"$GAZETTE" log --source "$site" content/stories/2020/b-new.md >"$TMPDIR/b.txt"
assert_contains "$TMPDIR/b.txt" "3 commits"
"$GAZETTE" log --source "$site" content/stories/deep2/c.md >"$TMPDIR/c.txt"
assert_contains "$TMPDIR/c.txt" "side: edit c"
assert_contains "$TMPDIR/c.txt" "4 commits"
"$GAZETTE" log --source "$site" content/policies/p.md >"$TMPDIR/p.txt"
assert_contains "$TMPDIR/p.txt" "Bob Real  main: edit p"
assert_contains "$TMPDIR/p.txt" "make p executable"
"$GAZETTE" log --source "$site" content/stories/2018/f7.md >"$TMPDIR/f7.txt"
assert_contains "$TMPDIR/f7.txt" "2 commits"

# the build's walk (run beside the page loading) gives pages the same
"$GAZETTE" build --source "$site" --out "$TMPDIR/out" -q
assert_contains "$TMPDIR/out/stories/2020/b-new/index.html" "修改记录（3 次，首次提交于 2019年3月1日）"
assert_contains "$TMPDIR/out/policies/p/index.html" "Bob Real"
"$GAZETTE" build --source "$site" --rev HEAD --out "$TMPDIR/out-rev" -q
diff -r "$TMPDIR/out" "$TMPDIR/out-rev" >/dev/null || fail "--rev HEAD differs from the working tree"
"$GAZETTE" build --source "$site" --rev HEAD --out "$TMPDIR/out-rev2" -q
diff -r "$TMPDIR/out-rev" "$TMPDIR/out-rev2" || fail "two builds of HEAD differ"
echo ok
