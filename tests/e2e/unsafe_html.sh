#!/bin/sh
# No script runs from a story, with or without markdown: {unsafe: true}:
# 45 script payloads in raw HTML (blocks and inline) and in Markdown links
# and images are built in both modes, and every story page is read with an
# HTML parser as a browser would: no <script>, no event-handler attribute,
# no javascript:/vbscript:/data: URL (data:image/ in an <img> aside), no
# <object>, <embed> or <iframe> unless markdown.allow_embeds lists it. What
# unsafe mode is for (a <div class>, a <details>, an <img> with a data:
# image) still comes through. Each build must finish within 5 s.
set -eu
. "$ROOT/tests/e2e/lib.sh"

command -v python3 >/dev/null || skip "python3 is not installed"

site=$TMPDIR/site
minimal_site "$site"
python3 - "$site/content/stories" <<'PY'
import os, sys
d = sys.argv[1]
os.makedirs(d)
raw = [
    '<img src=x onerror=alert(1)>',
    '<IMG SRC=x ONERROR=alert(2)>',
    '<img/src=x/onerror=alert(3)>',
    '<img src=x onerror\n=alert(4)>',
    '<details open ontoggle=alert(5)>d</details>',
    '<svg onload=alert(6)></svg>',
    '<svg><animate onbegin=alert(7) attributeName=x dur=1s /></svg>',
    '<body onload=alert(8)>',
    '<div onmouseover="alert(9)">hover</div>',
    '<a href="javascript:alert(10)">j</a>',
    '<a href="JaVaScRiPt:alert(11)">j</a>',
    '<a href=" &#106;ava&#x09;script&colon;alert(12)">j</a>',
    '<a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(13)">j</a>',
    '<a href="vbscript:msgbox(14)">v</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNSk8L3NjcmlwdD4=">d</a>',
    '<iframe src="javascript:alert(16)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(17)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(18)"></object>',
    '<embed src="data:text/html,<script>alert(19)</script>">',
    '<form action="javascript:alert(20)"><button>f</button></form>',
    '<form><button formaction=javascript:alert(21)>b</button></form>',
    '<svg><a xlink:href="javascript:alert(22)"><text x=1 y=1>s</text></a></svg>',
    '<svg><a><animate attributeName=href values=javascript:alert(23) /><text>s</text></a></svg>',
    '<svg><set attributeName=href to=javascript:alert(24) /></svg>',
    '<math><maction actiontype=statusline xlink:href=javascript:alert(25)>m</maction></math>',
    '<script>alert(26)</script>',
    '<scr<script>ipt>alert(27)</script>',
    '<noscript><p title="</noscript><img src=x onerror=alert(28)>"></noscript>',
    '<style>@import "javascript:alert(29)";</style>',
    '<div style="background:url(javascript:alert(30))">s</div>',
    '<link rel=stylesheet href="javascript:alert(31)">',
    '<meta http-equiv=refresh content="0;url=javascript:alert(32)">',
    '<base href="javascript:alert(33)//">',
    '<table background="javascript:alert(34)"><tr><td>t</td></tr></table>',
    '<input type=image src=x onerror=alert(35)>',
    '<video><source onerror=alert(36)></video>',
    '<xmp><img src=x onerror=alert(37)></xmp>',
    '<textarea><img src=x onerror=alert(38)></textarea>',
]
markdown = [
    '[链接](javascript:alert(39))',
    '[链接](JAVASCRIPT:alert(40))',
    '[链接](vbscript:msgbox(41))',
    '[链接](data:text/html;base64,PHNjcmlwdD5hbGVydCg0Mik8L3NjcmlwdD4=)',
    '![图](javascript://x.example/%0Aalert(43))',
    '![图](data:text/html;base64,PHNjcmlwdD5hbGVydCg0NSk8L3NjcmlwdD4=)',
    '<javascript:alert(44)>',
]
def story(name, body):
    with open(os.path.join(d, name + ".md"), "w") as f:
        f.write("---\ntitle: %s\ndate: 2020-01-01\n---\n%s\n" % (name, body))
for i, p in enumerate(raw):
    story("block-%02d" % i, p + "\n")
    story("inline-%02d" % i, "一段文字 " + p.replace("\n", " ") + " 结尾。\n")
