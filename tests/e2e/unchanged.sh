#!/bin/sh
# Rebuilding rewrites only what changed, and the result is always the same
# bytes as a clean build: a second build touches nothing; after an edit
# the edited story's page changes; --jobs does not change the output.
set -eu
. "$ROOT/tests/e2e/lib.sh"

problems=""
problem() {
	printf 'PROBLEM: %s\n' "$*" >&2
	problems="$problems
  - $*"
}

site=$TMPDIR/site
mkdir -p "$site"
cp -R "$ROOT/site.yml" "$ROOT/content" "$ROOT/themes" "$site/"
make_repo "$site"
out=$TMPDIR/public

# listing of every file with its inode and mtime
stamp_list() {
	(cd "$1" && find . -type f -printf '%i %T@ %p\n' | LC_ALL=C sort -k 3)
}

build_ok --source "$site" --out "$out"
n=$(find "$out" -type f | wc -l)
[ "$n" -gt 50 ] || fail "only $n files in the sample build"
before=$(stamp_list "$out")
sleep 1
touch "$TMPDIR/mark"

# 1. nothing changed: nothing is rewritten
build_ok --source "$site" --out "$out"
touched=$(find "$out" -newer "$TMPDIR/mark")
[ -z "$touched" ] || problem "a build with no changes rewrote: $(echo "$touched" | head -n 5)"
after=$(stamp_list "$out")
[ "$before" = "$after" ] || problem "a build with no changes replaced files (inode or mtime changed)"
leftovers=$(find "$out" -name '*gazette-tmp*')
[ -z "$leftovers" ] || problem "temporary files left behind: $leftovers"

# 2. edit one story: its page changes, a page that does not show it does not
story=$(grep -rl '^slug: zhao-jilu-fungus' "$site/content/stories" || true)
[ -n "$story" ] || fail "the sample story zhao-jilu-fungus is gone; pick another in $0"
page=$out/stories/2019/zhao-jilu-fungus/index.html
assert_file "$page"
printf '\n测试新增的一段：木耳晒干以后装袋入库。\n' >>"$story"
sleep 1
touch "$TMPDIR/mark2"
build_ok --source "$site" --out "$out"
assert_contains "$page" '测试新增的一段：木耳晒干以后装袋入库。'
[ -n "$(find "$page" -newer "$TMPDIR/mark2")" ] || problem "the edited story's page was not rewritten"
for f in css/gazette.css favicon.svg policies/microcredit/index.html stories/2019/zhao-jilu-fungus/cover.jpg; do
	assert_file "$out/$f"
	[ -z "$(find "$out/$f" -newer "$TMPDIR/mark2")" ] || problem "$f was rewritten although it did not change"
done

# 3. the incremental result is byte-identical to a clean build
build_ok --source "$site" --out "$TMPDIR/fresh"
diff -r "$out" "$TMPDIR/fresh" >"$TMPDIR/diff" || {
	head -n 20 "$TMPDIR/diff" >&2
	problem "the rebuilt folder differs from a fresh build"
}

# 4. --jobs 1 and --jobs 2 give the same tree (and the same as the default)
build_ok --source "$site" --out "$TMPDIR/j1" --jobs 1
build_ok --source "$site" --out "$TMPDIR/j2" --jobs 2
diff -r "$TMPDIR/j1" "$TMPDIR/j2" >"$TMPDIR/diff" || {
	head -n 20 "$TMPDIR/diff" >&2
	problem "--jobs 1 and --jobs 2 give different output"
}
diff -r "$TMPDIR/j1" "$TMPDIR/fresh" >/dev/null || problem "--jobs 1 differs from the default --jobs"

# 5. a story that is removed disappears from the output too: the result
# of a rebuild is still the same as a clean build (DESIGN.md, incremental)
git -C "$site" rm -q "content/stories/2019/xie-yingwu-sheep.md"
build_ok --source "$site" --out "$out"
rm -rf "$TMPDIR/fresh2"
build_ok --source "$site" --out "$TMPDIR/fresh2"
[ ! -e "$TMPDIR/fresh2/stories/2019/xie-yingwu-sheep" ] || fail "the removed story is still built"
diff -r "$out" "$TMPDIR/fresh2" >"$TMPDIR/diff" || {
	head -n 10 "$TMPDIR/diff" >&2
	problem "after removing a story the rebuilt folder differs from a clean build (stale pages stay)"
}

[ -z "$problems" ] || fail "problems:$problems"
echo "unchanged: ok"
