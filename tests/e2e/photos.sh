#!/bin/sh
# Photo derivatives: sizes and formats, no EXIF/GPS in what is published,
# EXIF orientation, srcset/width/height/lazy in the HTML, the photo archive,
# the cache (a rebuild decodes nothing), pruning, and bad images (truncated,
# a decompression bomb, not an image) as errors at their line, or with
# --keep-going as warnings and placeholders.
set -eu
. "$ROOT/tests/e2e/lib.sh"

pkg-config --exists vips 2>/dev/null || skip "libvips development files are not installed"
tool=$TMPDIR/phototool
cc -O1 "$ROOT/tests/tools/phototool.c" $(pkg-config --cflags --libs vips) -o "$tool" ||
	fail "cannot build tests/tools/phototool.c"

site=$TMPDIR/site
out=$TMPDIR/out
minimal_site "$site"
mkdir -p "$site/content/photos/2019" "$site/content/stories/2019/bees"
"$tool" make "$site/content/photos/2019/gps.jpg" 2000 1333 gps camera
"$tool" make "$site/content/stories/2019/bees/small.jpg" 1200 800
"$tool" make "$site/content/stories/2019/bees/turned.jpg" 1200 800 orient=6
"$tool" info "$site/content/photos/2019/gps.jpg" | grep -q 'gps=yes' || fail "the test original has no GPS"
write "$site/content/stories/2019/bees/index.md" <<'EOF2'
---
title: 蜂场
date: 2019-06-08
village: 新华村
cover: /photos/2019/gps.jpg
photos:
  - {src: /photos/2019/gps.jpg, caption: 蜂场一角, credit: 孙昊}
  - {src: small.jpg, caption: 小图, alt: 一张小图}
---
正文。

![转过来的照片](turned.jpg)
EOF2
make_repo "$site"

build_ok --source "$site" --out "$out" --verbose
assert_contains "$err_log" "图片 3 processed, 0 cached"

# sizes and formats: 2000 wide gets 480/960/1600; 1200 gets 480/960/1200;
# the turned one (1200x800, Orientation 6) is 800 wide: 480/800
n=$(ls "$out/img" | wc -l)
assert_eq "$n" 22 "derivative files (3 photos: 3+3+2 widths and a thumbnail, each webp and jpeg)"
for f in "$out"/img/*; do
	info=$("$tool" info "$f")
	case $info in
	*"gps=no exif=no") ;;
	*) fail "$f still carries metadata: $info" ;;
	esac
done
ls "$out"/img/*-1600.webp "$out"/img/*-1600.jpg "$out"/img/*-1200.jpg "$out"/img/*-800.webp >/dev/null ||
	fail "missing a derivative width"
ls "$out"/img/*-2000.* 2>/dev/null && fail "a 2000 px derivative: larger than the largest width"
ls "$out"/img/*-1600.jpg | while read -r f; do
	assert_eq "$("$tool" info "$f")" "1600 1066 gps=no exif=no" "the 1600 px derivative of gps.jpg"
done
assert_eq "$("$tool" info "$(ls "$out"/img/*-1200.jpg)")" "1200 800 gps=no exif=no" "a 1200 px original is not upscaled"
assert_eq "$("$tool" info "$(ls "$out"/img/*-800.jpg)")" "800 1200 gps=no exif=no" "EXIF orientation 6 turns the photo"
thumb=$(grep -o 'img/[0-9a-f]*-thumb.jpg' "$out/photos/index.html" | head -n 1)
assert_eq "$("$tool" info "$out/$thumb")" "640 400 gps=no exif=no" "the smart-cropped thumbnail"
# the original is still published as it is (TV staff pull originals)
assert_file "$out/photos/2019/gps.jpg"

page=$out/stories/2019/bees/index.html
assert_contains "$page" '<source type="image/webp" srcset="/img/'
assert_contains "$page" '-480.webp 480w, /img/'
assert_contains "$page" 'width="1200" height="800" alt="一张小图" loading="lazy" decoding="async"'
assert_contains "$page" 'width="800" height="1200" alt="转过来的照片" loading="lazy"'
assert_contains "$page" '-1600.jpg 1600w"'
assert_not_contains "$page" 'src="/photos/2019/gps.jpg"'

# the archive for TV staff: by year and village, with EXIF and the original
arch=$out/photos/index.html
assert_contains "$arch" '2019年'
assert_contains "$arch" '新华村'
assert_contains "$arch" 'Canon EOS 5D'
assert_contains "$arch" '拍摄 2019-06-08 09:30:00'
assert_contains "$arch" 'href="/photos/2019/gps.jpg" download>原图 2000×1333'
assert_contains "$arch" 'href="/stories/2019/bees/"'
assert_contains "$out/stories/index.html" 'style="background-color:#'

# cached: nothing is decoded again
build_ok --source "$site" --out "$out" --verbose
assert_contains "$err_log" "图片 0 processed, 3 cached"
[ -d "$site/.gazette/img" ] || fail "no cache folder .gazette/img"
[ ! -e "$out/.gazette" ] || fail "the cache is inside the output"

# a photo no longer used leaves the output
small=$(grep -o '/img/[0-9a-f]*-1200.jpg' "$page" | head -n 1)
assert_file "$out$small"
sed -i '/small.jpg/d' "$site/content/stories/2019/bees/index.md"
build_ok --source "$site" --out "$out" --verbose
assert_contains "$err_log" "图片 0 processed, 2 cached"
assert_no_file "$out$small"
assert_not_contains "$out/stories/2019/bees/index.html" '一张小图'

# bad images: each an error at the line that uses it; nothing is written
head -c 3000 "$site/content/stories/2019/bees/small.jpg" >"$site/content/photos/2019/cut.jpg"
printf 'not a picture\n' >"$site/content/photos/2019/text.jpg"
python3 - "$site/content/photos/2019/bomb.png" <<'EOF2'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)
idat = zlib.compress(b"\0" * 30001 * 8)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
EOF2
write "$site/content/stories/2019/bad.md" <<'EOF2'
---
title: 坏图
date: 2019-07-01
photos:
  - {src: /photos/2019/cut.jpg}
  - {src: /photos/2019/bomb.png}
cover: /photos/2019/text.jpg
---
正文。

![截断](/photos/2019/cut.jpg)
EOF2
before=$(tree_sums "$out")
build --source "$site" --out "$out"
assert_eq "$rc" 1 "exit status of a build with bad images"
assert_contains "$err_log" "content/stories/2019/bad.md:5:5: photo '/photos/2019/cut.jpg' is damaged or cut short"
assert_contains "$err_log" "content/stories/2019/bad.md:6:5: photo '/photos/2019/bomb.png' is 30000×30000 pixels, over the limit of 100 megapixels"
assert_contains "$err_log" "content/stories/2019/bad.md:7:8: photo '/photos/2019/text.jpg' is not an image gazette can read"
assert_contains "$err_log" "content/stories/2019/bad.md:11:1: image '/photos/2019/cut.jpg' is damaged or cut short"
assert_contains "$err_log" "nothing was written"
assert_eq "$(tree_sums "$out")" "$before" "the output after a failed build"

# --keep-going: warnings, and a grey placeholder in place of each
build --source "$site" --out "$out" --keep-going --verbose
assert_eq "$rc" 0 "exit status with --keep-going"
assert_contains "$err_log" "bad.md:6:5: warning: photo '/photos/2019/bomb.png' is 30000×30000 pixels"
assert_contains "$err_log" "a grey placeholder stands in for it"
assert_contains "$out/stories/2019/bad/index.html" '<source type="image/webp" srcset="/img/'
echo "photos: ok"
