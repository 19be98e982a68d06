#!/bin/sh
# The gazette executable answers `archive search` by itself, linked against
# SQLite alone, and loads gazette-core.so from beside it for every other
# command (main.c, cli.h). Checked: what the executable links; search
# (and its --help and usage errors) without the shared object; every other
# command, and search --rev, failing with a message that names the missing
# file and what to do; a copy with the shared object works in full; and a
# different gazette-core.so invalidates the build caches. The photo and PDF
# code (libvips, cairo, pango) is gazette-media.so, loaded from beside
# gazette-core.so only when a photo or PDF is made (media.h): a rebuild
# whose photos are made already does not load it, a missing one is named
# when it is needed, and a different one invalidates the caches too.
# libgit2 is gazette-git.so and libmicrohttpd gazette-http.so, loaded the
# same way (base/module.h): the history of a working tree loads the one,
# serve and desk the other, and nothing else does.
set -eu
. "$ROOT/tests/e2e/lib.sh"

core=$(dirname "$GAZETTE")/gazette-core.so
media=$(dirname "$GAZETTE")/gazette-media.so
gitso=$(dirname "$GAZETTE")/gazette-git.so
http=$(dirname "$GAZETTE")/gazette-http.so
assert_file "$core"
assert_file "$media"
assert_file "$gitso"
assert_file "$http"

# the executable must not start libvips, pango, libgit2 … (that is the point)
if command -v ldd >/dev/null 2>&1; then
	ldd "$GAZETTE" >"$TMPDIR/ldd" 2>&1 || fail "ldd $GAZETTE failed: $(cat "$TMPDIR/ldd")"
	assert_contains "$TMPDIR/ldd" libsqlite3
	for lib in libvips libgit2 liblua libpango libcairo libarchive libmicrohttpd libyaml; do
		assert_not_contains "$TMPDIR/ldd" "$lib"
	done
	ldd "$core" >"$TMPDIR/ldd" 2>&1 || fail "ldd $core failed: $(cat "$TMPDIR/ldd")"
	assert_contains "$TMPDIR/ldd" liblua
	for lib in libvips libpango libcairo libqrencode libgit2 libmicrohttpd libgnutls libssh2; do
		assert_not_contains "$TMPDIR/ldd" "$lib"
	done
	ldd "$gitso" >"$TMPDIR/ldd" 2>&1 || fail "ldd $gitso failed: $(cat "$TMPDIR/ldd")"
	assert_contains "$TMPDIR/ldd" libgit2
	ldd "$http" >"$TMPDIR/ldd" 2>&1 || fail "ldd $http failed: $(cat "$TMPDIR/ldd")"
	assert_contains "$TMPDIR/ldd" libmicrohttpd
	ldd "$media" >"$TMPDIR/ldd" 2>&1 || fail "ldd $media failed: $(cat "$TMPDIR/ldd")"
	assert_contains "$TMPDIR/ldd" libvips
	assert_contains "$TMPDIR/ldd" libpangocairo
fi

site=$TMPDIR/site
minimal_site "$site"
echo 'archive: true' >>"$site/site.yml"
write "$site/content/stories/2019/sheep.md" <<'EOF2'
---
title: 新民村养羊户
date: 2019-06-08
township: 穆棱镇
---
孟庆龙靠养羊脱贫，羊群发展到300只。
EOF2
git init -q "$site"
git -C "$site" add -A
git -C "$site" -c user.name=t -c user.email=t@example.org commit -qm first
build_ok --source "$site"
"$GAZETTE" archive search --source "$site" 养羊 --json >"$TMPDIR/full.json"
assert_contains "$TMPDIR/full.json" stories/2019/sheep

# the executable alone: search works, nothing else does, and says why
GAZETTE_THEMES=$ROOT/themes
export GAZETTE_THEMES
mkdir -p "$TMPDIR/alone" "$TMPDIR/both"
cp "$GAZETTE" "$TMPDIR/alone/gazette"
alone=$TMPDIR/alone/gazette
"$alone" archive search --source "$site" 养羊 --json >"$TMPDIR/alone.json" ||
	fail "archive search without gazette-core.so failed"
