#!/bin/sh
# The incremental search index: after an edit, the build patches the last
# index (only the shards and text groups that changed are made again) and
# its files are byte for byte a clean build's; a damaged record in .gazette/
# gives a warning and a full, correct index; index files changed behind
# gazette's back are not trusted; the new text is found through search.js.
set -eu
. "$ROOT/tests/e2e/lib.sh"

command -v node >/dev/null || skip "node is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

site=$TMPDIR/site
python3 "$ROOT/scripts/gencorpus.py" --stories 120 --policies 4 --seed 5 "$site" >/dev/null
mkdir -p "$site/themes"
cp -R "$ROOT/themes/default" "$site/themes/default"
out=$TMPDIR/out

build() { # prints the search lines of GAZETTE_TIMING
	GAZETTE_TIMING=1 "$GAZETTE" build --source "$site" --out "$out" -q 2>"$TMPDIR/build.err" ||
		{ cat "$TMPDIR/build.err" >&2; fail "build failed"; }
	grep 'search' "$TMPDIR/build.err" || true
}
same_as_clean() { # the index equals a clean build's
	rm -rf "$TMPDIR/clean"
	"$GAZETTE" build --source "$site" --out "$TMPDIR/clean" --full -q
	diff -r "$out/search" "$TMPDIR/clean/search" >/dev/null || {
		diff -rq "$out/search" "$TMPDIR/clean/search" | head >&2
		fail "$1: the incremental index differs from a clean build's"
	}
}
incremental() { # the last build patched the index: N pages changed
	grep -q "search incremental: $1 pages changed" "$TMPDIR/build.err" ||
		{ cat "$TMPDIR/build.err" >&2; fail "$2: not an incremental index of $1 changed pages"; }
}

build >/dev/null
ls "$site"/.gazette/search-*.txt >/dev/null 2>&1 || fail "no search record in .gazette/"
[ -z "$(find "$site" -path "$site/.gazette" -prune -o -newer "$out/search/docs.json" -name '*.json' -print)" ] ||
	fail "the index wrote into the content"

# nothing changed: every index file kept
build >/dev/null
incremental 0 "an unchanged rebuild"
grep -q "0 shards and 0 text groups" "$TMPDIR/build.err" || fail "an unchanged rebuild made index files"

# one story's body: a few shards and one text group
story=$(ls "$site"/content/stories/*/*.md | sed -n 7p)
printf '\n增量索引测试：蓝莓酱厂xyzzy开工。\n' >>"$story"
build >/dev/null
incremental 1 "a body edit"
shards=$(sed -n 's/.*changed, \([0-9]*\) shards and \([0-9]*\) text.*/\1 \2/p' "$TMPDIR/build.err")
set -- $shards
[ "$1" -gt 0 ] && [ "$1" -lt 128 ] || fail "a one-sentence edit made $1 shards again"
[ "$2" -eq 1 ] || fail "a one-page edit made $2 text groups again"
same_as_clean "a body edit"
printf 'xyzzy\n蓝莓酱厂\n' | node "$ROOT/tests/search/query.js" "$out" >"$TMPDIR/q.out"
slug=$(sed -n 's/^slug: //p' "$story")
sed -n 1p "$TMPDIR/q.out" | grep -q "$slug" || fail "the new word is not found: $(cat "$TMPDIR/q.out")"
sed -n 2p "$TMPDIR/q.out" | grep -q "$slug" || fail "the new Chinese is not found: $(cat "$TMPDIR/q.out")"

# text taken out again, a title, three pages at once
sed -i '/xyzzy/d' "$story"
build >/dev/null
incremental 1 "a removal"
same_as_clean "a removal"
printf 'xyzzy\n' | node "$ROOT/tests/search/query.js" "$out" >"$TMPDIR/q.out"
[ "$(cat "$TMPDIR/q.out")" = '[]' ] || fail "a removed word is still found: $(cat "$TMPDIR/q.out")"
sed -i 's/^title: .*/title: 改过的标题 Qwerty/' "$story"
for s in $(ls "$site"/content/stories/*/*.md | sed -n '20p;40p;60p'); do
	printf '\n又一段文字。\n' >>"$s"
done
build >/dev/null
incremental 4 "four pages"
same_as_clean "four pages"

# a field of the head alone (the author: neither the title nor the text,
# hashed with the parse and kept in the page cache)
sed -i 's/^author: .*/author: "记者 Zorkmid"/' "$story"
build >/dev/null
incremental 1 "an author changed"
same_as_clean "an author changed"
printf 'zorkmid\n' | node "$ROOT/tests/search/query.js" "$out" >"$TMPDIR/q.out"
sed -n 1p "$TMPDIR/q.out" | grep -q "$slug" || fail "the new author is not found: $(cat "$TMPDIR/q.out")"

# a story deleted: the ids of the pages after it move, still correct
rm "$(ls "$site"/content/stories/*/*.md | sed -n 30p)"
build >/dev/null
same_as_clean "a deletion"

# a damaged record: a warning and a full index, correct
for f in "$site"/.gazette/search-*.txt; do printf 'garbage\n' >"$f"; done
printf '\n损坏记录后的修改。\n' >>"$story"
build >/dev/null
grep -q "warning: .*not a record gazette wrote" "$TMPDIR/build.err" ||
	{ cat "$TMPDIR/build.err" >&2; fail "no warning for a damaged search record"; }
grep -q "search incremental" "$TMPDIR/build.err" && fail "a damaged record was used"
same_as_clean "a damaged record"

# a truncated record: the same
for f in "$site"/.gazette/search-*.txt; do head -c 300 "$f" >"$f.cut" && mv "$f.cut" "$f"; done
printf '\n截断记录后的修改。\n' >>"$story"
build >/dev/null
grep -q "warning: .*not a record gazette wrote" "$TMPDIR/build.err" || fail "no warning for a truncated record"
same_as_clean "a truncated record"

# a shard changed behind gazette's back (same size) is not patched: the
# shard of the token the next edit adds is checked against the record
build >/dev/null
python3 - "$out" <<'PY'
import sys
h = 2166136261
for c in b"plugh":
    h = ((h ^ c) * 16777619) & 0xFFFFFFFF
p = "%s/search/idx/%02x.json" % (sys.argv[1], h % 256)
b = bytearray(open(p, "rb").read())
i = b.index(b'":"') + 3
b[i] = ord("1") if b[i] != ord("1") else ord("2")
open(p, "wb").write(bytes(b))
PY
printf '\nplugh\n' >>"$story"
build >/dev/null
grep -q "search incremental" "$TMPDIR/build.err" && fail "a changed shard was patched"
same_as_clean "a tampered shard"

# a missing index file is made again
rm "$out/search/text/0.bin"
printf '\n最后一次修改。\n' >>"$story"
build >/dev/null
same_as_clean "a missing text group"
assert_file "$out/search/text/0.bin"
echo ok
