#!/usr/bin/env python3
"""run_case.py: runs one data-driven bundle case against the reportgen executable.

A case (tests/cases/README.md) is a bundle (a bundle/ folder, or a make.py that
crafts a hostile ZIP) and an expect file of assertions.  This runner builds the
ZIP in a fresh work folder, runs `reportgen check`, then `reportgen render
--no-sign`, validates report.xml against the shipped schema, and checks every
assertion.  It is also the checker for samples/ (--bundle-dir) and for ready
ZIP files (--zip).

Invariants: reportgen runs with an empty working folder and with relative
paths to the bundle and the output folder, so no temporary name reaches its
output (the not-anywhere assertions stay meaningful); a bad bundle must leave
both the output folder and the working folder empty; every failure message
names the expect line, what was expected and what happened.  Exit status 0
when every assertion holds, 1 when one fails, 2 when the case itself is
malformed.  Standard library only.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import casezip  # noqa: E402

NS = "{urn:reportgen:report:1}"
STATUSES = ["not_satisfied", "insufficient_evidence", "satisfied_late",
            "satisfied", "not_applicable"]  # worst first (docs/ed-24-02.md)
OVERALLS = ["compliant", "compliant_late", "non_compliant"]
DURATION_RE = re.compile(r"^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
TIMEOUT = 600


class CaseError(Exception):
    """The case or the expect file is malformed (not a failure of reportgen)."""


class Assertion:
    def __init__(self, lineno, text, kind, args):
        self.lineno, self.text, self.kind, self.args = lineno, text, kind, args


def parse_expect(path):
    """Parses an expect file into a list of Assertion."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            # Substring assertions keep the rest of the line verbatim.
            m = re.match(r"^\s*(stderr|stdout|not-anywhere-file|not-anywhere|pdf-text)~(.*)$", line)
            if m:
                if m.group(2) == "":
                    raise CaseError("%s:%d: empty text after ~" % (path, lineno))
                out.append(Assertion(lineno, stripped, m.group(1), [m.group(2)]))
                continue
            m = re.match(r"^\s*directive-edit\s+(.+?)\s+=>\s+(.+?)\s*$", line)
            if m:
                out.append(Assertion(lineno, stripped, "directive-edit", [m.group(1), m.group(2)]))
                continue
            words = stripped.split()
            kind = words[0]
            if kind == "option":
                if len(words) < 2:
                    raise CaseError("%s:%d: option ARG..." % (path, lineno))
                out.append(Assertion(lineno, stripped, kind, words[1:]))
                continue
            if kind == "no-raw-controls":
                if len(words) != 1:
                    raise CaseError("%s:%d: no-raw-controls takes no argument" % (path, lineno))
                out.append(Assertion(lineno, stripped, kind, []))
                continue
            if kind == "report-xml-holds":
                if len(words) != 2 or not re.match(r"^U\+[0-9A-F]{4,6}$", words[1]):
                    raise CaseError("%s:%d: report-xml-holds U+XXXX" % (path, lineno))
                out.append(Assertion(lineno, stripped, kind, [chr(int(words[1][2:], 16))]))
                continue
            if kind == "exit":
                if len(words) != 2 or words[1] not in ("0", "1", "2", "3"):
                    raise CaseError("%s:%d: exit takes 0, 1, 2 or 3" % (path, lineno))
                out.append(Assertion(lineno, stripped, kind, [int(words[1])]))
            elif kind == "overall":
                if len(words) != 2 or words[1] not in OVERALLS:
                    raise CaseError("%s:%d: overall takes one of %s" % (path, lineno, OVERALLS))
                out.append(Assertion(lineno, stripped, kind, [words[1]]))
            elif kind == "action":
                if len(words) != 3 or words[2] not in STATUSES:
                    raise CaseError("%s:%d: action ID STATUS" % (path, lineno))
                out.append(Assertion(lineno, stripped, kind, words[1:]))
            elif kind == "items":
                if len(words) != 3 or not words[2].isdigit():
                    raise CaseError("%s:%d: items ID N" % (path, lineno))
                out.append(Assertion(lineno, stripped, kind, [words[1], int(words[2])]))
            elif kind == "no-item":
                if len(words) != 3:
                    raise CaseError("%s:%d: no-item ID EVIDENCE" % (path, lineno))
                out.append(Assertion(lineno, stripped, kind, words[1:]))
            elif kind == "item":
                m = re.match(r"^item\s+(\S+)\s+(\S+)\s+(\S+)((?:\s+late-by=\S+)?)(?:\s+reason~(.*))?$",
                             stripped)
                if not m or m.group(3) not in STATUSES:
                    raise CaseError("%s:%d: item ID EVIDENCE STATUS [late-by=DUR] [reason~TEXT]"
                                    % (path, lineno))
                late = m.group(4).strip()[len("late-by="):] if m.group(4).strip() else None
                out.append(Assertion(lineno, stripped, kind,
                                     [m.group(1), m.group(2), m.group(3), late, m.group(5)]))
            else:
                raise CaseError("%s:%d: unknown assertion %r" % (path, lineno, kind))
    if not any(a.kind == "exit" for a in out):
        raise CaseError("%s: no exit assertion (every case states its exit status)" % path)
    return out


