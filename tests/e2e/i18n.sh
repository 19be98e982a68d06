#!/bin/sh
# The messages in Chinese (po/zh_CN.po through gettext): every marked
# message has a translation, none fuzzy; under the default locale gazette
# speaks English as before; under LC_ALL=C.UTF-8 LANGUAGE=zh_CN the help
# and the errors of the command line, site.yml, YAML, check, log, the
# output guard, the archive, a damaged repository, photos that are missing
# or damaged and an output folder that cannot be written are Chinese, with
# no English sentence left (tests/tools/no_english.py); and the site built
# is the same in both.
#
# Only C and C.UTF-8 exist on a bare machine: C.UTF-8 with LANGUAGE=zh_CN
# asks for Chinese without the locales package (and gazette takes LANGUAGE
# under plain C too, and LANG=zh_CN.UTF-8 whose locale is not installed,
# checked at the end).
set -eu
. "$ROOT/tests/e2e/lib.sh"

for tool in msgfmt xgettext msgcmp; do
	command -v $tool >/dev/null || skip "$tool is not installed (Debian package gettext)"
done
command -v python3 >/dev/null || skip "python3 is not installed"

ZH="env LC_ALL=C.UTF-8 LANGUAGE=zh_CN"
EN="env -u LANGUAGE LC_ALL=C.UTF-8"
no_english() {
	python3 "$ROOT/tests/tools/no_english.py" "$@" || fail "English left in Chinese output (above)"
}

# ---- the catalog: complete, nothing fuzzy, every marked message in it -------

msgfmt --check --statistics -o /dev/null "$ROOT/po/zh_CN.po" 2>"$TMPDIR/stats"
cat "$TMPDIR/stats"
assert_not_contains "$TMPDIR/stats" untranslated
assert_not_contains "$TMPDIR/stats" fuzzy
(cd "$ROOT" && xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	--keyword=P_:1,2 -o "$TMPDIR/gazette.pot" generator/*/*.c generator/*/*.h)
msgcmp "$ROOT/po/zh_CN.po" "$TMPDIR/gazette.pot" 2>"$TMPDIR/msgcmp" || {
	cat "$TMPDIR/msgcmp"
	fail "messages marked in generator/ without a translation in po/zh_CN.po (make pot, then translate)"
}

# ---- a site, a site with a broken site.yml, and one with content problems -----

site=$TMPDIR/site
cp -R "$ROOT/tests/fixtures/golden-site" "$site"
sed -i 's/^theme: .*/theme: default/' "$site/site.yml"
make_repo "$site"
broken=$TMPDIR/broken
cp -R "$site" "$broken"
printf 'title: [没有闭合的括号\ntheme: default\n' >"$broken/site.yml"
# a field site.yml would have listed: with site.yml unread, not called
# unknown (the one error is site.yml's)
printf -- '---\ntitle: 专栏\ndate: 2020-01-02\ncolumn: 扶贫专栏\n---\n正文。\n' >"$broken/content/column.md"
wrong=$TMPDIR/wrong
cp -R "$site" "$wrong"
printf 'title: 设置\ntheme: default\npaginate: 0\nfeed_items: many\nhistory: maybe\nmarkdown:\n  allow_embeds: [script]\n  max_nesting: -1\n' \
	>"$wrong/site.yml"
dup=$TMPDIR/dup
cp -R "$site" "$dup"
printf 'title: 重复\ntheme: default\ntitle: 又一个\n' >"$dup/site.yml"
tab=$TMPDIR/tab
cp -R "$site" "$tab"
printf 'title: 缩进\ntheme: default\nmarkdown:\n\tunsafe: true\n' >"$tab/site.yml"
check=$TMPDIR/check
cp -R "$ROOT/tests/fixtures/check-site" "$check"
# a repository with a folder's tree damaged: --rev reads the tree, a build
# of the working tree reads it in the history walk
damaged=$TMPDIR/damaged
cp -R "$site" "$damaged"
rm -rf "$damaged/.git" "$damaged/.gazette"
make_repo "$damaged"
oid=$(git -C "$damaged" rev-parse HEAD:content/stories)
python3 - "$damaged/.git/objects/$(echo "$oid" | cut -c1-2)/$(echo "$oid" | cut -c3-)" <<'EOF2'
import os, sys
p = sys.argv[1]
os.chmod(p, 0o644)
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xFF
open(p, "wb").write(b)
EOF2
# a photo that is not there, one that is not an image, one cut short
missing=$TMPDIR/missing
cp -R "$site" "$missing"
printf -- '---\ntitle: 缺图\ndate: 2019-07-01\n---\n正文。\n\n![没有](/photos/none.jpg)\n' \
	>"$missing/content/stories/2019/missing.md"
