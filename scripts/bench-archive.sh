#!/bin/sh
# `gazette archive search` answer time on the generated corpus (`make bench`):
# ten queries (Chinese of 1, 2, 3 and 5 characters, a Latin word, a number,
# two words, with and without filters), each run as a whole process, as a
# user runs it; the best of RUNS wall times a query, then the median and the
# slowest of those bests. The target is < 50 ms.
#
#   sh scripts/bench-archive.sh [SITE...]
#
# With no SITE, generates STORIES stories + POLICIES policies in BENCH_DIR
# with `archive: true` and builds it. With SITEs (folders whose
# .gazette/archive.db is already built), measures each in turn, the queries
# alternating between them, so two builds compare in the same run.
# Env: GAZETTE (./gazette; with several SITEs, a space-separated list, one
#      binary per SITE), STORIES (10000), POLICIES (200), RUNS (5),
#      BENCH_DIR (bench/archive).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STORIES=${STORIES:-10000}
POLICIES=${POLICIES:-200}
RUNS=${RUNS:-5}
B=${BENCH_DIR:-bench/archive}
GAZETTE=${GAZETTE:-$ROOT/gazette}

say() { echo "bench-archive: $*" >&2; }
die() {
	say "$*"
	exit 2
}
command -v python3 >/dev/null 2>&1 || die "python3 is missing"

if [ $# -eq 0 ]; then
	# the first of GAZETTE's binaries builds the corpus
	# shellcheck disable=SC2086
	set -- $GAZETTE
	[ -x "$1" ] || die "build ./gazette first (make)"
	case $B in
	/*) ;;
	*) B=$ROOT/$B ;;
	esac
	rm -rf "$B"
	mkdir -p "$B"
	say "generating $STORIES stories + $POLICIES policies in $B"
	python3 scripts/gencorpus.py --stories "$STORIES" --policies "$POLICIES" --seed 1 \
		"$B/site" >/dev/null
	printf 'search: false\narchive: true\n' >>"$B/site/site.yml"
	say "building the archive"
	"$1" build --quiet --source "$B/site" --out "$B/out" || die "the build failed"
	set -- "$B/site"
fi

python3 - "$RUNS" "$GAZETTE" "$@" <<'PY'
import statistics, subprocess, sys, time

runs = int(sys.argv[1])
bins = sys.argv[2].split()
sites = sys.argv[3:]
if len(bins) == 1:
    bins = bins * len(sites)
if len(bins) != len(sites):
    sys.exit("bench-archive: GAZETTE names %d binaries for %d sites" % (len(bins), len(sites)))

queries = [
    ["村"],                                   # 1 character, in nearly every story
    ["养殖"],                                 # 2
    ["合作社"],                               # 3, common
    ["致富带头人"],                           # 5
    ["脱贫攻坚"],
    ["2019"],                                 # a number
    ["fupin"],                                # a Latin word (none in the corpus text: a miss)
    ["合作社", "--township", "下城子镇"],     # filters
    ["养殖", "--from", "2018-01-01", "--to", "2019-12-31", "--industry", "肉牛养殖"],
    ["合作社 养殖", "--tag", "电商扶贫"],     # two words and a filter
]

best = {}
shown = {}
for q in queries:
    for s, (g, site) in enumerate(zip(bins, sites)):
        best[s, q[0] + " " + " ".join(q[1:])] = float("inf")
for _ in range(runs):
    for q in queries:
        key = q[0] + " " + " ".join(q[1:])
        # alternate the sites so load on the machine falls on each alike
        for s, (g, site) in enumerate(zip(bins, sites)):
            t = time.perf_counter()
            r = subprocess.run([g, "archive", "search", "--source", site] + q,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            ms = (time.perf_counter() - t) * 1000
            if r.returncode != 0:
                sys.exit("bench-archive: %s failed: %s" % (key, r.stderr.decode()))
            best[s, key] = min(best[s, key], ms)
            shown[s, key] = r.stdout.decode().count("\n    ")

print("gazette archive search, whole process, best of %d wall (ms):" % runs)
head = "  %-44s" % "query"
for s, site in enumerate(sites):
    head += " %10s" % ("site %d" % (s + 1))
print(head)
for q in queries:
    key = q[0] + " " + " ".join(q[1:])
    line = "  %-44s" % key.strip()
    for s in range(len(sites)):
        line += " %6.1f (%d)" % (best[s, key], shown[s, key])
    print(line)
for s, site in enumerate(sites):
    v = [best[s, k] for (t, k) in best if t == s]
    print("  site %d (%s, %s): median %.1f ms, max %.1f ms" %
          (s + 1, site, bins[s], statistics.median(v), max(v)))
PY
