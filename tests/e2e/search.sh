#!/bin/sh
# Site search: the sample site's index round trip (docs.json, shards, text,
# the /search/ page and the masthead box), site.yml search: false, and the
# recall test: on a generated corpus with photos, 50 random 1-4 character
# Chinese runs of what readers see, and 10 each that their page has only in
# its summary, a caption or credit, or its byline, find through search.js
# (under node) and through `gazette archive search` exactly the pages grep
# finds.
set -eu
. "$ROOT/tests/e2e/lib.sh"

command -v node >/dev/null || skip "node is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

out=$TMPDIR/public
build_ok --source "$ROOT" --out "$out"
assert_file "$out/search/index.html"
assert_file "$out/search/docs.json"
assert_file "$out/js/search.js"
assert_contains "$out/search/index.html" 'id="search-form"'
assert_contains "$out/index.html" 'class="masthead-search"'
[ "$(ls "$out/search/idx" | wc -l)" -gt 100 ] || fail "too few index shards"
python3 - "$out" <<'PY' || fail "docs.json does not list the sample stories"
import json, sys
d = json.load(open(sys.argv[1] + "/search/docs.json"))
assert [f["key"] for f in d["fields"]][:2] == ["township", "village"], d["fields"]
assert any("养羊" in doc[1] or "羊" in doc[1] for doc in d["docs"]), "no sheep story"
assert all(doc[0].startswith("/") for doc in d["docs"])
PY
# a query through search.js finds the sheep story by a word of its text
printf '羊\n养羊\nzzzz\n' | node "$ROOT/tests/search/query.js" "$out" >"$TMPDIR/q.out"
sed -n 1p "$TMPDIR/q.out" | grep -q '/stories/' || fail "羊 found nothing: $(cat "$TMPDIR/q.out")"
[ "$(sed -n 3p "$TMPDIR/q.out")" = '[]' ] || fail "zzzz found something"

# an unchanged rebuild rewrites no search file
build_ok --source "$ROOT" --out "$out"
before=$(tree_sums "$out/search")
build_ok --source "$ROOT" --out "$out"
[ "$(tree_sums "$out/search")" = "$before" ] || fail "search files changed on a rebuild"

# search: false: no index, no page, no box
site=$TMPDIR/nosearch
minimal_site "$site"
printf 'search: false\n' >>"$site/site.yml"
write "$site/content/stories/a.md" <<'EOF2'
---
title: 养羊
date: 2020-01-02
---
养羊致富。
EOF2
build_ok --source "$site"
assert_no_file "$site/public/search/docs.json"
assert_no_file "$site/public/search/index.html"
assert_not_contains "$site/public/index.html" 'masthead-search'

# recall on a generated corpus
corpus=$TMPDIR/corpus
python3 "$ROOT/scripts/gencorpus.py" --stories 300 --policies 10 --seed 3 "$corpus" >/dev/null
python3 "$ROOT/tests/search/addphotos.py" "$corpus" "$ROOT/content/photos/2019/muling-greenhouses.jpg"
printf 'archive: true\n' >>"$corpus/site.yml"
build_ok --source "$corpus" --out "$TMPDIR/corpus-out"
GAZETTE=$GAZETTE python3 "$ROOT/tests/search/recall.py" "$corpus" "$TMPDIR/corpus-out" 50 7 ||
	fail "recall test"
echo "search: ok"
