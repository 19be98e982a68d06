#!/usr/bin/env python3
"""Nothing an editor wrote is lost between the web, print and broadcast.

    nothing_lost.py SITE PUBLIC PDF SCRIPTS_DIR PAGE...

For each PAGE (a content path, content/stories/2019/a.md), every sentence
of its Markdown body -- text inside shortcodes, shortcode arguments a
reader sees (titles, captions, speakers, roles, policy-box fields), image
titles that are a photo's caption -- must appear in the page's HTML in
PUBLIC, in the text of the brochure PDF that prints it, and in its
broadcast script (SCRIPTS_DIR/<id>.txt, from `gazette archive pull
--script`). The captions and credits of its front matter's photos and
cover must appear on its web page and in the brochure (the script places
only the photos of the text), and a video's duration as it is said
(3分20秒 for "3:20"). The script's 字数 must equal the web page's.
Text is compared
with all white space removed, so line breaks in print do not matter; the
PDF's running heads and folios are taken out first.

Prints one PROBLEM line per miss and exits 1 if there was any.
"""
import html
import os
import re
import subprocess
import sys

SHOWN_ARGS = ("title", "caption", "credit", "speaker", "role", "amount", "who",
              "where", "when", "contact", "duration")


def said(duration):
    """A video's duration as the script says it: "3:20" is 3分20秒."""
    m = (re.fullmatch(r"\s*(\d+):(\d\d):(\d\d)\s*", duration) or
         re.fullmatch(r"\s*()(\d+):(\d\d)\s*", duration))
    if not m:
        return duration
    h, mi, sec = (int(g or 0) for g in m.groups())
    out = (f"{h}小时" if h else "") + (f"{mi}分" if mi else "")
    return out + (f"{sec}秒" if sec or not out else "")


def squash(s):
    return re.sub(r"\s+", "", s)


def split_fm(text):
    m = re.match(r"^---\n(.*?)\n---\n?(.*)$", text, re.S)
    return (m.group(1), m.group(2)) if m else ("", text)


def photo_names(fm):
    """Base names of the front matter's photos with a caption."""
    names = set()
    for m in re.finditer(r"src:\s*(\S+)\s*\n\s*caption:", fm):
        names.add(os.path.basename(m.group(1)))
    return names


def photo_texts(fm):
    """The captions and credits of the front matter's photos and cover,
    written as block or flow mappings."""
    out = []
    for key, val in re.findall(r"(?:^|[{,]|^\s*-)\s*(caption|credit):\s*([^,}\n]+)", fm, re.M):
        val = val.strip().strip('"').strip("'").strip()
        if val:
            out.append(val)
    return out


def whole_page_text(path):
    with open(path, encoding="utf-8") as f:
        h = f.read()
    h = re.sub(r"<script.*?</script>|<style.*?</style>|<head>.*?</head>", "", h, flags=re.S)
    return squash(html.unescape(re.sub(r"<[^>]+>", "", h)))


def inline_text(s):
    s = re.sub(r"!\[([^\]]*)\]\([^)]*\)", "", s)          # images: see below
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)        # links: their text
    s = re.sub(r"`([^`]*)`", r"\1", s)
    s = s.replace("**", "").replace("__", "").replace("~~", "")
    s = re.sub(r"(?<![\w*])\*(?!\s)|(?<!\s)\*(?![\w*])", "", s)
    return html.unescape(s)


