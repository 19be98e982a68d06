#!/bin/sh
# gazette desk over HTTP with curl: login required everywhere, CSRF tokens
# on every POST, failed logins slowed, one user's session cannot act as
# another, a story saved as commits on its own branch by its editor, the
# check's findings in the preview, photo uploads checked (a hostile name,
# a non-image), a stale save refused, review and approval that merges and
# builds, the working tree untouched, two editors' changes to the same
# line (the second approval shows the conflict and publishes nothing), the
# site's language (Chinese) under LC_ALL=C, 100 concurrent requests under
# 200 MB of RSS after the builds (which run in child processes), and a bare
# repository from a new story to the built site.
set -eu
. "$ROOT/tests/e2e/lib.sh"

command -v curl >/dev/null || skip "curl is not installed"

site=$TMPDIR/site
mkdir -p "$site"
cp -R "$ROOT/site.yml" "$ROOT/content" "$ROOT/data" "$site/"
# pages as editors write them: a township and village data/places.yml does
# not list, two industries, a Chinese date
mkdir -p "$site/content/stories/2021"
cat >"$site/content/stories/2021/roundtrip.md" <<'MD'
---
title: "悬羊村的\n木耳棚"
date: 2021年3月5日
summary: "木耳棚的故事。\n第二句。"
township: 下城子镇
village: 悬羊村
industry: [黑木耳, 食用菌]
tags: [木耳]
---

第一段。
MD
make_repo "$site"
git -C "$site" branch -m main
before=$(tree_sums "$site/content")

echo 'editor-pass-1' | "$GAZETTE" desk user add alice --role editor --email alice@county.example \
	--source "$site" >/dev/null || fail "user add alice"
echo 'review-pass-1' | "$GAZETTE" desk user add bob --role reviewer --email bob@county.example \
	--source "$site" >/dev/null || fail "user add bob"
grep -q '^alice	editor	alice@county.example	\$argon2id\$' "$site/.gazette/desk-users" ||
	fail "the users file holds no Argon2id hash"
[ "$(stat -c %a "$site/.gazette/desk-users")" = 600 ] || fail "the users file is readable by others"

# under the plain C locale, the desk still speaks its site's language
start_server "$TMPDIR/desk.log" 's#.*http://127\.0\.0\.1:\([0-9][0-9]*\)/desk/.*#\1#p' \
	"gazette desk" env -u LANGUAGE LC_ALL=C "$GAZETTE" desk --source "$site" --port 0
base=http://127.0.0.1:$port

# code METHOD URL [curl args…]: the status code; the body in $TMPDIR/body
code() {
	m=$1 u=$2
	shift 2
	curl -s -o "$TMPDIR/body" -w '%{http_code}' -X "$m" "$@" "$base$u"
}
csrf_of() {
	sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMPDIR/body" | head -n 1
}
login() {
	jar=$TMPDIR/$1.jar
	rm -f "$jar"
	code GET /desk/login -c "$jar" -b "$jar" >/dev/null
	t=$(csrf_of)
	c=$(code POST /desk/login -c "$jar" -b "$jar" --data-urlencode "csrf=$t" \
		--data-urlencode "name=$1" --data-urlencode "password=$2")
	[ "$c" = 303 ] || { cat "$TMPDIR/body"; fail "login $1: $c"; }
}

c=$(code GET /desk/login)
[ "$c" = 200 ] || fail "the login page: $c"
assert_contains "$TMPDIR/body" '<html lang="zh-CN">'
assert_contains "$TMPDIR/body" '<title>登录 · 编辑台</title>'
assert_contains "$TMPDIR/body" '用户名'

# login required everywhere
for u in /desk/ /desk/new /desk/edit?p=content/about.md /desk/review /desk/view/alice/ /x; do
	c=$(code GET "$u")
	[ "$c" = 303 ] || fail "GET $u without a session: $c"
done
[ "$(curl -s -o /dev/null -w '%{redirect_url}' "$base/desk/")" = "$base/desk/login" ] ||
	fail "no redirect to the login page"
c=$(code POST /desk/save --data 'title=x')
[ "$c" = 303 ] || fail "POST without a session: $c"

