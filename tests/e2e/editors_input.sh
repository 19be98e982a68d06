#!/bin/sh
# What editors type: every date form is the same day, a bad one is pointed
# at by its column; status in Chinese; a misspelt front-matter field is a
# warning with the closest known one, in build and in check --format json,
# unless site.yml declares it; a full-width colon, an open quote or "["
# pointed at where it is, with what to write; gazette new holds places to data/places.yml;
# archive search says when it found nothing (exit 1), prints a place
# without a leading '/', and colours matches on a terminal only. English in
# the C locale, Chinese under LANGUAGE=zh_CN.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/site
out=$TMPDIR/out
minimal_site "$site"
echo 'archive: true' >>"$site/site.yml"
mkdir -p "$site/data"
cp "$ROOT/data/places.yml" "$site/data/places.yml"

# --- dates: each form of 8 July 2020 is that day on the page
n=0
for d in 2020-07-08 2020-7-8 2020/7/8 2020年7月8日 '2020年7月8日 9:30' '2020-7-8 9:30' \
	2020-07-08T09:30:00+08:00; do
	n=$((n + 1))
	write "$site/content/stories/2020/d$n.md" <<EOF2
---
title: 日期$n
date: $d
township: 穆棱镇
---
正文$n。
EOF2
done
# status in Chinese: 草稿 is a draft (built with --drafts only), 已发布 is not
write "$site/content/stories/2020/draft.md" <<'EOF2'
---
title: 草稿稿件
date: 2020年7月9日
status: 草稿
---
还没写完。
EOF2
write "$site/content/stories/2020/review.md" <<'EOF2'
---
title: 待审稿件
date: 2020-7-10
status: 待审
---
等待审核。
EOF2
write "$site/content/stories/2020/published.md" <<'EOF2'
---
title: 已发布稿件
date: 2020/7/11
status: 已发布
village: 团结村
---
已经发布的养羊故事。
EOF2
make_repo "$site"
build_ok --source "$site" --out "$out"
i=1
while [ $i -le $n ]; do
	assert_contains "$out/stories/2020/d$i/index.html" 'datetime="2020-07-08'
	assert_contains "$out/stories/2020/d$i/index.html" '2020年7月8日'
	i=$((i + 1))
done
assert_no_file "$out/stories/2020/draft/index.html"
assert_no_file "$out/stories/2020/review/index.html"
assert_file "$out/stories/2020/published/index.html"
[ ! -s "$err_log" ] || { cat "$err_log"; fail "a clean site warned"; }
build_ok --source "$site" --out "$TMPDIR/drafts" --drafts
assert_file "$TMPDIR/drafts/stories/2020/draft/index.html"
assert_file "$TMPDIR/drafts/stories/2020/review/index.html"

# --- bad dates: the column of the bad part, what is wrong, the forms
bad=$TMPDIR/bad
minimal_site "$bad"
write "$bad/content/stories/month.md" <<'EOF2'
---
title: 月
date: 2020-13-01
---
x
EOF2
write "$bad/content/stories/day.md" <<'EOF2'
---
title: 日
date: 2020年7月32日
---
x
EOF2
write "$bad/content/stories/feb.md" <<'EOF2'
---
title: 二月
date:   "2019年2月30日"
---
x
EOF2
write "$bad/content/stories/junk.md" <<'EOF2'
---
title: 乱
date: 2020-07-08上午
---
x
EOF2
write "$bad/content/stories/status.md" <<'EOF2'
---
title: 状态
date: 2020-07-08
status: 已审核
---
x
EOF2
build --source "$bad" --out "$TMPDIR/bad-out"
assert_eq "$rc" 1 "bad dates fail the build"
assert_contains "$err_log" "content/stories/month.md:3:12: date '2020-13-01' has no month 13; write dates as 2020-07-08, 2020-7-8, 2020/7/8, 2020年7月8日 or 2020年7月8日 9:30"
assert_contains "$err_log" "content/stories/day.md:3:14: date '2020年7月32日' has no day 32: month 7 of 2020 has 31 days"
# the value is quoted and starts at column 9: its "30" at 9 + 1 + 7
assert_contains "$err_log" "content/stories/feb.md:3:17: date '2019年2月30日' has no day 30: month 2 of 2019 has 28 days"
assert_contains "$err_log" "content/stories/junk.md:3:17: date '2020-07-08上午' is not a date; write dates as"
assert_contains "$err_log" "content/stories/status.md:4:9: status '已审核' must be draft, review or published (草稿, 待审 or 已发布)"
LANGUAGE=zh_CN LANG=C.UTF-8 build --source "$bad" --out "$TMPDIR/bad-out"
assert_contains "$err_log" "content/stories/feb.md:3:17: date '2019年2月30日' 不是真实的日期：2019 年 2 月只有 28 天，没有 30 日；日期请写成"
assert_contains "$err_log" "content/stories/month.md:3:12: date '2020-13-01' 不是真实的日期：没有 13 月"
assert_contains "$err_log" "content/stories/status.md:4:9: status '已审核' 应为 草稿、待审 或 已发布"

