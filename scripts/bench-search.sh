#!/bin/sh
# Site search and the archive, measured on the generated corpus (`make bench`):
#   1. what building the search index adds to a clean site build: the same
#      site built with and without `search: false`, alternating, best of RUNS;
#      the size of the index files;
#   2. the search stage of an incremental build after one story's body
#      changed (GAZETTE_TIMING), and that build's wall time;
#   3. Pagefind (npm `pagefind`, installed into scripts/bench-pagefind with
#      `npm ci`) run on the same output in the same run: time, peak memory,
#      index size;
#   4. `gazette archive search` answer time (a whole process, as a user runs
#      it) on the same corpus with `archive: true`.
# Env: STORIES (10000), POLICIES (200), RUNS (2), JOBS (nproc),
#      BENCH_DIR (bench/search), PAGEFIND=0 to leave Pagefind out.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STORIES=${STORIES:-10000}
POLICIES=${POLICIES:-200}
RUNS=${RUNS:-2}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 1)}
PAGEFIND=${PAGEFIND:-1}
B=${BENCH_DIR:-bench/search}
G=$ROOT/gazette

say() { echo "bench-search: $*" >&2; }
die() {
	say "$*"
	exit 2
}
[ -x "$G" ] || die "build ./gazette first (make)"
[ -x /usr/bin/time ] || die "GNU time is missing; run 'make deps'"
command -v python3 >/dev/null 2>&1 || die "python3 is missing"
case $B in
/*) ;;
*) B=$ROOT/$B ;;
esac

# ---- corpus: one content tree, three site.yml -------------------------------
. "$ROOT/scripts/bench-lib.sh"
forget "$B"
mkdir -p "$B"
say "generating $STORIES stories + $POLICIES policies in $B"
python3 scripts/gencorpus.py --stories "$STORIES" --policies "$POLICIES" --seed 1 "$B/with" >/dev/null
for v in without archive; do
	mkdir -p "$B/$v"
	cp "$B/with/site.yml" "$B/$v/site.yml"
	cp -al "$B/with/content" "$B/$v/content"
done
printf 'search: false\n' >>"$B/without/site.yml"
printf 'search: false\narchive: true\n' >>"$B/archive/site.yml"

# run NAME SITE OUT [args…]: a clean build; appends "wall cpu rss_kib" to $B/NAME.times
run() {
	name=$1
	site=$2
	out=$3
	shift 3
	# the last build's files are moved aside, not deleted (bench-lib.sh)
	trash "$out" "$site/.gazette"
	settle
	GAZETTE_TIMING=1 /usr/bin/time -f '%e %U %S %M' -o "$B/time" \
		"$G" build --source "$site" --out "$out" --jobs "$JOBS" -q "$@" 2>"$B/$name.log" ||
		{ tail "$B/$name.log" >&2; die "$name build failed"; }
	read -r w u s m <"$B/time"
	echo "$w $(echo "$u $s" | awk '{ print $1 + $2 }') $m" >>"$B/$name.times"
	st=$(sed -n 's/^timing: search \([0-9]*\) ms/\1/p' "$B/$name.log")
	[ -z "$st" ] || echo "$st" >>"$B/$name.stage"
	say "$name: ${w}s wall, $(echo "$u $s" | awk '{ print $1 + $2 }')s cpu, $((m / 1024)) MiB${st:+, search stage ${st} ms}"
}
best() { sort -n "$1" | head -n 1 | cut -d' ' -f"${2:-1}"; }

: >"$B/with.times"
: >"$B/without.times"
: >"$B/with.stage"
i=1
while [ "$i" -le "$RUNS" ]; do
	run with "$B/with" "$B/out-with"
	run without "$B/without" "$B/out-without"
	i=$((i + 1))
done
bw=$(best "$B/with.times")
bo=$(best "$B/without.times")
cw=$(cut -d' ' -f2 "$B/with.times" | sort -n | head -n 1)
co=$(cut -d' ' -f2 "$B/without.times" | sort -n | head -n 1)
mw=$(cut -d' ' -f3 "$B/with.times" | sort -n | tail -n 1)
mo=$(cut -d' ' -f3 "$B/without.times" | sort -n | tail -n 1)
stage=$(sort -n "$B/with.stage" | head -n 1)
idx=$(cat "$B"/out-with/search/idx/*.json | wc -c)
txt=$(cat "$B"/out-with/search/text/*.bin | wc -c)
docs=$(wc -c <"$B/out-with/search/docs.json")
nfiles=$(find "$B/out-with/search" -type f ! -name index.html | wc -l)

# ---- incremental: one story's body ------------------------------------------
story=$(ls "$B"/with/content/stories/*/*.md | head -n 1)
printf '\n一句新加的话，用来测增量索引。\n' >>"$story"
GAZETTE_TIMING=1 /usr/bin/time -f '%e' -o "$B/time" \
	"$G" build --source "$B/with" --out "$B/out-with" --jobs "$JOBS" -q 2>"$B/incr.log"
incr_wall=$(cat "$B/time")
incr_stage=$(sed -n 's/^timing: search \([0-9]*\) ms/\1/p' "$B/incr.log")
incr_how=$(sed -n 's/^timing:   search incremental: //p' "$B/incr.log")

