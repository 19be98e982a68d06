#!/bin/sh
# A leaflet's least type size (leaflet.body, 11 pt, for elderly readers)
# holds for every block set a size down from the body: a photo's caption
# and credit, a table, code, a quote and its speaker, a policy box, a
# video's label and address, a note (pdftotext -bbox-layout word heights
# against the answers' at 11 pt). A caption held up to the text's size is
# set in the heads' face (pdftohtml -xml: the font of its run). The same
# story in a brochure keeps its blocks' sizes down from the body, and its
# caption in the text's face: a brochure has no floor.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || skip "poppler-utils is not installed"
command -v pdftohtml >/dev/null || skip "poppler-utils is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

site=$TMPDIR/site
mkdir -p "$site"
cp -R "$ROOT/content" "$ROOT/site.yml" "$site/"
body='老人看病，先看这一页。三张网兜底，看病有保障。

## 问：报销比例是多少？

答：各级医院报销比例不同，以下为参考[^1]：

| 医院 | 报销比例 | 起付线 |
| --- | --- | --- |
| 乡镇卫生院 | 90% | 100元 |
| 县级医院 | 80% | 300元 |

::: figure src=/photos/2019/health-radios.jpg caption="送到农户家中的小收音机和政策手册。" credit="示意插图"
:::

::: quote speaker="孟庆龙" role="大桥村养蜂户"
有了医保，看病心里踏实多了。
:::

::: policy-box title="医疗救助要点" who="建档立卡贫困户" where="乡镇民政办"
:::

    咨询电话：0453-1234567

::: video src=https://video.example.gov.cn/yibao.mp4 title="医保政策讲解"
:::

[^1]: 以当年公布的标准为准。'
write "$site/content/leaflets/floor.md" <<EOF
---
title: 看病报销
date: 2019-05-10
slug: floor
layout: trifold
summary: 医疗保障政策宣传折页。
department: 穆棱市医疗保障局
contact: 各村卫生室
---
$body
EOF
mkdir -p "$site/content/brochures"
grep -v '^layout: trifold$' "$site/content/leaflets/floor.md" >"$site/content/stories/floor.md"
write "$site/content/brochures/floor.yml" <<'EOF'
title: 看病报销
issuer: 中共穆棱市委宣传部
date: 2019-12-30
size: A5
stories:
  - content/stories/floor.md
EOF
# the leaflet at its least body size, where every block down from it
# would be under the floor
printf 'leaflet:\n  body_max: 11\n' >"$site/print.yml"
make_repo "$site"
cd "$site"
"$GAZETTE" print content/leaflets/floor.md -o "$TMPDIR/leaf.pdf" 2>"$TMPDIR/err" ||
	{ cat "$TMPDIR/err"; fail "print the leaflet"; }
"$GAZETTE" print content/brochures/floor.yml -o "$TMPDIR/book.pdf" 2>"$TMPDIR/err" ||
	{ cat "$TMPDIR/err"; fail "print the brochure"; }
cd "$TMPDIR"
for f in leaf book; do
	pdftotext -bbox-layout $f.pdf $f.xml
	pdftohtml -xml -i -stdout $f.pdf >$f.runs.xml
done

# what each block's first word starts with, and its size as a multiple of
# the body's in a brochure (a leaflet at its floor: 1 each)
python3 - leaf.xml leaf.runs.xml book.xml book.runs.xml <<'PY' || fail "a block is set under the floor, or a brochure's sizes changed"
import html, re, sys
BLOCKS = [("caption", "送到农户家中", 0.80), ("credit", "示意插图", 0.80),
          ("table", "乡镇卫生院", 0.85), ("code", "咨询电话", 0.85),
          ("quote", "有了医保", 0.92), ("speaker", "——孟庆龙", 0.90),
          ("box", "对象：", 0.95), ("video", "【视频】", 0.90),
          ("address", "https://video", 0.75)]

def heights(path):
    x = open(path, encoding="utf-8").read()
    return [(float(b) - float(a), html.unescape(w)) for a, b, w in
            re.findall(r'<word [^>]*yMin="([\d.]+)" [^>]*yMax="([\d.]+)">(.*?)</word>', x)]

def height(words, prefix):
    hits = [h for h, w in words if w.startswith(prefix)]
    assert hits, "no word starting %r" % prefix
    return hits[0]

def face(path, prefix):
    # the font family of the run that starts with prefix
    x = open(path, encoding="utf-8").read()
    fonts = dict(re.findall(r'<fontspec id="(\d+)" [^>]*family="([^"]*)"', x))
    hits = [fonts[f] for f, t in re.findall(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', x)
            if re.sub(r"<[^>]*>", "", html.unescape(t)).startswith(prefix)]
    assert hits, "no run starting %r" % prefix
    return hits[0].split("+")[-1]

leaf, book = heights(sys.argv[1]), heights(sys.argv[3])
for name, words, runs in (("leaflet", leaf, sys.argv[2]), ("brochure", book, sys.argv[4])):
    body = height(words, "答：各级医院")
    note = height(words, "注1：")
    for what, prefix, frac in BLOCKS:
        h = height(words, prefix)
        want = 1 if name == "leaflet" else frac
        # the faces' boxes differ by about 1 %
        assert abs(h / body - want) < 0.025, "%s: the %s at %.2f of the body, not %.2f" % (
            name, what, h / body, want)
        print("%s %-8s %.2f of the body" % (name, what, h / body))
    if name == "leaflet":
        assert note >= 0.98 * body, "leaflet: the note under the floor"
    text, caption = face(runs, "答：各级医院"), face(runs, "送到农户家中")
    assert "Serif" in text, text
    # a caption as large as the text reads apart by its face
    assert ("Sans" in caption) == (name == "leaflet"), "%s: the caption in %s" % (name, caption)
    print("%s: text in %s, caption in %s" % (name, text, caption))
PY
