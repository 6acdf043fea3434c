#!/usr/bin/env python3
"""tests/fuzz/make-seeds.py: writes the hand-made seed inputs of the fuzz
corpora (tests/fuzz/corpus/) and the bundles of tests/limits/.

Seeds are small, valid or nearly valid inputs, so the fuzzers start deep in
the code instead of at the ZIP signature check: a complete notified bundle,
a not-notified one, one with signins.csv and an attachment, and hostile
cases the reader must refuse (path traversal, symlink, encrypted flag,
duplicate names, unlisted entries, wrong digest, a small deflate bomb,
a DOCTYPE with entities); for fuzz_pdf_post, the smallest PDF in the shape
cairo 1.16 writes (one page, one P element, a parent tree), which the
rewrite accepts.  The packed sample bundles are added with
--samples BUILDDIR/samples (the zips `reportgen pack` made in the build).

    make-seeds.py CORPUSDIR [--samples BUILDDIR/samples]

Deterministic: fixed timestamps in the ZIP headers, sorted inputs, so
rerunning it rewrites identical files.
"""
import hashlib
import os
import shutil
import sys
import zipfile
import zlib

STAMP = (2024, 5, 1, 12, 0, 0)

FINDINGS = (
    "email_id,sent_at,sender,recipients,subject_sha256,reviewed_at,reviewer,contains_secret,impact,notes\r\n"
    "MSG-0001,2024-01-15T09:12:00-05:00,a@partner.example,ops@agency.gov;b@agency.gov,"
    + "ab" * 32 + ",2024-04-10T14:00:00-04:00,J. Smith,yes,high,\"service account, password\"\r\n"
    "MSG-0002,2024-01-16T10:00:00Z,c@partner.example,ops@agency.gov,,2024-04-11T09:00:00-04:00,J. Smith,no,none,\r\n"
)
SECRETS = (
    "secret_id,email_id,kind,account,application,application_in_use,identified_at\n"
    "S-1,MSG-0001,password,svc-backup@agency.gov,Backup Portal,yes,2024-04-10T15:00:00-04:00\n"
    "S-2,MSG-0001,api_key,svc-api@agency.gov,Legacy API,no,2024-04-10T15:05:00-04:00\n"
)
REMEDIATIONS = (
    "secret_id,action,performed_at,performed_by,system,ticket\n"
    "S-1,reset,2024-04-11T09:00:00-04:00,IAM team,Entra ID,CHG-1\n"
    "S-2,revoked,2024-04-11T10:00:00-04:00,IAM team,API gateway,CHG-2\n"
    "S-2,application_deactivated,2024-04-12T10:00:00-04:00,App team,Legacy API,CHG-3\n"
)
LOG_REVIEWS = (
    "account,log_source,window_start,window_end,reviewed_at,reviewer,result,incident_id\n"
    "svc-backup@agency.gov,sign_in,2024-01-01T00:00:00Z,2024-04-12T00:00:00Z,2024-04-15T12:00:00Z,SOC,no_malicious_activity,\n"
    "svc-backup@agency.gov,audit,2024-01-01T00:00:00Z,2024-04-12T00:00:00Z,2024-04-15T12:00:00Z,SOC,no_malicious_activity,\n"
    "svc-api@agency.gov,token_issuance,2024-01-01T00:00:00Z,2024-04-12T00:00:00Z,2024-04-15T12:00:00Z,SOC,suspicious,INC-7\n"
)
TIMELINE = (
    "at,event,actor,reference,notes\n"
    "2024-04-02T15:10:00-04:00,notification_received,CISO,MB-2024-0417,\n"
    "2024-04-03T09:00:00-04:00,analysis_started,SOC,,\n"
    "2024-04-12T17:00:00-04:00,analysis_completed,SOC,,\n"
    "2024-04-20T12:00:00-04:00,impact_analysis_completed,SOC,attachments/impact-analysis.pdf,\n"
    "2024-04-22T12:00:00-04:00,privileged_access_review_completed,IAM team,,\n"
    "2024-04-08T12:00:00-04:00,initial_report_submitted,CISO,CISA-123,\n"
    "2024-04-30T12:00:00-04:00,status_report_submitted,CISO,CISA-124,\n"
)
SIGNINS = (
    "created_at,user_principal_name,app_display_name,ip_address,status,correlation_id,extra\n"
    "2024-04-05T10:00:00Z,svc-backup@agency.gov,Backup Portal,203.0.113.5,success,c1,x\n"
    "2024-04-05T11:00:00Z,svc-backup@agency.gov,Backup Portal,203.0.113.6,failure,c2,x\n"
    "2024-04-13T11:00:00Z,svc-api@agency.gov,Legacy API,198.51.100.7,success,c3,x\n"
)
TIMELINE_MIN = (
    "at,event,actor,reference,notes\n"
    "2024-05-01T09:00:00-04:00,other,CISO,,\"not notified; nothing to do\"\n"
)
ATTACHMENT = b"%PDF-1.4\n% impact analysis placeholder\n%%EOF\n"


