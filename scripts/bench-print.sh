#!/bin/sh
# Print: gazette against WeasyPrint in one run (`sh scripts/bench-print.sh`).
#
# An A5 brochure of STORIES generated stories (scripts/gencorpus.py), the
# first PHOTOS of them with a 4000×3000 photo each (tests/tools/phototool.c:
# a gradient with film grain, ~6 MB, like a camera's JPEG), the first photo
# also on the cover. Both typeset the same thing from the same Markdown:
#   gazette     gazette print content/brochures/bench.yml (the whole job:
#               loading the site, Markdown, layout, photos, PDF);
#   WeasyPrint  weasyprint book.html (Debian's weasyprint) on HTML made from
#               the same Markdown by cmark-gfm (scripts/md2html.c) before the
#               clock starts, with a print stylesheet: A5 @page, the Noto CJK
#               fonts, a full-bleed cover photo, a contents page with
#               target-counter() page numbers, running heads and folios,
#               justified text, each story from a new page, the photos at the
#               column's width (the original files, as a web page links them).
# gazette keeps the photos' print copies in the site's .gazette/print, so it
# is timed twice in each round: cold (that cache emptied first: every photo
# decoded and downsampled) and warm (the same brochure printed again, as
# while it is being adjusted: the copies come from the cache). Each runs
# RUNS times, alternating; the best time of each is reported with its peak
# memory (GNU time's maximum RSS) and the PDF's size, and the ratios to
# WeasyPrint for both.
#
# Knobs: STORIES=50 PHOTOS=30 RUNS=2 BENCH_DIR=bench/print
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
STORIES=${STORIES:-50}
PHOTOS=${PHOTOS:-30}
RUNS=${RUNS:-2}
DIR=${BENCH_DIR:-bench/print}

die() {
	echo "bench-print: $*" >&2
	exit 1
}
[ -x "$ROOT/gazette" ] || die "./gazette is not built: run 'make' first"
command -v weasyprint >/dev/null 2>&1 || die "weasyprint is missing: run 'make deps'"
command -v pdfinfo >/dev/null 2>&1 || die "pdfinfo is missing: run 'make deps' (poppler-utils)"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing: run 'make deps'"

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
cc -O2 "$ROOT/tests/tools/phototool.c" $(pkg-config --cflags --libs vips) -o "$DIR/phototool"
cc -O2 "$ROOT/scripts/md2html.c" $(pkg-config --cflags --libs libcmark-gfm) \
	-lcmark-gfm-extensions -o "$DIR/md2html"

