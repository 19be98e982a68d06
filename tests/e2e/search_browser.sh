#!/bin/sh
# The search page in headless Chromium (tests/browser/search.js): a Chinese
# query typed into /search/ finds the expected sample stories as it is typed,
# with the match in <mark> in titles and snippets, section, Chinese date,
# place and thumbnail; a phrase only in a summary is found; each township
# option's count is the number of results it leaves; ?q= in the address
# works; a phrase in no page offers the looser match; and there are no
# console errors or failed requests.
#
# Skipped (77) with GAZETTE_NO_BROWSER=1 or without chromium/node.
set -eu
. "$ROOT/tests/e2e/lib.sh"

need_browser
dir=$browser_dir

out=$TMPDIR/public
build_ok --source "$ROOT" --out "$out"

serve_static "$out"

CHROMIUM="$chromium" node "$dir/search.js" "http://127.0.0.1:$port" ||
	fail "search page checks failed (see PROBLEM lines above)"
echo "search_browser: ok"
