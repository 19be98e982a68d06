#!/bin/sh
# Draw the sample site's photos (content/photos/… and the page bundles) with
# libvips. Deterministic: rerunning rewrites the same images.
set -eu
cd "$(dirname "$0")/.."
out="${TMPDIR:-/tmp}/mkphotos.$$"
trap 'rm -f "$out"' EXIT
cc -O2 -Wall -Wextra scripts/mkphotos.c $(pkg-config --cflags --libs vips) -lm -o "$out"
"$out" "${1:-content}"
