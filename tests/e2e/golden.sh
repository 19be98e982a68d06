#!/bin/sh
# Build tests/fixtures/golden-site with tests/fixtures/golden-theme from a
# git repository and compare every output file with tests/golden/expected/.
#
#   GOLDEN_UPDATE=1 sh tests/run.sh ... : rewrite the expected tree instead;
#   then read `git diff tests/golden/` line by line before committing: the
#   expected files are the spec.
set -eu
. "$ROOT/tests/e2e/lib.sh"

expected=$ROOT/tests/golden/expected
site=$TMPDIR/site
actual=$TMPDIR/actual

cp -R "$ROOT/tests/fixtures/golden-site" "$site"
mkdir -p "$site/themes"
cp -R "$ROOT/tests/fixtures/golden-theme" "$site/themes/golden"
make_repo "$site"

# no GAZETTE_THEMES fallback: the site's own theme must be the one used
GAZETTE_THEMES=$TMPDIR/no-themes build_ok --source "$site" --out "$actual"

if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
	rm -rf "$expected"
	mkdir -p "$(dirname "$expected")"
	cp -R "$actual" "$expected"
	echo "golden: rewrote $expected; review it with git diff before committing"
	exit 0
fi

[ -d "$expected" ] || fail "no $expected; run with GOLDEN_UPDATE=1 and review the result"
if ! diff -ru "$expected" "$actual" >"$TMPDIR/golden.diff"; then
	cat "$TMPDIR/golden.diff"
	fail "output differs from tests/golden/expected (GOLDEN_UPDATE=1 rewrites it; review first)"
fi

# every internal link of the golden site (served under /muling/) resolves
python3 "$ROOT/tests/e2e/crawl.py" "$actual" https://golden.example/muling/ ||
	fail "broken links in the golden site"

# the build is reproducible: a second build into a fresh folder is identical
build_ok --source "$site" --out "$TMPDIR/again" --jobs 1
diff -r "$actual" "$TMPDIR/again" >/dev/null || fail "two builds of the golden site differ"
echo "golden: $(find "$actual" -type f | wc -l) files match"
