# Helpers for the end-to-end tests; source with  . "$ROOT/tests/e2e/lib.sh"
#
# The runner (tests/run.sh) sets GAZETTE (absolute path of the binary),
# ROOT (the project) and TMPDIR (a fresh folder that is removed on success).
# Every helper fails the test with a message on stderr.

: "${GAZETTE:?GAZETTE is not set; run through tests/run.sh}"
: "${ROOT:?ROOT is not set; run through tests/run.sh}"
: "${TMPDIR:?TMPDIR is not set; run through tests/run.sh}"

# Never let the caller's git configuration or templates change the repos.
GIT_CONFIG_NOSYSTEM=1
GIT_CONFIG_GLOBAL=/dev/null
GIT_AUTHOR_DATE='2020-01-01T00:00:00+08:00'
GIT_COMMITTER_DATE='2020-01-01T00:00:00+08:00'
export GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL GIT_AUTHOR_DATE GIT_COMMITTER_DATE
LC_ALL=C.UTF-8
export LC_ALL
# messages in English, whatever language the person running the tests reads
# (tests/e2e/i18n.sh asks for Chinese itself)
unset LANGUAGE

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

skip() {
	printf 'skip: %s\n' "$*"
	exit 77
}

assert_file() {
	[ -f "$1" ] || fail "expected file $1"
}

assert_no_file() {
	[ ! -e "$1" ] || fail "expected no $1"
}

# assert_contains FILE TEXT: TEXT (a fixed string) occurs in FILE.
assert_contains() {
	[ -f "$1" ] || fail "expected file $1 (looking for '$2')"
	grep -qF -- "$2" "$1" || {
		printf '%s\n' "--- $1 (first 40 lines):" >&2
		head -n 40 "$1" >&2
		fail "$1 does not contain '$2'"
	}
}