class Run:
    """One reportgen invocation's result."""

    def __init__(self, argv, proc):
        self.argv = argv
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr


def run(exe, args, cwd):
    # RG_CASE_WRAPPER runs reportgen under a tool, e.g.
    # "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
    argv = shlex.split(os.environ.get("RG_CASE_WRAPPER", "")) + [exe] + args
    try:
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise CaseError("reportgen %s did not finish within %d s" % (" ".join(args), TIMEOUT))
    return Run(argv, proc)


def text(b):
    return b.decode("utf-8", errors="replace")


def listing(folder):
    """Every file and folder under folder, relative."""
    out = []
    for root, dirs, files in os.walk(folder):
        for n in dirs + files:
            out.append(os.path.relpath(os.path.join(root, n), folder))
    return sorted(out)


def describe_items(action):
    lines = []
    for it in action.findall(NS + "item"):
        lines.append("    item status=%s evidence=%s%s: %s" % (
            it.get("status"), it.get("evidence"),
            " late-by=" + it.get("late-by") if it.get("late-by") else "",
            (it.text or "").strip()))
    return "\n".join(lines) if lines else "    (no items)"


def pdf_info(path):
    """The document information and XMP metadata of a PDF as pdfinfo
    (poppler) prints them, decoded to UTF-8."""
    tool = shutil.which("pdfinfo")
    if not tool:
        raise CaseError("pdfinfo is needed (Debian package poppler-utils)")
    p = subprocess.run([tool, "-enc", "UTF-8", "-meta", path], capture_output=True)
    if p.returncode != 0:
        raise CaseError("pdfinfo failed on %s: %s" % (path, text(p.stderr)))
    info = subprocess.run([tool, "-enc", "UTF-8", path], capture_output=True)
    # The XMP packet header's begin="\ufeff" is the format's own marker.
    xmp = text(p.stdout).replace('begin="\ufeff"', 'begin=""', 1)
    return text(info.stdout) + xmp


def pdf_text(path):
    """The text of a PDF as pdftotext (poppler) extracts it."""
    tool = shutil.which("pdftotext")
    if not tool:
        raise CaseError("pdftotext is needed (Debian package poppler-utils)")
    p = subprocess.run([tool, "-layout", path, "-"], capture_output=True, timeout=TIMEOUT)
    if p.returncode != 0:
        raise CaseError("pdftotext failed on %s: %s" % (path, text(p.stderr)))
    return p.stdout.decode("utf-8", errors="replace")


def raw_control(c):
    """A character that must never reach a reader as it is: a control other
    than a line end, a format character (bidi controls, zero-width
    characters...), a line or paragraph separator (docs/security.md)."""
    if c == "\n" or c == "\f":  # pdftotext ends pages with a form feed
        return False
    return unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")


