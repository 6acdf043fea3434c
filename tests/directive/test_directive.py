#!/usr/bin/env python3
"""test_directive.py: `reportgen directive check` and the directive file as
data (docs/directive.md), as a user runs them.

- every shipped definition checks (exit 0, its tables and actions listed);
- a definition with several problems is refused with exit 2, every problem
  listed as FILE:LINE: <element name="..."> @attribute: what (how to fix),
  and nothing is written;
- extra cases given with --case NAME=EDIT are in the unittest classes below.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

OPTS = None
NS = {"r": "urn:reportgen:report:1"}


def run(*args, cwd=None):
    p = subprocess.run([OPTS.reportgen] + list(args), capture_output=True, text=True, cwd=cwd,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def shipped(name):
    with open(os.path.join(OPTS.srcroot, "directives", name), encoding="utf-8") as fh:
        return fh.read()


class DirectiveCheck(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.cwd = os.path.join(self.tmp.name, "cwd")
        os.mkdir(self.cwd)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def edited(self, name, *edits):
        text = shipped(name)
        for old, new in edits:
            self.assertEqual(text.count(old), 1, old)
            text = text.replace(old, new)
        return self.write(name, text)

    def test_shipped_definitions_check(self):
        for name in sorted(os.listdir(os.path.join(OPTS.srcroot, "directives"))):
            if not name.endswith(".xml"):
                continue
            rc, out, err = run("directive", "check", os.path.join(OPTS.srcroot, "directives", name),
                               cwd=self.cwd)
            self.assertEqual(rc, 0, err)
            self.assertEqual(err, "")
            self.assertIn("table ", out)
            self.assertIn("action ", out)
            self.assertEqual(os.listdir(self.cwd), [])

    def test_every_problem_is_listed_with_its_line(self):
        path = self.edited("ed-24-02.xml",
                           ('table="findings.csv" requires="contains_secret"',
                            'table="nofile.csv" requires="contains_secret"'),
                           ('not-before="window_start"', 'not-before="window_begin"'),
                           ('<deadline>2024-04-08T23:59:59-04:00</deadline>',
                            '<deadline>2024-02-30T23:59:59-04:00</deadline>'),
                           ('type="enum" required="yes" values="none low moderate high"',
                            'type="enum" required="yes"'))
        rc, out, err = run("directive", "check", path, cwd=self.cwd)
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")
        with open(path, encoding="utf-8") as fh:
            line = [n for n, t in enumerate(fh, 1) if 'table="nofile.csv"' in t][0]
        for needle in ('ed-24-02.xml:%d: <column name="email_id"> @table: names no declared table' % line,
                       '<column name="window_end"> @not-before: names no earlier column',
                       '<column name="impact"> @values: is missing',
                       ': deadline: has a date or time field out of range (write it as RFC 3339'):
            self.assertIn(needle, err)
        self.assertIn("errors, 0 warnings", err)
        self.assertEqual(os.listdir(self.cwd), [])

    def test_an_enum_of_more_than_1000_values_is_refused(self):
        # The bundle reader keeps an enum's index in 16 bits (evidence.h).
        many = " ".join("v%d" % i for i in range(1001))
        path = self.edited("ed-24-02.xml", ('values="none low moderate high"', 'values="%s"' % many))
        rc, out, err = run("directive", "check", path, cwd=self.cwd)
        self.assertEqual(rc, 2, err)
        self.assertEqual(out, "")
        self.assertIn('<column name="impact"> @values: lists too many values (give the column at most '
                      '1000 values)', err)
        path = self.edited("ed-24-02.xml", ('values="none low moderate high"',
                                            'values="none %s"' % " ".join("v%d" % i for i in range(999))))
        rc, _, err = run("directive", "check", path, cwd=self.cwd)
        self.assertEqual(rc, 0, err)

    def test_schema_problems_name_the_line(self):
        path = self.edited("ed-24-02.xml", ('<column name="sender" type="text" required="yes"/>',
                                            '<column name="sender" type="texty" required="yes"/>'))
        rc, _, err = run("directive", "check", path)
        self.assertEqual(rc, 2)
        self.assertIn("ed-24-02.xml:", err)
        self.assertIn("texty", err)

    def test_a_reason_code_report_xml_does_not_know_is_refused(self):
        # report.xml's schema enumerates the codes: a definition may not
        # make a report that fails it.
        path = self.edited("bod-22-01.xml", ('code="event-late"', 'code="event-tardy"'))
        rc, _, err = run("directive", "check", path)
        self.assertEqual(rc, 2)
        self.assertIn('reason code "event-tardy" is not one report.xml knows', err)

    def test_usage(self):
        self.assertEqual(run("directive")[0], 2)
        self.assertEqual(run("directive", "check")[0], 2)
        self.assertEqual(run("directive", "verify", "x.xml")[0], 2)
        self.assertEqual(run("directive", "check", "--help")[0], 0)
        rc, _, err = run("directive", "check", os.path.join(self.tmp.name, "absent.xml"))
        self.assertEqual(rc, 3, err)


class DirectiveAsData(unittest.TestCase):
    """A new action with a new event kind, by editing the XML only."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        sys.path.insert(0, os.path.join(OPTS.srcroot, "tests", "cases"))

    def tearDown(self):
        self.tmp.cleanup()

    def definition(self):
        text = shipped("ed-24-02.xml")
        values = 'status_report_submitted other"'
        self.assertEqual(text.count(values), 1)
        text = text.replace(values, 'status_report_submitted integrity_check_run other"')
        action = """
  <action id="RA-5" kind="required" applies="notified" rule="integrity-check">
    <title>Verify the integrity of the mail store</title>
    <wording source="an agency's own reading, for the test">Verify the integrity of the mail store by May 15, 2024.</wording>
    <deadline>2024-05-15T23:59:59-04:00</deadline>
    <event table="timeline.csv" kind-column="event" time-column="at" reference-column="reference" kind="integrity_check_run" reference="any">
      <reason on="missing" code="event-missing">no {kind} event in timeline.csv</reason>
      <reason on="no-reference" code="event-no-reference">{kind} event on line {line} has no reference</reason>
      <reason on="late" code="event-late">integrity check run at {when}, {late} after the deadline {due}</reason>
      <reason on="on-time" code="event-on-time">integrity check run at {when} ({row.notes?no notes}), by the deadline {due}</reason>
    </event>
  </action>
</directive>"""
        text = text.replace("</directive>", action)
        path = os.path.join(self.tmp.name, "ed-24-02.xml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def bundle(self, extra_rows):
        import casezip
        folder = os.path.join(self.tmp.name, "bundle")
        shutil.copytree(os.path.join(OPTS.srcroot, "samples", "compliant"), folder)
        with open(os.path.join(folder, "timeline.csv"), "a", encoding="utf-8") as fh:
            fh.write(extra_rows)
        zip_path = os.path.join(self.tmp.name, "bundle-%d.zip" % len(extra_rows))
        casezip.write_zip(zip_path, casezip.members_from_folder(folder))
        shutil.rmtree(folder)
        return zip_path

    def judge(self, zip_path, definition):
        out = os.path.join(self.tmp.name, "out-%s" % os.path.basename(zip_path))
        rc, stdout, err = run("render", "--directive", definition, zip_path, "-o", out, "--no-sign")
        root = ET.parse(os.path.join(out, "report.xml")).getroot()
        return rc, stdout, root

    def action(self, root, ident):
        return root.find("r:action[@id='%s']" % ident, NS)

    def test_the_definition_checks(self):
        rc, out, err = run("directive", "check", self.definition())
        self.assertEqual(rc, 0, err)
        self.assertIn("action RA-5 (required, rule integrity-check: event)", out)

    def test_the_new_action_judges(self):
        definition = self.definition()
        rc, out, root = self.judge(
            self.bundle("2024-05-10T12:00:00-04:00,integrity_check_run,Mail team,CHG-7781,store verified\n"),
            definition)
        self.assertEqual(rc, 0, out)
        a = self.action(root, "RA-5")
        self.assertEqual(a.get("status"), "satisfied")
        self.assertEqual(a.get("rule"), "integrity-check")
        item = a.find("r:item", NS)
        self.assertTrue(item.get("evidence").startswith("timeline.csv:"))
        self.assertIn("integrity check run at 2024-05-10T12:00:00-04:00 (store verified)", item.text)
        self.assertEqual(item.get("reason-code"), "event-on-time")
        # every other action judges as with the shipped definition
        for ident in ("RA-1", "RA-2a", "RA-2b-i", "RA-2b-ii", "RA-3a", "RA-3b", "RA-4"):
            self.assertEqual(self.action(root, ident).get("status"), "satisfied", ident)

    def test_late_and_missing(self):
        definition = self.definition()
        rc, _, root = self.judge(
            self.bundle("2024-05-16T00:00:00-04:00,integrity_check_run,Mail team,CHG-7781,\n"),
            definition)
        a = self.action(root, "RA-5")
        self.assertEqual(a.get("status"), "satisfied_late")
        self.assertEqual(a.find("r:item", NS).get("late-by"), "PT1S")
        rc, _, root = self.judge(self.bundle(""), definition)
        self.assertEqual(rc, 1)
        a = self.action(root, "RA-5")
        self.assertEqual(a.get("status"), "not_satisfied")
        self.assertEqual(a.find("r:item", NS).text, "no integrity_check_run event in timeline.csv")
        self.assertEqual(root.get("overall"), "non_compliant")

    def test_a_kind_the_table_does_not_declare_is_refused(self):
        text = shipped("ed-24-02.xml").replace('kind="initial_report_submitted"', 'kind="integrity_check_run"')
        path = os.path.join(self.tmp.name, "bad.xml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        rc, _, err = run("directive", "check", path)
        self.assertEqual(rc, 2)
        self.assertIn('kind "integrity_check_run" is not one of the values of timeline.csv\'s event column', err)
        self.assertIn("add the kind to the column's values in <evidence>", err)


class Coverage(unittest.TestCase):
    """The coverage rule kind (RA-2b-ii) as data: its sources and reasons
    edited in the XML change the verdicts; its problems are listed."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        sys.path.insert(0, os.path.join(OPTS.srcroot, "tests", "cases"))

    def tearDown(self):
        self.tmp.cleanup()

    def edited(self, *edits):
        text = shipped("ed-24-02.xml")
        for old, new in edits:
            self.assertEqual(text.count(old), 1, old)
            text = text.replace(old, new)
        path = os.path.join(self.tmp.name, "ed-24-02-%d.xml" % len(os.listdir(self.tmp.name)))
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def ra2bii(self, definition):
        import casezip
        zip_path = os.path.join(self.tmp.name, "compliant.zip")
        if not os.path.exists(zip_path):
            casezip.write_zip(zip_path, casezip.members_from_folder(
                os.path.join(OPTS.srcroot, "samples", "compliant")))
        out = os.path.join(self.tmp.name, "out-" + os.path.basename(definition))
        rc, stdout, err = run("render", "--directive", definition, zip_path, "-o", out, "--no-sign")
        self.assertIn(rc, (0, 1), err)
        root = ET.parse(os.path.join(out, "report.xml")).getroot()
        return root.find("r:action[@id='RA-2b-ii']", NS)

    def test_a_sources_group_narrowed_is_judged(self):
        # Only audit logs count as "other account activity" now: the
        # payroll connector, reviewed in its activity log, has none.
        path = self.edited(("<sources>audit activity</sources>", "<sources>audit</sources>"),
                           ('<reason on="not-covered">account {id} (exposed {start} to {end}): {problems}</reason>',
                            '<reason on="not-covered">{id} not covered: {problems}</reason>'))
        a = self.ra2bii(path)
        self.assertEqual(a.get("status"), "not_satisfied")
        items = {i.get("subject-ref"): i for i in a.findall("r:item", NS)}
        bad = items["sp:DEXA-Payroll-Connector"]
        self.assertEqual(bad.get("status"), "not_satisfied")
        self.assertEqual(bad.text, "sp:DEXA-Payroll-Connector not covered: no audit log review")
        self.assertEqual(bad.get("reason-code"), "missing-log-source")
        self.assertEqual(items["svc-grantsync@dexa.example.gov"].get("status"), "satisfied")

    def test_the_shipped_coverage_is_satisfied_with_its_templates(self):
        path = self.edited(('<reason on="on-time" code="reviewed">account {id}: logs reviewed for {start} to {end}</reason>',
                            '<reason on="on-time" code="reviewed">{id} covered from {start} to {end}</reason>'))
        a = self.ra2bii(path)
        self.assertEqual(a.get("status"), "satisfied")
        for i in a.findall("r:item", NS):
            self.assertRegex(i.text, r"^\S+ covered from \S+ to \S+$")
            self.assertEqual(i.get("reason-code"), "reviewed")

    def test_problems_of_a_coverage_are_listed(self):
        path = self.edited(("<sources>token_issuance</sources>", "<sources>token_issuing</sources>"),
                           ('start="email_id.sent_at"', 'start="email_id.subject"'),
                           ('<reason on="gap" code="window-gap">', '<reason on="gap">'),
                           ('corroborate="yes" audit-targets="account application">\n      <reason on="none" code="no-remediation">secret {id}: no reset, rotation, revocation or confirmed expiry recorded</reason>\n      <reason on="late"',
                            'corroborate="yes" audit-targets="account owner">\n      <reason on="none" code="no-remediation">secret {id}: no reset, rotation, revocation or confirmed expiry recorded</reason>\n      <reason on="late"'))
        rc, out, err = run("directive", "check", path)
        self.assertEqual(rc, 2, err)
        self.assertEqual(out, "")
        for needle in ('source "token_issuing" is not one of the values of log-reviews.csv\'s log_source column',
                       "start names no time or date column",
                       "the reason has no code",
                       'audit target "owner" is not a column of the table'):
            self.assertIn(needle, err)
        self.assertIn("4 errors", err)

    def test_a_coverage_needs_a_deadline(self):
        path = self.edited(("""    <deadline>2024-04-30T23:59:59-04:00</deadline>
    <coverage""", "    <coverage"))
        rc, _, err = run("directive", "check", path)
        self.assertEqual(rc, 2)
        self.assertIn("action RA-2b-ii (rule log-review) needs <deadline>", err)


class NotNotified(unittest.TestCase):
    """The not-notified reason is the definition's <notification>."""

    def test_the_template_gives_the_text(self):
        sys.path.insert(0, os.path.join(OPTS.srcroot, "tests", "cases"))
        import casezip
        with tempfile.TemporaryDirectory() as tmp:
            text = shipped("ed-24-02.xml")
            old = "the agency was not notified ({file} notification status not-notified)"
            self.assertEqual(text.count(old), 1)
            path = os.path.join(tmp, "ed-24-02.xml")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text.replace(old, "no notice received (see {file})"))
            zip_path = os.path.join(tmp, "nn.zip")
            casezip.write_zip(zip_path, casezip.members_from_folder(
                os.path.join(OPTS.srcroot, "samples", "not-notified")))
            out = os.path.join(tmp, "out")
            rc, _, err = run("render", "--directive", path, zip_path, "-o", out, "--no-sign")
            self.assertEqual(rc, 0, err)
            root = ET.parse(os.path.join(out, "report.xml")).getroot()
            items = root.findall("r:action/r:item", NS)
            self.assertTrue(items)
            for i in items:
                self.assertEqual(i.text, "no notice received (see manifest.xml)")
                self.assertEqual(i.get("reason-code"), "not-notified")
                self.assertEqual(i.get("status"), "not_applicable")


def main():
    global OPTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--reportgen", required=True)
    ap.add_argument("--srcroot", required=True)
    OPTS, rest = ap.parse_known_args()
    OPTS.reportgen = os.path.abspath(OPTS.reportgen)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
