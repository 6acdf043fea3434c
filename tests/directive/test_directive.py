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
import subprocess
import sys
import tempfile
import unittest

OPTS = None


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

    def test_schema_problems_name_the_line(self):
        path = self.edited("ed-24-02.xml", ('<column name="sender" type="text" required="yes"/>',
                                            '<column name="sender" type="texty" required="yes"/>'))
        rc, _, err = run("directive", "check", path)
        self.assertEqual(rc, 2)
        self.assertIn("ed-24-02.xml:", err)
        self.assertIn("texty", err)

    def test_usage(self):
        self.assertEqual(run("directive")[0], 2)
        self.assertEqual(run("directive", "check")[0], 2)
        self.assertEqual(run("directive", "verify", "x.xml")[0], 2)
        self.assertEqual(run("directive", "check", "--help")[0], 0)
        rc, _, err = run("directive", "check", os.path.join(self.tmp.name, "absent.xml"))
        self.assertEqual(rc, 3, err)


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
