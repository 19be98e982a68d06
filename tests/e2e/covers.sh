#!/bin/sh
# A brochure's covers at every page size, read from pdftotext -bbox-layout:
# the back cover prints the whole copyright notice of site.yml above its
# band (at A6 it was cut to one line), and a back: text too long for it is
# an error at its line.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || skip "poppler-utils is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

site=$TMPDIR/site
mkdir -p "$site"
cp -R "$ROOT/content" "$ROOT/site.yml" "$site/"
M=content/brochures/typical-cases-2019.yml
# the manifest at size and with title
variant() {
	sed "s/^size: A5 /size: $2 /" "$site/$M" >"$site/content/brochures/$1.yml"
	[ -z "${3:-}" ] || sed -i "s/^title: .*/title: $3/" "$site/content/brochures/$1.yml"
}
for s in A4 A5 A6 B5 16K; do variant "$s" "$s"; done
make_repo "$site"
copyright=$(sed -n 's/^ *copyright: *//p' "$site/site.yml")
[ -n "$copyright" ] || fail "site.yml has no params.copyright (test out of date)"

cd "$TMPDIR"
# the last page: every word of the notice printed, all of it above the band
back_ok() {
	n=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
	pdftotext -f "$n" -l "$n" "$1" - | tr -d ' \n' >back.txt
	assert_contains back.txt "$copyright"
	pdftotext -f "$n" -l "$n" -bbox-layout "$1" - | python3 -c '
import re, sys
out = sys.stdin.read()
h = float(re.search(r"<page width=\"[\d.]+\" height=\"([\d.]+)\"", out).group(1))
band = h * 0.72
words = re.findall(r"<word xMin=\"[\d.]+\" yMin=\"([\d.]+)\" xMax=\"[\d.]+\" yMax=\"([\d.]+)\">([^<]*)</word>", out)
# the issuer and the date are printed on the band; nothing else reaches it
above = [w for w in words if float(w[0]) < band]
low = [w for w in above if float(w[1]) > band - 1]
for w in low:
    print("PROBLEM back cover: %r reaches the band (%.1f > %.1f)" % (w[2], float(w[1]), band))
sys.exit(1 if low else 0)
' || fail "$1: the back cover"
}
for s in A4 A5 A6 B5 16K; do
	"$GAZETTE" print --source "$site" "content/brochures/$s.yml" -o "$s.pdf" 2>err ||
		{ cat err; fail "print the sample at $s"; }
	back_ok "$s.pdf"
done

# a back: text the back cover cannot hold is an error at its line, no PDF
variant long A6
sed -i 's/^back: \(.*\)$/back: \1\1\1\1\1\1/' "$site/content/brochures/long.yml"
set +e
"$GAZETTE" print --source "$site" content/brochures/long.yml -o long.pdf 2>err
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat err; fail "a back: too long for an A6 back cover: exit $rc, want 1"; }
grep -E "^content/brochures/long.yml:11:7: the back cover's text \(back: and site.yml params.copyright\) runs [0-9]+ mm into its band at A6; shorten back:$" err ||
	{ cat err; fail "the long back's message"; }
assert_no_file long.pdf
echo "covers: ok"
