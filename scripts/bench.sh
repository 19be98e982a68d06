#!/bin/bash
# gazette against Hugo on the same generated corpus (`make bench`).
#
# Generates STORIES stories + POLICIES policies (scripts/gencorpus.py) once as
# a gazette site and as an equivalent Hugo site (scripts/bench-hugo/), then
# builds each one cold RUNS times, alternating builders, under GNU time, and
# prints the median and the range of the wall time and of the CPU time
# (user+sys: steadier than wall on a busy machine), the highest peak RSS and
# the output file counts.
#
# Hugo is built twice: "hugo" with five related pages per story, as gazette
# shows, and "hugo-norel" without them (the same five taxonomies, no
# .Related): its cheapest honest configuration, since .Related alone takes
# most of Hugo's time. gazette is compared with both.
#
# Knobs (environment):
#   STORIES=10000 POLICIES=200 SEED=1   corpus size and seed
#   BENCH_DIR=bench                     work dir (gitignored); relative to the project root
#   JOBS=$(nproc)                       cores: both builders are pinned to CPUs 0..JOBS-1
#                                       (taskset); gazette gets --jobs JOBS, hugo GOMAXPROCS=JOBS
#   RUNS=3                              cold builds per builder (median wall time)
#   BUILDERS="gazette hugo-norel hugo"  which builders to run
#
# Written in POSIX sh so that `sh scripts/bench.sh` (dash) runs it too.
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)

STORIES=${STORIES:-10000}
POLICIES=${POLICIES:-200}
SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-bench}
NCPU=$(nproc 2>/dev/null || echo 1)
JOBS=${JOBS:-$NCPU}
RUNS=${RUNS:-3}
BUILDERS=${BUILDERS:-gazette hugo-norel hugo}

die() {
	echo "bench: $*" >&2
	exit 1
}
say() { echo "bench: $*" >&2; }

isnum() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }
for kv in "STORIES=$STORIES" "POLICIES=$POLICIES" "SEED=$SEED" "JOBS=$JOBS" "RUNS=$RUNS"; do
	isnum "${kv#*=}" || die "${kv%%=*} must be a non-negative integer (got '${kv#*=}')"
done
[ "$JOBS" -ge 1 ] || die "JOBS must be >= 1"
[ "$RUNS" -ge 1 ] || die "RUNS must be >= 1"

# ---- tools ----------------------------------------------------------------
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing: run 'make deps' (Debian package 'time')"
/usr/bin/time -f '%e %M' -o /dev/null /bin/sh -c : 2>/dev/null ||
	die "/usr/bin/time is not GNU time (no -f/-o): run 'make deps' (Debian package 'time')"
command -v python3 >/dev/null 2>&1 || die "python3 is missing (needed by scripts/gencorpus.py)"
for b in $BUILDERS; do
	case $b in
	gazette)
		[ -x "$ROOT/gazette" ] || die "./gazette is not built: run 'make' first (or 'make bench')"
		;;
	hugo | hugo-norel)
		command -v hugo >/dev/null 2>&1 || die "hugo is missing: run 'make deps' (Debian package 'hugo')"
		;;
	*) die "unknown builder '$b' in BUILDERS (use gazette, hugo-norel, hugo)" ;;
	esac
done

PIN=""
if [ "$JOBS" -lt "$NCPU" ] && command -v taskset >/dev/null 2>&1; then
	PIN="taskset -c 0-$((JOBS - 1))"
elif [ "$JOBS" -gt "$NCPU" ]; then
	say "JOBS=$JOBS is more than the $NCPU CPUs here; not pinning"
fi

