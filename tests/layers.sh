#!/bin/sh
# The folders of generator/ in the order data flows through them. A file may
# include headers from its own folder and from folders listed before it,
# never from one listed after: that is what keeps the program free of
# include cycles, and what lets a reader take the listing as the pipeline.
# Fails naming each include that runs against the order, and each
# third-party header included outside the module that wraps the library.
set -eu
cd "$(dirname "$0")/.."
ORDER="base media source write load model lua render search print archive build desk cli"

rank() {
	i=0
	for d in $ORDER; do
		[ "$d" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

bad=0
for dir in generator/*/; do
	dir=${dir%/}; dir=${dir#generator/}
	r=$(rank "$dir")
	if [ "$r" -lt 0 ]; then
		echo "layers: generator/$dir/ is not in ORDER (tests/layers.sh)"; bad=1; continue
	fi
	for f in generator/$dir/*.[ch]; do
		for inc in $(sed -n 's|^#include "\([a-z]*\)/[a-z0-9_]*\.h".*|\1|p' "$f" | sort -u); do
			ri=$(rank "$inc")
			if [ "$ri" -gt "$r" ] || [ "$ri" -lt 0 ]; then
				echo "layers: $f includes $inc/ (a later stage than $dir/)"
				bad=1
			fi
		done
		if grep -q '^#include "[a-z0-9_]*\.h"' "$f"; then
			echo "layers: $f includes a header without its folder"; bad=1
		fi
	done
done
# Each third-party library is wrapped by one module: its headers are
# included there and nowhere else (Lua: lua/; cmark-gfm: load/markdown*.c,
# so that not even markdown.h hands cmark's types on).
only_in() { # only_in HEADER-REGEX WHAT ALLOWED-PATH-REGEX
	for f in $(grep -l "^#include <$1" generator/*/*.[ch]); do
		echo "$f" | grep -qE "$3" && continue
		echo "layers: $f includes $2 headers (only $3 may)"; bad=1
	done
}
only_in '\(lua\|lauxlib\|lualib\)\.h>' Lua '^generator/lua/'
only_in 'cmark' cmark-gfm '^generator/load/markdown[a-z_]*\.c$'
only_in 'git2' libgit2 '^generator/source/git'
only_in 'yaml\.h>' libyaml '^generator/load/yaml\.c$'
only_in 'sqlite3' SQLite '^generator/archive/archive\.c$'
only_in 'archive\(_entry\)\{0,1\}\.h>' libarchive '^generator/media/zip\.c$'
only_in 'libdeflate\.h>' libdeflate '^generator/write/pack\.c$'
only_in '\(vips/\|cairo\|pango/\|qrencode\)' 'photo and PDF' '^generator/media/'
only_in 'sodium' libsodium '^generator/desk/'
# two servers, each with its own limits: the preview (serve) and the desk
only_in 'microhttpd' libmicrohttpd '^generator/(cli/serve[a-z_]*|desk/http)\.[ch]$'
# lua.h through a header of lua/ is Lua's headers outside lua/ all the same
for h in $(grep -l '^#include <lua' generator/lua/*.h); do
	inc="lua/$(basename "$h")"
	for f in $(grep -l "^#include \"$inc\"" generator/*/*.[ch]); do
		case $f in generator/lua/*) ;; *) echo "layers: $f includes $inc, which includes Lua's headers"; bad=1 ;; esac
	done
done

[ $bad -eq 0 ] && echo "layers: $(ls generator/*/*.c | wc -l) files, no include against the order: $ORDER"
exit $bad
