#!/bin/sh
# gazette archive pull: a story packed for broadcast. The zip (unpacked with
# python3 -m zipfile) holds the Markdown file as written, script.txt with a
# reading time for a known character count, the photos as the site
# publishes its originals (the same pixels, no GPS or camera EXIF),
# captions.txt (a credit labelled as the web page labels it) and
# meta.json; reprint: forbidden adds the notice and NOTICE.txt, and so does
# a draft or a story dated after today, with a warning; --script prints
# the script (footnotes after the story, under 【注释，不播读】; a table's
# rows read with their column names); an unknown id and an existing zip
# are refused; so is a story the build refuses (its front matter, its
# text, a missing or damaged photo), with the build's file:line:col and no
# zip or script; the content repository is left exactly as it was.
set -eu
. "$ROOT/tests/e2e/lib.sh"

command -v python3 >/dev/null || skip "python3 is not installed"
pkg-config --exists vips 2>/dev/null || skip "libvips development files are not installed"
tool=$TMPDIR/phototool
cc -O1 "$ROOT/tests/tools/phototool.c" $(pkg-config --cflags --libs vips) -o "$tool" ||
	fail "cannot build tests/tools/phototool.c"

site=$TMPDIR/site
minimal_site "$site"
echo 'broadcast_rate: 100' >>"$site/site.yml"
# body 389 (小标题, 190+1, 194+1), as the web page counts it; with title 4
# and lead 7, 400 characters read aloud: 4 minutes at 100 a minute
body=$(python3 -c 'print("蜂" * 190 + "。\n\n" + "蜜" * 194 + "。")')
write "$site/content/stories/2020/bees/index.md" <<EOF2
---
title: 养蜂致富
date: 2020-03-01
summary: 蜂蜜卖到北京城
township: 兴源镇
village: 红星村
industry: [养蜂]
people: [孟庆龙]
tags: [产业扶贫]
author: 孙昊
source: 穆棱市融媒体中心
reprint: with-attribution
photos:
  - src: hive.jpg
    caption: 林边的蜂箱。
    credit: 孙昊 摄
  - src: honey.jpg
    caption: 装瓶的蜂蜜。
    credit: 李明 摄
---
## 小标题

$body

![蜂蜜](honey.jpg)
EOF2
"$tool" make "$site/content/stories/2020/bees/hive.jpg" 600 400 gps camera
"$tool" make "$site/content/stories/2020/bees/honey.jpg" 500 300
"$tool" info "$site/content/stories/2020/bees/hive.jpg" | grep -q 'gps=yes' || fail "the test photo has no GPS"
write "$site/content/stories/2019/sheep.md" <<'EOF2'
---
title: 新民村养羊户
date: 2019-06-08
source: 穆棱市委宣传部
reprint: forbidden
---
孟庆龙靠**养羊**脱贫，羊群发展到[300只](/x/)。
EOF2
# what a presenter reads of the body the editor wrote: no summary (the
# body's opening is not read twice, as a lead), a list, struck-out text,
# a footnote, a bare address, a credit of two names and a video
lead=$(python3 -c 'print("开" * 99 + "。")')
write "$site/content/stories/2019/coop/index.md" <<EOF2
---
title: 合作社
date: 2019-12-31
source: 穆棱市融媒体中心
reprint: with-attribution
photos:
  - src: shed.jpg
    caption: 合作社的大棚。
    credit: 孙昊 李明
---
$lead

1. 第一步
   - 子项目甲
2. 第二步

~~删掉的话~~保留的话。

重点内容如下[^1]。

详情请拨打电话，或访问 https://example.com/coop 了解，也可以用 App 下单。

![大棚](shed.jpg)

::: video src=/video/2019/coop.mp4 duration="3:20" title="合作社纪实"
:::

[^1]: 注释内容。
EOF2
"$tool" make "$site/content/stories/2019/coop/shed.jpg" 300 200
# footnotes: a source with its link and emphasis, a note of several
# paragraphs and a list, a note with a bare address
write "$site/content/stories/2019/soy.md" <<'EOF2'
---
title: 数据说话
date: 2019-06-08
source: 穆棱市融媒体中心
---
全村种植大豆三千亩[^src]，亩产四百斤[^2]。

合作社统一收购[^3]。

