# The page history record in .gazette/: a build of the same commit reads it
# back, a build of a descendant walks only the new commits and joins it,
# and whatever the record holds (stale, from another branch, damaged, cut
# short) the pages are byte for byte those of a build with no record. The
# commits cover renames, a folder move, an addition beside a deletion, a
# merge and .mailmap, as in history.sh.
set -eu
. "$ROOT/tests/e2e/lib.sh"

repo=$TMPDIR/news
site=$repo/site
mkdir -p "$site/content/stories/2019/deep" "$site/content/policies"
cd "$repo"
git init -q -b main
git config user.name Alice
git config user.email alice@example.org

# the pages of a build from a copy of the repository with no record
reference() {
	rm -rf "$TMPDIR/ref" "$TMPDIR/out-ref"
	cp -R "$repo" "$TMPDIR/ref"
	rm -rf "$TMPDIR/ref/site/.gazette"
	"$GAZETTE" build --source "$TMPDIR/ref/site" --out "$TMPDIR/out-ref" -q "$@" ||
		fail "the reference build failed"
}
# build with the record, compare with the reference: "$1" says what changed
same() {
	what=$1
	shift
	"$GAZETTE" build --source "$site" --out "$TMPDIR/out" -q "$@" 2>"$TMPDIR/err" ||
		{ cat "$TMPDIR/err"; fail "build failed after $what"; }
	[ ! -s "$TMPDIR/err" ] || { cat "$TMPDIR/err"; fail "messages after $what"; }
	reference "$@"
	diff -r "$TMPDIR/out" "$TMPDIR/out-ref" >"$TMPDIR/diff" ||
		{ head -n 40 "$TMPDIR/diff"; fail "pages differ from a build with no record after $what"; }
}
record() {
	ls "$site"/.gazette/history-*.txt 2>/dev/null | head -n 1
}

# history: public puts every commit on the pages, so they show what the
# history holds
printf 'title: 新闻\nbase_url: https://example.org/\nhistory: public\n' >site/site.yml
s=site/content/stories
long_story $s/2019/a.md 甲
long_story $s/2019/b.md 乙
long_story $s/2019/deep/c.md 丙
long_story site/content/policies/p.md 规定
git add -A
commit "first"
same "the first commit"
rec=$(record)
[ -n "$rec" ] || fail "no history record in .gazette/"
assert_contains "$rec" "first"

# the record is read back for the same commit: a subject changed in it
# (kept valid) shows, so the history was not walked again
# (into a new folder: the page itself did not change)
sed -i 's/\tfirst$/\tfirst (from the record)/' "$rec"
"$GAZETTE" build --source "$site" --out "$TMPDIR/out-mark" -q
assert_contains "$TMPDIR/out-mark/stories/2019/a/index.html" "first (from the record)"

# a new commit joins the record: the marked subject stays (the old commits
# were not walked again) and the new commit shows on its page
echo 甲改一。 >>$s/2019/a.md
git add -A
commit "edit a" -c user.name=bob -c user.email=bob@old.example
rm -rf "$TMPDIR/out-mark"
"$GAZETTE" build --source "$site" --out "$TMPDIR/out-mark" -q
assert_contains "$TMPDIR/out-mark/stories/2019/a/index.html" "first (from the record)"
assert_contains "$TMPDIR/out-mark/stories/2019/a/index.html" "edit a"
assert_contains "$TMPDIR/out-mark/stories/2019/a/index.html" "修改记录（2 次"
sed -i 's/\tfirst (from the record)$/\tfirst/' "$(record)"
same "a commit after the record"

# one build per commit, each joining the record the last one wrote
echo 乙改一。 >>$s/2019/b.md
echo 丙改一。 >>$s/2019/deep/c.md
git add -A
commit "edit b and c"
same "a commit touching two files"

mkdir -p site/content/old/2019
git mv $s/2019/a.md site/content/old/2019/a.md
commit "move a to old"
same "a rename"

long_story $s/2019/d.md 丁
git rm -q $s/2019/b.md
git add -A
commit "add d, delete b"
same "an addition beside a deletion"

# b comes back under its old name: a new file, not the deleted one
long_story $s/2019/b.md 新乙
git add -A
commit "a new b"
same "a file added where one was deleted"

# two commits at once, one of them a merge of a side branch
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
same "a merge"

git mv $s/2019/deep $s/deep2
echo 丙改三。 >>$s/deep2/c.md
git add -A
commit "move the deep folder and edit c"
same "a folder move"

# .mailmap edited after the record was written: names from the record
# follow it too
printf 'Bob Real <bob@example.org> <bob@old.example>\n' >.mailmap
same "a new .mailmap"
assert_contains "$TMPDIR/out/policies/p/index.html" "Bob Real"

# a stale record: one for a later commit, then for a commit on another line
"$GAZETTE" build --source "$site" --out "$TMPDIR/out" -q
same "an older revision" --rev HEAD~3
git checkout -q side
same "another branch"
git checkout -q main
same "back on main"
git add .mailmap
commit "mailmap"
same "a commit outside content"

# a damaged record: a warning, and the whole history walked again
printf 'garbage\n' >"$(record)"
"$GAZETTE" build --source "$site" --out "$TMPDIR/out" -q 2>"$TMPDIR/err" || fail "build failed"
# placed at the record's file
grep -qF "$(record): warning: not a record gazette wrote" "$TMPDIR/err" ||
	{ cat "$TMPDIR/err"; fail "no warning for a damaged history record"; }
reference
diff -r "$TMPDIR/out" "$TMPDIR/out-ref" >/dev/null || fail "a damaged record changed the pages"
# …and one cut short, or naming a commit it does not list
rec=$(record)
head -c 300 "$rec" >"$rec.cut"
mv "$rec.cut" "$rec"
"$GAZETTE" build --source "$site" --out "$TMPDIR/out" -q 2>"$TMPDIR/err" || fail "build failed"
grep -q "warning: .*not a record gazette wrote" "$TMPDIR/err" ||
	{ cat "$TMPDIR/err"; fail "no warning for a record cut short"; }
diff -r "$TMPDIR/out" "$TMPDIR/out-ref" >/dev/null || fail "a record cut short changed the pages"
rec=$(record)
sed -i 's/^f\t\([01]\)\t[0-9,]*/f\t\1\t999/' "$rec"
"$GAZETTE" build --source "$site" --out "$TMPDIR/out" -q 2>"$TMPDIR/err" || fail "build failed"
grep -q "warning: .*not a record gazette wrote" "$TMPDIR/err" ||
	{ cat "$TMPDIR/err"; fail "no warning for a record naming an unknown commit"; }
diff -r "$TMPDIR/out" "$TMPDIR/out-ref" >/dev/null || fail "a bad commit number changed the pages"
# the next build is quiet again: the whole walk was recorded
"$GAZETTE" build --source "$site" --out "$TMPDIR/out" -q 2>"$TMPDIR/err" || fail "build failed"
[ ! -s "$TMPDIR/err" ] || { cat "$TMPDIR/err"; fail "the record was not written again"; }

# --full does not read the record
sed -i 's/\tmain: edit p$/\tmain: edit p (from the record)/' "$(record)"
"$GAZETTE" build --source "$site" --out "$TMPDIR/out-mark" --full -q
assert_contains "$TMPDIR/out-mark/policies/p/index.html" "main: edit p"
assert_not_contains "$TMPDIR/out-mark/policies/p/index.html" "(from the record)"

# the repository is never written: the record lives in .gazette/ (ignored)
[ -z "$(git status --porcelain)" ] || { git status --porcelain; fail "the work tree changed"; }
echo ok
