#!/usr/bin/env python3
"""author.py: writes the bundle/ and expect files of the folder cases.

Not run by the build: the case folders are committed and are what run_case.py
reads.  This script is how they were written, so that a change to the
reference bundle (ok-compliant) can be carried into every case derived from
it.  Run `python3 tests/cases/author.py` from anywhere; it rewrites the
folders named below and leaves hand-made cases (those with make.py) alone.

Each case is the reference bundle with a few precise edits (a replace must
match exactly once, or authoring stops) and an expect file written by hand
from docs/ed-24-02.md and docs/bundle-format.md, never from reportgen's output.

Reference bundle, line by line (the citations in the expect files use these):
  findings.csv      2 MSG-0001 (secret)  3 MSG-0002 (no secret)  4 MSG-0003 (secret)
  secrets.csv       2 S-1 svc-billing, in use    3 S-2 svc-sync, application_in_use=no
  remediations.csv  2 S-1 rotated   3 S-2 reset   4 S-2 application_deactivated
  log-reviews.csv   2-4 svc-billing sign_in/token_issuance/audit
                    5-7 svc-sync sign_in/token_issuance/activity
  timeline.csv      2 notification_received 3 analysis_started
                    4 initial_report_submitted 5 analysis_completed
                    6 impact_analysis_completed 7 privileged_access_review_completed
                    8 status_report_submitted
"""

import hashlib
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<bundle xmlns="urn:reportgen:bundle:1" format="1" directive="ED-24-02"
        created="2024-05-02T09:00:00-04:00">
  <agency id="EXA" name="Example Agency" component="Office of the CIO"/>
  <contact name="Pat Doe" role="CISO" email="ciso@example.gov"/>
  <notification status="notified" received="2024-04-02T15:10:00-04:00"
                source="microsoft" reference="MB-2024-0417"/>
</bundle>
"""

MANIFEST_NOT_NOTIFIED = """<?xml version="1.0" encoding="UTF-8"?>
<bundle xmlns="urn:reportgen:bundle:1" format="1" directive="ED-24-02"
        created="2024-05-02T09:00:00-04:00">
  <agency id="SMA" name="Small Agency" component="Office of the CIO"/>
  <contact name="Lee Roe" role="CIO" email="cio@small.example.gov"/>
  <notification status="not-notified"/>
