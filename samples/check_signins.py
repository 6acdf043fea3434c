#!/usr/bin/env python3
"""check_signins.py: checks the sign-in observations of a sample's report.xml.

The expect format of tests/cases has no assertion for the RA-2b-ii sign-in
observations, so this renders the sample (`reportgen render --no-sign`, in a
fresh temporary folder) and compares every <sign-ins> element under RA-2b-ii
with a table (samples/<name>.signins): one line per account with its exposure
window, successful sign-ins, distinct IP addresses, first and last.  Instants
are compared as instants, so the tool may write them with any offset.  The
accounts must match exactly: a missing or an extra observation fails.
Exit 0 when everything matches, 1 otherwise, 2 when the table is malformed.
Standard library only.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime

NS = "{urn:reportgen:report:1}"


def instant(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def read_table(path):
    rows = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            w = line.split()
            if len(w) != 7 or w[0] in rows:
                sys.exit("%s:%d: want ACCOUNT START END SUCCESSFUL IPS FIRST LAST, once per account" % (path, n))
            rows[w[0]] = (n, w[1:])
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reportgen", required=True)
    ap.add_argument("--zip", required=True)
    ap.add_argument("--expect", required=True)
    a = ap.parse_args()
    want = read_table(a.expect)
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "out")
        p = subprocess.run([os.path.abspath(a.reportgen), "render", os.path.abspath(a.zip), "-o", out, "--no-sign"],
                           cwd=work, capture_output=True, text=True, timeout=600)
        if p.returncode not in (0, 1):
            print("render exited %d\n%s%s" % (p.returncode, p.stdout, p.stderr))
            return 1
        root = ET.parse(os.path.join(out, "report.xml")).getroot()
    got = {}
    for action in root.iter(NS + "action"):
        if action.get("id") == "RA-2b-ii":
            for e in action.iter(NS + "sign-ins"):
                got[e.get("account")] = e
    fails = []
    for acct, (n, (ws, we, succ, ips, first, last)) in want.items():
        e = got.pop(acct, None)
        if e is None:
            fails.append("line %d: no sign-ins element for %s" % (n, acct))
            continue
        checks = [("window-start", ws, True), ("window-end", we, True), ("successful", succ, False),
                  ("distinct-ips", ips, False), ("first", first, True), ("last", last, True)]
        for attr, exp, is_time in checks:
            act = e.get(attr)
            same = act is not None and (instant(act) == instant(exp) if is_time else act == exp)
            if not same:
                fails.append("line %d: %s %s: expected %s, got %s" % (n, acct, attr, exp, act))
    for acct in got:
        fails.append("unexpected sign-ins element for %s" % acct)
    for f in fails:
        print(f)
    print("%s: %s" % (a.zip, "FAILED" if fails else "ok: %d accounts" % len(want)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