# ---- the photos, once ------------------------------------------------------
src=$DIR/photos
if [ "$(ls "$src" 2>/dev/null | wc -l)" -ne "$PHOTOS" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	i=1
	while [ $i -le "$PHOTOS" ]; do
		"$DIR/phototool" make "$src/p$i.jpg" 4000 3000 noise seed=$i camera
		i=$((i + 1))
	done
fi

# ---- the site: stories, photos, the manifest ---------------------------------
site=$DIR/site
rm -rf "$site"
python3 "$ROOT/scripts/gencorpus.py" --stories "$STORIES" --policies 0 --seed 1 "$site" >/dev/null
mkdir -p "$site/content/photos/bench" "$site/content/brochures"
cp "$src"/*.jpg "$site/content/photos/bench/"
find "$site/content/stories" -name '*.md' | sort >"$DIR/stories"
i=1
while read -r f; do
	if [ $i -le "$PHOTOS" ]; then
		# the photo goes into the front matter, as an editor adds one
		awk -v n=$i 'NR == 1 { print; print "photos:"; printf "  - {src: /photos/bench/p%d.jpg, caption: 现场照片%d, credit: 本报记者, alt: 现场照片%d}\n", n, n, n; next } { print }' \
			"$f" >"$f.tmp" && mv "$f.tmp" "$f"
	fi
	i=$((i + 1))
done <"$DIR/stories"
{
	echo "title: 脱贫攻坚典型案例汇编"
	echo "subtitle: 基准测试"
	echo "issuer: 县委宣传部"
	echo "date: 2020-12-30"
	echo "size: A5"
	echo "cover: content/photos/bench/p1.jpg"
	echo "order: list"
	echo "stories:"
	sed "s|^$site/|  - |" "$DIR/stories"
} >"$site/content/brochures/bench.yml"

# ---- the same brochure as HTML for WeasyPrint --------------------------------
fm() { # file key: a front matter scalar, unquoted
	awk -v k="$2" 'NR == 1 { next } /^---$/ { exit }
		index($0, k ": ") == 1 { v = substr($0, length(k) + 3); gsub(/^"|"$/, "", v); print v; exit }' "$1"
}
html=$DIR/book.html
{
	cat <<'EOT'
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>脱贫攻坚典型案例汇编</title>
<style>
@page { size: A5; margin: 18mm 14mm 18mm 18mm;
  @top-center { content: string(story); font: 7.5pt "Noto Serif CJK SC"; color: #444 }
  @bottom-center { content: counter(page); font: 8pt "Noto Sans CJK SC" } }
@page :left { margin: 18mm 18mm 18mm 14mm }
@page cover { margin: 0; @top-center { content: none } @bottom-center { content: none } }
@page front { @top-center { content: none } @bottom-center { content: none } }
html { font-family: "Noto Serif CJK SC"; font-size: 10pt; line-height: 1.75; color: #1a1a1a }
.cover { page: cover; height: 210mm; position: relative }
.cover img { width: 148mm; height: 122mm; object-fit: cover; display: block }
.cover .band { height: 2.5mm; background: #9e1217 }
.cover h1 { font: bold 22pt/1.3 "Noto Sans CJK SC"; margin: 12mm 16mm 4mm }
.cover p { margin: 0 16mm; font-size: 12pt }
.front { page: front; break-before: page }
.toc a { color: inherit; text-decoration: none }
.toc a::after { content: leader('.') target-counter(attr(href), page) }
.toc li { list-style: none; margin: 0 0 3mm }
article { break-before: page }
article h1 { font: bold 17pt/1.35 "Noto Sans CJK SC"; margin: 6mm 0 3mm; string-set: story content() }
.byline { font-size: 8.5pt; border-bottom: .8pt solid #9e9e9e; padding-bottom: 3mm; margin-bottom: 5mm }
h2, h3 { font-family: "Noto Sans CJK SC"; font-size: 12pt; break-after: avoid; margin: 4mm 0 1mm }
p { margin: 0 0 1.2mm; text-align: justify; text-indent: 2em; orphans: 2; widows: 2 }
li p, blockquote p { text-indent: 0 }
blockquote { margin: 2mm 0 2mm 6mm; padding-left: 3mm; border-left: 1.5pt solid #999; font-size: 9.2pt }
figure { margin: 3mm 0; break-inside: avoid }
figure img { width: 100%; display: block }
figcaption { font-size: 8pt; color: #666; margin-top: 2mm }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 2mm 0 }
th { background: #eee } th, td { border-bottom: .4pt solid #333; padding: 1.5mm; text-align: left }
.back { break-before: page; page: front }
</style></head><body>
<section class="cover"><img src="site/content/photos/bench/p1.jpg" alt=""><div class="band"></div>
<h1>脱贫攻坚典型案例汇编</h1><p>基准测试</p></section>
<section class="front"><p><b>脱贫攻坚典型案例汇编</b><br>编印：县委宣传部<br>印制日期：2020-12-30</p>
<h3>稿件来源与使用说明</h3>
EOT
	while read -r f; do
		printf '<p>《%s》　文／%s　来源：%s</p>\n' "$(fm "$f" title)" "$(fm "$f" author)" "$(fm "$f" source)"
	done <"$DIR/stories"
	echo '</section><section class="front toc"><h2>目　录</h2><ul>'
	i=1
	while read -r f; do
		printf '<li><a href="#s%d">%s</a></li>\n' $i "$(fm "$f" title)"
		i=$((i + 1))
	done <"$DIR/stories"
	echo '</ul></section>'
	i=1
	while read -r f; do
		printf '<article id="s%d"><h1>%s</h1><p class="byline">文／%s　来源：%s<br>%s%s　%s</p>\n' $i \
			"$(fm "$f" title)" "$(fm "$f" author)" "$(fm "$f" source)" \
			"$(fm "$f" township)" "$(fm "$f" village)" "$(fm "$f" date)"
		fig=""
		[ $i -le "$PHOTOS" ] &&
			fig="<figure><img src=\"site/content/photos/bench/p$i.jpg\" alt=\"现场照片$i\"><figcaption>现场照片$i　摄影／本报记者</figcaption></figure>"
		awk 'NR == 1 && /^---$/ { fm = 1; next } fm && /^---$/ { fm = 0; next } !fm' "$f" |
			"$DIR/md2html" | awk -v fig="$fig" '{ print } !done && /<\/p>$/ { print fig; done = 1 }'
		echo '</article>'
		i=$((i + 1))
	done <"$DIR/stories"
	echo '<section class="back"><p>县委宣传部　印制<br>2020-12-30</p></section></body></html>'
} >"$html"

# ---- the runs -----------------------------------------------------------------
run() { # name command...: appends "wall-seconds peak-kbytes cpu-seconds" to $DIR/name.times
	name=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$DIR/time" "$@" >"$DIR/$name.log" 2>&1 || {
		tail -n 20 "$DIR/$name.log" >&2
		die "$name failed"
	}
	awk '{ print $1, $2, $3 + $4 }' "$DIR/time" >>"$DIR/$name.times"
}
rm -f "$DIR"/*.times
r=1
while [ $r -le "$RUNS" ]; do
	rm -rf "$site/.gazette"
	run gazette-cold "$ROOT/gazette" print --source "$site" content/brochures/bench.yml -o "$DIR/gazette.pdf"
	run gazette-warm "$ROOT/gazette" print --source "$site" content/brochures/bench.yml -o "$DIR/gazette-warm.pdf"
	cmp -s "$DIR/gazette.pdf" "$DIR/gazette-warm.pdf" || die "the warm run's PDF differs from the cold run's"
	(cd "$DIR" && run weasyprint weasyprint book.html "$DIR/weasyprint.pdf")
	r=$((r + 1))
done

best() { sort -n "$DIR/$1.times" | head -n 1; }
pages() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }
size() { wc -c <"$1" | tr -d ' '; }
set -- $(best gazette-cold) $(best gazette-warm) $(best weasyprint)
gt=$1 gm=$2 gc=$3 ht=$4 hm=$5 hc=$6 wt=$7 wm=$8 wc=$9
gs=$(size "$DIR/gazette.pdf")
ws=$(size "$DIR/weasyprint.pdf")
echo "A5 brochure: $STORIES stories, $PHOTOS photos of 4000×3000; best of $RUNS runs, $(nproc) cores"
line() { # name wall peak cpu pdf
	printf '%-14s %7.2f s wall  %7.2f s CPU  %5d MB peak  %7.2f MB PDF  %3d pages\n' "$1" "$2" "$4" \
		$(($3 / 1024)) "$(wc -c <"$5" | awk '{ print $1 / 1048576 }')" "$(pages "$5")"
}
line "gazette cold" "$gt" "$gm" "$gc" "$DIR/gazette.pdf"
line "gazette warm" "$ht" "$hm" "$hc" "$DIR/gazette-warm.pdf"
line weasyprint "$wt" "$wm" "$wc" "$DIR/weasyprint.pdf"
echo "every run (wall s, peak KB, CPU s): gazette cold $(tr '\n' ';' <"$DIR/gazette-cold.times")" \
	"gazette warm $(tr '\n' ';' <"$DIR/gazette-warm.times") weasyprint $(tr '\n' ';' <"$DIR/weasyprint.times")"
ratio() { # what wall cpu peak
	awk -v what="$1" -v gt="$2" -v gc="$3" -v gm="$4" -v wt="$wt" -v wc="$wc" -v wm="$wm" 'BEGIN {
		speed = wt / (gt > 0 ? gt : 0.01)
		printf "gazette %s is %.1f× faster than WeasyPrint in wall time (target ≥ 10×: %s; %.1f× in CPU time), peak memory %.2f×\n",
			what, speed, (speed >= 10 ? "met" : "NOT met"), wc / (gc > 0 ? gc : 0.01), gm / wm }'
}
ratio "cold (no print copies kept)" "$gt" "$gc" "$gm"
ratio "warm (print copies kept)" "$ht" "$hc" "$hm"
awk -v gs="$gs" -v ws="$ws" 'BEGIN { ratio = ws / gs
	printf "gazette'"'"'s PDF (the same bytes cold and warm) is 1/%.1f of WeasyPrint'"'"'s (target ≤ 1/5: %s)\n",
		ratio, (ratio >= 5 ? "met" : "NOT met") }'