# the login form's own token; wrong passwords slowed down
code GET /desk/login -c "$TMPDIR/m.jar" >/dev/null
t=$(csrf_of)
c=$(code POST /desk/login -b "$TMPDIR/m.jar" --data "csrf=&name=alice&password=editor-pass-1")
[ "$c" = 403 ] || fail "login without its token: $c"
c=$(code POST /desk/login -b "$TMPDIR/m.jar" --data "csrf=$t&name=mallory&password=guess")
[ "$c" = 403 ] || fail "a wrong password: $c"
c=$(code POST /desk/login -b "$TMPDIR/m.jar" --data "csrf=$t&name=mallory&password=guess2")
[ "$c" = 429 ] || fail "a second try at once was not slowed down: $c"
sleep 2.2
login alice editor-pass-1
login bob review-pass-1
grep -q 'HttpOnly' "$TMPDIR/alice.jar" || fail "the session cookie is not HttpOnly"
curl -s -D - -o /dev/null -b "$TMPDIR/alice.jar" -c "$TMPDIR/x.jar" "$base/desk/login" | grep -q 'SameSite=Strict' ||
	fail "cookies are not SameSite=Strict"

c=$(code GET /desk/ -b "$TMPDIR/alice.jar")
[ "$c" = 200 ] || fail "the list: $c"
assert_contains "$TMPDIR/body" '<h2>我的稿件</h2>'
atok=$(csrf_of)
code GET /desk/ -b "$TMPDIR/bob.jar" >/dev/null
btok=$(csrf_of)

# a new story; without the token it is refused
c=$(code GET /desk/new?kind=story -b "$TMPDIR/alice.jar")
[ "$c" = 200 ] || fail "the new story form: $c"
assert_contains "$TMPDIR/body" 'data-line="第%d行："'
pub=$(git -C "$site" rev-parse main)
story() {
	printf 'csrf=%s&p=%s&kind=story&b=%s&base=%s&status=draft&title=%s&date=2020-08-01&slug=%s' \
		"$1" "$2" "$3" "$4" '%E6%9D%91%E9%87%8C%E7%9A%84%E8%9C%82%E8%9C%9C' "$5"
	printf '&township=%s&village=&industry=&people=&tags=&summary=&author=&source=&reprint=&extra=' \
		'%E7%A9%86%E6%A3%B1%E9%95%87'
	printf '&body=%s' "$6"
}
# 第一段,有一个半角逗号。 (a half-width comma between Chinese characters)
bad='%E7%AC%AC%E4%B8%80%E6%AE%B5,%E6%9C%89%E4%B8%80%E4%B8%AA%E5%8D%8A%E8%A7%92%E9%80%97%E5%8F%B7%E3%80%82%0A'
good='%E7%AC%AC%E4%B8%80%E6%AE%B5%EF%BC%8C%E6%B2%A1%E6%9C%89%E5%8D%8A%E8%A7%92%E9%80%97%E5%8F%B7%E3%80%82%0A'
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story '' '' '' "$pub" village-honey "$bad")")
[ "$c" = 403 ] || fail "a save without its CSRF token: $c"
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$btok" '' '' "$pub" village-honey "$bad")")
[ "$c" = 403 ] || fail "a save with another session's token: $c"
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" '' '' "$pub" village-honey "$bad")")
[ "$c" = 303 ] || { cat "$TMPDIR/body"; fail "a new story: $c"; }
br=desk/alice/stories/2020/village-honey/index.md
page=content/stories/2020/village-honey/index.md
git -C "$site" rev-parse -q --verify "refs/heads/$br" >/dev/null || fail "no branch $br"
[ "$(git -C "$site" log -1 --format='%an <%ae>' "$br")" = 'alice <alice@county.example>' ] ||
	fail "the save's author is not the editor"
git -C "$site" show "$br:$page" | grep -q '^status: draft$' || fail "the story is not a draft"
tip1=$(git -C "$site" rev-parse "$br")

# the preview: the real pipeline's page and the check's warning on line 1
c=$(code POST /desk/preview -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$page" "$br" "$tip1" village-honey "$bad")")
[ "$c" = 200 ] || fail "preview: $c"
grep -q '"severity":"warning"' "$TMPDIR/body" || { cat "$TMPDIR/body"; fail "no check warning in the preview"; }
url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$TMPDIR/body")
[ "$url" = /desk/view/alice/stories/2020/village-honey/ ] || fail "preview url '$url'"
c=$(code GET "$url" -b "$TMPDIR/alice.jar")
[ "$c" = 200 ] || fail "the preview page: $c"
assert_contains "$TMPDIR/body" '村里的蜂蜜'
assert_contains "$TMPDIR/body" 'href="/desk/view/alice/css/'
c=$(code GET "$url" -b "$TMPDIR/bob.jar")
[ "$c" = 404 ] || [ "$c" = 403 ] || fail "bob reads alice's preview: $c"
c=$(code GET /desk/view/bob/ -b "$TMPDIR/alice.jar")
[ "$c" = 403 ] || fail "alice reads bob's preview folder: $c"

