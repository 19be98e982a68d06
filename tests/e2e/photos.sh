#!/bin/sh
# Photo derivatives: sizes and formats, no EXIF/GPS in what is published
# (derivatives and originals: the originals keep their pixels and their
# orientation),
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
# originals no page uses are published too: a progressive JPEG with GPS in
# EXIF and XMP, IPTC and an orientation; a WebP and a TIFF with GPS
"$tool" make "$site/content/photos/2019/private.jpg" 1200 800 gps camera xmp iptc orient=6 progressive
"$tool" make "$site/content/photos/2019/private.webp" 300 200 gps camera xmp
"$tool" make "$site/content/photos/2019/private.tif" 300 200 xmp
"$tool" make "$site/content/photos/2019/private.png" 300 200 xmp
# turned originals in the other formats: a WebP with GPS, a PNG whose eXIf
# chunk says orientation 6 (libvips writes none, so it is added here)
"$tool" make "$site/content/photos/2019/turned.webp" 300 200 orient=6 gps camera xmp
"$tool" make "$site/content/photos/2019/turned.png" 300 200
python3 - "$site/content/photos/2019/turned.png" <<'PY'
import struct, sys, zlib
p = sys.argv[1]
d = open(p, "rb").read()
tiff = bytes([77, 77, 0, 42, 0, 0, 0, 8, 0, 1, 1, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0])
body = b"eXIf" + tiff
i = d.index(b"IDAT") - 4
open(p, "wb").write(d[:i] + struct.pack(">I", len(tiff)) + body + struct.pack(">I", zlib.crc32(body)) + d[i:])
PY
assert_eq "$("$tool" meta "$site/content/photos/2019/turned.png")" "orientation=6 xmp=no iptc=no camera=no" \
	"the turned PNG test original"
for f in private.jpg private.webp; do
	"$tool" info "$site/content/photos/2019/$f" | grep -q 'gps=yes' || fail "the test original $f has no GPS"
done
for f in private.jpg private.webp private.tif; do
	grep -q GPSLatitude "$site/content/photos/2019/$f" || fail "the test original $f has no XMP"
done
grep -q Xinhua "$site/content/photos/2019/private.jpg" || fail "the test original has no IPTC"
assert_eq "$("$tool" meta "$site/content/photos/2019/private.jpg")" "orientation=6 xmp=yes iptc=no camera=yes" \
	"the test original's metadata"
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
assert_contains "$err_log" "photos 3 processed, 0 cached"

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
# the originals are published (TV staff pull them) with their pixels, but
# without GPS, XMP, IPTC, camera or any EXIF field but the orientation
assert_eq "$("$tool" info "$out/photos/2019/gps.jpg")" "2000 1333 gps=no exif=no" "the published original"
assert_eq "$("$tool" same "$site/content/photos/2019/gps.jpg" "$out/photos/2019/gps.jpg")" same "the original's pixels"
assert_eq "$("$tool" meta "$out/stories/2019/bees/turned.jpg")" "orientation=6 xmp=no iptc=no camera=no" \
	"a turned original keeps its orientation, and nothing else"
assert_eq "$("$tool" same "$site/content/stories/2019/bees/turned.jpg" "$out/stories/2019/bees/turned.jpg")" same \
	"the turned original's pixels"
orig=$out/photos/2019/private.jpg
assert_eq "$("$tool" info "$orig")" "1200 800 gps=no exif=yes" "a progressive original no page uses"
assert_eq "$("$tool" meta "$orig")" "orientation=6 xmp=no iptc=no camera=no" "its metadata"
assert_eq "$("$tool" same "$site/content/photos/2019/private.jpg" "$orig")" same "its pixels"
for f in private.jpg private.webp private.tif private.png; do
	if grep -q 'GPSLatitude\|Xinhua\|Canon' "$out/photos/2019/$f"; then
		fail "the published $f still carries XMP, IPTC or camera metadata"
	fi
