#!/bin/sh
# Crash safety: gazette build killed with SIGKILL at 20 moments, clean builds
# (no cache) and incremental ones alternately, a content edit before each.
# After each kill the output folder is, as a whole, the previous site or the
# new one: every file, and the list of files, the same as the whole previous
# tree or the whole new one (never a mixture, never a short or temporary
# file). The next build needs no cleaning up by hand, and its output is
# byte-identical to a clean build into a fresh folder. Then: the in-place
# fallback (file systems without RENAME_EXCHANGE, forced here with
# GAZETTE_NO_EXCHANGE=1) builds the same site with a warning; a read-only
# output folder and a full disk give a clear error, exit 1, the previous
# site intact.
#
# Half the kills come at a random moment within a build's length (most of a
# build is reading and rendering), half aimed at the publishing: 0 to 1.2
# times the write stage's length after the build saves its page record
# aside (.gazette/deps-*.txt.pending), just before it starts writing.
#
# CRASH_STORIES sets the corpus size (scripts/gencorpus.py --seed 5), 1,000
# by default: the test builds ~50 times, which takes a few minutes; at
# 10,000 stories it took 40 min on a busy 2-core machine, too long for CI
# (CRASH_STORIES=10000 CRASH_COMPARE_EVERY=10 ONLY=crash sh tests/run.sh
# build/release/unit-tests ./gazette). CRASH_KILLS sets the number of
# kills; under ASan (everything ~10x slower) 200 stories, 8 kills.
set -eu
. "$ROOT/tests/e2e/lib.sh"

if [ -n "${ASAN_OPTIONS:-}" ]; then
	stories=${CRASH_STORIES:-200} kills=${CRASH_KILLS:-8}
else
	stories=${CRASH_STORIES:-1000} kills=${CRASH_KILLS:-20}
fi
command -v python3 >/dev/null || skip "python3 is needed to make the corpus"

site=$TMPDIR/site
out=$TMPDIR/public
python3 "$ROOT/scripts/gencorpus.py" --stories "$stories" --policies 20 --seed 5 "$site" >/dev/null

# snap.py: checks on output folders, in Python for speed over ~4,000 files.
cat >"$TMPDIR/snap.py" <<'PY'
import hashlib, json, os, random, re, signal, sys, time
TMP = re.compile(r"\.gazette-tmp")
def snap(d):
    files = {}
    for root, dirs, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                files[os.path.relpath(p, d)] = hashlib.sha256(f.read()).hexdigest()
    return files
cmd = sys.argv[1]
if cmd == "snap":                      # snap DIR FILE: record DIR's files,
    files = snap(sys.argv[2])          # print how many are temp files, and
    json.dump(files, open(sys.argv[3], "w"))  # fail on a page cut short
    bad = 0
    for p in files:
        n = os.path.basename(p)
        if n.endswith(".html") and not TMP.search(n):
            f = os.path.join(sys.argv[2], p)
            with open(f, "rb") as h:
                h.seek(max(0, os.path.getsize(f) - 64))
                if b"</html>" not in h.read():
                    print("  not whole: " + p, file=sys.stderr)
                    bad += 1
    print(sum(1 for p in files if TMP.search(os.path.basename(p))))
    sys.exit(1 if bad else 0)
elif cmd == "killwrite":               # killwrite PID SEED CACHE MS: SIGKILL PID
    pid, r, d = int(sys.argv[2]), random.Random(int(sys.argv[3])), sys.argv[4]
    span = float(sys.argv[5]) / 1000.0 # 0 to MS ms after it saves its page
    def running():                     # record aside in CACHE
        try:
            return open("/proc/%d/stat" % pid).read().split(") ")[1][0] != "Z"
        except OSError:
            return False
    def pending():
        try:
            return any(n.startswith("deps-") and n.endswith(".pending") for n in os.listdir(d))
        except OSError:
            return False
    while running():
        if pending():
            delay = r.uniform(0, span)
            time.sleep(delay)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass                   # it finished first
            print("%.3f" % delay)
            break
        time.sleep(0.001)
    else:
        print("-")
elif cmd == "check":                   # check BEFORE AFTER NEW (json): after a kill,
    before, after, new = (json.load(open(f)) for f in sys.argv[2:5])
    if after == before:                # the whole old tree or the whole new one
        print("old")
        sys.exit(0)
    if after == new:
        print("new")
        sys.exit(0)
    old_n = sum(1 for p, h in after.items() if before.get(p) == h and new.get(p) != h)
    new_n = sum(1 for p, h in after.items() if new.get(p) == h and before.get(p) != h)
    bad = ["neither the old nor the new version: " + p for p, h in after.items()
           if before.get(p) != h and new.get(p) != h]
    bad += ["missing: " + p for p in before if p not in after and p in new]
    print("mixed (%d files of the old site, %d of the new)" % (old_n, new_n))
    for b in bad[:20]:
        print("  " + b, file=sys.stderr)
    sys.exit(1)
PY
snap() { python3 "$TMPDIR/snap.py" "$@"; }

