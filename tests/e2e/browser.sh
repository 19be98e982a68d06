#!/bin/sh
# The sample site in headless Chromium (tests/browser/shots.js): home, a
# story, a term page and the pages named below, at 1280x900 and 375x812,
# load without errors, are zh-CN, have one <main> and one <h1>, every image
# has alt text and loads, nothing scrolls sideways on a phone, and the
# article is set in Noto Serif CJK SC with a line height of 1.7–2.0. No
# image is shown from a smaller file of its srcset than its box needs, all
# text has WCAG AA contrast in the light and the dark scheme, no title
# leaves one or two characters alone on its last line, no pager button or
# TV episode fact wraps, on a phone the term labels and the photo archive's
# links are at least 24px tall, the home page's 头条 and 最新发布 share no
# story, and the feed addresses on /subscribe/ are links that break only
# after a / or a . Screenshots go to $SHOTS_DIR.
#
# Skipped (77) with GAZETTE_NO_BROWSER=1 or without chromium/node.
set -eu
. "$ROOT/tests/e2e/lib.sh"

need_browser
dir=$browser_dir

out=$TMPDIR/public
build_ok --source "$ROOT" --out "$out"

# a story with pictures and a term page, taken from the build
story=$(cd "$out" && grep -l '<img' stories/[0-9]*/*/index.html | LC_ALL=C sort | head -n 1)
term=$(cd "$out" && ls -d township/*/ | LC_ALL=C sort | head -n 1)
[ -n "$story" ] && [ -n "$term" ] || fail "no story with images or no township term in the sample"
story=/${story%index.html}
term=/$term

# pages the checks below have found wrong: a story whose one gallery photo
# fills the column, a policy with a wide table and a cover, a leaflet, the
# story list and its second page, a TV column episode, the photo archive,
# the subscribe page
for p in stories/2020/courtyard-economy policies/industry-projects leaflets/medical-insurance stories stories/page/2 \
	stories/2019/tv-column-typical-cases photos subscribe; do
	[ -f "$out/$p/index.html" ] || fail "the sample has no /$p/"
done

serve_static "$out"

SHOTS_DIR=${SHOTS_DIR:-$TMPDIR}
mkdir -p "$SHOTS_DIR"
export SHOTS_DIR CHROMIUM="$chromium"
node "$dir/shots.js" "http://127.0.0.1:$port" "home=/" "story=$story" "term=$term" \
	gallery=/stories/2020/courtyard-economy/ policy=/policies/industry-projects/ \
	leaflet=/leaflets/medical-insurance/ stories=/stories/ \
	stories2=/stories/page/2/ tv=/stories/2019/tv-column-typical-cases/ \
	photos=/photos/ subscribe=/subscribe/ ||
	fail "browser checks failed (see PROBLEM lines above)"
echo "browser: ok"