def manifest(files, notified=True, extra=""):
    note = ('<notification status="notified" received="2024-04-02T15:10:00-04:00" '
            'source="microsoft" reference="MB-2024-0417"/>' if notified
            else '<notification status="not-notified"/>')
    lines = "".join('    <file path="%s" sha256="%s"/>\n'
                    % (getattr(p, "filename", p), hashlib.sha256(b).hexdigest())
                    for p, b in files)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n%s'
            '<bundle xmlns="urn:reportgen:bundle:1" format="1" directive="ED-24-02"\n'
            '        created="2024-05-01T17:30:00-04:00">\n'
            '  <agency id="EXA" name="Example Agency" component="Office of the CIO"/>\n'
            '  <contact name="Pat Doe" role="CISO" email="ciso@example.gov"/>\n'
            '  %s\n  <files>\n%s  </files>\n</bundle>\n' % (extra, note, lines)).encode()


def write_zip(path, entries, compress=zipfile.ZIP_DEFLATED):
    """entries: (name, bytes) or (ZipInfo, bytes)."""
    with zipfile.ZipFile(path, "w", compress) as z:
        for name, data in entries:
            info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name, STAMP)
            if not isinstance(name, zipfile.ZipInfo):
                info.compress_type = compress
            z.writestr(info, data)