done
assert_eq "$("$tool" info "$out/photos/2019/private.webp")" "300 200 gps=no exif=no" "a WebP original"
assert_eq "$("$tool" same "$site/content/photos/2019/private.webp" "$out/photos/2019/private.webp")" same "its pixels"
assert_eq "$("$tool" same "$site/content/photos/2019/private.tif" "$out/photos/2019/private.tif")" same "a TIFF original's pixels"
assert_eq "$("$tool" same "$site/content/photos/2019/private.png" "$out/photos/2019/private.png")" same "a PNG original's pixels"
# a turned WebP keeps its orientation and nothing else; a turned PNG is
# saved upright (lossless for PNG) with no EXIF at all
assert_eq "$("$tool" meta "$out/photos/2019/turned.webp")" "orientation=6 xmp=no iptc=no camera=no" \
	"a turned WebP original keeps its orientation"
assert_eq "$("$tool" info "$out/photos/2019/turned.webp")" "300 200 gps=no exif=yes" "the turned WebP, no GPS"
assert_eq "$("$tool" same "$site/content/photos/2019/turned.webp" "$out/photos/2019/turned.webp")" same \
	"the turned WebP's pixels"
if grep -q 'GPSLatitude\|Canon' "$out/photos/2019/turned.webp"; then
	fail "the turned WebP still carries XMP or camera metadata"
fi
assert_eq "$("$tool" info "$out/photos/2019/turned.png")" "200 300 gps=no exif=no" "a turned PNG is saved upright"

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
assert_contains "$arch" '拍摄 <time datetime="2019-06-08">2019年6月8日</time>'
assert_contains "$arch" 'href="/photos/2019/gps.jpg" download>原图 2000×1333'
assert_contains "$arch" 'href="/stories/2019/bees/"'
assert_contains "$out/stories/index.html" 'style="background-color:#'

# cached: nothing is decoded again, and no original is even read (their
# hashes are known from their size, times and inode)
GAZETTE_TIMING=1 build_ok --source "$site" --out "$out" --verbose
assert_contains "$err_log" "photos 0 processed, 3 cached"
assert_contains "$err_log" "timing: photos: 9 files, 0 read, 0 processed"
[ -d "$site/.gazette/img" ] || fail "no cache folder .gazette/img"
[ ! -e "$out/.gazette" ] || fail "the cache is inside the output"

