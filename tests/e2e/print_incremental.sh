#!/bin/sh
# A build keeps a PDF of site.yml's print: list when nothing it is made of
# changed, and typesets it again when something did: a story it prints, a
# photo it places (the same name, other bytes), the page it is (a leaflet),
# print.yml, a print layout, a page's front matter (the manifest's query may
# pick it up). The sample site in a git repository; each change committed.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || skip "poppler-utils is not installed"

site=$TMPDIR/site
out=$TMPDIR/out
mkdir -p "$site"
cp -R "$ROOT/site.yml" "$ROOT/content" "$ROOT/themes" "$site/"
make_repo "$site"
export GAZETTE_TIMING=1
B=$out/print/typical-cases-2019.pdf
L=$out/print/medical-insurance.pdf

# kept N WHAT: commit what changed, build; N of the 2 PDFs were kept
kept() {
	(cd "$site" && git add -A && git commit -qm "$2" --allow-empty)
	build --source "$site" --out "$out"
	[ "$rc" -eq 0 ] || { cat "$err_log" >&2; fail "build ($2) exited $rc"; }
	grep -q "timing: print: $1 of 2 PDFs kept from the last build" "$err_log" || {
		grep 'timing: print' "$err_log" >&2
		fail "$2: expected $1 of 2 PDFs kept"
	}
}
text() { pdftotext "$1" - | tr -d ' \n'; }

kept 0 "the first build"
assert_file "$B"
assert_file "$L"
kept 2 "nothing changed"

# a story neither prints: both kept
printf '\n印刷无关的新段落。\n' >>"$site/content/stories/2019/tv-column-typical-cases.md"
kept 2 "a story no PDF prints"

# a story the brochure prints: the brochure again, with the new text
printf '\n宣传册里新加的一段话。\n' >>"$site/content/stories/2019/muling-overview.md"
kept 1 "a story the brochure prints"
text "$B" | grep -q "宣传册里新加的一段话" || fail "the brochure does not show the edited story"

# the leaflet's own page
printf '\n折页里新加的一段话。\n' >>"$site/content/leaflets/medical-insurance.md"
kept 1 "the leaflet's page"
text "$L" | grep -q "折页里新加的一段话" || fail "the leaflet does not show its edit"

# a photo the brochure places (its cover), the same name with other bytes
sum=$(cksum <"$B")
cp "$site/content/photos/2019/xinli-sheep.jpg" "$site/content/photos/2019/muling-fields.jpg"
kept 1 "the brochure's cover photo"
[ "$(cksum <"$B")" != "$sum" ] || fail "the brochure was kept with its old cover photo"

# a story's front matter: the brochure's query now picks it up
text "$B" | grep -q "两百台小收音机" && fail "the brochure shows a story its query does not match"
sed -i 's/^tags: \[政策宣传, 健康扶贫, 医疗保障\]/tags: [政策宣传, 健康扶贫, 医疗保障, 产业扶贫, 脱贫典型]/' \
	"$site/content/stories/2019/health-policy-radios.md"
kept 1 "front matter the brochure's query reads"
text "$B" | grep -q "两百台小收音机" || fail "the brochure does not show the story its query picks up now"

# the site's print.yml; a print layout of the theme
printf '%s\n' 'brochure:' '  margins:' '    A5: {outer: 30}' >"$site/print.yml"
kept 0 "the site's print.yml"
printf '%s\n' 'return function(doc, page)' '  text(20 * mm, 60 * mm, 100 * mm, nil, "换过的封面")' 'end' \
	>"$site/themes/default/print/cover.lua"
# (every PDF is made again when any print layout changes)
kept 0 "the brochure's cover layout"
pdftotext -f 1 -l 1 "$B" - | grep -q "换过的封面" || fail "the brochure's cover layout is not the new one"

# what was kept is what a build from nothing makes
build --source "$site" --out "$TMPDIR/fresh" --full
[ "$rc" -eq 0 ] || { cat "$err_log" >&2; fail "the --full build"; }
assert_contains "$err_log" "timing: print: 0 of 2 PDFs kept"
cmp -s "$B" "$TMPDIR/fresh/print/typical-cases-2019.pdf" || fail "the kept brochure differs from a fresh one"
cmp -s "$L" "$TMPDIR/fresh/print/medical-insurance.pdf" || fail "the kept leaflet differs from a fresh one"
echo ok
