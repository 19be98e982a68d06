#!/usr/bin/env python3
"""A brochure's pages as a print shop looks at them.

    brochure_check.py BROCHURE.pdf

Reads the pages' text and image boxes (`pdftohtml -xml`, poppler) and
checks: no heading (a bold sans line larger than the body) in the bottom
15 % of a page or without two lines after it on its page; no line whose
characters are spaced wider than 1.25 em; every page but the covers, the contents and a story's last
page (the page before a story opens, or before the back cover) is filled
to 60 % of its text area by text and photos; no line starts with closing
punctuation or ends with opening punctuation; no page holds a photo
alone. Prints the figures, a
PROBLEM line per fault, and exits 1 on any fault.
"""
import os
import re
import subprocess
import sys
import tempfile

NO_START = "。，、；：？！」』）》"
NO_END = "「『（《"


def pages_of(pdf):
    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run(["pdftohtml", "-xml", "-zoom", "1", "-stdout", "-q",
                              os.path.abspath(pdf), os.path.join(d, "x")],
                             check=True, capture_output=True, text=True, cwd=d).stdout
    fonts = {}
    for m in re.finditer(r'<fontspec id="(\d+)" size="([\d.]+)" family="([^"]*)"', out):
        fonts[m.group(1)] = (float(m.group(2)), m.group(3))
    pages = []
    for pm in re.finditer(r'<page number="(\d+)"[^>]*height="([\d.]+)" width="([\d.]+)">(.*?)</page>',
                          out, re.S):
        body = pm.group(4)
        texts = []
        for t in re.finditer(r'<text top="([\d.-]+)" left="([\d.-]+)" width="([\d.]+)" height="([\d.]+)" '
                             r'font="(\d+)">(.*?)</text>', body, re.S):
            s = re.sub(r"<[^>]+>", "", t.group(6))
            bold = "<b>" in t.group(6)
            size, family = fonts.get(t.group(5), (0, ""))
            texts.append((float(t.group(1)), float(t.group(1)) + float(t.group(4)), s, size, family, bold,
                          float(t.group(2)), float(t.group(3))))
        images = [(float(i.group(1)), float(i.group(1)) + float(i.group(2)))
                  for i in re.finditer(r'<image top="([\d.-]+)" left="[\d.-]+" width="[\d.]+" height="([\d.]+)"', body)]
        pages.append((int(pm.group(1)), float(pm.group(2)), texts, images))
    return pages


def main():
    pages = pages_of(sys.argv[1])
    n = len(pages)
    body_size = sorted(t[3] for p in pages for t in p[2])[len([t for p in pages for t in p[2]]) // 2]
    problems, figures = [], []
    # a story opens with its title, the largest text of a page
    title_size = max(t[3] for p in pages[2:-1] for t in p[2])
    opens = {p[0] for p in pages if any(t[3] >= title_size - 0.5 for t in p[2])}
    for num, h, texts, images in pages:
        # the text area: below the running head, above the folio
        folio_top = min((t[0] for t in texts if t[3] < body_size * 0.9 and t[0] > h * 0.85), default=h)
        inner = [t for t in texts if t[3] >= body_size * 0.75 and t[0] < folio_top - 1]
        top_margin = min((t[0] for t in inner), default=0)
        area = (folio_top - top_margin) or 1
        bottom = max([t[1] for t in inner] + [i[1] for i in images if i[1] < folio_top], default=top_margin)
        fill = (bottom - top_margin) / area
        # (or before the blank pages that bring the back cover to a left page)
        blank_after = num < n and not pages[num][2] and not pages[num][3]
        last_of_story = (num + 1) in opens or num == n - 1 or blank_after
        # the covers, the colophon and the contents are set apart
        exempt = num in (1, 2, 3, n) or last_of_story or not inner
        figures.append(f"page {num}: {fill:.0%}{' (exempt)' if exempt else ''}")
        if not exempt and fill < 0.6:
            problems.append(f"page {num} is {fill:.0%} filled (less than 60 %)")
        # a photo alone on a page, with at most its caption, far from the
        # text it goes with
        rows = {round(t[0]) for t in inner}
        if num not in (1, 2, 3, n) and images and len(rows) <= 2:
            problems.append(f"page {num} holds a photo and no text")
        for t in inner if num not in (1, 2, 3, n) else []:
            head = "Sans" in t[4] and t[5] and t[3] > body_size * 1.05 and t[3] < title_size - 0.5
            if head and t[1] > top_margin + area * 0.85:
                problems.append(f"page {num}: a heading in the bottom 15 %: {t[2]}")
            # and never the last thing on its page: two lines (or a table's
            # rows, or a photo) follow it
            below = {round(u[0]) for u in inner if u[0] > t[1] - 1}
            if head and len(below) < 2 and not any(i[0] > t[1] for i in images):
                problems.append(f"page {num}: a heading with {len(below)} line after it: {t[2]}")
        # a line is the runs of text at one height, left to right
        lines = {}
        for t in inner:
            lines.setdefault(round(t[0]), []).append(t)
        for runs in lines.values():
            line = "".join(r[2] for r in sorted(runs, key=lambda r: r[6])).strip()
            # justification: no run of text (a table cell is a run of its
            # own) has its characters spread wider than 1.25 em
            for r in runs:
                chars = len(r[2].replace(" ", ""))
                if chars > 4 and r[3] and r[7] / chars > 1.25 * r[3]:
                    problems.append(f"page {num}: a line spaced {r[7] / chars / r[3]:.2f} em a "
                                    f"character: {line}")
            if line and line[0] in NO_START:
                problems.append(f"page {num}: a line starts with '{line[0]}': {line}")
            if line and line[-1] in NO_END:
                problems.append(f"page {num}: a line ends with '{line[-1]}': {line}")
    print(", ".join(figures))
    for p in problems:
        print("PROBLEM", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