</bundle>
"""

FINDINGS = (
    "email_id,sent_at,sender,recipients,subject_sha256,reviewed_at,reviewer,contains_secret,impact,notes\n"
    "MSG-0001,2024-01-15T14:02:00-05:00,ops@exa.gov,support@microsoft.com,%s,"
    "2024-04-20T10:00:00-04:00,J. Smith,yes,high,API key pasted into a support case\n"
    "MSG-0002,2024-02-03T09:30:00-05:00,support@microsoft.com,ops@exa.gov;it@exa.gov,,"
    "2024-04-21T11:00:00-04:00,J. Smith,no,low,\n"
    "MSG-0003,2024-03-11T16:45:00-04:00,it@exa.gov,support@microsoft.com,%s,"
    "2024-04-22T12:00:00-04:00,K. Lee,yes,moderate,service account password in a ticket reply\n"
) % (sha("Re: Billing API integration failing"), sha("Directory sync errors since Monday"))

FINDINGS_HEADER = FINDINGS.split("\n")[0] + "\n"

SECRETS = (
    "secret_id,email_id,kind,account,application,application_in_use,identified_at\n"
    "S-1,MSG-0001,api_key,svc-billing@exa.gov,Billing API,yes,2024-04-15T09:00:00-04:00\n"
    "S-2,MSG-0003,password,svc-sync@exa.gov,Directory Sync,no,2024-04-16T10:00:00-04:00\n"
)
SECRETS_HEADER = SECRETS.split("\n")[0] + "\n"

REMEDIATIONS = (
    "secret_id,action,performed_at,performed_by,system,ticket\n"
    "S-1,rotated,2024-04-15T15:00:00-04:00,J. Smith,Azure Key Vault,CHG-101\n"
    "S-2,reset,2024-04-16T18:00:00-04:00,K. Lee,Entra ID,CHG-102\n"
    "S-2,application_deactivated,2024-04-17T10:00:00-04:00,K. Lee,Directory Sync,CHG-103\n"
)
REMEDIATIONS_HEADER = REMEDIATIONS.split("\n")[0] + "\n"

LOG_REVIEWS = (
    "account,log_source,window_start,window_end,reviewed_at,reviewer,result,incident_id\n"
    "svc-billing@exa.gov,sign_in,2024-01-10T12:00:00Z,2024-04-20T12:00:00Z,2024-04-25T12:00:00-04:00,SOC Team,no_malicious_activity,\n"
    "svc-billing@exa.gov,token_issuance,2024-01-10T12:00:00Z,2024-04-20T12:00:00Z,2024-04-25T13:00:00-04:00,SOC Team,no_malicious_activity,\n"
    "svc-billing@exa.gov,audit,2024-01-10T12:00:00Z,2024-04-20T12:00:00Z,2024-04-25T14:00:00-04:00,SOC Team,no_malicious_activity,\n"
    "svc-sync@exa.gov,sign_in,2024-03-01T12:00:00Z,2024-04-20T12:00:00Z,2024-04-26T12:00:00-04:00,SOC Team,no_malicious_activity,\n"
    "svc-sync@exa.gov,token_issuance,2024-03-01T12:00:00Z,2024-04-20T12:00:00Z,2024-04-26T13:00:00-04:00,SOC Team,no_malicious_activity,\n"
    "svc-sync@exa.gov,activity,2024-03-01T12:00:00Z,2024-04-20T12:00:00Z,2024-04-26T14:00:00-04:00,SOC Team,no_malicious_activity,\n"
)
LOG_REVIEWS_HEADER = LOG_REVIEWS.split("\n")[0] + "\n"

TIMELINE = (
    "at,event,actor,reference,notes\n"
    "2024-04-02T15:10:00-04:00,notification_received,CISO Office,MB-2024-0417,Microsoft notification relayed by CISA\n"
    "2024-04-03T09:00:00-04:00,analysis_started,IR Team,,\n"
    "2024-04-05T17:00:00-04:00,initial_report_submitted,CISO Office,attachments/reports/cisa-initial-report.pdf,submitted through the CISA portal\n"
    "2024-04-24T17:00:00-04:00,analysis_completed,IR Team,,\n"
    "2024-04-26T16:00:00-04:00,impact_analysis_completed,IR Team,attachments/impact-analysis.pdf,\n"
    "2024-04-29T12:00:00-04:00,privileged_access_review_completed,IAM Team,CHG-140,\n"
    "2024-05-01T10:00:00-04:00,status_report_submitted,CISO Office,CISA-SR-2024-0501,\n"
)

PDF_IMPACT = (b"%PDF-1.4\n% Example Agency: cybersecurity impact analysis of the correspondence\n"
              b"% exfiltrated from Microsoft (ED 24-02).  Placeholder document for tests.\n%%EOF\n")
PDF_INITIAL = (b"%PDF-1.4\n% Example Agency: initial report to CISA under ED 24-02.\n"
               b"% Placeholder document for tests.\n%%EOF\n")

BASE = {
    "manifest.xml": MANIFEST,
    "findings.csv": FINDINGS,
    "secrets.csv": SECRETS,
    "remediations.csv": REMEDIATIONS,
    "log-reviews.csv": LOG_REVIEWS,
    "timeline.csv": TIMELINE,
    "attachments/impact-analysis.pdf": PDF_IMPACT,
    "attachments/reports/cisa-initial-report.pdf": PDF_INITIAL,
}

# The reference verdicts: every action, its items (evidence, status).
BASE_ACTIONS = {
    "RA-1": ("satisfied", [("findings.csv:2", "satisfied"), ("findings.csv:3", "satisfied"),
                           ("findings.csv:4", "satisfied"), ("timeline.csv:6", "satisfied")]),
    "RA-2a": ("satisfied", [("remediations.csv:2", "satisfied"), ("remediations.csv:3", "satisfied")]),
    "RA-2b-i": ("satisfied", [("remediations.csv:2", "satisfied"), ("remediations.csv:4", "satisfied")]),
    "RA-2b-ii": ("satisfied", [("secrets.csv:2", "satisfied"), ("secrets.csv:3", "satisfied")]),
    "RA-3a": ("satisfied", [("timeline.csv:4", "satisfied")]),
    "RA-3b": ("satisfied", [("timeline.csv:8", "satisfied")]),
    "RA-4": ("satisfied", [("timeline.csv:7", "satisfied")]),
}
ORDER = ["RA-1", "RA-2a", "RA-2b-i", "RA-2b-ii", "RA-3a", "RA-3b", "RA-4"]


# ---- edits ---------------------------------------------------------------

def rep(old, new):
    def f(text):
        n = text.count(old)
        if n != 1:
            raise SystemExit("edit: %r occurs %d times" % (old, n))
        return text.replace(old, new)
    return f


def drop(fragment):
    """Removes the one line containing fragment."""
    def f(text):
        lines = text.split("\n")
        hits = [i for i, ln in enumerate(lines) if fragment in ln]
        if len(hits) != 1:
            raise SystemExit("drop: %r is on %d lines" % (fragment, len(hits)))
        del lines[hits[0]]
        return "\n".join(lines)
    return f


def add(line):
    def f(text):
        return text + line + "\n"
    return f


CASES = []


def case(name, comment, files=None, expect="", base=BASE):
    """files: {member: None (remove) | str/bytes (replace) | [edit, ...]}."""
    CASES.append((name, comment, files or {}, expect, base))


def verdicts(changes=None, exit_=None, overall=None, items=True, extra=""):
    """Expect lines: the reference verdicts with some actions replaced.

    changes: {action: (status, [(evidence, status, late, reason), ...]) or
    (status, None) to assert only the status}."""
    changes = changes or {}
    out = []
    for aid in ORDER:
        if aid in changes:
            st, its = changes[aid]
            its = None if its is None else [tuple(i) + (None,) * (4 - len(i)) for i in its]
        else:
            st, base_items = BASE_ACTIONS[aid]
            its = [(e, s, None, None) for e, s in base_items]
        out.append("action %s %s" % (aid, st))
        if its is None or not items:
            continue
        out.append("items %s %d" % (aid, len(its)))
        for ev, s, late, reason in its:
            line = "item %s %s %s" % (aid, ev, s)
            if late:
                line += " late-by=" + late
            if reason:
                if isinstance(reason, (list, tuple)):
                    for r in reason:
                        out.append(line + " reason~" + r)
                    continue
                line += " reason~" + reason
            out.append(line)
    head = []
    if exit_ is not None:
        head.append("exit %d" % exit_)
    if overall:
        head.append("overall " + overall)
        head.append("stdout~overall: " + overall)
    return "\n".join(head + out) + "\n" + extra


def ok(changes=None, extra=""):
    """Verdicts whose exit and overall follow from the required actions."""
    merged = {a: BASE_ACTIONS[a][0] for a in ORDER}
    for a, (st, _) in (changes or {}).items():
        merged[a] = st
    req = [merged[a] for a in ORDER if a != "RA-4"]
    if any(s in ("not_satisfied", "insufficient_evidence") for s in req):
        overall = "non_compliant"
    elif "satisfied_late" in req:
        overall = "compliant_late"
    else:
        overall = "compliant"
    return verdicts(changes, 0 if overall == "compliant" else 1, overall, extra=extra)


def bad(*stderr, extra=""):
    return "exit 2\n" + "".join("stderr~%s\n" % s for s in stderr) + extra


B = dict(BASE)
NA_COMPROMISE = {
    "RA-2a": ("not_applicable", [("secrets.csv", "not_applicable")]),
    "RA-2b-i": ("not_applicable", [("secrets.csv", "not_applicable")]),
    "RA-2b-ii": ("not_applicable", [("secrets.csv", "not_applicable")]),
}
NO_SECRETS = {"secrets.csv": SECRETS_HEADER, "remediations.csv": REMEDIATIONS_HEADER,
              "log-reviews.csv": LOG_REVIEWS_HEADER}

# ---- the reference and the overall results --------------------------------

case("ok-compliant",
     "The reference bundle: every action done on time.  Overall compliant, exit 0.",
     expect=ok())

# ---- RA-1 -----------------------------------------------------------------

case("ra1-findings-missing",
     "RA-1: findings.csv absent (no secrets either): insufficient_evidence, cited as the file.",
     dict(NO_SECRETS, **{"findings.csv": None}),
     ok({"RA-1": ("insufficient_evidence", [("findings.csv", "insufficient_evidence"),
                                            ("timeline.csv:6", "satisfied")]), **NA_COMPROMISE}))

case("ra1-findings-empty",
     "RA-1: findings.csv with its header only: insufficient_evidence, cited as the file.",
     dict(NO_SECRETS, **{"findings.csv": FINDINGS_HEADER}),
     ok({"RA-1": ("insufficient_evidence", [("findings.csv", "insufficient_evidence"),
                                            ("timeline.csv:6", "satisfied")]), **NA_COMPROMISE}))

case("ra1-not-reviewed",
     "RA-1: MSG-0002 has no reviewed_at: that finding is not_satisfied, and so the action.",
     {"findings.csv": [rep(",2024-04-21T11:00:00-04:00,J. Smith,no,", ",,,no,")]},
     ok({"RA-1": ("not_satisfied", [("findings.csv:2", "satisfied"),
                                    ("findings.csv:3", "not_satisfied", None, "MSG-0002"),
                                    ("findings.csv:4", "satisfied"), ("timeline.csv:6", "satisfied")])}))

case("ra1-reviewed-late",
     "RA-1: MSG-0003 reviewed 2024-05-01T02:15:30-04:00, 2h15m31s after 2024-04-30T23:59:59-04:00.",
     {"findings.csv": [rep("2024-04-22T12:00:00-04:00", "2024-05-01T02:15:30-04:00")]},
     ok({"RA-1": ("satisfied_late", [("findings.csv:2", "satisfied"), ("findings.csv:3", "satisfied"),
                                     ("findings.csv:4", "satisfied_late", "PT2H15M31S"),
                                     ("timeline.csv:6", "satisfied")])}))

case("ra1-worst-of-items",
     "RA-1 takes the worst of its items: one late, one not reviewed -> not_satisfied.",
     {"findings.csv": [rep("2024-04-20T10:00:00-04:00", "2024-05-01T00:00:00-04:00"),
                       rep(",2024-04-21T11:00:00-04:00,J. Smith,no,", ",,,no,")]},
     ok({"RA-1": ("not_satisfied", [("findings.csv:2", "satisfied_late", "PT1S"),
                                    ("findings.csv:3", "not_satisfied", None, "MSG-0002"),
                                    ("findings.csv:4", "satisfied"), ("timeline.csv:6", "satisfied")])}))

case("ra1-impact-missing",
     "RA-1: no impact_analysis_completed event: insufficient_evidence, cited as timeline.csv.",
     {"timeline.csv": [drop("impact_analysis_completed")]},
     ok({"RA-1": ("insufficient_evidence", [("findings.csv:2", "satisfied"), ("findings.csv:3", "satisfied"),
                                            ("findings.csv:4", "satisfied"),
                                            ("timeline.csv", "insufficient_evidence")]),
         "RA-3b": ("satisfied", [("timeline.csv:7", "satisfied")]),
         "RA-4": ("satisfied", [("timeline.csv:6", "satisfied")])}))

case("ra1-impact-not-attachment",
     "RA-1: the impact analysis event cites a ticket, not an attachments/ document: insufficient_evidence.",
     {"timeline.csv": [rep("IR Team,attachments/impact-analysis.pdf,", "IR Team,IA-2024-17,")]},
     ok({"RA-1": ("insufficient_evidence", [("findings.csv:2", "satisfied"), ("findings.csv:3", "satisfied"),
                                            ("findings.csv:4", "satisfied"),
                                            ("timeline.csv:6", "insufficient_evidence")])}))

case("ra1-impact-late",
     "RA-1: impact analysis completed 2024-05-02T09:00:00-04:00: late by P1DT9H1S.",
     {"timeline.csv": [rep("2024-04-26T16:00:00-04:00", "2024-05-02T09:00:00-04:00")]},
     ok({"RA-1": ("satisfied_late", [("findings.csv:2", "satisfied"), ("findings.csv:3", "satisfied"),
                                     ("findings.csv:4", "satisfied"),
                                     ("timeline.csv:6", "satisfied_late", "P1DT9H1S")])}))

case("ra1-impact-earliest",
     "RA-1: two impact analysis events; the earliest (on time, line 6) is judged, not the revision.",
     {"timeline.csv": [add("2024-05-03T10:00:00-04:00,impact_analysis_completed,IR Team,"
                           "attachments/impact-analysis.pdf,revision 2")]},
     ok({"RA-1": ("satisfied", [("findings.csv:2", "satisfied"), ("findings.csv:3", "satisfied"),
                                ("findings.csv:4", "satisfied"), ("timeline.csv:6", "satisfied")])},
        extra="no-item RA-1 timeline.csv:9\n"))

# ---- deadline edges across UTC offsets (RA-1 deadline 2024-04-30T23:59:59-04:00) ----

def ra1_review(line_ts):
    """RA-1 items with findings (2,3,4) given as (status, late)."""
    its = []
    for ln, (st, late) in zip((2, 3, 4), line_ts):
        its.append(("findings.csv:%d" % ln, st, late))
    its.append(("timeline.csv:6", "satisfied"))
    worst = "satisfied_late" if any(s == "satisfied_late" for s, _ in line_ts) else "satisfied"
    return {"RA-1": (worst, its)}


S, L1 = ("satisfied", None), ("satisfied_late", "PT1S")

case("edge-deadline-eastern-exact",
     "Reviewed exactly at the deadline, written in the deadline's own offset: on time.",
     {"findings.csv": [rep("2024-04-21T11:00:00-04:00", "2024-04-30T23:59:59-04:00")]},
     ok(ra1_review([S, S, S])))

case("edge-deadline-utc-exact",
     "Reviewed at 2024-05-01T03:59:59Z, the deadline written in UTC: on time.",
     {"findings.csv": [rep("2024-04-21T11:00:00-04:00", "2024-05-01T03:59:59Z")]},
     ok(ra1_review([S, S, S])))

case("edge-deadline-utc-plus1s",
     "Reviewed at 2024-05-01T04:00:00+00:00, one second after the deadline: late by PT1S.",
     {"findings.csv": [rep("2024-04-21T11:00:00-04:00", "2024-05-01T04:00:00+00:00")]},
     ok(ra1_review([S, L1, S])))

case("edge-deadline-india",
     "+05:30: 2024-05-01T09:29:59+05:30 is the deadline (on time), 09:30:00+05:30 is PT1S late.",
     {"findings.csv": [rep("2024-04-20T10:00:00-04:00", "2024-05-01T09:29:59+05:30"),
                       rep("2024-04-21T11:00:00-04:00", "2024-05-01T09:30:00+05:30")]},
     ok(ra1_review([S, L1, S])))

case("edge-deadline-hawaii",
     "-10:00: 2024-04-30T17:59:59-10:00 is the deadline (on time), 18:00:00-10:00 is PT1S late.",
     {"findings.csv": [rep("2024-04-20T10:00:00-04:00", "2024-04-30T17:59:59-10:00"),
                       rep("2024-04-22T12:00:00-04:00", "2024-04-30T18:00:00-10:00")]},
     ok(ra1_review([S, S, L1])))

case("edge-deadline-fraction",
     "2024-04-30T23:59:59.000-04:00 (zero fraction) is exactly the deadline: on time.",
     {"findings.csv": [rep("2024-04-21T11:00:00-04:00", "2024-04-30T23:59:59.000-04:00")]},
     ok(ra1_review([S, S, S])))

case("edge-ra3a-exact",
     "RA-3a deadline 2024-04-08T23:59:59-04:00 written as 2024-04-09T13:29:59+09:30: on time.",
     {"timeline.csv": [rep("2024-04-05T17:00:00-04:00", "2024-04-09T13:29:59+09:30")]},
     ok())

case("edge-ra3a-plus1s",
     "RA-3a: initial report at 2024-04-09T05:00:00+01:00 (04:00:00Z): late by PT1S.",
     {"timeline.csv": [rep("2024-04-05T17:00:00-04:00", "2024-04-09T05:00:00+01:00")]},
     ok({"RA-3a": ("satisfied_late", [("timeline.csv:4", "satisfied_late", "PT1S")])}))

case("edge-ra3b-exact",
     "RA-3b deadline 2024-05-01T23:59:00-04:00 written as 2024-05-02T03:59:00Z: on time.",
     {"timeline.csv": [rep("2024-05-01T10:00:00-04:00", "2024-05-02T03:59:00Z")]},
     ok())

case("edge-ra3b-plus1s",
     "RA-3b: status report at 2024-05-01T23:59:01-04:00: late by PT1S.",
     {"timeline.csv": [rep("2024-05-01T10:00:00-04:00", "2024-05-01T23:59:01-04:00")]},
     ok({"RA-3b": ("satisfied_late", [("timeline.csv:8", "satisfied_late", "PT1S")])}))

case("edge-ra2bi-exact",
     "RA-2b-i: application deactivated at 2024-05-01T03:59:59Z, exactly the deadline: on time.",
     {"remediations.csv": [rep("2024-04-17T10:00:00-04:00", "2024-05-01T03:59:59Z")]},
     ok())

case("edge-ra2bi-plus1s",
     "RA-2b-i: application deactivated at 2024-05-01T04:00:00Z: late by PT1S (RA-2a unaffected).",
     {"remediations.csv": [rep("2024-04-17T10:00:00-04:00", "2024-05-01T04:00:00Z")]},
     ok({"RA-2b-i": ("satisfied_late", [("remediations.csv:2", "satisfied"),
                                        ("remediations.csv:4", "satisfied_late", "PT1S")])}))

case("edge-ra2bii-plus1s",
     "RA-2b-ii: a log review completed at 2024-05-01T04:00:00Z: late by PT1S.",
     {"log-reviews.csv": [rep("2024-04-25T14:00:00-04:00", "2024-05-01T04:00:00Z")]},
     ok({"RA-2b-ii": ("satisfied_late", [("secrets.csv:2", "satisfied_late", "PT1S"),
                                         ("secrets.csv:3", "satisfied")])}))

case("edge-ra2bii-exact",
     "RA-2b-ii: a log review completed at 2024-04-30T23:59:59-04:00: on time.",
     {"log-reviews.csv": [rep("2024-04-25T14:00:00-04:00", "2024-04-30T23:59:59-04:00")]},
     ok())

# ---- RA-2a ---------------------------------------------------------------

case("ra2a-no-remediation",
     "RA-2a: S-1 has no remediation at all: not_satisfied, cited at its secrets.csv line.",
     {"remediations.csv": [drop("S-1,rotated")]},
     ok({"RA-2a": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "S-1"),
                                     ("remediations.csv:2", "satisfied")]),
         "RA-2b-i": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "S-1"),
                                       ("remediations.csv:3", "satisfied")]),
         # S-1 counts as remediated at the deadline: the reviews (to 04-20) leave a gap.
         "RA-2b-ii": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "2024-04-20"),
                                        ("secrets.csv:3", "satisfied")])}))

case("ra2a-sessions-revoked-only",
     "RA-2a: revoking sessions is not a remediation of the secret: not_satisfied.",
     {"remediations.csv": [rep("S-1,rotated,", "S-1,sessions_revoked,")]},
     ok({"RA-2a": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "S-1"),
                                     ("remediations.csv:3", "satisfied")]),
         "RA-2b-i": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "S-1"),
                                       ("remediations.csv:4", "satisfied")]),
         "RA-2b-ii": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "2024-04-20"),
                                        ("secrets.csv:3", "satisfied")])}))

case("ra2a-window-exact",
     "RA-2a: identified 2024-04-15T09:00:00-04:00, rotated 2024-04-17T13:00:00Z: exactly PT48H, on time.",
     {"remediations.csv": [rep("2024-04-15T15:00:00-04:00", "2024-04-17T13:00:00Z")]},
     ok())

case("ra2a-window-plus1s",
     "RA-2a: rotated 2024-04-17T13:00:01Z, 48h and 1s after identification: late by PT1S.",
     {"remediations.csv": [rep("2024-04-15T15:00:00-04:00", "2024-04-17T13:00:01Z")]},
     ok({"RA-2a": ("satisfied_late", [("remediations.csv:2", "satisfied_late", "PT1S"),
                                      ("remediations.csv:3", "satisfied")])}))

case("ra2a-late",
     "RA-2a: rotated 2024-04-17T15:30:00-04:00, 6h30m after the 48h window closed.",
     {"remediations.csv": [rep("2024-04-15T15:00:00-04:00", "2024-04-17T15:30:00-04:00")]},
     ok({"RA-2a": ("satisfied_late", [("remediations.csv:2", "satisfied_late", "PT6H30M"),
                                      ("remediations.csv:3", "satisfied")])}))

case("ra2a-late-days",
     "RA-2a: rotated 2024-04-20T07:00:00-04:00: late by P2DT22H (days split out).",
     {"remediations.csv": [rep("2024-04-15T15:00:00-04:00", "2024-04-20T07:00:00-04:00")]},
     ok({"RA-2a": ("satisfied_late", [("remediations.csv:2", "satisfied_late", "P2DT22H"),
                                      ("remediations.csv:3", "satisfied")])}))

case("ra2a-first-by-time",
     "RA-2a: the first remediation is the earliest performed_at (line 5, 24h, on time), "
     "not the first row (line 2, 72h).",
     {"remediations.csv": [rep("S-1,rotated,2024-04-15T15:00:00-04:00,J. Smith,Azure Key Vault,CHG-101",
                               "S-1,revoked,2024-04-18T09:00:00-04:00,J. Smith,Azure Key Vault,CHG-105"),
                           add("S-1,rotated,2024-04-16T09:00:00-04:00,J. Smith,Azure Key Vault,CHG-101")]},
     ok({"RA-2a": ("satisfied", [("remediations.csv:5", "satisfied"), ("remediations.csv:3", "satisfied")]),
         "RA-2b-i": ("satisfied", [("remediations.csv:5", "satisfied"), ("remediations.csv:4", "satisfied")])},
        extra="no-item RA-2a remediations.csv:2\n"))

case("ra2a-before-identified",
     "RA-2a: S-1 rotated an hour before the agency identified it as exposed: on time.",
     {"remediations.csv": [rep("2024-04-15T15:00:00-04:00", "2024-04-15T08:00:00-04:00")]},
     ok())

case("ra2a-confirmed-expired",
     "RA-2a: confirmed_expired counts as a remediation.",
     {"remediations.csv": [rep("S-1,rotated,", "S-1,confirmed_expired,")]},
     ok())

case("ra2-not-applicable",
     "No secret found (secrets.csv header only): RA-2a, RA-2b-i, RA-2b-ii not_applicable.",
     dict(NO_SECRETS, **{"findings.csv": [rep(",J. Smith,yes,high,", ",J. Smith,no,high,"),
                                          rep(",K. Lee,yes,moderate,", ",K. Lee,no,moderate,")]}),
     ok(NA_COMPROMISE))

case("ra2a-30h",
     "RA-2a: S-1 rotated 30 hours after identification: within the default PT48H window.",
     {"remediations.csv": [rep("2024-04-15T15:00:00-04:00", "2024-04-16T15:00:00-04:00")]},
     ok())

case("directive-window-24h",
     "The directive is data: the same bundle as ra2a-30h judged with immediate-window PT24H "
     "in the directive file is late by PT6H.",
     {"remediations.csv": [rep("2024-04-15T15:00:00-04:00", "2024-04-16T15:00:00-04:00")]},
     ok({"RA-2a": ("satisfied_late", [("remediations.csv:2", "satisfied_late", "PT6H"),
                                      ("remediations.csv:3", "satisfied")])},
        extra="directive-edit <immediate-window>PT48H</immediate-window> => "
              "<immediate-window>PT24H</immediate-window>\n"))

case("directive-ra3a-deadline",
     "The directive is data: RA-3a's deadline moved to 2024-04-04T23:59:59-04:00 in the file "
     "makes the initial report of 2024-04-05T17:00:00-04:00 late by PT17H1S.",
     {},
     ok({"RA-3a": ("satisfied_late", [("timeline.csv:4", "satisfied_late", "PT17H1S")])},
        extra="directive-edit <deadline>2024-04-08T23:59:59-04:00</deadline> => "
              "<deadline>2024-04-04T23:59:59-04:00</deadline>\n"))

# ---- RA-2b-i -------------------------------------------------------------

case("ra2bi-no-reset",
     "RA-2b-i: S-2's application was deactivated but the secret never reset: not_satisfied.",
     {"remediations.csv": [drop("S-2,reset")]},
     ok({"RA-2a": ("not_satisfied", [("remediations.csv:2", "satisfied"),
                                     ("secrets.csv:3", "not_satisfied", None, "S-2")]),
         "RA-2b-i": ("not_satisfied", [("remediations.csv:2", "satisfied"),
                                       ("secrets.csv:3", "not_satisfied", None, "S-2")]),
         "RA-2b-ii": ("not_satisfied", [("secrets.csv:2", "satisfied"),
                                        ("secrets.csv:3", "not_satisfied", None, "2024-04-20")])}))

case("ra2bi-unused-not-deactivated",
     "RA-2b-i: S-2 has application_in_use=no and was reset but its application not deactivated.",
     {"remediations.csv": [drop("application_deactivated")]},
     ok({"RA-2b-i": ("not_satisfied", [("remediations.csv:2", "satisfied"),
                                       ("secrets.csv:3", "not_satisfied", None, "S-2")])}))

case("ra2bi-in-use-unspecified",
     "RA-2b-i: application_in_use empty: a reset suffices, no deactivation required.",
     {"secrets.csv": [rep(",Directory Sync,no,", ",Directory Sync,,")],
      "remediations.csv": [drop("application_deactivated")]},
     ok({"RA-2b-i": ("satisfied", [("remediations.csv:2", "satisfied"), ("remediations.csv:3", "satisfied")])}))

case("ra2bi-reset-late",
     "RA-2b-i: S-1 identified 2024-04-30T20:00-04:00 and rotated 2024-05-01T02:00-04:00: on time "
     "for RA-2a (6h), late for RA-2b-i by PT2H1S.",
     {"secrets.csv": [rep("2024-04-15T09:00:00-04:00", "2024-04-30T20:00:00-04:00")],
      "remediations.csv": [rep("2024-04-15T15:00:00-04:00", "2024-05-01T02:00:00-04:00")],
      # the reviews of svc-billing cover its exposure window up to the rotation
      "log-reviews.csv": [rep("2024-04-20T12:00:00Z,2024-04-25T12", "2024-05-01T06:00:00Z,2024-04-25T12"),
                          rep("2024-04-20T12:00:00Z,2024-04-25T13", "2024-05-01T06:00:00Z,2024-04-25T13"),
                          rep("2024-04-20T12:00:00Z,2024-04-25T14", "2024-05-01T06:00:00Z,2024-04-25T14")]},
     ok({"RA-2b-i": ("satisfied_late", [("remediations.csv:2", "satisfied_late", "PT2H1S"),
                                        ("remediations.csv:4", "satisfied")])}))

# ---- RA-2b-ii ------------------------------------------------------------

def ra2bii(billing, sync=("secrets.csv:3", "satisfied")):
    items = [billing, sync]
    order = ["not_satisfied", "insufficient_evidence", "satisfied_late", "satisfied"]
    worst = min((i[1] for i in items), key=order.index)
    return {"RA-2b-ii": (worst, items)}


case("ra2bii-no-token-issuance",
     "RA-2b-ii: svc-billing has no token_issuance review: not_satisfied.",
     {"log-reviews.csv": [drop("svc-billing@exa.gov,token_issuance")]},
     ok(ra2bii(("secrets.csv:2", "not_satisfied", None, "token_issuance"))))

case("ra2bii-no-sign-in",
     "RA-2b-ii: svc-sync has no sign_in review: not_satisfied.",
     {"log-reviews.csv": [drop("svc-sync@exa.gov,sign_in")]},
     ok(ra2bii(("secrets.csv:2", "satisfied"), ("secrets.csv:3", "not_satisfied", None, "sign_in"))))

case("ra2bii-no-audit-or-activity",
     "RA-2b-ii: svc-billing has neither an audit nor an activity review: not_satisfied.",
     {"log-reviews.csv": [drop("svc-billing@exa.gov,audit")]},
     ok(ra2bii(("secrets.csv:2", "not_satisfied", None, "audit"))))

case("ra2bii-audit-activity-together",
     "RA-2b-ii: audit covers the window's first part and activity the rest; they count as one source.",
     {"log-reviews.csv": [rep("audit,2024-01-10T12:00:00Z,2024-04-20T12:00:00Z",
                              "audit,2024-01-10T12:00:00Z,2024-03-01T12:00:00Z"),
                          add("svc-billing@exa.gov,activity,2024-03-01T12:00:00Z,2024-04-20T12:00:00Z,"
                              "2024-04-25T15:00:00-04:00,SOC Team,no_malicious_activity,")]},
     ok())

case("ra2bii-gap-between-reviews",
     "RA-2b-ii: two sign_in reviews leave 2024-02-01T12:00Z..2024-02-15T12:00Z uncovered.",
     {"log-reviews.csv": [rep("sign_in,2024-01-10T12:00:00Z,2024-04-20T12:00:00Z",
                              "sign_in,2024-01-10T12:00:00Z,2024-02-01T12:00:00Z"),
                          add("svc-billing@exa.gov,sign_in,2024-02-15T12:00:00Z,2024-04-20T12:00:00Z,"
                              "2024-04-25T15:00:00-04:00,SOC Team,no_malicious_activity,")]},
     ok(ra2bii(("secrets.csv:2", "not_satisfied", None, ["sign_in", "2024-02-01", "2024-02-15"]))))

case("ra2bii-gap-at-start",
     "RA-2b-ii: token_issuance reviewed from 2024-02-10T12:00Z, but the window opens at "
     "MSG-0001's sent_at 2024-01-15T14:02-05:00.",
     {"log-reviews.csv": [rep("token_issuance,2024-01-10T12:00:00Z", "token_issuance,2024-02-10T12:00:00Z")]},
     ok(ra2bii(("secrets.csv:2", "not_satisfied", None, ["token_issuance", "2024-01-15", "2024-02-10"]))))

case("ra2bii-gap-at-end",
     "RA-2b-ii: svc-sync's activity review stops 2024-04-15T12:00Z; its window closes at the "
     "reset, 2024-04-16T18:00-04:00.",
     {"log-reviews.csv": [rep("activity,2024-03-01T12:00:00Z,2024-04-20T12:00:00Z",
                              "activity,2024-03-01T12:00:00Z,2024-04-15T12:00:00Z")]},
     ok(ra2bii(("secrets.csv:2", "satisfied"),
               ("secrets.csv:3", "not_satisfied", None, ["activity", "2024-04-15", "2024-04-16"]))))

case("ra2bii-window-earliest-email",
     "RA-2b-ii: svc-sync's second secret S-3 came in MSG-0001 (sent 2024-01-15), so its window "
     "opens then, before its reviews (from 2024-03-01).",
     {"secrets.csv": [add("S-3,MSG-0001,client_secret,svc-sync@exa.gov,Directory Sync,yes,"
                          "2024-04-15T10:00:00-04:00")],
      "remediations.csv": [add("S-3,rotated,2024-04-15T11:00:00-04:00,K. Lee,Entra ID,CHG-104")]},
     ok({"RA-2a": ("satisfied", [("remediations.csv:2", "satisfied"), ("remediations.csv:3", "satisfied"),
                                 ("remediations.csv:5", "satisfied")]),
         "RA-2b-i": ("satisfied", [("remediations.csv:2", "satisfied"), ("remediations.csv:4", "satisfied"),
                                   ("remediations.csv:5", "satisfied")]),
         **ra2bii(("secrets.csv:2", "satisfied"),
                  ("secrets.csv:3", "not_satisfied", None, ["2024-01-15", "2024-03-01"]))},
        extra="no-item RA-2b-ii secrets.csv:4\n"))

case("ra2bii-window-latest-remediation",
     "RA-2b-ii: svc-sync's window closes at the latest first remediation of its secrets "
     "(S-3, 2024-04-22T12:00Z), after its reviews end (2024-04-20T12:00Z).",
     {"secrets.csv": [add("S-3,MSG-0003,client_secret,svc-sync@exa.gov,Directory Sync,yes,"
                          "2024-04-21T08:00:00-04:00")],
      "remediations.csv": [add("S-3,rotated,2024-04-22T08:00:00-04:00,K. Lee,Entra ID,CHG-106")]},
     ok({"RA-2a": ("satisfied", [("remediations.csv:2", "satisfied"), ("remediations.csv:3", "satisfied"),
                                 ("remediations.csv:5", "satisfied")]),
         "RA-2b-i": ("satisfied", [("remediations.csv:2", "satisfied"), ("remediations.csv:4", "satisfied"),
                                   ("remediations.csv:5", "satisfied")]),
         **ra2bii(("secrets.csv:2", "satisfied"),
                  ("secrets.csv:3", "not_satisfied", None, ["2024-04-20", "2024-04-22"]))}))

case("ra2bii-unremediated-window-covered",
     "RA-2b-ii: S-1 never remediated, so svc-billing's window runs to the deadline "
     "2024-05-01T03:59:59Z; reviews ending exactly then cover it.",
     {"remediations.csv": [drop("S-1,rotated")],
      "log-reviews.csv": [rep("2024-04-20T12:00:00Z,2024-04-25T12", "2024-05-01T03:59:59Z,2024-04-25T12"),
                          rep("2024-04-20T12:00:00Z,2024-04-25T13", "2024-05-01T03:59:59Z,2024-04-25T13"),
                          rep("2024-04-20T12:00:00Z,2024-04-25T14", "2024-05-01T03:59:59Z,2024-04-25T14")]},
     ok({"RA-2a": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "S-1"),
                                     ("remediations.csv:2", "satisfied")]),
         "RA-2b-i": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "S-1"),
                                       ("remediations.csv:3", "satisfied")])}))

case("ra2bii-unremediated-window-gap",
     "RA-2b-ii: S-1 never remediated; svc-billing's reviews stop 2024-04-20T12:00Z, before the "
     "deadline its window runs to.",
     {"remediations.csv": [drop("S-1,rotated")],
      "log-reviews.csv": [rep("2024-04-20T12:00:00Z,2024-04-25T12", "2024-05-01T03:59:59Z,2024-04-25T12"),
                          rep("2024-04-20T12:00:00Z,2024-04-25T14", "2024-05-01T03:59:59Z,2024-04-25T14")]},
     ok({"RA-2a": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "S-1"),
                                     ("remediations.csv:2", "satisfied")]),
         "RA-2b-i": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "S-1"),
                                       ("remediations.csv:3", "satisfied")]),
         **ra2bii(("secrets.csv:2", "not_satisfied", None, ["token_issuance", "2024-04-20"]))}))

case("ra2bii-suspicious-without-incident",
     "RA-2b-ii: a suspicious result without incident_id: not_satisfied.",
     {"log-reviews.csv": [rep("2024-04-25T12:00:00-04:00,SOC Team,no_malicious_activity,",
                              "2024-04-25T12:00:00-04:00,SOC Team,suspicious,")]},
     ok(ra2bii(("secrets.csv:2", "not_satisfied", None, "incident"))))

case("ra2bii-malicious-with-incident",
     "RA-2b-ii: a malicious result with its incident_id: the review was done, satisfied.",
     {"log-reviews.csv": [rep("2024-04-26T13:00:00-04:00,SOC Team,no_malicious_activity,",
                              "2024-04-26T13:00:00-04:00,SOC Team,malicious,INC-2024-0442")]},
     ok())

case("ra2bii-reviewed-late",
     "RA-2b-ii: svc-billing's audit review completed 2024-05-01T04:00:00-04:00: late by PT4H1S.",
     {"log-reviews.csv": [rep("2024-04-25T14:00:00-04:00", "2024-05-01T04:00:00-04:00")]},
     ok(ra2bii(("secrets.csv:2", "satisfied_late", "PT4H1S"))))

case("ra2bii-late-by-latest-review",
     "RA-2b-ii: two late reviews of svc-billing; the account is late by the later one (PT4H1S).",
     {"log-reviews.csv": [rep("2024-04-25T14:00:00-04:00", "2024-05-01T04:00:00-04:00"),
                          rep("2024-04-25T13:00:00-04:00", "2024-05-01T01:00:00-04:00")]},
     ok(ra2bii(("secrets.csv:2", "satisfied_late", "PT4H1S"))))

case("ra2bii-account-case-insensitive",
     "RA-2b-ii: the reviews name svc-billing's account in other letter case; user principal "
     "names are case-insensitive, so they still count.",
     {"log-reviews.csv": [lambda t: t.replace("svc-billing@exa.gov,", "SVC-Billing@EXA.gov,")]},
     ok())

case("ra2-no-secrets-file",
     "A notified bundle without secrets.csv, remediations.csv and log-reviews.csv whose "
     "findings hold no secret: no compromise detected, RA-2 not applicable.",
     {"secrets.csv": None, "remediations.csv": None, "log-reviews.csv": None,
      "findings.csv": [rep(",J. Smith,yes,high,", ",J. Smith,no,high,"),
                       rep(",K. Lee,yes,moderate,", ",K. Lee,no,moderate,")]},
     ok(NA_COMPROMISE))

# ---- RA-3a, RA-3b, RA-4 -------------------------------------------------

case("ra3a-missing",
     "RA-3a: no initial_report_submitted event: not_satisfied, cited as timeline.csv.",
     {"timeline.csv": [drop("initial_report_submitted")],
      "attachments/reports/cisa-initial-report.pdf": None},
     ok({"RA-1": ("satisfied", [("findings.csv:2", "satisfied"), ("findings.csv:3", "satisfied"),
                                ("findings.csv:4", "satisfied"), ("timeline.csv:5", "satisfied")]),
         "RA-3a": ("not_satisfied", [("timeline.csv", "not_satisfied")]),
         "RA-3b": ("satisfied", [("timeline.csv:7", "satisfied")]),
         "RA-4": ("satisfied", [("timeline.csv:6", "satisfied")])}))

case("ra3a-late",
     "RA-3a: initial report 2024-04-09T10:00:00-04:00: late by PT10H1S.",
     {"timeline.csv": [rep("2024-04-05T17:00:00-04:00", "2024-04-09T10:00:00-04:00")]},
     ok({"RA-3a": ("satisfied_late", [("timeline.csv:4", "satisfied_late", "PT10H1S")])}))

case("ra3a-earliest-report",
     "RA-3a: an on-time report and a later resubmission: the earliest is judged.",
     {"timeline.csv": [add("2024-04-12T09:00:00-04:00,initial_report_submitted,CISO Office,CISA-IR-2,resubmitted")]},
     ok(extra="no-item RA-3a timeline.csv:9\n"))

case("ra3b-missing",
     "RA-3b: no status_report_submitted event: not_satisfied, cited as timeline.csv.",
     {"timeline.csv": [drop("status_report_submitted")]},
     ok({"RA-3b": ("not_satisfied", [("timeline.csv", "not_satisfied")])}))

case("ra3b-late",
     "RA-3b: status report 2024-05-03T09:00:00-04:00, deadline 2024-05-01T23:59:00-04:00: P1DT9H1M late.",
     {"timeline.csv": [rep("2024-05-01T10:00:00-04:00", "2024-05-03T09:00:00-04:00")]},
     ok({"RA-3b": ("satisfied_late", [("timeline.csv:8", "satisfied_late", "P1DT9H1M")])}))

case("ra4-missing",
     "RA-4 is advisory: missing, it is not_satisfied, yet the overall result stays compliant (exit 0).",
     {"timeline.csv": [drop("privileged_access_review_completed")]},
     ok({"RA-3b": ("satisfied", [("timeline.csv:7", "satisfied")]),
         "RA-4": ("not_satisfied", [("timeline.csv", "not_satisfied")])}))

case("ra4-without-reference",
     "RA-4: the privileged access review event has no reference: not_satisfied (advisory).",
     {"timeline.csv": [rep("IAM Team,CHG-140,", "IAM Team,,")]},
     ok({"RA-4": ("not_satisfied", [("timeline.csv:7", "not_satisfied")])}))

case("ra4-missing-with-late",
     "RA-4 missing and RA-3a late: overall compliant_late (the advisory action does not count).",
     {"timeline.csv": [drop("privileged_access_review_completed"),
                       rep("2024-04-05T17:00:00-04:00", "2024-04-09T10:00:00-04:00")]},
     ok({"RA-3a": ("satisfied_late", [("timeline.csv:4", "satisfied_late", "PT10H1S")]),
         "RA-3b": ("satisfied", [("timeline.csv:7", "satisfied")]),
         "RA-4": ("not_satisfied", [("timeline.csv", "not_satisfied")])}))

case("overall-non-compliant-insufficient",
     "insufficient_evidence in a required action makes the result non_compliant (exit 1), "
     "even with the others late.",
     {"timeline.csv": [drop("impact_analysis_completed"),
                       rep("2024-04-05T17:00:00-04:00", "2024-04-09T10:00:00-04:00")]},
     ok({"RA-1": ("insufficient_evidence", [("findings.csv:2", "satisfied"), ("findings.csv:3", "satisfied"),
                                            ("findings.csv:4", "satisfied"),
                                            ("timeline.csv", "insufficient_evidence")]),
         "RA-3a": ("satisfied_late", [("timeline.csv:4", "satisfied_late", "PT10H1S")]),
         "RA-3b": ("satisfied", [("timeline.csv:7", "satisfied")]),
         "RA-4": ("satisfied", [("timeline.csv:6", "satisfied")])}))

# ---- not notified --------------------------------------------------------

NA_ALL = {a: ("not_applicable", [("manifest.xml", "not_applicable")]) for a in ORDER}
NN_TIMELINE = (
    "at,event,actor,reference,notes\n"
    "2024-04-11T09:00:00-04:00,other,CISO Office,,read the published directive; no notification received\n"
    "2024-04-15T10:00:00-04:00,other,CISO Office,,confirmed with CISA that the agency was not notified\n"
)

case("not-notified",
     "Agency not notified, timeline only: every action not_applicable (cited as manifest.xml), "
     "overall compliant, exit 0.",
     {"manifest.xml": MANIFEST_NOT_NOTIFIED, "findings.csv": None, "secrets.csv": None,
      "remediations.csv": None, "log-reviews.csv": None, "timeline.csv": NN_TIMELINE,
      "attachments/impact-analysis.pdf": None, "attachments/reports/cisa-initial-report.pdf": None},
     ok(NA_ALL))

case("not-notified-with-evidence",
     "Agency not notified but it sent the other files anyway (one email not reviewed): "
     "still every action not_applicable.",
     {"manifest.xml": MANIFEST_NOT_NOTIFIED,
      "findings.csv": [rep(",2024-04-21T11:00:00-04:00,J. Smith,no,", ",,,no,")]},
     ok(NA_ALL))

# ---- accepted oddities ------------------------------------------------------

case("accept-quoted-fields",
     "Quoted fields with commas, \"\" escapes and a newline: accepted.  MSG-0001's row spans "
     "lines 2-3, so MSG-0002 starts on line 4 and MSG-0003 (late) on line 5: a row's line is "
     "the physical line where it starts.",
     {"findings.csv": [rep(",API key pasted into a support case\n",
                           ",\"API key pasted into a support case, \"\"urgent\"\"\nsecond line, with a comma\"\n"),
                       rep("support@microsoft.com,ops@exa.gov;it@exa.gov,", "support@microsoft.com,\"ops@exa.gov;it@exa.gov\","),
                       rep("2024-04-22T12:00:00-04:00", "2024-05-01T00:00:00-04:00")],
      "secrets.csv": [rep(",Billing API,", ",\"Billing API, v2\",")]},
     ok({"RA-1": ("satisfied_late", [("findings.csv:2", "satisfied"), ("findings.csv:4", "satisfied"),
                                     ("findings.csv:5", "satisfied_late", "PT1S"),
                                     ("timeline.csv:6", "satisfied")])},
        extra="no-item RA-1 findings.csv:3\n"))

case("accept-bom",
     "A UTF-8 BOM before the header of findings.csv and timeline.csv: tolerated and skipped.",
     {"findings.csv": "\ufeff" + FINDINGS, "timeline.csv": "\ufeff" + TIMELINE},
     ok())

case("accept-crlf",
     "CRLF line ends in every CSV file; MSG-0003 (line 4) reviewed one second late.",
     {f: [rep("2024-04-22T12:00:00-04:00", "2024-05-01T00:00:00-04:00"), lambda t: t.replace("\n", "\r\n")]
      if f == "findings.csv" else [lambda t: t.replace("\n", "\r\n")]
      for f in ("findings.csv", "secrets.csv", "remediations.csv", "log-reviews.csv", "timeline.csv")},
     ok({"RA-1": ("satisfied_late", [("findings.csv:2", "satisfied"), ("findings.csv:3", "satisfied"),
                                     ("findings.csv:4", "satisfied_late", "PT1S"),
                                     ("timeline.csv:6", "satisfied")])}))


def reverse_columns(text):
    out = []
    for ln in text.split("\n"):
        out.append(",".join(reversed(ln.split(","))) if ln else ln)
    return "\n".join(out)


case("accept-column-order",
     "Every CSV file with its columns in reverse order: matched by name, same verdicts.",
     {f: [reverse_columns] for f in ("findings.csv", "secrets.csv", "remediations.csv",
                                     "log-reviews.csv", "timeline.csv")},
     ok())

case("accept-unknown-column",
     "An unknown column (findings.csv 'ticket'): a warning naming file, line 1 and column; not an error.",
     {"findings.csv": [lambda t: "\n".join((ln + (",ticket" if i == 0 else ",T-%d" % i)) if ln else ln
                                           for i, ln in enumerate(t.split("\n")))]},
     ok(extra="stderr~warning: findings.csv:1: ticket:\n"))

LONG_OK = "MSG-" + "\u00e9" * 126      # 256 bytes, 130 characters
LONG_BAD = "MSG-" + "\u00e9" * 127     # 258 bytes, 131 characters

case("accept-id-256-bytes",
     "An identifier of exactly 256 bytes (multibyte UTF-8): accepted.",
     {"findings.csv": [add(LONG_OK + ",2024-02-20T08:00:00-05:00,ops@exa.gov,support@microsoft.com,,"
                           "2024-04-23T09:00:00-04:00,J. Smith,no,none,")]},
     ok({"RA-1": ("satisfied", [("findings.csv:2", "satisfied"), ("findings.csv:3", "satisfied"),
                                ("findings.csv:4", "satisfied"), ("findings.csv:5", "satisfied"),
                                ("timeline.csv:6", "satisfied")])}))

SIGNINS = (
    "created_at,user_principal_name,app_display_name,ip_address,status,correlation_id,location,client_app,device_id\n"
    "2024-02-01T10:00:00Z,svc-billing@exa.gov,Billing API,203.0.113.10,success,6f1c2a8e-0001,US,Other clients,\n"
    "2024-02-02T10:00:00Z,svc-billing@exa.gov,Billing API,203.0.113.11,failure,6f1c2a8e-0002,NL,Other clients,\n"
    "2024-03-20T10:00:00Z,svc-sync@exa.gov,Directory Sync,198.51.100.7,success,6f1c2a8e-0003,US,Other clients,\n"
)

case("accept-signins-extra-columns",
     "signins.csv with the extra columns of a real export: ignored without a warning.",
     {"signins.csv": SIGNINS},
     ok(extra="not-anywhere~signins.csv:1\n"))

case("accept-no-final-newline",
     "The last row of every CSV file without a line end (RFC 4180 allows it).",
     {f: [lambda t: t.rstrip("\n")] for f in ("findings.csv", "secrets.csv", "remediations.csv",
                                             "log-reviews.csv", "timeline.csv")},
     ok())

case("accept-trailing-blank-line",
     "An empty last line after the final row (as many editors save it): ignored.",
     {"findings.csv": [lambda t: t + "\n"], "timeline.csv": [lambda t: t + "\r\n"]},
     ok())

case("accept-xml-special-characters",
     "Identifiers and names holding <, >, & and quotes reach the report escaped: "
     "report.xml stays well-formed and valid.",
     {"secrets.csv": [rep("S-1,MSG-0001,", "\"S-1 <a&b> \"\"q\"\" 'x'\",MSG-0001,")],
      "remediations.csv": [rep("S-1,rotated,2024-04-15T15:00:00-04:00,J. Smith,",
                               "\"S-1 <a&b> \"\"q\"\" 'x'\",rotated,2024-04-15T15:00:00-04:00,J. Smith & <Co>,")]},
     ok())

case("ra2a-remediations-file-missing",
     "remediations.csv absent although secrets were found: no remediation for any secret, "
     "so RA-2a and RA-2b-i are not_satisfied per secret (cited at secrets.csv).",
     {"remediations.csv": None},
     ok({"RA-2a": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "S-1"),
                                     ("secrets.csv:3", "not_satisfied", None, "S-2")]),
         "RA-2b-i": ("not_satisfied", [("secrets.csv:2", "not_satisfied", None, "S-1"),
                                       ("secrets.csv:3", "not_satisfied", None, "S-2")]),
         "RA-2b-ii": ("not_satisfied", None)}))

case("ra2bii-log-reviews-file-missing",
     "log-reviews.csv absent although secrets were found: every account misses every source.",
     {"log-reviews.csv": None},
     ok(ra2bii(("secrets.csv:2", "not_satisfied", None, ["sign_in", "token_issuance"]),
               ("secrets.csv:3", "not_satisfied", None, ["sign_in", "token_issuance"]))))

# ---- bad input in bundle folders (exit 2) ---------------------------------

case("bad-signins-enum",
     "signins.csv is checked too: a status that is neither success nor failure.",
     {"signins.csv": SIGNINS.replace(",failure,", ",failed,")},
     bad("signins.csv:3: status:"))

case("bad-signins-no-offset",
     "signins.csv: a created_at without an offset.",
     {"signins.csv": SIGNINS.replace("2024-03-20T10:00:00Z", "2024-03-20T10:00:00")},
     bad("signins.csv:4: created_at:"))

case("bad-timestamp-no-offset",
     "A timestamp without an offset is an error naming file, line and column.",
     {"findings.csv": [rep("2024-02-03T09:30:00-05:00", "2024-02-03T09:30:00")]},
     bad("findings.csv:3: sent_at:"))

case("bad-timestamp-out-of-range",
     "31 April does not exist.",
     {"findings.csv": [rep("2024-04-20T10:00:00-04:00", "2024-04-31T10:00:00-04:00")]},
     bad("findings.csv:2: reviewed_at:"))

case("bad-enum-unknown",
     "An unknown enumeration value (kind ssh_key).",
     {"secrets.csv": [rep(",api_key,", ",ssh_key,")]},
     bad("secrets.csv:2: kind:"))

case("bad-enum-uppercase",
     "Enumerations are lowercase exactly: 'High' is an error.",
     {"findings.csv": [rep(",yes,high,", ",yes,High,")]},
     bad("findings.csv:2: impact:"))

case("bad-enum-action",
     "An unknown remediation action ('deactivated').",
     {"remediations.csv": [rep(",application_deactivated,", ",deactivated,")]},
     bad("remediations.csv:4: action:"))

case("bad-enum-log-source",
     "An unknown log source ('signin').",
     {"log-reviews.csv": [rep("svc-billing@exa.gov,sign_in,", "svc-billing@exa.gov,signin,")]},
     bad("log-reviews.csv:2: log_source:"))

case("bad-enum-event",
     "An unknown timeline event ('report_submitted').",
     {"timeline.csv": [rep(",initial_report_submitted,", ",report_submitted,")]},
     bad("timeline.csv:4: event:"))

case("bad-enum-result",
     "An unknown log review result ('clean').",
     {"log-reviews.csv": [rep("2024-04-25T12:00:00-04:00,SOC Team,no_malicious_activity",
                              "2024-04-25T12:00:00-04:00,SOC Team,clean")]},
     bad("log-reviews.csv:2: result:"))

case("bad-duplicate-column",
     "A header naming the notes column twice.",
     {"findings.csv": [rep(",notes\n", ",notes,notes\n"), rep("support case\n", "support case,x\n"),
                       rep(",low,\n", ",low,,\n"), rep("ticket reply\n", "ticket reply,y\n")]},
     bad("findings.csv:1: notes:"))

case("bad-window-reversed",
     "A log review whose window ends before it starts.",
     {"log-reviews.csv": [rep("sign_in,2024-01-10T12:00:00Z,2024-04-20T12:00:00Z",
                              "sign_in,2024-04-20T12:00:00Z,2024-01-10T12:00:00Z")]},
     bad("log-reviews.csv:2: window_end:"))

case("bad-boolean",
     "Booleans are yes or no: 'false' and 'No' are errors, both reported.",
     {"findings.csv": [rep(",J. Smith,no,low,", ",J. Smith,false,low,")],
      "secrets.csv": [rep(",Directory Sync,no,", ",Directory Sync,No,")]},
     bad("findings.csv:3: contains_secret:", "secrets.csv:3: application_in_use:"))

case("bad-duplicate-id",
     "email_id MSG-0002 twice: the error cites the second occurrence.",
     {"findings.csv": [add("MSG-0002,2024-02-04T09:30:00-05:00,support@microsoft.com,ops@exa.gov,,"
                           "2024-04-21T11:00:00-04:00,J. Smith,no,low,duplicate")]},
     bad("findings.csv:5: email_id:"))

case("bad-duplicate-secret-id",
     "secret_id S-2 twice.",
     {"secrets.csv": [add("S-2,MSG-0001,token,svc-billing@exa.gov,Billing API,yes,2024-04-15T09:30:00-04:00")]},
     bad("secrets.csv:4: secret_id:"))

case("bad-id-too-long",
     "An identifier of 258 bytes (131 characters): over the 256-byte limit.",
     {"findings.csv": [add(LONG_BAD + ",2024-02-20T08:00:00-05:00,ops@exa.gov,support@microsoft.com,,"
                           "2024-04-23T09:00:00-04:00,J. Smith,no,none,")]},
     bad("findings.csv:5: email_id:"))

case("bad-id-empty",
     "An empty identifier (S-2's secret_id).",
     {"secrets.csv": [rep("S-2,MSG-0003,", ",MSG-0003,")]},
     bad("secrets.csv:3: secret_id:"))

case("bad-required-empty",
     "A required field left empty (sender).",
     {"findings.csv": [rep(",ops@exa.gov,support@microsoft.com,%s" % sha("Re: Billing API integration failing"),
                           ",,support@microsoft.com,%s" % sha("Re: Billing API integration failing"))]},
     bad("findings.csv:2: sender:"))

case("bad-missing-column",
     "findings.csv without its required impact column: an error on line 1.",
     {"findings.csv": [rep(",contains_secret,impact,notes", ",contains_secret,notes"),
                       rep(",yes,high,", ",yes,"), rep(",no,low,", ",no,"), rep(",yes,moderate,", ",yes,")]},
     bad("findings.csv:1: impact:"))

case("bad-missing-column-timeline",
     "timeline.csv without its required actor column.",
     {"timeline.csv": [lambda t: "\n".join(",".join(f for i, f in enumerate(ln.split(",")) if i != 2)
                                           if ln else ln for ln in t.split("\n"))]},
     bad("timeline.csv:1: actor:"))

case("bad-field-count",
     "A row with one field too many.",
     {"findings.csv": [rep(",J. Smith,no,low,\n", ",J. Smith,no,low,,extra\n")]},
     bad("findings.csv:3:"))

case("bad-unterminated-quote",
     "A quoted field never closed (it starts on line 4).",
     {"findings.csv": [rep(",service account password in a ticket reply", ",\"service account password")]},
     bad("findings.csv:4"))

case("bad-not-utf8",
     "Bytes that are not UTF-8 in a field.",
     {"findings.csv": [lambda t: t.replace(",J. Smith,no,low,\n", ",J. Smith,no,low,caf\udcff\n")]},
     bad("findings.csv:3: notes:"))

case("bad-dangling-secret-email",
     "A secret found in an email that is not in findings.csv.",
     {"secrets.csv": [rep("S-1,MSG-0001,", "S-1,MSG-9999,")]},
     bad("secrets.csv:2: email_id:", "MSG-9999"))

case("bad-secret-in-email-without-secret",
     "A secret found in MSG-0002, whose finding says contains_secret=no.",
     {"secrets.csv": [add("S-3,MSG-0002,password,it@exa.gov,,,2024-04-21T12:00:00-04:00")]},
     bad("secrets.csv:4: email_id:"))

case("bad-dangling-remediation",
     "A remediation of a secret that is not in secrets.csv.",
     {"remediations.csv": [rep("S-1,rotated,", "S-9,rotated,")]},
     bad("remediations.csv:2: secret_id:", "S-9"))

case("bad-dangling-attachment",
     "A timeline reference to an attachments/ file that is not in the bundle.",
     {"timeline.csv": [rep("attachments/impact-analysis.pdf", "attachments/impact-analysis-v2.pdf")]},
     bad("timeline.csv:6: reference:", "attachments/impact-analysis-v2.pdf"))

case("bad-finding-without-secret",
     "MSG-0002 says contains_secret=yes but no secret names it.",
     {"findings.csv": [rep(",J. Smith,no,low,", ",J. Smith,yes,low,")]},
     bad("findings.csv:3: contains_secret:"))

case("bad-several-errors",
     "Four errors in four files: every one is listed, not only the first.",
     {"findings.csv": [rep("2024-02-03T09:30:00-05:00", "2024-02-03T09:30:00")],
      "secrets.csv": [rep(",password,", ",pwd,")],
      "remediations.csv": [rep("S-1,rotated,", "S-9,rotated,")],
      "timeline.csv": [rep(",status_report_submitted,", ",Status_report_submitted,")]},
     bad("findings.csv:3: sent_at:", "secrets.csv:3: kind:", "remediations.csv:2: secret_id:",
         "timeline.csv:8: event:"))

# Manifest problems
FILES_AUTO = "".join('    <file path="%s" sha256="auto"/>\n' % n for n in sorted(BASE) if n != "manifest.xml")


def manifest_with_files(files_xml):
    return MANIFEST.replace("</bundle>", "  <files>\n%s  </files>\n</bundle>" % files_xml)


WRONG = sha("tampered")
REAL_FINDINGS = hashlib.sha256(FINDINGS.encode()).hexdigest()

case("bad-digest-mismatch",
     "findings.csv's digest in the manifest is not its content's: the error names both digests.",
     {"manifest.xml": manifest_with_files(FILES_AUTO.replace(
         '<file path="findings.csv" sha256="auto"/>', '<file path="findings.csv" sha256="%s"/>' % WRONG))},
     bad("findings.csv", WRONG, REAL_FINDINGS))

case("bad-listed-missing",
     "The manifest lists a file the ZIP does not hold.",
     {"manifest.xml": manifest_with_files(FILES_AUTO + '    <file path="attachments/missing.pdf" sha256="%s"/>\n'
                                          % sha("missing"))},
     bad("attachments/missing.pdf"))

case("bad-unlisted-entry",
     "An entry of the ZIP that the manifest does not list.",
     {"manifest.xml": manifest_with_files(FILES_AUTO.replace(
         '    <file path="attachments/reports/cisa-initial-report.pdf" sha256="auto"/>\n', ""))},
     bad("attachments/reports/cisa-initial-report.pdf"))

case("bad-unknown-entry",
     "A file outside the layout and not under attachments/ (listed in the manifest all the same).",
     {"notes.txt": "Internal notes that do not belong in the bundle.\n"},
     bad("notes.txt"))

case("bad-entry-wrong-case",
     "Entry names are case-sensitive: Findings.csv is an unknown entry.",
     {"findings.csv": None, "Findings.csv": FINDINGS},
     bad("Findings.csv"))

case("bad-unknown-directive",
     "A directive the tool has no definition for.",
     {"manifest.xml": [rep('directive="ED-24-02"', 'directive="ED-99-01"')]},
     bad("ED-99-01"))

case("bad-manifest-namespace",
     "The manifest in another namespace.",
     {"manifest.xml": [rep("urn:reportgen:bundle:1", "urn:reportgen:bundle:2")]},
     bad("manifest.xml"))

case("bad-manifest-created-no-offset",
     "The manifest's created timestamp without an offset.",
     {"manifest.xml": [rep('created="2024-05-02T09:00:00-04:00"', 'created="2024-05-02T09:00:00"')]},
     bad("manifest.xml", "created"))

case("bad-not-notified-with-received",
     "not-notified with a received date: those attributes must be absent.",
     {"manifest.xml": MANIFEST_NOT_NOTIFIED.replace('status="not-notified"',
                                                    'status="not-notified" received="2024-04-02T15:10:00-04:00"')},
     bad("manifest.xml", "received"))

case("bad-notification-status",
     "An unknown notification status.",
     {"manifest.xml": [rep('status="notified"', 'status="informed"')]},
     bad("manifest.xml", "informed"))

case("bad-manifest-malformed",
     "manifest.xml that is not well-formed XML (mismatched end tag).",
     {"manifest.xml": [rep("</bundle>", "</bundel>")]},
     bad("manifest.xml"))

case("bad-manifest-format-version",
     "A bundle of format version 2: this tool reads version 1 only.",
     {"manifest.xml": [rep('format="1"', 'format="2"')]},
     bad("manifest.xml", "format"))

case("bad-manifest-digest-format",
     "A digest written in uppercase hex: the format is 64 lowercase hex digits.",
     {"manifest.xml": manifest_with_files(FILES_AUTO.replace(
         '<file path="findings.csv" sha256="auto"/>',
         '<file path="findings.csv" sha256="%s"/>' % REAL_FINDINGS.upper()))},
     bad("manifest.xml", "sha256"))

case("bad-manifest-duplicate-file",
     "The manifest lists findings.csv twice.",
     {"manifest.xml": manifest_with_files(FILES_AUTO + '    <file path="findings.csv" sha256="auto"/>\n')},
     bad("manifest.xml", "findings.csv"))

case("bad-not-notified-with-source",
     "not-notified with a source and a reference: those attributes must be absent.",
     {"manifest.xml": [rep('status="notified" received="2024-04-02T15:10:00-04:00"', 'status="not-notified"')]},
     bad("manifest.xml", "source", "reference"))

case("bad-manifest-missing",
     "No manifest.xml at all.",
     {"manifest.xml": None},
     bad("manifest.xml"))

case("bad-timeline-missing",
     "timeline.csv is required.",
     {"timeline.csv": None},
     bad("timeline.csv"))


# ---- writing -------------------------------------------------------------

def apply(base, files):
    out = dict(base)
    for name, spec in files.items():
        if spec is None:
            out.pop(name, None)
        elif isinstance(spec, (str, bytes)):
            out[name] = spec
        else:
            t = out[name]
            for f in spec:
                t = f(t)
            out[name] = t
    return out


def write_case(name, comment, files, expect, base):
    folder = os.path.join(HERE, name)
    bundle = os.path.join(folder, "bundle")
    if os.path.exists(os.path.join(folder, "make.py")):
        raise SystemExit("%s has a make.py; author.py does not own it" % name)
    shutil.rmtree(bundle, ignore_errors=True)
    for member, content in apply(base, files).items():
        path = os.path.join(bundle, member)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8", errors="surrogateescape")
        with open(path, "wb") as fh:
            fh.write(content)
    with open(os.path.join(folder, "expect"), "w", encoding="utf-8") as fh:
        fh.write("# %s\n# (written by author.py from the specs; see README.md)\n" % comment)
        fh.write(expect)


def main():
    names = [c[0] for c in CASES]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SystemExit("duplicate case names: %s" % sorted(dup))
    for c in CASES:
        write_case(*c)
    print("wrote %d cases" % len(CASES))
    update_meson()


def update_meson():
    """Rewrites the case list of meson.build: every folder with an expect file."""
    names = sorted(d for d in os.listdir(HERE) if os.path.isfile(os.path.join(HERE, d, "expect")))
    path = os.path.join(HERE, "meson.build")
    with open(path) as fh:
        text = fh.read()
    start = text.index("case_names = [\n") + len("case_names = [\n")
    end = text.index("]\n", start)
    text = text[:start] + "".join("  '%s',\n" % n for n in names) + text[end:]
    with open(path, "w") as fh:
        fh.write(text)
    print("meson.build lists %d cases" % len(names))


if __name__ == "__main__":
    main()
