#!/bin/sh
# gazette serve over HTTP with curl: content types, HEAD, conditional GET,
# the 404 page, refused traversal, the process's name, directory
# redirects, live rebuilds after an edit (within 5 s), the SSE stream,
# 127.0.0.1 only, and a prompt clean exit on SIGTERM. Nothing is written to public/.
set -eu
. "$ROOT/tests/e2e/lib.sh"

command -v curl >/dev/null || skip "curl is not installed"

site=$TMPDIR/site
cp -R "$ROOT/tests/fixtures/golden-site" "$site"
write "$site/static/app.js" <<'EOF2'
console.log("hi");
EOF2
write "$site/static/data.json" <<'EOF2'
{"a": 1}
EOF2
write "$site/static/notes.txt" <<'EOF2'
plain
EOF2
mkdir -p "$site/static/fonts"
printf 'wOF2' >"$site/static/fonts/x.woff2"
# the default theme, at the root of the host
sed -i 's/^theme: .*/theme: default/; s#^base_url: .*#base_url: https://golden.example/#' "$site/site.yml"
make_repo "$site"

serve_gazette "$site"
log=$TMPDIR/serve.log
base=http://127.0.0.1:$port

# status CODE URL [curl options]: the HTTP status of a GET
status() {
	u=$1
	shift
	curl -s --path-as-is -o /dev/null -w '%{http_code}' "$@" "$base$u"
}
ctype() {
	curl -s -o /dev/null -w '%{content_type}' "$base$1"
}

assert_eq "$(status /)" 200 "GET /"
assert_eq "$(ctype /)" "text/html; charset=utf-8" "type of /"
assert_eq "$(ctype /stories/)" "text/html; charset=utf-8" "type of /stories/"
assert_eq "$(ctype /atom.xml)" "application/xml; charset=utf-8" "type of atom.xml"
assert_eq "$(ctype /photos/field.png)" "image/png" "type of a png"
assert_eq "$(ctype /app.js)" "text/javascript; charset=utf-8" "type of js"
assert_eq "$(ctype /data.json)" "application/json; charset=utf-8" "type of json"
assert_eq "$(ctype /notes.txt)" "text/plain; charset=utf-8" "type of txt"
assert_eq "$(ctype /fonts/x.woff2)" "font/woff2" "type of woff2"
css=$(cd "$site/.gazette/serve" && find . -name '*.css' | head -n 1 | cut -c2-)
if [ -n "$css" ]; then assert_eq "$(ctype "$css")" "text/css; charset=utf-8" "type of css"; fi

# ps, top and pkill know it as gazette (not as "exe", the name of the file
# it starts itself again from)
if [ -r "/proc/$server/comm" ]; then
	assert_eq "$(cat "/proc/$server/comm")" gazette "the process's name"
fi

# served from .gazette/serve, never public/
assert_file "$site/.gazette/serve/index.html"
assert_no_file "$site/public"

# the live-reload script is in every page, before </body>
curl -s "$base/" >"$TMPDIR/index.html"
assert_contains "$TMPDIR/index.html" "/__gazette/events"
tr -d '\n' <"$TMPDIR/index.html" | grep -q '</script>[[:space:]]*</body>' || fail "script not before </body>"
cmp -s "$TMPDIR/index.html" "$site/.gazette/serve/index.html" && fail "the page was not injected"

# HEAD: same headers, no body
curl -s -D "$TMPDIR/get.h" -o /dev/null "$base/photos/field.png"
curl -s -I "$base/photos/field.png" >"$TMPDIR/head.h"
curl -s -I -o "$TMPDIR/head.body" "$base/photos/field.png"
[ ! -s "$TMPDIR/head.body" ] || grep -q '^HTTP' "$TMPDIR/head.body" || fail "HEAD sent a body"
for h in Content-Type Content-Length ETag Last-Modified; do
	g=$(grep -i "^$h:" "$TMPDIR/get.h" | tr -d '\r')
	hd=$(grep -i "^$h:" "$TMPDIR/head.h" | tr -d '\r')
	[ -n "$g" ] || fail "GET has no $h"
	assert_eq "$hd" "$g" "HEAD header $h"
done
len=$(wc -c <"$site/content/photos/field.png" | tr -d ' ')
grep -qi "^Content-Length: $len" "$TMPDIR/head.h" || fail "HEAD Content-Length is not $len"

# conditional GET
etag=$(grep -i '^ETag:' "$TMPDIR/get.h" | sed 's/^[^:]*: *//' | tr -d '\r')
lm=$(grep -i '^Last-Modified:' "$TMPDIR/get.h" | sed 's/^[^:]*: *//' | tr -d '\r')
assert_eq "$(status /photos/field.png -H "If-None-Match: $etag")" 304 "If-None-Match"
assert_eq "$(status /photos/field.png -H 'If-None-Match: "other"')" 200 "If-None-Match (other)"
assert_eq "$(status /photos/field.png -H "If-Modified-Since: $lm")" 304 "If-Modified-Since"
assert_eq "$(status /photos/field.png -H 'If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT')" 200 "If-Modified-Since (old)"
petag=$(curl -s -D - -o /dev/null "$base/" | grep -i '^ETag:' | sed 's/^[^:]*: *//' | tr -d '\r')
assert_eq "$(status / -H "If-None-Match: $petag")" 304 "If-None-Match on a page"

