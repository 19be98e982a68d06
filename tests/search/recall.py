#!/usr/bin/env python3
"""Recall test: the site index finds exactly what grep finds.

    tests/search/recall.py CORPUS_DIR PUBLIC_DIR|BASE_URL [N] [SEED]

Picks N (50) random runs of 1-4 Chinese characters out of everything a
reader sees of the corpus's pages, and N/5 more out of each of the
summaries, the photo captions and credits, and the bylines and policy
fields (author, source, topic, department), each a run that its page has
only there. Asks each through search.js (tests/search/query.js: under node
over PUBLIC_DIR, or in Chromium on the site served at BASE_URL) and
compares the URLs with the pages that hold the run in their title,
summary, body (the Markdown with its ** markers taken out, as a reader
sees it), captions, credits, byline, policy fields or terms. With GAZETTE
set (the binary), each is also asked of `gazette archive search --json`
(the corpus built with archive: true). Exit 1 lists every difference.
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

TAXONOMIES = ("township", "village", "industry", "people", "tags")


def front_matter(fm):
    """gencorpus's front matter: one key a line, values JSON (strings,
    lists, the photos added by addphotos.py) or bare words."""
    out = {}
    for line in fm.splitlines():
        key, _, value = line.partition(": ")
        value = value.strip()
        out[key] = json.loads(value) if value[:1] in "\"[{" else value
    return out


def names(v):
    return [v] if isinstance(v, str) else list(v or [])


pages = []  # (url, {kind: [strings a reader sees]})
for d, _, files in sorted(os.walk(os.path.join(corpus, "content"))):
    for f in sorted(files):
        if not f.endswith(".md") or f.startswith("_"):
            continue
        p = os.path.join(d, f)
        text = open(p, encoding="utf-8").read()
        _, fm, body = text.split("---\n", 2)
        m = front_matter(fm)
        rel = os.path.relpath(d, os.path.join(corpus, "content"))
        url = "/" + rel + "/" + m["slug"] + "/"
        fields = {
            "text": [m["title"], body.replace("**", "")],
            "summary": names(m.get("summary")),
            "caption": [x for ph in m.get("photos", []) for x in (ph.get("caption"), ph.get("credit")) if x],
            "byline": [x for k in ("author", "source", "topic", "department") for x in names(m.get(k))],
            "terms": [x for k in TAXONOMIES for x in names(m.get(k))] + names(m.get("contact")),
        }
        pages.append((url, fields))


def pick(strings, rng):
    """A random run of 1-4 CJK characters out of strings, or None."""
    runs = [r for s in strings for r in CJK.findall(s)]
    if not runs:
        return None
    run = rng.choice(runs)
    k = rng.randint(1, 4)
    if len(run) < k:
        return None
    i = rng.randint(0, len(run) - k)
    return run[i:i + k]


queries = []
while len(queries) < n:
    _, fields = rng.choice(pages)
    q = pick([s for v in fields.values() for s in v], rng)
    if q:
        queries.append(q)
# runs that their page has only in one field: found through that field alone
for kind in ("summary", "caption", "byline"):
    want, tries = len(queries) + max(1, n // 5), 0
    while len(queries) < want and tries < 100000:
        tries += 1
        _, fields = rng.choice(pages)
        q = pick(fields[kind], rng)
        if q and not any(q in s for s in fields["text"]):
            queries.append(q)
    if len(queries) < want:
        sys.exit("recall: no %s queries in this corpus" % kind)

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
        want = sorted(u for u, fields in pages if any(q in s for v in fields.values() for s in v))
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
