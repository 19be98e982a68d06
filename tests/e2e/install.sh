#!/bin/sh
# make install into a staging root (DESTDIR), then the installed gazette is
# used as a package would be: from a folder with no themes/ and without the
# source tree's GAZETTE_THEMES it finds its theme, --version works, the man
# page renders, bash completion completes; make uninstall removes it all.
# The binary under test is installed (INSTALL_BIN) and `all` is not remade
# (-o all), so this never rebuilds the project.
set -eu
. "$ROOT/tests/e2e/lib.sh"

root=$TMPDIR/root
make -s -C "$ROOT" -o all install DESTDIR="$root" PREFIX=/usr INSTALL_BIN="$GAZETTE" >"$TMPDIR/make.log" 2>&1 || {
	cat "$TMPDIR/make.log" >&2
	fail "make install failed"
}
for f in usr/bin/gazette usr/lib/gazette/gazette-core.so usr/lib/gazette/gazette-media.so usr/lib/gazette/gazette-git.so usr/lib/gazette/gazette-http.so usr/share/man/man1/gazette.1 usr/share/bash-completion/completions/gazette; do
	[ -f "$root/$f" ] || fail "not installed: $f"
done
[ -x "$root/usr/bin/gazette" ] || fail "the binary is not executable"
[ -d "$root/usr/share/gazette/themes/default/layouts" ] || fail "the theme is not installed"
n_src=$(cd "$ROOT/themes/default" && find . -type f | wc -l)
n_inst=$(cd "$root/usr/share/gazette/themes/default" && find . -type f | wc -l)
assert_eq "$n_inst" "$n_src" "files of the installed theme"

# the installed binary, away from the source tree
unset GAZETTE_THEMES
bin=$root/usr/bin/gazette
v=$("$bin" --version)
case $v in "gazette "[0-9]*) ;; *) fail "gazette --version printed '$v'" ;; esac
assert_eq "$("$bin" version)" "$v" "gazette version"

site=$TMPDIR/site
minimal_site "$site"
write "$site/content/stories/a.md" <<'MD'
---
title: 安装后的第一篇
date: 2020-01-02
---
装好的程序自己找到主题。
MD
[ ! -e "$site/themes" ] || fail "the site has a themes/ folder"
(cd "$site" && "$bin" build --quiet) 2>"$TMPDIR/err" || {
	cat "$TMPDIR/err" >&2
	fail "the installed gazette could not build a site without themes/"
}
assert_contains "$site/public/stories/a/index.html" '安装后的第一篇'
assert_contains "$site/public/stories/a/index.html" '</html>'

# the man page: man -l, else groff, else its structure
man=$root/usr/share/man/man1/gazette.1
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS 'EXIT STATUS' FILES EXAMPLES; do
	grep -q "^\.SH \"*$s" "$man" || fail "the man page has no $s section"
done
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$man" >"$TMPDIR/man.txt" 2>"$TMPDIR/man.err" || fail "man -l failed: $(cat "$TMPDIR/man.err")"
elif command -v groff >/dev/null 2>&1; then
	groff -k -man -Tutf8 "$man" >"$TMPDIR/man.txt" 2>"$TMPDIR/man.err" || fail "groff failed"
else
	cp "$man" "$TMPDIR/man.txt"
fi
grep -q 'build a county news web site' "$TMPDIR/man.txt" || fail "the man page did not render"
grep -q 'EXIT STATUS' "$TMPDIR/man.txt" || fail "the rendered man page has no EXIT STATUS"
if [ -s "$TMPDIR/man.err" ] && grep -v '^$' "$TMPDIR/man.err" | grep -q .; then
	cat "$TMPDIR/man.err" >&2
	fail "the man page renders with warnings"
fi

# the Chinese edition of the man page, and the messages
zhman=$root/usr/share/man/zh_CN/man1/gazette.1
assert_file "$zhman"
assert_file "$root/usr/share/locale/zh_CN/LC_MESSAGES/gazette.mo"
if command -v man >/dev/null 2>&1; then
	LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$zhman" >"$TMPDIR/man-zh.txt" 2>"$TMPDIR/man-zh.err" ||
		fail "man -l of the Chinese page failed: $(cat "$TMPDIR/man-zh.err")"
	grep -q '退出码' "$TMPDIR/man-zh.txt" || fail "the Chinese man page did not render"
	if grep -v '^$' "$TMPDIR/man-zh.err" | grep -q .; then
		cat "$TMPDIR/man-zh.err" >&2
		fail "the Chinese man page renders with warnings"
	fi
fi
LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$bin" --help >"$TMPDIR/help-zh.txt"
grep -q '用法：gazette' "$TMPDIR/help-zh.txt" || fail "the installed gazette does not find its Chinese messages"

# bash completion: sources cleanly, completes commands, options, subcommands
if command -v bash >/dev/null 2>&1; then
	comp=$root/usr/share/bash-completion/completions/gazette
	got=$(bash -c '
		set -u
		. "$1"
		complete -p gazette >/dev/null || exit 3
		c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _gazette; echo "${COMPREPLY[*]}"; }
		c gazette b
		c gazette build --ou
		c gazette archive s
		c gazette new p
		c gazette check --format j
	' sh "$comp") || fail "the completion file does not source or run in bash"
	expected=$(printf 'build\n--out\nsearch\npolicy\njson')
	assert_eq "$got" "$expected" "bash completion"
fi

# uninstall removes what install put there, and nothing else
touch "$root/usr/bin/other-tool"
make -s -C "$ROOT" uninstall DESTDIR="$root" PREFIX=/usr >"$TMPDIR/make.log" 2>&1 || {
	cat "$TMPDIR/make.log" >&2
	fail "make uninstall failed"
}
left=$(cd "$root" && find . -type f | LC_ALL=C sort)
assert_eq "$left" "./usr/bin/other-tool" "files left after uninstall"
echo "install: ok"
