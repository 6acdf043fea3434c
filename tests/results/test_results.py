#!/usr/bin/env python3
"""test_results.py: report.xml as the one results document, end to end.

What a user relies on:
- every sample's and every accepted case's report.xml validates against the
  format-2 schema, and the PDFs made from it (`render --from`) are byte for
  byte those made from the bundle: the document holds everything a view needs;
- the report binds its directive definition (file, SHA-256 of the bytes
  judged, installed or modified) and its generator, and says so visibly when
  the definition was edited;
- every item cites every row its verdict used, with a stable reason code;
- a directive with two log-review actions judges;
- `diff` lists exactly what changed between two submissions and exits 1 on
  a regression;
- a hostile report.xml is refused with exit 2 and a message, nothing written;
- the folder of reports is always one run's set: a killed `render --force`
  leaves the old set or the new one, never a mix, and no temporaries once
  the next render has run.

Usage: test_results.py --reportgen BIN --srcroot DIR --samples DIR
"""
import argparse
import glob
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

ARGS = None
NS = {"r": "urn:reportgen:report:1"}
SDE = "1714644000"  # 2024-05-02T10:00:00Z: every render here is reproducible


def run(*args, env=None, timeout=300):
    e = dict(os.environ)
    e["SOURCE_DATE_EPOCH"] = SDE
    e.update(env or {})
    p = subprocess.run([ARGS.reportgen, *args], capture_output=True, text=True, env=e,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def pdftext(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True,
                          text=True, check=True).stdout


def sample(name):
    return os.path.join(ARGS.samples, name + ".zip")


def demo_key():
    pki = os.path.join(ARGS.srcroot, "samples", "pki")
    return ["--key", os.path.join(pki, "signer.key"), "--cert", os.path.join(pki, "signer.pem"),
            "--chain", os.path.join(pki, "chain.pem")]


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rg-results-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def render(self, bundle, out, *extra, expect=(0, 1)):
        rc, so, se = run("render", bundle, "-o", out, *(extra or ("--no-sign",)))
        self.assertIn(rc, expect, so + se)
        return rc, so, se

    def report(self, out):
        return ET.parse(os.path.join(out, "report.xml")).getroot()


def case_zips(tmp):
    """Every case bundle the checker accepts (expect exit 0 or 1), zipped."""
    sys.path.insert(0, os.path.join(ARGS.srcroot, "tests", "cases"))
    import casezip
    out = []
    for expect in sorted(glob.glob(os.path.join(ARGS.srcroot, "tests", "cases", "*", "expect"))):
        case = os.path.dirname(expect)
        folder = os.path.join(case, "bundle")
        with open(expect) as f:
            m = re.search(r"^exit\s+(\d)", f.read(), re.M)
        if not os.path.isdir(folder) or not m or m.group(1) not in "01":
            continue
        z = os.path.join(tmp, os.path.basename(case) + ".zip")
        casezip.write_zip(z, casezip.members_from_folder(folder))
        out.append(z)
    return out


class RoundTrip(Base):
    def round_trip(self, bundle, *sign, tag=""):
        name = os.path.basename(bundle)[:-4]
        a, b = self.path(tag + name, "from-bundle"), self.path(tag + name, "from-xml")
        self.render(bundle, a, *sign)
        p = subprocess.run(["xmllint", "--noout", "--schema",
                            os.path.join(ARGS.srcroot, "templates", "report.xsd"),
                            os.path.join(a, "report.xml")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, name + ": " + p.stderr)
        rc, so, se = run("render", "--from", os.path.join(a, "report.xml"), "-o", b,
                         *(sign or ("--no-sign",)))
        self.assertIn(rc, (0, 1), so + se)
        self.assertEqual(sorted(os.listdir(b)), ["report.pdf", "summary.pdf"])
        for pdf in ("report.pdf", "summary.pdf"):
            self.assertEqual(sha256(os.path.join(a, pdf)), sha256(os.path.join(b, pdf)),
                             "%s: %s from report.xml differs from the one from the bundle"
                             % (name, pdf))

    def test_every_sample_and_case_renders_the_same_from_its_report_xml(self):
        bundles = sorted(glob.glob(os.path.join(ARGS.samples, "*.zip")))
        self.assertGreaterEqual(len(bundles), 5)
        bundles += case_zips(self.tmp)
        self.assertGreater(len(bundles), 40)
        for n, b in enumerate(bundles):
            with self.subTest(bundle=b):
                self.round_trip(b, tag=str(n))

    def test_the_same_results_spelt_otherwise_read_the_same(self):
        # XML can say one text several ways; the reader must take them all
        # as the text.  Every item's reason as a CDATA section, one split
        # into CDATA and plain text, character references for its letters:
        # the PDFs are those of the report as written.
        a, b = self.path("written"), self.path("respelt")
        self.render(sample("gaps"), a)
        with open(os.path.join(a, "report.xml"), encoding="utf-8") as f:
            g = f.read()
        items = re.findall(r"(<item [^>]*>)([^<]+)(</item>)", g)
        self.assertGreater(len(items), 10)
        n = [0]

        def respell(m):
            n[0] += 1
            text = m.group(2)
            if n[0] == 1:
                return m.group(1) + "".join("&#%d;" % ord(c) for c in text) + m.group(3)
            if n[0] == 2:
                return m.group(1) + text[:5] + "<![CDATA[" + text[5:] + "]]>" + m.group(3)
            return m.group(1) + "<![CDATA[" + text + "]]>" + m.group(3)
        src = self.path("respelt.xml")
        with open(src, "w", encoding="utf-8") as f:
            f.write(re.sub(r"(<item [^>]*>)([^<]+)(</item>)", respell, g))
        rc, so, se = run("render", "--from", src, "-o", b, "--no-sign")
        self.assertIn(rc, (0, 1), so + se)
        for pdf in ("report.pdf", "summary.pdf"):
            self.assertEqual(pdftext(os.path.join(a, pdf)), pdftext(os.path.join(b, pdf)), pdf)
            self.assertEqual(sha256(os.path.join(a, pdf)), sha256(os.path.join(b, pdf)), pdf)

    def test_signed_reports_round_trip_too(self):
        # RSA signatures are deterministic: the signed PDFs are identical.
        self.round_trip(sample("gaps"), *demo_key())


class Binding(Base):
    def test_report_names_the_definition_and_generator(self):
        out = self.path("o")
        self.render(sample("late-remediation"), out)
        root = self.report(out)
        self.assertEqual(root.get("format"), "2")
        rc, ver, _ = run("--version")
        self.assertEqual(root.get("generator"), ver.strip())
        d = root.find("r:directive-definition", NS)
        self.assertEqual(d.get("file"), "ed-24-02.xml")
        self.assertEqual(d.get("installed"), "true")
        self.assertEqual(d.get("sha256"),
                         sha256(os.path.join(ARGS.srcroot, "directives", "ed-24-02.xml")))
        text = pdftext(os.path.join(out, "report.pdf"))
        self.assertIn(d.get("sha256"), text.replace("\n", ""))
        self.assertIn(ver.strip(), text)
        self.assertNotIn("MODIFIED", text)
        self.assertIn(d.get("sha256")[:16], pdftext(os.path.join(out, "summary.pdf")))

    def test_an_edited_definition_is_named_and_flagged(self):
        src = os.path.join(ARGS.srcroot, "directives", "ed-24-02.xml")
        edited = self.path("edited.xml")
        with open(src) as f:
            text = f.read()
        self.assertIn("<immediate-window>PT48H</immediate-window>", text)
        with open(edited, "w") as f:
            f.write(text.replace("<immediate-window>PT48H</immediate-window>",
                                 "<immediate-window>P30D</immediate-window>"))
        shipped, mine = self.path("shipped"), self.path("mine")
        self.render(sample("late-remediation"), shipped)
        self.render(sample("late-remediation"), mine, "--no-sign", "--directive", edited)
        a = self.report(shipped).find("r:directive-definition", NS)
        b = self.report(mine).find("r:directive-definition", NS)
        self.assertEqual(b.get("sha256"), sha256(edited))
        self.assertNotEqual(a.get("sha256"), b.get("sha256"))
        self.assertEqual(b.get("installed"), "false")
        # The window change flips RA-2a, and the reports say whose reading it is.
        ra2a = [x for x in self.report(mine).findall("r:action", NS) if x.get("id") == "RA-2a"][0]
        self.assertEqual(ra2a.get("window"), "P30D")
        for pdf in ("report.pdf", "summary.pdf"):
            t = pdftext(os.path.join(mine, pdf))
            self.assertIn("MODIFIED DEFINITION", t, pdf)
        t = pdftext(os.path.join(mine, "report.pdf")).replace("\n", "")
        self.assertIn(b.get("sha256"), t)
        self.assertIn(b.get("sha256")[:16], pdftext(os.path.join(mine, "summary.pdf")))
        rc, so, se = run("check", sample("late-remediation"), "--directive", edited)
        self.assertIn("MODIFIED", so)
        # A byte-identical copy of the installed definition is the installed one.
        copy = self.path("copy.xml")
        shutil.copy(src, copy)
        same = self.path("same")
        self.render(sample("late-remediation"), same, "--no-sign", "--directive", copy)
        self.assertEqual(self.report(same).find("r:directive-definition", NS).get("installed"),
                         "true")


class Citations(Base):
    def items(self, root, action):
        a = [x for x in root.findall("r:action", NS) if x.get("id") == action][0]
        return a.findall("r:item", NS)

    def test_every_item_cites_every_row_it_used(self):
        out = self.path("o")
        self.render(sample("late-remediation"), out)
        root = self.report(out)
        late = [i for i in self.items(root, "RA-2a") if i.get("status") == "satisfied_late"]
        self.assertTrue(late, "the late-remediation sample has a late RA-2a item")
        for i in late:
            rows = i.get("evidence-all").split()
            self.assertEqual(rows[0], i.get("evidence"))
            self.assertTrue(rows[0].startswith("remediations.csv:"), rows)
            self.assertTrue(any(r.startswith("secrets.csv:") for r in rows), rows)
            self.assertEqual(i.get("reason-code"), "remediated-late")
            self.assertTrue(i.get("due"), "a late RA-2a item states its own deadline")
        for i in self.items(root, "RA-2b-ii"):
            rows = i.get("evidence-all").split()
            self.assertEqual(i.get("subject-kind"), "account")
            self.assertTrue(rows[0].startswith("secrets.csv:"), rows)
            self.assertTrue(any(r.startswith("log-reviews.csv:") for r in rows), rows)
        for a in root.findall("r:action", NS):
            for i in a.findall("r:item", NS):
                self.assertTrue(i.get("reason-code"), "every item has a reason code")
                self.assertIn(i.get("subject-kind"),
                              ("email", "secret", "account", "event", "file", "agency"))

    def test_gap_reason_codes(self):
        out = self.path("o")
        self.render(sample("gaps"), out)
        codes = set()
        for i in self.report(out).iter("{urn:reportgen:report:1}item"):
            codes.update(i.get("reason-code").split())
        for c in ("not-reviewed", "no-remediation", "window-gap", "event-missing",
                  "event-no-reference"):
            self.assertIn(c, codes)


class Directives(Base):
    def test_two_log_review_actions_judge(self):
        src = os.path.join(ARGS.srcroot, "directives", "ed-24-02.xml")
        with open(src) as f:
            text = f.read()
        m = re.search(r'  <action id="RA-2b-ii".*?</action>\n', text, re.S)
        twin = m.group(0).replace('id="RA-2b-ii"', 'id="RA-2b-iii"')
        twin = re.sub(r"(\s*<sources>[^<]*</sources>)+",
                      "\n      <sources>sign_in</sources>", twin, count=1)
        path = self.path("two.xml")
        with open(path, "w") as f:
            f.write(text.replace(m.group(0), m.group(0) + twin))
        for s in ("gaps", "large", "compliant"):
            out = self.path(s)
            self.render(sample(s), out, "--no-sign", "--directive", path)
            ids = [a.get("id") for a in self.report(out).findall("r:action", NS)]
            self.assertIn("RA-2b-iii", ids)
            a = [x for x in self.report(out).findall("r:action", NS) if x.get("id") == "RA-2b-ii"][0]
            b = [x for x in self.report(out).findall("r:action", NS) if x.get("id") == "RA-2b-iii"][0]
            self.assertEqual(len(a.findall("r:item", NS)), len(b.findall("r:item", NS)))


class Diff(Base):
    def make_v2(self):
        """gaps with one remediation added, one log review removed, one file changed."""
        v2 = self.path("v2")
        shutil.copytree(os.path.join(ARGS.srcroot, "samples", "gaps"), v2)
        with open(os.path.join(v2, "remediations.csv"), "a") as f:
            f.write("AHG-SEC-203,reset,2024-04-20T10:00:00-04:00,L. Kaur (IAM),"
                    "Entra ID ahg.onmicrosoft.com,REQ-44999\n")
        with open(os.path.join(v2, "log-reviews.csv")) as f:
            lines = f.readlines()
        self.assertTrue(lines[2].startswith("svc-grants-etl@ahg.example.gov,token_issuance,"))
        del lines[2]
        with open(os.path.join(v2, "log-reviews.csv"), "w") as f:
            f.writelines(lines)
        with open(os.path.join(v2, "attachments", "impact-analysis-draft.md"), "a") as f:
            f.write("\nRevised.\n")
        rc, so, se = run("pack", v2, "-o", self.path("v2.zip"))
        self.assertEqual(rc, 0, so + se)
        old, new = self.path("old"), self.path("new")
        self.render(sample("gaps"), old)
        self.render(self.path("v2.zip"), new)
        return os.path.join(old, "report.xml"), os.path.join(new, "report.xml")

    def test_lists_exactly_the_changes_and_exits_1_on_a_regression(self):
        old, new = self.make_v2()
        rc, so, se = run("diff", "--format", "xml", old, new)
        self.assertEqual(rc, 1, so + se)
        doc = ET.fromstring(so)
        got = sorted((c.get("kind"), c.get("action") or "", c.get("subject-ref") or c.get("path"))
                     for c in doc)
        want = sorted([
            ("action-status", "RA-2a", None),
            ("item-late", "RA-2a", "AHG-SEC-203"),
            ("item-satisfied", "RA-2b-i", "AHG-SEC-203"),
            # The removed token_issuance review opens this account ...
            ("item-open", "RA-2b-ii", "svc-grants-etl@ahg.example.gov"),
            # ... and the new reset shortens sp:AHG-Award-Portal's exposure window.
            ("item-satisfied", "RA-2b-ii", "sp:AHG-Award-Portal"),
            ("file-changed", "", "manifest.xml"),
            ("file-changed", "", "remediations.csv"),
            ("file-changed", "", "log-reviews.csv"),
            ("file-changed", "", "attachments/impact-analysis-draft.md"),
        ])
        self.assertEqual(got, want)
        self.assertEqual(doc.get("regressed"), "true")
        regress = [c for c in doc if c.get("regression") == "true"]
        self.assertEqual([(c.get("kind"), c.get("subject-ref")) for c in regress],
                         [("item-open", "svc-grants-etl@ahg.example.gov")])
        with open(self.path("diff.xml"), "w") as f:
            f.write(so)
        p = subprocess.run(["xmllint", "--noout", "--schema",
                            os.path.join(ARGS.srcroot, "templates", "diff.xsd"),
                            self.path("diff.xml")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        rc, so, se = run("diff", old, new)
        self.assertEqual(rc, 1)
        self.assertIn("REGRESSION", so)
        self.assertIn("became late", so)
        # The other way round the account is mended: no regression there, but
        # the RA-2a secret goes back to open.
        rc, so, se = run("diff", "--format", "xml", new, old)
        self.assertEqual(rc, 1)

    def test_same_report_no_changes(self):
        out = self.path("o")
        self.render(sample("gaps"), out)
        rc, so, se = run("diff", os.path.join(out, "report.xml"), os.path.join(out, "report.xml"))
        self.assertEqual(rc, 0, so + se)
        self.assertIn("no changes", so)

    def test_different_agencies_are_refused_unless_forced(self):
        a, b = self.path("a"), self.path("b")
        self.render(sample("gaps"), a)
        self.render(sample("compliant"), b)
        ra, rb = os.path.join(a, "report.xml"), os.path.join(b, "report.xml")
        if self.report(a).find("r:bundle", NS).get("agency") == \
                self.report(b).find("r:bundle", NS).get("agency"):
            self.skipTest("the two samples share an agency")
        rc, so, se = run("diff", ra, rb)
        self.assertEqual(rc, 2)
        self.assertIn("agency", se)
        rc, so, se = run("diff", "--force", ra, rb)
        self.assertIn(rc, (0, 1), se)


class Hostile(Base):
    def genuine(self):
        out = self.path("genuine")
        self.render(sample("gaps"), out)
        with open(os.path.join(out, "report.xml"), encoding="utf-8") as f:
            return f.read()

    def refused(self, text, words, *extra):
        src = self.path("hostile.xml")
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
        out = self.path("out")
        rc, so, se = run("render", "--from", src, "-o", out, "--no-sign", *extra)
        self.assertEqual(rc, 2, so + se)
        for w in words:
            self.assertIn(w, se)
        self.assertFalse(os.path.exists(out), "nothing is written")
        rc2, so2, se2 = run("diff", src, src, *extra)
        self.assertEqual(rc2, 2, so2 + se2)

    def test_refusals(self):
        g = self.genuine()
        head, body = g.split("\n", 1)
        self.refused(head + '\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
                     + body, ["document type declaration"])
        self.refused(g.replace("urn:reportgen:report:1", "urn:example:other"),
                     ["not a reportgen results document"])
        # Cut short: the element left open is named, as the whole-document
        # parser named it, not the streaming parser's "Extra content".
        self.refused(g[: len(g) // 2], ["hostile.xml:", "Premature end of data in tag"])
        # Nothing but blanks or a declaration: no root, said so.
        self.refused("", ["hostile.xml:1:", "no root element"])
        self.refused(head + "\n\n", ["hostile.xml:", "no root element"])
        # Schema violations: each with its line and element, all of them.
        lines = g.split("\n")
        two = [k for k, t in enumerate(lines) if "<item " in t][2:4]
        bad = "\n".join(t.replace('status="', 'status="bogus', 1) if k in two else t
                        for k, t in enumerate(lines))
        self.refused(bad, ["hostile.xml:%d: <item>: Element" % (two[0] + 1),
                           "hostile.xml:%d: <item>: Element" % (two[1] + 1),
                           "'bogus", "report.xsd", "2 errors"])
        self.refused(g.replace('format="2"', 'format="1"'), ["format 1"])
        self.refused(g.replace('format="2"', 'format="9"'), ["format"])
        self.refused(g, ["hostile.xml", "larger"], "--max-report-size", "1K")
        deep = g.replace("<evidence-files>", "<evidence-files>" + "<x>" * 200 + "</x>" * 200, 1)
        self.refused(deep, ["hostile.xml"])
        # A status that its items do not give, and counts that do not add up.
        i = g.index('<action id="RA-3b"')
        tampered = g[:i] + g[i:].replace('status="satisfied"', 'status="not_satisfied"', 1)
        self.refused(tampered, ["RA-3b"])
        self.refused(g.replace('overall="non_compliant"', 'overall="compliant"', 1), ["overall"])
        self.refused(re.sub(r'items="59"', 'items="58"', g, count=1), ["RA-1"])
        self.refused(g.replace('late-by="', 'late-by="-', 1), ["late-by"])

    def test_a_bad_signature_is_refused_with_ca(self):
        out = self.path("signed")
        self.render(sample("gaps"), out, *demo_key())
        xml = os.path.join(out, "report.xml")
        root = os.path.join(ARGS.srcroot, "samples", "pki", "root.pem")
        rc, so, se = run("render", "--from", xml, "-o", self.path("ok"), "--no-sign", "--ca", root)
        self.assertIn(rc, (0, 1), so + se)
        with open(xml, encoding="utf-8") as f:
            text = f.read()
        bad = self.path("bad.xml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text.replace("not reviewed (reviewed_at is empty)",
                                 "not reviewed (reviewed_at is emptY)", 1))
        rc, so, se = run("render", "--from", bad, "-o", self.path("no"), "--no-sign", "--ca", root)
        self.assertEqual(rc, 2, so + se)
        self.assertIn("signature", se)
        self.assertFalse(os.path.exists(self.path("no")))


class Folder(Base):
    def digests(self, d):
        return {n: sha256(os.path.join(d, n)) for n in sorted(os.listdir(d))}

    def test_a_folder_holds_one_runs_set(self):
        out = self.path("out")
        self.render(sample("compliant"), out)
        old = self.digests(out)
        rc, so, se = run("render", sample("gaps"), "-o", out, "--no-sign")
        self.assertEqual(rc, 2, "no --force: refused")
        self.assertEqual(self.digests(out), old)
        self.render(sample("gaps"), out, "--no-sign", "--force")
        new = self.digests(out)
        self.assertEqual(sorted(new), ["report.pdf", "report.xml", "summary.pdf"])
        self.assertTrue(all(new[k] != old[k] for k in new))
        self.assertEqual([n for n in os.listdir(self.tmp) if n.startswith(".")], [])

    def test_a_shared_folder_keeps_its_other_files(self):
        out = self.path("shared")
        os.makedirs(out)
        shutil.copy(sample("gaps"), os.path.join(out, "gaps.zip"))
        self.render(os.path.join(out, "gaps.zip"), out)
        self.assertEqual(sorted(os.listdir(out)),
                         ["gaps.zip", "report.pdf", "report.xml", "summary.pdf"])
        # Re-rendering the PDFs from the report.xml beside them keeps it.
        rc, so, se = run("render", "--from", os.path.join(out, "report.xml"), "-o", out,
                         "--no-sign", "--force")
        self.assertIn(rc, (0, 1), se)
        self.assertEqual(sorted(os.listdir(out)),
                         ["gaps.zip", "report.pdf", "report.xml", "summary.pdf"])

    def test_batch_folder_names_are_checked_before_anything_is_written(self):
        dots = self.path("...zip")
        shutil.copy(sample("gaps"), dots)
        out = self.path("batch")
        rc, so, se = run("render", dots, sample("compliant"), "-o", out, "--no-sign")
        self.assertEqual(rc, 2, so + se)
        self.assertIn("...zip", se)
        self.assertFalse(os.path.exists(out))
        os.makedirs(self.path("x"))
        twin = self.path("x", "gaps.zip")
        shutil.copy(sample("gaps"), twin)
        rc, so, se = run("render", sample("gaps"), twin, "-o", out, "--no-sign")
        self.assertEqual(rc, 2, so + se)
        self.assertIn("like", se)
        self.assertFalse(os.path.exists(out))
        self.assertEqual(sorted(os.listdir(self.tmp)), ["...zip", "x"])

    def test_killed_renders_leave_the_old_set_or_the_new_one(self):
        out = self.path("out")
        self.render(sample("compliant"), out)
        old = self.digests(out)
        ref = self.path("ref")
        self.render(sample("gaps"), ref)
        new = self.digests(ref)
        e = dict(os.environ, SOURCE_DATE_EPOCH=SDE)
        rng = random.Random(20240502)
        # How long a whole render takes, to spread the kills over it.
        t0 = time.monotonic()
        self.render(sample("gaps"), self.path("timing"))
        span = time.monotonic() - t0
        seen = set()
        for k in range(50):
            p = subprocess.Popen([ARGS.reportgen, "render", sample("gaps"), "-o", out,
                                  "--no-sign", "--force"], env=e,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, span * 1.1))
            p.send_signal(signal.SIGKILL)
            p.wait()
            now = self.digests(out)
            self.assertIn(now, (old, new), "kill %d left a mixed set" % k)
            seen.add("new" if now == new else "old")
            if now == new:  # back to the old set for the next round
                shutil.rmtree(out)
                self.render(sample("compliant"), out)
        self.render(sample("gaps"), out, "--no-sign", "--force")
        self.assertEqual(self.digests(out), new)
        left = [n for n in os.listdir(self.tmp) if n.startswith(".")]
        left += [n for n in os.listdir(out) if n.startswith(".")]
        self.assertEqual(left, [], "a later render removes what killed runs left")
        sys.stderr.write("kills: sets seen afterwards: %s\n" % sorted(seen))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--reportgen", required=True)
    ap.add_argument("--srcroot", required=True)
    ap.add_argument("--samples", required=True)
    ARGS, rest = ap.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
