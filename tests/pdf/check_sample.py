#!/usr/bin/env python3
"""check_sample.py: renders one sample bundle with the real CLI and checks
report.pdf and summary.pdf against report.xml with independent tools.

The PDFs and report.xml are two views of one set of results: every action's
status and item count, every item's evidence reference and the bundle digest
that report.xml states must be readable (pdftotext) in report.pdf.  Also:
qpdf --check, pdfinfo (title, author, Tagged: yes), the summary at most two
pages, and two runs with SOURCE_DATE_EPOCH byte-identical.  The PDF/UA-1
structure of both (pdfua.py: one Document root, tables, headings, artifacts,
links, XMP ...), and every evidence reference readable in report.pdf's
tagged content, not only drawn.

usage: check_sample.py --reportgen EXE --zip BUNDLE.zip --qpdf Q --pdfinfo I --pdftotext T
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdfua  # noqa: E402  (next to this file)

NS = "{urn:reportgen:report:1}"
# The status words of templates/default.xml.
WORDS = {
    "not_satisfied": "Not satisfied",
    "insufficient_evidence": "Insufficient evidence",
    "satisfied_late": "Satisfied late",
    "satisfied": "Satisfied",
    "not_applicable": "Not applicable",
}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def render(args, outdir):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1714644000")
    rc, out, err = run([args.reportgen, "render", args.zip, "-o", outdir, "--no-sign"], env)
    if rc not in (0, 1):
        sys.exit(f"render failed ({rc}): {err}")


def main():
    ap = argparse.ArgumentParser()
    for a in ("reportgen", "zip", "qpdf", "pdfinfo", "pdftotext"):
        ap.add_argument("--" + a, required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d1, d2 = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        render(args, d1)
        render(args, d2)
        for name in ("report.pdf", "summary.pdf"):
            with open(os.path.join(d1, name), "rb") as f1, open(os.path.join(d2, name), "rb") as f2:
                check(f1.read() == f2.read(), f"{name}: two runs differ")

        xml = ET.parse(os.path.join(d1, "report.xml")).getroot()
        bundle = xml.find(NS + "bundle")
        agency = bundle.get("agency-name") or bundle.get("agency")
        digest = bundle.get("sha256")

        pdfs = {"report.pdf": "compliance report", "summary.pdf": "executive summary"}
        for name, kind in pdfs.items():
            path = os.path.join(d1, name)
            rc, out, err = run([args.qpdf, "--check", path])
            check(rc == 0, f"{name}: qpdf --check: {out}{err}")
            rc, info, _ = run([args.pdfinfo, path])
            check(f"Title:           ED-24-02 {kind}: {agency}\n" in info, f"{name}: title")
            check(f"Author:          {agency}\n" in info, f"{name}: author")
            check("Tagged:          yes" in info, f"{name}: not tagged")
            pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
            if name == "summary.pdf":
                check(1 <= pages <= 2, f"summary has {pages} pages")
            for problem in pdfua.problems(path, args.pdfinfo, args.qpdf):
                check(False, f"{name}: PDF/UA: {problem}")
        tagged = pdfua.tagged_text(os.path.join(d1, "report.pdf"))

        rc, text, _ = run([args.pdftotext, "-layout", os.path.join(d1, "report.pdf"), "-"])
        check(digest in text, "report.pdf: bundle digest missing")
        rc, summary, _ = run([args.pdftotext, "-layout", os.path.join(d1, "summary.pdf"), "-"])
        check(digest in summary, "summary.pdf: bundle digest missing")

        at = 0
        for action in xml.iter(NS + "action"):
            aid, status = action.get("id"), action.get("status")
            items = action.findall(NS + "item")
            heading = text.find(f"{aid} {action.get('title')}", at)
            check(heading >= 0, f"{aid}: no section heading")
            line = f"{WORDS[status]}. items: {len(items)};"
            pos = text.find(line, max(heading, at))
            check(pos >= 0 and pos - heading < 600, f"{aid}: status line '{line}' missing")
            at = max(at, pos)
            check(re.search(rf"(?m)^{re.escape(aid)}\s.*{WORDS[status].split()[0]}", summary),
                  f"summary.pdf: {aid} without its status")
            for it in items:
                ref = it.get("evidence")
                check(re.search(re.escape(ref) + r"(?!\d)", text), f"{aid}: evidence {ref} missing")
                check(re.search(re.escape(ref) + r"(?!\d)", tagged),
                      f"{aid}: evidence {ref} not in the tagged content of report.pdf")
    if failures:
        print("\n".join(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