# the fix, then a stale save of the first version
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$page" "$br" "$tip1" village-honey "$good")")
[ "$c" = 303 ] || fail "the second save: $c"
tip2=$(git -C "$site" rev-parse "$br")
[ "$(git -C "$site" rev-parse "$br~1")" = "$tip1" ] || fail "the second save is not on top of the first"
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$page" "$br" "$tip1" village-honey "$bad")")
[ "$c" = 409 ] || fail "a stale save: $c"
assert_contains "$TMPDIR/body" '没有半角逗号'
[ "$(git -C "$site" rev-parse "$br")" = "$tip2" ] || fail "a stale save moved the branch"

# photos: a hostile name, a non-image, then a real one
photo=$ROOT/content/stories/2020/meng-qinglong-bees/honey.jpg
up() {
	code POST /desk/upload -b "$TMPDIR/alice.jar" -F "csrf=$atok" -F "b=$br" -F "base=$1" \
		-F "caption=$3" -F "credit=本站摄影" -F "alt=木桌上的蜂蜜" -F "photo=@$2"
}
c=$(up "$tip2" "$photo;filename=../../x.jpg" 蜂蜜)
[ "$c" = 400 ] || fail "an upload named ../../x.jpg: $c"
printf 'not a photo' >"$TMPDIR/x.jpg"
c=$(up "$tip2" "$TMPDIR/x.jpg" 蜂蜜)
[ "$c" = 415 ] || fail "an upload that is no image: $c"
[ "$(git -C "$site" rev-parse "$br")" = "$tip2" ] || fail "a refused upload moved the branch"
c=$(up "$tip2" "$photo" '')
[ "$c" = 303 ] || { cat "$TMPDIR/body"; fail "a photo upload: $c"; }
tip3=$(git -C "$site" rev-parse "$br")
git -C "$site" cat-file -e "$br:content/stories/2020/village-honey/honey.jpg" || fail "the photo is not in the bundle"

# a submit is checked as the preview is: a date that is no date, or a
# shortcode left open, is refused, the findings beside their lines
enc() {
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g'
}
photo0='&photo0_src=honey.jpg&photo0_caption=%E8%9C%82%E8%9C%9C&photo0_credit=x&photo0_alt=y'
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$page" "$br" "$tip3" village-honey "$good" | sed 's/date=2020-08-01/date=2020-02-30/')&do=submit$photo0")
[ "$c" = 200 ] || fail "a submit with a date that is no date: $c"
assert_contains "$TMPDIR/body" '不是真实的日期'
assert_contains "$TMPDIR/body" '<li class="error" data-line="0">页面信息：date'
open_quote=$(enc '::: quote speaker="x"
没关上
')
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$page" "$br" "$tip3" village-honey "$open_quote")&do=submit$photo0")
[ "$c" = 200 ] || fail "a submit with a shortcode left open: $c"
assert_contains "$TMPDIR/body" '<li class="error" data-line="1">第1行第1列：短代码'
assert_contains "$TMPDIR/body" '稿件有错误'
[ "$(git -C "$site" rev-parse "$br")" = "$tip3" ] || fail "a refused submit moved the branch"
# several mistakes in one page are all listed, each at its line, and none
# that only follows from another: an unknown shortcode, a quote without
# its speaker, a ':::' that closes nothing, a photo that is not there and
# a figure never closed (its missing src is not said: it is not run)
many=$(enc '第一段。

::: photo src="honey.jpg"
:::

::: quote
引文。
:::

:::

![图](no-such.jpg)

::: figure
没关上
')
c=$(code POST /desk/preview -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$page" "$br" "$tip3" village-honey "$many")$photo0")
[ "$c" = 200 ] || fail "preview of a page with several mistakes: $c"
python3 - "$TMPDIR/body" <<'PY' || fail "the preview's list of a page with several mistakes: $(cat "$TMPDIR/body")"
import json, sys
r = json.load(open(sys.argv[1]))
got = [(f["line"] - r["bodyLine"] + 1, f["col"], f["message"]) for f in r["findings"] if f["severity"] == "error"]
for g in got:
    print(g)
want = [(3, 1, "没有 'photo' 这个短代码"), (6, 1, "quote 缺少参数 speaker"),
        (10, 1, "这个 ':::' 前面没有要结束的短代码"), (12, 1, "找不到图片 'no-such.jpg'"),
        (14, 1, "短代码 'figure' 没有结束")]
assert len(got) == len(want), (got, want)
for (gl, gc, gm), (wl, wc, wm) in zip(got, want):
    assert (gl, gc) == (wl, wc) and wm in gm, ((gl, gc, gm), (wl, wc, wm))
PY
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$page" "$br" "$tip3" village-honey "$many")&do=submit$photo0")
[ "$c" = 200 ] || fail "a submit with several mistakes: $c"
for l in 3 6 10 12 14; do
	assert_contains "$TMPDIR/body" "<li class=\"error\" data-line=\"$l\">第${l}行第1列："