# the cache forgets photos the site no longer has, two months after they
# were made, checking once a day; a photo still in the site keeps its files
c=$site/.gazette/img
assert_file "$c/pruned"
printf x >"$c/0123456789abcdef-800.jpg"
printf x >"$c/0123456789abcdef.txt"
printf x >"$c/fedcba9876543210-800.jpg"
touch -d '100 days ago' "$c/0123456789abcdef-800.jpg" "$c/0123456789abcdef.txt" "$c"/*-orig.* "$c"/*-thumb.jpg
ls "$c" | grep -v 0123456789abcdef | sort >"$TMPDIR/kept.want"
build_ok --source "$site" --out "$out"
assert_file "$c/0123456789abcdef-800.jpg"
rm "$c/pruned"
build_ok --source "$site" --out "$out"
assert_no_file "$c/0123456789abcdef-800.jpg"
assert_no_file "$c/0123456789abcdef.txt"
ls "$c" | sort >"$TMPDIR/kept.got"
cmp -s "$TMPDIR/kept.want" "$TMPDIR/kept.got" ||
	fail "pruning removed more than the old files of a photo the site lacks: $(diff "$TMPDIR/kept.want" "$TMPDIR/kept.got")"
GAZETTE_TIMING=1 build_ok --source "$site" --out "$out" --verbose
assert_contains "$err_log" "photos 0 processed, 3 cached"

# a photo changed in place with its size and mtime kept is still seen (its
# ctime changed): read, decoded, its new EXIF in the archive
python3 - "$site/content/photos/2019/gps.jpg" <<'EOF2'
import os, sys
st = os.stat(sys.argv[1])
data = open(sys.argv[1], "rb").read()
assert b"EOS 5D" in data
with open(sys.argv[1], "r+b") as f:
    f.write(data.replace(b"EOS 5D", b"EOS 6D", 1))
os.utime(sys.argv[1], ns=(st.st_atime_ns, st.st_mtime_ns))
EOF2
GAZETTE_TIMING=1 build_ok --source "$site" --out "$out" --verbose
assert_contains "$err_log" "photos 1 processed, 2 cached"
assert_contains "$err_log" "timing: photos: 9 files, 1 read, 1 processed"
assert_contains "$out/photos/index.html" 'Canon EOS 6D'
assert_eq "$("$tool" info "$out/photos/2019/gps.jpg")" "2000 1333 gps=no exif=no" "the changed original"

# a photo no longer used leaves the output
small=$(grep -o '/img/[0-9a-f]*-1200.jpg' "$page" | head -n 1)
assert_file "$out$small"
sed -i '/small.jpg/d' "$site/content/stories/2019/bees/index.md"
build_ok --source "$site" --out "$out" --verbose
assert_contains "$err_log" "photos 0 processed, 2 cached"
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
# exactly the widths and formats site.yml asks for, per format; no
# thumbnails: lists use the smallest width
site2=$TMPDIR/site2
out2=$TMPDIR/out2
minimal_site "$site2"
cat >>"$site2/site.yml" <<'EOF2'
images:
  jpeg: [800, 1600]
  webp: [400]
  thumb: none
EOF2
mkdir -p "$site2/content/photos" "$site2/content/stories"
"$tool" make "$site2/content/photos/big.jpg" 4000 3000 gps
head -c 2000 "$site2/content/photos/big.jpg" >"$site2/content/photos/unused-cut.jpg"
write "$site2/content/stories/one.md" <<'EOF2'
---
title: 一
date: 2020-01-01
cover: /photos/big.jpg
---
![大图](/photos/big.jpg)
EOF2
build_ok --source "$site2" --out "$out2" --verbose
assert_contains "$err_log" "photos 1 processed, 0 cached"
assert_eq "$(ls "$out2/img" | sed 's/^[0-9a-f]*-//' | sort | tr '\n' ' ')" "1600.jpg 400.webp 800.jpg " \
	"derivatives of jpeg: [800, 1600], webp: [400]"
assert_eq "$("$tool" info "$out2"/img/*-400.webp)" "400 300 gps=no exif=no" "the 400 px WebP"
assert_eq "$("$tool" info "$out2"/img/*-800.jpg)" "800 600 gps=no exif=no" "the 800 px JPEG"
assert_eq "$("$tool" info "$out2"/img/*-1600.jpg)" "1600 1200 gps=no exif=no" "the 1600 px JPEG"
page2=$out2/stories/one/index.html
assert_contains "$page2" '<source type="image/webp" srcset="/img/'
assert_contains "$page2" '-400.webp 400w" sizes='
assert_contains "$page2" '-800.jpg 800w, /img/'
assert_contains "$page2" '-1600.jpg 1600w" sizes='
assert_contains "$page2" 'width="1600" height="1200"'
grep -o 'src="/img/[0-9a-f]*-[0-9]*\.jpg"' "$out2/stories/index.html" | grep -q -- '-800.jpg' ||
	fail "the list card does not show the smallest JPEG in place of a thumbnail"
# a damaged image no page uses: a warning, and it is not published
assert_contains "$err_log" "content/photos/unused-cut.jpg: warning: this image is damaged or cut short, so it is not published"
assert_no_file "$out2/photos/unused-cut.jpg"
assert_eq "$("$tool" info "$out2/photos/big.jpg")" "4000 3000 gps=no exif=no" "the published original"

# widths and formats together with a list per format: an error at its line
cat >>"$site2/site.yml" <<'EOF2'
  formats: [webp]
EOF2
build --source "$site2" --out "$out2"
assert_eq "$rc" 1 "exit status with formats and per-format widths"
assert_contains "$err_log" "site.yml:8:12: images: give either widths and formats, or a list of widths per format"
echo "photos: ok"