def set_flag(path, name, bit):
    """Sets a general purpose flag bit of one entry in both headers (zipfile
    clears flag_bits it does not implement, such as encryption)."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    raw = name.encode()
    for sig, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = data.find(sig)
        while at >= 0:
            if data[at + name_at:at + name_at + len(raw)] == raw:
                data[at + flag_at] |= bit
            at = data.find(sig, at + 4)
    with open(path, "wb") as f:
        f.write(data)


def bundle(files, notified=True, extra=""):
    return [("manifest.xml", manifest(files, notified, extra))] + list(files)


def full_files():
    return [("findings.csv", FINDINGS.encode()), ("secrets.csv", SECRETS.encode()),
            ("remediations.csv", REMEDIATIONS.encode()), ("log-reviews.csv", LOG_REVIEWS.encode()),
            ("timeline.csv", TIMELINE.encode()),
            ("attachments/impact-analysis.pdf", ATTACHMENT)]


def minimal_pdf():
    """One page as cairo writes it: catalog, page tree, structure tree root
    with one Document holding one P, its parent tree, a compressed content
    stream with one tagged and one untagged run."""
    content = zlib.compress(b"0 0 m 10 10 l S\n/P <</MCID 0>> BDC 0 0 m 1 1 l S EMC\n")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 3 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /StructTreeRoot /K [6 0 R] /ParentTree 7 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
        b" /StructParents 0 >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
        + b"\nendstream",
        b"<< /Type /StructElem /S /Document /P 3 0 R /K [8 0 R] >>",
        b"<< /Nums [0 [8 0 R]] >>",
        b"<< /Type /StructElem /S /P /P 6 0 R /Pg 4 0 R /K 0 >>",
    ]
    out = bytearray(b"%PDF-1.5\n%\xb5\xed\xae\xfb\n")
    offsets = []
    for n, value in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + value + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def main():
    out = sys.argv[1]
    samples = sys.argv[sys.argv.index("--samples") + 1] if "--samples" in sys.argv else None
    b = os.path.join(out, "bundle")
    m = os.path.join(out, "manifest")
    c = os.path.join(out, "csv")
    pp = os.path.join(out, "pdf_post")
    for d in (b, m, c, pp):
        os.makedirs(d, exist_ok=True)

    # fuzz_pdf_post: two parameter bytes (no link, one chunk), then the PDF.
    with open(os.path.join(pp, "seed-minimal"), "wb") as f:
        f.write(b"\0\0" + minimal_pdf())

    full = full_files()
    write_zip(os.path.join(b, "seed-full.zip"), bundle(full))
    write_zip(os.path.join(b, "seed-full-stored.zip"), bundle(full), zipfile.ZIP_STORED)
    withsi = full + [("signins.csv", SIGNINS.encode())]
    write_zip(os.path.join(b, "seed-signins.zip"), bundle(withsi))
    tl = [("timeline.csv", TIMELINE_MIN.encode())]
    write_zip(os.path.join(b, "seed-not-notified.zip"), bundle(tl, notified=False))
    # Hostile or broken: each must be refused with a diagnostic.
    write_zip(os.path.join(b, "seed-traversal.zip"), bundle(tl) + [("../evil.csv", b"x\n")])
    write_zip(os.path.join(b, "seed-unlisted.zip"), bundle(tl) + [("notes.txt", b"x\n")])
    bad = [("timeline.csv", TIMELINE_MIN.encode() + b"2024-04-30T12:00:00,other,x,,\n")]
    write_zip(os.path.join(b, "seed-bad-digest.zip"),
              [("manifest.xml", manifest(tl))] + bad)
    write_zip(os.path.join(b, "seed-bad-rows.zip"), bundle(bad))
    link = zipfile.ZipInfo("attachments/link", STAMP)
    link.create_system = 3
    link.external_attr = (0o120777 << 16)
    write_zip(os.path.join(b, "seed-symlink.zip"), bundle(tl) + [(link, b"/etc/passwd")])
    enc = zipfile.ZipInfo("attachments/secret.bin", STAMP)
    write_zip(os.path.join(b, "seed-encrypted-flag.zip"),
              bundle(tl + [(enc, b"\0" * 64)]))
    set_flag(os.path.join(b, "seed-encrypted-flag.zip"), "attachments/secret.bin", 0x1)
    write_zip(os.path.join(b, "seed-bomb.zip"),
              bundle(tl + [("attachments/zeros.bin", b"\0" * (2 << 20))]))
    doctype = '<!DOCTYPE bundle [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    write_zip(os.path.join(b, "seed-doctype.zip"), bundle(tl, extra=doctype))
    write_zip(os.path.join(b, "seed-empty.zip"), [])

    with open(os.path.join(m, "seed-full.xml"), "wb") as f:
        f.write(manifest(full))
    with open(os.path.join(m, "seed-not-notified.xml"), "wb") as f:
        f.write(manifest(tl, notified=False))
    with open(os.path.join(m, "seed-doctype.xml"), "wb") as f:
        f.write(manifest(tl, extra=doctype))
    with open(os.path.join(m, "seed-deep.xml"), "wb") as f:
        f.write(b'<bundle xmlns="urn:reportgen:bundle:1">' + b"<a>" * 100 + b"</a>" * 100
                + b"</bundle>")

    for name, data in full[:5] + [("signins.csv", SIGNINS.encode())]:
        with open(os.path.join(c, "seed-" + name), "wb") as f:
            f.write(data)

    if samples and os.path.isdir(samples):
        # The packed sample bundles (build/samples/*.zip, made by reportgen
        # pack so their digests are right); big ones would only slow the
        # fuzzer down.
        for name in sorted(os.listdir(samples)):
            p = os.path.join(samples, name)
            if name.endswith(".zip") and os.path.getsize(p) <= 64 * 1024:
                shutil.copyfile(p, os.path.join(b, "sample-" + name))
                with zipfile.ZipFile(p) as z:
                    stem = name[:-4]
                    with open(os.path.join(m, "sample-%s.xml" % stem), "wb") as f:
                        f.write(z.read("manifest.xml"))
                    for member in ("findings.csv", "log-reviews.csv"):
                        if member in z.namelist():
                            with open(os.path.join(c, "sample-%s-%s" % (stem, member)), "wb") as f:
                                f.write(z.read(member))

if __name__ == "__main__":
    main()
