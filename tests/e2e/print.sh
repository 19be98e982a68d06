#!/bin/sh
# gazette print: the sample brochure and leaflet checked with poppler-utils
# (order, contents page numbers, embedded subset fonts, page sizes and
# boxes, booklet order, 禁则 line breaks, the leaflet's QR URL) and the
# errors for bad manifests, which leave no PDF behind.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || skip "poppler-utils is not installed"

cd "$TMPDIR"
B=content/brochures/typical-cases-2019.yml
"$GAZETTE" print --source "$ROOT" "$B" -o cases.pdf || fail "print the brochure"
pdfinfo cases.pdf >info
assert_contains info "Page size:       419.528 x 595.276 pts"
pdfinfo cases.pdf | grep -q "CreationDate:.*2019" || fail "creation date is not the manifest's date"
# reproducible: the same input gives the same bytes
"$GAZETTE" print --source "$ROOT" "$B" -o again.pdf
cmp -s cases.pdf again.pdf || fail "two runs differ"

# fonts: every one embedded and subset
pdffonts cases.pdf | tail -n +3 >fonts
[ -s fonts ] || fail "no fonts"
awk '{ if ($(NF-4) != "yes" || $(NF-3) != "yes") { print; bad = 1 } } END { exit bad }' fonts ||
	fail "a font is not embedded and subset"

# contents: each title's page number is the page it opens on
pages=$(pdfinfo cases.pdf | awk '/^Pages:/ {print $2}')
pdftotext -f 3 -l 3 -layout cases.pdf toc.txt
assert_contains toc.txt "目"
n=0
grep -E '[0-9]+ *$' toc.txt | sed 's/[. ]*\([0-9][0-9]*\) *$/|\1/' | while IFS='|' read -r title page; do
	title=$(echo "$title" | sed 's/^ *//; s/ *$//')
	pdftotext -f "$page" -l "$page" cases.pdf p.txt
	tr -d '\n ' <p.txt | grep -qF "$title" || fail "contents: '$title' is not on page $page"
	prev=$((page - 1))
	pdftotext -f "$prev" -l "$prev" cases.pdf q.txt
	echo "ok $title $page"
done >toc.log
[ "$(wc -l <toc.log)" -ge 4 ] || { cat toc.log toc.txt; fail "contents has fewer than 4 entries"; }
# the order: the listed paths first
head -n 1 toc.log | grep -q "穆棱脱贫攻坚纪实" || fail "first story is not the first listed"
pdftotext cases.pdf all.txt
assert_contains all.txt "中共穆棱市委宣传部"
assert_contains all.txt "印制日期：2019-12-30"
assert_contains all.txt "转载"

# 禁则: no line starts with closing or ends with opening punctuation
pdftotext -layout cases.pdf lines.txt
pdftotext -layout leaf.pdf 2>/dev/null || true
awk '{ sub(/^[ \t]+/, ""); sub(/[ \t]+$/, ""); if ($0 == "") next
	if ($0 ~ /^(。|，|、|；|：|？|！|」|』|）|》)/ || $0 ~ /(「|『|（|《)$/) { print NR ": " $0; bad = 1 } }
	END { exit bad }' lines.txt || fail "a line breaks against 禁则"

# bleed and marks: a larger sheet, boxes around the trim
"$GAZETTE" print --source "$ROOT" "$B" -o bleed.pdf --bleed 3mm
pdfinfo bleed.pdf | grep -q "Page size:       436.535 x 612.283 pts" || fail "bleed size"
pdfinfo -box -f 2 -l 2 bleed.pdf | awk '/TrimBox/ {print $4, $5, $6, $7}' | grep -qx "8.50 8.50 428.03 603.78" ||
	{ pdfinfo -box -f 2 -l 2 bleed.pdf; fail "TrimBox"; }
pdfinfo -box -f 2 -l 2 bleed.pdf | awk '/BleedBox/ {print $4, $5, $6, $7}' | grep -qx "0.00 0.00 436.54 612.28" || fail "BleedBox"