def contract_checks(root):
    """Rules every report.xml obeys (docs/cli.md, docs/ed-24-02.md)."""
    fails = []
    if root.tag != NS + "compliance-report":
        return ["root element is %s, not {urn:reportgen:report:1}compliance-report" % root.tag]
    required_worst = []
    for act in root.findall(NS + "action"):
        aid, st = act.get("id"), act.get("status")
        if st not in STATUSES:
            fails.append("action %s: status %r is not a status of docs/ed-24-02.md" % (aid, st))
            continue
        if act.get("kind") not in ("required", "advisory"):
            fails.append("action %s: kind %r is neither required nor advisory" % (aid, act.get("kind")))
        items = act.findall(NS + "item")
        worst = None
        for it in items:
            ist = it.get("status")
            where = "action %s item evidence=%s" % (aid, it.get("evidence"))
            if ist not in STATUSES:
                fails.append("%s: status %r is not a status" % (where, ist))
                continue
            if worst is None or STATUSES.index(ist) < STATUSES.index(worst):
                worst = ist
            late = it.get("late-by")
            if ist == "satisfied_late" and not late:
                fails.append("%s: satisfied_late without late-by" % where)
            if ist != "satisfied_late" and late:
                fails.append("%s: late-by=%s on a %s item" % (where, late, ist))
            if late and not DURATION_RE.match(late):
                fails.append("%s: late-by %r is not an ISO 8601 duration" % (where, late))
            if ist in ("not_satisfied", "insufficient_evidence") and not (it.text or "").strip():
                fails.append("%s: %s without a reason" % (where, ist))
            if not it.get("evidence"):
                fails.append("%s: no evidence attribute" % where)
        if worst is not None and worst != st:
            fails.append("action %s: status %s but its worst item is %s" % (aid, st, worst))
        if act.get("kind") == "required":
            required_worst.append(st)
    if required_worst:
        if any(s in ("not_satisfied", "insufficient_evidence") for s in required_worst):
            want = "non_compliant"
        elif "satisfied_late" in required_worst:
            want = "compliant_late"
        else:
            want = "compliant"
        if root.get("overall") != want:
            fails.append("overall=%s but the required actions' statuses make it %s"
                         % (root.get("overall"), want))
    return fails


