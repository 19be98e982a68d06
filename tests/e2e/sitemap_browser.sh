#!/bin/sh
# Finding one's way in the sample site without search
# (tests/browser/sitemap.js): /photos/ within two clicks of the home page,
# the footer's 网站地图 an HTML page linking every section and taxonomy;
# sitemap.xml, for crawlers, lists /photos/ and is linked from robots.txt,
# not from pages; a story's related-stories grid fills every row at every
# width (tests/browser/related.js).
#
# Skipped (77) with GAZETTE_NO_BROWSER=1 or without chromium/node.
set -eu
. "$ROOT/tests/e2e/lib.sh"

need_browser

out=$TMPDIR/public
build_ok --source "$ROOT" --out "$out"
assert_file "$out/sitemap/index.html"
assert_contains "$out/sitemap.xml" '/photos/</loc>'
assert_contains "$out/sitemap.xml" '/sitemap/</loc>'
assert_contains "$out/robots.txt" 'sitemap.xml'
assert_not_contains "$out/index.html" 'sitemap.xml'

serve_static "$out"
CHROMIUM="$chromium" node "$browser_dir/sitemap.js" "http://127.0.0.1:$port" ||
	fail "site map checks failed (see PROBLEM lines above)"
story=$(cd "$out" && grep -l 'class="related' stories/[0-9]*/*/index.html | LC_ALL=C sort | head -n 1)
[ -n "$story" ] || fail "no story with related stories in the sample"
CHROMIUM="$chromium" node "$browser_dir/related.js" "http://127.0.0.1:$port" "/${story%index.html}" ||
	fail "related stories leave a row unfilled (see PROBLEM lines above)"
echo "sitemap_browser: ok"