# 404: the site's page, with status 404
assert_eq "$(status /no/such/page/)" 404 "a missing page"
curl -s "$base/no/such/page/" >"$TMPDIR/404.html"
grep -q . "$site/.gazette/serve/404.html" || fail "no 404.html built"
head -c 200 "$site/.gazette/serve/404.html" | head -n 2 >"$TMPDIR/404.head"
assert_contains "$TMPDIR/404.html" "$(head -n 1 "$TMPDIR/404.head")"

# traversal and hostile paths: refused, never the file
for u in /../site.yml /%2e%2e/site.yml /..%2fsite.yml /%2E%2E%2Fsite.yml /stories/..%5c..%5csite.yml \
	/css/%00 /css/%00.css '/stories/%2e/' /./site.yml /stories/../../site.yml /stories%2f2019%2fspring/; do
	s=$(status "$u")
	case $s in
	400 | 404) ;;
	*) fail "$u answered $s" ;;
	esac
	curl -s --path-as-is "$base$u" >"$TMPDIR/trav"
	assert_not_contains "$TMPDIR/trav" "base_url"
done

# directories: index.html, and a redirect to the slash form
assert_eq "$(status /stories)" 301 "/stories without a slash"
loc=$(curl -s -D - -o /dev/null "$base/stories" | grep -i '^Location:' | tr -d '\r' | sed 's/^[^:]*: *//')
case $loc in */stories/) ;; *) fail "redirect to '$loc'" ;; esac
assert_eq "$(status /stories/2019/spring/)" 200 "a story"
assert_eq "$(status /)" 200 "/"

# only GET and HEAD
assert_eq "$(status / -X POST)" 405 "POST"

# the event stream
curl -s -N --max-time 30 "$base/__gazette/events?gen=1" >"$TMPDIR/sse.out" 2>/dev/null &
sse=$!
trap 'kill "$server" "$sse" 2>/dev/null || true' EXIT INT TERM
sleep 0.3

# an edit is served within 5 s
f=$site/content/stories/2019/spring.md
sed -i 's/^title: .*/title: 改过的春耕标题/' "$f"
i=0
while [ $i -lt 50 ]; do
	curl -s "$base/stories/2019/spring/" >"$TMPDIR/spring.html"
	grep -q '改过的春耕标题' "$TMPDIR/spring.html" && break
	sleep 0.1
	i=$((i + 1))
done
assert_contains "$TMPDIR/spring.html" '改过的春耕标题'
# a bad edit: the errors go down the stream; the last good page stays
sed -i 's/^date: .*/date: yesterday/' "$f"
i=0
while [ $i -lt 50 ]; do
	grep -q '^event: errors' "$TMPDIR/sse.out" && break
	sleep 0.1
	i=$((i + 1))
done
assert_contains "$TMPDIR/sse.out" 'event: reload'
assert_contains "$TMPDIR/sse.out" 'event: errors'
assert_contains "$TMPDIR/sse.out" "data: content/stories/2019/spring.md:3:7: date 'yesterday'"
assert_eq "$(status /stories/2019/spring/)" 200 "the last good page during a failed build"
kill "$sse" 2>/dev/null || true

# a new folder is watched too
mkdir -p "$site/content/stories/2021/deep"
sed -i 's/^date: .*/date: 2019-03-01/' "$f"
write "$site/content/stories/2021/deep/new-one.md" <<'EOF2'
---
title: 新文件夹里的新稿件
date: 2021-01-02
slug: new-one
---
正文。
EOF2
i=0
while [ $i -lt 50 ]; do
	[ "$(status /stories/2021/deep/new-one/)" = 200 ] && break
	sleep 0.1
	i=$((i + 1))
done
assert_eq "$(status /stories/2021/deep/new-one/)" 200 "a page in a new folder"

# 127.0.0.1 only
if command -v ss >/dev/null; then
	ss -ltnH "sport = :$port" >"$TMPDIR/ss.out"
	assert_contains "$TMPDIR/ss.out" "127.0.0.1:$port"
	assert_not_contains "$TMPDIR/ss.out" "0.0.0.0:$port"
	assert_not_contains "$TMPDIR/ss.out" "*:$port"
fi
addr=$(hostname -I 2>/dev/null | awk '{print $1}')
if [ -n "$addr" ] && [ "$addr" != 127.0.0.1 ]; then
	if curl -s --max-time 2 -o /dev/null "http://$addr:$port/"; then
		fail "the server answered on $addr"
	fi
fi
assert_no_file "$site/public"

# SIGTERM: a clean, prompt exit with status 0
kill -TERM "$server"
i=0
while kill -0 "$server" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 "$server" 2>/dev/null && fail "gazette serve still runs 5 s after SIGTERM"
set +e
wait "$server"
rc=$?
set -e
trap - EXIT INT TERM
assert_eq "$rc" 0 "exit status after SIGTERM"
echo "serve_http: ok"
