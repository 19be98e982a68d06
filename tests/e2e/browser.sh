#!/bin/sh
# The sample site in headless Chromium (tests/browser/shots.js): home, a
# story and a term page at 1280x900 and 390x844 load without errors, are
# zh-CN, have one <main> and one <h1>, every image has alt text and loads,
# nothing scrolls sideways on a phone, and the article is set in Noto Serif
# CJK SC with a line height of 1.7–2.0. Screenshots go to $SHOTS_DIR.
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

# a story with pictures and a term page, taken from the build
story=$(cd "$out" && grep -l '<img' stories/[0-9]*/*/index.html | LC_ALL=C sort | head -n 1)
term=$(cd "$out" && ls -d township/*/ | LC_ALL=C sort | head -n 1)
[ -n "$story" ] && [ -n "$term" ] || fail "no story with images or no township term in the sample"
story=/${story%index.html}
term=/$term

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

SHOTS_DIR=${SHOTS_DIR:-$TMPDIR}
mkdir -p "$SHOTS_DIR"
export SHOTS_DIR CHROMIUM="$chromium"
node "$dir/shots.js" "http://127.0.0.1:$port" "home=/" "story=$story" "term=$term" ||
	fail "browser checks failed (see PROBLEM lines above)"
echo "browser: ok"
