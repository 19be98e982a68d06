#!/bin/sh
# The repository can never be written, and nothing from outside it is
# published: --out inside a folder the site reads is refused (also through
# ".." or a symbolic link), public/ and other free folders are not; a
# content/, theme, hooks/, data/ or static file that is a symbolic link out
# of the site is an error (a linked content/ once built an empty site and
# unpublished every page); --rev takes its theme from the revision, never
# the working tree; a build that would remove more than half of the
# published pages needs --allow-shrink. Every build is timed: each must
# finish within 5 s.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
cp -R "$ROOT/tests/fixtures/golden-site" "$site"
sed -i 's/^theme: .*/theme: default/' "$site/site.yml"
mkdir -p "$site/hooks" "$site/data" "$site/archetypes" "$site/layouts" "$site/static"
printf 'places: []\n' >"$site/data/places.yml"
make_repo "$site"
photo=$(cd "$site/content" && find . -name '*.png' | head -n 1)
[ -n "$photo" ] || fail "the fixture has no photo"
before=$(tree_sums "$site/content")

# ---- the output folder ------------------------------------------------------

for out in content content/stories static static/x themes themes/default/x hooks data \
	archetypes layouts .git .git/objects .gazette "nope/../content" "./content/../static"; do
	timed_build 1 --source "$site" --out "$site/$out"
	case $out in
	.gazette) assert_contains "$err_log" "the output folder is inside .gazette/, gazette's cache" ;;
	*)
		top=$(printf '%s\n' "$out" | sed 's#^\./##; s#^nope/\.\./##; s#/.*##')
		[ "$out" = ./content/../static ] && top=static
		assert_contains "$err_log" "$site/$out: the output folder is inside $top/, which the site is built from"
		assert_contains "$err_log" "choose a folder the site does not read, such as public/"
		;;
	esac
done
# a symbolic link that leads into content/
ln -s "$site/content" "$TMPDIR/into-content"
timed_build 1 --source "$site" --out "$TMPDIR/into-content/new"
assert_contains "$err_log" "the output folder is inside content/"
rm "$TMPDIR/into-content"
# the source itself, and a folder holding it
timed_build 1 --source "$site" --out "$site"
assert_contains "$err_log" "the output folder would hold the source; choose another --out"
timed_build 1 --source "$site" --out "$TMPDIR"
assert_contains "$err_log" "the output folder would hold the source"
[ "$(tree_sums "$site/content")" = "$before" ] || fail "content/ changed"
[ -z "$(git -C "$site" status --porcelain)" ] || fail "the repository changed: $(git -C "$site" status --porcelain)"

# free folders inside the site, and one outside it
timed_build 0 --source "$site" --out "$site/public"
assert_file "$site/public/index.html"
timed_build 0 --source "$site" --out "$site/dist/www"
assert_file "$site/dist/www/index.html"
timed_build 0 --source "$site" --out "$TMPDIR/elsewhere"
[ "$(tree_sums "$site/content")" = "$before" ] || fail "content/ changed"

# a linked worktree: its git folder lives in the main repository's
git -C "$site" worktree add -q "$TMPDIR/wt" 2>/dev/null
timed_build 1 --source "$TMPDIR/wt" --out "$site/.git/worktrees/wt/out"
assert_contains "$err_log" "the output folder would write into the git repository"
git -C "$site" worktree remove --force "$TMPDIR/wt"

# ---- symbolic links out of the site ------------------------------------------

mkdir -p "$TMPDIR/outside"
rm -rf "$site/public" "$site/dist"
# content/ that is a link out of the site: an error, nothing unpublished
mv "$site/content" "$TMPDIR/outside/content"
ln -s "$TMPDIR/outside/content" "$site/content"
timed_build 1 --source "$site" --out "$TMPDIR/elsewhere"
assert_contains "$err_log" "content: a symbolic link to '$TMPDIR/outside/content', outside the site; gazette reads only what is inside the site folder"
assert_file "$TMPDIR/elsewhere/index.html"
[ -n "$(find "$TMPDIR/elsewhere/stories" -name index.html | head -n 1)" ] || fail "pages were unpublished"
# a link that stays inside the site is followed
rm "$site/content"
mv "$TMPDIR/outside/content" "$site/src-content"
ln -s src-content "$site/content"
timed_build 0 --source "$site" --out "$TMPDIR/elsewhere"
rm "$site/content"
mv "$site/src-content" "$site/content"

# a link to nowhere
ln -s "$TMPDIR/no-such-folder" "$site/hooks-gone"
rmdir "$site/hooks"
mv "$site/hooks-gone" "$site/hooks"
timed_build 1 --source "$site" --out "$TMPDIR/elsewhere"
assert_contains "$err_log" "hooks: a symbolic link to '$TMPDIR/no-such-folder', which does not exist"
rm "$site/hooks"
mkdir "$site/hooks"

