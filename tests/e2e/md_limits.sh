#!/bin/sh
# Markdown that cmark-gfm takes minutes over is refused before it is parsed,
# with the place and the setting that raises the limit: a table of 10,000
# columns (12.8 s before), rows of 10,000 cells under a narrow header,
# 400,000 cells in all, block quotes 5,000 deep, a story over the size
# limit. Each build must finish within 5 s; the same stories build once
# site.yml raises the limits, and a bad setting is an error in site.yml.
set -eu
. "$ROOT/tests/e2e/lib.sh"

command -v python3 >/dev/null || skip "python3 is not installed"

site=$TMPDIR/site
minimal_site "$site"
python3 - "$site/content/stories" <<'PY'
import os, sys
d = sys.argv[1]
os.makedirs(d)
def story(name, body):
    with open(os.path.join(d, name + ".md"), "w") as f:
        f.write("---\ntitle: %s\ndate: 2020-01-01\n---\n%s" % (name, body))
def table(cols, rows, header=None):
    h = header or cols
    out = "|" + "|".join("h" for _ in range(h)) + "|\n"
    out += "|" + "|".join("-" for _ in range(h)) + "|\n"
    for _ in range(rows):
        out += "|" + "|".join("x" for _ in range(cols)) + "|\n"
    return out
story("wide-table", "正文。\n\n" + table(10000, 52))
story("wide-rows", table(10000, 50, header=2))
story("many-cells", table(10, 40000))
story("deep-quotes", "> " * 5000 + "最深处\n")
story("deep-lists", "".join("  " * i + "- 第%d层\n" % i for i in range(1500)))
story("big", "大" * (3 * 1024 * 1024) + "\n")
story("fine", "| a | b |\n|---|---|\n| 1 | 2 |\n\n" + "> " * 100 + "深\n")
PY

timed_build 1 --source "$site" --out "$TMPDIR/out"
s=content/stories
assert_contains "$err_log" "$s/wide-table.md:7:1: a table of 10000 columns; tables may have at most 1000 (markdown.max_table_columns in site.yml)"
assert_contains "$err_log" "$s/wide-rows.md:7:1: a table row of 10000 cells; tables may have at most 1000 columns (markdown.max_table_columns in site.yml)"
assert_contains "$err_log" "$s/many-cells.md:20006:1: the story's tables have more than 200000 cells in all (markdown.max_table_cells in site.yml): split the table or the story"
assert_contains "$err_log" "$s/deep-quotes.md:5:1: block quotes and lists nested 5000 deep; they may nest at most 1000 deep (markdown.max_nesting in site.yml)"
assert_contains "$err_log" "$s/deep-lists.md:1005:1: block quotes and lists nested 1001 deep"
assert_not_contains "$err_log" "$s/big.md"
assert_not_contains "$err_log" "$s/fine.md"
assert_contains "$err_log" "gazette: build failed with 5 errors; nothing was written"
assert_no_file "$TMPDIR/out"

# a smaller story limit catches the 9 MB story
cat >>"$site/site.yml" <<'EOF'
markdown:
  max_story_mb: 8
EOF
timed_build 1 --source "$site" --out "$TMPDIR/out"
assert_contains "$err_log" "$s/big.md:5:1: the story is 9.0 MB; a story may be at most 8 MB (markdown.max_story_mb in site.yml): split it into several"

# settings that are not numbers in range are errors in site.yml
cat >>"$site/site.yml" <<'EOF'
  max_table_columns: lots
  max_nesting: 0
EOF
timed_build 1 --source "$site" --out "$TMPDIR/out"
assert_contains "$err_log" "site.yml:6:22: markdown.max_table_columns must be a whole number from 1 to 100000"
assert_contains "$err_log" "site.yml:7:16: markdown.max_nesting must be a whole number from 1 to 100000"

# raised limits: the stories that cmark handles quickly enough build
rm "$site/content/stories/wide-table.md" "$site/content/stories/wide-rows.md"
minimal_site "$site"
cat >>"$site/site.yml" <<'EOF'
markdown:
  max_table_cells: 500000
  max_nesting: 6000
hooks:
  page_mb: 64   # the feeds carry the 9 MB story whole
EOF
timed_build 0 --source "$site" --out "$TMPDIR/out"
assert_contains "$TMPDIR/out/stories/deep-quotes/index.html" '最深处'
assert_contains "$TMPDIR/out/stories/deep-lists/index.html" '第1499层'
assert_file "$TMPDIR/out/stories/many-cells/index.html"
assert_file "$TMPDIR/out/stories/big/index.html"
echo "md_limits: ok"
