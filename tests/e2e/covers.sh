#!/bin/sh
# A brochure's covers at every page size, read from pdftotext -bbox-layout:
# the front cover's title, subtitle and issuer each whole and one under
# the other, never overprinted (the issuer had a fixed place and was
# printed inside the title block at A6); a title that cannot fit is an
# error at its line; a title of two or three lines has no line of one or
# two characters (its lines are balanced), and one with a line break
# marked breaks there on the cover alone. The back cover prints the whole copyright notice of
# site.yml above its band (at A6 it was cut to one line), and a back: text
# too long for it is an error at its line.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || skip "poppler-utils is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

site=$TMPDIR/site
mkdir -p "$site"
cp -R "$ROOT/content" "$ROOT/site.yml" "$site/"
M=content/brochures/typical-cases-2019.yml
# the manifest at size and with title
variant() {
	sed "s/^size: A5 /size: $2 /" "$site/$M" >"$site/content/brochures/$1.yml"
	[ -z "${3:-}" ] || sed -i "s/^title: .*/title: $3/" "$site/content/brochures/$1.yml"
}
for s in A4 A5 A6 B5 16K; do variant "$s" "$s"; done
# two lines and three (the most cover_title_lines allows) at A6, three at A5
variant A6-2 A6 穆棱市脱贫攻坚典型案例汇编与经验
variant A6-3 A6 穆棱市脱贫攻坚典型案例汇编与经验做法选编集
variant A5-3 A5 穆棱市二〇一九年度脱贫攻坚产业扶贫与健康扶贫典型案例汇编与经验做法
# titles whose last line held one or two characters before the cover
# balanced them (A6 sets 9 to a line, A5 14)
variant A6-w2 A6 穆棱市脱贫攻坚典型案例
variant A6-w3 A6 穆棱市脱贫攻坚典型案例汇编与经验做法选
variant A5-w2 A5 穆棱市脱贫攻坚典型案例汇编选集
variant A5-w3 A5 穆棱市二〇一九年度脱贫攻坚产业扶贫与健康扶贫典型案例汇编集
make_repo "$site"
copyright=$(sed -n 's/^ *copyright: *//p' "$site/site.yml")
[ -n "$copyright" ] || fail "site.yml has no params.copyright (test out of date)"