done
[ "$(git -C "$site" rev-parse "$br")" = "$tip3" ] || fail "a refused submit moved the branch"

# a page opened and saved as it is loses nothing: a title's line break
# (where print breaks it), a summary's (both sent back as CR LF), places
# the list lacks, two industries, and a Chinese date, which the date picker
# shows as 2021-03-05 (the picker holds no other form)
c=$(code GET /desk/edit?p=content/stories/2021/roundtrip.md -b "$TMPDIR/alice.jar")
[ "$c" = 200 ] || fail "open a page with a Chinese date: $c"
assert_contains "$TMPDIR/body" 'name="date" value="2021-03-05" type="date"'
# and the day as a reader reads it, whatever the browser's locale
assert_contains "$TMPDIR/body" '<output id="date-zh" for="date" class="hint">2021年3月5日</output>'
assert_contains "$TMPDIR/body" 'name="industry" value="黑木耳、食用菌"'
assert_contains "$TMPDIR/body" '<h1>悬羊村的木耳棚</h1>'
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(python3 "$ROOT/tests/tools/desk_form.py" "$TMPDIR/body")")
[ "$c" = 303 ] || { cat "$TMPDIR/body"; fail "save a page unchanged: $c"; }
git -C "$site" show desk/alice/stories/2021/roundtrip.md:content/stories/2021/roundtrip.md >"$TMPDIR/rt.md"
# the title's break is print's: the commit's subject reads it as one line
case "$(git -C "$site" log -1 --format=%s desk/alice/stories/2021/roundtrip.md)" in
悬羊村的木耳棚:* | 悬羊村的木耳棚：*) ;;
*) fail "the save's commit subject: $(git -C "$site" log -1 --format=%B desk/alice/stories/2021/roundtrip.md)" ;;
esac
for want in 'title: "悬羊村的\n木耳棚"' 'summary: "木耳棚的故事。\n第二句。"' 'date: 2021-03-05' 'township: "下城子镇"' 'village: "悬羊村"' 'industry: ["黑木耳", "食用菌"]' \
	'tags: ["木耳"]'; do
	grep -qxF "$want" "$TMPDIR/rt.md" || { cat "$TMPDIR/rt.md"; fail "an unchanged save lost '$want'"; }
done
[ "$(sed -n '/^---$/=' "$TMPDIR/rt.md" | wc -l)" = 2 ] || fail "an unchanged save: not one front matter"
sed -n '/^---$/,$p' "$TMPDIR/rt.md" | tail -n +2 | sed '1,/^---$/d' | grep -qx '第一段。' ||
	fail "an unchanged save changed the text"

