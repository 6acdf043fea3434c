"""test_import.py: `reportgen import` and `reportgen init` as a user runs them.

Every sample export in samples/imports/ imports to exactly the rows in
tests/import/expected/<file>.csv (reviewed by hand against the export: the
mapping rules are in docs/importers.md); bad exports in tests/import/bad/
exit 2 with FILE:LINE and leave nothing behind; `init` writes a folder that
`pack` refuses until it is filled in; and the sample bundle is built the way
an agency would build it (init, fill in, import, pack) and then checks and
renders.  Runs from the source root, so the source column reads
samples/imports/...
"""
import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zipfile

ARGS = None
SIGNINS = "samples/imports/signins"
AUDIT = "samples/imports/audit"
BAD = "tests/import/bad"


def run(*args, cwd=None):
    p = subprocess.run([ARGS.reportgen, *args], capture_output=True, text=True,
                       cwd=cwd or ARGS.srcroot)
    return p.returncode, p.stdout, p.stderr


def expected(name):
    with open(os.path.join(ARGS.srcroot, "tests/import/expected", name + ".csv"), newline="") as f:
        return f.read()


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rg-import-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, *p):
        return os.path.join(self.tmp, *p)

    def read(self, p):
        with open(p, newline="") as f:
            return f.read()

    def assert_nothing_written(self):
        self.assertEqual(os.listdir(self.tmp), [], "no output and no temporary file may be left")


