#!/usr/bin/env python3
"""test_rollup.py: `reportgen rollup`, CISA's view of many agencies.

Input: twelve agencies' signed report.xml made by bench/agencies.sh (the
build's agency-reports target), each also read here with ElementTree, so
the expected counts come from the reports themselves, not from reportgen.

What a user relies on:
- every report verifies and is counted; rollup.csv has one row per agency
  and action whose status and counts are the report's; rollup.pdf's
  overview states the same counts per overall result and per action, and
  each action's page lists every agency (pdftotext, pdfinfo);
- a tampered report is rejected, named with the reason in the output and
  in the PDF, and counted nowhere;
- of two reports of one agency the newer counts and the older is named as
  superseded; the result does not depend on the order of the arguments;
- reports of different directives, or of different definitions of one, are
  refused (exit 2) and nothing is written; so is a set with nothing to
  count;
- a CSV cell from a report that would run as a formula is neutralised;
- usage errors exit 2 and an existing roll-up is kept without --force.

Usage: test_rollup.py --reportgen BIN --srcroot DIR --samples DIR
                      --genbundle BIN --agencies DIR
"""
import csv
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import rgtest
from rgtest import SDE, demo_key, pki, run, sha256

ARGS = None
R = "{urn:reportgen:report:1}"
OPEN = {"not_satisfied", "insufficient_evidence"}
WORDS = {"compliant": "Compliant", "compliant_late": "Compliant, but late",
         "non_compliant": "Not compliant"}


def pdftext(path, page=None):
    args = ["pdftotext", "-layout"]
    if page:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(args + [path, "-"], capture_output=True, text=True,
                          check=True).stdout


def pdfpages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def summary(path):
    root = ET.parse(path).getroot()
    b = root.find(R + "bundle")
    actions = [(a.get("id"), a.get("status"), {k: int(a.get(k)) for k in
                ("items", "satisfied", "late", "open", "not-applicable")})
               for a in root.findall(R + "action")]
    return {"agency": b.get("agency"), "name": b.get("agency-name"),
            "overall": root.get("overall"), "actions": actions,
            "open": int(root.find(R + "headline").get("items-open"))}


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rg-rollup-")
        self.reports = sorted(glob.glob(os.path.join(ARGS.agencies, "A*", "report.xml")))
        self.assertEqual(len(self.reports), 12, "the agency-reports target made 12 reports")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def rollup(self, reports, out="out", expect=0, extra=()):
        rc, so, se = run("rollup", *reports, "-o", self.path(out), "--ca", pki("root.pem"),
                         *extra)
        self.assertEqual(rc, expect, so + se)
        return so, se

    def csv_rows(self, out="out"):
        with open(self.path(out, "rollup.csv"), newline="", encoding="utf-8") as f:
            return list(csv.reader(f))

    def copy_reports(self):
        d = self.path("in")
        os.mkdir(d)
        paths = []
        for r in self.reports:
            agency = os.path.basename(os.path.dirname(r))
            p = os.path.join(d, agency + ".xml")
            shutil.copy(r, p)
            paths.append(p)
        return paths

    def signed_report(self, bundle, name, *extra, sde=SDE):
        out = self.path(name)
        rc, so, se = run("render", bundle, "-o", out, *demo_key(), *extra,
                         env={"SOURCE_DATE_EPOCH": sde})
        self.assertIn(rc, (0, 1), so + se)
        return os.path.join(out, "report.xml")


