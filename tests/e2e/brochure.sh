#!/bin/sh
# Brochure pages as a print shop looks at them (tests/tools/brochure_check.py
# on pdftohtml -xml): no heading in the bottom 15 % of a page, no page but
# the covers, colophon, contents and a story's last page under 60 % filled
# (photos that do not fit float to the next page), no line starting with
# closing punctuation or spaced wider than 1.25 em (a paragraph of quotes
# included). A long table breaks between rows with two rows at
# least on each side and its header repeated; the colophon carries the
# manifest's permit, copies, printer and format, and the caption and credit
# of the cover photo (a story's, not printed again in the story), and stays
# on its page with eighteen stories by as many writers, each named. A photo
# printed at under 200 pixels an inch is warned of.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v pdftohtml >/dev/null || skip "poppler-utils is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

cd "$TMPDIR"
"$GAZETTE" print --source "$ROOT" content/brochures/typical-cases-2019.yml -o sample.pdf 2>sample.err ||
	fail "print the sample brochure"
# the 1600-pixel cover fills an A5 cover at over 200 pixels an inch; an
# A4 one at 157, which a print shop would send back: a warning at the
# manifest's cover line
assert_not_contains sample.err "pixels an inch"
a4=$TMPDIR/a4site
mkdir -p "$a4"
cp -R "$ROOT/content" "$ROOT/site.yml" "$a4/"
sed -i 's/^size: A5 /size: A4 /' "$a4/content/brochures/typical-cases-2019.yml"
"$GAZETTE" print --source "$a4" content/brochures/typical-cases-2019.yml -o a4.pdf 2>a4.err ||
	fail "print the sample brochure at A4"
assert_contains a4.err "content/brochures/typical-cases-2019.yml:10:8: warning: photo 'content/photos/2019/muling-fields.jpg' prints at 157 pixels an inch"
python3 "$ROOT/tests/tools/brochure_check.py" sample.pdf || fail "the sample brochure"
# a table's columns by what their cells need: no short cell broken
# ("稳定增收3000 / 元", "带动贫困 / 户") while another column stands half empty
pdftotext -f 9 -l 9 -layout sample.pdf table.txt
for cell in 小额信贷支持项目 带动贫困户 稳定增收3000元; do
	assert_contains table.txt "$cell"
done
# a caption starts under its photo's left edge, not the column's
pdftohtml -xml -f 8 -l 8 -zoom 1 -stdout -q sample.pdf >p8.xml
python3 - p8.xml <<'PY' || fail "a caption is not under its photo"
import re, sys
x = open(sys.argv[1]).read()
img = float(re.search(r'<image top="[\d.]+" left="([\d.]+)"', x).group(1))
cap = float(re.search(r'<text top="[\d.]+" left="([\d.]+)"[^>]*>食用菌和蔬菜大棚', x).group(1))
assert abs(img - cap) < 1.5, (img, cap)
PY
# a story's opening page has its folio but no running head: the title is
# not printed twice on it
pages=$(pdfinfo sample.pdf | awk '/^Pages:/ {print $2}')
for p in $(seq 4 "$pages"); do
	pdftotext -f "$p" -l "$p" sample.pdf page.txt
	[ "$(grep -c '新利村谢英武：一群羊养出好日子' page.txt)" -le 1 ] ||
		fail "page $p prints the story's title twice (a running head over its opening)"
done
pdftotext -f 2 -l 2 sample.pdf colophon.txt
assert_contains colophon.txt "准印证号：牡内资准字（2019）第086号"
assert_contains colophon.txt "印数：2000"
assert_contains colophon.txt "印制单位：穆棱市印刷厂"
assert_contains colophon.txt "开本：A5（148 × 210 毫米）"
assert_contains colophon.txt "印制日期：2019年12月30日"
assert_contains colophon.txt "封面图片：穆棱的夏日田野。（示意插图 本站制作）"
# the stories' writer and source once (all share them), each notice of
# reuse with its titles, and no name or notice broken across lines
pdftotext -f 2 -l 2 -layout sample.pdf colophon-l.txt
grep -q '^本册稿件 *文／孙昊 *来源：中共穆棱市委宣传部$' colophon-l.txt || fail "the stories' writer and source are not said once"
assert_contains colophon-l.txt "未经书面许可，不得转载：《新利村谢英武：一群羊养出好日子》、《团结村赵吉录的黑木耳丰收了》"
# every story of the site in one A5 brochure: its colophon still one page
all=$TMPDIR/allsite
mkdir -p "$all"
cp -R "$ROOT/content" "$ROOT/site.yml" "$all/"
cat >"$all/content/brochures/all.yml" <<'EOF'
title: 穆棱市脱贫攻坚典型案例汇编（2018—2020年）
issuer: 中共穆棱市委宣传部
date: 2020-12-30
size: A5
query:
  section: stories
