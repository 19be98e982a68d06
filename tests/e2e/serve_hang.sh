#!/bin/sh
# gazette serve recovers from a runaway hook: saving a hook that loops
# forever stops that build within seconds with the hook's file and line on
# the event stream (the page overlay shows it), the last good pages stay
# served, deleting the hook brings the next rebuild, and Ctrl-C (SIGINT)
# then stops the server within a second.
set -eu
. "$ROOT/tests/e2e/lib.sh"

command -v curl >/dev/null || skip "curl is not installed"

site=$TMPDIR/site
cp -R "$ROOT/tests/fixtures/golden-site" "$site"
sed -i 's/^theme: .*/theme: default/; s#^base_url: .*#base_url: https://golden.example/#' "$site/site.yml"
make_repo "$site"

serve_gazette "$site"
base=http://127.0.0.1:$port
curl -s -N --max-time 60 "$base/__gazette/events?gen=1" >"$TMPDIR/sse.out" 2>/dev/null &
sse=$!
trap 'kill "$server" "$sse" 2>/dev/null || true' EXIT INT TERM
sleep 0.3

# wait_for PATTERN SECONDS: until the event stream has PATTERN
wait_for() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		grep -q "$1" "$TMPDIR/sse.out" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	cat "$TMPDIR/sse.out" >&2
	fail "no '$1' on the event stream within $2 s"
}

# a hook that never ends, in a filter and in pcall
write "$site/hooks/hang.lua" <<'EOF2'
return {
  paragraph = function(p)
    while true do pcall(function() while true do end end) end
  end,
}
EOF2
t0=$(date +%s%N)
wait_for '^event: errors' 20
t1=$(date +%s%N)
echo "a runaway hook stopped and reported in $(((t1 - t0) / 1000000)) ms"
grep -q 'hooks/hang.lua:3: ' "$TMPDIR/sse.out" || { cat "$TMPDIR/sse.out"; fail "the error does not name hooks/hang.lua:3"; }
grep -q 'stopped' "$TMPDIR/sse.out" || fail "the error does not say the hook was stopped"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/stories/2019/spring/")" = 200 ] ||
	fail "the last good page is not served while the hook fails"

# the hook removed: the next build succeeds and the browser is told to reload
n_reload=$(grep -c '^event: reload' "$TMPDIR/sse.out" || true)
rm "$site/hooks/hang.lua"
i=0
while [ $i -lt 200 ]; do
	[ "$(grep -c '^event: reload' "$TMPDIR/sse.out" || true)" -gt "$n_reload" ] && break
	sleep 0.1
	i=$((i + 1))
done
[ "$(grep -c '^event: reload' "$TMPDIR/sse.out" || true)" -gt "$n_reload" ] ||
	{ cat "$TMPDIR/sse.out"; fail "no rebuild after the hook was removed"; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/stories/2019/spring/")" = 200 ] || fail "page after the rebuild"

# Ctrl-C: gone within a second
kill "$sse" 2>/dev/null || true
t0=$(date +%s%N)
kill -INT "$server"
i=0
while kill -0 "$server" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.02
	i=$((i + 1))
done
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
kill -0 "$server" 2>/dev/null && fail "the server is still running 1 s after SIGINT"
echo "SIGINT: stopped in $ms ms"
[ "$ms" -le 1000 ] || fail "SIGINT took $ms ms"
trap - EXIT INT TERM
echo "serve_hang: ok"
