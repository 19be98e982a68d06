# Incremental builds: an unchanged rebuild renders nothing; an edit renders
# only what shows the edited page; deleting a page removes its files; a
# template change renders everything; another revision into the same folder
# works. After each, the folder is byte-identical to a clean build.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
python3 "$ROOT/scripts/gencorpus.py" --stories 60 --policies 4 --seed 7 "$site" >/dev/null
mkdir -p "$site/themes"
cp -R "$ROOT/themes/default" "$site/themes/default"
cd "$site"
git init -q -b main
git config user.name Editor
git config user.email editor@example.org
git add -A
git commit -qm "corpus"

summary() { # out-dir [extra args] → prints "rendered kept"
	out=$1
	shift
	"$GAZETTE" build --source "$site" --out "$out" --verbose "$@" 2>"$TMPDIR/summary"
	sed -n 's/.*(\([0-9]*\) rendered, \([0-9]*\) kept.*/\1 \2/p' "$TMPDIR/summary"
}
clean_equal() { # out-dir [extra args]: the folder equals a clean full build
	dir=$1
	shift
	rm -rf "$TMPDIR/clean"
	"$GAZETTE" build --source "$site" --out "$TMPDIR/clean" --full -q "$@"
	diff -r "$dir" "$TMPDIR/clean" >/dev/null || {
		diff -rq "$dir" "$TMPDIR/clean" | head >&2
		fail "incremental output differs from a clean build"
	}
}

set -- $(summary "$TMPDIR/out")
total=$1
[ "$total" -gt 100 ] || fail "first build rendered only $total files"

set -- $(summary "$TMPDIR/out")
[ "$1" -eq 0 ] || fail "an unchanged rebuild rendered $1 files"
[ "$2" -eq "$total" ] || fail "an unchanged rebuild kept $2 of $total"

# edit one story's body: few files are rendered again
story=$(ls content/stories/*/*.md | head -n 1)
printf '\n增量构建测试追加的一段话。\n' >>"$story"
set -- $(summary "$TMPDIR/out")
[ "$1" -gt 0 ] || fail "an edit rendered nothing"
[ "$1" -lt $((total / 4)) ] || fail "an edit rendered $1 of $total files"
slug=$(sed -n 's/^slug: //p' "$story")
grep -rl 增量构建测试追加 "$TMPDIR/out" | grep -q "$slug" || fail "the edit is not in the page"
clean_equal "$TMPDIR/out"

# the first paragraph of a story with no summary: list pages show the new one
story4=$(ls content/stories/*/*.md | sed -n 4p)
sed -i '/^summary: /d' "$story4"
summary "$TMPDIR/out" >/dev/null
clean_equal "$TMPDIR/out"
awk 'n == 2 && !done { print "开头新写的一句话。"; done = 1 } { print } /^---$/ { n++ }' "$story4" >"$TMPDIR/s4"
cp "$TMPDIR/s4" "$story4"
summary "$TMPDIR/out" >/dev/null
grep -rq "开头新写的一句话" "$TMPDIR/out/stories/index.html" "$TMPDIR/out/stories/page" ||
	fail "list pages miss the new summary"
clean_equal "$TMPDIR/out"

# a list that shows each story's length is rendered again when a body grows
cp themes/default/layouts/partials/card.html "$TMPDIR/card.html"
printf '<span class="len">{{ page.chars }}</span>\n' >>themes/default/layouts/partials/card.html
summary "$TMPDIR/out" >/dev/null
printf '\n又追加了一段更长的话，列表上的字数应当跟着变。\n' >>"$story4"
set -- $(summary "$TMPDIR/out")
[ "$1" -gt 1 ] || fail "a body edit under a list that shows lengths rendered only $1 files"
clean_equal "$TMPDIR/out"
cp "$TMPDIR/card.html" themes/default/layouts/partials/card.html