class EachFormat(Base):
    """Each export imports, detected by content, to the exact rows expected."""

    def check_file(self, kind, folder, name, fmt=None):
        out = self.path(name + ".out.csv")
        args = ["import", kind, os.path.join(folder, name), "-o", out]
        if fmt:
            args += ["--format", fmt]
        rc, _, err = run(*args)
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.read(out), expected(name), name)
        return err

    def test_signins_every_sample(self):
        for name in sorted(os.listdir(os.path.join(ARGS.srcroot, SIGNINS))):
            with self.subTest(name=name):
                self.check_file("signins", SIGNINS, name)

    def test_audit_every_sample(self):
        for name in sorted(os.listdir(os.path.join(ARGS.srcroot, AUDIT))):
            with self.subTest(name=name):
                self.check_file("audit", AUDIT, name)

    def test_forced_format_gives_the_same_rows(self):
        self.check_file("signins", SIGNINS, "entra-InteractiveSignIns_2026-04-02.csv", "entra-csv")
        self.check_file("signins", SIGNINS, "log-analytics-SigninLogs.csv", "log-analytics-csv")
        self.check_file("signins", SIGNINS, "graph-signins-pages.json", "json")
        self.check_file("audit", AUDIT, "ual-purview-export.csv", "ual-csv")

    def test_duplicates_across_pages_are_removed_and_counted(self):
        err = self.check_file("signins", SIGNINS, "graph-signins-pages.json")
        self.assertIn("1 duplicate removed", err)
        rows = list(csv.DictReader(io.StringIO(expected("graph-signins-pages.json"))))
        ids = [r["request_id"] for r in rows]
        self.assertEqual(len(ids), len(set(ids)))

    def test_duplicates_across_files_and_formats(self):
        out = self.path("all.csv")
        files = [os.path.join(SIGNINS, n) for n in sorted(os.listdir(os.path.join(ARGS.srcroot, SIGNINS)))]
        rc, _, err = run("import", "signins", *files, "-o", out)
        self.assertEqual(rc, 0, err)
        rows = list(csv.DictReader(io.StringIO(self.read(out))))
        # graph page 1 -> page 2 (1), Goose resume (1), the SP sign-in in Graph and the
        # Entra download (1)
        self.assertIn("3 duplicates removed", err)
        self.assertEqual(len(rows), len({r["request_id"] for r in rows}))
        self.assertIn("20 rows from 7 files", err)

    def test_rules_on_the_nasty_records(self):
        def rows(name):
            return {r["request_id"]: r for r in csv.DictReader(io.StringIO(expected(name)))}
        entra = rows("entra-InteractiveSignIns_2026-04-02.csv")
        # Status "Success" next to error code 50140 is not a success; Interrupted neither
        self.assertEqual(entra["9d8c7b6a-0002-4e2f-8a1b-2c3d4e5f6a7b"]["status"], "failure")
        self.assertEqual(entra["9d8c7b6a-0003-4e2f-8a1b-2c3d4e5f6a7b"]["status"], "failure")
        self.assertEqual(entra["9d8c7b6a-0001-4e2f-8a1b-2c3d4e5f6a7b"]["status"], "success")
        diag = rows("diagnostic-signinlogs.json")
        self.assertEqual(diag["3c4d5e6f-0001-4a7b-8c9d-0e1f2a3b4c5d"]["ip_address"], "198.51.100.23")
        self.assertEqual(diag["3c4d5e6f-0002-4a7b-8c9d-0e1f2a3b4c5d"]["ip_address"], "2001:db8::5")
        # the offset is kept
        self.assertEqual(diag["3c4d5e6f-0001-4a7b-8c9d-0e1f2a3b4c5d"]["created_at"],
                         "2024-04-03T09:45:48.072-05:00")
        # service principal sign-ins go under the service principal id
        sp = diag["3c4d5e6f-0003-4a7b-8c9d-0e1f2a3b4c5d"]
        self.assertEqual(sp["user_principal_name"], "7f3c2a91-5b4e-4d1a-9c0e-2f6b8d4a1e73")
        la = rows("log-analytics-SigninLogs.csv")
        self.assertEqual(la["4f5e6d7c-0001-4b8a-9c0d-1e2f3a4b5c6d"]["created_at"], "2023-09-19T13:42:37.848Z")
        ual = rows("ual-purview-export.csv")
        self.assertEqual(ual["a0000006-1111-4222-8333-444455556666"]["at"], "2023-09-20T04:05:03Z")
        self.assertEqual(ual["a0000007-1111-4222-8333-444455556666"]["action"], "",
                         "a failed reset proves nothing")

    def test_goose_string_line_is_a_warning_with_its_line(self):
        err = self.check_file("signins", SIGNINS, "goose-rt_signin_log_2024-04-03.json")
        self.assertIn("goose-rt_signin_log_2024-04-03.json:3:", err)
        self.assertIn("warning", err)

    def test_output_is_read_by_the_bundle_reader(self):
        # the sample bundle test packs these; here the column sets
        self.assertTrue(expected("graph-signins-pages.json").startswith(
            "created_at,user_principal_name,app_display_name,ip_address,status,correlation_id,request_id,source\n"))
        self.assertTrue(expected("ual-purview-export.csv").startswith(
            "at,operation,target,actor,action,correlation_id,request_id,source\n"))


