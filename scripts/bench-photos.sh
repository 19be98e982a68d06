#!/bin/sh
# Photo derivatives: gazette against Hugo in one run (`sh scripts/bench-photos.sh`).
#
# Generates PHOTOS photos of 4000×3000 (tests/tools/phototool.c: a gradient
# with film grain, so they compress like photographs, ~6 MB each), then:
#   hugo     cold: each photo to a 1600w JPEG, an 800w JPEG and a 400w WebP
#            (.Resize, quality 80), with an empty resource cache;
#   gazette  cold: images: {jpeg: [800, 1600], webp: [400], thumb: none}
#            with an empty .gazette/: exactly the same three files per photo
#            (plus its mean colour), and each original published without
#            its EXIF (Hugo copies nothing: its originals stay in assets/);
#   gazette  warm: the same build again, cache and output in place.
# Both builders get all cores. Prints wall seconds and peak RSS, and how
# many derivative files each wrote. ROUNDS=2 runs the whole comparison
# twice (both cold runs start from empty caches each time).
#
# Knobs: PHOTOS=30 BENCH_DIR=bench/photos JOBS=$(nproc) ROUNDS=1
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PHOTOS=${PHOTOS:-30}
DIR=${BENCH_DIR:-bench/photos}
JOBS=${JOBS:-$(nproc)}
ROUNDS=${ROUNDS:-1}

die() {
	echo "bench-photos: $*" >&2
	exit 1
}
[ -x "$ROOT/gazette" ] || die "./gazette is not built: run 'make' first"
command -v hugo >/dev/null 2>&1 || die "hugo is missing: run 'make deps'"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing: run 'make deps'"

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
tool=$DIR/phototool
cc -O2 "$ROOT/tests/tools/phototool.c" $(pkg-config --cflags --libs vips) -o "$tool"

# ---- the photos, once ------------------------------------------------------
src=$DIR/src
if [ "$(ls "$src" 2>/dev/null | wc -l)" -ne "$PHOTOS" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	i=1
	while [ $i -le "$PHOTOS" ]; do
		"$tool" make "$src/p$i.jpg" 4000 3000 noise seed=$i camera
		i=$((i + 1))
	done
fi

# ---- the gazette site -------------------------------------------------------
gz=$DIR/gazette-site
rm -rf "$gz"
mkdir -p "$gz/content/stories" "$gz/content/photos"
cp "$src"/*.jpg "$gz/content/photos/"
cat >"$gz/site.yml" <<'EOT'
title: bench
images: {jpeg: [800, 1600], webp: [400], thumb: none, quality: 80}
EOT
{
	printf -- '---\ntitle: 图片\ndate: 2020-01-01\nphotos:\n'
	for f in "$src"/*.jpg; do printf '  - /photos/%s\n' "$(basename "$f")"; done
	printf -- '---\n正文。\n'
} >"$gz/content/stories/photos.md"

# ---- the Hugo site -----------------------------------------------------------
hu=$DIR/hugo-site
rm -rf "$hu"
mkdir -p "$hu/assets/photos" "$hu/layouts"
cp "$src"/*.jpg "$hu/assets/photos/"
cat >"$hu/config.yaml" <<'EOT'
baseURL: https://example.org/
disableKinds: [taxonomy, term, RSS, sitemap, robotsTXT, 404]
imaging: {quality: 80, resampleFilter: lanczos}
EOT
cat >"$hu/layouts/index.html" <<'EOT'
{{ range resources.Match "photos/*.jpg" }}
{{ $a := .Resize "1600x jpg q80" }}{{ $b := .Resize "800x jpg q80" }}{{ $c := .Resize "400x webp q80" }}
<img src="{{ $a.RelPermalink }}" srcset="{{ $b.RelPermalink }} 800w, {{ $c.RelPermalink }} 400w">
{{ end }}
EOT

run() { # label command...
	label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$DIR/time" "$@" >"$DIR/log" 2>&1 || {
		cat "$DIR/log" >&2
		die "$label failed"
	}
	set -- $(cat "$DIR/time")
	printf '%-28s %7.2f s  %5d MB\n' "$label" "$1" $(($2 / 1024))
}

echo "$PHOTOS photos of 4000×3000, $JOBS cores"
round=1
while [ $round -le "$ROUNDS" ]; do
	[ "$ROUNDS" -gt 1 ] && echo "round $round"
	rm -rf "$hu/public" "$hu/resources" "$DIR/hugo-cache"
	run "hugo (cold)" env GOMAXPROCS="$JOBS" hugo --source "$hu" --cacheDir "$DIR/hugo-cache" --quiet
	n=$(find "$hu/public" -name "*_hu*" | wc -l)
	rm -rf "$gz/public" "$gz/.gazette"
	run "gazette (cold)" "$ROOT/gazette" build --source "$gz" --jobs "$JOBS" --quiet
	run "gazette (warm, all cached)" "$ROOT/gazette" build --source "$gz" --jobs "$JOBS" --verbose
	grep -o '图片 [0-9]* processed, [0-9]* cached' "$DIR/log" || true
	run "gazette (warm, again)" "$ROOT/gazette" build --source "$gz" --jobs "$JOBS" --verbose
	echo "files: hugo $n derivatives; gazette $(ls "$gz/public/img" | wc -l) derivatives"
	round=$((round + 1))
done