# the theme, a folder of static files, data/, a file in static/ and in hooks/
cp -R "$ROOT/themes/default" "$TMPDIR/outside/theme"
mkdir -p "$site/themes"
ln -s "$TMPDIR/outside/theme" "$site/themes/default"
timed_build 1 --source "$site" --out "$TMPDIR/elsewhere"
assert_contains "$err_log" "themes/default: a symbolic link to '$TMPDIR/outside/theme', outside the site"
rm "$site/themes/default"
echo 'secret bytes' >"$TMPDIR/outside/secret.txt"
ln -s "$TMPDIR/outside/secret.txt" "$site/static/secret.txt"
printf 'return {}\n' >"$TMPDIR/outside/evil.lua"
ln -s "$TMPDIR/outside/evil.lua" "$site/hooks/evil.lua"
mv "$site/data" "$TMPDIR/outside/data"
ln -s "$TMPDIR/outside/data" "$site/data"
timed_build 1 --source "$site" --out "$TMPDIR/linked"
assert_contains "$err_log" "static/secret.txt: a symbolic link to '$TMPDIR/outside/secret.txt', outside the site"
assert_contains "$err_log" "hooks/evil.lua: a symbolic link to '$TMPDIR/outside/evil.lua', outside the site"
assert_contains "$err_log" "data: a symbolic link to '$TMPDIR/outside/data', outside the site"
assert_no_file "$TMPDIR/linked"
# gazette check reports them as the build does
set +e
"$GAZETTE" check --source "$site" >"$TMPDIR/check.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "gazette check exited $rc (want 1)"
assert_contains "$TMPDIR/check.out" "static/secret.txt: error: a symbolic link to '$TMPDIR/outside/secret.txt', outside the site"
rm "$site/static/secret.txt" "$site/hooks/evil.lua" "$site/data"
mv "$TMPDIR/outside/data" "$site/data"
# a story linked from outside is skipped with a warning, as before
ln -s "$TMPDIR/outside/secret.txt" "$site/content/stories/outside.md"
timed_build 0 --source "$site" --out "$TMPDIR/elsewhere"
assert_contains "$err_log" "content/stories/outside.md: warning: a symbolic link to '$TMPDIR/outside/secret.txt', outside the site; skipped"
! grep -rqF 'secret bytes' "$TMPDIR/elsewhere" || fail "bytes from outside the site were published"
rm "$site/content/stories/outside.md"

# ---- --rev: the theme from the revision ---------------------------------------

cp -R "$ROOT/themes/default" "$site/themes/mine"
sed -i 's/^theme: .*/theme: mine/' "$site/site.yml"
git -C "$site" add site.yml
git -C "$site" commit -qm 'theme: mine (not committed)'
timed_build 0 --source "$site" --out "$TMPDIR/worktree"
timed_build 1 --source "$site" --rev HEAD --out "$TMPDIR/rev"
assert_contains "$err_log" "theme 'mine' not found (looked in the revision's themes/mine and beside gazette)"
# committed, with a working-tree change that a --rev build must not see
git -C "$site" add themes/mine
git -C "$site" commit -qm 'the theme'
printf '<!-- WORKING TREE ONLY -->\n' >>"$site/themes/mine/layouts/base.html"
timed_build 0 --source "$site" --rev HEAD --out "$TMPDIR/rev"
! grep -rqF 'WORKING TREE ONLY' "$TMPDIR/rev" || fail "--rev published the working tree's theme"
timed_build 0 --source "$site" --out "$TMPDIR/worktree"
grep -rqF 'WORKING TREE ONLY' "$TMPDIR/worktree" || fail "the working tree's theme was not used"
git -C "$site" checkout -q -- themes

# ---- a build that would unpublish most of the site ----------------------------

out=$TMPDIR/shrink
timed_build 0 --source "$site" --out "$out"
pages=$(find "$out" -name '*.html' | wc -l)
# every story and policy goes: what stays is the site's own pages (home,
# 404, search, the site map, 订阅 …), far fewer than half
git -C "$site" rm -rq content/stories content/policies
git -C "$site" commit -qm 'no stories, no policies'
timed_build 1 --source "$site" --out "$out"
assert_contains "$err_log" "$out: this build would remove"
assert_contains "$err_log" "more than half, because their content files are gone or no longer published"
assert_contains "$err_log" "build with --allow-shrink if the pages should go"
[ "$(find "$out" -name '*.html' | wc -l)" -eq "$pages" ] || fail "a refused build removed pages"
timed_build 0 --source "$site" --out "$out" --allow-shrink
[ "$(find "$out" -name '*.html' | wc -l)" -lt "$pages" ] || fail "--allow-shrink removed nothing"
echo "guard: ok"