cd "$TMPDIR"
# the last page: every word of the notice printed, all of it above the band
back_ok() {
	n=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
	pdftotext -f "$n" -l "$n" "$1" - | tr -d ' \n' >back.txt
	assert_contains back.txt "$copyright"
	pdftotext -f "$n" -l "$n" -bbox-layout "$1" - | python3 -c '
import re, sys
out = sys.stdin.read()
h = float(re.search(r"<page width=\"[\d.]+\" height=\"([\d.]+)\"", out).group(1))
band = h * 0.72
words = re.findall(r"<word xMin=\"[\d.]+\" yMin=\"([\d.]+)\" xMax=\"[\d.]+\" yMax=\"([\d.]+)\">([^<]*)</word>", out)
# the issuer and the date are printed on the band; nothing else reaches it
above = [w for w in words if float(w[0]) < band]
low = [w for w in above if float(w[1]) > band - 1]
for w in low:
    print("PROBLEM back cover: %r reaches the band (%.1f > %.1f)" % (w[2], float(w[1]), band))
sys.exit(1 if low else 0)
' || fail "$1: the back cover"
}
# page 1: the title, the subtitle and the issuer, told apart by their
# size, whole and each below the one before with nothing overlapping
cover_ok() {
	pdftotext -f 1 -l 1 "$1" - | tr -d ' \n' >cover.txt
	assert_contains cover.txt "$(sed -n 's/^title: //p' "$2")"
	assert_contains cover.txt "$(sed -n 's/^subtitle: //p' "$2" | tr -d ' ')"
	assert_contains cover.txt "$(sed -n 's/^issuer: //p' "$2")"
	pdftotext -f 1 -l 1 -bbox-layout "$1" - | python3 -c '
import re, sys
out = sys.stdin.read()
words = [(float(a), float(b), t) for a, b, t in
         re.findall(r"<word xMin=\"[\d.]+\" yMin=\"([\d.]+)\" xMax=\"[\d.]+\" yMax=\"([\d.]+)\">([^<]*)</word>", out)]
# a Noto CJK word box is 1.437 times the size: title 22 pt, subtitle 12, issuer 10
blocks = {}
for name, size in (("title", 22), ("subtitle", 12), ("issuer", 10)):
    mine = [w for w in words if abs((w[1] - w[0]) / 1.437 - size) < 0.6]
    if not mine:
        sys.exit("PROBLEM cover: no %s (%d pt) found" % (name, size))
    blocks[name] = (min(w[0] for w in mine), max(w[1] for w in mine))
    print("%s: %.1f to %.1f" % (name, *blocks[name]))
    if name == "title":
        title = mine
bad = False
# a title of two lines or three keeps more than two characters on each
rows = {}
for w in title:
    rows.setdefault(round(w[0]), []).append(w[2])
if len(rows) > 1:
    for y in sorted(rows):
        line = "".join(rows[y])
        print("title line: %s" % line)
        if len(line) <= 2:
            print("PROBLEM cover: a title line of %d characters: %s" % (len(line), line))
            bad = True
for upper, lower in (("title", "subtitle"), ("subtitle", "issuer")):
    if blocks[upper][1] > blocks[lower][0]:
        print("PROBLEM cover: the %s (to %.1f) runs into the %s (from %.1f)"
              % (upper, blocks[upper][1], lower, blocks[lower][0]))
        bad = True
sys.exit(1 if bad else 0)
' || fail "$1: the cover"
}
for s in A4 A5 A6 B5 16K A6-2 A6-3 A5-3 A6-w2 A6-w3 A5-w2 A5-w3; do
	"$GAZETTE" print --source "$site" "content/brochures/$s.yml" -o "$s.pdf" 2>err ||
		{ cat err; fail "print the sample at $s"; }
	cover_ok "$s.pdf" "$site/content/brochures/$s.yml"
	back_ok "$s.pdf"
done

# a title and subtitle the A6 cover cannot hold above the issuer: an error
# at the title's line, no PDF
variant long-title A6 穆棱市脱贫攻坚典型案例汇编与经验做法选编集
sed -i 's/^subtitle: \(.*\)$/subtitle: \1\1\1/' "$site/content/brochures/long-title.yml"
set +e
"$GAZETTE" print --source "$site" content/brochures/long-title.yml -o long.pdf 2>err
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat err; fail "a title and subtitle too long for an A6 cover: exit $rc, want 1"; }
grep -E "^content/brochures/long-title.yml:2:8: title is too long for the cover: with the subtitle it runs [0-9]+ mm into the issuer's line at A6; shorten the title or the subtitle$" err ||
	{ cat err; fail "the long title's message"; }
assert_no_file long.pdf

# a back: text the back cover cannot hold is an error at its line, no PDF
variant long A6
sed -i 's/^back: \(.*\)$/back: \1\1\1\1\1\1/' "$site/content/brochures/long.yml"
set +e
"$GAZETTE" print --source "$site" content/brochures/long.yml -o long.pdf 2>err
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat err; fail "a back: too long for an A6 back cover: exit $rc, want 1"; }
grep -E "^content/brochures/long.yml:11:7: the back cover's text \(back: and site.yml params.copyright\) runs [0-9]+ mm into its band at A6; shorten back:$" err ||
	{ cat err; fail "the long back's message"; }
assert_no_file long.pdf
# a layout's messages are in the editor's language, as the program's are
set +e
LANGUAGE=zh_CN LANG=C.UTF-8 "$GAZETTE" print --source "$site" content/brochures/long.yml -o long.pdf 2>err
set -e
grep -E "^content/brochures/long.yml:11:7: 封底的文字（back: 和 site.yml 的 params.copyright）超出版面 [0-9]+ 毫米（A6 开本）；请缩短 back:$" err ||
	{ cat err; fail "the long back's message in Chinese"; }
