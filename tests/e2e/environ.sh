#!/bin/sh
# Nothing changes the environment once a build has threads: a setenv while
# another thread is in getenv can free the environment under it (the desk's
# build process died of that in getenv, when libvips set VIPSHOME on its
# first photo). tests/tools/envguard.c, preloaded, notes every setenv,
# unsetenv and putenv made with more than one thread; a build of the sample
# site that makes every photo and PDF anew, from the working tree and from
# git, and the desk's kind of build (its process had changed the
# environment before: LANGUAGE, from a Chinese LANG without its locale),
# must make none.
#
# Skipped under ASan (its runtime must come first in the preload list).
set -eu
. "$ROOT/tests/e2e/lib.sh"

[ -z "${ASAN_OPTIONS:-}" ] || skip "LD_PRELOAD does not go with AddressSanitizer"
command -v cc >/dev/null || skip "no C compiler"
guard=$TMPDIR/envguard.so
cc -shared -fPIC -O1 -o "$guard" "$ROOT/tests/tools/envguard.c" -ldl || fail "cannot build tests/tools/envguard.c"

site=$TMPDIR/site
mkdir -p "$site"
cp -R "$ROOT/site.yml" "$ROOT/content" "$ROOT/data" "$site/"
make_repo "$site"
log=$TMPDIR/env.log

# the guard itself: a setenv from a second thread is noted
cat >"$TMPDIR/two.c" <<'EOF'
#include <pthread.h>
#include <stdlib.h>
static void *set(void *a) { (void)a; setenv("ENVGUARD_TEST", "1", 1); return NULL; }
int main(void) { pthread_t t; pthread_create(&t, NULL, set, NULL); pthread_join(t, NULL); return 0; }
EOF
cc -pthread -o "$TMPDIR/two" "$TMPDIR/two.c" || fail "cannot build the guard's own test"
ENVGUARD_LOG=$log LD_PRELOAD=$guard "$TMPDIR/two"
grep -q '^setenv(ENVGUARD_TEST) with 2 threads$' "$log" || fail "the guard did not see a setenv from a second thread"
rm -f "$log"

# env -u GLIBC_TUNABLES: the program starts itself once more, as it does
# for a user
ENVGUARD_LOG=$log LD_PRELOAD=$guard "$GAZETTE" build -q --source "$site" --out "$TMPDIR/out" ||
	fail "the build failed"
[ -f "$TMPDIR/out/print/medical-insurance.pdf" ] || fail "the build made no PDF"
rm -rf "$site/.gazette"
ENVGUARD_LOG=$log LANG=zh_CN.UTF-8 LC_ALL= LANGUAGE= LD_PRELOAD=$guard "$GAZETTE" build -q \
	--source "$site" --rev HEAD --drafts --future --out "$TMPDIR/out-rev" || fail "the --rev build failed"
[ -f "$TMPDIR/out-rev/stories/2020/meng-qinglong-bees/index.html" ] || fail "the --rev build made no story"
if [ -s "$log" ]; then
	cat "$log"
	fail "the environment was changed while threads ran (above)"
fi
echo "environ: ok"
