#!/bin/sh
# gazette serve's live reload in headless Chromium (tests/browser/reload.js):
# open a story, edit its Markdown and see the page reload with the new text;
# break its YAML and see the error overlay with path:line; fix it and see
# the overlay go and the new text come. The overlay speaks the site's
# language (language: zh-CN here), whatever the locale gazette runs in, in a
# font stack with Chinese faces.
#
# Skipped (77) with GAZETTE_NO_BROWSER=1 or without chromium/node.
set -eu
. "$ROOT/tests/e2e/lib.sh"

need_browser
dir=$browser_dir

site=$TMPDIR/site
cp -R "$ROOT/tests/fixtures/golden-site" "$site"
sed -i 's/^theme: .*/theme: default/; s#^base_url: .*#base_url: https://golden.example/#' "$site/site.yml"
make_repo "$site"

serve_gazette "$site"
log=$TMPDIR/serve.log

CHROMIUM=$chromium node "$dir/reload.js" "http://127.0.0.1:$port" /stories/2019/spring/ \
	"$site/content/stories/2019/spring.md" "gazette：构建失败" zh-CN || {
	cat "$log"
	fail "live reload checks failed (see PROBLEM above)"
}
kill -TERM "$server"
set +e
wait "$server"
rc=$?
set -e
trap - EXIT INT TERM
assert_eq "$rc" 0 "exit status after SIGTERM"
echo "serve_browser: ok"