now_ms() { date +%s%3N; }

# edit N: a deterministic content change to one story (the Nth, cycling)
edit() {
	f=$(find "$site/content/stories" -name '*.md' | LC_ALL=C sort | sed -n "$(($1 * 37 % stories + 1))p")
	printf '\n第%s次修改：补充的一段话，用来让增量构建有事可做。\n' "$1" >>"$f"
}

# write_ms: the write stage of the last build (GAZETTE_TIMING=1)
write_ms() { sed -n 's/^timing: write \([0-9]*\) ms$/\1/p' "$err_log"; }

# the first builds, timed: kills land within a build's length
export GAZETTE_TIMING=1
t0=$(now_ms)
build_ok --source "$site" --out "$out" --quiet
clean_ms=$(($(now_ms) - t0))
edit 0
rm -rf "$site/.gazette"
build_ok --source "$site" --out "$out" --quiet
clean_write_ms=$(write_ms)
edit 1000
t0=$(now_ms)
build_ok --source "$site" --out "$out" --quiet
incr_ms=$(($(now_ms) - t0))
incr_write_ms=$(write_ms)
unset GAZETTE_TIMING
echo "clean build ${clean_ms} ms (write stage ${clean_write_ms} ms into an existing site)," \
	"incremental ${incr_ms} ms (write ${incr_write_ms} ms); $stories stories"

problems=""
problem() {
	printf 'PROBLEM: %s\n' "$*" >&2
	problems="$problems
  - $*"
}
n_old=0 n_new=0 n_done=0
i=1
while [ "$i" -le "$kills" ]; do
	# every build has something new to write; odd ones start without the
	# cache (a clean build), even ones use it (incremental)
	edit "$i"
	if [ $((i % 2)) -eq 1 ]; then
		kind=clean
		rm -rf "$site/.gazette"
		span=$clean_ms wspan=$clean_write_ms
	else
		kind=incremental
		span=$incr_ms wspan=$incr_write_ms
	fi
	delay=$(python3 -c "import random; print('%.3f' % random.Random(5000 + $i).uniform(0.2 * $span / 1000.0, 1.1 * $span / 1000.0))")
	[ -f "$TMPDIR/new.json" ] || snap snap "$out" "$TMPDIR/new.json" >/dev/null
	mv "$TMPDIR/new.json" "$TMPDIR/before.json"

	t0=$(now_ms)
	"$GAZETTE" build --source "$site" --out "$out" --quiet >/dev/null 2>&1 &
	pid=$!
	if [ $((i % 4)) -lt 2 ]; then
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		delay="${delay}s"
	else
		delay="write+$(snap killwrite "$pid" "$i" "$site/.gazette" $((wspan * 12 / 10 + 5)))s"
	fi
	set +e
	wait "$pid"
	krc=$?
	set -e
	[ "$krc" = 137 ] || n_done=$((n_done + 1)) # it finished before the kill
	t=$(snap snap "$out" "$TMPDIR/after.json") || problem "kill $i ($kind, $delay): half-written pages"
	[ "$t" = 0 ] || problem "kill $i ($kind, $delay): $t temporary files in the output folder"

	# the next build gives the new site; then the kill's leftovers are judged
	build_ok --source "$site" --out "$out" --quiet
	[ "$(snap snap "$out" "$TMPDIR/new.json")" = 0 ] || problem "kill $i: temp files after the next build"
	if state=$(snap check "$TMPDIR/before.json" "$TMPDIR/after.json" "$TMPDIR/new.json"); then
		case $state in
		old) n_old=$((n_old + 1)) ;;
		new) n_new=$((n_new + 1)) ;;
		esac
	else
		problem "kill $i ($kind, $delay): the site after the kill is $state, not the old or the new one"
	fi
	echo "kill $i: $kind build, $delay, exit $krc, site after the kill: ${state:-?} ($(($(now_ms) - t0)) ms)"

	# the next build is right: the same bytes as a clean build into a fresh folder
	if [ "$i" -eq "$kills" ] || [ $((i % ${CRASH_COMPARE_EVERY:-4})) -eq 0 ]; then
		rm -rf "$TMPDIR/fresh"
		build_ok --source "$site" --out "$TMPDIR/fresh" --quiet
		diff -r "$out" "$TMPDIR/fresh" >"$TMPDIR/diff" 2>&1 || {
			head -n 20 "$TMPDIR/diff" >&2
			problem "kill $i: the next build differs from a clean build"
		}
	fi
	i=$((i + 1))
done
echo "after $kills kills: $n_old old sites, $n_new new, 0 mixed; $n_done builds finished first"
[ "$n_done" -lt "$kills" ] || problem "no kill landed during a build"
[ "$n_old" -gt 0 ] && [ "$n_new" -gt 0 ] || echo "note: the kills all left the same site; try other CRASH_KILLS"

# ---- the in-place fallback -----------------------------------------------------

