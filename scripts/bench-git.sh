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

rm -rf "$B"
mkdir -p "$B"
python3 scripts/gencorpus.py --stories "$STORIES" --policies "$POLICIES" --seed 1 "$B/site" >/dev/null
cd "$B/site"
git init -q -b main
git config user.name Bench
git config user.email bench@example.org
git add -A
git commit -qm corpus
cd - >/dev/null

secs() { # out-file cmd… → prints wall seconds
	out=$1
	shift
	# what the last build left to write goes to disk first, not into this
	# build's time (a clean build writes 20,000 files)
	sync
	/usr/bin/time -f '%e' -o "$out" "$@" >/dev/null 2>&1
	cat "$out"
}

wt=$(secs "$B/t1" "$G" build --source "$B/site" --out "$B/out-wt" --full -q)
git clone -q --bare "$B/site" "$B/site.git"
bare=$(secs "$B/t2" "$G" build --source "$B/site.git" --rev HEAD --out "$B/out-bare" -q)
echo "1. working tree: ${wt}s   --rev HEAD from a bare clone: ${bare}s   ratio $(echo "$bare $wt" | awk '{printf "%.2f", $1/$2}')x"

# ms: wall milliseconds of a command (the ratio is near a few hundredths)
ms() {
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $((($(date +%s%N) - t0) / 1000000))
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# three full builds; five rebuilds, each after one story's body changed
# (a sentence added, then taken out again), with the median of each
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
rm -rf "$B/nogit"
cp -R "$B/site" "$B/nogit"
rm -rf "$B/nogit/.git" "$B/nogit/.gazette"
with=$(secs "$B/t5" "$G" build --source "$B/site" --out "$B/out-h" --full -q)
without=$(secs "$B/t6" "$G" build --source "$B/nogit" --out "$B/out-n" --full -q)
echo "3. $i commits: with history ${with}s   without (no .git) ${without}s   (+$(echo "$with $without" | awk '{printf "%.0f", 100*($1-$2)/$2}')%)"
