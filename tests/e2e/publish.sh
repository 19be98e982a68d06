#!/bin/sh
# Publishing swaps the whole output folder (output.h): each build that
# changes something leaves public/ a different folder holding the new site,
# unchanged files keep their inodes, the spare folder stays out of sight
# (in .gazette/, never in the site or in git status), and whatever happens
# to the spare or the record (removed, stale, a killed build's pending
# record, --full) the next build is still byte-identical to a clean one.
# Also: --out through a symlink stays a symlink, and a file put into
# public/ by hand before the first build survives.
set -eu
. "$ROOT/tests/e2e/lib.sh"

problems=""
problem() {
	printf 'PROBLEM: %s\n' "$*" >&2
	problems="$problems
  - $*"
}

site=$TMPDIR/site
cp -R "$ROOT/tests/fixtures/golden-site" "$site"
sed -i 's/^theme: .*/theme: default/' "$site/site.yml"
printf 'public/\n' >"$site/.gitignore"
make_repo "$site"
out=$site/public
story=$site/content/stories/2019/spring.md

n=0
edit() {
	n=$((n + 1))
	printf '\n第%s次补充。\n' "$n" >>"$story"
}
# same_as_clean WHAT: public/ is what a clean build into a fresh folder gives
# (from a copy of the content, so its cache files stay out of .gazette/)
same_as_clean() {
	rm -rf "$TMPDIR/fresh" "$TMPDIR/clean"
	cp -R "$site" "$TMPDIR/clean"
	rm -rf "$TMPDIR/clean/.gazette" "$TMPDIR/clean/public"
	build_ok --source "$TMPDIR/clean" --out "$TMPDIR/fresh"
	diff -r -x CNAME "$out" "$TMPDIR/fresh" >"$TMPDIR/diff" 2>&1 || {
		head -n 10 "$TMPDIR/diff" >&2
		problem "$1: the site differs from a clean build"
	}
	# the first build's spare (linked from the lists of what it wrote) is
	# the site: every folder, and every file as the same inode
	(cd "$TMPDIR/fresh" && find . -printf '%P %y %m\n' -type f -printf '%P %i\n' | sort) >"$TMPDIR/site.ls"
	(cd "$TMPDIR"/clean/.gazette/outputs-*.spare && find . -printf '%P %y %m\n' -type f -printf '%P %i\n' | sort) >"$TMPDIR/spare.ls"
	cmp -s "$TMPDIR/site.ls" "$TMPDIR/spare.ls" || {
		diff "$TMPDIR/site.ls" "$TMPDIR/spare.ls" | head -n 10 >&2
		problem "$1: the clean build's spare is not its site"
	}
}

# a file put into the output folder before the first build stays
mkdir -p "$out"
echo 'golden.example' >"$out/CNAME"
build_ok --source "$site"
assert_file "$out/index.html"
ls -d "$site"/.gazette/outputs-*.spare >/dev/null 2>&1 || problem "no spare folder in .gazette/"
[ -z "$(find "$out" -name '*.gazette-*')" ] || problem "gazette's files inside the site: $(find "$out" -name '*.gazette-*')"
[ -z "$(cd "$site" && git status --porcelain)" ] || problem "git status is not clean: $(cd "$site" && git status --porcelain)"

# a change swaps the folder; an unchanged file keeps its inode, the
# changed page is a new file
dir1=$(stat -c %i "$out")
css1=$(stat -c %i "$out/css/gazette.css")
page=$out/stories/2019/spring/index.html
assert_file "$page"
page1=$(stat -c %i "$page")
edit
build_ok --source "$site"
[ "$(stat -c %i "$out")" != "$dir1" ] || problem "public/ is the same folder after a change (not swapped)"
[ "$(stat -c %i "$out/css/gazette.css")" = "$css1" ] || problem "an unchanged file was rewritten"
[ "$(stat -c %i "$page")" != "$page1" ] || problem "the edited page was not rewritten"
assert_contains "$page" "第${n}次补充"
assert_file "$out/CNAME"
same_as_clean "after an edit"

# no change: no swap
dir2=$(stat -c %i "$out")
build_ok --source "$site"
[ "$(stat -c %i "$out")" = "$dir2" ] || problem "a build with no change swapped the folder"

# many edits in a row: each is right, and CNAME stays
for k in 1 2 3; do
	edit
	build_ok --source "$site"
done
assert_file "$out/CNAME"
same_as_clean "after three edits"

# the spare removed by hand: rebuilt from public/
rm -rf "$site"/.gazette/outputs-*.spare
edit
build_ok --source "$site"
same_as_clean "after the spare was removed"

# the spare changed by hand (a stale page): not trusted after --full
spare=$(ls -d "$site"/.gazette/outputs-*.spare)
echo 'stale' >"$spare/index.html.new"
edit
build_ok --source "$site" --full
same_as_clean "after --full"
[ ! -e "$spare/index.html.new" ] && [ ! -e "$out/index.html.new" ] || problem "--full kept a stray file in the spare"

