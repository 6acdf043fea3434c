"""test_cli.py: the reportgen executable end to end, as a user runs it.

Each test states a behaviour a user or a script relies on: exit codes of
docs/cli.md, outputs that are never half-written and never replaced
without --force, several bundles in one run, pack, the directive file as data
(changing a deadline changes the verdict without recompiling), and
reproducible outputs under SOURCE_DATE_EPOCH.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zipfile

ARGS = None


def run(*args, env=None, cwd=None):
    e = dict(os.environ)
    e.pop("SOURCE_DATE_EPOCH", None)
    e.update(env or {})
    p = subprocess.run([ARGS.reportgen, *args], capture_output=True, text=True, env=e, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def sample(name):
    return os.path.join(ARGS.samples, name + ".zip")


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rg-e2e-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def copy_sample_dir(self, name):
        dst = self.path(name)
        shutil.copytree(os.path.join(ARGS.srcroot, "samples", name), dst)
        return dst


class Usage(Base):
    def test_help_and_version_exit_0(self):
        for args in (["--help"], ["check", "--help"], ["render", "--help"], ["pack", "--help"],
                     ["verify", "--help"], ["--version"]):
            rc, out, _ = run(*args)
            self.assertEqual(rc, 0, args)
            self.assertTrue(out.strip(), args)

    def test_usage_errors_exit_2(self):
        for args in ([], ["frobnicate"], ["check"], ["render", sample("compliant")],
                     ["check", "--max-rows", "lots", sample("compliant")],
                     ["render", sample("compliant"), "-o", self.path("o"), "--page-size", "b5",
                      "--no-sign"]):
            rc, _, err = run(*args)
            self.assertEqual(rc, 2, args)
            self.assertTrue(err.strip(), args)

    def test_render_without_key_refuses_and_writes_nothing(self):
        out = self.path("out")
        rc, _, err = run("render", sample("compliant"), "-o", out)
        self.assertEqual(rc, 2)
        self.assertIn("--no-sign", err)
        self.assertFalse(os.path.exists(out))

    def test_no_sign_says_so(self):
        rc, _, err = run("render", sample("compliant"), "-o", self.path("out"), "--no-sign")
        self.assertEqual(rc, 0)
        self.assertIn("NOT signed", err)


class ExitCodes(Base):
    def test_verdicts_map_to_0_and_1(self):
        self.assertEqual(run("check", sample("compliant"))[0], 0)
        self.assertEqual(run("check", sample("not-notified"))[0], 0)
        self.assertEqual(run("check", sample("late-remediation"))[0], 1)
        self.assertEqual(run("check", sample("gaps"))[0], 1)

    def test_check_prints_every_action_and_the_overall_result(self):
        rc, out, _ = run("check", sample("gaps"))
        for action in ("RA-1", "RA-2a", "RA-2b-i", "RA-2b-ii", "RA-3a", "RA-3b", "RA-4"):
            self.assertRegex(out, r"(?m)^%s\s+(required|advisory)\s+\w+" % re.escape(action))
        self.assertIn("overall: non_compliant", out)

    def test_missing_bundle_is_an_environment_failure(self):
        rc, _, err = run("check", self.path("nope.zip"))
        self.assertEqual(rc, 3)
        self.assertIn("nope.zip", err)

    def test_not_a_zip_is_bad_input(self):
        bad = self.path("bad.zip")
        with open(bad, "w") as f:
            f.write("this is not a zip\n")
        rc, _, err = run("check", bad)
        self.assertEqual(rc, 2)
        self.assertIn("bad.zip", err)

    def test_unwritable_output_is_an_environment_failure(self):
        blocker = self.path("file")
        open(blocker, "w").close()
        rc, _, err = run("render", sample("compliant"), "-o", os.path.join(blocker, "sub"),
                         "--no-sign")
        self.assertEqual(rc, 3)
        self.assertIn("output folder", err)

    def test_bad_source_date_epoch_is_a_usage_error(self):
        rc, _, err = run("check", sample("compliant"), env={"SOURCE_DATE_EPOCH": "yesterday"})
        self.assertEqual(rc, 2)
        self.assertIn("SOURCE_DATE_EPOCH", err)


class Outputs(Base):
    def test_existing_reports_are_kept_without_force(self):
        out = self.path("out")
        self.assertEqual(run("render", sample("compliant"), "-o", out, "--no-sign")[0], 0)
        with open(os.path.join(out, "report.xml"), "rb") as f:
            before = f.read()
        rc, _, err = run("render", sample("gaps"), "-o", out, "--no-sign")
        self.assertEqual(rc, 2)
        self.assertIn("--force", err)
        with open(os.path.join(out, "report.xml"), "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertEqual(sorted(os.listdir(out)), ["report.pdf", "report.xml", "summary.pdf"])
        rc, _, _ = run("render", sample("gaps"), "-o", out, "--no-sign", "--force")
        self.assertEqual(rc, 1)
        with open(os.path.join(out, "report.xml"), "rb") as f:
            self.assertIn(b'overall="non_compliant"', f.read())

    def test_bad_bundle_writes_nothing(self):
        folder = self.copy_sample_dir("compliant")
        with open(os.path.join(folder, "findings.csv"), "a") as f:
            f.write("X-1,2024-04-03T10:00:00,a@b.gov,c@d.gov,,,,no,low,\n")
        bundle = self.path("bad.zip")
        # pack refuses it too, so zip it by hand with a matching manifest.
        rc, _, err = run("pack", folder, "-o", bundle)
        self.assertEqual(rc, 2)
        self.assertIn("findings.csv:", err)
        self.assertIn("sent_at", err)
        self.assertFalse(os.path.exists(bundle))

    def test_xml_and_pdf_are_reproducible_with_source_date_epoch(self):
        env = {"SOURCE_DATE_EPOCH": "1714600000"}
        a, b = self.path("a"), self.path("b")
        self.assertEqual(run("render", sample("gaps"), "-o", a, "--no-sign", env=env)[0], 1)
        self.assertEqual(run("render", sample("gaps"), "-o", b, "--no-sign", env=env)[0], 1)
        for name in ("report.xml", "report.pdf", "summary.pdf"):
            with open(os.path.join(a, name), "rb") as fa, open(os.path.join(b, name), "rb") as fb:
                self.assertEqual(fa.read(), fb.read(), name)
        with open(os.path.join(a, "report.xml")) as f:
            self.assertIn('generated="2024-05-01T21:46:40Z"', f.read())


class ReportXml(Base):
    def test_the_immediate_window_is_shown_as_the_directive_writes_it(self):
        out = self.path("out")
        self.assertEqual(run("render", sample("compliant"), "-o", out, "--no-sign")[0], 0)
        root = ET.parse(os.path.join(out, "report.xml")).getroot()
        ns = "{urn:reportgen:report:1}"
        ra2a = [a for a in root.findall(ns + "action") if a.get("id") == "RA-2a"][0]
        self.assertEqual(ra2a.get("window"), "PT48H")


class Batch(Base):
    def test_several_bundles_one_folder_each_worst_exit(self):
        bad = self.path("broken.zip")
        with open(bad, "w") as f:
            f.write("not a zip")
        out = self.path("out")
        rc, stdout, _ = run("render", sample("compliant"), bad, sample("gaps"), "-o", out,
                            "--no-sign", "-j", "2")
        self.assertEqual(rc, 2, "the worst of 0, 2 and 1")
        self.assertTrue(os.path.isfile(os.path.join(out, "compliant", "report.pdf")))
        self.assertTrue(os.path.isfile(os.path.join(out, "gaps", "report.xml")))
        self.assertFalse(os.path.exists(os.path.join(out, "broken")))
        self.assertRegex(stdout, r"compliant\.zip\s+exit 0\s+compliant")
        self.assertRegex(stdout, r"broken\.zip\s+exit 2\s+invalid bundle")
        self.assertRegex(stdout, r"gaps\.zip\s+exit 1\s+non_compliant")

    def test_check_batch_reports_each(self):
        rc, stdout, _ = run("check", sample("compliant"), sample("late-remediation"), "-j", "1")
        self.assertEqual(rc, 1)
        self.assertIn("== " + sample("compliant"), stdout)
        self.assertRegex(stdout, r"late-remediation\.zip\s+exit 1\s+compliant_late")


class Pack(Base):
    def test_pack_keeps_the_manifest_header_and_lists_every_file(self):
        folder = self.copy_sample_dir("gaps")
        bundle = self.path("gaps.zip")
        rc, out, err = run("pack", folder, "-o", bundle)
        self.assertEqual(rc, 0, err)
        self.assertIn("non_compliant", out)
        with zipfile.ZipFile(bundle) as z:
            names = z.namelist()
            manifest = z.read("manifest.xml").decode()
        self.assertEqual(names[0], "manifest.xml")
        ns = "{urn:reportgen:bundle:1}"
        original = ET.parse(os.path.join(folder, "manifest.xml")).getroot()
        packed = ET.fromstring(manifest)
        self.assertEqual(packed.attrib, original.attrib)
        for element in ("agency", "contact", "notification"):
            self.assertEqual(packed.find(ns + element).attrib, original.find(ns + element).attrib)
        for name in names[1:]:
            self.assertIn('path="%s"' % name, manifest)
        self.assertEqual(run("check", bundle)[0], 1)

    def test_pack_refuses_files_the_format_does_not_allow(self):
        folder = self.copy_sample_dir("compliant")
        with open(os.path.join(folder, "notes.txt"), "w") as f:
            f.write("stray\n")
        os.symlink("/etc/hostname", os.path.join(folder, "attachments", "link.txt"))
        bundle = self.path("x.zip")
        rc, _, err = run("pack", folder, "-o", bundle)
        self.assertEqual(rc, 2)
        self.assertIn("notes.txt", err)
        self.assertIn("symbolic link", err)
        self.assertFalse(os.path.exists(bundle))

    def test_pack_needs_a_manifest(self):
        folder = self.copy_sample_dir("compliant")
        os.unlink(os.path.join(folder, "manifest.xml"))
        rc, _, err = run("pack", folder, "-o", self.path("x.zip"))
        self.assertEqual(rc, 2)
        self.assertIn("manifest.xml", err)


class DirectiveAsData(Base):
    def directive_copy(self, edit):
        src = os.path.join(ARGS.srcroot, "directives", "ed-24-02.xml")
        with open(src) as f:
            text = f.read()
        new = edit(text)
        self.assertNotEqual(new, text, "the edit must change the file")
        path = self.path("ed-24-02.xml")
        with open(path, "w") as f:
            f.write(new)
        return path

    def test_a_deadline_moved_in_the_file_changes_the_verdict(self):
        # The compliant sample's initial report is on time; an earlier
        # deadline in a copy of the definition makes it late.
        d = self.directive_copy(lambda t: t.replace("<deadline>2024-04-08T23:59:59-04:00</deadline>",
                                                    "<deadline>2024-04-03T00:00:00-04:00</deadline>"))
        rc, out, _ = run("check", sample("compliant"), "--directive", d)
        self.assertEqual(rc, 1)
        self.assertRegex(out, r"(?m)^RA-3a\s+required\s+satisfied_late")

    def test_the_immediate_window_is_data(self):
        d = self.directive_copy(lambda t: t.replace("<immediate-window>PT48H</immediate-window>",
                                                    "<immediate-window>PT1S</immediate-window>"))
        rc, out, _ = run("check", sample("compliant"), "--directive", d)
        self.assertEqual(rc, 1)
        self.assertRegex(out, r"(?m)^RA-2a\s+required\s+satisfied_late")

    def test_a_broken_definition_is_reported_with_its_line(self):
        d = self.directive_copy(lambda t: t.replace("<deadline>2024-04-08T23:59:59-04:00</deadline>",
                                                    "<deadline>2024-04-08T23:59:59</deadline>"))
        rc, _, err = run("check", sample("compliant"), "--directive", d)
        self.assertEqual(rc, 2)
        self.assertRegex(err, re.escape(d) + r":\d+:")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--reportgen", required=True)
    ap.add_argument("--srcroot", required=True)
    ap.add_argument("--samples", required=True)
    ARGS, rest = ap.parse_known_args()
    ARGS.reportgen = os.path.abspath(ARGS.reportgen)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
