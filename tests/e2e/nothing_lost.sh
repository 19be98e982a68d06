#!/bin/sh
# One story, three outputs: every sentence of a page's Markdown (shortcodes,
# their arguments and captions included) is on its web page, in a brochure
# that prints it (pdftotext) and in its broadcast script (archive pull
# --script), whose 字数 is the web page's. Checked on the sample site, on a
# site that uses every built-in shortcode, and on a generated site of
# random shortcodes (tests/tools/nothing_lost.py). Then what a person sees:
# the quote and its attribution in order, the policy box's lines together,
# each photo embedded once (pdfimages), the bees story's script body.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || skip "poppler-utils is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

# check SITE NAME: build SITE, pull each page's script, print them all in
# one brochure, and look for every sentence in the three
check() {
	site=$1
	name=$2
	# the published pages (a brochure prints no draft)
	pages=$(cd "$site" && find content/stories content/policies -name '*.md' ! -name '_index.md' 2>/dev/null |
		xargs grep -L -E '^status: *(draft|review)' | LC_ALL=C sort)
	{
		echo "title: 全部稿件"
		echo "issuer: 测试"
		echo "date: 2020-12-01"
		echo "size: A5"
		echo "order: list"
		echo "stories:"
		for p in $pages; do echo "  - $p"; done
	} >"$site/content/brochures/all-$name.yml"
	make_repo "$site"
	build_ok --source "$site" --out "$TMPDIR/$name-public"
	"$GAZETTE" print --source "$site" "content/brochures/all-$name.yml" -o "$TMPDIR/$name.pdf" ||
		fail "$name: printing every page failed"
	echo "全部稿件" >"$TMPDIR/$name.pdf.heads"
	mkdir -p "$TMPDIR/$name-scripts"
	for p in $pages; do
		id=$(echo "$p" | sed 's|^content/||; s|/index\.md$||; s|\.md$||')
		"$GAZETTE" archive pull --source "$site" "$id" --script \
			>"$TMPDIR/$name-scripts/$(echo "$id" | tr / _).txt" || fail "$name: pull $id"
	done
	# shellcheck disable=SC2086
	python3 "$ROOT/tests/tools/nothing_lost.py" "$site" "$TMPDIR/$name-public" "$TMPDIR/$name.pdf" \
		"$TMPDIR/$name-scripts" $pages || fail "$name: something written is lost"
}

# 1. the sample site, copied (the project's content is never written)
sample=$TMPDIR/sample
mkdir -p "$sample"
cp -R "$ROOT/content" "$ROOT/site.yml" "$sample/"
[ -d "$ROOT/data" ] && cp -R "$ROOT/data" "$sample/"
check "$sample" sample

# what a person sees of the bees story and the microcredit policy
s=$TMPDIR/sample-scripts/stories_2020_meng-qinglong-bees.txt
body=$(sed -n '/【正文】/,$p' "$s" | tr -d ' \n')
[ "${#body}" -gt 600 ] || fail "the bees story's script body is short: $body"
assert_contains "$s" "——孟庆龙，穆棱镇大桥村养蜂户"
assert_contains "$s" "【图片】装瓶待售的蜂蜜。"
write "$sample/content/brochures/two.yml" <<'EOF'
title: 两篇
issuer: 测试
date: 2020-12-01
size: A5
cover: content/photos/2019/muling-fields.jpg
order: list
stories:
  - content/stories/2020/meng-qinglong-bees/index.md
  - content/policies/microcredit.md
EOF
"$GAZETTE" print --source "$sample" content/brochures/two.yml -o "$TMPDIR/two.pdf" || fail "print two"
pdftotext -raw "$TMPDIR/two.pdf" "$TMPDIR/two.txt"
tr -d ' \n' <"$TMPDIR/two.txt" >"$TMPDIR/two.flat"
# the quote, then its attribution on a line of its own
grep -q '我心里记着呢。——孟庆龙，穆棱镇大桥村养蜂户' "$TMPDIR/two.flat" ||
	fail "the quote and its attribution are not together, in order"
grep -qx '——孟庆龙，穆棱镇大桥村养蜂户' "$TMPDIR/two.txt" || fail "the attribution is not a line of its own"
# the policy box: its title and lines in one run
grep -q '扶贫小额贷款要点对象：有发展意愿的建档立卡贫困户申请地点：各村“三农”服务站、农村信用社营业网点咨询：咨询电话见扶贫小额贷款明白卡2019年' \
	"$TMPDIR/two.flat" || fail "the policy box's lines are not together"
# each photo once: honey.jpg's print copy is 1233 px wide, as are the
# other photos of these pages; count the images against the photos
n=$(pdfimages -list "$TMPDIR/two.pdf" | tail -n +3 | wc -l)
[ "$n" -eq 4 ] || { pdfimages -list "$TMPDIR/two.pdf"; fail "$n images; want 4 (cover, bees cover, honey, flax)"; }
# the page is a page of the story: honey's caption once
[ "$(grep -c '装瓶待售的蜂蜜' "$TMPDIR/two.txt")" -eq 1 ] || fail "honey.jpg's caption is printed more than once"

# 2. every built-in shortcode
sc=$TMPDIR/shortcodes
minimal_site "$sc"
photo=$(ls "$ROOT"/content/photos/*/*.jpg | head -n 1)
mkdir -p "$sc/content/stories/2020/all" "$sc/content/brochures"
cp "$photo" "$sc/content/stories/2020/all/a.jpg"
cp "$photo" "$sc/content/stories/2020/all/b.jpg"
write "$sc/content/stories/2020/all/index.md" <<'EOF'
---
title: 短代码大全
date: 2020-06-01
photos:
  - src: b.jpg
    caption: 前言里的图片说明。
    credit: 王五
---
开头一段，讲一件事。

::: quote speaker="孟庆龙" role="养蜂户"
日子甜了，我心里记着呢。

第二段引语也在。
:::

::: policy-box title="要点" amount="5万元以下" who="建档立卡贫困户" where="信用社" when="每年三月" contact="电话一二三"
补充说明一句。
:::

::: figure src=a.jpg caption="图一的说明。" credit="李四"
图下的一句话。
:::

::: gallery title="一组图"
![图二](b.jpg)

图集里的一句话。
:::

::: video src=/video/a.mp4 poster=a.jpg duration="3:20" title="甜蜜事业"
视频下的一句话。
:::

![图三](a.jpg "正文图片的标题说明。")

结尾一段。
EOF
check "$sc" shortcodes
s=$TMPDIR/shortcodes-scripts/stories_2020_all.txt
assert_contains "$s" "【图片】图一的说明。（摄影：李四）"
assert_contains "$s" "【图片】前言里的图片说明。（摄影：王五）"
assert_contains "$s" "【视频】甜蜜事业，时长3分20秒"
assert_contains "$s" "金额：5万元以下"
# the video's address is printed beside a QR code
pdftotext -raw "$TMPDIR/shortcodes.pdf" - | tr -d ' \n' | grep -q 'https://example.org/video/a.mp4' ||
	fail "the video's address is not printed"

# 3. random shortcodes
seed=${SEED:-$(date +%s)}
echo "random site seed: $seed (SEED=$seed to repeat)"
rnd=$TMPDIR/random
minimal_site "$rnd"
mkdir -p "$rnd/content/brochures"
PHOTO=$photo python3 "$ROOT/tests/tools/random_site.py" "$rnd" "$seed" 10
check "$rnd" random
echo "nothing lost: ok"
