#!/bin/sh
# Lua hooks' cost: the generated corpus built with no hooks, then with three
# filters and two shortcodes in use (one story in four has a quote and a
# policy-box). Both are clean builds into fresh folders, search off, so the
# difference is the hooks. Env: STORIES (10000), POLICIES (200), BENCH_DIR.
set -eu
cd "$(dirname "$0")/.."
STORIES=${STORIES:-10000}
POLICIES=${POLICIES:-200}
B=${BENCH_DIR:-bench/hooks}
G=$(pwd)/gazette
[ -x "$G" ] || { echo "bench-hooks: build ./gazette first (make)" >&2; exit 2; }

rm -rf "$B"
mkdir -p "$B"
python3 scripts/gencorpus.py --stories "$STORIES" --policies "$POLICIES" --seed 1 "$B/plain" >/dev/null
printf 'search: false\n' >>"$B/plain/site.yml"
cp -R "$B/plain" "$B/hooks"
i=0
for f in "$B"/hooks/content/stories/*/*.md; do
	i=$((i + 1))
	[ $((i % 4)) -eq 0 ] || continue
	cat >>"$f" <<'MD'

::: quote speaker="孟庆龙" role="养蜂户"
日子甜了，心里记着呢。
:::

::: policy-box title="政策要点" amount="5万元以下" who="建档立卡贫困户" where="乡镇信用社"
:::
MD
done
mkdir -p "$B/hooks/hooks"
cat >"$B/hooks/hooks/bench.lua" <<'LUA'
return {
  -- 1: headings one level down
  heading = function(h) if h.level < 6 then h.level = h.level + 1 end end,
  -- 2: an editor's-note paragraph becomes a box
  paragraph = function(p)
    local t = p.text
    if t:sub(1, #"【编者按】") == "【编者按】" then
      return gz.node.html('<aside class="note">' .. gz.esc(t) .. "</aside>")
    end
  end,
  -- 3: mark external links
  link = function(l)
    if l.url:match("^https?://") then return { l, gz.node.raw('<span class="ext">↗</span>') } end
  end,
}
LUA

run() { # dir → wall seconds of a clean build
	rm -rf "$1/out" "$1/.gazette"
	/usr/bin/time -f '%e' -o "$B/t" "$G" build --source "$1" --out "$1/out" -q
	cat "$B/t"
}
p1=$(run "$B/plain"); h1=$(run "$B/hooks"); p2=$(run "$B/plain"); h2=$(run "$B/hooks")
plain=$(printf '%s\n%s\n' "$p1" "$p2" | sort -n | head -n 1)
hooks=$(printf '%s\n%s\n' "$h1" "$h2" | sort -n | head -n 1)
echo "no hooks: ${p1}s ${p2}s   3 filters + 2 shortcodes: ${h1}s ${h2}s"
echo "best of two: ${plain}s vs ${hooks}s → $(echo "$hooks $plain" | awk '{printf "%.2f", $1/$2}')×"