# the title's line break, added and taken out on the desk: the title is
# always a box Enter breaks, with a hint of what a break does; a browser
# sends its line ends as CR LF (desk_form.py too), saved as the YAML's \n
rtb=desk/alice/stories/2021/roundtrip.md
rtp=content/stories/2021/roundtrip.md
# form FIELD=VALUE…: the page on its branch opened, and the form sent back
# with those fields changed; the saved file in $TMPDIR/rt.md
resave() {
	c=$(code GET "/desk/edit?p=$rtp&b=$rtb" -b "$TMPDIR/alice.jar")
	[ "$c" = 200 ] || fail "open the page on its branch: $c"
	cp "$TMPDIR/body" "$TMPDIR/form.html"
	c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(python3 "$ROOT/tests/tools/desk_form.py" \
		"$TMPDIR/form.html" "$@")")
	[ "$c" = 303 ] || { cat "$TMPDIR/body"; fail "save the page ($*): $c"; }
	git -C "$site" show "$rtb:$rtp" >"$TMPDIR/rt.md"
}
title_line() {
	grep '^title:' "$TMPDIR/rt.md"
}
subject() {
	git -C "$site" log -1 --format=%s "$rtb"
}
cp "$TMPDIR/rt.md" "$TMPDIR/rt0.md"
resave
cmp -s "$TMPDIR/rt0.md" "$TMPDIR/rt.md" || { diff -u "$TMPDIR/rt0.md" "$TMPDIR/rt.md"; fail "open and save: the file changed"; }
assert_contains "$TMPDIR/form.html" '<textarea id="title" name="title" rows="2" required aria-describedby="title-note">'
assert_contains "$TMPDIR/form.html" '<small id="title-note" class="hint">按回车键，印刷品封面和文章首页上的标题就在这里换行'
resave title=悬羊村的木耳棚
[ "$(title_line)" = 'title: "悬羊村的木耳棚"' ] || fail "the break taken out: $(title_line)"
c=$(code GET "/desk/edit?p=$rtp&b=$rtb" -b "$TMPDIR/alice.jar")
# a title without a break is in the same box, one line high, Enter ready
assert_contains "$TMPDIR/body" '<textarea id="title" name="title" rows="1" required aria-describedby="title-note">'
# Enter pressed between the lines, and twice at the end by mistake
t=$(printf '悬羊村的\n木耳棚\n\n.')
resave "title=${t%.}"
[ "$(title_line)" = 'title: "悬羊村的\n木耳棚"' ] || { cat "$TMPDIR/rt.md"; fail "the break added: $(title_line)"; }
grep -q "$(printf '\r')" "$TMPDIR/rt.md" && fail "a carriage return in the saved file"
case "$(subject)" in
悬羊村的木耳棚:* | 悬羊村的木耳棚：*) ;;
*) fail "the commit subject of the save that broke the title: $(subject)" ;;
esac
cp "$TMPDIR/rt.md" "$TMPDIR/rt0.md"
resave
cmp -s "$TMPDIR/rt0.md" "$TMPDIR/rt.md" || { diff -u "$TMPDIR/rt0.md" "$TMPDIR/rt.md"; fail "open and save a title just broken: the file changed"; }
# the page built reads the title whole
c=$(code POST /desk/preview -b "$TMPDIR/alice.jar" --data "$(python3 "$ROOT/tests/tools/desk_form.py" "$TMPDIR/form.html")")
[ "$c" = 200 ] || fail "preview of the broken title: $c"
url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$TMPDIR/body")
c=$(code GET "$url" -b "$TMPDIR/alice.jar")
[ "$c" = 200 ] || fail "the preview page of the broken title ($url): $c"
assert_contains "$TMPDIR/body" '<title>悬羊村的木耳棚 | '
h1=$(tr -d '\n' <"$TMPDIR/body" | sed -n 's/.*<h1 class="article-title">\(.*\)<\/h1>.*/\1/p' | sed 's/<[^>]*>//g')
[ "$h1" = 悬羊村的木耳棚 ] || fail "the built page's h1 reads '$h1'"

# a front matter that is not YAML comes whole into the text, with the
# error above; mended there, the page saves with one front matter. (The
# broken page is on the editor's branch only: on main, the site's builds
# would fail.)
bb=desk/alice/stories/2021/broken.md
git -C "$site" worktree add -q -b "$bb" "$TMPDIR/wt" main
cat >"$TMPDIR/wt/content/stories/2021/broken.md" <<'MD'
---
title: 坏文件头
date: 2021-04-01
tags: [木耳, 合作社
author: 李明
---

正文一段。
MD
git -C "$TMPDIR/wt" add content/stories/2021/broken.md
git -C "$TMPDIR/wt" commit -qm 'a broken page'
git -C "$site" worktree remove "$TMPDIR/wt"
btip=$(git -C "$site" rev-parse "$bb")
c=$(code GET "/desk/edit?p=content/stories/2021/broken.md&b=$bb" -b "$TMPDIR/alice.jar")
[ "$c" = 200 ] || fail "open a page with a broken front matter: $c"
assert_contains "$TMPDIR/body" 'class="err" role="alert"'
python3 "$ROOT/tests/tools/desk_form.py" "$TMPDIR/body" >"$TMPDIR/broken.form"
grep -q 'body=---' "$TMPDIR/broken.form" || fail "the broken front matter is not in the text"
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(python3 "$ROOT/tests/tools/desk_form.py" "$TMPDIR/body" \
	title=坏文件头 date=2021-04-01)")
[ "$c" = 200 ] || fail "a save with the front matter still broken: $c"
assert_contains "$TMPDIR/body" '不是有效的 YAML'
[ "$(git -C "$site" rev-parse "$bb")" = "$btip" ] || fail "a broken front matter was saved"
mended=$(python3 -c 'import sys, urllib.parse as u
f = u.parse_qsl(open(sys.argv[1]).read().strip(), keep_blank_values=True)
print(u.urlencode([(n, v.replace("合作社\r\n", "合作社]\r\n") if n == "body" else v) for n, v in f]))' "$TMPDIR/broken.form")
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$mended")
[ "$c" = 303 ] || { cat "$TMPDIR/body"; fail "save a mended front matter: $c"; }
git -C "$site" show "$bb:content/stories/2021/broken.md" >"$TMPDIR/mended.md"
[ "$(grep -cx -- '---' "$TMPDIR/mended.md")" = 2 ] || { cat "$TMPDIR/mended.md"; fail "a mended page has two front matters"; }
for want in 'title: "坏文件头"' 'author: "李明"' 'tags: ["木耳", "合作社"]' '正文一段。'; do
	grep -qxF "$want" "$TMPDIR/mended.md" || { cat "$TMPDIR/mended.md"; fail "a mended page lost '$want'"; }
done

# a preview page that a build with errors did not make says so in the
# form's frame (a desk page may not be framed: the browser would say the
# desk refused to connect)
curl -s -D "$TMPDIR/h" -o "$TMPDIR/body" -b "$TMPDIR/alice.jar" "$base/desk/view/alice/stories/2021/none/"
grep -q '^HTTP/1.1 404' "$TMPDIR/h" || fail "a page not in the preview: not 404"
grep -qi '^X-Frame-Options' "$TMPDIR/h" && fail "a page not in the preview cannot be shown in the frame"
grep -qi "frame-ancestors 'self'" "$TMPDIR/h" || fail "a page not in the preview: not for the desk's frame"
assert_contains "$TMPDIR/body" '预览'

# submitting needs every photo's caption
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$page" "$br" "$tip3" village-honey "$good")&do=submit&photo0_src=honey.jpg&photo0_caption=&photo0_credit=x&photo0_alt=y")
[ "$c" = 200 ] || fail "a submit with a photo without caption: $c"
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$page" "$br" "$tip3" village-honey "$good")&do=submit&photo0_src=honey.jpg&photo0_caption=%E8%9C%82%E8%9C%9C&photo0_credit=x&photo0_alt=y")
[ "$c" = 303 ] || fail "submit: $c"
git -C "$site" show "$br:$page" | grep -q '^status: review$' || fail "the story is not awaiting review"
tip4=$(git -C "$site" rev-parse "$br")