class BadInput(Base):
    """Bad exports: exit 2, every problem as FILE:LINE, nothing written."""

    CASES = [
        ("signins", "not-json.json", ["not-json.json:2: column 33: is not valid JSON: unexpected character",
                                      "not-json.json:4: is not a JSON record: the line does not start with { or ["]),
        ("signins", "truncated.json", ["truncated.json:3: the file ends inside the JSON value that starts on line 1"]),
        ("signins", "no-time.json", ["no-time.json:2: createdDateTime: is a record without a time"]),
        ("signins", "local-time.json", ["local-time.json:1: createdDateTime: time \"2024-04-03T14:02:11\" has no UTC offset"]),
        ("signins", "unknown-format.csv", ["unknown-format.csv:1: is not a sign-in export reportgen knows"]),
        ("signins", "utf16.csv", ["utf16.csv:1: is UTF-16 text"]),
        ("signins", "bad-ip.json", ["bad-ip.json:1: ipAddress: \"not-an-ip\" is not an IP address"]),
        ("audit", "audit-no-time.json", ["audit-no-time.json:1: CreationTime: is a record without a time"]),
        ("audit", "ual-bad-auditdata.csv", ["ual-bad-auditdata.csv:3: AuditData: is not valid JSON"]),
    ]

    def test_each_bad_file(self):
        for kind, name, needles in self.CASES:
            with self.subTest(name=name):
                out = self.path(name + ".out.csv")
                rc, _, err = run("import", kind, os.path.join(BAD, name), "-o", out)
                self.assertEqual(rc, 2, err)
                for n in needles:
                    self.assertIn(os.path.join(BAD, n), err)
                self.assertIn("nothing written", err)
                self.assert_nothing_written()

    def test_one_bad_file_among_good_ones_writes_nothing(self):
        out = self.path("out.csv")
        rc, _, err = run("import", "signins", os.path.join(SIGNINS, "graph-signins-pages.json"),
                         os.path.join(BAD, "no-time.json"), "-o", out)
        self.assertEqual(rc, 2)
        self.assert_nothing_written()

    def test_wrong_kind_says_which_command(self):
        rc, _, err = run("import", "signins", os.path.join(AUDIT, "ual-purview-export.csv"), "-o", self.path("o.csv"))
        self.assertEqual(rc, 2)
        self.assertIn("reportgen import audit", err)
        rc, _, err = run("import", "audit", os.path.join(SIGNINS, "graph-signins-pages.json"), "-o", self.path("o.csv"))
        self.assertEqual(rc, 2)
        self.assertIn("is a sign-in record", err)
        self.assert_nothing_written()

    def test_forced_format_that_does_not_fit(self):
        rc, _, err = run("import", "signins", "--format", "entra-csv",
                         os.path.join(SIGNINS, "graph-signins-pages.json"), "-o", self.path("o.csv"))
        self.assertEqual(rc, 2)
        self.assertIn("is JSON, not the --format entra-csv given", err)
        self.assert_nothing_written()

    def test_usage_errors(self):
        for args in (["import"], ["import", "logs"], ["import", "signins", "-o", self.path("o.csv")],
                     ["import", "signins", os.path.join(SIGNINS, "graph-signins-pages.json")],
                     ["import", "signins", "--format", "ual-csv", "x", "-o", self.path("o.csv")],
                     ["import", "audit", "--format", "nope", "x", "-o", self.path("o.csv")],
                     ["import", "signins", "--max-json-size", "big", "x", "-o", self.path("o.csv")]):
            with self.subTest(args=args):
                rc, _, err = run(*args)
                self.assertEqual(rc, 2)
                self.assertTrue(err.strip())
        self.assert_nothing_written()

    def test_existing_output_needs_force(self):
        out = self.path("out.csv")
        with open(out, "w") as f:
            f.write("keep me\n")
        src = os.path.join(SIGNINS, "graph-signins-pages.json")
        rc, _, err = run("import", "signins", src, "-o", out)
        self.assertEqual(rc, 2)
        self.assertEqual(self.read(out), "keep me\n")
        rc, _, err = run("import", "signins", src, "-o", out, "--force")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.read(out), expected("graph-signins-pages.json"))

    def test_document_over_the_limit(self):
        rc, _, err = run("import", "signins", "--max-json-size", "1K",
                         os.path.join(SIGNINS, "graph-signins-pages.json"), "-o", self.path("o.csv"))
        self.assertEqual(rc, 2)
        self.assertIn("graph-signins-pages.json:1: starts a JSON document larger than 1024 bytes", err)
        self.assert_nothing_written()

    def test_unreadable_file_is_exit_3(self):
        rc, _, err = run("import", "signins", self.path("missing.json"), "-o", self.path("o.csv"))
        self.assertEqual(rc, 3)
        self.assertIn("missing.json", err)