def main():
    ap = argparse.ArgumentParser(description="Run one reportgen bundle case.")
    ap.add_argument("--reportgen", required=True, help="the reportgen executable")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--case", help="case folder (bundle/ or make.py, and expect)")
    src.add_argument("--bundle-dir", help="a bundle folder (samples/...)")
    src.add_argument("--zip", help="a ready bundle ZIP")
    ap.add_argument("--expect", help="expect file (with --bundle-dir or --zip)")
    ap.add_argument("--srcroot", default=os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))), help="source tree (for templates/report.xsd)")
    ap.add_argument("--xmllint", default="xmllint")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    opts = ap.parse_args()

    exe = os.path.abspath(opts.reportgen)
    if opts.case:
        expect_path = os.path.join(opts.case, "expect")
    else:
        if not opts.expect:
            ap.error("--expect is required with --bundle-dir or --zip")
        expect_path = opts.expect
    try:
        assertions = parse_expect(expect_path)
    except (CaseError, OSError) as e:
        print("case error: %s" % e)
        return 2

    work = tempfile.mkdtemp(prefix="rgcase-")
    cwd = os.path.join(work, "cwd")
    out = os.path.join(work, "out")
    os.mkdir(cwd)
    os.mkdir(out)
    zip_path = os.path.join(work, "bundle.zip")
    failures = []
    runs = []
    ok = False
    try:
        # 1. the bundle
        if opts.zip:
            shutil.copyfile(opts.zip, zip_path)
        elif opts.bundle_dir:
            casezip.write_zip(zip_path, casezip.members_from_folder(opts.bundle_dir))
        else:
            make = os.path.join(opts.case, "make.py")
            bundle = os.path.join(opts.case, "bundle")
            if os.path.exists(make):
                p = subprocess.run([sys.executable, os.path.abspath(make), zip_path],
                                   cwd=opts.case, capture_output=True, timeout=TIMEOUT)
                if p.returncode != 0 or not os.path.exists(zip_path):
                    raise CaseError("make.py failed (%d): %s" % (p.returncode, text(p.stderr)))
            elif os.path.isdir(bundle):
                casezip.write_zip(zip_path, casezip.members_from_folder(bundle))
            else:
                raise CaseError("%s has neither bundle/ nor make.py" % opts.case)

        # Extra options, and a directive file edited from the shipped one.
        extra = []
        for a in assertions:
            if a.kind == "option":
                extra += a.args
        edits = [a for a in assertions if a.kind == "directive-edit"]
        if edits:
            with open(os.path.join(opts.srcroot, "directives", "ed-24-02.xml"), encoding="utf-8") as fh:
                dtext = fh.read()
            for a in edits:
                old, new = a.args
                if dtext.count(old) != 1:
                    raise CaseError("expect:%d: %r occurs %d times in directives/ed-24-02.xml, "
                                    "not once" % (a.lineno, old, dtext.count(old)))
                dtext = dtext.replace(old, new)
            with open(os.path.join(work, "directive.xml"), "w", encoding="utf-8") as fh:
                fh.write(dtext)
            extra += ["--directive", os.path.join("..", "directive.xml")]

        # 2. check.  Relative paths: no temporary name reaches reportgen's output.
        rel_zip = os.path.join("..", "bundle.zip")
        check = run(exe, ["check"] + extra + [rel_zip], cwd)
        runs.append(("check", check))
        want_exit = [a for a in assertions if a.kind == "exit"][0].args[0]

        def fail(a, expected, actual, extra=""):
            failures.append("expect:%d: %s\n  expected: %s\n  actual:   %s%s"
                            % (a.lineno, a.text, expected, actual, extra))

        for a in assertions:
            if a.kind == "exit" and check.code != want_exit:
                fail(a, "check exits %d" % want_exit, "check exited %d" % check.code)
            elif a.kind == "stderr" and a.args[0] not in text(check.stderr):
                fail(a, "check's stderr contains %r" % a.args[0], "not found (stderr below)")
            elif a.kind == "stdout" and a.args[0] not in text(check.stdout):
                fail(a, "check's stdout contains %r" % a.args[0], "not found (stdout below)")
        if listing(cwd):
            failures.append("check wrote into its working folder: %s" % listing(cwd))
            stray = os.path.join(work, "check-wrote")
            os.rename(cwd, stray)  # kept for not-anywhere; render gets a clean folder
            os.mkdir(cwd)

        # 3. render
        report_root = None
        render = run(exe, ["render"] + extra + [rel_zip, "-o", os.path.join("..", "out"), "--no-sign"], cwd)
        runs.append(("render", render))
        if render.code != want_exit:
            failures.append("render exited %d, expected %d (the same as check)"
                            % (render.code, want_exit))
        if want_exit == 2:
            if listing(out):
                failures.append("bad bundle, yet render wrote into the output folder: %s"
                                % listing(out))
            if listing(cwd):
                failures.append("bad bundle, yet render wrote into its working folder: %s"
                                % listing(cwd))
        elif want_exit in (0, 1) and render.code in (0, 1):
            report = os.path.join(out, "report.xml")
            if not os.path.exists(report):
                failures.append("render wrote no report.xml (output folder: %s)" % listing(out))
            else:
                schema = os.path.join(opts.srcroot, "templates", "report.xsd")
                if not os.path.exists(schema):
                    failures.append("report schema %s not found" % schema)
                else:
                    v = subprocess.run([opts.xmllint, "--noout", "--schema", schema, report],
                                       capture_output=True, timeout=TIMEOUT)
                    if v.returncode != 0:
                        failures.append("report.xml is not valid against %s:\n%s"
                                        % (schema, text(v.stderr)))
                try:
                    report_root = ET.parse(report).getroot()
                except ET.ParseError as e:
                    failures.append("report.xml does not parse: %s" % e)
            if report_root is not None:
                failures.extend("contract: " + f for f in contract_checks(report_root))

        # 4. report assertions
        report_kinds = ("overall", "action", "items", "item", "no-item", "pdf-text",
                        "report-xml-holds")
        if want_exit == 2 and any(a.kind in report_kinds for a in assertions):
            raise CaseError("report assertions in a case that expects exit 2")
        actions = {}
        if report_root is not None:
            for act in report_root.findall(NS + "action"):
                actions[act.get("id")] = act
        for a in assertions:
            if a.kind not in report_kinds:
                continue
            if report_root is None:
                fail(a, "a report.xml to check", "none was written")
                continue
            if a.kind == "overall":
                if report_root.get("overall") != a.args[0]:
                    fail(a, "overall=%s" % a.args[0], "overall=%s" % report_root.get("overall"))
                continue
            if a.kind == "pdf-text":
                t = pdf_text(os.path.join(out, "report.pdf"))
                if a.args[0] not in t:
                    fail(a, "the text of report.pdf (pdftotext) contains %r" % a.args[0],
                         "not found", "\n" + t[:3000])
                continue
            if a.kind == "report-xml-holds":
                with open(os.path.join(out, "report.xml"), encoding="utf-8") as fh:
                    if a.args[0] not in fh.read():
                        fail(a, "report.xml holds U+%04X as it is (it is data)" % ord(a.args[0]),
                             "it does not")
                continue
            aid = a.args[0]
            act = actions.get(aid)
            if act is None:
                fail(a, "an action with id=%s" % aid, "actions present: %s" % sorted(actions))
                continue
            items = act.findall(NS + "item")
            if a.kind == "action":
                if act.get("status") != a.args[1]:
                    fail(a, "status=%s" % a.args[1], "status=%s" % act.get("status"),
                         "\n" + describe_items(act))
            elif a.kind == "items":
                if len(items) != a.args[1]:
                    fail(a, "%d items" % a.args[1], "%d items" % len(items), "\n" + describe_items(act))
            elif a.kind == "no-item":
                if any(it.get("evidence") == a.args[1] for it in items):
                    fail(a, "no item citing %s" % a.args[1], "there is one", "\n" + describe_items(act))
            elif a.kind == "item":
                _, ev, st, late, reason = a.args
                cands = [it for it in items if it.get("evidence") == ev]
                good = [it for it in cands
                        if it.get("status") == st
                        and (late is None or it.get("late-by") == late)
                        and (reason is None or reason in (it.text or ""))]
                if not good:
                    want = "an item evidence=%s status=%s%s%s" % (
                        ev, st, " late-by=" + late if late else "",
                        " reason containing %r" % reason if reason else "")
                    fail(a, want, "%d item(s) cite %s" % (len(cands), ev), "\n" + describe_items(act))

        # 5. what a person reads: the terminal output and the PDFs' text
        for a in assertions:
            if a.kind != "no-raw-controls":
                continue
            shown = []
            for name, r in runs:
                shown.append(("%s stdout" % name, text(r.stdout)))
                shown.append(("%s stderr" % name, text(r.stderr)))
            for pdf in ("report.pdf", "summary.pdf"):
                if os.path.exists(os.path.join(out, pdf)):
                    shown.append((pdf, pdf_text(os.path.join(out, pdf))))
                    # A viewer shows the document information and the XMP
                    # (title bar, properties) as they are, too.
                    shown.append((pdf + " info and XMP", pdf_info(os.path.join(out, pdf))))
            for name, t in shown:
                bad = sorted({c for c in t if raw_control(c)})
                if bad:
                    fail(a, "no control, bidi or invisible character in what is shown",
                         "%s holds %s" % (name, ", ".join("U+%04X" % ord(c) for c in bad)))

        # 6. not-anywhere: every byte reportgen produced
        produced = []
        for name, r in runs:
            produced.append(("%s stdout" % name, r.stdout))
            produced.append(("%s stderr" % name, r.stderr))
        for folder in (out, cwd, os.path.join(work, "check-wrote")):
            for rel in listing(folder):
                full = os.path.join(folder, rel)
                if os.path.isfile(full):
                    with open(full, "rb") as fh:
                        produced.append((rel, fh.read()))
        for a in assertions:
            if a.kind not in ("not-anywhere", "not-anywhere-file"):
                continue
            if a.kind == "not-anywhere":
                needle = a.args[0].encode("utf-8")
            else:
                try:
                    with open(a.args[0], "rb") as fh:
                        needle = fh.read().strip()
                except OSError as e:
                    raise CaseError("expect:%d: cannot read %s: %s" % (a.lineno, a.args[0], e))
                if not needle:
                    raise CaseError("expect:%d: %s is empty; nothing to look for"
                                    % (a.lineno, a.args[0]))
            where = [n for n, data in produced if needle in data]
            if where:
                fail(a, "%r appears in no output" % needle.decode("utf-8", "replace"),
                     "found in: %s" % ", ".join(where))
        ok = not failures
    except CaseError as e:
        print("case error: %s" % e)
        return 2
    finally:
        if failures:
            name = opts.case or opts.bundle_dir or opts.zip
            print("FAILED %s (%d problem%s)" % (name, len(failures), "" if len(failures) == 1 else "s"))
            for f in failures:
                print("- " + f)
            for label, r in runs:
                print("--- %s exit %d; stdout:\n%s--- %s stderr:\n%s" % (
                    label, r.code, text(r.stdout)[:6000], label, text(r.stderr)[:6000]))
        if opts.keep or (failures and os.environ.get("RG_CASE_KEEP")):
            print("work folder kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if ok:
        print("ok: %d assertions" % len(assertions))
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
