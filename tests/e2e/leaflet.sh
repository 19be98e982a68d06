#!/bin/sh
# The tri-fold leaflet as a reader holds it (tests/tools/leaflet_check.py
# on pdftotext -bbox-layout): the sample's panels each at least half
# filled (the flap as its opening section fills it), every word and list
# marker inside the panel's padding, the flap's text no larger than the
# inside's, the inside columns balanced within 15 %, text at 11 pt or
# more in every panel (the back's address and issuer too), no panel ending on a question; the cover photo and the QR code's address
# are there. A leaflet half as long prints (with a warning that it is
# thin); one twice as long is refused with how much to cut, and no PDF.
# Fold marks (tests/tools/fold_marks_check.py) come with --marks only,
# outside the bleed, top and bottom of both sides. A title's marked line
# break is kept on the cover panel alone.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || skip "poppler-utils is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

site=$TMPDIR/site
mkdir -p "$site"
cp -R "$ROOT/content" "$ROOT/site.yml" "$site/"
L=content/leaflets/medical-insurance.md

# variants of the sample: its opening and first three questions; the
# questions twice over; a summary of four sentences, and one twice that
python3 - "$site/$L" "$site/content/leaflets" <<'EOF'
import re, sys
src, out = sys.argv[1], sys.argv[2]
text = open(src, encoding="utf-8").read()
fm, body = text.split("\n---\n", 1)
qa = body[body.index("## 问"):]
parts = re.split(r"(?m)^(?=## )", body)
def write(name, b):
    with open(f"{out}/{name}.md", "w", encoding="utf-8") as f:
        f.write(fm.replace("slug: medical-insurance", "slug: " + name) + "\n---\n" + b)
write("half", "".join(parts[:4]))
write("long", body + "\n" + qa.replace("问：", "问（续）："))
summary = ("医疗保障政策宣传折页：三张网兜底，看病有保障，遇事有人帮。参加基本医疗保险的，看病按规定报销；"
           "报销以后负担仍重的，可以向民政部门申请医疗救助。商业保险作补充，出险凭个人保险卡片办理。"
           "有不清楚的地方，先给结对帮扶干部或第一书记打电话。")
fm = re.sub(r"(?m)^summary: .*$", "summary: " + summary, fm)
write("summary", body)
fm = re.sub(r"(?m)^summary: .*$", "summary: " + summary * 2, fm)
write("summary2", body)
open(f"{out}/summary.txt", "w", encoding="utf-8").write(summary)
EOF
# a title of three lines on the cover panel: unbalanced it left "读" alone
sed -e 's/^title: .*/title: 看病就医“三张网”兜底保障政策解读/' -e 's/^slug: .*/slug: title3/' \
	"$site/$L" >"$site/content/leaflets/title3.md"
# a title with a line break marked (a newline in its YAML): unmarked, the
# cover panel splits 保障 ("穆棱市医疗保 / 障政策问答")
sed -e 's/^title: .*/title: "穆棱市医疗保障\\n政策问答"/' -e 's/^slug: .*/slug: marked/' \
	"$site/$L" >"$site/content/leaflets/marked.md"
make_repo "$site"

cd "$TMPDIR"
"$GAZETTE" print --source "$site" "$L" -o sample.pdf 2>err || { cat err; fail "print the sample leaflet"; }
python3 "$ROOT/tests/tools/leaflet_check.py" sample.pdf || fail "the sample leaflet"
# the cover photo, and the QR code's address under it
[ "$(pdfimages -list sample.pdf | tail -n +3 | wc -l)" -ge 1 ] || fail "no photo on the leaflet"
pdftotext -f 1 -l 1 sample.pdf - | tr -d ' \n' >outside.txt
# the back panel alone (97 to 197 mm): the address, at the leaflet's least
# size, takes two lines there, read in order
pdftotext -f 1 -l 1 -x 275 -y 0 -W 283 -H 595 sample.pdf - | tr -d ' \n' >back.txt
assert_contains back.txt "https://muling.example.gov.cn/leaflets/medical-insurance/"
assert_contains outside.txt "扫码阅读网页版"
assert_contains outside.txt "2019年5月10日"

# its lines balanced (leaflet_check: no heading ends on a line of three
# characters or fewer), every character of it there
"$GAZETTE" print --source "$site" content/leaflets/title3.md -o title3.pdf 2>err ||
	{ cat err; fail "print the leaflet with a three-line title"; }