# an editor cannot review, nor act with another's session and token
c=$(code GET "/desk/review?b=$br" -b "$TMPDIR/alice.jar")
[ "$c" = 403 ] || fail "an editor opened the review: $c"
c=$(code POST /desk/decide -b "$TMPDIR/alice.jar" --data "csrf=$atok&b=$br&base=$tip4&do=approve")
[ "$c" = 403 ] || fail "an editor approved: $c"
c=$(code POST /desk/decide -b "$TMPDIR/alice.jar" --data "csrf=$btok&b=$br&base=$tip4&do=approve")
[ "$c" = 403 ] || fail "bob's token with alice's session: $c"

# the reviewer sees the page and a readable diff: the fields as rows, the
# body's lines, the new photo by name, size and thumbnail
c=$(code GET "/desk/review?b=$br" -b "$TMPDIR/bob.jar")
[ "$c" = 200 ] || fail "the review: $c"
assert_contains "$TMPDIR/body" '<tr><th>标题</th><td><ins>村里的蜂蜜</ins></td></tr>'
assert_contains "$TMPDIR/body" '<span class="add">+ 第一段，没有半角逗号。</span>'
assert_contains "$TMPDIR/body" '新照片 honey.jpg（'
assert_contains "$TMPDIR/body" 'value="approve"'
c=$(code GET "/desk/photo?b=$br&f=honey.jpg" -b "$TMPDIR/bob.jar")
[ "$c" = 200 ] && cmp -s "$TMPDIR/body" "$photo" || fail "the photo's thumbnail: $c"
c=$(code GET "/desk/photo?b=$br&f=../index.md" -b "$TMPDIR/bob.jar")
[ "$c" = 404 ] || fail "a thumbnail of no photo: $c"

# a page with errors on the review screen cannot be approved
c=$(code POST /desk/save -b "$TMPDIR/bob.jar" --data "$(story "$btok" "$page" "$br" "$tip4" village-honey "$open_quote" | sed 's/status=draft/status=review/')$photo0")
[ "$c" = 303 ] || fail "the reviewer's save: $c"
tip5=$(git -C "$site" rev-parse "$br")
c=$(code GET "/desk/review?b=$br" -b "$TMPDIR/bob.jar")
[ "$c" = 200 ] || fail "the review of a page with errors: $c"
assert_contains "$TMPDIR/body" '改正之前不能审核通过'
assert_contains "$TMPDIR/body" '第1行第1列：短代码'
grep -q 'value="approve"' "$TMPDIR/body" && fail "a page with errors can be approved on the screen"
c=$(code POST /desk/decide -b "$TMPDIR/bob.jar" --data "csrf=$btok&b=$br&base=$tip5&do=approve")
[ "$c" = 400 ] || fail "approving a page with errors: $c"
[ "$(git -C "$site" rev-parse main)" = "$pub" ] || fail "a page with errors reached main"
c=$(code POST /desk/save -b "$TMPDIR/bob.jar" --data "$(story "$btok" "$page" "$br" "$tip5" village-honey "$good" | sed 's/status=draft/status=review/')$photo0")
[ "$c" = 303 ] || fail "the reviewer's fix: $c"
tip4=$(git -C "$site" rev-parse "$br")