for i, p in enumerate(markdown):
    story("md-%02d" % i, "一段文字 " + p + " 结尾。\n")
story("wanted", '<div class="box">盒子</div>\n\n<details><summary>更多</summary>内容</details>\n\n'
      '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="点">\n\n'
      '<iframe src="https://video.example/embed/1" allowfullscreen></iframe>\n')
PY

# check_pages DIR ALLOW: every story page in DIR is free of scripts;
# ALLOW: the embedding elements allowed ("" or "iframe")
check_pages() {
	python3 - "$1" "$2" <<'PY'
import html.parser, os, sys
root, allow = sys.argv[1], sys.argv[2].split()
URL = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
       "cite", "codebase", "srcset", "to", "values", "from", "by"}
bad = []
def norm(v):
    return "".join(c for c in (v or "") if c > " ").lower()
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        where = "%s: <%s>" % (self.page, tag)
        if tag in ("script", "style", "base", "meta", "link") and self.in_body:
            bad.append(where)
        if tag in ("iframe", "object", "embed") and tag not in allow:
            bad.append(where)
        if tag == "body":
            self.in_body = True
        # the head's <meta> repeats the summary as text
        for k, v in (attrs if self.in_body else []):
            n = norm(v)
            if k.startswith("on") or k == "srcdoc":
                bad.append("%s %s" % (where, k))
            elif "javascript:" in n or "vbscript:" in n:
                bad.append("%s %s=%s" % (where, k, v))
            elif k in URL and n.startswith("data:") and not (tag == "img" and n.startswith("data:image/")):
                bad.append("%s %s=%s" % (where, k, v))
n = 0
for dirpath, _, files in os.walk(os.path.join(root, "stories")):
    for f in files:
        if f == "index.html" and dirpath != os.path.join(root, "stories"):
            p = P()
            p.page, p.in_body = os.path.relpath(os.path.join(dirpath, f), root), False
            p.feed(open(os.path.join(dirpath, f), encoding="utf-8").read())
            n += 1
print("%d story pages read" % n)
for b in bad:
    print("RUNS A SCRIPT:", b)
sys.exit(1 if bad or n < 80 else 0)
PY
}

timed_build 0 --source "$site" --out "$TMPDIR/safe"
check_pages "$TMPDIR/safe" "" || fail "a script got through in safe mode"

cat >>"$site/site.yml" <<'EOF'
markdown:
  unsafe: true
EOF
timed_build 0 --source "$site" --out "$TMPDIR/unsafe"
check_pages "$TMPDIR/unsafe" "" || fail "a script got through with markdown.unsafe"
page=$TMPDIR/unsafe/stories/wanted/index.html
assert_contains "$page" '<div class="box">盒子</div>'
assert_contains "$page" '<details><summary>更多</summary>内容</details>'
assert_contains "$page" '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="点">'
assert_contains "$page" '&lt;iframe src=&quot;https://video.example/embed/1&quot; allowfullscreen&gt;'
# the disarmed payloads are shown as text, not dropped silently
assert_contains "$TMPDIR/unsafe/stories/block-25/index.html" '&lt;script&gt;alert(26)&lt;/script&gt;'

cat >>"$site/site.yml" <<'EOF'
  allow_embeds: [iframe]
EOF
timed_build 0 --source "$site" --out "$TMPDIR/embeds"
check_pages "$TMPDIR/embeds" "iframe" || fail "a script got through with allow_embeds: [iframe]"
assert_contains "$TMPDIR/embeds/stories/wanted/index.html" '<iframe src="https://video.example/embed/1" allowfullscreen></iframe>'
assert_not_contains "$TMPDIR/embeds/stories/block-16/index.html" 'srcdoc'

# only the three embedding elements can be allowed
sed -i 's/allow_embeds: \[iframe\]/allow_embeds: [iframe, script]/' "$site/site.yml"
timed_build 1 --source "$site" --out "$TMPDIR/embeds"
assert_contains "$err_log" "site.yml:6:26: markdown.allow_embeds: 'script' cannot be allowed; give iframe, object or embed"
echo "unsafe_html: ok"