class Counts(Base):
    def test_every_report_counted_and_both_files_agree_with_the_reports(self):
        so, _ = self.rollup(self.reports)
        self.assertIn("12 reports: 12 counted, 0 superseded, 0 rejected", so)
        sums = {s["agency"]: s for s in map(summary, self.reports)}
        n_actions = len(next(iter(sums.values()))["actions"])
        rows = self.csv_rows()
        self.assertEqual(rows[0][:3], ["Agency", "Agency name", "Overall"])
        self.assertEqual(len(rows) - 1, 12 * n_actions)
        for row in rows[1:]:
            s = sums[row[0]]
            self.assertEqual(row[1], s["name"])
            self.assertEqual(row[2], s["overall"])
            aid, status, counts = next(a for a in s["actions"] if a[0] == row[7])
            self.assertEqual(row[10], status)
            self.assertEqual([int(x) for x in row[11:16]],
                             [counts["items"], counts["satisfied"], counts["late"],
                              counts["open"], counts["not-applicable"]])
        pdf = self.path("out", "rollup.pdf")
        self.assertEqual(pdfpages(pdf), 1 + n_actions)
        page1 = pdftext(pdf, 1)
        self.assertIn("12 reports given: 12 counted", page1)
        for overall, word in WORDS.items():
            n = sum(1 for s in sums.values() if s["overall"] == overall)
            self.assertRegex(page1, rf"\n\s*{re.escape(word)}\s+{n}\s")
        self.assertGreater(len({s["overall"] for s in sums.values()}), 2)
        for k in range(n_actions):
            aid = next(iter(sums.values()))["actions"][k][0]
            st = [s["actions"][k][1] for s in sums.values()]
            want = [st.count("satisfied"), st.count("satisfied_late"),
                    sum(1 for x in st if x in OPEN), st.count("not_applicable")]
            m = re.search(rf"^\s*{re.escape(aid)}\s.*?(required|advisory)\s+(\d+)\s+(\d+)\s+(\d+)"
                          r"\s+(\d+)\s*$", page1, re.M)
            self.assertIsNotNone(m, f"{aid} row on the overview")
            self.assertEqual([int(x) for x in m.groups()[1:]], want, aid)
            page = pdftext(pdf, 2 + k)
            self.assertIn(aid, page.splitlines()[0])
            for a in sums:
                self.assertIn(a, page)
        # The agency with the most open items is listed first under that heading.
        most = max(sums.values(), key=lambda s: (s["open"], -int(s["agency"][1:])))
        tail = page1.split("Agencies with the most open items", 1)[1]
        self.assertRegex(tail, rf"^\s*Agency.*\n\s*\n?\s*{most['agency']}\s")

    def test_twice_and_in_another_order_gives_the_same_bytes(self):
        self.rollup(self.reports, "a")
        rc, so, se = run("rollup", *reversed(self.reports), "-o", self.path("b"), "--ca",
                         pki("root.pem"), env={"SOURCE_DATE_EPOCH": "1900000000"})
        self.assertEqual(rc, 0, so + se)
        for f in ("rollup.pdf", "rollup.csv"):
            self.assertEqual(sha256(self.path("a", f)), sha256(self.path("b", f)), f)


class NotCounted(Base):
    def test_a_tampered_report_is_rejected_named_and_counted_nowhere(self):
        paths = self.copy_reports()
        bad = paths[4]
        with open(bad, encoding="utf-8") as f:
            text = f.read()
        # One digit of one reason text: the signed content changes.
        text = re.sub(r"(reviewed at 2024-04-)(\d)",
                      lambda m: m.group(1) + str((int(m.group(2)) + 1) % 3), text, count=1)
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text)
        so, _ = self.rollup(paths, expect=1)
        self.assertIn(f"REJECTED    {bad}: its signature does not check out", so)
        self.assertIn("12 reports: 11 counted, 0 superseded, 1 rejected", so)
        agency = os.path.basename(bad)[:-4]
        rows = self.csv_rows()
        self.assertNotIn(agency, {r[0] for r in rows[1:]})
        pdf = self.path("out", "rollup.pdf")
        self.assertIn("11 counted", pdftext(pdf, 1))
        last = pdftext(pdf, pdfpages(pdf))
        self.assertIn("Reports not counted", last)
        self.assertIn(os.path.basename(bad), last)
        self.assertIn("rejected", last)
        for k in range(2, pdfpages(pdf)):
            self.assertNotIn(agency, pdftext(pdf, k))

    def test_the_newest_report_of_an_agency_counts(self):
        # A0002's new submission, compliant, one hour later; its name is a
        # formula, which the CSV must neutralise.
        z = self.path("a2.zip")
        subprocess.run([ARGS.genbundle, "--findings", "120", "--seed", "99", "--agency-id",
                        "A0002", "--agency-name", "=HYPERLINK(\"http://x\")", "--outcome",
                        "compliant", "-o", z], check=True, capture_output=True)
        new = self.signed_report(z, "new", sde=str(int(SDE) + 3600))
        old = [r for r in self.reports if "/A0002/" in r][0]
        so, _ = self.rollup(self.reports + [new])
        self.assertIn(f"superseded  {old}: A0002, superseded by {new} (generated "
                      "2024-05-02T11:00:00Z)", so)
        self.assertIn("13 reports: 12 counted, 1 superseded, 0 rejected", so)
        rows = [r for r in self.csv_rows()[1:] if r[0] == "A0002"]
        self.assertTrue(rows)
        for r in rows:
            self.assertEqual(r[2], "compliant")
            self.assertEqual(r[4], new)
            self.assertEqual(r[1], "'=HYPERLINK(\"http://x\")")
        self.assertIn("superseded", pdftext(self.path("out", "rollup.pdf")))
        # Given first or last, the newer one wins.
        so, _ = self.rollup([new] + self.reports, "out2")
        self.assertIn(f"superseded  {old}", so)
        # The same file twice counts once.
        so, _ = self.rollup(self.reports + [self.reports[0]], "out3")
        self.assertIn("the same report as", so)
        self.assertIn("12 counted, 1 superseded", so)