# --- front matter typos: where the mistake is, not where libyaml gave up
# (the next key, or the closing ---), and what to write instead
yml=$TMPDIR/yml
minimal_site "$yml"
yaml_case() {
	write "$yml/content/stories/2020/y.md"
	LANGUAGE=zh_CN LANG=C.UTF-8 "$GAZETTE" check --source "$yml" >"$TMPDIR/y.out" 2>&1 && fail "check passed a broken front matter"
	assert_contains "$TMPDIR/y.out" "$1"
}
yaml_case "content/stories/2020/y.md:3:5: 错误：文件头有误：'date' 后面是全角冒号“：”；请改成半角冒号加一个空格：'date: '" <<'EOF2'
---
title: 全角冒号
date：2020-07-08
tags: [木耳]
---
正文。
EOF2
yaml_case "content/stories/2020/y.md:3:9: 错误：文件头有误：这里开头的引号没有结束；请在同一行的末尾补上 \"" <<'EOF2'
---
title: 引号
author: "孙昊
date: 2020-07-08
---
正文。
EOF2
yaml_case "content/stories/2020/y.md:4:7: 错误：文件头有误：这里用“[”开头的列表没有结束；请在末尾补上“]”" <<'EOF2'
---
title: 方括号
date: 2020-07-08
tags: [木耳, 合作社
author: 孙昊
---
正文。
EOF2

# --- unknown fields: build and check, English and Chinese, and site.yml's own
typo=$TMPDIR/typo
minimal_site "$typo"
write "$typo/content/stories/a.md" <<'EOF2'
---
title: 甲
date: 2020-07-08
townsip: 穆棱镇
episode: 36
tags:
  - 一
photoes:
  - a.jpg
---
正文。
EOF2
write "$typo/content/stories/b.md" <<'EOF2'
---
tittle: 乙
date: 2020-07-08
---
正文。
EOF2
make_repo "$typo"
build --source "$typo" --out "$TMPDIR/typo-out"
assert_eq "$rc" 1 "a page without a title"
assert_contains "$err_log" "content/stories/a.md:4:1: warning: unknown field 'townsip'; did you mean 'township'?"
assert_contains "$err_log" "content/stories/a.md:5:1: warning: unknown field 'episode'; if the site's layouts or hooks read it, list it in site.yml under front_matter: keys:"
# a block list's field is the line above the list
assert_contains "$err_log" "content/stories/a.md:8:1: warning: unknown field 'photoes'; did you mean 'photos'?"
assert_contains "$err_log" "content/stories/b.md:2:1: warning: unknown field 'tittle'; did you mean 'title'?"
assert_contains "$err_log" "content/stories/b.md:2:1: missing 'title'"
assert_not_contains "$err_log" "'tags'"
LANGUAGE=zh_CN LANG=C.UTF-8 build --source "$typo" --out "$TMPDIR/typo-out"
assert_contains "$err_log" "content/stories/a.md:4:1: 警告：未知字段 'townsip'，是不是 'township'？"

set +e
"$GAZETTE" check --source "$typo" --format json >"$TMPDIR/check.json"
rc=$?
set -e
assert_eq "$rc" 1 "check with a missing title"
python3 - "$TMPDIR/check.json" <<'EOF2' || fail "check --format json: the unknown fields"
import json, sys
items = json.load(open(sys.argv[1], encoding="utf-8"))
want = {("content/stories/a.md", 4, 1, "unknown field 'townsip'; did you mean 'township'?"),
        ("content/stories/b.md", 2, 1, "unknown field 'tittle'; did you mean 'title'?")}
got = {(i["path"], i["line"], i["col"], i["message"]) for i in items if i["severity"] == "warning"}
assert want <= got, got
EOF2
LANGUAGE=zh_CN LANG=C.UTF-8 "$GAZETTE" check --source "$typo" --format json >"$TMPDIR/check-zh.json" || true
assert_contains "$TMPDIR/check-zh.json" '"line": 4, "col": 1, "severity": "warning", "message": "未知字段 '"'townsip'"'，是不是 '"'township'"'？"'

# the site declares its own fields: no warning for them, the typo still warned
cat >>"$typo/site.yml" <<'EOF2'
front_matter:
  keys: [episode]
EOF2
build --source "$typo" --out "$TMPDIR/typo-out"
assert_not_contains "$err_log" "'episode'"
assert_contains "$err_log" "unknown field 'townsip'"
# a cache hit warns as much as a parse (the second build reads the cache)
build --source "$typo" --out "$TMPDIR/typo-out"
assert_contains "$err_log" "unknown field 'townsip'"
echo 'front_matter: [episode]' >"$TMPDIR/fm.yml"
cat "$typo/site.yml" | sed '/^front_matter:/,$d' >"$TMPDIR/site.yml"
cat "$TMPDIR/fm.yml" >>"$TMPDIR/site.yml"
cp "$TMPDIR/site.yml" "$typo/site.yml"
build --source "$typo" --out "$TMPDIR/typo-out"
assert_contains "$err_log" "site.yml:4:15: front_matter must be a mapping"

# --- gazette new: places held to data/places.yml
SOURCE_DATE_EPOCH=1559980800
export SOURCE_DATE_EPOCH
new() {
	set +e
	(cd "$site" && "$GAZETTE" new "$@") >"$TMPDIR/new.out" 2>"$TMPDIR/new.err"
	rc=$?
	set -e
}
new story 'Typo town' --township 穆陵镇
assert_eq "$rc" 1 "an unknown township"
assert_contains "$TMPDIR/new.err" "--township '穆陵镇' is not in data/places.yml; did you mean '穆棱镇'? (--force keeps '穆陵镇')"
assert_no_file "$site/content/stories/2019/typo-town.md"
new story 'Typo village' --village 团结
assert_eq "$rc" 1 "an unknown village"
assert_contains "$TMPDIR/new.err" "did you mean '团结村'?"
new story 'Typo industry' --industry 养峰
assert_eq "$rc" 1 "an unknown industry"
assert_contains "$TMPDIR/new.err" "--industry '养峰' is not in data/places.yml; did you mean '养蜂'?"
new story 'Far town' --township 下城子镇
assert_eq "$rc" 1 "a township like none"
assert_contains "$TMPDIR/new.err" "--township '下城子镇' is not in data/places.yml; check the name, add it there, or give --force to keep it"
LANGUAGE=zh_CN LANG=C.UTF-8 new story 'Typo town' --township 穆陵镇
assert_contains "$TMPDIR/new.err" "--township '穆陵镇' 不在 data/places.yml 中；是不是 '穆棱镇'？"
new story 'Typo town' --township 穆陵镇 --force
assert_eq "$rc" 0 "--force keeps it"
assert_contains "$site/content/stories/2019/typo-town.md" 'township: "穆陵镇"'
new story 'Good one' --township 马桥河镇 --village 永安村 --industry 养蜂
assert_eq "$rc" 0 "known places"
assert_contains "$site/content/stories/2019/good-one.md" 'industry: "养蜂"'
new story 'No industry'
assert_contains "$site/content/stories/2019/no-industry.md" 'industry: []'
# without data/places.yml nothing is checked
rm "$site/data/places.yml"
new story 'Anywhere' --township 穆陵镇
assert_eq "$rc" 0 "no places list"
rm -f "$site/content/stories/2019/"*.md

# --- archive search
S() {
	set +e
	"$GAZETTE" archive search --source "$site" "$@" >"$TMPDIR/s.out" 2>"$TMPDIR/s.err"
	rc=$?
	set -e
}
S 养羊
assert_eq "$rc" 0 "found"
# a village without a township: no leading '/'
grep -q '  已发布稿件  团结村$' "$TMPDIR/s.out" || { cat "$TMPDIR/s.out"; fail "the place of a story without a township"; }
S --json 养羊
assert_contains "$TMPDIR/s.out" '"place":"团结村"'
S 正文1
grep -q '  日期1  穆棱镇$' "$TMPDIR/s.out" || { cat "$TMPDIR/s.out"; fail "the place of a story without a village"; }
# piped: no colour
if grep -q "$(printf '\033')" "$TMPDIR/s.out"; then fail "colour in a pipe"; fi
S 没有这回事
assert_eq "$rc" 1 "nothing found"
[ ! -s "$TMPDIR/s.out" ] || fail "nothing found printed on stdout"
assert_contains "$TMPDIR/s.err" "no stories found for '没有这回事'"
S --township 马桥河镇 养羊
assert_eq "$rc" 1 "nothing found with a filter"
assert_contains "$TMPDIR/s.err" "no stories found for '养羊' with the filters given"
S --json 没有这回事
assert_eq "$rc" 1 "nothing found (json)"
assert_eq "$(cat "$TMPDIR/s.out")" "[]" "json of nothing"
LANGUAGE=zh_CN LANG=C.UTF-8 S 没有这回事
assert_contains "$TMPDIR/s.err" "没有找到含有 '没有这回事' 的稿件"
S --from 2020年7月11日 --to 2020/7/11 养羊
assert_eq "$rc" 0 "--from and --to as editors write them"
S --from 2020年7月32日 养羊
assert_eq "$rc" 2 "a bad --from"
assert_contains "$TMPDIR/s.err" "--from '2020年7月32日' has no day 32"

# on a terminal the words found are in bold colour, unless NO_COLOR
if command -v script >/dev/null 2>&1; then
	script -qec "'$GAZETTE' archive search --source '$site' 养羊" /dev/null >"$TMPDIR/tty.out" </dev/null
	grep -q "$(printf '\033')\[1;31m养羊$(printf '\033')\[m" "$TMPDIR/tty.out" || { cat -v "$TMPDIR/tty.out"; fail "no highlight on a terminal"; }
	assert_contains "$TMPDIR/tty.out" "1 result"
	NO_COLOR=1 script -qec "'$GAZETTE' archive search --source '$site' 养羊" /dev/null >"$TMPDIR/tty.out" </dev/null
	if grep -q "$(printf '\033')" "$TMPDIR/tty.out"; then fail "colour with NO_COLOR"; fi
fi
echo "editors_input: ok"
