#!/bin/sh
# Edit-to-reload latency of `gazette serve` on a generated site.
#
#   sh scripts/serve-latency.sh [STORIES] [ROUNDS]     (default 1000 stories, 10 rounds)
#
# Generates STORIES stories and 20 policies (scripts/gencorpus.py, seed 1),
# starts ./gazette serve on a free port, listens on /__gazette/events like a
# page would, then ROUNDS times appends a line to one story and measures the
# time from the write to (a) the reload event and (b) the served page
# containing the new line. Prints each round and the median.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STORIES=${1:-1000}
ROUNDS=${2:-10}
GAZETTE=${GAZETTE:-$ROOT/gazette}
work=$(mktemp -d "${TMP:-/tmp}/gazette-latency.XXXXXX")
server=""
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

python3 "$ROOT/scripts/gencorpus.py" --stories "$STORIES" --policies 20 --seed 1 "$work/site" >/dev/null
GAZETTE_THEMES=$ROOT/themes "$GAZETTE" serve --source "$work/site" --port 0 >"$work/serve.log" 2>&1 &
server=$!
port=""
i=0
while [ -z "$port" ] && [ $i -lt 600 ]; do
	sleep 0.1
	port=$(sed -n 's#.*serving http://127\.0\.0\.1:\([0-9][0-9]*\)/.*#\1#p' "$work/serve.log" | head -n 1)
	i=$((i + 1))
done
[ -n "$port" ] || { cat "$work/serve.log"; echo "gazette serve did not start" >&2; exit 1; }
sed -n 1p "$work/serve.log"

python3 - "$port" "$work/site" "$ROUNDS" <<'PY'
import glob, http.client, os, statistics, sys, time, urllib.request

port, site, rounds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
story = sorted(glob.glob(os.path.join(site, "content/stories/*/*.md")))[0]
rel = os.path.relpath(story, os.path.join(site, "content"))
url = "http://127.0.0.1:%d/%s/" % (port, os.path.splitext(rel)[0])
# the page's URL comes from its slug when it has one
with open(story, encoding="utf-8") as f:
    for line in f:
        if line.startswith("slug:"):
            url = "http://127.0.0.1:%d/%s/%s/" % (port, os.path.dirname(rel), line.split(":", 1)[1].strip())
            break
assert urllib.request.urlopen(url).status == 200, url

conn = http.client.HTTPConnection("127.0.0.1", port)
conn.request("GET", "/__gazette/events?gen=1")
events = conn.getresponse()

def next_event():
    name = None
    while True:
        line = events.fp.readline().decode()
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line in ("\n", "\r\n") and name:
            return name

ev, page = [], []
for r in range(rounds):
    time.sleep(0.3)
    mark = "延迟测量第%d轮" % r
    t0 = time.monotonic()
    with open(story, "a", encoding="utf-8") as f:
        f.write("\n%s\n" % mark)
    name = next_event()
    t1 = time.monotonic()
    while mark not in urllib.request.urlopen(url).read().decode():
        time.sleep(0.005)
    t2 = time.monotonic()
    ev.append((t1 - t0) * 1000)
    page.append((t2 - t0) * 1000)
    print("round %d: %s event after %.0f ms, page served after %.0f ms" % (r + 1, name, ev[-1], page[-1]))
print("median: event %.0f ms, page %.0f ms (%s)" % (statistics.median(ev), statistics.median(page), url))
PY
grep 'built' "$work/serve.log" | tail -n 3
