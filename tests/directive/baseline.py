#!/usr/bin/env python3
"""baseline.py: what the judge and the bundle reader produce for every case
and sample, kept to prove that reworking the directive format changes none of
it (issue 17: the directive as data must judge exactly as before).

For every case folder of tests/cases and every sample of samples/ it builds
the bundle ZIP as the case runner does, runs `reportgen check` (exit status,
stdout, stderr) and `reportgen render --no-sign` (report.xml, with the
directive-edit and option lines of the expect file applied), under a fixed
SOURCE_DATE_EPOCH, and writes one text file per bundle:

    baseline.py --reportgen EXE --srcroot DIR --write OUTDIR   records them
    baseline.py --reportgen EXE --srcroot DIR --compare OUTDIR  exit 1 on any
                                                               difference

What may differ is only what follows from the directive file's own bytes
(its SHA-256 and whether it is the installed definition) and the digest of
the ZIP (a few make.py scripts stamp the time into theirs); these are
blanked before writing or comparing.  Standard library only.
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cases"))
import casezip  # noqa: E402
import run_case  # noqa: E402

# Big cases that take a long time or much memory are still covered: the
# runner builds them the same way.
SKIP = set()


def normalize(text, srcroot=None):
    # The definition's digest and binding follow from its bytes.
    text = re.sub(r'(directive[^>]*?sha256=")[0-9a-f]{64}"', r'\1-"', text)
    text = re.sub(r'(<directive\b[^>]*?)\binstalled="[a-z]+"', r'\1installed="-"', text)
    text = re.sub(r'(<[a-z:]*directive-sha256>)[0-9a-f]{64}', r'\1-', text)
    # Some make.py scripts stamp their ZIPs with the time they run.
    text = re.sub(r'^bundle sha256 [0-9a-f]{64}', 'bundle sha256 -', text, flags=re.M)
    text = re.sub(r'(<bundle sha256=")[0-9a-f]{64}"', r'\1-"', text)
    # The installed data folder is wherever the tree is checked out.
    if srcroot:
        text = text.replace(os.path.abspath(srcroot) + "/", "SRCROOT/")
    text = re.sub(r'^definition sha256 [0-9a-f]{64}', 'definition sha256 -', text, flags=re.M)
    return text


def bundles(srcroot):
    cases = os.path.join(srcroot, "tests", "cases")
    for name in sorted(os.listdir(cases)):
        folder = os.path.join(cases, name)
        if os.path.isfile(os.path.join(folder, "expect")) and name not in SKIP:
            yield "case-" + name, folder, os.path.join(folder, "expect"), None
    samples = os.path.join(srcroot, "samples")
    for name in sorted(os.listdir(samples)):
        folder = os.path.join(samples, name)
        exp = os.path.join(samples, name + ".expect")
        if os.path.isdir(folder) and os.path.isfile(os.path.join(folder, "manifest.xml")):
            yield "sample-" + name, None, exp if os.path.isfile(exp) else None, folder


def make_zip(case, sample, zip_path):
    if sample:
        casezip.write_zip(zip_path, casezip.members_from_folder(sample))
        return
    make = os.path.join(case, "make.py")
    if os.path.exists(make):
        subprocess.run([sys.executable, os.path.abspath(make), zip_path], cwd=case,
                       check=True, capture_output=True, timeout=600)
    else:
        casezip.write_zip(zip_path, casezip.members_from_folder(os.path.join(case, "bundle")))


def record(exe, srcroot, case, expect, sample):
    work = tempfile.mkdtemp(prefix="rgbase-")
    try:
        cwd = os.path.join(work, "cwd")
        os.mkdir(cwd)
        zip_path = os.path.join(work, "bundle.zip")
        make_zip(case, sample, zip_path)
        extra = []
        if expect:
            assertions = run_case.parse_expect(expect)
            for a in assertions:
                if a.kind == "option":
                    extra += a.args
            edits = [a for a in assertions if a.kind == "directive-edit"]
            if edits:
                with open(os.path.join(srcroot, "directives", "ed-24-02.xml"), encoding="utf-8") as fh:
                    dtext = fh.read()
                for a in edits:
                    dtext = dtext.replace(a.args[0], a.args[1])
                with open(os.path.join(work, "directive.xml"), "w", encoding="utf-8") as fh:
                    fh.write(dtext)
                extra += ["--directive", os.path.join("..", "directive.xml")]
        env = dict(os.environ, SOURCE_DATE_EPOCH="1714000000", LC_ALL="C.UTF-8")
        out = []
        p = subprocess.run([exe, "check"] + extra + ["../bundle.zip"], cwd=cwd, env=env,
                           capture_output=True, timeout=600)
        out.append("== check exit %d" % p.returncode)
        out.append("== stdout\n" + p.stdout.decode("utf-8", "replace"))
        out.append("== stderr\n" + p.stderr.decode("utf-8", "replace"))
        p = subprocess.run([exe, "render"] + extra + ["../bundle.zip", "-o", "../out", "--no-sign"],
                           cwd=cwd, env=env, capture_output=True, timeout=600)
        out.append("== render exit %d" % p.returncode)
        rx = os.path.join(work, "out", "report.xml")
        if os.path.exists(rx):
            with open(rx, encoding="utf-8") as fh:
                out.append("== report.xml\n" + fh.read())
        return normalize("\n".join(out), srcroot)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reportgen", required=True)
    ap.add_argument("--srcroot", required=True)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write")
    g.add_argument("--compare")
    ap.add_argument("--only", help="a regular expression on the bundle names")
    opts = ap.parse_args()
    exe = os.path.abspath(opts.reportgen)
    folder = opts.write or opts.compare
    if opts.write:
        os.makedirs(folder, exist_ok=True)
    bad = 0
    n = 0
    for name, case, expect, sample in bundles(opts.srcroot):
        if opts.only and not re.search(opts.only, name):
            continue
        n += 1
        got = record(exe, opts.srcroot, case, expect, sample)
        path = os.path.join(folder, name + ".txt")
        if opts.write:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(got)
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                want = fh.read()
        except OSError:
            # A bundle added after the baseline (the second directive's
            # cases and sample): its expect file is its test.
            continue
        if got != want:
            bad += 1
            print("%s differs from its baseline:" % name)
            sys.stdout.writelines(list(difflib.unified_diff(
                want.splitlines(True), got.splitlines(True), "baseline", "now", n=1))[:60])
    print("%d bundles, %d different" % (n, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