def sentences(body, fm):
    """What a reader must find of body, as a list of strings; a video's
    duration as a pair (as written, as the script says it)."""
    out = []
    captioned = photo_names(fm)
    in_code = False
    for line in body.split("\n"):
        if re.match(r"^\s*(```|~~~)", line):
            in_code = not in_code
            continue
        if in_code:
            continue
        if line.startswith(":::"):
            for key, val in re.findall(r'(\w+)="([^"]*)"', line):
                if key == "duration" and val.strip():
                    out.append((val, said(val)))
                elif key in SHOWN_ARGS and val.strip():
                    out.append(val)
            continue
        for alt, src, title in re.findall(r'!\[([^\]]*)\]\((\S+?)(?:\s+"([^"]*)")?\)', line):
            if title and os.path.basename(src) not in captioned:
                out.append(title)
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)
        line = re.sub(r"^\s*>\s?", "", line)
        if re.match(r"^\s*\|?\s*:?-{3,}", line):
            continue
        cells = [c for c in line.strip().strip("|").split("|")] if "|" in line else [line]
        for cell in cells:
            text = inline_text(cell).strip()
            for s in re.split(r"(?<=[。！？；])", text):
                if len(squash(s)) >= 2:
                    out.append(s)
    return out


def page_text(path):
    with open(path, encoding="utf-8") as f:
        h = f.read()
    # the article's text, not the page's meta description
    m = re.search(r'<div class="prose">(.*?)(?:<footer class="article-footer"|</article>)', h, re.S)
    if not m:
        raise SystemExit(f"PROBLEM {path}: no <div class=\"prose\"> article")
    body = m.group(1)
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", body, flags=re.S)
    words = re.search(r"全文\s*([\d,]+)\s*字", h)
    return (squash(html.unescape(re.sub(r"<[^>]+>", "", body))),
            words and int(words.group(1).replace(",", "")))


def pdf_text(pdf, heads):
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"], check=True,
                         capture_output=True, text=True).stdout
    keep = []
    for line in raw.split("\n"):
        t = line.strip()
        if not t or t in heads or re.fullmatch(r"\d+", t):
            continue
        keep.append(t)
    return squash("".join(keep))


def main():
    site, public, pdf, scripts = sys.argv[1:5]
    pages = sys.argv[5:]
    titles = set()
    bodies = {}
    for p in pages:
        with open(os.path.join(site, p), encoding="utf-8") as f:
            fm, body = split_fm(f.read())
        t = re.search(r"^title:\s*(.+)$", fm, re.M)
        if t:
            titles.add(t.group(1).strip().strip('"'))
        bodies[p] = (fm, body)
    # the running heads: the brochure's title (a file beside the PDF) and
    # the titles of the stories
    heads = set(titles)
    with open(pdf + ".heads", encoding="utf-8") as f:
        heads |= {l.strip() for l in f if l.strip()}
    printed = pdf_text(pdf, heads)
    problems = 0
    checked = 0
    for p in pages:
        fm, body = bodies[p]
        pid = re.sub(r"^content/|(/index)?\.md$", "", p)
        rel = pid + "/index.html"
        web, web_words = page_text(os.path.join(public, rel))
        with open(os.path.join(scripts, pid.replace("/", "_") + ".txt"), encoding="utf-8") as f:
            script = f.read()
        m = re.search(r"字数：(\d+)", script)
        if not m or web_words is None or int(m.group(1)) != web_words:
            print(f"PROBLEM {p}: script 字数 {m and m.group(1)} but the web page says {web_words}")
            problems += 1
        body_part = script.split("【正文】", 1)[-1]
        s_script = squash(body_part)
        for s in sentences(body, fm):
            s, s_said = s if isinstance(s, tuple) else (s, s)
            checked += 1
            for where, text, q in (("web", web, squash(s)), ("print", printed, squash(s)),
                                   ("script", s_script, squash(s_said))):
                if q not in text:
                    print(f"PROBLEM {p}: not in {where}: {s.strip()}")
                    problems += 1
        whole = whole_page_text(os.path.join(public, rel))
        for s in photo_texts(fm):
            q = squash(s)
            checked += 1
            for where, text in (("web", whole), ("print", printed)):
                if q not in text:
                    print(f"PROBLEM {p}: a photo's caption or credit is not in {where}: {s}")
                    problems += 1
    print(f"checked {checked} sentences of {len(pages)} pages in three outputs: {problems} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