python3 "$ROOT/tests/tools/leaflet_check.py" title3.pdf || fail "the leaflet with a three-line title"
pdftotext -f 1 -l 1 -r 72 -x 558 -y 0 -W 284 -H 596 title3.pdf - | tr -d ' \n' >title3.txt
assert_contains title3.txt "看病就医“三张网”兜底保障政策解读"

"$GAZETTE" print --source "$site" content/leaflets/half.md -o half.pdf 2>err ||
	{ cat err; fail "a leaflet half as long does not print"; }
assert_contains err "warning: the leaflet's text fills less than half of its inside panels"
pdftotext -f 2 -l 2 half.pdf - | grep -q "问" || fail "the half leaflet's inside is empty"

set +e
"$GAZETTE" print --source "$site" content/leaflets/long.md -o long.pdf 2>err
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat err; fail "a leaflet twice as long: exit $rc, want 1"; }
grep -E '^content/leaflets/long.md:1:1: the leaflet needs [0-9]+ more lines than its three inside panels hold at 11 pt; cut about [0-9]+ characters$' err ||
	{ cat err; fail "the long leaflet's message"; }
assert_no_file long.pdf
for opts in "3 1" "3 0" "0 1" "0 0"; do
	set -- $opts
	args=""
	[ "$1" = 0 ] || args="--bleed ${1}mm"
	[ "$2" = 0 ] || args="$args --marks"
	# shellcheck disable=SC2086
	"$GAZETTE" print --source "$site" "$L" -o marks.pdf $args 2>err || { cat err; fail "print with$args"; }
	python3 "$ROOT/tests/tools/fold_marks_check.py" marks.pdf "$1" "$2" || fail "fold marks with$args"
done

# a longer summary is printed whole (the photo above it gives up room), the
# department under it too; one too long for the panel is an error at its line
"$GAZETTE" print --source "$site" content/leaflets/summary.md -o summary.pdf 2>err ||
	{ cat err; fail "a leaflet with a summary of four sentences"; }
# the cover panel alone: from 197 mm (558 pt) to the right-hand edge
pdftotext -f 1 -l 1 -r 72 -x 558 -y 0 -W 284 -H 596 summary.pdf - | tr -d ' \n' >cover.txt
assert_contains cover.txt "$(cat "$site/content/leaflets/summary.txt")"
assert_contains cover.txt "穆棱市卫生健康局、医疗保障局、民政局、人力资源和社会保障局"
python3 "$ROOT/tests/tools/leaflet_check.py" summary.pdf || fail "the leaflet with a longer summary"
set +e
"$GAZETTE" print --source "$site" content/leaflets/summary2.md -o summary2.pdf 2>err
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat err; fail "a summary too long for the cover panel: exit $rc, want 1"; }
grep -E "^content/leaflets/summary2.md:6:10: summary is too long for the leaflet's cover panel \([0-9]+ lines; room for [0-9]+\); shorten it by about [0-9]+ characters$" err ||
	{ cat err; fail "the long summary's message"; }
assert_no_file summary2.pdf

# the marked title breaks there on the cover panel, and reads whole in the
# PDF's Title, on its web page and in the feed, with no line break left
"$GAZETTE" print --source "$site" content/leaflets/marked.md -o marked.pdf 2>err ||
	{ cat err; fail "print the leaflet with a marked title"; }
pdftotext -f 1 -l 1 -r 72 -x 558 -y 0 -W 284 -H 596 -layout marked.pdf - |
	sed 's/^ *//; s/ *$//' | grep -v '^$' | sed -n '2,3p' >got.txt
printf '%s\n' 穆棱市医疗保障 政策问答 >want.txt
diff -u want.txt got.txt || fail "the marked title's lines on the cover panel"
[ "$(pdfinfo marked.pdf | sed -n 's/^Title: *//p')" = 穆棱市医疗保障政策问答 ] ||
	{ pdfinfo marked.pdf; fail "the marked leaflet's PDF Title"; }
"$GAZETTE" build --source "$site" --out "$TMPDIR/pub" >/dev/null 2>err || { cat err; fail "build the site"; }
assert_contains "$TMPDIR/pub/leaflets/marked/index.html" "<title>穆棱市医疗保障政策问答 | "
assert_contains "$TMPDIR/pub/leaflets/marked/index.html" ">穆棱市医疗保障政策问答</h1>"
assert_contains "$TMPDIR/pub/leaflets/atom.xml" "<title>穆棱市医疗保障政策问答</title>"
! grep -rlF '穆棱市医疗保障\n' "$TMPDIR/pub" || fail "a line break of the title left in the site"
! grep -rlx '.*穆棱市医疗保障' "$TMPDIR/pub" || fail "a line break of the title left in the site"
echo "leaflet: ok"