# and approves
c=$(code POST /desk/decide -b "$TMPDIR/bob.jar" --data "csrf=$btok&b=$br&base=$tip4&do=approve&comment=ok")
[ "$c" = 200 ] || { cat "$TMPDIR/body"; fail "approve: $c"; }
assert_contains "$site/public/stories/2020/village-honey/index.html" '村里的蜂蜜'
git -C "$site" log --format='%an' main -- "$page" | grep -qx alice || fail "alice is not in the page's history"
git -C "$site" show "main:$page" | grep -q '^status: published$' || fail "not published on main"
git -C "$site" rev-parse -q --verify "refs/heads/$br" >/dev/null && fail "the merged branch is left"
[ "$(tree_sums "$site/content")" = "$before" ] || fail "the working tree changed"
# previews and the check's copies stay in the site's cache folder, which git ignores
[ -d "$site/.gazette/desk" ] || fail "no previews in .gazette/desk"
[ -z "$(git -C "$site" status --porcelain --untracked-files=all -- .gazette)" ] ||
	fail "the desk's files show in git status"

# two editors change the same line of the published story: the first
# approval publishes, the second shows the conflict and publishes nothing
echo 'editor-pass-2' | "$GAZETTE" desk user add carol --role editor --email carol@county.example \
	--source "$site" >/dev/null || fail "user add carol"
login carol editor-pass-2
code GET /desk/ -b "$TMPDIR/carol.jar" >/dev/null
ctok=$(csrf_of)
pub2=$(git -C "$site" rev-parse main)
abr=desk/alice/stories/2020/village-honey/index.md
cbr=desk/carol/stories/2020/village-honey/index.md
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$page" '' "$pub2" village-honey "$(enc '第一段，阿丽改过。')")&do=submit$photo0")
[ "$c" = 303 ] || fail "alice's change: $c"
c=$(code POST /desk/save -b "$TMPDIR/carol.jar" --data "$(story "$ctok" "$page" '' "$pub2" village-honey "$(enc '第一段，卡罗尔改过。')")&do=submit$photo0")
[ "$c" = 303 ] || fail "carol's change: $c"
[ "$(git -C "$site" log -1 --format=%an "$cbr")" = carol ] || fail "carol's change is not carol's"
c=$(code POST /desk/decide -b "$TMPDIR/bob.jar" --data "csrf=$btok&b=$abr&base=$(git -C "$site" rev-parse "$abr")&do=approve")
[ "$c" = 200 ] || { cat "$TMPDIR/body"; fail "approving alice's change: $c"; }
assert_contains "$site/public/stories/2020/village-honey/index.html" '阿丽改过'
pub3=$(git -C "$site" rev-parse main)
public3=$(tree_sums "$site/public")
c=$(code POST /desk/decide -b "$TMPDIR/bob.jar" --data "csrf=$btok&b=$cbr&base=$(git -C "$site" rev-parse "$cbr")&do=approve")
[ "$c" = 409 ] || { cat "$TMPDIR/body"; fail "approving carol's conflicting change: $c"; }
assert_contains "$TMPDIR/body" "<code>$page</code>"
assert_contains "$TMPDIR/body" '没有发布'
[ "$(git -C "$site" rev-parse main)" = "$pub3" ] || fail "a conflicting approval moved main"
[ "$(tree_sums "$site/public")" = "$public3" ] || fail "a conflicting approval changed the site"
git -C "$site" rev-parse -q --verify "refs/heads/$cbr" >/dev/null || fail "the conflicting branch was removed"
git -C "$site" show "main:$page" | grep -q '卡罗尔' && fail "carol's line reached main"

# 100 requests at once leave the server under 200 MB: the preview and
# publishing builds above ran in child processes, so libvips, pango and Lua
# never entered it
rss_now() {
	awk '/^VmRSS/ {print $2}' "/proc/$server/status"
}
grep -q 'libvips\|gazette-media' "/proc/$server/maps" && fail "libvips is loaded in the desk itself"
rss0=$(rss_now)
pids=""
i=0
while [ $i -lt 100 ]; do
	curl -s -o /dev/null -b "$TMPDIR/alice.jar" "$base/desk/" &
	pids="$pids $!"
	i=$((i + 1))