order: date
EOF
"$GAZETTE" print --source "$all" content/brochures/all.yml -o all.pdf || fail "print every story"
pdftotext -f 3 -l 3 all.pdf all3.txt
grep -q "目" all3.txt || fail "the colophon of every story runs onto a second page"
# and its pages as the sample's: no photo alone on a page (the front
# matter's photos go among the paragraphs), no heading over a single line
python3 "$ROOT/tests/tools/brochure_check.py" all.pdf || fail "the brochure of every story"
# sixteen entries, a little more than an A5 contents page holds at its
# usual spacing: set closer, all on the page (not one or two on a page of
# their own)
cat >"$all/content/brochures/sixteen.yml" <<'EOF'
title: 穆棱市脱贫攻坚典型案例与政策解读汇编（2018—2020年）
issuer: 中共穆棱市委宣传部
date: 2020-12-30
size: A5
stories:
  - content/policies/industry-projects.md
  - content/policies/medical-insurance.md
  - content/policies/microcredit.md
  - content/policies/pairing-assistance.md
  - content/leaflets/medical-insurance.md
query:
  section: stories
order: list
EOF
"$GAZETTE" print --source "$all" content/brochures/sixteen.yml -o sixteen.pdf || fail "print sixteen"
pages=$(pdfinfo sixteen.pdf | awk '/^Pages:/ {print $2}')
for p in $(seq 2 "$pages"); do
	pdftotext -f "$p" -l "$p" -layout sixteen.pdf page.txt
	grep -q '目 *录' page.txt && break
done
n=$(grep -c '[^0-9][0-9][0-9]*$' page.txt)
[ "$n" = 16 ] || fail "the contents page holds $n of 16 entries"

# eighteen stories by eighteen writers from four sources under two notices:
# the colophon is page 2 alone at A5 and at A6 (a line a story ran onto a
# page 3), every writer and title on it
many=$TMPDIR/manysite
minimal_site "$many"
python3 - "$many" <<'EOF'
import os, sys
site = sys.argv[1]
writers = ["李明", "王建国", "张丽", "刘海涛", "陈晓燕", "杨帆", "赵志刚", "黄秀英", "周宏伟",
           "吴敏", "徐立新", "孙晓东", "马春梅", "朱文博", "胡振华", "郭玉兰", "何家乐", "高德胜"]
sources = ["穆棱市融媒体中心", "牡丹江日报", "黑龙江日报", "穆棱市农业农村局"]
places = ["新利村", "团结村", "保安村", "共和村", "东升村", "红旗村", "北站村", "福禄村", "太平村"]
deeds = ["养牛致富", "种出“金木耳”", "合作社带动乡亲增收", "办起了家庭农场", "电商卖山货",
         "蜂蜜甜了日子", "大棚蔬菜四季青", "小庭院做出大文章", "光伏板上晒出好收成"]
os.makedirs(f"{site}/content/stories/2020", exist_ok=True)
os.makedirs(f"{site}/content/brochures", exist_ok=True)
para = "村里的合作社今年又添了新设备，乡亲们说起来脸上都带着笑。" * 6
with open(f"{site}/names.txt", "w", encoding="utf-8") as names:
    for i, who in enumerate(writers):
        title = places[i % 9] + who + deeds[i % 9]
        names.write(f"{who}\n《{title}》\n")
        with open(f"{site}/content/stories/2020/c{i:02d}.md", "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: {title}\ndate: 2020-0{1 + i % 9}-1{i % 10}\nauthor: {who}\n"
                    f"source: {sources[i % 4]}\n"
                    f"reprint: {'forbidden' if i % 3 == 0 else 'with-attribution'}\n---\n"
                    f"{para}\n\n{para}\n")