cmp -s "$TMPDIR/full.json" "$TMPDIR/alone.json" || fail "archive search without gazette-core.so answers differently"
"$alone" archive search --help >"$TMPDIR/o" || fail "archive search --help without gazette-core.so"
assert_contains "$TMPDIR/o" "gazette archive pull ID"
set +e; "$alone" archive search --source "$site" 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 2 "archive search without a query"
assert_contains "$TMPDIR/e" "give one QUERY"
set +e; "$alone" archive search --source "$site" '   ' 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 2 "archive search of only spaces"

for cmd in "--version" "build --source $site" "check --source $site" "archive pull stories/2019/sheep --script --source $site"; do
	set +e
	# shellcheck disable=SC2086
	"$alone" $cmd >"$TMPDIR/o" 2>"$TMPDIR/e"
	rc=$?
	set -e
	assert_eq "$rc" 1 "gazette $cmd without gazette-core.so"
	assert_contains "$TMPDIR/e" "gazette: $TMPDIR/alone/gazette-core.so is missing"
	assert_contains "$TMPDIR/e" "make install"
	[ ! -s "$TMPDIR/o" ] || fail "gazette $cmd without gazette-core.so printed: $(cat "$TMPDIR/o")"
done
set +e; "$alone" archive search --source "$site" 养羊 --rev HEAD 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 1 "archive search --rev without gazette-core.so"
assert_contains "$TMPDIR/e" "gazette-core.so is missing"
assert_contains "$TMPDIR/e" "cannot read the archive of HEAD"

# a gazette-core.so that cannot be loaded is named with the loader's reason
echo 'not a shared object' >"$TMPDIR/alone/gazette-core.so"
set +e; "$alone" --version 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 1 "gazette with a broken gazette-core.so"
assert_contains "$TMPDIR/e" "gazette: cannot load $TMPDIR/alone/gazette-core.so"

# both files together, anywhere: every command, and search --rev, work
cp "$GAZETTE" "$core" "$media" "$gitso" "$http" "$TMPDIR/both/"
both=$TMPDIR/both/gazette
v=$("$both" --version) || fail "gazette --version with gazette-core.so beside it"
case $v in "gazette "[0-9]*) ;; *) fail "gazette --version printed '$v'" ;; esac
"$both" check --source "$site" >/dev/null || fail "gazette check with gazette-core.so beside it"
"$both" archive pull stories/2019/sheep --script --source "$site" >"$TMPDIR/o" || fail "archive pull"
assert_contains "$TMPDIR/o" 新民村养羊户
"$both" archive search --source "$site" 养羊 --rev HEAD >"$TMPDIR/o" 2>"$TMPDIR/e" || {
	cat "$TMPDIR/e" >&2
	fail "archive search --rev HEAD"
}
assert_contains "$TMPDIR/o" stories/2019/sheep

# the build caches belong to the code in gazette-core.so, not to the small
# executable: another gazette-core.so renders every page again
summary() {
	"$1" build --verbose --source "$site" 2>"$TMPDIR/summary" >/dev/null || {
		cat "$TMPDIR/summary" >&2
		fail "build with $1"
	}
	sed -n 's/.*(\([0-9]*\) rendered, \([0-9]*\) kept.*/\1 \2/p' "$TMPDIR/summary"
}
set -- $(summary "$both")
assert_eq "$1" 0 "pages rendered again by the same gazette"
printf 'x' >>"$TMPDIR/both/gazette-core.so"
set -- $(summary "$both")
[ "$1" -gt 0 ] || fail "a different gazette-core.so kept every page of the old one's build"
assert_eq "$2" 0 "pages kept from another gazette-core.so's build"

# gazette-media.so: loaded by a build that makes a photo, not by one whose
# photos are all made (the loader's own record of what it opened says)
cp "$ROOT/tests/golden/expected/img/8dd245e729bc98a7-4.jpg" "$site/content/stories/2019/herd.jpg"
printf '\n![羊群](herd.jpg)\n' >>"$site/content/stories/2019/sheep.md"
loads_media() {
	LD_DEBUG=files "$1" build --source "$site" >/dev/null 2>"$TMPDIR/ld" || {
		grep -v '^ *[0-9]*:' "$TMPDIR/ld" >&2
		fail "build with $1"
	}
	grep -q 'gazette-media\.so' "$TMPDIR/ld"
}
loads_media "$both" || fail "a build that made a photo did not load gazette-media.so"
find "$site/public" -name '*.webp' | grep -q . || fail "no photo made"
if loads_media "$both"; then
	fail "a build whose photos were all made loaded gazette-media.so"
