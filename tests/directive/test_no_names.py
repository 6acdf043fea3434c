#!/usr/bin/env python3
"""test_no_names.py: no directive is named in reportgen's C (issue 17).

Every directive reportgen ships (directives/*.xml) is data: its id and its
tables' file names must not appear in the code of reportgen/ (comments are
not code: removing them changes nothing and they may give examples).  There
is no exception: every rule kind, the audit log's corroboration and the
headline read the tables the directive names (docs/directive.md).

    test_no_names.py SRCROOT
"""

import os
import re
import sys
import xml.etree.ElementTree as ET

NS = {"d": "urn:reportgen:directive:1"}


def strip_comments(text):
    """C source without its comments; string and character literals kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def names(srcroot):
    found = []
    folder = os.path.join(srcroot, "directives")
    for f in sorted(os.listdir(folder)):
        if not f.endswith(".xml"):
            continue
        root = ET.parse(os.path.join(folder, f)).getroot()
        ident = root.get("id")
        # ED-24-02, ED 24-02, ed-24-02 (the file name), ED24-02
        spaced = ident.replace("-", " ", 1)
        found += [(f, ident), (f, spaced), (f, ident.replace("-", "", 1))]
        for t in root.findall("d:evidence/d:table", NS):
            found.append((f, t.get("file")))
    return found


def main():
    srcroot = sys.argv[1]
    wanted = names(srcroot)
    if len(wanted) < 8:
        print("too few names read from directives/: %r" % wanted)
        return 1
    bad = []
    for dirpath, _, files in os.walk(os.path.join(srcroot, "reportgen")):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, srcroot)
            with open(path, encoding="utf-8") as fh:
                code = strip_comments(fh.read())
            for src, name in wanted:
                for m in re.finditer(re.escape(name), code, re.IGNORECASE):
                    line = code.count("\n", 0, m.start()) + 1
                    bad.append("%s:%d: names %r (from directives/%s)" % (rel, line, name, src))
    for b in bad:
        print(b)
    print("%d names of %d directives checked; %d found in the C sources"
          % (len(wanted), len({s for s, _ in wanted}), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
