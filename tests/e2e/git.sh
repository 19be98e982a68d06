# Content straight from git: --rev, --as-of, bare repositories, linked
# worktrees, shallow clones; page history in one walk (renames, .mailmap);
# scheduled pages; reproducible builds; the repository is never written.
set -eu
. "$ROOT/tests/e2e/lib.sh"

repo=$TMPDIR/news
mkdir -p "$repo/content/stories"
cd "$repo"
git init -q -b main
git config user.name Alice
git config user.email alice@example.org
printf 'title: 新闻\nbase_url: https://example.org/\n' >site.yml
story() { # file title date body
	printf -- '---\ntitle: %s\ndate: %s\ntownship: 穆棱镇\n---\n%s\n' "$2" "$3" "$4" >"$1"
}
story content/stories/a.md 第一篇 2019-01-01 第一版正文。
git add -A
GIT_AUTHOR_DATE=2019-01-01T10:00:00+08:00 GIT_COMMITTER_DATE=2019-01-01T10:00:00+08:00 \
	git commit -qm "first story"

story content/stories/a.md 第一篇 2019-01-01 第二版正文。
printf 'Bob Real <bob@example.org> <bob@old.example>\n' >.mailmap
git add -A
GIT_AUTHOR_DATE=2019-06-01T10:00:00+08:00 GIT_COMMITTER_DATE=2019-06-01T10:00:00+08:00 \
	git -c user.name=bob -c user.email=bob@old.example commit -qm "second edit"
git tag v1
git branch release

git mv content/stories/a.md content/stories/b.md
story content/stories/c.md 第三篇 2019-11-30 新故事。
story content/stories/later.md 未来 2999-01-01 定时发布。
git add -A
GIT_AUTHOR_DATE=2019-12-01T10:00:00+08:00 GIT_COMMITTER_DATE=2019-12-01T10:00:00+08:00 \
	git commit -qm "rename and add"
# an uncommitted edit: only working-tree builds see it
story content/stories/c.md 第三篇 2019-11-30 未提交的修改。

touch "$TMPDIR/marker"
sleep 1

# --rev: a tag, a branch, HEAD~1 — read from the object database
"$GAZETTE" build --source "$repo" --rev v1 --out "$TMPDIR/v1" -q
assert_file "$TMPDIR/v1/stories/a/index.html"
assert_contains "$TMPDIR/v1/stories/a/index.html" 第二版正文
assert_no_file "$TMPDIR/v1/stories/c/index.html"
"$GAZETTE" build --source "$repo" --rev release --out "$TMPDIR/release" -q
diff -r "$TMPDIR/v1" "$TMPDIR/release" >/dev/null || fail "release and v1 differ"
"$GAZETTE" build --source "$repo" --rev HEAD~1 --out "$TMPDIR/h1" -q
diff -r "$TMPDIR/v1" "$TMPDIR/h1" >/dev/null || fail "HEAD~1 and v1 differ"

# reproducible: the same revision gives the same bytes
"$GAZETTE" build --source "$repo" --rev v1 --out "$TMPDIR/v1b" -q
diff -r "$TMPDIR/v1" "$TMPDIR/v1b" || fail "two builds of v1 differ"

# --as-of: the branch as it stood on a day
"$GAZETTE" build --source "$repo" --as-of 2019-07-01 --out "$TMPDIR/asof" -q
assert_contains "$TMPDIR/asof/stories/a/index.html" 第二版正文
"$GAZETTE" build --source "$repo" --as-of 2019-01-01 --out "$TMPDIR/asof1" -q
assert_contains "$TMPDIR/asof1/stories/a/index.html" 第一版正文
status=0
"$GAZETTE" build --source "$repo" --as-of 2018-01-01 --out "$TMPDIR/none" 2>"$TMPDIR/err" || status=$?
[ "$status" -eq 1 ] || fail "--as-of before the first commit should fail"
assert_contains "$TMPDIR/err" "no commit on or before 2018-01-01"
status=0
"$GAZETTE" build --source "$repo" --rev nosuch --out "$TMPDIR/none" 2>"$TMPDIR/err" || status=$?
[ "$status" -eq 1 ] || fail "an unknown revision should fail"
assert_contains "$TMPDIR/err" "revision 'nosuch' not found"