# ---- work dir -------------------------------------------------------------
case $BENCH_DIR in
/*) ;;
*) BENCH_DIR=$ROOT/$BENCH_DIR ;;
esac
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
if [ "$BENCH_DIR" = / ] || [ "$BENCH_DIR" = "$ROOT" ]; then
	die "BENCH_DIR must be a dedicated directory (got $BENCH_DIR)"
fi
SITE=$BENCH_DIR/site
HSITE=$BENCH_DIR/hugo-site

# ---- corpus (regenerated only when the parameters or the generator change) -
gen_sum=$(find scripts/gencorpus.py scripts/bench-hugo -type f | LC_ALL=C sort |
	while read -r f; do cat "$f"; done | cksum)
stamp="stories=$STORIES policies=$POLICIES seed=$SEED gen=$gen_sum"
if [ -f "$BENCH_DIR/corpus.stamp" ] && [ "$(cat "$BENCH_DIR/corpus.stamp")" = "$stamp" ] &&
	[ -d "$SITE/content" ] && [ -d "$HSITE/content" ]; then
	say "reusing the corpus in $BENCH_DIR"
else
	rm -f "$BENCH_DIR/corpus.stamp"
	say "generating $STORIES stories + $POLICIES policies (seed $SEED) in $BENCH_DIR"
	t0=$(date +%s)
	python3 scripts/gencorpus.py --stories "$STORIES" --policies "$POLICIES" --seed "$SEED" \
		--hugo "$HSITE" "$SITE"
	say "corpus generated in $(($(date +%s) - t0)) s"
	echo "$stamp" >"$BENCH_DIR/corpus.stamp"
fi
# site.yml says `theme: default`, found beside the program (./themes); a
# link to it from the site would lead out of the site, which is refused
if [ -L "$SITE/themes" ]; then
	rm "$SITE/themes"
fi

# ---- runs -----------------------------------------------------------------
read -r load _ </proc/loadavg 2>/dev/null || load=0
case $load in
0.[0-4]*) ;;
*) say "note: load average is $load; other work on this machine makes timings noisy" ;;
esac

clean() {
	case $1 in
	gazette) rm -rf "$BENCH_DIR/out-gazette" "$SITE/.gazette" ;;
	hugo | hugo-norel) rm -rf "$BENCH_DIR/out-$1" "$HSITE/resources" ;;
	esac
}

# run BUILDER N: one cold build; appends "wall user sys rss_kib" to $BENCH_DIR/BUILDER.times
run() {
	b=$1
	n=$2
	clean "$b"
	log=$BENCH_DIR/$b.log
	tf=$BENCH_DIR/$b.time
	case $b in
	gazette)
		set -- "$ROOT/gazette" build --quiet --jobs "$JOBS" --source "$SITE" --out "$BENCH_DIR/out-gazette"
		;;
	hugo | hugo-norel)
		set -- hugo --quiet --gc=false --source "$HSITE" --destination "$BENCH_DIR/out-$b"
		;;
	esac
	rel=true
	[ "$b" = hugo-norel ] && rel=false
	# shellcheck disable=SC2086 # $PIN is a word list
	if ! GOMAXPROCS=$JOBS HUGO_PARAMS_RELATED=$rel \
		$PIN /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		die "$b build failed (run $n; command: $*; full log: $log)"
	fi
	tail -n 1 "$tf" >>"$BENCH_DIR/$b.times"
	read -r w u s m <"$tf" || true
	say "$b run $n/$RUNS: ${w}s wall, $(echo "$u $s" | awk '{ print $1 + $2 }')s cpu, $((m / 1024)) MiB"
}

for b in $BUILDERS; do
	: >"$BENCH_DIR/$b.times"
done
say "cold builds, $RUNS each, on $JOBS of $NCPU CPUs${PIN:+ ($PIN)}"
i=1
while [ "$i" -le "$RUNS" ]; do
	for b in $BUILDERS; do
		run "$b" "$i"
	done
	i=$((i + 1))
done

# ---- report ---------------------------------------------------------------
# column 1 wall, 2 cpu (user+sys), 3 peak RSS in KiB; one line a run
runs_of() { awk '{ print $1, $2 + $3, $4 }' "$BENCH_DIR/$1.times"; }
median() { runs_of "$1" | cut -d' ' -f"$2" | sort -n | sed -n "$(((RUNS + 1) / 2))p"; }
range() { runs_of "$1" | cut -d' ' -f"$2" | sort -n | sed -n '1p;$p' | tr '\n' ' ' | awk '{ printf "%s-%s", $1, $2 }'; }
max_rss_mib() { runs_of "$1" | cut -d' ' -f3 | sort -n | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }'; }

echo
echo "corpus: $STORIES stories + $POLICIES policies (seed $SEED), $JOBS cores, $RUNS runs each, alternating"
printf '%-11s %8s %13s %8s %13s %9s %7s %6s\n' "" "wall(s)" "wall range" "cpu(s)" "cpu range" "peak(MiB)" "files" "html"
for b in $BUILDERS; do
	out=$BENCH_DIR/out-$b
	files=$(find "$out" -type f | wc -l)
	html=$(find "$out" -type f -name '*.html' | wc -l)
	printf '%-11s %8.2f %13s %8.2f %13s %9d %7d %6d\n' "$b" "$(median "$b" 1)" "$(range "$b" 1)" \
		"$(median "$b" 2)" "$(range "$b" 2)" "$(max_rss_mib "$b")" "$files" "$html"
done
case " $BUILDERS " in
*" gazette "*)
	for h in hugo-norel hugo; do
		case " $BUILDERS " in *" $h "*) ;; *) continue ;; esac
		awk -v h="$h" -v wg="$(median gazette 1)" -v wh="$(median "$h" 1)" \
			-v cg="$(median gazette 2)" -v ch="$(median "$h" 2)" \
			-v mg="$(max_rss_mib gazette)" -v mh="$(max_rss_mib "$h")" 'BEGIN {
			# (parenthesised: a bare ">" among the arguments of printf redirects)
			printf "%s/gazette: wall %.1fx, cpu %.1fx, memory %.1fx\n", h,
				(wg > 0 ? wh / wg : 0), (cg > 0 ? ch / cg : 0), (mg > 0 ? mh / mg : 0)
		}'
	done
	;;
esac
echo "hugo: $(hugo version 2>/dev/null | cut -d' ' -f2)"
