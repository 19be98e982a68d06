#!/bin/sh
# Run every test: the unit-test binary, then each end-to-end script.
#
#   tests/run.sh UNIT_BINARY GAZETTE_BINARY
#
# Each tests/e2e/*.sh is run with GAZETTE (absolute path of the binary),
# ROOT (the project) and TMPDIR (a fresh folder) set; exit 0 is a pass,
# 77 a skip. GAZETTE_NO_BROWSER=1 skips the headless-Chromium tests (they
# exit 77). The last line is "N passed, N failed, N skipped".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UNIT=$1
GAZETTE=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
export ROOT GAZETTE
pass=0 fail=0 skip=0 failed=""

echo "== unit tests"
if "$UNIT"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed unit"; fi

for t in "$ROOT"/tests/e2e/*.sh; do
	name=$(basename "$t" .sh)
	if [ -n "${ONLY:-}" ] && [ "$name" != "$ONLY" ]; then continue; fi
	TMPDIR=$(mktemp -d "${TMP:-/tmp}/gazette-test.XXXXXX")
	# a bare repository's build cache goes here, not into the user's ~/.cache
	XDG_CACHE_HOME=$TMPDIR/.xdg-cache
	export TMPDIR XDG_CACHE_HOME
	printf '== %s\n' "$name"
	if sh "$t" >"$TMPDIR/.log" 2>&1; then
		rc=0
	else
		rc=$?
	fi
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok   $name"
		rm -rf "$TMPDIR"
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1))
		echo "skip $name: $(tail -n 1 "$TMPDIR/.log")"
		rm -rf "$TMPDIR"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name (exit $rc); log follows"
		sed 's/^/    /' "$TMPDIR/.log" | tail -n 60
	fi
done

echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
