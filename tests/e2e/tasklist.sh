#!/bin/sh
# Task lists ("- [x] 身份证原件", "- [ ] 户口簿") in a story and a policy
# leaflet, built from a git repository: on the web page a checkbox per
# task, ticked or not, that the reader cannot tick, in a label with the
# item's text; in the search's text and the archive the box √ or □ before
# the text; in print (a brochure of both, the leaflet) the same box where
# the bullet would be, in the Noto CJK fonts alone; in the broadcast script
# the box in words, "已完成：" or "未完成：". "[x]" and "[ ]" nowhere. A
# filter sees a task's item as an item, which holds what a plain one
# holds, and `checked` makes one a task and keeps it through gz.node.item.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || skip "poppler-utils is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

site=$TMPDIR/site
minimal_site "$site"
echo 'archive: true' >>"$site/site.yml"
write "$site/content/stories/2019/id-card.md" <<'EOF'
---
title: 办证指南
date: 2019-06-08
source: 穆棱市融媒体中心
---
办理前请准备：

- [x] 身份证原件
- [ ] 户口簿

带齐以后到窗口排队。
EOF
write "$site/content/policies/id-card.md" <<'EOF'
---
title: 身份证办理须知
date: 2019-06-08
slug: id-card
layout: trifold
summary: 办理身份证要带什么，一张单子说清楚。
topic: 户籍
department: 穆棱市公安局
contact: 各派出所户籍窗口
---
## 办理前请准备

- [x] 身份证原件
- [ ] 户口簿
- [ ] 近期免冠照片一张，背景为白色，尺寸为二寸，要求露出双耳和眉毛

1. [x] 填写申请表
2. [ ] 窗口采集指纹

## 问：在哪里办？

答：户籍所在地派出所户籍窗口。
EOF
write "$site/content/stories/2019/filtered.md" <<'EOF'
---
title: 过滤器
date: 2019-06-09
---
- [x] 由过滤器重建
- 由过滤器勾选
- 不是任务
EOF
# a filter of items sees the tasks' too; it ticks a plain item, and builds
# a task's item anew from its children with its checked, marked as its
write "$site/hooks/tasks.lua" <<'EOF'
return {
  item = function(item)
    if not item.text:find("由过滤器") then return end
    if item.checked == nil then
      item.checked = true
      return
    end
    local new = gz.node.item(item.children, item.checked)
    new.children[1]:append("（过滤器）")
    return new
  end,
}
EOF
write "$site/content/brochures/ids.yml" <<'EOF'
title: 办证手册
date: 2019-12-30
size: A5
stories:
  - content/stories/2019/id-card.md
  - content/policies/id-card.md
EOF
make_repo "$site"

out=$TMPDIR/public
build_ok --source "$site" --out "$out"

# the web page: two boxes, one ticked, each named by its text
html=$out/stories/2019/id-card/index.html
assert_eq "$(grep -o '<input type="checkbox"[^>]*>' "$html" | grep -c 'disabled=""')" 2 "disabled boxes on the story's page"
assert_eq "$(grep -o '<input type="checkbox"[^>]*>' "$html" | grep -c 'checked=""')" 1 "ticked boxes on the story's page"
assert_contains "$html" '<li><label class="task"><input type="checkbox" checked="" disabled="" /> 身份证原件</label></li>'
assert_contains "$html" '<li><label class="task"><input type="checkbox" disabled="" /> 户口簿</label></li>'
policy=$out/policies/id-card/index.html
assert_eq "$(grep -o '<input type="checkbox"' "$policy" | wc -l)" 5 "boxes on the policy's page"
assert_contains "$policy" '<label class="task"><input type="checkbox" checked="" disabled="" /> 填写申请表</label>'
filtered=$out/stories/2019/filtered/index.html
assert_contains "$filtered" '<label class="task"><input type="checkbox" checked="" disabled="" /> 由过滤器重建（过滤器）</label>'
assert_contains "$filtered" '<label class="task"><input type="checkbox" checked="" disabled="" /> 由过滤器勾选</label>'
assert_contains "$filtered" '<li>不是任务</li>'
for f in "$html" "$policy" "$filtered"; do
	assert_not_contains "$f" '[x]'
	assert_not_contains "$f" '[ ]'