badimg=$TMPDIR/badimg
cp -R "$site" "$badimg"
printf 'not a picture\n' >"$badimg/content/photos/text.jpg"
python3 - "$badimg/content/photos/cut.png" <<'EOF2'
import random, struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
random.seed(1)
raw = b"".join(b"\0" + bytes(random.randrange(256) for _ in range(64)) for _ in range(64))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png[: len(png) // 2])
EOF2
printf -- '---\ntitle: 坏图\ndate: 2019-07-01\nphotos:\n  - {src: /photos/text.jpg}\n---\n正文。\n\n![截断](/photos/cut.png)\n' \
	>"$badimg/content/stories/2019/bad.md"
# an output folder that cannot be made: a file stands where its parent is
: >"$TMPDIR/a-file"
story=$(cd "$site" && ls content/stories/*/*.md | head -n 1)

# run LANG-ENV NAME ARGS...: gazette ARGS with stdout and stderr in
# $TMPDIR/NAME.out and .err (status in rc)
run() {
	envp=$1 name=$2
	shift 2
	set +e
	$envp "$GAZETTE" "$@" >"$TMPDIR/$name.out" 2>"$TMPDIR/$name.err"
	rc=$?
	set -e
	[ "$rc" -lt 128 ] || fail "gazette $* was killed (exit $rc)"
	echo "${name#*-} $rc" >>"$TMPDIR/status-${name%%-*}"
}

# the cases whose words come from the command line, site.yml and YAML,
# sources, the output guard, check, log and the archive
cases() {
	envp=$1 p=$2
	run "$envp" ${p}help --help
	for c in build log serve new check print; do
		run "$envp" ${p}help-$c $c --help
	done
	run "$envp" ${p}no-command bogus
	run "$envp" ${p}jobs build --jobs 0
	run "$envp" ${p}rev build --rev HEAD --as-of 2020-01-01
	run "$envp" ${p}args build extra
	run "$envp" ${p}format check --format xml
	run "$envp" ${p}port serve --port nine
	run "$envp" ${p}bind serve --bind nowhere --source "$site"
	run "$envp" ${p}bleed print --bleed wide x.yml
	run "$envp" ${p}new new story
	run "$envp" ${p}archive archive frobnicate
	run "$envp" ${p}no-source build --source "$TMPDIR/nowhere"
	run "$envp" ${p}out-in-content build --source "$site" --out "$site/content/out"
	run "$envp" ${p}yaml build --source "$broken" --out "$TMPDIR/out-broken"
	run "$envp" ${p}settings build --source "$wrong" --out "$TMPDIR/out-wrong"
	run "$envp" ${p}dup build --source "$dup" --out "$TMPDIR/out-dup"
	run "$envp" ${p}tab build --source "$tab" --out "$TMPDIR/out-tab"
	run "$envp" ${p}log-none log --source "$site" nosuch-page
	run "$envp" ${p}log log --source "$site" "$story"
	run "$envp" ${p}pull archive pull --source "$site" stories/nosuch
	run "$envp" ${p}search archive search --source "$site" 穆棱
	run "$envp" ${p}check check --source "$check"
	run "$envp" ${p}check-json check --source "$check" --format json
	run "$envp" ${p}git-rev build --source "$damaged" --rev HEAD --out "$TMPDIR/out-damaged"
	run "$envp" ${p}git-history build --source "$damaged" --out "$TMPDIR/out-damaged"
	run "$envp" ${p}git-log log --source "$damaged" "$story"
	run "$envp" ${p}git-no-rev build --source "$site" --rev nosuch --out "$TMPDIR/out-rev"
	run "$envp" ${p}photo-missing build --source "$missing" --out "$TMPDIR/out-missing"
	rm -rf "$badimg/.gazette"
	run "$envp" ${p}photo-bad build --source "$badimg" --out "$TMPDIR/out-badimg"
	rm -rf "$badimg/.gazette"
	run "$envp" ${p}photo-keep build --source "$badimg" --out "$TMPDIR/out-badimg" --keep-going
	run "$envp" ${p}out-unmade build --source "$site" --out "$TMPDIR/a-file/out"
	run "$envp" ${p}out-file build --source "$site" --out "$TMPDIR/a-file"
}

# ---- the default locale: English, as scripts expect -----------------------------

cases "$EN" en-
assert_contains "$TMPDIR/en-help.out" "usage: gazette <command> [options]"
assert_contains "$TMPDIR/en-help-build.out" "print the summary even when output is not a terminal"
assert_contains "$TMPDIR/en-no-command.err" "gazette: 'bogus' is not a command"
assert_contains "$TMPDIR/en-jobs.err" "--jobs must be a number from 1 to 256"
# the "[" left open, at its own line (libyaml gives up on the next)
assert_contains "$TMPDIR/en-yaml.err" "site.yml:1:8: the list opened here with '[' is not closed; end it with ']'"
assert_contains "$TMPDIR/en-yaml.err" "gazette: build failed with 1 error; nothing was written"
assert_not_contains "$TMPDIR/en-yaml.err" "unknown field"
assert_contains "$TMPDIR/en-settings.err" "paginate must be a number from 1 to 10000"
assert_contains "$TMPDIR/en-settings.err" "site.yml:4:13: feed_items must be a whole number above 0, like 20"
assert_contains "$TMPDIR/en-dup.err" "site.yml:3:1: duplicate key 'title' (first at line 1)"
assert_contains "$TMPDIR/en-tab.err" "a tab in the indentation"
assert_contains "$TMPDIR/en-out-in-content.err" "the output folder is inside content/"
assert_contains "$TMPDIR/en-log.out" "  created  "
assert_contains "$TMPDIR/en-log.out" "  1 commit:"
assert_contains "$TMPDIR/en-log-none.err" "gazette log: no page 'nosuch-page'"
assert_contains "$TMPDIR/en-pull.err" "no story with id 'stories/nosuch'"
assert_contains "$TMPDIR/en-search.err" "no archive here"
assert_contains "$TMPDIR/en-check.out" "content/stories/2019/places.md:4:11: warning: township '穆陵镇' is not in data/places.yml; did you mean '穆棱镇'?"
assert_contains "$TMPDIR/en-check-json.out" "\"severity\": \"warning\", \"message\": \"township '穆陵镇' is not in data/places.yml; did you mean '穆棱镇'?\""
assert_contains "$TMPDIR/en-git-rev.err" "$damaged: cannot list the revision's files: "
assert_contains "$TMPDIR/en-git-rev.err" "the repository is damaged: run 'git fsck' and restore it from a good clone"
assert_contains "$TMPDIR/en-git-history.err" "$damaged: cannot read the history (near commit "
assert_contains "$TMPDIR/en-git-log.err" "gazette log: $damaged: cannot read the history"
assert_contains "$TMPDIR/en-git-no-rev.err" "$site: revision 'nosuch' not found in the repository"
assert_contains "$TMPDIR/en-photo-missing.err" "content/stories/2019/missing.md:7:1: image '/photos/none.jpg' not found"
assert_contains "$TMPDIR/en-photo-bad.err" "content/stories/2019/bad.md:5:5: photo '/photos/text.jpg' is not an image gazette can read (JPEG, PNG, WebP, GIF or TIFF)"
assert_contains "$TMPDIR/en-photo-bad.err" "content/stories/2019/bad.md:9:1: image '/photos/cut.png' is damaged or cut short ("
assert_contains "$TMPDIR/en-photo-keep.err" "; a grey placeholder stands in for it"
assert_contains "$TMPDIR/en-out-unmade.err" "$TMPDIR/a-file/out: cannot write: "
assert_contains "$TMPDIR/en-out-file.err" "$TMPDIR/a-file: the output folder is a file; remove it or choose another --out"

# ---- Chinese: the same cases ----------------------------------------------------

cases "$ZH" zh-
# what scripts go by does not change with the language: the exit status,
# and which stream says something
diff -u "$TMPDIR/status-en" "$TMPDIR/status-zh" || fail "exit statuses differ between English and Chinese"
for f in "$TMPDIR"/en-*.out "$TMPDIR"/en-*.err; do
	z=$TMPDIR/zh-${f#"$TMPDIR"/en-}
	if [ -s "$f" ] && [ ! -s "$z" ]; then fail "${z##*/} is empty but ${f##*/} is not"; fi
done
assert_contains "$TMPDIR/zh-help.out" "用法：gazette <命令> [选项]"
assert_contains "$TMPDIR/zh-help-check.out" "中文里的半角标点"
assert_contains "$TMPDIR/zh-no-command.err" "gazette：没有 'bogus' 这个命令"
assert_contains "$TMPDIR/zh-yaml.err" "site.yml:1:8: 这里用“[”开头的列表没有结束；请在末尾补上“]”"
assert_contains "$TMPDIR/zh-yaml.err" "gazette：构建失败，共 1 个错误"
assert_contains "$TMPDIR/zh-dup.err" "site.yml:3:1: 键 'title' 重复了"
assert_contains "$TMPDIR/zh-log.out" "  创建  "
assert_contains "$TMPDIR/zh-log.out" "  共 1 次提交："
assert_contains "$TMPDIR/zh-check.out" "content/stories/2019/places.md:4:11: 警告：乡镇 '穆陵镇' 不在 data/places.yml 里，是不是 '穆棱镇'？"
# JSON: the keys and the severity stay for programs, the message is Chinese
assert_contains "$TMPDIR/zh-check-json.out" "\"severity\": \"warning\", \"message\": \"乡镇 '穆陵镇' 不在 data/places.yml 里，是不是 '穆棱镇'？\""
assert_contains "$TMPDIR/zh-git-rev.err" "$damaged: 无法列出这个版本的文件（"
assert_contains "$TMPDIR/zh-git-rev.err" "git 仓库已损坏：请运行 'git fsck'，再用一份完好的克隆恢复它"
assert_contains "$TMPDIR/zh-git-history.err" "$damaged: 在提交 "
assert_contains "$TMPDIR/zh-git-history.err" " 附近无法读取修改历史（"
assert_contains "$TMPDIR/zh-git-no-rev.err" "$site: 仓库里没有版本 'nosuch'"
assert_contains "$TMPDIR/zh-photo-missing.err" "content/stories/2019/missing.md:7:1: 找不到图片 '/photos/none.jpg'"
assert_contains "$TMPDIR/zh-photo-bad.err" "content/stories/2019/bad.md:5:5: 照片 '/photos/text.jpg' 不是 gazette 能读的图片"
assert_contains "$TMPDIR/zh-photo-bad.err" "content/stories/2019/bad.md:9:1: 图片 '/photos/cut.png' 已损坏或不完整（"
assert_contains "$TMPDIR/zh-photo-keep.err" "；暂用灰色占位图代替"
assert_contains "$TMPDIR/zh-out-unmade.err" "$TMPDIR/a-file/out: 把新网站移到位时无法写入（"
assert_contains "$TMPDIR/zh-out-file.err" "$TMPDIR/a-file: 输出文件夹的位置上是一个文件"
no_english "$TMPDIR"/zh-help*.out "$TMPDIR"/zh-no-command.err "$TMPDIR"/zh-jobs.err \
	"$TMPDIR"/zh-rev.err "$TMPDIR"/zh-args.err "$TMPDIR"/zh-format.err \
	"$TMPDIR"/zh-port.err "$TMPDIR"/zh-bind.err "$TMPDIR"/zh-bleed.err \
	"$TMPDIR"/zh-new.err "$TMPDIR"/zh-archive.err "$TMPDIR"/zh-no-source.err \
	"$TMPDIR"/zh-out-in-content.err "$TMPDIR"/zh-yaml.err "$TMPDIR"/zh-settings.err \
	"$TMPDIR"/zh-dup.err "$TMPDIR"/zh-tab.err "$TMPDIR"/zh-log-none.err \
	"$TMPDIR"/zh-pull.err "$TMPDIR"/zh-search.err \
	"$TMPDIR"/zh-git-*.err "$TMPDIR"/zh-photo-*.err "$TMPDIR"/zh-out-unmade.err \
	"$TMPDIR"/zh-out-file.err
# log's own words, not the authors and subjects of the commits it lists
grep -v '^  [0-9a-f]\{7\} ' "$TMPDIR/zh-log.out" | sed 's/[^ ]*  gazette tests$//' \
	>"$TMPDIR/zh-log-mine.out"
no_english "$TMPDIR/zh-log-mine.out"
# check's report, but for the two problems another loader words (a date, an
# image), which are not translated yet
grep -v 'baddate\.md\|links\.md:11:' "$TMPDIR/zh-check.out" >"$TMPDIR/zh-check-mine.out"
no_english "$TMPDIR/zh-check-mine.out"

# ---- hooks, layouts, print, Markdown and the build summary ----------------------

# each case a site of its own: a hook that fails, a layout that fails, a
# hook that runs away, a brochure manifest that is wrong, a photo that is
# not there; a print of a file that does not exist; a build's summary
mkcase() {
	cp -R "$site" "$TMPDIR/$1"
	rm -rf "$TMPDIR/$1/.gazette"
}
mkcase hook
mkdir -p "$TMPDIR/hook/hooks"
printf 'return { paragraph = function(p) local none; return none.x end }\n' >"$TMPDIR/hook/hooks/90-bad.lua"
mkcase layout
mkdir -p "$TMPDIR/layout/themes"
cp -R "$ROOT/themes/default" "$TMPDIR/layout/themes/default"
sed -i '2a {{ page.nothing.x }}' "$TMPDIR/layout/themes/default/layouts/stories.html"
mkcase loop
mkdir -p "$TMPDIR/loop/hooks"
printf 'return { paragraph = function(p) while true do end end }\n' >"$TMPDIR/loop/hooks/90-loop.lua"
mkcase manifest
mkdir -p "$TMPDIR/manifest/content/brochures"
printf 'title: 画册\nsize: A3\nstories: 3\n' >"$TMPDIR/manifest/content/brochures/bad.yml"
mkcase photo
printf '\n![没有的照片](nosuch.jpg)\n' >>"$TMPDIR/photo/$story"
for c in hook layout loop manifest photo; do
	(cd "$TMPDIR/$c" && git add -A && git commit -qm "$c" && git clean -qfdx -e .gazette) || fail "commit the $c case"
done

cases2() {
	envp=$1 p=$2
	run "$envp" ${p}hook build --source "$TMPDIR/hook" --out "$TMPDIR/out-hook"
	run "$envp" ${p}layout build --source "$TMPDIR/layout" --out "$TMPDIR/out-layout"
	run "$envp" ${p}loop build --source "$TMPDIR/loop" --out "$TMPDIR/out-loop"
	run "$envp" ${p}manifest print --source "$TMPDIR/manifest" content/brochures/bad.yml \
		-o "$TMPDIR/bad.pdf"
	run "$envp" ${p}photo build --source "$TMPDIR/photo" --out "$TMPDIR/out-photo"
	run "$envp" ${p}print-none print --source "$site" content/nosuch.md -o "$TMPDIR/none.pdf"
	rm -rf "$site/.gazette" "$TMPDIR/out-summary"
	run "$envp" ${p}summary build --source "$site" --out "$TMPDIR/out-summary" --verbose
}
cases2 "$EN" en2-
cases2 "$ZH" zh2-
diff -u "$TMPDIR/status-en2" "$TMPDIR/status-zh2" || fail "exit statuses differ between English and Chinese"
assert_contains "$TMPDIR/en2-hook.err" "hooks/90-bad.lua:1: attempt to index a nil value (local 'none') (while rendering content/"
assert_contains "$TMPDIR/zh2-hook.err" "hooks/90-bad.lua:1: 渲染 content/"
assert_contains "$TMPDIR/zh2-hook.err" "时出错（attempt to index a nil value (local 'none')）"
assert_contains "$TMPDIR/en2-layout.err" "themes/default/layouts/stories.html:3: "
assert_contains "$TMPDIR/en2-layout.err" "attempt to index a nil value (field 'nothing') (while rendering content/"
assert_contains "$TMPDIR/zh2-layout.err" "themes/default/layouts/stories.html:3: "
assert_contains "$TMPDIR/zh2-layout.err" "时出错（attempt to index a nil value (field 'nothing')）"
assert_contains "$TMPDIR/en2-loop.err" "hooks/90-loop.lua:1: ran more than 2 hundred million steps, stopped (an endless loop?)"
assert_contains "$TMPDIR/zh2-loop.err" "hooks/90-loop.lua:1: 渲染 content/"
assert_contains "$TMPDIR/zh2-loop.err" "时出错（运行超过 2 亿步，已停止（死循环？））"
assert_contains "$TMPDIR/en2-manifest.err" "content/brochures/bad.yml:3:10: 'stories' is a list of content paths"
assert_contains "$TMPDIR/zh2-manifest.err" "content/brochures/bad.yml:3:10: 'stories' 要写成内容路径的列表"
assert_contains "$TMPDIR/zh2-manifest.err" "gazette 不认识开本 'A3'"
assert_contains "$TMPDIR/en2-photo.err" "image 'nosuch.jpg' not found"
assert_contains "$TMPDIR/en2-print-none.err" "content/nosuch.md: no such page to print"
assert_contains "$TMPDIR/zh2-print-none.err" "content/nosuch.md: 没有这个要印的页面"
no_english "$TMPDIR"/zh2-*.err "$TMPDIR"/zh2-*.out
for f in "$TMPDIR"/en2-*.out "$TMPDIR"/en2-*.err; do
	z=$TMPDIR/zh2-${f#"$TMPDIR"/en2-}
	if [ -s "$f" ] && [ ! -s "$z" ]; then fail "${z##*/} is empty but ${f##*/} is not"; fi
done

# ---- the site itself does not depend on the language ----------------------------

run "$EN" site-en build --source "$site" --out "$TMPDIR/pub-en"
assert_eq "$rc" 0 "English build"
rm -rf "$site/.gazette"
run "$ZH" site-zh build --source "$site" --out "$TMPDIR/pub-zh"
assert_eq "$rc" 0 "Chinese build"
tree_sums "$TMPDIR/pub-en" >"$TMPDIR/sums-en"
tree_sums "$TMPDIR/pub-zh" >"$TMPDIR/sums-zh"
diff -u "$TMPDIR/sums-en" "$TMPDIR/sums-zh" || fail "the site differs when built in Chinese"

# ---- a fresh system's plain C locale --------------------------------------------

# nothing asked for: English; LANGUAGE set: Chinese even under plain C
env -u LANGUAGE LC_ALL=C "$GAZETTE" --help >"$TMPDIR/c.help" 2>&1 || true
grep -q '^usage: gazette <command>' "$TMPDIR/c.help" || fail "plain C without LANGUAGE is not English"
LC_ALL=C LANGUAGE=zh_CN "$GAZETTE" --help >"$TMPDIR/c-zh.help" 2>&1 || true
grep -q '^用法：gazette <命令>' "$TMPDIR/c-zh.help" || fail "LANGUAGE=zh_CN under plain C is not Chinese"
# a Chinese desktop's LANG (or LC_ALL) whether its locale is installed or
# not: Chinese, and an error's text too (the exit status stays)
for e in LANG LC_ALL; do
	set +e
	env -u LANGUAGE -u LC_ALL -u LC_MESSAGES "$e=zh_CN.UTF-8" "$GAZETTE" bogus >"$TMPDIR/lang.out" 2>&1
	rc=$?
	set -e
	assert_eq "$rc" 2 "gazette bogus under $e=zh_CN.UTF-8"
	grep -q "^gazette：没有 'bogus' 这个命令" "$TMPDIR/lang.out" || {
		cat "$TMPDIR/lang.out"
		fail "$e=zh_CN.UTF-8 is not Chinese"
	}
done
env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=en_US.UTF-8 "$GAZETTE" --help >"$TMPDIR/en-us.help" 2>&1 || true
grep -q '^usage: gazette <command>' "$TMPDIR/en-us.help" || fail "LANG=en_US.UTF-8 is not English"

echo "i18n: ok"