class Init(Base):
    def test_init_writes_the_folder(self):
        d = self.path("b")
        rc, out, err = run("init", d)
        self.assertEqual(rc, 0, err)
        names = sorted(os.listdir(d))
        self.assertEqual(names, ["README.txt", "attachments", "audit-events.csv", "findings.csv",
                                 "log-reviews.csv", "manifest.xml", "remediations.csv",
                                 "secrets.csv", "signins.csv", "timeline.csv"])
        self.assertEqual(self.read(os.path.join(d, "timeline.csv")), "at,event,actor,reference,notes\n")
        self.assertEqual(self.read(os.path.join(d, "audit-events.csv")),
                         "at,operation,target,actor,action,correlation_id,request_id,source\n")
        readme = self.read(os.path.join(d, "README.txt"))
        for needle in ("reportgen pack", "reportgen check", "RFC 3339",
                       "remediations.csv: secret_id* action* performed_at* performed_by* system ticket"):
            self.assertIn(needle, readme)
        manifest = self.read(os.path.join(d, "manifest.xml"))
        for element in ("<agency", "<contact", "<notification", "<files/>", "<!--"):
            self.assertIn(element, manifest)
        # every element is valid XML against the schema once filled (checked by the pipeline test)

    def test_untouched_folder_does_not_pack(self):
        d = self.path("b")
        run("init", d)
        rc, _, err = run("pack", d, "-o", self.path("b.zip"))
        self.assertEqual(rc, 2)
        for needle in ("manifest.xml:8: <bundle> @created: is empty (fill in when the bundle was assembled",
                       "<agency> @id: is empty (fill in the agency's short identifier",
                       "<notification> @status: is empty (write notified or not-notified)"):
            self.assertIn(needle, err)
        self.assertFalse(os.path.exists(self.path("b.zip")))

    def test_refuses_a_non_empty_folder_and_accepts_an_empty_one(self):
        d = self.path("b")
        os.mkdir(d)
        with open(os.path.join(d, "notes.txt"), "w") as f:
            f.write("mine\n")
        rc, _, err = run("init", d)
        self.assertEqual(rc, 2)
        self.assertIn("not an empty folder", err)
        self.assertEqual(os.listdir(d), ["notes.txt"])
        e = self.path("empty")
        os.mkdir(e)
        rc, _, err = run("init", e)
        self.assertEqual(rc, 0, err)
        self.assertIn("manifest.xml", os.listdir(e))

    def test_usage(self):
        self.assertEqual(run("init")[0], 2)
        self.assertEqual(run("init", "a", "b")[0], 2)
        self.assertEqual(run("init", "--help")[0], 0)
        self.assertEqual(run("import", "--help")[0], 0)


