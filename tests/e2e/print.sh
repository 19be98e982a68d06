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
# the dates as the PDF standard writes them (preflight reports one without
# "D:"), and every cross-reference entry still at its object after the
# boxes and the "D:" were put in
grep -a -q "/CreationDate (D:20191230" cases.pdf || fail "the creation date lacks 'D:'"
grep -a -q "/ModDate (D:20191230" cases.pdf || fail "the modification date lacks 'D:'"
python3 - cases.pdf <<'PY' || fail "a cross-reference entry misses its object"
import re, sys
d = open(sys.argv[1], "rb").read()
at = int(d[d.rindex(b"startxref") + 9:].split()[0])
lines = d[at:].split(b"\n")
assert lines[0] == b"xref"
for i in range(int(lines[1].split()[1])):
    e = lines[2 + i]
    if e[17:18] == b"n":
        off = int(e[:10])
        assert re.match(rb"%d 0 obj" % i, d[off:off + 20]), "object %d" % i
PY
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
assert_contains all.txt "印制日期：2019年12月30日"
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
# sheet 1 shows the back cover (the issuer's 编印 line) and the cover title
pdftotext -f 1 -l 1 -layout book.pdf s1.txt
assert_contains s1.txt "编印"
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
# the back panel alone (97 to 197 mm), where the address may take two lines
pdftotext -f 1 -l 1 -x 275 -y 0 -W 283 -H 595 leaf.pdf - | tr -d '\n' |
	grep -q "https://muling.example.gov.cn/leaflets/medical-insurance/" ||
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
printf -- '---\ntitle: 还没写完的稿子\ndate: 2019-05-01\nstatus: draft\n---\n\n草稿。\n' >site/content/stories/2019/unfinished.md
bad 'title: t
date: 2019-01-01
stories: [content/stories/2019/unfinished.md]' "content/brochures/bad.yml:3:11: story 'content/stories/2019/unfinished.md' is not published"
rm site/content/stories/2019/unfinished.md
bad 'title: t
date: 2019-01-01
size: A7
stories: [content/stories/2019/muling-overview.md]' "content/brochures/bad.yml:3:7: page size 'A7'"
printf 'not a photo' >site/content/photos/broken.jpg
bad 'title: t
date: 2019-01-01
cover: content/photos/broken.jpg
stories: [content/stories/2019/muling-overview.md]' "content/brochures/bad.yml:3:8: photo 'content/photos/broken.jpg' is not an image"
# a header that reads and pixels cut short: found while its copy is made
head -c 30000 site/content/photos/2019/muling-fields.jpg >site/content/photos/cut.jpg
bad 'title: t
date: 2019-01-01
cover: content/photos/cut.jpg
stories: [content/stories/2019/muling-overview.md]' "content/brochures/bad.yml:3:8: photo 'content/photos/cut.jpg' is damaged or cut short"
rm site/content/photos/cut.jpg
bad 'title: 一个非常非常长的标题一个非常非常长的标题一个非常非常长的标题一个非常非常长的标题一个非常非常长的标题
date: 2019-01-01
stories: [content/stories/2019/muling-overview.md]' "content/brochures/bad.yml:1:8: title is too long for the cover"
bad 'title: t
date: 2019-01-01
fonts: {text: No Such Font}
stories: [content/stories/2019/muling-overview.md]' "font 'No Such Font' is not installed"

