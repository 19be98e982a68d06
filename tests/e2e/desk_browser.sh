#!/bin/sh
# The editing desk in headless Chromium (tests/browser/desk.js): an editor
# and a reviewer made with `gazette desk user add`; the editor writes a
# story (its title broken with Enter, for print) with a photo, caption and
# credit, sees the check's warning beside its line, fixes it and submits;
# the reviewer sees the page and the diff and approves. Then the story is
# on the built site, its title read whole, and in git log with the editor
# as its author. Every screen is used at 390x844 px.
#
# Skipped (77) with GAZETTE_NO_BROWSER=1 or without chromium/node.
# DESK_SHOTS=DIR keeps a 1280x800 screenshot of each screen (make
# screenshots); PHONE_SHOTS=DIR the 390x844 ones.
set -eu
. "$ROOT/tests/e2e/lib.sh"

need_browser
dir=$browser_dir

site=$TMPDIR/site
mkdir -p "$site"
cp -R "$ROOT/site.yml" "$ROOT/content" "$ROOT/data" "$site/"
make_repo "$site"
git -C "$site" branch -m main

echo 'alice-pass-1' | "$GAZETTE" desk user add alice --role editor --email alice@county.example \
	--source "$site" >/dev/null || fail "user add alice"
echo 'bob-pass-1' | "$GAZETTE" desk user add bob --role reviewer --email bob@county.example \
	--source "$site" >/dev/null || fail "user add bob"

start_server "$TMPDIR/desk.log" 's#.*http://127\.0\.0\.1:\([0-9][0-9]*\)/desk/.*#\1#p' \
	"gazette desk" env -u LANGUAGE LC_ALL=C "$GAZETTE" desk --source "$site" --port 0

CHROMIUM=$chromium node "$dir/desk.js" "http://127.0.0.1:$port" \
	"$ROOT/content/stories/2020/meng-qinglong-bees/honey.jpg" || {
	tail -n 20 "$TMPDIR/desk.log"
	# the reviewer's preview as the desk left it
	ls "$site/.gazette/desk" "$site/.gazette/desk/preview-bob/stories/2020" 2>&1 | head -n 20
	fail "desk checks failed (see PROBLEM lines above)"
}

page=content/stories/2020/spring-tea/index.md
html=$site/public/stories/2020/spring-tea/index.html
# the title as the editor broke it with Enter, for print; read whole on
# the page and in every commit's subject
git -C "$site" show "main:$page" | grep -qxF 'title: "春茶\n开采"' ||
	{ git -C "$site" show "main:$page"; fail "the title's line break is not saved"; }
git -C "$site" show "main:$page" | grep -q "$(printf '\r')" && fail "a carriage return in the saved page"
h1=$(tr -d '\n' <"$html" | sed -n 's/.*<h1 class="article-title">\(.*\)<\/h1>.*/\1/p' | sed 's/<[^>]*>//g')
[ "$h1" = 春茶开采 ] || fail "the published page's h1 reads '$h1'"
git -C "$site" log --format=%s main -- "$page" | grep -v '^春茶开采：' &&
	fail "a commit's subject does not read the title whole"
assert_contains "$html" '第一段，茶农上山采茶。'
assert_contains "$html" '茶农在山坡上采摘春茶'
assert_contains "$html" '本站摄影'
git -C "$site" show "main:$page" | grep -q '^status: published$' || fail "the story is not published on main"
git -C "$site" cat-file -e main:content/stories/2020/spring-tea/honey.jpg || fail "the photo is not on main"
[ "$(git -C "$site" log --format='%an <%ae>' --reverse main -- "$page" | head -n 1)" = \
	'alice <alice@county.example>' ] || fail "the story's first commit is not alice's"
git -C "$site" log --format='%an %s' main -- "$page" | grep -q '^bob .*：审核通过$' ||
	fail "the approval is not bob's commit"
echo "desk_browser: ok"
