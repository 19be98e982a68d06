#!/bin/sh
# Git-native builds, measured on the generated corpus committed to git:
#   1. the working-tree build against --rev HEAD from a bare clone;
#   2. an incremental rebuild after one story's body changed, against a full one;
#   3. page history over 1,000 commits: the same content built from the
#      repository (history walk) and from a copy with no .git (no history).
# Env: STORIES (10000), POLICIES (200), COMMITS (1000), BENCH_DIR (bench/git).
set -eu
cd "$(dirname "$0")/.."
STORIES=${STORIES:-10000}
POLICIES=${POLICIES:-200}
COMMITS=${COMMITS:-1000}
B=${BENCH_DIR:-bench/git}
G=$(pwd)/gazette
[ -x "$G" ] || { echo "bench-git: build ./gazette first (make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-git: GNU time is missing; run 'make deps'" >&2; exit 2; }

. "$(pwd)/scripts/bench-lib.sh"
forget "$B"
mkdir -p "$B"
# the bare clone's build cache, inside the bench folder
XDG_CACHE_HOME=$(cd "$B" && pwd)/cache
export XDG_CACHE_HOME
python3 scripts/gencorpus.py --stories "$STORIES" --policies "$POLICIES" --seed 1 "$B/site" >/dev/null
cd "$B/site"
git init -q -b main
git config user.name Bench
git config user.email bench@example.org
git add -A
git commit -qm corpus
cd - >/dev/null

# clean OUT ARGS…: a clean build into OUT; "wall,user" seconds. What is
# there is moved aside, and so are the cache folders (.gazette/ of each
# working tree, the bare clone's in XDG_CACHE_HOME): they hold the spare
# copy of the last site built into OUT, which a build into a new OUT
# deletes (40,000 files and folders, inside the timed build)
clean() {
	o=$1
	shift
	trash "$o" "$B/site/.gazette" "$B/nogit/.gazette" "$XDG_CACHE_HOME/gazette"
	settle
	/usr/bin/time -f '%e,%U' -o "$B/t" "$G" build --out "$o" --full -q "$@" >/dev/null 2>&1
	cat "$B/t"
}
# pairs: "a/b …" pairs of clean on stdin → the median ratios of wall time
# and of user CPU (gazette's own work: the kernel's part of a clean build,
# writing 20,000 files, varies twice over from one build to the next here)
pairs() {
	python3 -c '
import statistics, sys
p = [[tuple(map(float, y.split(","))) for y in x.split("/")] for x in sys.stdin.read().split()]
wall = [a[0] / b[0] for a, b in p]
user = [a[1] / b[1] for a, b in p]
print("median %.2fx wall, %.2fx user CPU (%s)" % (statistics.median(wall), statistics.median(user),
    ", ".join("%g/%g s wall, %g/%g s user" % (a[0], b[0], a[1], b[1]) for a, b in p)))'
}

# five rounds, alternating: on this machine one clean build may take twice
# as long as the last, so the builds compared are the ones side by side,
# each first in every other round (a drift through the run cancels out)
git clone -q --bare "$B/site" "$B/site.git"
p1=""
for k in 1 2 3 4 5; do
	if [ $((k % 2)) = 1 ]; then
		wt=$(clean "$B/out-wt" --source "$B/site")
		bare=$(clean "$B/out-bare" --source "$B/site.git" --rev HEAD)
	else
		bare=$(clean "$B/out-bare" --source "$B/site.git" --rev HEAD)
		wt=$(clean "$B/out-wt" --source "$B/site")
	fi
	p1="$p1 $bare/$wt"
done
echo "1. --rev HEAD from a bare clone / the working tree, clean builds: $(echo "$p1" | pairs)"

# ms: wall milliseconds of a command (the ratio is near a few hundredths)
ms() {
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $((($(date +%s%N) - t0) / 1000000))
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# three full builds; five rebuilds, each after one story's body changed
# (a sentence added, then taken out again), with the median of each. First
# the site as an editor has it: built once, with its cache folder (the
# clean builds above moved that aside; the first build to write after
# that would make the spare copy of the site again, 20,000 links)
trash "$B/out-wt"
"$G" build --source "$B/site" --out "$B/out-wt" -q >/dev/null 2>&1
fulls="" incrs=""
for k in 1 2 3; do
	fulls="$fulls $(ms "$G" build --source "$B/site" --out "$B/out-wt" --full -q)"
done
story=$(ls "$B"/site/content/stories/*/*.md | head -n 1)
for k in 1 2 3 4 5; do
	if [ $((k % 2)) = 1 ]; then
		printf '\n一句新加的话。\n' >>"$story"
	else
		git -C "$B/site" checkout -q -- .
	fi
	incrs="$incrs $(ms "$G" build --source "$B/site" --out "$B/out-wt" -q)"
done
git -C "$B/site" checkout -q -- .
full=$(echo "$fulls" | median)
incr=$(echo "$incrs" | median)
echo "2. full build: ${full} ms (median of$fulls)   after one story's body changed: ${incr} ms (median of$incrs)   ($(echo "$incr $full" | awk '{printf "%.1f", 100*$1/$2}')% of full)"

# 1,000 commits, each touching one story
i=0
for f in $(ls "$B"/site/content/stories/*/*.md | head -n "$COMMITS"); do
	i=$((i + 1))
	printf '\n第 %d 次修改。\n' "$i" >>"$f"
	git -C "$B/site" commit -qam "edit $i"
done
trash "$B/nogit"
cp -R "$B/site" "$B/nogit"
trash "$B/nogit/.git" "$B/nogit/.gazette"
p3=""
for k in 1 2 3 4 5; do
	if [ $((k % 2)) = 1 ]; then
		with=$(clean "$B/out-h" --source "$B/site")
		without=$(clean "$B/out-n" --source "$B/nogit")
	else
		without=$(clean "$B/out-n" --source "$B/nogit")
		with=$(clean "$B/out-h" --source "$B/site")
	fi
	p3="$p3 $with/$without"
done
echo "3. $i commits, with history / without (a copy with no .git), clean builds: $(echo "$p3" | pairs)"
rm -rf "$B/trash"
