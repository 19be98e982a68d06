#!/bin/sh
# The search page on a generated corpus with photos, in headless Chromium:
# the recall test through the browser (tests/search/recall.py with the
# site's URL), and tests/browser/search-paging.js: a query with more than
# 20 hits shows them all after paging, facet counts equal the results they
# leave, the first result is on a phone's first screen, results come within
# 300 ms of the last key.
#
# Skipped (77) with GAZETTE_NO_BROWSER=1 or without chromium/node.
set -eu
. "$ROOT/tests/e2e/lib.sh"

need_browser
command -v python3 >/dev/null || skip "python3 is not installed"

corpus=$TMPDIR/corpus
python3 "$ROOT/scripts/gencorpus.py" --stories 300 --policies 10 --seed 3 "$corpus" >/dev/null
python3 "$ROOT/tests/search/addphotos.py" "$corpus" "$ROOT/content/photos/2019/muling-greenhouses.jpg"
out=$TMPDIR/out
build_ok --source "$corpus" --out "$out"
serve_static "$out"
base=http://127.0.0.1:$port
export CHROMIUM="$chromium"

GAZETTE= python3 "$ROOT/tests/search/recall.py" "$corpus" "$base" 50 7 >"$TMPDIR/recall.out" ||
	{ grep -v '^ok' "$TMPDIR/recall.out"; fail "recall test in Chromium"; }
tail -n 1 "$TMPDIR/recall.out"

q=养蜂
printf '%s\n' "$q" | node "$ROOT/tests/search/query.js" "$out" >"$TMPDIR/want.json"
node "$browser_dir/search-paging.js" "$base" "$q" "$TMPDIR/want.json" ||
	fail "search page checks on the corpus failed (see PROBLEM lines above)"
echo "search_corpus_browser: ok"