# ---- Lua print layouts: the site's override the theme's ----
G=content/brochures/good.yml
printf '%s\n' 'title: 测试册' 'date: 2019-01-01' 'stories: [content/stories/2019/muling-overview.md]' >site/$G
mkdir -p site/print
printf '%s\n' '-- a cover of the site'\''s own' \
	'return function(doc, page)' \
	'  rect(-page.bleed, -page.bleed, page.width + 2 * page.bleed, 40 * mm, "#204080")' \
	'  local h, over = text(20 * mm, 60 * mm, page.width - 40 * mm, nil, "本站自制封面：" .. esc(doc.title), {font = "sans", size = 20, color = "accent"})' \
	'  assert(h > 0 and not over)' \
	'  rule(20 * mm, 60 * mm + h, page.width - 20 * mm, 60 * mm + h, 1, 0.5)' \
	'  qr("https://example.org/", 20 * mm, 100 * mm, 30 * mm)' \
	'  text(20 * mm, 140 * mm, 80 * mm, nil, "共" .. #doc.titles .. "篇 " .. page.width .. "x" .. page.height)' \
	'end' >site/print/cover.lua
"$GAZETTE" print --source site $G -o own.pdf 2>err || { cat err; fail "print with the site's cover"; }
pdftotext -f 1 -l 1 own.pdf own1.txt
assert_contains own1.txt "本站自制封面：测试册"
assert_contains own1.txt "共1篇 419.52"
# the theme's cover is not drawn; its back cover still is
assert_not_contains own1.txt "中共穆棱市委宣传部"
pages=$(pdfinfo own.pdf | awk '/^Pages:/ {print $2}')
pdftotext -f "$pages" -l "$pages" own.pdf ownb.txt
assert_contains ownb.txt "编印"

# a Lua error in a layout: file:line, exit 1, no PDF
lua_bad() {
	printf '%s\n' "$1" >site/print/back.lua
	set +e
	"$GAZETTE" print --source site $G -o bad.pdf 2>err
	rc=$?
	set -e
	[ $rc = 1 ] || fail "exit $rc for layout: $1"
	assert_contains err "$2"
	assert_no_file bad.pdf
	ls bad.pdf.tmp* >/dev/null 2>&1 && fail "temporary PDF left behind"
	:
}
lua_bad 'return function(doc, page)
  local n = nil
  text(0, 0, 100, nil, "x" .. n)
end' "print/back.lua:3: attempt to concatenate a nil value (local 'n') (while printing content/brochures/good.yml)"
lua_bad 'return function(doc, page)
  text(0, 0, 100, nil, "<b>unclosed")
end' "print/back.lua:2: text markup:"
lua_bad 'return function(doc, page)
  image("../etc/passwd", 0, 0, 10, 10)
end' "print/back.lua:2: image '../etc/passwd' is not a path in the site"
lua_bad 'return function(doc, page)
  rect(0, 0, 10, 10, "no-such-colour")
end' "print/back.lua:2: colour 'no-such-colour' is not #rrggbb"
lua_bad 'return function(doc, page)
  io.open("/etc/passwd")
end' "print/back.lua:2: attempt to index a nil value (global 'io')"
lua_bad 'return function(doc, page)
  while true do end
end' "print/back.lua:2: ran more than 2 hundred million steps, stopped"
lua_bad 'return function(doc, page)
  if then
end' "print/back.lua:2: unexpected symbol near 'then'"
lua_bad 'return 42' "print/back.lua:1: a print layout must return function(doc, page), not a number"
lua_bad 'return function(doc, page)
  fail("date", "the print date is wrong")
end' "content/brochures/good.yml:2:7: the print date is wrong"
lua_bad 'return function(doc, page)
  image("content/photos/broken.jpg", 0, 0, 10, 10)
end' "print/back.lua:2: photo 'content/photos/broken.jpg' is not an image"
rm site/print/back.lua site/print/cover.lua

# ---- print.yml: the site's settings change the output ----
"$GAZETTE" print --source site $G -o plain.pdf
# page 4 is a left-hand page: its text starts at the outer margin (14 mm)
xmin() { pdftotext -f 4 -l 4 -bbox "$1" - | sed -n 's/.*<word xMin="\([0-9.]*\)".*/\1/p' | sort -n | head -n 1; }
x0=$(xmin plain.pdf)
printf '%s\n' 'brochure:' '  margins:' '    A5: {outer: 30}' 'fonts:' '  text: Noto Sans CJK SC' >site/print.yml
"$GAZETTE" print --source site $G -o conf.pdf 2>err || { cat err; fail "print with the site's print.yml"; }
x1=$(xmin conf.pdf)
awk -v a="$x0" -v b="$x1" 'BEGIN { exit !(a > 39 && a < 41 && b > 84 && b < 86) }' ||
	fail "outer margin: $x0 pt by default, $x1 pt with 30 mm (expected 39.7 and 85.0)"
pdffonts plain.pdf | grep -q "NotoSerifCJK" || fail "the theme's body font is not used"
pdffonts conf.pdf | grep -q "NotoSerifCJK" && fail "the site's print.yml font is not used"
# the other margins and the theme's colours stay
pdftotext -f 5 -l 5 -bbox conf.pdf - | grep -q 'xMin="51.02' || fail "inner margin changed too"
printf '%s\n' 'colors:' '  accent: red' >site/print.yml
bad 'title: t
date: 2019-01-01
stories: [content/stories/2019/muling-overview.md]' "print.yml:2:11: colour 'red' is not #rrggbb"
printf '%s\n' 'brochure:' '  leading: lots' >site/print.yml
bad 'title: t
date: 2019-01-01
stories: [content/stories/2019/muling-overview.md]' "print.yml:2:12: 'lots' is not a number from 1 to 3"
rm site/print.yml

# a leaflet title too long for the cover panel is the page's error
mkdir -p site/content/leaflets
printf '%s\n' '---' 'title: 一个非常非常长的折页标题一个非常非常长的折页标题一个非常非常长的折页标题一个非常非常长的折页标题' \
	'date: 2020-01-01' 'layout: trifold' '---' '开头。' '' '## 问：一' '' '答：二。' >site/content/leaflets/long.md
set +e
"$GAZETTE" print --source site content/leaflets/long.md -o long.pdf 2>err
rc=$?
set -e
[ $rc = 1 ] || fail "long leaflet title: exit $rc"
assert_contains err "content/leaflets/long.md:2:8: title is too long for the leaflet's cover panel"
assert_no_file long.pdf
rm site/content/leaflets/long.md

# a theme of the site's own without print/ or print.yml: the default's serve
mkdir -p own/themes/mine
cp -R "$ROOT/content" own/
cp -R "$ROOT/themes/default/layouts" "$ROOT/themes/default/hooks" own/themes/mine/
grep -v '^theme:' "$ROOT/site.yml" >own/site.yml
echo 'theme: mine' >>own/site.yml
"$GAZETTE" print --source own "$B" -o mine.pdf 2>err || { cat err; fail "print with a theme without print layouts"; }
pdftotext -f 1 -l 1 mine.pdf mine1.txt
assert_contains mine1.txt "穆棱市脱贫攻坚典型案例"
# … and its own layout, when it has one, with its path in errors
mkdir -p own/themes/mine/print
printf '%s\n' 'return function(doc, page)' '  rule(0, 0, 10, 10, 1, "nope")' 'end' >own/themes/mine/print/back.lua
set +e
"$GAZETTE" print --source own "$B" -o mine2.pdf 2>err
rc=$?
set -e
[ $rc = 1 ] || fail "theme layout error: exit $rc"
assert_contains err "themes/mine/print/back.lua:2: colour 'nope' is not #rrggbb"
assert_no_file mine2.pdf

# gazette build uses the site's layouts too
printf '%s\n' 'return function(doc, page)' '  text(20 * mm, 60 * mm, 100 * mm, nil, "构建用封面")' 'end' >site/print/cover.lua
"$GAZETTE" build --source site --out out --quiet 2>err || { cat err; fail "build with a site print layout"; }
pdftotext -f 1 -l 1 out/print/typical-cases-2019.pdf built1.txt
assert_contains built1.txt "构建用封面"
rm site/print/cover.lua

# ---- photos: 300 dpi at their placed size, kept in .gazette/print ----
rm -rf site/.gazette
print_timed() { # name: print the brochure to name.pdf, GAZETTE_TIMING's lines in name.err
	GAZETTE_TIMING=1 "$GAZETTE" print --source site "$B" -o "$1.pdf" 2>"$1.err" ||
		{ cat "$1.err"; fail "print ($1)"; }
}
print_timed cold
made=$(sed -n 's/.*: \([0-9]*\) photo copies made, 0 from the cache$/\1/p' cold.err)
[ -n "$made" ] && [ "$made" -ge 3 ] || { cat cold.err; fail "an empty cache: expected 3 or more copies made"; }
# every photo but the cover is drawn at 300 dpi (the sample's cover photo is
# smaller than its 300 dpi size, and a copy is never enlarged)
pdfimages -list cold.pdf >images
n300=$(awk 'NR > 2 && $13 == 300 && $14 == 300 { print $11 }' images | sort -u | wc -l)
[ "$n300" = $((made - 1)) ] || { cat images; fail "$n300 photos of $made at 300 dpi"; }
assert_file site/.gazette/.gitignore
ls site/.gazette/print/*.copy >copies
[ "$(wc -l <copies)" = "$made" ] || { cat copies; fail "not every copy was kept"; }
print_timed warm
assert_contains warm.err ": 0 photo copies made, $made from the cache"
cmp -s cold.pdf warm.pdf || fail "copies from the cache changed the PDF"
# a damaged entry is not used; it is made again, the same bytes
one=$(sed -n 1p copies) two=$(sed -n 2p copies) three=$(sed -n 3p copies)
cp "$one" one.bak
head -c 1000 one.bak >"$one"
printf 'damaged-damaged!' | dd of="$two" bs=1 seek=5000 conv=notrunc 2>/dev/null
printf 'gazette-print-copy 2 10 10 999999 zz\n' >"$three"
print_timed fixed
assert_contains fixed.err ": 3 photo copies made, $((made - 3)) from the cache"
cmp -s cold.pdf fixed.pdf || fail "a damaged cache entry changed the PDF"
cmp -s one.bak "$one" || fail "a damaged cache entry was not made again"
print_timed fixed2
assert_contains fixed2.err ": 0 photo copies made, $made from the cache"
# a cache that cannot be written: the same PDF, every copy made
rm -rf site/.gazette
printf 'not a folder\n' >site/.gazette
print_timed nocache
assert_contains nocache.err ": $made photo copies made, 0 from the cache"
cmp -s cold.pdf nocache.pdf || fail "printing without a cache changed the PDF"
rm site/.gazette
# gazette build keeps the copies too: a print after it makes none
"$GAZETTE" build --source site --out out --quiet 2>err || { cat err; fail "build"; }
print_timed after
assert_contains after.err ": 0 photo copies made, $made from the cache"
# the brochure a build makes is the one print makes: the same bytes (the
# build's photo stage puts pictures in the pages; the body's own photos
# must still be placed)
cmp -s out/print/typical-cases-2019.pdf after.pdf ||
	fail "gazette build and gazette print made different brochures"
# copies no print has used for two months are removed; those used now,
# a recent one and anything that is not an entry stay
u=$(sed -n 1p copies)
touch -d '100 days ago' "$u"
c=site/.gazette/print
printf 'old' >"$c/00000000000000ff.copy"
printf 'new' >"$c/00000000000000fe.copy"
printf 'keep' >"$c/notes.txt"
touch -d '100 days ago' "$c/00000000000000ff.copy" "$c/notes.txt"
print_timed pruned
assert_contains pruned.err ": 0 photo copies made, $made from the cache"
assert_no_file "$c/00000000000000ff.copy"
assert_file "$c/00000000000000fe.copy"
assert_file "$c/notes.txt"
assert_file "$u"
[ -n "$(find "$u" -mtime -1)" ] || fail "a copy read back is not marked as used"
# gazette build prunes too
touch -d '100 days ago' "$c/00000000000000fe.copy"
"$GAZETTE" build --source site --out out --quiet 2>err || { cat err; fail "build (prune)"; }
assert_no_file "$c/00000000000000fe.copy"
assert_file "$u"
echo ok