[^src]: 数据来自[穆棱市统计局](https://www.muling.gov.cn/tj)的*2019 年*统计公报。

[^2]: 测产结果。

    复测由**农业农村局**完成：

    - 第一次：380 斤
    - 第二次：420 斤

[^3]: 详见 https://example.com/report 。
EOF2
# what is timed is what is read: not a long footnote, struck-out text or an
# address (about 380 characters on the web page, 3 to 4 minutes at 100 a
# minute; read aloud, a sentence)
{
	printf -- '---\ntitle: 短讯\ndate: 2019-06-09\nsource: 穆棱市融媒体中心\n---\n'
	printf '今天开镰收割[^a]。~~'
	printf '删掉的长句子%.0s' $(seq 20)
	printf '~~ https://example.com/%s\n\n[^a]: ' "$(printf 'a%.0s' $(seq 60))"
	printf '注释里的说明文字%.0s' $(seq 30)
	printf '\n'
} >"$site/content/stories/2019/short.md"
# not on the site (yet): a draft, and a story dated long after today
write "$site/content/stories/2021/plan.md" <<'EOF2'
---
title: 计划中的稿子
date: 2021-03-01
status: draft
source: 穆棱市融媒体中心
---
这篇稿子还没有发布。
EOF2
write "$site/content/stories/2099/later.md" <<'EOF2'
---
title: 定时发布
date: 2099-01-02
source: 穆棱市融媒体中心
---
到那天才发布。
EOF2
# a table as the desk reads it: a header, a row with an empty cell, a
# column without a heading
write "$site/content/stories/2021/loans.md" <<'EOF2'
---
title: 小额信贷一览
date: 2021-02-01
source: 穆棱市融媒体中心
---
各项政策如下：

| 项目 | 金额 | 期限 |
| --- | ---: | --- |
| 小额信贷 | 5万元 | 3年 |
| 贴息 | 100% |  |

| 乡镇 |  |
| --- | --- |
| 穆棱镇 | 1,234户 |
EOF2
make_repo "$site"
before=$(tree_sums "$site")

P() { "$GAZETTE" archive pull --source "$site" "$@"; }
work=$TMPDIR/work
mkdir -p "$work"
cd "$work"

P stories/2020/bees >"$TMPDIR/o"
assert_eq "$(cat "$TMPDIR/o")" bees.zip "printed path"
assert_file bees.zip
python3 -m zipfile -e bees.zip x
(cd x && find . -type f | LC_ALL=C sort) >"$TMPDIR/files"
assert_eq "$(tr '\n' ' ' <"$TMPDIR/files")" \
	"./bees.md ./captions.txt ./meta.json ./photos/hive.jpg ./photos/honey.jpg ./script.txt " "files in the pack"
cmp x/bees.md "$site/content/stories/2020/bees/index.md" || fail "the Markdown file is not as written"
# where a family lives does not leave with the pack: each photo has no
# EXIF (hive.jpg had a GPS position and the camera), and the very same
# pixels (its picture data is copied, not encoded again)
assert_eq "$("$tool" info x/photos/hive.jpg)" "600 400 gps=no exif=no" "the pulled photo with GPS"
assert_eq "$("$tool" info x/photos/honey.jpg)" "500 300 gps=no exif=no" "the other pulled photo"
for f in hive honey; do
	assert_eq "$("$tool" same "$site/content/stories/2020/bees/$f.jpg" "x/photos/$f.jpg")" same "the pixels of $f.jpg"
done

s=x/script.txt
assert_contains $s '标题：养蜂致富'
assert_contains $s '来源：穆棱市融媒体中心'
assert_contains $s '作者：孙昊'
assert_contains $s '转载：欢迎转载，请注明出处'
assert_contains $s '字数：389'
# the photo stands where the body places it, with its caption and credit
assert_contains $s '【图片】装瓶的蜂蜜。（李明摄）'
assert_contains $s '预计播读时长：约 4 分钟（按每分钟 100 字）'
assert_contains $s '蜂蜜卖到北京城'
# a heading, marked as one for the presenter (the mark not counted above)
assert_contains $s '【小标题】小标题'
assert_not_contains $s '##'
assert_not_contains $s '!['
assert_not_contains $s '【注意'
# paragraphs kept: the two body paragraphs are separate lines
[ "$(grep -c '^蜂蜂蜂' $s)" = 1 ] && [ "$(grep -c '^蜜蜜蜜' $s)" = 1 ] || fail "paragraphs"
assert_no_file x/NOTICE.txt

c=x/captions.txt
assert_contains $c 'photos/hive.jpg'
assert_contains $c '说明：林边的蜂箱。'
# a credit that says what it is is not given a photographer's label as
# well ("摄影：孙昊 摄")
assert_contains $c '署名：孙昊 摄'
assert_contains $c '说明：装瓶的蜂蜜。'
assert_contains $c '署名：李明 摄'
assert_not_contains $c '摄影：孙昊 摄'

python3 - x/meta.json <<'PY' || fail "meta.json"
import json, sys
m = json.load(open(sys.argv[1]))
want = {"id": "stories/2020/bees", "title": "养蜂致富", "date": "2020-03-01",
        "url": "https://example.org/stories/2020/bees/", "township": ["兴源镇"],
        "village": ["红星村"], "industry": ["养蜂"], "people": ["孟庆龙"],
        "tags": ["产业扶贫"], "author": "孙昊", "source": "穆棱市融媒体中心",
        "reprint": "with-attribution", "reuse": "欢迎转载，请注明出处",
        "chars": 389, "minutes": 4}
for k, v in want.items():
    assert m[k] == v, (k, m[k], v)
assert [(p["file"], p["caption"], p["credit"]) for p in m["photos"]] == [
    ("photos/hive.jpg", "林边的蜂箱。", "孙昊 摄"),
    ("photos/honey.jpg", "装瓶的蜂蜜。", "李明 摄")], m["photos"]
PY

# no overwrite without --force; -o; --force
set +e; P stories/2020/bees >/dev/null 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 1 "pull over an existing zip"
assert_contains "$TMPDIR/e" "already exists"
P stories/2020/bees --force >/dev/null
P stories/2020/bees -o "$TMPDIR/other.zip" >/dev/null
assert_file "$TMPDIR/other.zip"
[ -z "$(ls "$work" | grep tmp)" ] || fail "temporary files left behind"

# reprint: forbidden: the notice first, and NOTICE.txt
P stories/2019/sheep >/dev/null
python3 -m zipfile -e sheep.zip y
assert_eq "$(head -n 1 y/script.txt)" '【注意：本稿未经书面许可，不得转载或播出】' "first line of a forbidden script"
assert_contains y/NOTICE.txt '【注意：本稿未经书面许可，不得转载或播出】'
assert_contains y/script.txt '孟庆龙靠养羊脱贫，羊群发展到300只。'
assert_contains y/script.txt '预计播读时长：约 1 分钟（按每分钟 100 字）'
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m["reprint"]=="forbidden" and m["photos"]==[] and m["township"]==[], m' y/meta.json ||
	fail "meta.json of the forbidden story"

# a story that is not on the site says so before anything else, in the
# script and in NOTICE.txt, and to the person who pulls it, at the field
# that makes it so; meta.json says which
P stories/2021/plan 2>"$TMPDIR/e" >/dev/null
python3 -m zipfile -e plan.zip plan
assert_eq "$(head -n 1 plan/script.txt)" '【注意：本稿还是草稿，尚未在网站发布，未经编辑部同意不得播出】' "first line of a draft's script"
assert_contains plan/NOTICE.txt '本稿还是草稿'
assert_contains "$TMPDIR/e" 'content/stories/2021/plan.md:4:9: warning: the story is a draft'
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["status"] == "draft"' plan/meta.json ||
	fail "meta.json of a draft: $(cat plan/meta.json)"
P stories/2099/later --script 2>"$TMPDIR/e" >"$TMPDIR/later"
assert_eq "$(head -n 1 "$TMPDIR/later")" '【注意：本稿定于2099年1月2日在网站发布，此前不得播出】' "first line of a scheduled story's script"
assert_contains "$TMPDIR/e" 'content/stories/2099/later.md:3:7: warning: the story is dated later than today'
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["status"] == "published"' x/meta.json ||
	fail "meta.json of a published story: $(cat x/meta.json)"
rm -rf plan plan.zip

# a table is read row by row, each cell named by its column
P stories/2021/loans --script >"$TMPDIR/loans"
sed -n '/^【正文】$/,$p' "$TMPDIR/loans" >"$TMPDIR/loans.got"
cat >"$TMPDIR/loans.want" <<'EOF2'
【正文】

各项政策如下：

项目：小额信贷，金额：5万元，期限：3年。

项目：贴息，金额：100%。

乡镇：穆棱镇，1,234户。

（来源：穆棱市融媒体中心）
EOF2
diff -u "$TMPDIR/loans.want" "$TMPDIR/loans.got" || fail "the script of a story with tables"

# the files are dated the story's day as the site reads it (Beijing
# time), whatever zone the zip is made in: not 2019-12-30 16:00 in UTC
for tz in UTC0 EST5 CST-8; do
	rm -f coop.zip
	TZ=$tz P stories/2019/coop >/dev/null
	python3 - coop.zip <<'PY' || fail "the dates in the zip made with TZ=$tz"
import sys, zipfile
times = {i.filename: i.date_time for i in zipfile.ZipFile(sys.argv[1]).infolist()}
assert set(times.values()) == {(2019, 12, 31, 0, 0, 0)}, times
PY
	if command -v unzip >/dev/null; then
		TZ=$tz unzip -l coop.zip | grep -q ' 2019-12-31 00:00 *script\.txt$' ||
			fail "unzip -l with TZ=$tz: $(TZ=$tz unzip -l coop.zip)"
	fi
done
rm -f coop.zip

# --script: to stdout, no file
rm -f sheep.zip
P stories/2019/sheep --script >"$TMPDIR/script"
assert_no_file sheep.zip
cmp "$TMPDIR/script" y/script.txt || fail "--script differs from script.txt"

# no summary: no lead, and the opening paragraph read once; title 3 and
# body 175 (the web page's count): 178 read aloud, 2 minutes at 100 a
# minute, not 3 with the opening (100) counted again as the lead
P stories/2019/coop --script >"$TMPDIR/coop"
c=$TMPDIR/coop
assert_not_contains $c '【导语】'
assert_eq "$(grep -c '^开开开' $c)" 1 "the opening paragraph, read once"
assert_contains $c '预计播读时长：约 2 分钟（按每分钟 100 字）'
assert_not_contains $c '第一步子项目甲'
assert_contains x/script.txt '【导语】'
# what the editor struck out is not read, nor a footnote's number
assert_not_contains $c '删掉的话'
grep -qx '保留的话。' $c || fail "the text after struck-out words: $(grep -n 保留 $c)"
grep -qx '重点内容如下。' $c || fail "a footnote's mark: $(grep -n 重点 $c)"
# a bare address is not read: it stands on a line of its own, marked for
# the staff; the spaces of the source part a Latin word from Chinese ones,
# and two names in a credit are two names
grep -qx '详情请拨打电话，或访问了解，也可以用 App 下单。' $c || fail "the paragraph with an address: $(grep -n 详情 $c)"
grep -qx '【网址，不播读】https://example.com/coop' $c || fail "the address's note: $(grep -n example $c)"
assert_eq "$(grep -c 'example.com' $c)" 1 "lines with the address"
assert_contains $c '【图片】合作社的大棚。（摄影：孙昊、李明）'
# a video's length as it is said, not "3:20"
assert_contains $c '【视频】合作社纪实，时长3分20秒'

# a footnote is not read aloud, and not lost: after the story's end, under
# a mark that says so, numbered as on the web page, a later paragraph
# indented, a link's address on its own line, an address kept in place
grep -qx '注1：注释内容。' $c || fail "the coop's footnote: $(grep -n 注释内容 $c)"
P stories/2019/soy --script >"$TMPDIR/soy"
sed -n '/^【正文】$/,$p' "$TMPDIR/soy" >"$TMPDIR/soy.got"
cat >"$TMPDIR/soy.want" <<'EOF2'
【正文】

全村种植大豆三千亩，亩产四百斤。

合作社统一收购。

（来源：穆棱市融媒体中心）

【注释，不播读】
注1：数据来自穆棱市统计局的2019 年统计公报。
　　https://www.muling.gov.cn/tj
注2：测产结果。
　　复测由农业农村局完成：
　　• 第一次：380 斤
　　• 第二次：420 斤
注3：详见 https://example.com/report。
EOF2
diff -u "$TMPDIR/soy.want" "$TMPDIR/soy.got" || fail "the script of a story with footnotes"

P stories/2019/short --script >"$TMPDIR/short"
assert_contains "$TMPDIR/short" '预计播读时长：约 1 分钟（按每分钟 100 字）'
grep -qx '今天开镰收割。' "$TMPDIR/short" || fail "the short story's text: $(sed -n '/【正文】/,$p' "$TMPDIR/short")"

# unknown id
set +e; P stories/2019/nope >/dev/null 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 1 "unknown id"
assert_contains "$TMPDIR/e" "no story with id 'stories/2019/nope'"
set +e; P >/dev/null 2>&1; rc=$?; set -e
assert_eq "$rc" 2 "no id"

# a story the build refuses is refused, at the build's place for the
# problem: no zip, no temporary file, no script (an empty one would lose
# the body, and a forbidden story's notice with its reprint field)
refused() { # refused WHAT WHERE ARGS…: pull fails, says WHERE first, leaves nothing
	what=$1 where=$2
	shift 2
	set +e; P "$@" >"$TMPDIR/o" 2>"$TMPDIR/e"; rc=$?; set -e
	assert_eq "$rc" 1 "pull of $what"
	case "$(head -n 1 "$TMPDIR/e")" in
	"$where"*) ;;
	*) fail "pull of $what: expected '$where…', got: $(cat "$TMPDIR/e")" ;;
	esac
	assert_contains "$TMPDIR/e" "before the story can be pulled"
	[ ! -s "$TMPDIR/o" ] || fail "pull of $what printed: $(cat "$TMPDIR/o")"
	[ -z "$(ls "$work" | grep -v '^[xy]$' | grep -v '^bees.zip$')" ] ||
		fail "pull of $what left files: $(ls "$work")"
}
sheep=$site/content/stories/2019/sheep.md
cp "$sheep" "$TMPDIR/sheep.md"
sed -i 's/^source: .*/source: [穆棱市委宣传部/' "$sheep"
refused "a story whose front matter does not parse" "content/stories/2019/sheep.md:4:9: front matter: the list opened here with" stories/2019/sheep
refused "the script of that story" "content/stories/2019/sheep.md:4:9: front matter: the list opened here with" stories/2019/sheep --script
cp "$TMPDIR/sheep.md" "$sheep"
printf '\n\304\343\272\303\n' >>"$sheep" # GBK
refused "a story in GBK" "content/stories/2019/sheep.md:9:1:" stories/2019/sheep --script
cp "$TMPDIR/sheep.md" "$sheep"
bees=$site/content/stories/2020/bees/index.md
cp "$bees" "$TMPDIR/bees.md"
sed -i 's/src: hive.jpg/src: hive-2.jpg/' "$bees"
refused "a story with a missing photo" "content/stories/2020/bees/index.md:14:5:" stories/2020/bees -o "$work/m.zip"
# every problem of the story at once, for the staff to pass on together
sed -i 's/src: honey.jpg/src: honey-2.jpg/' "$bees"
refused "a story with two missing photos" "content/stories/2020/bees/index.md:14:5:" stories/2020/bees -o "$work/m.zip"
assert_contains "$TMPDIR/e" "content/stories/2020/bees/index.md:17:5:"
assert_eq "$(grep -c 'before the story can be pulled' "$TMPDIR/e")" 2 "errors of a story with two missing photos"
cp "$TMPDIR/bees.md" "$bees"
honey=$site/content/stories/2020/bees/honey.jpg
cp "$honey" "$TMPDIR/honey.jpg"
head -c 2000 "$TMPDIR/honey.jpg" >"$honey"
set +e; P stories/2020/bees -o "$work/d.zip" >"$TMPDIR/o" 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 1 "pull of a story with a photo cut short"
assert_contains "$TMPDIR/e" "content/stories/2020/bees/index.md:17:5: photo 'honey.jpg' is damaged or not an image"
assert_no_file "$work/d.zip"
echo 'not a photo' >"$honey"
set +e; P stories/2020/bees -o "$work/d.zip" >/dev/null 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 1 "pull of a story with a photo that is text"
assert_contains "$TMPDIR/e" "photo 'honey.jpg' is damaged or not an image"
cp "$TMPDIR/honey.jpg" "$honey"
[ -z "$(ls "$work" | grep -v '^[xy]$' | grep -v '^bees.zip$')" ] || fail "refused pulls left files: $(ls "$work")"

# the heading's mark is not read: at 115 a minute the 400 characters read
# are 3.48 minutes, 3; the 403 with 小标题 counted would be 3.50, 4
cp -R "$site" "$TMPDIR/rate"
sed -i 's/^broadcast_rate: 100$/broadcast_rate: 115/' "$TMPDIR/rate/site.yml"
"$GAZETTE" archive pull --source "$TMPDIR/rate" stories/2020/bees --script >rate.txt 2>err ||
	{ cat err; fail "pull at 115 a minute"; }
assert_contains rate.txt '预计播读时长：约 3 分钟（按每分钟 115 字）'

# the content repository is read, never written
assert_eq "$(tree_sums "$site")" "$before" "the site after pulls"
[ -z "$(git -C "$site" status --porcelain)" ] || fail "pull changed the repository"
echo "pull: ok"