assert_not_contains() {
	[ -f "$1" ] || fail "expected file $1"
	if grep -qF -- "$2" "$1"; then
		grep -nF -- "$2" "$1" | head -n 5 >&2
		fail "$1 contains '$2'"
	fi
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

# make_repo DIR: DIR becomes a git repository with everything in it committed.
make_repo() {
	(
		cd "$1" &&
			git init -q &&
			git config user.name 'gazette tests' &&
			git config user.email 'tests@gazette.invalid' &&
			git config commit.gpgsign false &&
			git add -A &&
			git commit -qm 'test fixture'
	) || fail "cannot make a git repository in $1"
}

# tree_sums DIR: one "checksum  path" line per file, sorted; to compare trees.
tree_sums() {
	(cd "$1" && find . -type f -exec sha256sum {} + | LC_ALL=C sort -k 2)
}

# write FILE: stdin into FILE, making its folder.
write() {
	mkdir -p "$(dirname "$1")"
	cat >"$1"
}

# build ARGS...: runs gazette build with stdout in $out_log and stderr in
# $err_log; sets $rc.
out_log=$TMPDIR/build.stdout
err_log=$TMPDIR/build.stderr
build() {
	set +e
	"$GAZETTE" build "$@" >"$out_log" 2>"$err_log"
	rc=$?
	set -e
	# killed by a signal (a crash, or a sanitizer's abort): what it said
	# goes into the test's log, whatever the test expected
	if [ "$rc" -ge 128 ]; then
		echo "gazette build $* was killed (exit $rc); its last words:" >&2
		tail -n 25 "$err_log" | sed 's/^/    /' >&2
	fi
}

# build_ok ARGS...: the build must succeed.
build_ok() {
	build "$@"
	if [ "$rc" -ne 0 ]; then
		cat "$err_log" >&2
		fail "gazette build $* exited $rc"
	fi
}

# timed_build WANT_RC ARGS…: build, check the exit status, and that it took
# under 5 s (the bad-input suite's bound; what it guards against took
# minutes). Under AddressSanitizer (make test-asan sets ASAN_OPTIONS) the
# same work takes two to three times as long: the bound is 15 s there.
timed_build() {
	want=$1
	shift
	bound=5000
	[ -z "${ASAN_OPTIONS:-}" ] || bound=15000
	t0=$(date +%s%N)
	build "$@"
	ms=$((($(date +%s%N) - t0) / 1000000))
	printf '%5d ms  exit %d  build %s\n' "$ms" "$rc" "$*"
	[ "$rc" -eq "$want" ] || { cat "$err_log"; fail "build $* exited $rc (want $want)"; }
	[ "$ms" -lt "$bound" ] || fail "build $* took $ms ms (over $((bound / 1000)) s)"
}

# minimal_site DIR: a site.yml and nothing else (the default theme is found
# beside the binary, or through GAZETTE_THEMES).
minimal_site() {
	write "$1/site.yml" <<'EOF'
title: 测试站
base_url: https://example.org/
paginate: 10
EOF
}

# need_browser: skip (77) without GAZETTE_NO_BROWSER unset, chromium and
# node; install playwright-core into tests/browser once. Sets chromium and
# browser_dir.
need_browser() {
	[ "${GAZETTE_NO_BROWSER:-}" != 1 ] || skip "GAZETTE_NO_BROWSER=1"
	chromium=${CHROMIUM:-/usr/bin/chromium}
	[ -x "$chromium" ] || skip "no chromium at $chromium"
	command -v node >/dev/null || skip "node is not installed"
	browser_dir=$ROOT/tests/browser
	if [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
		command -v npm >/dev/null || skip "npm is not installed (needed once for playwright-core)"
		npm ci --prefix "$browser_dir" --no-audit --no-fund >"$TMPDIR/npm.log" 2>&1 || {
			cat "$TMPDIR/npm.log"
			fail "npm ci --prefix tests/browser failed"
		}
	fi
}

# start_server LOG SED-EXPR WHAT CMD…: run CMD in the background with its
# output in LOG, stop it when the test exits, and wait until LOG says the
# port (SED-EXPR prints it); sets server and port.
start_server() {
	log=$1 expr=$2 what=$3
	shift 3
	"$@" >"$log" 2>&1 &
	server=$!
	trap 'kill "$server" 2>/dev/null || true' EXIT INT TERM
	port=""
	i=0
	while [ $i -lt 100 ]; do
		port=$(sed -n "$expr" "$log" | head -n 1)
		[ -n "$port" ] && break
		kill -0 "$server" 2>/dev/null || { cat "$log"; fail "$what did not start"; }
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$port" ] || { cat "$log"; fail "$what did not say its port"; }
}

# serve_static DIR: serve DIR on 127.0.0.1 on a free port (the server picks
# one and says which); sets port, and stops the server when the test exits.
serve_static() {
	command -v python3 >/dev/null || skip "python3 is not installed"
	start_server "$TMPDIR/http.log" 's/.* port \([0-9][0-9]*\).*/\1/p' "the web server" \
		python3 -u -m http.server --bind 127.0.0.1 -d "$1" 0
}

# serve_gazette SITE: `gazette serve` SITE on a free port, its output in
# $TMPDIR/serve.log; sets server and port.
serve_gazette() {
	start_server "$TMPDIR/serve.log" 's#.*serving http://127\.0\.0\.1:\([0-9][0-9]*\)/.*#\1#p' \
		"gazette serve" "$GAZETTE" serve --source "$1" --port 0
}

GAZETTE_THEMES="$ROOT/themes"
export GAZETTE_THEMES

# Run as a script (tests/run.sh runs every tests/e2e/*.sh), this file checks
# its own helpers: that a failing assertion fails and make_repo is clean.
if [ "${0##*/}" = lib.sh ]; then
	set -eu
	d=$TMPDIR/lib-self-test
	mkdir -p "$d/repo"
	printf 'hello\n' >"$d/repo/a.txt"
	make_repo "$d/repo"
	[ -z "$(git -C "$d/repo" status --porcelain)" ] || fail "make_repo left changes"
	[ "$(git -C "$d/repo" log --format=%an)" = 'gazette tests' ] || fail "make_repo author"
	assert_contains "$d/repo/a.txt" hello
	(assert_contains "$d/repo/a.txt" absent) 2>/dev/null && fail "assert_contains passed on absent text"
	(assert_not_contains "$d/repo/a.txt" hello) 2>/dev/null && fail "assert_not_contains passed on present text"
	(assert_file "$d/nope") 2>/dev/null && fail "assert_file passed on a missing file"
	[ "$(tree_sums "$d/repo" | grep -c ' ./a.txt$')" = 1 ] || fail "tree_sums"
	build --version
	[ "$rc" = 2 ] || fail "gazette build --version should be a usage error (2), got $rc"
	build --jobs 0 --source "$d/repo"
	[ "$rc" = 2 ] || fail "gazette build --jobs 0 should be a usage error (2), got $rc"
	echo "lib: helpers ok"
fi

# For repositories with a history: commit MESSAGE [git options…] commits one
# hour after the previous one (counted in $n); long_story FILE TITLE writes
# a story with a body long enough for git's rename detection.
n=0
commit() {
	n=$((n + 1))
	msg=$1
	shift
	d=$(printf '2019-03-%02dT%02d:00:00+08:00' $((1 + n / 24)) $((n % 24)))
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git "$@" commit -qm "$msg"
}
long_story() {
	printf -- '---\ntitle: %s\ndate: 2019-01-01\n---\n' "$2" >"$1"
	for i in 1 2 3 4 5 6 7 8; do
		printf '%s 的第 %d 段正文，讲述穆棱镇的事情。\n\n' "$2" "$i" >>"$1"
	done
}
