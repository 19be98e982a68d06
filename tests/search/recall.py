#!/usr/bin/env python3
"""Recall test: the site index finds exactly what grep finds.

    tests/search/recall.py CORPUS_DIR PUBLIC_DIR [N] [SEED]

Picks N (50) random runs of 1-4 Chinese characters out of the corpus's
titles and bodies, asks each of them through search.js (tests/search/
query.js) and compares the URLs with the pages whose title or body holds
the run (the Markdown with its ** markers taken out, as a reader sees it).
With GAZETTE set (the binary), each is also asked of `gazette archive
search --json` (the corpus built with archive: true). Exit 1 lists every
difference.
"""
import json
import os
import random
import re
import subprocess
import sys

corpus, public = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 50
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
HERE = os.path.dirname(os.path.abspath(__file__))
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")

pages = []  # (url, haystack)
for d, _, files in sorted(os.walk(os.path.join(corpus, "content"))):
    for f in sorted(files):
        if not f.endswith(".md") or f.startswith("_"):
            continue
        p = os.path.join(d, f)
        text = open(p, encoding="utf-8").read()
        _, fm, body = text.split("---\n", 2)
        title = re.search(r'^title: "?(.*?)"?$', fm, re.M).group(1)
        slug = re.search(r"^slug: (.*)$", fm, re.M).group(1).strip()
        rel = os.path.relpath(d, os.path.join(corpus, "content"))
        url = "/" + rel + "/" + slug + "/"
        pages.append((url, title + "\n" + body.replace("**", "")))

queries = []
while len(queries) < n:
    _, hay = rng.choice(pages)
    runs = [r for r in CJK.findall(hay)]
    run = rng.choice(runs)
    k = rng.randint(1, 4)
    if len(run) < k:
        continue
    i = rng.randint(0, len(run) - k)
    queries.append(run[i:i + k])

out = subprocess.run(["node", os.path.join(HERE, "query.js"), public],
                     input="\n".join(queries) + "\n", capture_output=True, text=True, check=True)
got = {"index": [json.loads(line) for line in out.stdout.splitlines()]}
if os.environ.get("GAZETTE"):
    got["archive"] = []
    for q in queries:
        a = subprocess.run([os.environ["GAZETTE"], "archive", "search", q, "--source", corpus,
                            "--json", "--limit", "1000000"],
                           capture_output=True, text=True, check=True)
        got["archive"].append(sorted(h["url"] for h in json.loads(a.stdout)))
bad = 0
for what, answers in sorted(got.items()):
    for q, g in zip(queries, answers):
        want = sorted(u for u, hay in pages if q in hay)
        if g != want:
            bad += 1
            print("MISMATCH %s %s: %s %d, grep %d; only %s: %s; only grep: %s" % (
                what, q, what, len(g), len(want), what, sorted(set(g) - set(want))[:3],
                sorted(set(want) - set(g))[:3]))
        else:
            print("ok %s %s: %d pages" % (what, q, len(g)))
total = len(queries) * len(got)
print("recall (%s): %d of %d queries exact" % (" and ".join(sorted(got)), total - bad, total))
sys.exit(1 if bad else 0)
