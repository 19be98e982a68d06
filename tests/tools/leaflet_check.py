#!/usr/bin/env python3
"""A tri-fold leaflet as a reader holds it, measured from its text boxes.

    leaflet_check.py LEAFLET.pdf

Reads `pdftotext -bbox-layout` of the two sides (A4 landscape, panels of
97/100/100 mm outside, 100/100/97 mm inside) and checks: every word box,
list markers included, lies inside its panel's 9 mm padding; every panel
of either side holds text over at least half its height; the flap's
opening text is at most a quarter larger than the inside's; the three inside
columns end within 15 % of a panel's height of each other; the text of
every panel is set at 11 pt or more; no inside panel ends on a question ("问")
whose answer is on the next one; no line starts with closing punctuation
or ends with opening punctuation; a list item's wrapped lines start where
its text does, right of its marker ("•", "1."); a heading that takes two
lines or more does not end on a line of three characters or fewer; no
inside panel ends on a list's first item. Prints a PROBLEM line per fault, the
figures it measured, and exits 1 on any fault.
"""
import re
import subprocess
import sys

# a Noto CJK word box is this many times the font size tall
BOX = 1.437
PAD = 9 * 72 / 25.4
NO_START = "。，、；：？！」』）》"
NO_END = "「『（《"


def lines_of(pdf, page):
    out = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), pdf, "-"],
                         check=True, capture_output=True, text=True).stdout
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    w, h = float(size.group(1)), float(size.group(2))
    lines = []
    for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
                         out, re.S):
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
                           m.group(5))
        text = "".join(t for _, _, _, t in words)
        heights = [float(b) - float(a) for _, a, b, _ in words]
        # where an item's text starts: the word after its marker
        marked = len(words) > 1 and re.fullmatch(r"•|\d+[.、)]", words[0][3])
        lines.append((float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4)),
                      text, min(heights) if heights else 0,
                      float(words[1][0]) if marked else None))
    words = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                        out)]
    return w, h, lines, words


def main():
    pdf = sys.argv[1]
    problems = []
    figures = []
    for page, name, cuts in ((1, "outside", (97, 197)), (2, "inside", (100, 200))):
        w, h, lines, words = lines_of(pdf, page)
        edges = [0, w * cuts[0] / 297, w * cuts[1] / 297, w]
        usable = h - 2 * PAD
        bottoms = []
        for x0, y0, x1, y1, t in words:
            k = max(i for i in range(3) if edges[i] <= (x0 + x1) / 2)
            if x0 < edges[k] + PAD - 0.5 or x1 > edges[k + 1] - PAD + 0.5 or \
                    y0 < PAD - 0.5 or y1 > h - PAD + 0.5:
                problems.append(f"{name} panel {k + 1}: '{t}' at ({x0:.1f}, {y0:.1f})-({x1:.1f}, {y1:.1f}) "
                                f"is outside the panel's padding ({edges[k] + PAD:.1f} to "
                                f"{edges[k + 1] - PAD:.1f}, {PAD:.1f} to {h - PAD:.1f})")
        for k in range(3):
            mine = [l for l in lines if edges[k] - 1 <= l[0] < edges[k + 1] - 1]
            if not mine:
                problems.append(f"{name} panel {k + 1} holds no text")
                continue
            top = min(l[1] for l in mine)
            bottom = max(l[3] for l in mine)
            fill = (bottom - top) / usable
            figures.append(f"{name} panel {k + 1}: {fill:.0%} filled")
            if fill < 0.5:
                problems.append(f"{name} panel {k + 1} is {fill:.0%} filled (less than half)")
            bottoms.append(bottom)
            if name == "inside":
                last = sorted(mine, key=lambda l: l[1])[-1]
                if last[4].startswith("问"):
                    problems.append(f"inside panel {k + 1} ends on a question: {last[4]}")
            # the cover and back panels too: the address under the code,
            # who issued it, the departments
            smallest = min(l[5] for l in mine) / BOX
            figures.append(f"{name} panel {k + 1}: smallest text {smallest:.1f} pt")
            if smallest < 10.9:
                low = min(mine, key=lambda l: l[5])
                problems.append(f"{name} panel {k + 1} has text of {smallest:.1f} pt (less than 11): {low[4]}")
        if name == "inside":
            # a short list stays in one panel: none ends on a list's first
            # item with the rest in the next
            cols = [sorted((l for l in lines if edges[k] - 1 <= l[0] < edges[k + 1] - 1),
                           key=lambda l: l[1]) for k in range(3)]
            for k in range(2):
                if cols[k] and cols[k + 1] and re.match(r"1[.、)]", cols[k][-1][4]) and \
                        re.match(r"2[.、)]", cols[k + 1][0][4]):
                    problems.append(f"inside panel {k + 1} ends on a list's first item: {cols[k][-1][4]}")
        if name == "outside":
            flap = [l for l in lines if l[0] < edges[1] - 1]
            flap_body = sorted(l[5] for l in flap)[len(flap) // 2] / BOX if flap else 0
        else:
            inside_body = sorted(l[5] for l in lines)[len(lines) // 2] / BOX if lines else 0
            figures.append(f"flap text {flap_body:.1f} pt, inside text {inside_body:.1f} pt")
            if flap_body > inside_body * 1.25 + 0.1:
                problems.append(f"the flap's text is {flap_body:.1f} pt, more than a quarter over the "
                                f"inside's {inside_body:.1f} pt")
        if name == "inside" and len(bottoms) == 3:
            spread = (max(bottoms) - min(bottoms)) / usable
            figures.append(f"inside columns end within {spread:.0%} of a panel")
            if spread > 0.15:
                problems.append(f"the inside columns end {spread:.0%} of a panel apart (more than 15 %)")
        for k in range(3):
            col = sorted((l for l in lines if edges[k] - 1 <= l[0] < edges[k + 1] - 1),
                         key=lambda l: l[1])
            body = sorted(l[5] for l in col)[len(col) // 2] if col else 0
            for a, b in zip(col, col[1:]):
                # a heading (set larger than the body) wrapped onto a short last line
                if a[5] > body * 1.1 and abs(b[5] - a[5]) < 0.5 and 0 < b[1] - a[1] < a[5] * 2 and \
                        len(b[4]) <= 3:
                    problems.append(f"{name} panel {k + 1}: a heading ends on a line of "
                                    f"{len(b[4])} characters: {a[4]} / {b[4]}")
                pitch = (a[3] - a[1]) * 1.7
                if a[6] is not None and b[6] is None and 0 < b[1] - a[1] < pitch and \
                        b[0] < a[6] + 20 and abs(b[0] - a[6]) > 1:
                    problems.append(f"{name} panel {k + 1}: a list item's next line starts at "
                                    f"{b[0]:.1f}, its text at {a[6]:.1f}: {b[4]}")
        for l in lines:
            if l[4] and l[4][0] in NO_START:
                problems.append(f"{name}: a line starts with '{l[4][0]}': {l[4]}")
            if l[4] and l[4][-1] in NO_END:
                problems.append(f"{name}: a line ends with '{l[4][-1]}': {l[4]}")
    for f in figures:
        print(f)
    for p in problems:
        print("PROBLEM", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