# the working tree: uncommitted edits show; the scheduled page does not
"$GAZETTE" build --source "$repo" --out "$TMPDIR/wt" -q
assert_contains "$TMPDIR/wt/stories/c/index.html" 未提交的修改
assert_no_file "$TMPDIR/wt/stories/later/index.html"
"$GAZETTE" build --source "$repo" --out "$TMPDIR/wtf" --future -q
assert_file "$TMPDIR/wtf/stories/later/index.html"

# history: created follows the rename, .mailmap maps bob
"$GAZETTE" log --source "$repo" content/stories/b.md --json >"$TMPDIR/log.json"
python3 - "$TMPDIR/log.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
assert h["created"] == "2019-01-01", h
assert h["created_by"] == "Alice", h
assert h["updated"] == "2019-12-01", h
assert [c["subject"] for c in h["commits"]] == ["rename and add", "second edit", "first story"], h
assert h["commits"][1]["author"] == "Bob Real", h
PY
"$GAZETTE" log --source "$repo" /stories/b/ >"$TMPDIR/log.txt"
assert_contains "$TMPDIR/log.txt" "created  2019年1月1日  Alice"
assert_contains "$TMPDIR/log.txt" "3 commits"
status=0
"$GAZETTE" log --source "$repo" /stories/nosuch/ 2>"$TMPDIR/err" >/dev/null || status=$?
[ "$status" -eq 1 ] || fail "log of an unknown page should fail"

# templates see the history: the default theme dates the last change and
# keeps the commits to itself (tests/e2e/page_history.sh has the rest)
assert_contains "$TMPDIR/wt/stories/b/index.html" "更新于 <time datetime=\"2019-12-01\">2019年12月1日</time>"
assert_not_contains "$TMPDIR/wt/stories/b/index.html" "Bob Real"

# a bare repository, a linked worktree and a shallow clone
git clone -q --bare "$repo" "$TMPDIR/news.git"
"$GAZETTE" build --source "$TMPDIR/news.git" --out "$TMPDIR/bare" -q
assert_file "$TMPDIR/bare/stories/b/index.html"
assert_contains "$TMPDIR/bare/stories/c/index.html" 新故事
# its cache is in $XDG_CACHE_HOME (tests/run.sh sets it), never in the repository
ls "$XDG_CACHE_HOME"/gazette/outputs-*.txt >/dev/null 2>&1 ||
	fail "no build record in \$XDG_CACHE_HOME/gazette after a bare build"
[ ! -e "$TMPDIR/news.git/.gazette" ] || fail "a bare build wrote into the repository"
status=0
"$GAZETTE" build --source "$TMPDIR/news.git" -q 2>"$TMPDIR/err" || status=$?
[ "$status" -eq 1 ] || fail "a bare repository without --out should fail"
"$GAZETTE" build --source "$TMPDIR/news.git" --rev v1 --out "$TMPDIR/bare-v1" -q
diff -r "$TMPDIR/v1" "$TMPDIR/bare-v1" >/dev/null || fail "bare v1 differs from v1"

git -C "$repo" worktree add -q "$TMPDIR/wt-linked" v1
"$GAZETTE" build --source "$TMPDIR/wt-linked" --out "$TMPDIR/linked" -q
assert_contains "$TMPDIR/linked/stories/a/index.html" 第二版正文
git -C "$repo" worktree remove "$TMPDIR/wt-linked"

git clone -q --depth 1 "file://$repo" "$TMPDIR/shallow"
"$GAZETTE" build --source "$TMPDIR/shallow" --out "$TMPDIR/sh" 2>"$TMPDIR/err"
assert_contains "$TMPDIR/err" "shallow clone"
[ "$(grep -c shallow "$TMPDIR/err")" -eq 1 ] || fail "the shallow warning should appear once"
assert_file "$TMPDIR/sh/stories/b/index.html"

# nothing in the repository was written (only the .gazette cache beside it,
# which ignores itself)
changed=$(find "$repo/.git" "$repo/content" "$repo/site.yml" -newer "$TMPDIR/marker" \
	-type f ! -path "$repo/.git/worktrees*" ! -name index ! -path "$repo/.git/logs*" -print | grep -v '^$' || true)
[ -z "$changed" ] || fail "repository files changed: $changed"
[ -z "$(git -C "$repo" status --porcelain --untracked-files=all | grep -v 'content/stories/c.md' || true)" ] ||
	fail "git status shows changes: $(git -C "$repo" status --porcelain)"
echo ok