# without RENAME_EXCHANGE files are replaced one at a time (a warning says
# so); the site is the same, and the next build with the swap is too
edit 9001
export GAZETTE_NO_EXCHANGE=1
build_ok --source "$site" --out "$out" --quiet
unset GAZETTE_NO_EXCHANGE
grep -q 'files are replaced one at a time' "$err_log" || problem "in place: no warning"
rm -rf "$TMPDIR/fresh"
build_ok --source "$site" --out "$TMPDIR/fresh" --quiet
diff -r "$out" "$TMPDIR/fresh" >/dev/null || problem "in place: the site differs from a clean build"
edit 9002
build_ok --source "$site" --out "$out" --quiet
! grep -q 'one at a time' "$err_log" || problem "the swap is not used again after GAZETTE_NO_EXCHANGE"
rm -rf "$TMPDIR/fresh"
build_ok --source "$site" --out "$TMPDIR/fresh" --quiet
diff -r "$out" "$TMPDIR/fresh" >/dev/null || problem "after in place: the site differs from a clean build"

# ---- a read-only output folder and a full disk ---------------------------------

# change every page (the site title), so the build has to write everything
sed -i 's/^title: .*/title: 改过名字的网站/' "$site/site.yml"

# read-only: root ignores file modes, so as root a read-only tmpfs (skipped
# if this machine cannot mount one)
ro=$TMPDIR/ro
mkdir -p "$ro"
if [ "$(id -u)" != 0 ]; then
	cp -R "$out" "$ro/public"
	chmod -R a-w "$ro/public"
	ro_ok=1
elif mount -t tmpfs -o size=$(($(du -sk "$out" | cut -f1) * 3 / 2 + 65536))k tmpfs "$ro" 2>/dev/null; then
	cp -R "$out" "$ro/public"
	mount -o remount,ro "$ro"
	ro_ok=1
else
	ro_ok=0
	echo "read-only: cannot mount a tmpfs here; not tested"
fi
if [ "$ro_ok" = 1 ]; then
	snap snap "$ro/public" "$TMPDIR/ro-before.json" >/dev/null
	build --source "$site" --out "$ro/public"
	head -n 3 "$err_log"
	[ "$rc" = 1 ] || problem "read-only output: exit $rc (want 1)"
	grep -q ': cannot write: \(Read-only file system\|Permission denied\)$' "$err_log" ||
		problem "read-only output: no 'cannot write: Read-only file system' error"
	grep -qF 'nothing was written' "$err_log" || problem "read-only output: no 'nothing was written'"
	snap snap "$ro/public" "$TMPDIR/ro-after.json" >/dev/null
	cmp -s "$TMPDIR/ro-before.json" "$TMPDIR/ro-after.json" || problem "read-only output: the site changed"
	if [ "$(id -u)" = 0 ]; then umount "$ro"; else chmod -R u+w "$ro/public"; fi
fi

# a full disk: the file size limit (ulimit -f, in 512-byte blocks for sh)
# makes writing a large page fail with EFBIG, like ENOSPC
snap snap "$out" "$TMPDIR/full-before.json" >/dev/null
set +e
(ulimit -f 64 && exec "$GAZETTE" build --source "$site" --out "$out") >"$out_log" 2>"$err_log"
rc=$?
set -e
head -n 3 "$err_log"
[ "$rc" = 1 ] || problem "full disk (ulimit -f): exit $rc (want 1)"
grep -q ': cannot write: File too large$' "$err_log" || problem "full disk: no 'cannot write: File too large' error"
snap snap "$out" "$TMPDIR/full-after.json" >/dev/null
cmp -s "$TMPDIR/full-before.json" "$TMPDIR/full-after.json" || problem "full disk: the site changed"

# a real full disk, if a tmpfs can be mounted: room for the site, not for
# the site plus a second copy of every page
if [ "$(id -u)" = 0 ] && mkdir -p "$TMPDIR/full" && size=$(du -sk "$out" | cut -f1) &&
	mount -t tmpfs -o size=$((size * 13 / 10))k tmpfs "$TMPDIR/full" 2>/dev/null; then
	sed -i 's/^title: .*/title: 第三个名字/' "$site/site.yml"
	cp -R "$out" "$TMPDIR/full/public"
	snap snap "$TMPDIR/full/public" "$TMPDIR/full-before.json" >/dev/null
	build --source "$site" --out "$TMPDIR/full/public"
	head -n 3 "$err_log"
	[ "$rc" = 1 ] || problem "full tmpfs: exit $rc (want 1)"
	grep -q ': cannot write: No space left on device$' "$err_log" ||
		problem "full tmpfs: no 'No space left on device' error"
	snap snap "$TMPDIR/full/public" "$TMPDIR/full-after.json" >/dev/null
	cmp -s "$TMPDIR/full-before.json" "$TMPDIR/full-after.json" || problem "full tmpfs: the site changed"
	umount "$TMPDIR/full"
else
	echo "full tmpfs: cannot mount one here; ulimit -f only"
fi

[ -z "$problems" ] || fail "problems:$problems"
echo "crash: ok"
