#!/bin/sh
# gazette check on tests/fixtures/check-site (one of every problem) against
# expected.txt; the JSON form parses and says the same; exit codes; the
# sample site has no errors; --install-hook; check writes nothing.
set -eu
. "$ROOT/tests/e2e/lib.sh"

site=$TMPDIR/check-site
cp -R "$ROOT/tests/fixtures/check-site" "$site"
rm -f "$site/expected.txt"
make_repo "$site"
before=$(tree_sums "$site")

set +e
(cd "$site" && "$GAZETTE" check) >"$TMPDIR/check.out" 2>"$TMPDIR/check.err"
rc=$?
set -e
assert_eq "$rc" 1 "exit status with errors"
diff -u "$ROOT/tests/fixtures/check-site/expected.txt" "$TMPDIR/check.out" || fail "output differs from expected.txt"

set +e
"$GAZETTE" check --source "$site" --format json >"$TMPDIR/check.json"
rc=$?
set -e
assert_eq "$rc" 1 "exit status with errors (json)"
python3 - "$TMPDIR/check.json" "$TMPDIR/check.out" <<'EOF2' || fail "JSON output does not match the text output"
import json, sys
items = json.load(open(sys.argv[1], encoding="utf-8"))
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
assert isinstance(items, list) and len(items) == len(lines), (len(items), len(lines))
for it, line in zip(items, lines):
    assert set(it) == {"path", "line", "col", "severity", "message"}, it
    assert it["severity"] in ("error", "warning"), it
    want = "%s:%d:%d: %s: %s" % (it["path"], it["line"], it["col"], it["severity"], it["message"])
    assert want == line, (want, line)
EOF2
[ "$(tree_sums "$site")" = "$before" ] || fail "gazette check changed the site"
[ -z "$(git -C "$site" status --porcelain --ignored)" ] || fail "gazette check left files: $(git -C "$site" status --porcelain --ignored)"

# warnings alone: exit 0
rm "$site/content/stories/2019/baddate.md" "$site/content/stories/2019/reprint.md" \
	"$site/content/stories/2019/badphotos.md"
sed -i 's#(/stories/2019/nope/)#(/stories/2019/good/)#' "$site/content/stories/2019/links.md"
sed -i "/none.png/d; /^{{</d" "$site/content/stories/2019/links.md"
set +e
"$GAZETTE" check --source "$site" >"$TMPDIR/check2.out"
rc=$?
set -e
assert_eq "$rc" 0 "exit status with warnings only"
assert_contains "$TMPDIR/check2.out" "warning: township '穆陵镇' is not in data/places.yml; did you mean '穆棱镇'?"
assert_not_contains "$TMPDIR/check2.out" ": error:"
# a misspelt field is a warning, in the editor's language
assert_contains "$TMPDIR/check2.out" "fields.md:4:1: warning: unknown field 'townsip'; did you mean 'township'?"
LANGUAGE=zh_CN LANG=C.UTF-8 "$GAZETTE" check --source "$site" >"$TMPDIR/check-zh.out"
assert_contains "$TMPDIR/check-zh.out" "fields.md:4:1: 警告：未知字段 'townsip'，是不是 'township'？"

# the sample site: no errors
"$GAZETTE" check --source "$ROOT" >"$TMPDIR/sample.out" || {
	cat "$TMPDIR/sample.out"
	fail "the sample site has errors"
}
# its own front-matter fields are declared in its site.yml
assert_not_contains "$TMPDIR/sample.out" "unknown field"

# the pre-commit hook
"$GAZETTE" check --source "$site" --install-hook >/dev/null
hook=$site/.git/hooks/pre-commit
assert_file "$hook"
[ -x "$hook" ] || fail "the hook is not executable"
"$GAZETTE" check --source "$site" --install-hook >/dev/null || fail "reinstalling the same hook"
echo 'echo bad' >"$site/content/stories/2019/new.md"
printf -- '---\ntitle: 坏\ndate: nope\n---\n' >"$site/content/stories/2019/new.md"
git -C "$site" add -A
if PATH=$(dirname "$GAZETTE"):$PATH git -C "$site" commit -qm 'bad' 2>"$TMPDIR/hook.err"; then
	fail "the pre-commit hook let a bad date through"
fi
assert_contains "$TMPDIR/hook.err" "content/stories/2019/new.md:3:7: error: date 'nope'"
printf '#!/bin/sh\nexit 0\n' >"$hook"
set +e
"$GAZETTE" check --source "$site" --install-hook 2>"$TMPDIR/hook2.err"
rc=$?
set -e
assert_eq "$rc" 1 "overwriting another hook"
assert_contains "$TMPDIR/hook2.err" "not overwriting"
"$GAZETTE" check --help | grep -q 'usage: gazette check' || fail "gazette check --help"
echo "check: ok"
