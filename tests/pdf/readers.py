#!/usr/bin/env python3
"""readers.py: the PDFs as their readers use them (issue 12), on the sample
bundles through the real command line, checked against report.xml with
pikepdf (pdfua.py) and pdfinfo rather than the project's own code.

The executive summary:
  - gaps: every late and every open item of report.xml appears in
    summary.pdf (its evidence reference, and its subject whole or shortened
    in the middle with its start and end kept), in Letter and in A4, and
    whole in report.pdf;
  - not-notified: the summary says that no action applied because the
    agency was not notified, and never that it is compliant;
  - the signature line: an unsigned summary says NOT SIGNED, one signed
    with the demo certificate says who signed and DEMO, and the two differ
    only there;
  - at most two pages in Letter and A4, and no heading is the last thing on
    a page (summary.pdf and report.pdf): a heading always has what it heads
    below it on its page.
The full report:
  - RA-1 of gaps (59 items, 55 of them satisfied) takes at most 3 pages;
  - a contents page lists each section with its page, and the pages are
    right; the scope and method section names the definition's digest;
  - durations in words, no ISO 8601 duration or RFC 3339 "T" time left
    in report.pdf; the signer block has subject, issuer, serial, signing
    time and validity.

usage: readers.py --reportgen EXE --samples DIR --pki DIR --pdfinfo I
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdfua  # noqa: E402

pikepdf = pdfua.pikepdf
NS = "{urn:reportgen:report:1}"
LISTED = ("not_satisfied", "insufficient_evidence", "satisfied_late")
# Headings of templates/default.xml's summary.
SUMMARY_HEADINGS = ["Overall result", "What must happen", "Response timeline",
                    "Counts that matter", "Late and open items"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def render(args, zip_name, out, *extra):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1714644000")
    cmd = [args.reportgen, "render", os.path.join(args.samples, zip_name), "-o", out, "--force"]
    cmd += list(extra) if extra else ["--no-sign"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode not in (0, 1):
        sys.exit(f"render {zip_name} failed ({p.returncode}): {p.stderr}")
    return out


def pages_of(args, path):
    out = subprocess.run([args.pdfinfo, path], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def page_elements(path):
    """For each page, the text of its content elements in drawing order."""
    pdf = pikepdf.open(path)
    return [[mc[k].replace("\xa0", " ").translate(pdfua.LIGATURES) for k in sorted(mc)]
            for mc, _, _ in pdfua.page_texts(pdf, drawn=True)]


def joined(path):
    return pdfua.drawn_text(path).replace("\n", "").replace("\xa0", " ")


def spaced(path):
    """Lines joined with a space: for sentences (joined() is for ids)."""
    return re.sub(r"\s+", " ", pdfua.drawn_text(path).replace("\xa0", " "))


# Headings over an intro line and a table: the intro alone is not what
# they head.
TABLE_HEADINGS = {"What must happen", "Late and open items"}


def no_heading_at_foot(path, headings, what):
    pages = page_elements(path)
    for pno, elems in enumerate(pages):
        if pno == len(pages) - 1 or not elems:
            continue
        # Nothing of what a heading heads is on its page: the heading is
        # the last element, or only its one-line intro follows it.
        last = [e.strip() for e in elems[-2:]]
        check(last[-1] not in headings,
              f"{what}: heading {last[-1]!r} is the last thing on page {pno + 1}")
        if len(last) == 2 and last[0] in TABLE_HEADINGS:
            check(False, f"{what}: heading {last[0]!r} has only {last[1][:40]!r} under it "
                         f"at the foot of page {pno + 1}")


def listed_items(xml):
    for action in xml.iter(NS + "action"):
        for it in action.findall(NS + "item"):
            if it.get("status") in LISTED:
                yield action.get("id"), it


def check_summary_items(xml, summary_text, report_text, what):
    want = {}
    for aid, it in listed_items(xml):
        ref = it.get("subject-ref") or ""
        ev = it.get("evidence")
        want[ev] = want.get(ev, 0) + 1
        shown = ref in summary_text or (
            len(ref) > 16 and f"{ref[:10]}" in summary_text and f"{ref[-6:]}" in summary_text)
        check(shown, f"{what}: {aid} item {ref[:40]} not in summary.pdf")
        check(ref in report_text, f"{what}: {aid} item {ref[:40]} not whole in report.pdf")
    for ev, n in want.items():
        got = len(re.findall(re.escape(ev) + r"(?!\d)", summary_text))
        check(got >= n, f"{what}: evidence {ev} of {n} late or open items shown {got} times")
    check("more late or open items" not in summary_text,
          f"{what}: the summary leaves items out although they fit")


def element_pages(path, texts):
    """The last page (1-based) on which each of texts is a content element:
    a section heading comes after its entry in the contents."""
    found = {}
    for pno, elems in enumerate(page_elements(path)):
        for e in elems:
            if e.strip() in texts:
                found[e.strip()] = pno + 1
    return found


def report_checks(args, d, xml, what):
    report = os.path.join(d, "report.pdf")
    actions = [(a.get("id"), f"{a.get('id')} {a.get('title')}") for a in xml.iter(NS + "action")]
    pages = element_pages(report, {h for _, h in actions})
    # RA-1 (59 items, 55 satisfied): from its heading to the next action's.
    ra1, ra2 = pages.get(actions[0][1]), pages.get(actions[1][1])
    by_page = page_elements(report)
    # RA-1 ends on the page before when the next section opens a page.
    end = ra2 - 1 if ra2 and by_page[ra2 - 1][0].strip() == actions[1][1] else ra2
    check(ra1 and end and end - ra1 + 1 <= 3,
          f"{what}: RA-1 takes pages {ra1} to {end}, more than 3")
    # The contents: each action's entry then its page, which is right.
    elems = [e.strip() for page in page_elements(report)[:3] for e in page]
    for aid, h in actions:
        at = elems.index(h) if h in elems else -1
        check(at >= 0 and elems[at + 1] == str(pages.get(h)),
              f"{what}: contents say {h} is on page "
              f"{elems[at + 1] if at >= 0 else None}, it is on {pages.get(h)}")
    text = spaced(report)
    digest = xml.find(NS + "directive-definition").get("sha256")
    scope = text.find("Scope and method", text.find("Scope and method") + 1)
    check(scope > 0 and digest in text[scope:scope + 1500],
          f"{what}: no scope and method section with the definition's digest")
    for phrase in ("What the tool cannot know", "Times are in UTC-04:00"):
        check(phrase in text, f"{what}: report.pdf does not say {phrase!r}")
    # One time format, durations in words.
    for pat, name in ((r"\b\d{4}-\d\d-\d\dT\d\d:\d\d", "an RFC 3339 time"),
                      (r"\bP(\d+[DW])?(T\d+(\.\d+)?[HMS])+\b|\bP\d+[DW]\b",
                       "an ISO 8601 duration")):
        m = re.search(pat, text)
        check(not m, f"{what}: report.pdf shows {name}: {m.group(0) if m else ''}")
    check(re.search(r"5 days 11 h 20 min", text),
          f"{what}: the late RA-1 item's delay is not in words")
    return text


def main():
    ap = argparse.ArgumentParser()
    for a in ("reportgen", "samples", "pki", "pdfinfo"):
        ap.add_argument("--" + a, required=True)
    args = ap.parse_args()
    pki = args.pki
    sign = ["--key", os.path.join(pki, "signer.key"), "--cert", os.path.join(pki, "signer.pem"),
            "--chain", os.path.join(pki, "intermediate.pem")]
    with tempfile.TemporaryDirectory() as tmp:
        gaps = render(args, "gaps.zip", os.path.join(tmp, "gaps"))
        gaps_a4 = render(args, "gaps.zip", os.path.join(tmp, "gaps-a4"), "--no-sign",
                         "--page-size", "a4")
        demo = render(args, "gaps.zip", os.path.join(tmp, "demo"), *sign)
        nn = render(args, "not-notified.zip", os.path.join(tmp, "nn"))
        xml = ET.parse(os.path.join(gaps, "report.xml")).getroot()

        for d, what in ((gaps, "gaps"), (gaps_a4, "gaps A4"), (demo, "gaps signed"),
                        (nn, "not-notified")):
            s = os.path.join(d, "summary.pdf")
            n = pages_of(args, s)
            check(1 <= n <= 2, f"{what}: summary has {n} pages")
            no_heading_at_foot(s, SUMMARY_HEADINGS, f"{what} summary.pdf")
        for d, what in ((gaps, "gaps"), (gaps_a4, "gaps A4")):
            check_summary_items(xml, joined(os.path.join(d, "summary.pdf")),
                                joined(os.path.join(d, "report.pdf")), what)

        for d, what in ((gaps, "gaps"), (gaps_a4, "gaps A4")):
            report_checks(args, d, xml, what)
        # The signer block: who, issued by whom, serial, when, validity.
        signer = spaced(os.path.join(demo, "report.pdf"))
        signer = signer[signer.rfind("Signature"):]
        for want in ("Signed by CN=reportgen DEMO Report Signer", "Issuer CN=reportgen DEMO",
                     "Serial", "Signing time 2024-05-02 06:00:00",
                     "Certificate valid from", "DEMO SIGNATURE"):
            check(want in signer, f"signed report.pdf: signer block without {want!r}")
        check("This report is not signed" in spaced(os.path.join(gaps, "report.pdf")),
              "unsigned report.pdf does not say so")

        # Not notified: said, and not "compliant".
        text = spaced(os.path.join(nn, "summary.pdf"))
        check("no action of ED-24-02 applied, because the agency was not notified" in text,
              "not-notified: the summary does not say that nothing applied")
        check("Compliant" not in text, "not-notified: the summary says compliant")

        # The signature line.
        unsigned = spaced(os.path.join(gaps, "summary.pdf"))
        signed = spaced(os.path.join(demo, "summary.pdf"))
        check("NOT SIGNED" in unsigned, "unsigned summary does not say NOT SIGNED")
        check("Signed by" not in unsigned, "unsigned summary says signed")
        check("NOT SIGNED" not in signed, "signed summary says NOT SIGNED")
        check("Signed by reportgen DEMO Report Signer - NOT FOR PRODUCTION, Example Agency (DEMO)"
              in signed, "signed summary does not name the signer (CN, O)")
        check("DEMO SIGNATURE" in signed, "demo-signed summary has no DEMO notice")
        check(unsigned != signed, "signed and unsigned summaries read the same")
    if failures:
        print("\n".join(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
