#!/bin/sh
# Errors in a site's own theme (themes/t/): a Lua error names the template
# and line, an endless loop is stopped quickly with a clear message, an
# unclosed {{ is reported with line:col. Each fails the build (exit 1) and
# writes nothing.
set -eu
. "$ROOT/tests/e2e/lib.sh"

problems=""
problem() {
	printf 'PROBLEM: %s\n' "$*" >&2
	problems="$problems
  - $*"
}

site=$TMPDIR/site
mkdir -p "$site/content/stories" "$site/themes"
cat >"$site/site.yml" <<'EOF'
title: 模板错误
base_url: https://example.org/
theme: t
EOF
write "$site/content/stories/one.md" <<'EOF'
---
title: 一篇稿件
date: 2020-03-01
---
正文。
EOF
make_repo "$site"

# fresh_theme: themes/t is the small golden theme, which builds cleanly
fresh_theme() {
	rm -rf "$site/themes/t"
	cp -R "$ROOT/tests/fixtures/golden-theme" "$site/themes/t"
}

# expect_failure NAME: the last build failed with exit 1, wrote nothing
out=$TMPDIR/out
expect_failure() {
	cat "$err_log"
	[ "$rc" -eq 1 ] || problem "$1: exit status $rc (want 1)"
	[ ! -e "$out" ] || problem "$1: the output folder was created although the build failed"
	grep -qF 'gazette: build failed' "$err_log" || problem "$1: no 'build failed' line"
	rm -rf "$out"
}

fresh_theme
GAZETTE_THEMES=$TMPDIR/none build_ok --source "$site" --out "$TMPDIR/clean"
assert_file "$TMPDIR/clean/stories/one/index.html"

# 1. a Lua error on line 3 of a layout that extends the base
fresh_theme
cat >"$site/themes/t/layouts/page.html" <<'EOF'
{% extends "base" %}
{% block "main" %}
<p>{{ page.nope.deeper }}</p>
{% endblock %}
EOF
build --source "$site" --out "$out"
grep -qF 'themes/t/layouts/page.html:3:' "$err_log" ||
	problem "the Lua error does not name themes/t/layouts/page.html:3:"
grep -qF 'content/stories/one.md' "$err_log" || problem "the Lua error does not name the page being rendered"
expect_failure "Lua error"

# 2. an endless loop is stopped within a few seconds
fresh_theme
cat >"$site/themes/t/layouts/home.html" <<'EOF'
{% extends "base" %}
{% block "main" %}
{% while true do end %}
{% endblock %}
EOF
start=$(date +%s)
set +e
timeout 60 "$GAZETTE" build --source "$site" --out "$out" >"$out_log" 2>"$err_log"
rc=$?
set -e
took=$(($(date +%s) - start))
echo "endless loop stopped after ${took}s"
[ "$rc" -ne 124 ] || problem "an endless loop in a template was not stopped in 60 s"
[ "$took" -le 10 ] || problem "stopping an endless loop took ${took}s (want a few seconds)"
grep -qF 'ran more than 2 hundred million steps, stopped' "$err_log" || problem "the endless-loop error does not say 'ran more than 2 hundred million steps, stopped'"
grep -qF 'themes/t/layouts/home.html:3' "$err_log" || problem "the endless-loop error does not name home.html:3"
expect_failure "endless loop"

# 3. an unclosed {{ : line 2, column 4 (after "<p>")
fresh_theme
cat >"$site/themes/t/layouts/404.html" <<'EOF'
{% extends "base" %}
<p>{{ page.title </p>
{% block "main" %}{% endblock %}
EOF
build --source "$site" --out "$out"
grep -qF "themes/t/layouts/404.html:2:4: '{{' is never closed" "$err_log" ||
	problem "no 'themes/t/layouts/404.html:2:4: '{{' is never closed' error"
expect_failure "unclosed {{"

# 4. a layout the theme lacks is named, not a crash
fresh_theme
rm "$site/themes/t/layouts/term.html"
build --source "$site" --out "$out"
grep -qF 'layouts/term' "$err_log" || problem "a missing term layout is not named"
expect_failure "missing layout"

# 5. a bad partial name is refused at the template's line, whether the
# partial is written in place ({{{ partial(…) }}}) or made into a string
# first: one outside partials/, and one that is not a string (said in
# words, not as Lua's complaint about '_w' or '_partial')
partial_fails() { # EXPR WANT
	fresh_theme
	cat >"$site/themes/t/layouts/page.html" <<EOF
{% extends "base" %}
{% block "main" %}
<div>$1</div>
{% endblock %}
EOF
	build --source "$site" --out "$out"
	grep -qF "themes/t/layouts/page.html:3: $2" "$err_log" ||
		problem "$1: no '$2' at page.html:3"
	expect_failure "$1"
}
for expr in '{{{ partial(%s) }}}' '{{ partial(%s) }}'; do
	partial_fails "$(printf "$expr" '"../base", page')" "bad partial name '../base'"
	partial_fails "$(printf "$expr" nil)" "partial() needs the name of a partial (a string), not nil"
done

# 6. a partial that writes itself in place, endlessly: stopped with a
# message, at the depth a partial made into a string is
fresh_theme
mkdir -p "$site/themes/t/layouts/partials"
printf '<i>{{{ partial("loop") }}}</i>\n' >"$site/themes/t/layouts/partials/loop.html"
cat >"$site/themes/t/layouts/page.html" <<'EOF'
{% extends "base" %}
{% block "main" %}
{{{ partial("loop") }}}
{% endblock %}
EOF
build --source "$site" --out "$out"
grep -qF "themes/t/layouts/partials/loop.html:1: partials and layouts nest more than 32 deep" "$err_log" ||
	problem "a partial written in itself is not stopped at 32 levels"
expect_failure "endless partial"

[ -z "$problems" ] || fail "problems:$problems"
echo "template_errors: ok"