# ---- Pagefind on the same output --------------------------------------------
pf=""
if [ "$PAGEFIND" = 1 ]; then
	pfdir=$ROOT/scripts/bench-pagefind
	if [ ! -x "$pfdir/node_modules/.bin/pagefind" ]; then
		if command -v npm >/dev/null 2>&1 &&
			npm ci --prefix "$pfdir" --no-audit --no-fund >"$B/npm.log" 2>&1; then
			:
		else
			say "npm ci --prefix scripts/bench-pagefind failed (see $B/npm.log); Pagefind left out"
		fi
	fi
	if [ -x "$pfdir/node_modules/.bin/pagefind" ]; then
		: >"$B/pagefind.times"
		i=1
		while [ "$i" -le "$RUNS" ]; do
			trash "$B/pagefind"
			/usr/bin/time -f '%e %U %S %M' -o "$B/time" "$pfdir/node_modules/.bin/pagefind" \
				--site "$B/out-without" --output-path "$B/pagefind" --silent >"$B/pagefind.log" 2>&1 ||
				{ tail "$B/pagefind.log" >&2; die "pagefind failed"; }
			read -r w u s m <"$B/time"
			echo "$w $(echo "$u $s" | awk '{ print $1 + $2 }') $m" >>"$B/pagefind.times"
			say "pagefind: ${w}s wall, $((m / 1024)) MiB"
			i=$((i + 1))
		done
		pf_version=$("$pfdir/node_modules/.bin/pagefind" --version 2>/dev/null | awk '{ print $NF }')
		pf_wall=$(best "$B/pagefind.times")
		pf_cpu=$(cut -d' ' -f2 "$B/pagefind.times" | sort -n | head -n 1)
		pf_mem=$(cut -d' ' -f3 "$B/pagefind.times" | sort -n | tail -n 1)
		pf_size=$(find "$B/pagefind" -type f -exec cat {} + | wc -c)
		pf_files=$(find "$B/pagefind" -type f | wc -l)
		pf=1
	fi
fi

# ---- archive search ---------------------------------------------------------
say "building the archive (archive: true)"
run archive "$B/archive" "$B/out-archive"
# every query 5 times as a whole process; the median and the slowest
python3 - "$G" "$B/archive" >"$B/archive.txt" <<'PY'
import statistics, subprocess, sys, time
g, site = sys.argv[1], sys.argv[2]
queries = ["合作社", "养殖", "蔬菜大棚", "脱贫攻坚", "村", "2019", "合作社 养殖",
           "电商", "蜂蜜", "致富带头人"]
all_ms = []
for q in queries:
    ms = []
    for _ in range(5):
        t = time.perf_counter()
        r = subprocess.run([g, "archive", "search", q, "--source", site],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ms.append((time.perf_counter() - t) * 1000)
        if r.returncode != 0:
            sys.exit("archive search %s failed: %s" % (q, r.stderr.decode()))
    hits = r.stdout.decode().count("\n    ")
    all_ms += ms
    print("  %-12s median %5.1f ms  max %5.1f ms  (%d shown)" % (q, statistics.median(ms), max(ms), hits))
print("  all %d runs: median %.1f ms, max %.1f ms" % (len(all_ms), statistics.median(all_ms), max(all_ms)))
PY

rm -rf "$B/trash"

# ---- report -----------------------------------------------------------------
echo
echo "search, $STORIES stories + $POLICIES policies, $JOBS cores, best of $RUNS clean builds:"
awk -v w="$bw" -v o="$bo" -v cw="$cw" -v co="$co" -v mw="$mw" -v mo="$mo" 'BEGIN {
	printf "  site build with the index %.2fs, without %.2fs: +%.1f%% wall (cpu %.1fs vs %.1fs, +%.1f%%)\n",
		w, o, 100 * (w - o) / o, cw, co, 100 * (cw - co) / co
	printf "  peak memory with %d MiB, without %d MiB\n", mw / 1024, mo / 1024
}'
# each with-build beside the without-build right after it: on a machine whose
# file system slows down build after build, the median of the pairs says more
# than the two best runs, which may come from different moments
python3 - "$B/with.times" "$B/without.times" <<'PY'
import statistics, sys
w = [l.split() for l in open(sys.argv[1])]
o = [l.split() for l in open(sys.argv[2])]
wall = [100 * (float(a[0]) - float(b[0])) / float(b[0]) for a, b in zip(w, o)]
cpu = [100 * (float(a[1]) - float(b[1])) / float(b[1]) for a, b in zip(w, o)]
print("  pair by pair (with, then without): median %+.1f%% wall (%s), %+.1f%% cpu (%s)" % (
    statistics.median(wall), ", ".join("%+.1f" % x for x in wall),
    statistics.median(cpu), ", ".join("%+.1f" % x for x in cpu)))
PY
echo "  search stage (GAZETTE_TIMING, best): ${stage} ms"
awk -v i="$idx" -v t="$txt" -v d="$docs" -v n="$nfiles" 'BEGIN {
	printf "  index: %.1f MB in %d files (shards %.1f MB, text %.1f MB, docs.json %.1f MB)\n",
		(i + t + d) / 1e6, n, i / 1e6, t / 1e6, d / 1e6
}'
echo "  after one story's body changed: build ${incr_wall}s, search stage ${incr_stage} ms ($incr_how)"
if [ -n "$pf" ]; then
	awk -v w="$pf_wall" -v c="$pf_cpu" -v m="$pf_mem" -v s="$pf_size" -v n="$pf_files" -v v="$pf_version" 'BEGIN {
		printf "  pagefind %s on the same output: %.2fs wall, %.1fs cpu, %d MiB peak, index %.1f MB in %d files\n",
			v, w, c, m / 1024, s / 1e6, n
	}'
fi
echo "gazette archive search (whole process, 5 runs a query):"
cat "$B/archive.txt"
