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
tagged content, not only drawn.  Identifiers as drawn: every identifier of
the bundle's CSVs that either PDF shows is shown whole, with no character
the evidence does not have (an inserted hyphen where a line breaks inside
it), and every item's subject is shown whole in report.pdf.

usage: check_sample.py --reportgen EXE --zip BUNDLE.zip --qpdf Q --pdfinfo I --pdftotext T
"""
import argparse
import csv
import io
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

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


def bundle_ids(zip_path):
    """The identifiers of the bundle's CSVs: every field without blanks of
    six characters or more that is not a number, a date or a time."""
    ids = set()
    with zipfile.ZipFile(zip_path) as z:
        for name in z.namelist():
            if not name.endswith(".csv"):
                continue
            text = z.read(name).decode("utf-8-sig", "replace")
            for row in csv.reader(io.StringIO(text)):
                for v in row:
                    if len(v) >= 6 and not re.search(r"\s", v) and \
                            not re.fullmatch(r"[0-9.+-]+|\d{4}-\d\d-\d\d.*|P[0-9DTHMS.]+", v):
                        ids.add(v)
    return ids


PREFIX = 6


def common(a, b):
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def mangled_ids(text, ids):
    """The identifiers that text (drawn lines joined) shows with a character
    added: their start, then a character they do not have there, then
    their continuation (what a hyphen inserted at a line break makes)."""
    by_prefix = {}
    for i in ids:
        by_prefix.setdefault(i[:PREFIX], []).append(i)
    bad = set()
    for prefix, group in by_prefix.items():
        at = text.find(prefix)
        while at >= 0:
            for i in group:
                n = common(text[at:at + len(i)], i)
                k = min(8, len(i) - n)
                if n < len(i) and text[at + n + 1:at + n + 1 + k] == i[n:n + k]:
                    bad.add(f"{i} shown as {text[at:at + len(i) + 1]!r}")
            at = text.find(prefix, at + 1)
    return sorted(bad)


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
            check(f"Title:           {xml.get('directive')} {kind}: {agency}\n" in info, f"{name}: title")
            check(f"Author:          {agency}\n" in info, f"{name}: author")
            check("Tagged:          yes" in info, f"{name}: not tagged")
            pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
            if name == "summary.pdf":
                check(1 <= pages <= 2, f"summary has {pages} pages")
            for problem in pdfua.problems(path, args.pdfinfo, args.qpdf):
                check(False, f"{name}: PDF/UA: {problem}")
        tagged = pdfua.tagged_text(os.path.join(d1, "report.pdf"))
        ids = bundle_ids(args.zip)
        drawn = {}
        for name in pdfs:
            # Lines joined: a line may break inside an identifier, but it
            # may not add to it.
            drawn[name] = pdfua.drawn_text(os.path.join(d1, name)).replace("\n", "") \
                .replace("\xa0", " ")
            for m in mangled_ids(drawn[name], ids):
                check(False, f"{name}: identifier {m}")

        rc, text, _ = run([args.pdftotext, "-layout", os.path.join(d1, "report.pdf"), "-"])
        check(digest in text, "report.pdf: bundle digest missing")
        rc, summary, _ = run([args.pdftotext, "-layout", os.path.join(d1, "summary.pdf"), "-"])
        check(digest in summary, "summary.pdf: bundle digest missing")

        # Each link says where it goes: the section of its action.
        actions = [(a.get("id"), a.get("title")) for a in xml.iter(NS + "action")]
        # The contents (each section, each action's section), then the
        # table of actions.
        links = pdfua.link_contents(os.path.join(d1, "report.pdf"))
        heads = [f"{i} {t}" for i, t in actions]
        check(links[-len(heads):] == heads,
              f"report.pdf: link descriptions {links[-3:]}... are not the actions' headings")
        check(all(h in links[:-len(heads)] for h in heads) and "Actions in detail" in links,
              f"report.pdf: the contents' links {links[:3]}... do not name every section")
        # The summary links each action that is not done (its "What must
        # happen" row) to its section.
        links = pdfua.link_contents(os.path.join(d1, "summary.pdf"))
        not_done = {(a.get("id"), a.get("title")) for a in xml.iter(NS + "action")
                    if a.get("status") in ("not_satisfied", "insufficient_evidence")}
        named = {(i, t) for i, t in actions for c in links
                 if c.startswith(f"{i} {t} (report.pdf, page ")}
        check(len(links) == len(not_done) and named == not_done,
              f"summary.pdf: link descriptions {links[:3]}... do not name the sections "
              f"of the actions not done")

        # The sections of the actions, after the contents and the table of
        # actions that name them too.
        at = text.find("Actions in detail", text.find("Actions in detail") + 1)
        check(at > 0, "report.pdf: no \"Actions in detail\" section")
        for action in xml.iter(NS + "action"):
            aid, status = action.get("id"), action.get("status")
            items = action.findall(NS + "item")
            heading = text.find(f"{aid} {action.get('title')}", at)
            check(heading >= 0, f"{aid}: no section heading")
            line = f"{WORDS[status]}. items: {len(items)};"
            pos = text.find(line, max(heading, at))
            check(pos >= 0 and pos - heading < 600, f"{aid}: status line '{line}' missing")
            at = max(at, pos)
            check(f"{aid} {WORDS[status]}" in drawn["summary.pdf"],
                  f"summary.pdf: {aid} without its status")
            for it in items:
                subject = (it.get("subject") or "").split(" ", 1)[-1]
                check(subject in drawn["report.pdf"],
                      f"{aid}: subject {subject} not shown whole in report.pdf")
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