done

# the search's text of every page, and the archive's: the box, not "[x]"
python3 - "$out/search/text" >"$TMPDIR/text" <<'PY' || fail "cannot read the search's text"
import gzip, json, os, sys
for name in sorted(os.listdir(sys.argv[1])):
    for page in json.loads(gzip.decompress(open(os.path.join(sys.argv[1], name), "rb").read())):
        print(page)
PY
assert_contains "$TMPDIR/text" "办理前请准备：
√ 身份证原件
□ 户口簿
带齐以后到窗口排队。"
assert_contains "$TMPDIR/text" "1. √ 填写申请表"
assert_not_contains "$TMPDIR/text" '[x]'
assert_not_contains "$TMPDIR/text" '[ ]'
"$GAZETTE" archive search --source "$site" --json 户口簿 >"$TMPDIR/found"
assert_contains "$TMPDIR/found" '√ 身份证原件 / □ 户口簿'
assert_not_contains "$TMPDIR/found" '[x]'

# print: the box where the bullet would be, in the brochure and the leaflet
cd "$TMPDIR"
"$GAZETTE" print --source "$site" content/brochures/ids.yml -o ids.pdf 2>err || { cat err; fail "print the brochure"; }
"$GAZETTE" print --source "$site" content/policies/id-card.md -o leaflet.pdf 2>err || { cat err; fail "print the leaflet"; }
for pdf in ids.pdf leaflet.pdf; do
	pdftotext "$pdf" "$pdf.txt"
	assert_contains "$pdf.txt" '√ 身份证原件'
	assert_contains "$pdf.txt" '□ 户口簿'
	assert_contains "$pdf.txt" '1. √ 填写申请表'
	assert_contains "$pdf.txt" '2. □ 窗口采集指纹'
	assert_not_contains "$pdf.txt" '[x]'
	assert_not_contains "$pdf.txt" '[ ]'
	# the boxes are the text's own fonts' glyphs: no fallback font
	pdffonts "$pdf" | tail -n +3 | grep -v 'NotoS[a-z]*CJK' && fail "$pdf has a font besides Noto CJK"
done
assert_contains ids.pdf.txt '√ 身份证原件
□ 户口簿'

# the broadcast script: the box in words, a presenter's to read
"$GAZETTE" archive pull --source "$site" stories/2019/id-card --script >script
sed -n '/^【正文】$/,$p' script >script.got
cat >script.want <<'EOF'
【正文】

办理前请准备：

已完成：身份证原件

未完成：户口簿

带齐以后到窗口排队。

（来源：穆棱市融媒体中心）
EOF
diff -u script.want script.got || fail "the story's script"
"$GAZETTE" archive pull --source "$site" policies/id-card --script >policy-script
assert_contains policy-script '1. 已完成：填写申请表'
assert_contains policy-script '2. 未完成：窗口采集指纹'
for f in script policy-script; do
	assert_not_contains "$f" '[x]'
	assert_not_contains "$f" '[ ]'
	assert_not_contains "$f" '√'
	assert_not_contains "$f" '□'
done
# a task's item holds what a plain one holds: blocks, not text
write "$site/hooks/tasks.lua" <<'EOF'
return { item = function(item) item:append("追加的字") end }
EOF
git -C "$site" commit -qam 'a filter that adds text to items'
build --source "$site" --out "$out"
assert_eq "$rc" 1 "a build whose filter adds text to a task's item"
assert_contains "$err_log" "hooks/tasks.lua:1: a 'item' node cannot hold a 'text' node (while rendering content/stories/2019/id-card.md:8)"
echo "tasklist: ok"
