#!/usr/bin/env python3
"""Check that translated output holds no English sentence.

    no_english.py FILE...    (or - for standard input)

A line fails when, outside what stays as it is in every language, it has a
run of three or more English words. What stays: the place at the start of
a diagnostic (path:line:col:), the program and command name (gazette build:),
anything quoted ('value', "value", “value”), anything in parentheses, ASCII
or full-width (the raw words of a parser: libyaml, Lua, SQLite, the system),
and tokens that are not plain words: paths, options, keys and URLs (they hold
/ . - _ | = : or digits). Prints each failing line with its run; exit 1 if
there is one, 0 if none.
"""
import re
import sys

PLACE = re.compile(r"^\S*?:\d+(?::\d+)?:\s*")
PROGRAM = re.compile(r"^gazette(?:\s+[a-z]+)*\s*[:：]\s*")
PARENS = [re.compile(r"\([^()]*\)"), re.compile(r"（[^（）]*）")]
QUOTES = [
    re.compile(r"'[^']*'"),
    re.compile(r'"[^"]*"'),
    re.compile(r"“[^”]*”"),
    re.compile(r"‘[^’]*’"),
]
WORD = re.compile(r"^[A-Za-z]+(?:'[a-z]+)?$")
RUN = 3


def english_run(line):
    """The first run of RUN or more English words in line, or None."""
    s = PLACE.sub("", line.rstrip("\n"), count=1)
    s = PROGRAM.sub("", s, count=1)
    for pat in PARENS:
        while True:
            t = pat.sub(" ", s)
            if t == s:
                break
            s = t
    for pat in QUOTES:
        s = pat.sub(" ", s)
    run = []
    for tok in re.split(r"\s+", s):
        # a word may end a clause: "fix this, and save"
        bare = tok.strip(",;.!?")
        if bare and WORD.match(bare) and not re.search(r"[^\x00-\x7f]", tok):
            run.append(bare)
        else:
            if len(run) >= RUN:
                return " ".join(run)
            run = []
    if len(run) >= RUN:
        return " ".join(run)
    return None


def main(argv):
    bad = 0
    for name in argv[1:] or ["-"]:
        f = sys.stdin if name == "-" else open(name, encoding="utf-8", errors="replace")
        with f:
            for n, line in enumerate(f, 1):
                run = english_run(line)
                if run:
                    bad += 1
                    print(f"{name}:{n}: English words '{run}' in: {line.rstrip()}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