class SampleBundle(Base):
    """init + fill in + import + pack, then check and render, as an agency would."""

    def test_build_check_render(self):
        d = self.path("bundle")
        rc, _, err = run("init", d)
        self.assertEqual(rc, 0, err)
        fill = os.path.join(ARGS.srcroot, "samples/imports/bundle")
        for name in os.listdir(fill):
            src = os.path.join(fill, name)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(d, name), dirs_exist_ok=True)
            else:
                shutil.copy(src, os.path.join(d, name))
        signins = [os.path.join(SIGNINS, n) for n in sorted(os.listdir(os.path.join(ARGS.srcroot, SIGNINS)))]
        audits = [os.path.join(AUDIT, n) for n in sorted(os.listdir(os.path.join(ARGS.srcroot, AUDIT)))]
        rc, _, err = run("import", "signins", *signins, "-o", os.path.join(d, "signins.csv"), "--force")
        self.assertEqual(rc, 0, err)
        rc, _, err = run("import", "audit", *audits, "-o", os.path.join(d, "audit-events.csv"), "--force")
        self.assertEqual(rc, 0, err)
        self.assertIn("11 rows from 4 files", err)
        z = self.path("bundle.zip")
        rc, out, err = run("pack", d, "-o", z)
        self.assertEqual(rc, 0, err)
        names = zipfile.ZipFile(z).namelist()
        self.assertIn("audit-events.csv", names)
        self.assertIn("signins.csv", names)
        self.assertNotIn("README.txt", names)
        rc, out, err = run("check", z)
        self.assertEqual(rc, 0, out + err)
        self.assertIn("overall: compliant", out)
        rc, out, err = run("render", "--no-sign", z, "-o", self.path("out"))
        self.assertEqual(rc, 0, err)
        for f in ("report.xml", "report.pdf", "summary.pdf"):
            self.assertTrue(os.path.getsize(self.path("out", f)) > 0)
        self.check_corroboration()

    def check_corroboration(self):
        """Each claimed remediation is matched against the audit log: an
        observation per item, with the audit event's source, and a share in
        the summary.  DEXA-S-05's reset has only a failed reset in the log."""
        ns = {"r": "urn:reportgen:report:1"}
        root = ET.parse(self.path("out", "report.xml")).getroot()
        h = root.find("r:headline", ns)
        self.assertEqual((h.get("remediations-checked"), h.get("remediations-corroborated")),
                         ("8", "5"))
        items = {}
        for a in root.findall("r:action", ns):
            for i in a.findall("r:item", ns):
                items[(a.get("id"), i.get("subject-ref"))] = i
        s05 = items[("RA-2a", "DEXA-S-05")]
        self.assertEqual(s05.get("corroboration"), "not-corroborated")
        self.assertEqual(s05.get("status"), "satisfied", "corroboration is not a status")
        s01 = items[("RA-2a", "DEXA-S-01")]
        self.assertEqual(s01.get("corroboration"), "corroborated")
        self.assertIn("ual-purview-export.csv:2", s01.get("corroborated-by"))
        self.assertTrue(any(r.startswith("audit-events.csv:") for r in s01.get("evidence-all").split()))
        # Items that rest on no audited remediation say nothing.
        self.assertIsNone(items[("RA-3a", "initial_report_submitted")].get("corroboration"))
        rep = subprocess.run(["pdftotext", self.path("out", "report.pdf"), "-"],
                             capture_output=True, text=True).stdout
        self.assertIn("Audit log: NOT corroborated", rep)
        self.assertIn("Audit log: corroborated", rep)
        summ = subprocess.run(["pdftotext", self.path("out", "summary.pdf"), "-"],
                              capture_output=True, text=True).stdout
        self.assertIn("audit log corroborates: 5 of 8 (63%)", summ)
        # The results document holds it all: the PDFs again from report.xml.
        rc, _, err = run("render", "--from", self.path("out", "report.xml"), "-o",
                         self.path("again"), "--no-sign")
        self.assertEqual(rc, 0, err)
        for f in ("report.pdf", "summary.pdf"):
            with open(self.path("out", f), "rb") as a, open(self.path("again", f), "rb") as b:
                self.assertEqual(a.read(), b.read(), f)

    def test_bad_audit_events_csv_is_refused_by_pack(self):
        d = self.path("bundle")
        shutil.copytree(os.path.join(ARGS.srcroot, "samples/imports/bundle"), d)
        with open(os.path.join(d, "audit-events.csv"), "w") as f:
            f.write("at,operation,target,actor,action\n"
                    "2024-04-04T17:40:12Z,Reset user password.,u@example.gov,a@example.gov,reseted\n"
                    "2024-04-04 17:40,Reset user password.,u@example.gov,a@example.gov,reset\n"
                    "2024-04-04T17:40:12Z,Reset user password.,,a@example.gov,\n")
        rc, _, err = run("pack", d, "-o", self.path("b.zip"))
        self.assertEqual(rc, 2)
        self.assertIn("audit-events.csv:2: action: \"reseted\" is not an allowed value", err)
        self.assertIn("audit-events.csv:3: at:", err)
        self.assertIn("audit-events.csv:4: target: is empty", err)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--reportgen", required=True)
    p.add_argument("--srcroot", required=True)
    ARGS, rest = p.parse_known_args()
    ARGS.reportgen = os.path.abspath(ARGS.reportgen)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