# the record removed (a clean build): correct, and the next one too
rm -f "$site"/.gazette/outputs-*.txt
edit
build_ok --source "$site"
same_as_clean "after the record was removed"
edit
build_ok --source "$site"
same_as_clean "the build after that"

# a pending record that names a folder that is not public/ (a build killed
# before its swap) is dropped; one that names public/ is taken up
rec=$(ls "$site"/.gazette/outputs-*.txt)
sed 's/^dir .*/dir 0123456789abcdef/' "$rec" >"$rec.pending"
edit
build_ok --source "$site"
[ ! -e "$rec.pending" ] || problem "a pending record of a swap that did not happen was kept"
same_as_clean "after a dropped pending record"
# a build killed after its swap, with the old records removed and the
# pending ones not yet in their place: the next build takes them up, so
# what each page read is still known and nothing is rendered again
rec=$(ls "$site"/.gazette/outputs-*.txt)
deps=$(ls "$site"/.gazette/deps-*.txt)
mv "$rec" "$rec.pending"
mv "$deps" "$deps.pending"
build_ok --source "$site" -v
grep -q '(0 rendered' "$err_log" ||
	problem "pending records of a swap that happened were not taken up: $(grep rendered "$err_log")"
[ -e "$rec" ] && [ -e "$deps" ] && [ ! -e "$rec.pending" ] && [ ! -e "$deps.pending" ] ||
	problem "the pending records are not in their places"
same_as_clean "after pending records were taken up"

# the page removed from content leaves the site (and the spare's copy goes too)
git -C "$site" rm -q content/stories/2019/xiachengzi.md
build_ok --source "$site"
[ ! -e "$out/stories/2019/xiachengzi/index.html" ] || problem "a removed story's page is still there"
same_as_clean "after a story was removed"

# the spare and the records of an output folder that was deleted go at the
# next build (the spare's hardlinks would keep the deleted site's disk space),
# but not while a build into that folder holds its lock
spares() { ls -d "$site"/.gazette/*.spare | wc -l; }
records() { ls "$site"/.gazette/ | grep -c -E '^(outputs|deps|search)-[0-9a-f]+\.txt$'; }
n0=$(spares)
r0=$(records)
build_ok --source "$site" --out "$TMPDIR/gone"
[ "$(spares)" = $((n0 + 1)) ] || problem "no spare for --out $TMPDIR/gone"
[ "$(records)" -gt "$r0" ] || problem "no records for --out $TMPDIR/gone ($(records) against $r0)"
rm -rf "$TMPDIR/gone"
gone_lock=$(grep -l "^site $TMPDIR/gone\$" "$site"/.gazette/outputs-*.txt | head -n 1).lock
[ -f "$gone_lock" ] || problem "no lock file beside the record of --out $TMPDIR/gone"
edit
flock "$gone_lock" "$GAZETTE" build --source "$site" -q >/dev/null 2>&1 ||
	problem "a build failed while another held a deleted folder's lock"
[ "$(spares)" = $((n0 + 1)) ] || problem "the spare of a locked output folder was removed"
edit
build_ok --source "$site"
[ "$(spares)" = "$n0" ] || problem "the spare of a deleted output folder was kept"
[ "$(records)" = "$r0" ] || problem "the records of a deleted output folder were kept ($(records) against $r0)"

# --out through a symlink: the link stays, the folder it names is swapped
real=$TMPDIR/real-out
link=$TMPDIR/link-out
mkdir -p "$real"
ln -s "$real" "$link"
build_ok --source "$site" --out "$link"
edit
build_ok --source "$site" --out "$link"
[ -L "$link" ] || problem "--out through a symlink: the symlink was replaced"
assert_contains "$link/stories/2019/spring/index.html" "第${n}次补充"
out=$real
same_as_clean "--out through a symlink"

# an output folder the swap cannot reach: a bind mount of this file system
# (same device, but rename(2) across mounts fails with EXDEV). The build
# falls back to writing in place, says so, and stays right; root only
if [ "$(id -u)" = 0 ] && mkdir -p "$TMPDIR/bound" "$TMPDIR/bind" &&
	mount --bind "$TMPDIR/bound" "$TMPDIR/bind" 2>/dev/null; then
	out=$TMPDIR/bind/public
	build_ok --source "$site" --out "$out"
	edit
	build_ok --source "$site" --out "$out"
	grep -q 'files are replaced one at a time' "$err_log" || problem "bind mount: no warning about writing in place"
	edit
	build_ok --source "$site" --out "$out"
	same_as_clean "bind mount"
	umount "$TMPDIR/bind"
else
	echo "bind mount: cannot mount here; not tested"
fi

[ -z "$problems" ] || fail "problems:$problems"
echo "publish: ok"