for size in ("A5", "A6"):
    with open(f"{site}/content/brochures/many-{size}.yml", "w", encoding="utf-8") as f:
        f.write(f"title: 穆棱市脱贫攻坚群众身边故事\nissuer: 中共穆棱市委宣传部\ndate: 2020-12-30\n"
                f"size: {size}\nstories:\n")
        f.writelines(f"  - content/stories/2020/c{i:02d}.md\n" for i in range(len(writers)))
EOF
make_repo "$many"
for size in A5 A6; do
	"$GAZETTE" print --source "$many" "content/brochures/many-$size.yml" -o "many-$size.pdf" 2>err ||
		{ cat err; fail "print eighteen stories by eighteen writers at $size"; }
	pdftotext -f 3 -l 3 "many-$size.pdf" - | tr -d ' \n' | grep -q '^目录' ||
		fail "at $size the colophon of eighteen writers runs onto page 3"
	pdftotext -f 2 -l 2 "many-$size.pdf" - | tr -d ' \n' >colophon.txt
	while read -r name; do
		assert_contains colophon.txt "$name"
	done <"$many/names.txt"
	assert_contains colophon.txt "未经书面许可，不得转载"
	assert_contains colophon.txt "欢迎转载，请注明出处"
done

# a story with a long table and photos among its paragraphs, on small pages
site=$TMPDIR/site
minimal_site "$site"
photo=$(ls "$ROOT"/content/photos/*/*.jpg | head -n 1)
mkdir -p "$site/content/stories/2020/t" "$site/content/brochures"
cp "$photo" "$site/content/stories/2020/t/a.jpg"
cp "$photo" "$site/content/stories/2020/t/b.jpg"
python3 - "$site/content/stories/2020/t/index.md" <<'EOF'
import sys
para = "村里的合作社今年又添了新设备，乡亲们说起来脸上都带着笑。" * 3
rows = "\n".join(f"| 第{i}行项目 | {i * 10}户 | 增收{i * 100}元 |" for i in range(1, 31))
quotes = "他说：“好。”她说：“对。”" * 12
# a long address cannot break: the line before it must not be spread out
url = "乡亲们可以在网上查到全部政策，地址是https://muling.example.gov.cn/policies/microcredit/2019/application-guide-for-households"
body = f"""---
title: 表格与图片
date: 2020-06-01
photos:
  - src: a.jpg
    caption: 第一张图。
  - src: b.jpg
    caption: 第二张图。
---
{para}

{quotes}

{url}

{para}

## 项目一览

| 项目名称 | 带动户数 | 户均增收 |
| --- | --- | --- |
{rows}

{para}

![第三张](a.jpg "正文里的图。")

{para}

{para}
"""
open(sys.argv[1], "w", encoding="utf-8").write(body)
EOF
write "$site/content/brochures/t.yml" <<'EOF'
title: 表格测试
issuer: 测试
date: 2020-12-01
size: A6
stories:
  - content/stories/2020/t/index.md
EOF
make_repo "$site"
"$GAZETTE" print --source "$site" content/brochures/t.yml -o t.pdf || fail "print the table brochure"
python3 "$ROOT/tests/tools/brochure_check.py" t.pdf || fail "the table brochure"
pages=$(pdfinfo t.pdf | awk '/^Pages:/ {print $2}')
p=1
split=0
while [ "$p" -le "$pages" ]; do
	pdftotext -f "$p" -l "$p" -layout t.pdf page.txt
	n=$(grep -c '第[0-9]*行项目' page.txt || true)
	if [ "$n" -gt 0 ]; then
		grep -q '项目名称' page.txt || fail "page $p has table rows but not the header row"
		[ "$n" -ge 2 ] || fail "page $p has $n row of the table"
		split=$((split + 1))
	fi
	p=$((p + 1))
done
[ "$split" -ge 2 ] || fail "the table did not break across pages (test too small)"

echo "brochure: ok ($split pages of table)"