class Refused(Base):
    def assert_nothing(self, out="out"):
        self.assertFalse(os.path.exists(self.path(out, "rollup.pdf")))
        self.assertFalse(os.path.exists(self.path(out, "rollup.csv")))

    def test_mixed_definitions_are_refused(self):
        d = self.path("ed-24-02.xml")
        with open(os.path.join(ARGS.srcroot, "directives", "ed-24-02.xml"), encoding="utf-8") as f:
            text = f.read()
        text, n = re.subn(r'(<directive\b[^>]*\bversion=")[^"]*"', r'\g<1>2099-01-01.1"', text,
                          count=1)
        self.assertEqual(n, 1)
        with open(d, "w", encoding="utf-8") as f:
            f.write(text)
        other = self.signed_report(os.path.join(ARGS.samples, "gaps.zip"), "g", "--directive", d)
        so, se = self.rollup(self.reports + [other], expect=2)
        self.assertIn("2099-01-01.1", se)
        self.assertIn("same definition", se)
        self.assert_nothing()

    def test_mixed_directives_are_refused(self):
        bdir = self.path("b")
        shutil.copytree(os.path.join(ARGS.srcroot, "samples", "gaps"), bdir)
        man = os.path.join(bdir, "manifest.xml")
        with open(man, encoding="utf-8") as f:
            text = f.read()
        with open(man, "w", encoding="utf-8") as f:
            f.write(text.replace('directive="ED-24-02"', 'directive="ED-99-01"'))
        d = self.path("ed-99-01.xml")
        with open(os.path.join(ARGS.srcroot, "directives", "ed-24-02.xml"), encoding="utf-8") as f:
            text = f.read()
        with open(d, "w", encoding="utf-8") as f:
            f.write(text.replace('id="ED-24-02"', 'id="ED-99-01"', 1))
        z = self.path("b.zip")
        rc, so, se = run("pack", bdir, "-o", z, "--directive", d)
        self.assertEqual(rc, 0, so + se)
        other = self.signed_report(z, "g", "--directive", d)
        so, se = self.rollup(self.reports + [other], expect=2)
        self.assertIn("is a report on ED-99-01", se)
        self.assert_nothing()

    def test_nothing_to_count(self):
        rc, so, se = run("render", os.path.join(ARGS.samples, "gaps.zip"), "-o", self.path("u"),
                         "--no-sign")
        so, se = self.rollup([self.path("u", "report.xml")], expect=2)
        self.assertIn("REJECTED", so)
        self.assertIn("no report could be counted", se)
        self.assert_nothing()

    def test_usage_and_existing_outputs(self):
        for args in (["rollup"], ["rollup", self.reports[0], "--ca", pki("root.pem")],
                     ["rollup", self.reports[0], "-o", self.path("out")],
                     ["rollup", self.reports[0], "-o", self.path("out"), "--ca", pki("root.pem"),
                      "--page-size", "a3"]):
            rc, so, se = run(*args)
            self.assertEqual(rc, 2, f"{args}: {so}{se}")
        self.assert_nothing()
        rc, so, se = run("rollup", self.reports[0], "-o", self.path("out"), "--ca",
                         self.path("no-such-ca.pem"))
        self.assertEqual(rc, 3, so + se)
        self.assert_nothing()
        self.rollup(self.reports)
        before = sha256(self.path("out", "rollup.csv"))
        so, se = self.rollup(self.reports[:3], expect=2)
        self.assertIn("already exists", se)
        self.assertEqual(sha256(self.path("out", "rollup.csv")), before)
        self.rollup(self.reports[:3], extra=["--force"])
        self.assertEqual(len(self.csv_rows()) - 1, 3 * 7)


def main():
    global ARGS
    ARGS, rest = rgtest.parse_args("--genbundle", "--agencies")
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
