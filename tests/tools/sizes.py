#!/usr/bin/env python3
"""Sizes of generator/: no file over 1,000 lines, no function over 120.

A long file or function is hard to read whole; past these sizes one usually
holds several concerns that want names of their own. Where one really is
better kept whole, its reason goes in a comment: for a file, a line
"Long: why" in its opening comment; for a function, "Long: why" in the
comment just above it. Prints each offender as path:line: message.
"""
import glob
import os
import re
import sys

FILE_MAX = 1000
FUNC_MAX = 120

# A function definition starts at column 0 with a name and "(", and its body
# is the lines from a "{" alone at column 0 to the next "}" at column 0 (the
# house style puts a function's braces there and nothing else does).
START = re.compile(r'^[A-Za-z_][A-Za-z0-9_ \*]*\b([A-Za-z_][A-Za-z0-9_]*)\(')


def opening_comment(lines):
    text = []
    for line in lines:
        if not line.startswith(('/*', ' *', '//')) and text:
            break
        text.append(line)
    return ''.join(text)


def comment_above(lines, i):
    text = []
    while i > 0 and lines[i - 1].startswith(('/*', ' *', '//', ' */')):
        i -= 1
        text.append(lines[i])
    return ''.join(text)


def check(path):
    bad = []
    with open(path, encoding='utf-8') as f:
        lines = f.readlines()
    if len(lines) > FILE_MAX and 'Long:' not in opening_comment(lines):
        bad.append('%s:1: %d lines (more than %d): split it by concern, '
                   'or say why not in a "Long:" line of its opening comment'
                   % (path, len(lines), FILE_MAX))
    name, head, body = None, 0, None
    for i, line in enumerate(lines):
        m = START.match(line)
        if m and not line.rstrip().endswith(';'):
            name, head, body = m.group(1), i, None
        elif line.startswith('{') and name:
            body = i
        elif line.startswith('}') and name and body is not None:
            n = i - body - 1
            if n > FUNC_MAX and 'Long:' not in comment_above(lines, head):
                bad.append('%s:%d: %s() has %d lines (more than %d): split it, '
                           'or say why not in a "Long:" line of the comment above it'
                           % (path, head + 1, name, n, FUNC_MAX))
            name = None
    return bad


def main():
    if len(sys.argv) > 1:
        os.chdir(sys.argv[1])
    bad = []
    files = sorted(glob.glob('generator/*/*.[ch]'))
    if not files:
        print('sizes: no files under %s/generator' % os.getcwd())
        return 1
    for path in files:
        bad += check(path)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