# booklet: 2-up on A4 landscape, sheet 1 front = last page | first page
"$GAZETTE" print --source "$ROOT" "$B" -o book.pdf --imposition booklet
bp=$(pdfinfo book.pdf | awk '/^Pages:/ {print $2}')
pdfinfo book.pdf | grep -q "Page size:       839.055 x 595.276 pts" || fail "booklet sheet size"
# the unimposed brochure padded to 4 has $((bp * 2)) pages; the front of
# sheet 1 shows the back cover (the issuer's 印制 line) and the cover title
pdftotext -f 1 -l 1 -layout book.pdf s1.txt
assert_contains s1.txt "印制"
assert_contains s1.txt "穆棱市脱贫攻坚典型案例"
# sheet 1's back shows pages 2 and n-1: the colophon (版权) on the left
pdftotext -f 2 -l 2 -layout book.pdf s2.txt
assert_contains s2.txt "稿件来源与使用说明"
# the folio pairs on the sheets: left + right = total + 1 for inside pages
pdftotext -f 3 -l 3 -layout book.pdf s3.txt
total=$((bp * 2))
tail -n 3 s3.txt | grep -oE '[0-9]+' >folios || true
if [ "$(wc -l <folios)" = 2 ]; then
	a=$(sed -n 1p folios) b=$(sed -n 2p folios)
	[ $((a + b)) = $((total + 1)) ] || fail "sheet 2 front: folios $a and $b do not add up to $((total + 1))"
fi

# the leaflet: two A4 landscape pages, the web address printed by the QR
"$GAZETTE" print --source "$ROOT" content/leaflets/medical-insurance.md -o leaf.pdf
pdfinfo leaf.pdf | grep -q "Pages:           2" || fail "leaflet pages"
pdfinfo leaf.pdf | grep -q "Page size:       841.89 x 595.276 pts" || fail "leaflet size"
pdftotext leaf.pdf leaf.txt
tr -d '\n' <leaf.txt | grep -q "https://muling.example.gov.cn/leaflets/medical-insurance/" ||
	fail "the leaflet has no URL by the QR code"
assert_contains leaf.txt "老人不识字怎么办"

# bad input: path:line, exit 1, no PDF
mkdir -p site && cp -R "$ROOT/site.yml" "$ROOT/content" site/
bad() {
	printf '%s\n' "$1" >site/content/brochures/bad.yml
	set +e
	"$GAZETTE" print --source site content/brochures/bad.yml -o bad.pdf 2>err
	rc=$?
	set -e
	[ $rc = 1 ] || fail "exit $rc for: $1"
	assert_contains err "$2"
	assert_no_file bad.pdf
	ls bad.pdf.tmp* >/dev/null 2>&1 && fail "temporary PDF left behind"
	:
}
bad 'title: t
date: 2019-01-01
stories: [content/stories/none.md]' "content/brochures/bad.yml:3:11: story 'content/stories/none.md' does not exist"
bad 'title: t
date: 2019-01-01
size: A7
stories: [content/stories/2019/muling-overview.md]' "content/brochures/bad.yml:3:7: page size 'A7'"
printf 'not a photo' >site/content/photos/broken.jpg
bad 'title: t
date: 2019-01-01
cover: content/photos/broken.jpg
stories: [content/stories/2019/muling-overview.md]' "content/brochures/bad.yml:3:8: photo 'content/photos/broken.jpg' is not an image"
bad 'title: 一个非常非常长的标题一个非常非常长的标题一个非常非常长的标题一个非常非常长的标题一个非常非常长的标题
date: 2019-01-01
stories: [content/stories/2019/muling-overview.md]' "content/brochures/bad.yml:1:8: title is too long for the cover"
bad 'title: t
date: 2019-01-01
fonts: {text: No Such Font}
stories: [content/stories/2019/muling-overview.md]' "font 'No Such Font' is not installed"
echo ok
