#!/bin/sh
# Chinese text: a summary made from the body (no summary: in front matter)
# ends at a sentence end (。) on the list page, never mid-sentence; the
# character count in the byline is the count of the text; a line break
# inside Chinese text is not a space; an image's alt text is not part of
# the summary. Built with the default theme, as editors see it.
set -eu
. "$ROOT/tests/e2e/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

site=$TMPDIR/site
minimal_site "$site"
# the lead paragraph is 4 sentences of 33+30+39+34 characters; with the
# default summary length (120) the summary is the first three (102)
write "$site/content/stories/dapeng.md" <<'EOF'
---
title: 盛成先的黄瓜大棚
date: 2020-07-01
township: 穆棱镇
---
穆棱镇大桥村的清晨来得早，五点多钟，
盛成先就钻进了自家的蔬菜大棚。棚里的黄瓜一垄挨着一垄，顶花带刺，水灵灵的，摘下来就能装筐。去年靠着帮扶干部牵线搭桥，这些黄瓜进了城里的扶贫农产品超市，一斤能多卖两毛钱。算下来，光黄瓜一项，今年就能增收三千多元，一家人的日子越过越有奔头。

## 大棚里的账

2019年，他家的收入达到了3000元，成了村里的 Model Farmer。
EOF
mkdir -p "$site/content/photos"
cp "$ROOT/tests/fixtures/golden-site/content/stories/2019/bees/hives.png" "$site/content/photos/hives.jpg"
write "$site/content/stories/hives.md" <<'EOF'
---
title: 山坡上的蜂箱
date: 2020-06-01
---
![一排黄色的蜂箱](/photos/hives.jpg)

老孟养蜂十年了，今年收了两千斤蜜。
EOF
make_repo "$site"
out=$TMPDIR/out
build_ok --source "$site" --out "$out"

# the text as an editor wrote it (soft line breaks inside Chinese removed)
lead='穆棱镇大桥村的清晨来得早，五点多钟，盛成先就钻进了自家的蔬菜大棚。棚里的黄瓜一垄挨着一垄，顶花带刺，水灵灵的，摘下来就能装筐。去年靠着帮扶干部牵线搭桥，这些黄瓜进了城里的扶贫农产品超市，一斤能多卖两毛钱。算下来，光黄瓜一项，今年就能增收三千多元，一家人的日子越过越有奔头。'
rest='大棚里的账 2019年，他家的收入达到了3000元，成了村里的 Model Farmer。'

python3 - "$out" "$lead" "$rest" <<'EOF'
import html, re, sys, unicodedata
out, lead, rest = sys.argv[1:4]
problems = []

def read(p):
    with open(f"{out}/{p}", encoding="utf-8") as f:
        return f.read()

def card_summary(page, url):
    """The summary shown next to the link to url on a list page."""
    i = page.find(f'href="{url}"')
    if i < 0:
        return None
    m = re.search(r'<p class="card-summary">(.*?)</p>', page[i:], re.S)
    return html.unescape(m.group(1)) if m else None

story = read("stories/dapeng/index.html")

# 1. a soft line break inside Chinese text is not a space
if "五点多钟，盛成先" not in story:
    m = re.search(r"五点多钟，(\s*)盛成先", story)
    problems.append(f"line break inside Chinese became {m.group(1)!r} in the paragraph"
                    if m else "the first paragraph is missing")

# 2. the summary (atom feed: not shortened by a template) is whole sentences
feed = read("atom.xml")
m = re.search(r"<title>盛成先的黄瓜大棚</title>.*?<summary>(.*?)</summary>", feed, re.S)
summary = html.unescape(m.group(1)) if m else ""
want = lead[: lead.index("一斤能多卖两毛钱。") + len("一斤能多卖两毛钱。")]
if summary != want:
    problems.append(f"feed summary is {summary!r}, want the first three sentences {want!r}")

# 3. on the list pages the summary ends at 。 and is not cut mid-sentence
for page, url in (("stories/index.html", "/stories/dapeng/"), ("index.html", "/stories/dapeng/"),
                  ("township/穆棱镇/index.html", "/stories/dapeng/")):
    s = card_summary(read(page), url)
    if s is None:
        problems.append(f"{page}: no summary next to the link to {url}")
    elif not s.endswith("。") or not lead.startswith(s):
        problems.append(f"{page}: summary {s!r} is cut mid-sentence (want whole sentences of the lead, ending in 。)")

# 4. the character count: every Han character and Chinese punctuation mark
# is one 字, a run of Latin letters or digits one word; the heading counts
def expected_chars(text):
    n = 0
    for run in re.findall(r"[A-Za-z0-9]+|.", text, re.S):
        c = run[0]
        if c.isascii():
            n += run[0].isalnum()
        elif unicodedata.name(c, "").startswith("CJK UNIFIED IDEOGRAPH") or \
                unicodedata.category(c).startswith("P"):
            n += 1
    return n
han = sum(unicodedata.name(c, "").startswith("CJK UNIFIED IDEOGRAPH") for c in lead + rest)
want_n = expected_chars(lead + rest)
m = re.search(r"全文 ([0-9,]+) 字", story)
got = int(m.group(1).replace(",", "")) if m else None
print(f"chars: {han} Han characters, {want_n} in all (with punctuation and words); page says {got}")
if got != want_n:
    problems.append(f"byline says 全文 {got} 字, want {want_n} ({han} Han characters + punctuation + words)")
if "约 1 分钟" not in story:
    problems.append("reading time is not 约 1 分钟 for ~150 characters")

# 5. an image's alt text is not part of the summary
hives = read("stories/index.html")
s = card_summary(hives, "/stories/hives/")
if s != "老孟养蜂十年了，今年收了两千斤蜜。":
    problems.append(f"summary of a story that opens with a photo is {s!r}; the alt text leaked in")

for p in problems:
    print("PROBLEM:", p)
sys.exit(1 if problems else 0)
EOF
echo "chinese: ok"
