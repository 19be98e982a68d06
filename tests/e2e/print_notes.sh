#!/bin/sh
# A story's footnotes in a brochure as a book sets them (pdftotext
# -bbox-layout): after the body, smaller than it, each starting with the
# number its mark shows ("注1："), a link's address kept, a note's second
# paragraph kept too; the body paragraphs at the body's size. A policy
# leaflet with a note sets it apart too, smaller than its answers, but
# never under the leaflet's least type size, and a long web address in a
# note breaks as a book breaks one. Notes numbered to 注11 hang by one
# indent, an address after "。" has no space before it, and no line starts
# with a note's raised number.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || skip "poppler-utils is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

cd "$TMPDIR"
site=$TMPDIR/site
mkdir -p "$site/content/stories" "$site/content/brochures"
cp "$ROOT/site.yml" "$site/"
story='孟庆龙的合作社去年卖出蜂蜜三万斤，收入比前年翻了一番[^1]。社员们说，账本上的每一笔都看得见。

合作社把分红的办法写进了章程[^2]，每年年底按交蜜的斤数分配。

今年春天，合作社又添了两百箱蜂，准备扩大规模。

[^1]: 数据来自[穆棱市统计局](https://tjj.muling.example.gov.cn/honey)公布的年度报告。
[^2]: 章程第十二条规定，分红不少于盈余的六成。

    章程经全体社员大会表决通过，在村部公开张贴。'
write "$site/content/stories/honey.md" <<EOF2
---
title: 蜂蜜合作社的账本
date: 2019-06-01
slug: honey
author: 孙昊
---
$story
EOF2
write "$site/content/brochures/honey.yml" <<'EOF2'
title: 合作社故事
issuer: 中共穆棱市委宣传部
date: 2019-12-30
size: A5
stories:
  - content/stories/honey.md
EOF2
make_repo "$site"
(cd "$site" && "$GAZETTE" print content/brochures/honey.yml -o "$TMPDIR/honey.pdf") 2>err ||
	{ cat err; fail "print the brochure"; }
pdftotext -bbox-layout "$TMPDIR/honey.pdf" honey.xml

python3 - honey.xml <<'PY' || fail "the footnotes are not set apart as notes"
import re, sys
# lines of text in reading order: (page, y, height, text)
lines = []
for page, body in enumerate(re.split(r"<page ", open(sys.argv[1], encoding="utf-8").read())):
    for m in re.finditer(r"<line [^>]*yMin=\"([\d.]+)\" [^>]*yMax=\"([\d.]+)\">(.*?)</line>", body, re.S):
        words = re.findall(r"<word [^>]*>(.*?)</word>", m.group(3))
        lines.append((page, float(m.group(1)), float(m.group(2)) - float(m.group(1)), "".join(words)))
def find(text):
    hits = [l for l in lines if text in l[3]]
    assert hits, "no line with %r in %r" % (text, [l[3] for l in lines])
    return hits[0]
body = [find(t) for t in ("孟庆龙的合作社", "合作社把分红", "今年春天")]
note1, link = find("数据来自穆棱市统计局"), find("tjj.muling")
note2a, note2b = find("章程第十二条"), find("章程经全体社员大会")
size = min(l[2] for l in body)
for n in (note1, note2a, note2b):
    assert (n[0], n[1]) > (body[-1][0], body[-1][1]), "a note before the body's end: %r" % (n,)
    assert n[2] < 0.9 * size, "a note set as large as the body: %r against %.1f" % (n, size)
assert note1[3].startswith("注1："), note1
assert note2a[3].startswith("注2："), note2a
assert not note2b[3].startswith("注"), note2b
assert (note1[0], note1[1]) < (note2a[0], note2a[1]) < (note2b[0], note2b[1])
# the marks in the text are its numbers, set small (superscript)
for m in re.finditer(r"<word [^>]*yMin=\"([\d.]+)\" [^>]*yMax=\"([\d.]+)\">([12])</word>", open(sys.argv[1], encoding="utf-8").read()):
    assert float(m.group(2)) - float(m.group(1)) < 0.8 * size, "a mark at the body's size"
print("body %.1f, notes %.1f" % (size, note1[2]))
PY

# a policy leaflet with a note: set apart as in the brochure, its address kept
leaf=$TMPDIR/leaf
mkdir -p "$leaf"
cp -R "$ROOT/content" "$ROOT/site.yml" "$leaf/"
L=content/leaflets/medical-insurance.md
python3 - "$leaf/$L" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read().replace("发到每户。", "发到每户[^1]。", 1)
s += "\n[^1]: 详见[穆棱市医疗保障局](https://ybj.muling.example.gov.cn/)公布的报销目录。\n"
open(p, "w", encoding="utf-8").write(s)
PY
make_repo "$leaf"
(cd "$leaf" && "$GAZETTE" print "$L" -o "$TMPDIR/leaf.pdf") 2>err || { cat err; fail "print the leaflet"; }
# heights XML: the height of the note's first word and of the answers'
heights() {
	python3 - "$1" <<'PY'
import re, sys
x = open(sys.argv[1], encoding="utf-8").read()
words = [(float(a), float(b), w) for a, b, w in
         re.findall(r"<word [^>]*yMin=\"([\d.]+)\" [^>]*yMax=\"([\d.]+)\">(.*?)</word>", x)]
def height(prefix):
    hits = [b - a for a, b, w in words if w.startswith(prefix)]
    assert hits, "no word starting %r" % prefix
    return hits[0]
print(height("注1："), height("答：看医疗保障"))
PY
}
pdftotext -bbox-layout "$TMPDIR/leaf.pdf" leaf.xml
h=$(heights leaf.xml) || fail "the leaflet's note or answers are missing"
echo "$h" | awk '{ exit !($1 < 0.9 * $2) }' || fail "the leaflet's note is as large as the answers ($h)"
assert_contains leaf.xml "ybj.muling.example.gov.cn"

# the same leaflet held at its least body size (leaflet.body, 11 pt, for
# elderly readers): 0.8 of it would be under that floor, so the note is
# at the floor, as large as the answers
printf 'leaflet:\n  body_max: 11\n' >"$leaf/print.yml"
(cd "$leaf" && git add print.yml && git commit -qm 'at the least size') || fail "commit print.yml"
(cd "$leaf" && "$GAZETTE" print "$L" -o "$TMPDIR/small.pdf") 2>err || { cat err; fail "print the leaflet at 11 pt"; }
pdftotext -bbox-layout "$TMPDIR/small.pdf" small.xml
h=$(heights small.xml) || fail "the leaflet's note or answers are missing at 11 pt"
echo "$h" | awk '{ exit !($1 >= 0.98 * $2) }' ||
	fail "the leaflet's note is under the leaflet's least type size (note, answers: $h)"

# a note with a long web address, in the leaflet's narrowest panel at the
# notes' largest size: the address breaks where a book breaks one (after
# '/', before '.', '_', '?', by '=' and '&'), so no line of the note is
# wider than the panel or left half empty, and every character of the
# address is there in order, with nothing added that copying would keep
url='https://www.example.gov.cn/zwgk/zcjd/2019/06/content_verylongname_2019060812345.html?source=print&id=20190608'
python3 - "$leaf/$L" "$url" <<'PY'
import sys
p, url = sys.argv[1], sys.argv[2]
s = open(p, encoding="utf-8").read().replace("用时不慌。", "用时不慌[^2]。", 1)
s += "[^2]: 办理办法见[政策解读](%s)。\n" % url
open(p, "w", encoding="utf-8").write(s)
PY
(cd "$leaf" && git commit -qam 'a long address') || fail "commit the leaflet"
(cd "$leaf" && "$GAZETTE" print "$L" -o "$TMPDIR/url.pdf") 2>err ||
	{ cat err; fail "print the leaflet with an address"; }
pdftotext -bbox-layout "$TMPDIR/url.pdf" url.xml
python3 - url.xml "$url" <<'PY' || fail "the note's web address is not broken as a book breaks one"
import html, re, sys
x, url = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
assert "\u200b" not in x, "a zero-width space in the PDF's text"
MM = 72 / 25.4
lines = []
for page, body in enumerate(re.split(r"<page ", x)):
    for m in re.finditer(r"<line xMin=\"([\d.]+)\" yMin=\"([\d.]+)\" xMax=\"([\d.]+)\"[^>]*>(.*?)</line>", body, re.S):
        words = re.findall(r"<word [^>]*>(.*?)</word>", m.group(4))
        lines.append((page, float(m.group(2)), float(m.group(1)), float(m.group(3)),
                      html.unescape("".join(words))))
start = [l for l in lines if l[4].startswith("注2：")]
assert start, "no line starts with 注2："
page, y, left, _, _ = start[0]
# the inside's right panel, 97 mm, set inside its 9 mm padding
assert abs(left - 209 * MM) < 1, "注2 is not in the right panel: %r" % (start[0],)
right = 288 * MM
note = sorted(l for l in lines if l[0] == page and l[1] >= y and l[2] >= left - 1)
text = "".join(l[4] for l in note)
assert url in text, "the address is not whole in %r" % text
for l in note:
    assert l[3] <= right + 0.5, "a line wider than the panel: %r" % (l,)
for l in note[:-1]:
    assert right - l[3] < (right - left) / 2, \
        "a line of the note half empty: %r in %r" % (l, [n[4] for n in note])
print("\n".join("%.0f %s" % (l[3], l[4]) for l in note))
PY

# eleven notes in a brochure hang by one indent, the widest number's
# ("注10：", not each its own: "注1：" and "注2：" differ by a point), so
# the text of every note starts at one x, on its first line (after a gap
# under a narrower number) and on the lines under it; and a link's address
# after "。" follows the mark as a Chinese character would, with no space
# added to the mark's own blank
refs= notes=
for i in 1 2 3 4 5 6 7 8 9 10 11; do
	refs="$refs第${i}项[^$i]，"
	notes="$notes[^$i]: 第${i}项的说明：办理时带好身份证、户口簿和医保凭证，到乡镇便民服务中心窗口办理，不清楚的先问村医。
"
done
write "$site/content/stories/notes.md" <<EOF2
---
title: 十一条说明
date: 2019-06-08
slug: notes
---
${refs}都要记住；报销目录见市医保局网站[^12]。

$notes[^12]: 详见[市医保局网站]($url)。
EOF2
write "$site/content/brochures/notes.yml" <<'EOF2'
title: 说明
issuer: 中共穆棱市委宣传部
date: 2019-12-30
size: A5
stories:
  - content/stories/notes.md
EOF2
(cd "$site" && git add -A && git commit -qm 'eleven notes') || fail "commit the notes"
(cd "$site" && "$GAZETTE" print content/brochures/notes.yml -o "$TMPDIR/notes.pdf") 2>err ||
	{ cat err; fail "print the brochure of eleven notes"; }
pdftotext -bbox-layout "$TMPDIR/notes.pdf" notes.xml
python3 - notes.xml <<'PY' || fail "the notes do not hang by one indent, or a gap before an address"
import html, re, sys
x = open(sys.argv[1], encoding="utf-8").read()
W = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
lines = []   # (page, y, [(xMin, xMax, text)])
for page, body in enumerate(re.split(r"<page ", x)):
    for m in re.finditer(r"<line [^>]*>(.*?)</line>", body, re.S):
        ws = [(float(a), float(c), html.unescape(t)) for a, b, c, d, t in re.findall(W, m.group(1))]
        lines.append((page, float(re.findall(W, m.group(1))[0][1]), ws))
lines.sort(key=lambda l: (l[0], l[1]))
starts = [k for k, l in enumerate(lines) if re.match(r"注\d+：", l[2][0][2])]
assert len(starts) == 12, [lines[k][2][0][2] for k in starts]
under, first = {}, {}
for n, k in enumerate(starts):
    label = re.match(r"注\d+：", lines[k][2][0][2]).group(0)
    ws, left = lines[k][2], lines[k][2][0][0]   # a left page's margin is not a right one's
    if ws[0][2] == label:            # a gap after a narrower number
        first[label] = ws[1][0] - left
    end = starts[n + 1] if n + 1 < len(starts) else len(lines)
    for l in lines[k + 1:end]:
        # the note's lines, not the folio under the last
        if l[0] == lines[k][0] and left + 1 < l[2][0][0] < left + 20 * 72 / 25.4:
            under.setdefault(label, []).append(l[2][0][0] - left)
for label in ("注1：", "注2：", "注10：", "注12："):
    assert label in under, "%s has no line under its first: %r" % (label, under)
ind = [v for vs in under.values() for v in vs]
assert max(ind) - min(ind) < 0.3, "the notes' lines start at %r" % under
assert first, "no note's first line has its text apart from its number"
for label, v in first.items():
    assert abs(v - ind[0]) < 0.3, "%s's text starts at %.2f, its lines at %.2f" % (label, v, ind[0])
# the address right after "。"
for l in lines:
    for i, w in enumerate(l[2]):
        if "市医保局网站。" in w[2] and w[2].startswith("注12："):
            gap = 0 if "。https://" in w[2] else l[2][i + 1][0] - w[1]
            assert gap < 0.5, "a gap of %.1f pt between 。 and the address: %r" % (gap, l[2])
            print("hang %.2f pt; first lines %r; 。 to the address %.1f pt" % (ind[0], first, gap))
            break
    else:
        continue
    break
else:
    raise AssertionError("no note 12 with its address")
PY

# a note's raised number stays with the word it marks: the line of marks
# above breaks in "第8项⁸", and no line starts with the number alone
python3 - notes.xml <<'PY' || fail "a line starts with a note's mark"
import re, sys
x = open(sys.argv[1], encoding="utf-8").read()
W = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
for page in re.split(r"<page ", x)[1:]:
    ws = [(float(a), float(d) - float(b), t) for a, b, c, d, t in re.findall(W, page)]
    body = [h for _, h, t in ws if t.startswith("第")]
    if not body:
        continue
    left = min(x0 for x0, _, _ in ws)
    for x0, h, t in ws:
        if t.isdigit() and h < 0.75 * max(body) and x0 < left + 1:
            raise AssertionError("a mark '%s' starts a line at %.1f" % (t, x0))
PY
