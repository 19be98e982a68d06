#!/bin/sh
# The folders of generator/ in the order data flows through them. A file may
# include headers from its own folder and from folders listed before it,
# never from one listed after: that is what keeps the program free of
# include cycles, and what lets a reader take the listing as the pipeline.
# Fails naming each include that runs against the order.
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
[ $bad -eq 0 ] && echo "layers: $(ls generator/*/*.c | wc -l) files, no include against the order: $ORDER"
exit $bad