done
rss=$rss0
for p in $pids; do
	r=$(rss_now)
	[ "$r" -gt "$rss" ] && rss=$r
	wait "$p" || true
done
r=$(rss_now)
[ "$r" -gt "$rss" ] && rss=$r
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$server/status")
echo "desk: RSS $((rss0 / 1024)) MB after the preview and publishing builds, at most $((rss / 1024)) MB during 100 concurrent requests; peak $((hwm / 1024)) MB"
[ "$rss" -lt 204800 ] || fail "the desk holds $((rss / 1024)) MB (the bound is 200 MB)"
c=$(code GET /desk/ -b "$TMPDIR/alice.jar")
[ "$c" = 200 ] || fail "the desk after the crowd: $c"

# a bare repository: refused without --out, then the whole way from a new
# story to the built site, with the users file outside the repository
# SIGTERM stops the desk cleanly (under the sanitizers: with nothing leaked)
stop_desk() {
	kill -TERM "$server"
	set +e
	wait "$server"
	rc=$?
	set -e
	trap - EXIT INT TERM
	[ "$rc" = 0 ] || { tail -n 30 "$1"; fail "the desk exited $rc after SIGTERM"; }
}
stop_desk "$TMPDIR/desk.log"
bare=$TMPDIR/bare.git
git clone -q --bare "$site" "$bare"
set +e
"$GAZETTE" desk --source "$bare" --port 0 >"$TMPDIR/bare.log" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || fail "a bare repository without --out: exit $rc"
assert_contains "$TMPDIR/bare.log" '--out'
echo 'editor-pass-1' | "$GAZETTE" desk user add alice --role editor --email alice@county.example \
	--source "$bare" >/dev/null || fail "user add alice in the bare repository"
echo 'review-pass-1' | "$GAZETTE" desk user add bob --role reviewer --email bob@county.example \
	--source "$bare" >/dev/null || fail "user add bob in the bare repository"
[ -z "$(find "$bare" -name '*users*')" ] || fail "the users file is inside the bare repository"
start_server "$TMPDIR/desk-bare.log" 's#.*http://127\.0\.0\.1:\([0-9][0-9]*\)/desk/.*#\1#p' \
	"gazette desk (bare)" "$GAZETTE" desk --source "$bare" --port 0 --out "$TMPDIR/bare-out"
base=http://127.0.0.1:$port
login alice editor-pass-1
login bob review-pass-1
code GET /desk/ -b "$TMPDIR/alice.jar" >/dev/null
atok=$(csrf_of)
code GET /desk/ -b "$TMPDIR/bob.jar" >/dev/null
btok=$(csrf_of)
pubb=$(git -C "$bare" rev-parse main)
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" '' '' "$pubb" bare-honey "$good")")
[ "$c" = 303 ] || { cat "$TMPDIR/body"; fail "a new story in the bare repository: $c"; }
bbr=desk/alice/stories/2020/bare-honey/index.md
bpage=content/stories/2020/bare-honey/index.md
c=$(code POST /desk/preview -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$bpage" "$bbr" "$(git -C "$bare" rev-parse "$bbr")" bare-honey "$bad")")
[ "$c" = 200 ] || fail "a preview in the bare repository: $c"
grep -q '"severity":"warning"' "$TMPDIR/body" || { cat "$TMPDIR/body"; fail "no check warning in the bare repository's preview"; }
c=$(code POST /desk/save -b "$TMPDIR/alice.jar" --data "$(story "$atok" "$bpage" "$bbr" "$(git -C "$bare" rev-parse "$bbr")" bare-honey "$good")&do=submit")
[ "$c" = 303 ] || fail "submit in the bare repository: $c"
c=$(code POST /desk/decide -b "$TMPDIR/bob.jar" --data "csrf=$btok&b=$bbr&base=$(git -C "$bare" rev-parse "$bbr")&do=approve")
[ "$c" = 200 ] || { cat "$TMPDIR/body"; fail "approve in the bare repository: $c"; }
assert_contains "$TMPDIR/bare-out/stories/2020/bare-honey/index.html" '村里的蜂蜜'
git -C "$bare" show "main:$bpage" | grep -q '^status: published$' || fail "not published on the bare repository's main"
[ "$(git -C "$bare" log -1 --format=%an main -- "$bpage")" != "" ] || fail "no history of the page"
git -C "$bare" log --format=%an main -- "$bpage" | grep -qx alice || fail "alice is not in the page's history (bare)"
stop_desk "$TMPDIR/desk-bare.log"
echo "desk: ok"