fi
# without it: a build with nothing to make works; one with a photo to make
# names the file and what to do, and leaves public/ as it was
mkdir -p "$TMPDIR/nomedia"
cp "$GAZETTE" "$core" "$gitso" "$http" "$TMPDIR/nomedia/"
cp "$ROOT/tests/golden/expected/img/64a157933e7bb606-4.jpg" "$site/content/stories/2019/pen.jpg"
printf '\n![羊圈](pen.jpg)\n' >>"$site/content/stories/2019/sheep.md"
# without_module DIR MODULE: a build by the gazette in DIR, which lacks
# MODULE, names the file and what to do and leaves public/ as it was; then
# another MODULE beside the full copy renders every page again
without_module() {
	dir=$1 module=$2
	find "$site/public" -type f | sort | xargs cat | cksum >"$TMPDIR/before"
	set +e; "$dir/gazette" build --source "$site" >"$TMPDIR/o" 2>"$TMPDIR/e"; rc=$?; set -e
	assert_eq "$rc" 1 "a build that needs $module without it"
	assert_contains "$TMPDIR/e" "gazette: $dir/$module is missing"
	assert_contains "$TMPDIR/e" "make install"
	find "$site/public" -type f | sort | xargs cat | cksum >"$TMPDIR/after"
	cmp -s "$TMPDIR/before" "$TMPDIR/after" || fail "a build that stopped for $module changed public/"
	set -- $(summary "$both")
	printf 'x' >>"$TMPDIR/both/$module"
	set -- $(summary "$both")
	[ "$1" -gt 0 ] || fail "a different $module kept every page of the old one's build"
}
without_module "$TMPDIR/nomedia" gazette-media.so

# gazette-git.so: loaded by a build of a working tree (its page history),
# not by --version; without it, the build names the file and what to do
# and leaves public/ as it was; another one renders every page again
loaded() { # loaded FILE CMD…: did CMD load FILE?
	f=$1
	shift
	LD_DEBUG=files "$@" >/dev/null 2>"$TMPDIR/ld" || true
	grep -q "$f" "$TMPDIR/ld"
}
loaded gazette-git.so "$both" build --source "$site" || fail "a build of a working tree did not load gazette-git.so"
loaded gazette-http.so "$both" build --source "$site" && fail "a build loaded gazette-http.so"
loaded gazette-git.so "$both" --version && fail "gazette --version loaded gazette-git.so"
# a folder in no repository (no .git in it or above it): libgit2 could only
# find that out, so its build does not start it; a folder inside a working
# tree does (its history is the tree's)
if ! git -C "$TMPDIR" rev-parse --git-dir >/dev/null 2>&1; then
	mkdir -p "$TMPDIR/plain"
	cp -R "$site/content" "$site/site.yml" "$TMPDIR/plain/"
	loaded gazette-git.so "$both" build --source "$TMPDIR/plain" --out "$TMPDIR/plain-out" &&
		fail "a build of a folder in no repository loaded gazette-git.so"
	assert_contains "$TMPDIR/plain-out/stories/2019/sheep/index.html" 养羊
	mkdir -p "$site/inner"
	cp -R "$site/content" "$site/site.yml" "$site/inner/"
	loaded gazette-git.so "$both" build --source "$site/inner" --out "$TMPDIR/inner-out" ||
		fail "a build of a folder inside a working tree did not load gazette-git.so"
	rm -rf "$site/inner"
fi
mkdir -p "$TMPDIR/nogit"
cp "$GAZETTE" "$core" "$media" "$http" "$TMPDIR/nogit/"
printf '\n又添了一句。\n' >>"$site/content/stories/2019/sheep.md"
without_module "$TMPDIR/nogit" gazette-git.so

# gazette-http.so: serve without it names the file and what to do (and
# does not hang waiting for a server that never started)
mkdir -p "$TMPDIR/nohttp"
cp "$GAZETTE" "$core" "$media" "$gitso" "$TMPDIR/nohttp/"
set +e; timeout 60 "$TMPDIR/nohttp/gazette" serve --source "$site" --port 0 >"$TMPDIR/o" 2>"$TMPDIR/e"; rc=$?; set -e
assert_eq "$rc" 1 "serve without gazette-http.so"
assert_contains "$TMPDIR/e" "gazette: $TMPDIR/nohttp/gazette-http.so is missing"
echo "core: ok"
