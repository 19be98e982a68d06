#!/bin/sh
# The search page in headless Chromium (tests/browser/search.js): a Chinese
# query typed into /search/ finds the expected sample stories with the match
# in <mark>, a township filter narrows them, ?q= in the address works, and
# there are no console errors or failed requests.
#
# Skipped (77) with GAZETTE_NO_BROWSER=1 or without chromium/node.
set -eu
. "$ROOT/tests/e2e/lib.sh"

[ "${GAZETTE_NO_BROWSER:-}" != 1 ] || skip "GAZETTE_NO_BROWSER=1"
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no chromium at $chromium"
command -v node >/dev/null || skip "node is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

dir=$ROOT/tests/browser
if [ ! -d "$dir/node_modules/playwright-core" ]; then
	command -v npm >/dev/null || skip "npm is not installed (needed once for playwright-core)"
	npm ci --prefix "$dir" --no-audit --no-fund >"$TMPDIR/npm.log" 2>&1 || {
		cat "$TMPDIR/npm.log"
		fail "npm ci --prefix tests/browser failed"
	}
fi

out=$TMPDIR/public
build_ok --source "$ROOT" --out "$out"

# serve it on a free port (port 0: the server picks one and says which)
python3 -u -m http.server --bind 127.0.0.1 -d "$out" 0 >"$TMPDIR/http.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT INT TERM
port=""
i=0
while [ $i -lt 50 ]; do
	port=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$TMPDIR/http.log" | head -n 1)
	[ -n "$port" ] && break
	kill -0 "$server" 2>/dev/null || { cat "$TMPDIR/http.log"; fail "the web server did not start"; }
	sleep 0.1
	i=$((i + 1))
done
[ -n "$port" ] || fail "the web server did not say its port"

CHROMIUM="$chromium" node "$dir/search.js" "http://127.0.0.1:$port" ||
	fail "search page checks failed (see PROBLEM lines above)"
echo "search_browser: ok"