# a brochure without a cover photo: the accent colour fills the photo's
# place, not a white field over half the cover
variant nophoto A5
sed -i '/^cover: /d' "$site/content/brochures/nophoto.yml"
"$GAZETTE" print --source "$site" content/brochures/nophoto.yml -o nophoto.pdf || fail "print without a cover photo"
pdftoppm -r 20 -f 1 -l 1 -gray nophoto.pdf nophoto
python3 - nophoto-*.pgm <<'PY' || fail "a cover without a photo is white where the photo would be"
import sys
d = open(sys.argv[1], "rb").read()
head = d.split(b"\n", 3)
w, h = map(int, head[1].split())
px = head[3][:w * h]
top = px[:w * (h * 4 // 10)]
assert sum(top) / len(top) < 128, sum(top) / len(top)
PY

# a line break in a title (a newline in its YAML) is where the cover
# breaks it, and nowhere else: unmarked, the A6 cover splits 攻坚
# ("穆棱市脱贫攻 / 坚典型案例"); marked, in double quotes or as a block
# scalar, it breaks after 攻坚, and the PDF's Title, the colophon and the
# running heads read it whole. A part too long for its line is balanced
# alone. A story's title is marked the same way for its opening page.
variant marked A6 '"穆棱市脱贫攻坚\\n典型案例"'
variant marked-block A6
sed -i 's/^title: .*/title: |\n  穆棱市脱贫攻坚\n  典型案例/' "$site/content/brochures/marked-block.yml"
variant marked-part A6 '"穆棱市\\n脱贫攻坚典型案例汇编"'
sed -i 's/^title: .*/title: "穆棱脱贫攻坚\\n纪实"/' "$site/content/stories/2019/muling-overview.md"
# the PDF $1's first page begins with the lines after $2, its Title is $3
marked_ok() {
	pdf=$1 whole=$3
	printf '%s\n' $2 >want.txt
	pdftotext -f 1 -l 1 -layout "$pdf" - | sed 's/^ *//; s/ *$//' | grep -v '^$' |
		head -n "$(wc -l <want.txt)" >got.txt
	diff -u want.txt got.txt || fail "$pdf: the cover's title lines"
	[ "$(pdfinfo "$pdf" | sed -n 's/^Title: *//p')" = "$whole" ] ||
		{ pdfinfo "$pdf"; fail "$pdf: the PDF's Title is not '$whole'"; }
	# the colophon (page 2) opens with the title on one line
	pdftotext -f 2 -l 2 -layout "$pdf" - | tr -d '\f' | sed 's/^ *//; s/ *$//' | grep -v '^$' >colophon.txt
	assert_contains colophon.txt "编印："
	[ "$(head -n 1 colophon.txt)" = "$whole" ] ||
		{ cat colophon.txt; fail "$pdf: the colophon's title line is not '$whole'"; }
	# the running heads, and the contents, hold the titles whole
	pdftotext -f 3 -layout "$pdf" - | tr -d '\f' | sed 's/^ *//; s/ *$//' >rest.txt
	grep -qx "$whole" rest.txt || fail "$pdf: no running head '$whole'"
	! grep -qx "$(echo "$2" | cut -d' ' -f1)" rest.txt || fail "$pdf: a running head is broken"
	grep -q "^穆棱脱贫攻坚纪实" rest.txt || fail "$pdf: the contents' line of a marked story"
	# the marked story opens with its title in the lines marked
	grep -A1 -x "穆棱脱贫攻坚" rest.txt | grep -qx "纪实" || fail "$pdf: the marked story's opening"
}
for s in marked marked-block; do
	"$GAZETTE" print --source "$site" "content/brochures/$s.yml" -o "$s.pdf" 2>err ||
		{ cat err; fail "print the brochure $s"; }
	marked_ok "$s.pdf" "穆棱市脱贫攻坚 典型案例" 穆棱市脱贫攻坚典型案例
done
"$GAZETTE" print --source "$site" content/brochures/marked-part.yml -o marked-part.pdf 2>err ||
	{ cat err; fail "print the brochure marked-part"; }
marked_ok marked-part.pdf "穆棱市 脱贫攻坚典 型案例汇编" 穆棱市脱贫攻坚典型案例汇编
echo "covers: ok"
