#!/usr/bin/env python3
"""A tri-fold leaflet's fold marks, from its pages rendered at 254 dpi.

    fold_marks_check.py LEAFLET.pdf BLEED_MM MARKS

LEAFLET was printed with --bleed BLEED_MM (0: none) and, if MARKS is 1,
--marks. Checks, on both sides: with marks, a mark at each fold (97 and
197 mm outside, 100 and 200 mm inside) above and below the bleed, where
the crop marks are; with marks or without, nothing at the folds in the
bleed or the first 10 mm of the trim, top and bottom (the pages are white
there, and a mark inside the cut sheet would print). Prints a PROBLEM line
per fault and exits 1 on any.
"""
import os
import subprocess
import sys
import tempfile

DPI = 254  # 10 px a millimetre: the folds fall on pixel edges
MM = DPI / 25.4
FOLDS = {1: (97, 197), 2: (100, 200)}


def render(pdf, page, tmp):
    base = os.path.join(tmp, str(page))
    subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-f", str(page), "-l", str(page),
                    "-singlefile", pdf, base], check=True)
    data = open(base + ".pgm", "rb").read()
    # P5 header: magic, width, height, maxval, each followed by whitespace
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    return int(fields[1]), int(fields[2]), data[pos + 1:]


def darkest(img, x0, x1, y0, y1):
    w, _, px = img
    return min(min(px[y * w + x0:y * w + x1]) for y in range(y0, y1))


def main():
    pdf, bleed, marks = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1"
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for page, folds in FOLDS.items():
            img = render(pdf, page, tmp)
            b = round(bleed * MM)
            # pdf.c: crop marks are 3 mm off the bleed and 5 mm long
            slug = b + (round(10 * MM) if marks else 0)
            top, bottom = slug, img[1] - slug  # the trim
            for f in folds:
                x = slug + round(f * MM)
                if marks:
                    for where, y0, y1 in (("above", top - b - round(8 * MM), top - b - round(3 * MM)),
                                          ("below", bottom + b + round(3 * MM), bottom + b + round(8 * MM))):
                        if darkest(img, x - 2, x + 3, y0, y1) > 230:
                            problems.append(f"page {page}: no fold mark at {f} mm {where} the bleed")
                # a line on the fold darkens the pixels either side of it;
                # the one left of it is white on both sides of the sheet
                for where, y0, y1 in (("top", top - b, top + round(10 * MM)),
                                      ("bottom", bottom - round(10 * MM), bottom + b)):
                    if darkest(img, x - 1, x, y0, y1) < 250:
                        problems.append(f"page {page}: something is printed at the fold at {f} mm "
                                        f"in the {where} bleed or trim")
    for p in problems:
        print("PROBLEM", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
