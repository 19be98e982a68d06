#!/bin/sh
# Every story and policy page of the sample site in headless Chromium
# (tests/browser/prose.js) at 1280x900 and 375x812: no rendered line of the
# article starts with 。，、；：？！, every image of the article body is in a
# <figure> with a caption, and every table fits its box.
#
# Skipped (77) with GAZETTE_NO_BROWSER=1 or without chromium/node.
set -eu
. "$ROOT/tests/e2e/lib.sh"

need_browser
dir=$browser_dir

out=$TMPDIR/public
build_ok --source "$ROOT" --out "$out"

# stories live under their year; stories/page/2/ is the section's pager
pages=$(cd "$out" && ls stories/[0-9]*/*/index.html policies/*/index.html | LC_ALL=C sort |
	sed 's#^#/#; s#index\.html$##')
[ -n "$pages" ] || fail "no story or policy pages in the sample"

serve_static "$out"

# shellcheck disable=SC2086 # one argument a page; the paths have no spaces
CHROMIUM="$chromium" node "$dir/prose.js" "http://127.0.0.1:$port" $pages ||
	fail "prose checks failed (see PROBLEM lines above)"
echo "prose_browser: ok"
