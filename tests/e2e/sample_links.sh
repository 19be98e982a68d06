#!/bin/sh
# Build the real sample site (the project's own content/) and check it:
# every internal href/src/srcset resolves, the feeds and sitemap are XML,
# the expected number of stories and policies is there, drafts are not.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

out=$TMPDIR/public
build_ok --source "$ROOT" --out "$out"
base_url=$(sed -n 's/^base_url: *//p' "$ROOT/site.yml" | tr -d '"'"'"' ')
[ -n "$base_url" ] || fail "no base_url in site.yml"

python3 "$ROOT/tests/e2e/crawl.py" "$out" "$base_url" || fail "broken links in the sample site (listed above)"

# counts: a story page is stories/YEAR/SLUG/index.html, a policy policies/SLUG/index.html
stories=$(find "$out/stories" -path '*/stories/[0-9][0-9][0-9][0-9]/*/index.html' | wc -l)
policies=$(find "$out/policies" -mindepth 2 -maxdepth 2 -name index.html ! -path '*/page/*' | wc -l)
echo "sample: $stories stories, $policies policies"
[ "$stories" -ge 8 ] || fail "only $stories published stories (want at least 8)"
[ "$policies" -ge 3 ] || fail "only $policies policies (want at least 3)"

# drafts (and pages under review) are not published anywhere
ndrafts=0
for f in $(grep -rlE '^status: *(draft|review) *$' "$ROOT/content" --include='*.md'); do
	ndrafts=$((ndrafts + 1))
	title=$(sed -n '2,/^---$/s/^title: *//p' "$f" | head -n 1 | sed "s/^[\"']//; s/[\"']$//")
	slug=$(sed -n '2,/^---$/s/^slug: *//p' "$f" | head -n 1)
	[ -n "$slug" ] || slug=$(basename "$f" .md)
	[ -n "$title" ] || fail "cannot read the title of $f"
	hits=$(grep -rlF -- "$title" "$out" || true)
	[ -z "$hits" ] || fail "draft '$title' ($f) appears in: $hits"
	found=$(find "$out" -type d -name "$slug")
	[ -z "$found" ] || fail "draft $f was written to $found"
done
[ "$ndrafts" -ge 1 ] || fail "the sample site has no draft story to check"

# feeds and sitemap are well-formed XML
for x in atom.xml stories/atom.xml sitemap.xml; do
	assert_file "$out/$x"
	python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$out/$x" ||
		fail "$x is not well-formed XML"
done
entries=$(grep -c '<entry>' "$out/stories/atom.xml" || true)
feed_items=$(sed -n 's/^feed_items: *//p' "$ROOT/site.yml")
feed_items=${feed_items:-20}
want=$((stories < feed_items ? stories : feed_items))
assert_eq "$entries" "$want" "entries in stories/atom.xml"
assert_file "$out/robots.txt"
assert_file "$out/404.html"
assert_contains "$out/robots.txt" "Sitemap: ${base_url}sitemap.xml"
# the footer's 订阅 is a page for people (a feed in a browser is XML), and
# every feed address on it is one the build wrote
assert_contains "$out/index.html" '<a href="/subscribe/">订阅</a>'
grep -o "class=\"subscribe-url\" href=\"${base_url}[^\"]*atom.xml\"" "$out/subscribe/index.html" |
	sed "s#.*href=\"${base_url}##; s#\"\$##" >"$TMPDIR/feeds"
[ "$(wc -l <"$TMPDIR/feeds")" -ge 4 ] || fail "the subscribe page lists $(wc -l <"$TMPDIR/feeds") feeds (want the site's and each section's)"
while read -r f; do assert_file "$out/$f"; done <"$TMPDIR/feeds"
# the photo archive lists a photo once, however many pages use it, and its
# count is of photos
grep -o 'class="original" href="[^"]*"' "$out/photos/index.html" >"$TMPDIR/originals"
sort -u "$TMPDIR/originals" >"$TMPDIR/originals.u"
assert_eq "$(wc -l <"$TMPDIR/originals")" "$(wc -l <"$TMPDIR/originals.u")" "原图 links on /photos/ (each photo once)"
assert_contains "$out/photos/index.html" "共 $(wc -l <"$TMPDIR/originals.u" | tr -d ' ') 张"
echo "sample_links: ok"