# a tag added: the new term page appears, the counts change
story2=$(ls content/stories/*/*.md | sed -n 3p)
sed -i 's/^tags: \[/tags: [增量新标签, /' "$story2"
grep -q 增量新标签 "$story2" || fail "could not add a tag"
summary "$TMPDIR/out" >/dev/null
assert_file "$TMPDIR/out/tags/增量新标签/index.html"
clean_equal "$TMPDIR/out"

# a title shown on list pages
old_title=$(sed -n 's/^title: //p' "$story2")
sed -i "s/^title: .*/title: 改过的标题$$/" "$story2"
summary "$TMPDIR/out" >/dev/null
grep -rq "改过的标题$$" "$TMPDIR/out/stories/index.html" "$TMPDIR/out/stories/page" || fail "list pages miss the new title"
clean_equal "$TMPDIR/out"

# a village shown on list pages' cards (first_term): the card follows it
sed -i 's/^village: .*/village: "增量新村"/' "$story2"
summary "$TMPDIR/out" >/dev/null
grep -rq '<p class="card-place">[^<]* · 增量新村</p>' "$TMPDIR/out/stories/index.html" "$TMPDIR/out/stories/page" ||
	fail "list pages' cards miss the new village"
clean_equal "$TMPDIR/out"

# a rename: the old URL goes, the new one comes
story3=$(ls content/stories/*/*.md | sed -n 5p)
slug3=$(sed -n 's/^slug: //p' "$story3")
sed -i "s/^slug: .*/slug: renamed-$slug3/" "$story3"
mv "$story3" "$(dirname "$story3")/renamed-$slug3.md"
summary "$TMPDIR/out" >/dev/null
[ -z "$(find "$TMPDIR/out" -path "*/$slug3/index.html")" ] || fail "the old URL of a renamed story is still there"
[ -n "$(find "$TMPDIR/out" -path "*/renamed-$slug3/index.html")" ] || fail "the renamed story is missing"
clean_equal "$TMPDIR/out"

# site.yml: a new title reaches every page
sed -i 's/^title: .*/title: 改名后的站点/' site.yml
set -- $(summary "$TMPDIR/out")
[ "$1" -gt $((total / 2)) ] || fail "a site.yml change rendered only $1 files"
grep -q 改名后的站点 "$TMPDIR/out/index.html" || fail "the new site title is missing"
clean_equal "$TMPDIR/out"

# a corrupt record: a warning, and a full (correct) build
for f in .gazette/deps-*.txt; do printf 'garbage\n' >"$f"; done
"$GAZETTE" build --source "$site" --out "$TMPDIR/out" --verbose 2>"$TMPDIR/corrupt"
grep -q "warning: .*not a record gazette wrote" "$TMPDIR/corrupt" || { cat "$TMPDIR/corrupt"; fail "no warning for a corrupt record"; }
clean_equal "$TMPDIR/out"

# a record with the right head, cut short (or one byte of it changed):
# the same warning, nothing of it trusted
for f in .gazette/deps-*.txt; do head -c $(($(wc -c <"$f") / 2)) "$f" >"$f.head"; mv "$f.head" "$f"; done
"$GAZETTE" build --source "$site" --out "$TMPDIR/out" --verbose 2>"$TMPDIR/corrupt"
grep -q "warning: .*not a record gazette wrote" "$TMPDIR/corrupt" || { cat "$TMPDIR/corrupt"; fail "no warning for a record cut short"; }
clean_equal "$TMPDIR/out"
for f in .gazette/deps-*.txt; do
	printf 'X' | dd of="$f" bs=1 seek=$(($(wc -c <"$f") / 2)) conv=notrunc 2>/dev/null
done
"$GAZETTE" build --source "$site" --out "$TMPDIR/out" --verbose 2>"$TMPDIR/corrupt"
grep -q "warning: .*not a record gazette wrote" "$TMPDIR/corrupt" || { cat "$TMPDIR/corrupt"; fail "no warning for a record with a byte changed"; }
clean_equal "$TMPDIR/out"

# delete a story: its page and the lists it was on follow
url=$(dirname "$story" | sed 's|^content/||')/$slug
assert_file "$TMPDIR/out/$url/index.html"
rm "$story"
summary "$TMPDIR/out" >/dev/null
assert_no_file "$TMPDIR/out/$url/index.html"
clean_equal "$TMPDIR/out"

# a template change renders everything that uses it
printf '\n<!-- changed -->\n' >>themes/default/layouts/partials/card.html
set -- $(summary "$TMPDIR/out")
[ "$1" -gt $((total / 2)) ] || fail "a partial change rendered only $1 files"
clean_equal "$TMPDIR/out"

# another revision into the same folder
summary "$TMPDIR/out" --rev HEAD >/dev/null
clean_equal "$TMPDIR/out" --rev HEAD
assert_file "$TMPDIR/out/$url/index.html"
echo ok
