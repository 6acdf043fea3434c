#!/usr/bin/env python3
"""test_sign.py: signing and `reportgen verify`, checked with independent tools.

Usage: test_sign.py SIGN_TOOL SOURCE_ROOT [PDF_RENDER_FIXTURE MKXML]   (meson test runs it)

Every check states a user-visible behaviour: what pdfsig (poppler), qpdf and
xmlsec1 say about reportgen's signatures, what `reportgen verify` prints and
returns for genuine reports and for each attack on them, and that a refused
key leaves the report untouched.  A failed check is printed and the script
exits 1 after running all of them.

Independent of the date and the machine: every file is signed at a fixed
time (--time, SOURCE_DATE_EPOCH for the renderers), the fixtures have fixed
dates, verify checks certificates at the signing time, and every position a
byte is flipped at is derived from the file's structure (its objects, the
signature dictionary, the CMS and its signed attributes, the XML elements),
never from its size.  The attack files are built here from genuine signed
output.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from signtest import (CHAIN, PKI, ROOT, T2024, TPKI, check, failures, first_line, pdfsig_ok,
                      read, run, sweep, write, xmlsec_ok)

TOOL, SRC = sys.argv[1], sys.argv[2]
RENDER = sys.argv[3] if len(sys.argv) > 4 else None
MKXML = sys.argv[4] if len(sys.argv) > 4 else None
XSD = os.path.join(SRC, "templates", "report.xsd")
XML_FIXTURE = os.path.join(SRC, "tests", "sign", "fixtures", "report.xml")
T_LAPSED = "1706745600"  # 2024-02-01T00:00:00Z, inside lapsed.pem's validity
SIGNER = ["--key", os.path.join(PKI, "signer.key"), "--cert", os.path.join(PKI, "signer.pem"),
          "--chain", CHAIN]
EC = ["--key", os.path.join(TPKI, "ec-signer.key"), "--cert", os.path.join(TPKI, "ec-signer.pem"),
      "--chain", CHAIN]
NO_ANCHORS = "signer not trusted: no trust anchors given"


def have(tool):
    return shutil.which(tool) is not None


def test_cert(name):
    return ["--key", os.path.join(TPKI, name + ".key"), "--cert", os.path.join(TPKI, name + ".pem")]


def sign(path, *extra, env=None, time=T2024, signer=SIGNER):
    # The adbe.pkcs7.detached form (signingTime in the CMS), which the attacks
    # below rebuild with the test tool; the PAdES default is test_pkcs11.py's.
    return run(TOOL, "sign", path, *signer, "--time", time, "--no-pades", *extra, env=env)


def forge(path, signer, time=T2024, chain=CHAIN):
    """Signs like reportgen but without its refusals of the certificate."""
    return run(TOOL, "forge", path, *signer, *(["--chain", chain] if chain else []), "--time", time)


def recms(path, *extra, signer=SIGNER, time=T2024):
    return run(TOOL, "recms", path, *signer, "--time", time, *extra)


def verify(*files, ca=ROOT, env=None):
    cas = [ca] if isinstance(ca, str) else (ca or [])
    return run(TOOL, "verify", *files, *[a for c in cas for a in ("--ca", c)], env=env)


def flipped(src, dst, pos, bit=0x01):
    b = bytearray(read(src))
    b[pos] ^= bit
    write(dst, bytes(b))


def at(data, positions, bits=(0x01,)):
    """(position, byte with the bits flipped) for each position."""
    return [(p, data[p] ^ b) for p in positions if 0 <= p < len(data) for b in bits]


# --- structure of a signed PDF ----------------------------------------------------

def der_tlv(b, i):
    """(tag, start of content, content length, end) of the DER element at i."""
    tag, n = b[i], b[i + 1]
    if n < 0x80:
        return tag, i + 2, n, i + 2 + n
    k = n & 0x7F
    length = int.from_bytes(b[i + 2:i + 2 + k], "big")
    return tag, i + 2 + k, length, i + 2 + k + length


def der_children(b, start, end):
    out, i = [], start
    while i < end:
        t = der_tlv(b, i)
        out.append((i,) + t)
        i = t[3]
    return out


def cms_layout(der):
    """Offsets in the CMS DER of the signed attributes [start, end) and of
    the encapsulated content type."""
    _, c0, _, e0 = der_tlv(der, 0)                      # ContentInfo
    ci = der_children(der, c0, e0)                      # contentType, [0]
    _, c1, _, e1 = der_tlv(der, ci[1][2])               # [0] -> SignedData
    sd = der_children(der, c1, e1)
    encap = sd[2]
    sinfos = [x for x in sd if x[1] == 0x31][-1]        # signerInfos SET
    si = der_children(der, sinfos[2], sinfos[4])[0]     # the SignerInfo
    sic = der_children(der, si[2], si[4])
    attrs = [x for x in sic if x[1] == 0xA0][0]
    return {"attrs": (attrs[0], attrs[4]), "econtent": (encap[0], encap[4])}


def pdf_signature(data):
    """Where the last /Contents hex string and its DER are."""
    ct = data.rindex(b"/Contents <") + len(b"/Contents <")
    end = data.index(b">", ct)
    der = bytes.fromhex(data[ct:end].decode())
    return ct, end, der


def pdf_structure_positions(data, signed_from):
    """Positions at every structural element: the header, each object's
    number, keyword and body, each xref table and trailer, startxref, %%EOF,
    and every byte of the signing update outside /Contents."""
    pos = set(range(0, 16))
    for m in re.finditer(rb"\d+ \d+ obj", data):
        s = m.start()
        e = data.find(b"endobj", s)
        pos.update([s, m.end() - 1, (s + e) // 2 if e > 0 else s, e - 2 if e > 0 else s])
    for key in (rb"xref", rb"trailer", rb"startxref", rb"%%EOF", rb"/Root", rb"/Size",
                rb"/Prev", rb"/ID", rb"/Info", rb"stream"):
        for m in re.finditer(key, data):
            pos.update(range(m.start(), min(len(data), m.end() + 12)))
    ct, end, _ = pdf_signature(data)
    pos.update(p for p in range(signed_from, len(data)) if not ct <= p < end)
    pos.update([ct - 1, end])  # the < and > of /Contents
    return sorted(pos)


def cms_changes(data):
    """Every byte of the CMS changed (its low and its high hex digit, one file
    byte each), and every bit of the signed attributes."""
    ct, end, der = pdf_signature(data)
    lay = cms_layout(der)
    out = []
    for i, byte in enumerate(der):
        bits = range(8) if lay["attrs"][0] <= i < lay["attrs"][1] else (0, 4)
        for bit in bits:
            nb = byte ^ (1 << bit)
            hx = b"%02X" % nb
            k = 0 if bit >= 4 else 1
            out.append((ct + 2 * i + k, hx[k]))
    return out, lay, len(der)


# --- PDF ---------------------------------------------------------------------------

def pdf_basics(j):
    rc, out, err = run(TOOL, "mkpdf", j("plain.pdf"), "3", "--update")
    check(rc == 0, "mkpdf makes a fixture", err)
    shutil.copy(j("plain.pdf"), j("a.pdf"))
    rc, out, err = sign(j("a.pdf"))
    check(rc == 0, "sign a cairo PDF", err)
    if have("pdfsig"):
        ok, msg = pdfsig_ok(j("a.pdf"))
        check(ok, "pdfsig: signature valid, total document signed", msg)
    if have("qpdf"):
        rc, out, err = run("qpdf", "--check", j("a.pdf"))
        check(rc == 0, "qpdf --check passes on the signed PDF", out + err)
    rc, out, err = verify(j("a.pdf"))
    check(rc == 0 and first_line(out, j("a.pdf")) == "valid" and "the whole file" in out and
          "2024-04-01T00:00:00Z" in out and "reportgen DEMO Report Signer" in out and
          "chains to CN=reportgen DEMO Root CA" in out, "verify --ca accepts the signed PDF",
          out + err)
    rc, out, err = verify(j("a.pdf"), ca=None)
    check(rc == 1 and NO_ANCHORS in first_line(out, j("a.pdf")) and "the whole file" in out,
          "verify without anchors: intact, but the signer is not trusted (exit 1)", out)
    rc, out, err = verify(j("a.pdf"), ca=None, env={"REPORTGEN_CA": ROOT})
    check(rc == 0, "verify with REPORTGEN_CA naming the root: valid", out + err)
    os.mkdir(j("store"))
    shutil.copy(ROOT, j("store/root.pem"))
    write(j("store/README"), b"not a certificate\n")
    rc, out, err = verify(j("a.pdf"), ca=None, env={"REPORTGEN_CA": j("store")})
    check(rc == 0, "verify with REPORTGEN_CA naming a folder of PEM files: valid", out + err)
    rc, out, err = verify(j("a.pdf"), ca=ROOT, env={"REPORTGEN_CA": os.path.join(TPKI, "nods.pem")})
    check(rc == 0, "--ca overrides REPORTGEN_CA", out + err)
    rc, out, err = verify(j("a.pdf"), ca=[os.path.join(TPKI, "nods.pem"), ROOT])
    check(rc == 0, "--ca is repeatable: any of the anchors may be reached", out + err)
    rc, out, err = verify(j("a.pdf"), ca=os.path.join(PKI, "intermediate.pem"))
    check(rc == 0 and "chains to CN=reportgen DEMO Intermediate" in out,
          "verify --ca with the intermediate as the anchor", out)
    rc, out, err = verify(j("a.pdf"), ca=os.path.join(TPKI, "nods.pem"))
    check(rc == 1 and "NOT TRUSTED: signer not trusted: the chain does not reach a trust anchor"
          in out, "verify with other anchors: not trusted, exit 1, with the reason", out)

    # cairo's own output, without a previous update
    rc, _, err = run(TOOL, "mkpdf", j("c.pdf"), "2")
    rc2, _, err2 = sign(j("c.pdf"))
    check(rc == 0 and rc2 == 0, "sign a PDF with a single revision", err + err2)
    if have("pdfsig"):
        ok, msg = pdfsig_ok(j("c.pdf"))
        check(ok, "pdfsig accepts a signed single-revision PDF", msg)

    # a hand-made PDF with an indirect /Annots and a nested page tree
    write(j("hand.pdf"), handmade_pdf())
    if have("qpdf"):
        rc, out, err = run("qpdf", "--check", j("hand.pdf"))
        check(rc == 0, "the hand-made fixture is a sound PDF", out + err)
    rc, out, err = sign(j("hand.pdf"))
    check(rc == 0, "sign a PDF with an indirect /Annots and a nested page tree", err)
    h = read(j("hand.pdf"))
    check(b"/Annots [7 0 R " in h and b"<0123456789abcdef0123456789abcdef> <" in h,
          "the existing annotation is kept beside the signature field, and the first /ID")
    if have("pdfsig"):
        ok, msg = pdfsig_ok(j("hand.pdf"))
        check(ok, "pdfsig accepts the signed hand-made PDF", msg)
    if have("qpdf"):
        rc, out, err = run("qpdf", "--check", j("hand.pdf"))
        check(rc == 0, "qpdf --check passes on the signed hand-made PDF", out + err)
    rc, out, err = verify(j("hand.pdf"))
    check(rc == 0, "verify accepts the signed hand-made PDF", out + err)

    # PDFs reportgen does not write are refused clearly and left alone
    if have("qpdf"):
        for what, args, expect in (
                ("an encrypted PDF", ["--object-streams=disable", "--encrypt", "", "owner", "256", "--"],
                 "encrypted"),
                ("a PDF with a cross-reference stream", ["--object-streams=generate"],
                 "cross-reference stream")):
            run("qpdf", *args, j("plain.pdf"), j("other.pdf"))
            before = read(j("other.pdf"))
            rc, out, err = sign(j("other.pdf"))
            check(rc == 3 and expect in err and read(j("other.pdf")) == before,
                  "signing %s is refused (%s) and changes nothing" % (what, expect), err)

    # signing twice is refused, and leaves the signed file as it was
    before = read(j("a.pdf"))
    rc, out, err = sign(j("a.pdf"))
    check(rc == 3 and "already has a form" in err and read(j("a.pdf")) == before,
          "signing a signed PDF again is refused and changes nothing", err)

    # the PDF view's real output: report.pdf and summary.pdf
    if RENDER:
        os.mkdir(j("real"))
        rc, out, err = run(RENDER, "gaps", "40", j("real"))
        check(rc == 0, "the PDF view renders its fixture", err)
        for name in ("report.pdf", "summary.pdf"):
            p = os.path.join(j("real"), name)
            rc, out, err = sign(p)
            check(rc == 0, "sign the view's %s" % name, err)
            if have("pdfsig"):
                ok, msg = pdfsig_ok(p)
                check(ok, "pdfsig accepts the signed %s" % name, msg)
            if have("qpdf"):
                rc, out, err = run("qpdf", "--check", p)
                check(rc == 0, "qpdf --check passes on the signed %s" % name, out + err)
            rc, out, err = verify(p)
            check(rc == 0, "verify --ca accepts the signed %s" % name, out + err)

    # without --chain the intermediate is missing: intact but not trusted
    shutil.copy(j("plain.pdf"), j("nochain.pdf"))
    sign(j("nochain.pdf"), signer=SIGNER[:4])
    rc, out, _ = verify(j("nochain.pdf"))
    check(rc == 1 and "NOT TRUSTED" in out and "does not reach" in out,
          "without the chain embedded, verify --ca says not trusted", out)

    # ECDSA
    shutil.copy(j("plain.pdf"), j("ec.pdf"))
    rc, out, err = sign(j("ec.pdf"), signer=EC)
    check(rc == 0, "sign a PDF with an ECDSA P-256 key", err)

    # reproducible
    shutil.copy(j("plain.pdf"), j("a2.pdf"))
    sign(j("a2.pdf"))
    check(read(j("a.pdf")) == read(j("a2.pdf")), "two PDF signings at a fixed time are byte-identical")
    shutil.copy(j("plain.pdf"), j("a3.pdf"))
    sign(j("a3.pdf"), time=str(int(T2024) + 1))
    check(read(j("a.pdf")) != read(j("a3.pdf")), "another signing time gives another file")


def pdf_flips(j):
    signed = read(j("a.pdf"))
    plain_len = len(read(j("plain.pdf")))
    ct, end, der = pdf_signature(signed)
    # named places, each also checked with pdfsig
    named = {
        "header": 5,
        "content stream": signed.index(b"stream\n") + 40,
        "first xref table": signed.index(b"xref\n") + 12,
        "ByteRange": signed.rindex(b"/ByteRange [") + 14,
        "signature dictionary /SubFilter": signed.rindex(b"/SubFilter") + 5,
        "CMS start": ct + 3,
        "signature value (end of the CMS)": end - 7,
        "last trailer": signed.rindex(b"trailer") + 12,
        "startxref": signed.rindex(b"startxref") + 11,
        "%%EOF": len(signed) - 3,
    }
    lay = cms_layout(der)
    e0, e1 = lay["econtent"]
    named["encapsulated content type OID (its last byte)"] = ct + 2 * (e1 - 1) + 1
    for what, pos in named.items():
        flipped(j("a.pdf"), j("f.pdf"), pos)
        rc, out, _ = verify(j("f.pdf"))
        check(rc == 1 and first_line(out, j("f.pdf")),
              "verify refuses the PDF with a flipped byte in the %s" % what, out)
        if have("pdfsig") and "content type" not in what:
            ok, msg = pdfsig_ok(j("f.pdf"))
            check(not ok, "pdfsig refuses the PDF with a flipped byte in the %s" % what, msg)
    # the encapsulated content type: the flip poppler misses (issue 9)
    der2 = bytearray(der)
    der2[e1 - 1] ^= 0x01
    f = bytearray(signed)
    f[ct:ct + 2 * len(der)] = der2.hex().upper().encode()
    write(j("ect.pdf"), bytes(f))
    rc, out, _ = verify(j("ect.pdf"))
    check(rc == 1 and "encapsulated content type is 1.2.840.113549.1.7.0, not id-data" in out,
          "verify refuses another encapsulated content type, naming it", out)

    changes, missed = sweep(j, "a.pdf", cms_changes(signed)[0], verify)
    check(len(changes) > 8 * (lay["attrs"][1] - lay["attrs"][0]) and not missed,
          "verify refuses every one of %d one-byte changes of the CMS (every byte, every bit of "
          "the signed attributes)" % len(changes), "accepted: %s" % missed[:20])
    positions = pdf_structure_positions(signed, plain_len)
    changes, missed = sweep(j, "a.pdf", at(signed, positions), verify)
    check(len(changes) > 300 and not missed,
          "verify refuses every one of %d flips at the PDF's structure (header, each object, "
          "xref, trailers, the whole signing update)" % len(changes), "accepted: %s" % missed[:20])
    # and a spread over the rest: every page object's content, 1 in 97 bytes
    changes, missed = sweep(j, "a.pdf", at(signed, range(0, plain_len, 97)), verify)
    check(not missed, "verify refuses every one of %d flips spread over the original PDF"
          % len(changes), "accepted: %s" % missed[:20])

    # appended after the signed revision
    write(j("app.pdf"), signed + b"% appended after signing\n")
    rc, out, _ = verify(j("app.pdf"))
    check(rc == 1 and "PARTLY SIGNED: 25 bytes were added after the signed revision" in out and
          "NOT the whole file" in out, "verify reports appended bytes as partly signed", out)
    if have("pdfsig"):
        rc, out, err = run("pdfsig", "-nocert", "-no-ocsp", j("app.pdf"))
        check("Total document signed" not in out, "pdfsig: not the total document", out)

    # a change of case in /Contents is a change of the file
    low = bytearray(signed)
    k = next(i for i in range(ct, end) if signed[i:i + 1] in b"ABCDEF")
    low[k] = low[k] | 0x20
    write(j("lower.pdf"), bytes(low))
    rc, out, _ = verify(j("lower.pdf"))
    check(rc == 1 and "lower-case hex digits" in out, "verify refuses lower-case hex in /Contents", out)


def pdf_cms_attacks(j):
    """CMS blobs made with OpenSSL by the test tool over genuine reports."""
    shutil.copy(j("a.pdf"), j("re.pdf"))
    rc, out, err = recms(j("re.pdf"))
    rc2, out2, _ = verify(j("re.pdf"))
    check(rc == 0 and rc2 == 0, "control: a CMS the test tool makes over the same bytes verifies",
          err + out2)
    cases = [
        ("SHA-1 digest", ["--md", "sha1"], "digest algorithm is SHA1; verify accepts SHA-256"),
        ("MD5 digest", ["--md", "md5"], "digest algorithm is MD5; verify accepts SHA-256"),
        ("SHA-224 digest", ["--md", "sha224"], "digest algorithm is SHA224"),
        ("sha1WithRSAEncryption named as the signature algorithm", ["--sigalg", "RSA-SHA1"],
         "signature algorithm is RSA-SHA1 (SHA1)"),
        ("md5WithRSAEncryption named as the signature algorithm", ["--sigalg", "RSA-MD5"],
         "signature algorithm is RSA-MD5 (MD5)"),
        ("no signed attributes", ["--noattr"], "no signed attributes"),
        ("two signers", ["--second-key", os.path.join(TPKI, "ec-signer.key"),
                         "--second-cert", os.path.join(TPKI, "ec-signer.pem")], "has 2 signers"),
        ("another encapsulated content type, consistently signed",
         ["--econtent", "1.2.840.113549.1.7.2"], "encapsulated content type is 1.2.840.113549.1.7.2"),
    ]
    for what, extra, expect in cases:
        shutil.copy(j("a.pdf"), j("cms.pdf"))
        rc, out, err = recms(j("cms.pdf"), *extra)
        rc2, out2, _ = verify(j("cms.pdf"))
        check(rc == 0 and rc2 == 1 and "INVALID: " in out2 and expect in out2,
              "a CMS with %s: exit 1, says '%s'" % (what, expect), err + out2)

    # ByteRanges a signer chose badly, signed consistently over what they state
    signed = read(j("a.pdf"))
    at_ = signed.rindex(b"/ByteRange ") + len(b"/ByteRange ")
    width = signed.index(b"\n", at_) - at_
    ct, end, _ = pdf_signature(signed)
    a, b, n = ct - 1, end + 1, len(signed)
    ranges = [
        ("not starting at 0", "[5 %d %d %d]" % (a - 5, b, n - b), "does not start at byte 0"),
        ("a gap wider than /Contents", "[0 %d %d %d]" % (a - 1, b, n - b),
         "are not exactly the /Contents string"),
        ("a gap narrower than /Contents", "[0 %d %d %d]" % (a, b - 1, n - b + 1),
         "are not exactly the /Contents string"),
        ("overlapping ranges", "[0 %d %d %d]" % (b, a, n - a), "overlap or leave no gap"),
        ("a negative number", "[0 %d %d -%d]" % (a, b, n - b), "not a non-negative whole number"),
        ("an oversized number", "[0 %d %d 99999999999999999999999]" % (a, b),
         "not a non-negative whole number"),
        ("a range past the end of the file", "[0 %d %d %d]" % (a, b, n - b + 100),
         "reaches past the end of the file"),
        ("ranges ending before the end of the file", "[0 %d %d %d]" % (a, b, n - b - 30),
         "30 bytes were added after the signed revision"),
        ("five numbers", "[0 %d %d %d 0]" % (a, b, n - b), "more than four numbers"),
    ]
    for what, text, expect in ranges:
        f = bytearray(signed)
        f[at_:at_ + width] = text.ljust(width).encode()[:width]
        write(j("br.pdf"), bytes(f))
        rc, out, err = recms(j("br.pdf"))
        rc2, out2, _ = verify(j("br.pdf"))
        check(rc == 0 and rc2 == 1 and expect in out2,
              "a /ByteRange with %s: exit 1, says '%s'" % (what, expect), err + out2)

    # ECDSA: the few spare bytes at the end of /Contents must stay zero
    e = read(j("ec.pdf"))
    ct, end, der = pdf_signature(e)
    used = der_tlv(der, 0)[3]
    pad = range(ct + 2 * used, end)
    check(len(pad) > 0, "the ECDSA signature leaves spare bytes to check")
    changes, missed = sweep(j, "ec.pdf", at(e, pad), verify)
    check(not missed, "verify refuses a change in every spare byte after the ECDSA signature",
          "accepted: %s" % missed)


def certificate_attacks(j):
    """Reports signed (without reportgen's own refusals) by certificates verify
    must not trust, each in a PDF and an XML; and the ones it accepts."""
    cases = [
        ("a self-signed 'CISA Official Signer'", "impostor", None,
         "signer not trusted: the chain does not reach a trust anchor"),
        ("the DEMO signer's name, issued by a fake CA with the DEMO intermediate's name",
         "lookalike", os.path.join(TPKI, "fake-inter.pem"),
         "signer not trusted: the chain does not reach a trust anchor"),
        ("a CA certificate", "ca-signer", CHAIN, "is a CA certificate"),
        ("a certificate without digitalSignature or nonRepudiation", "nods", CHAIN,
         "allows neither digitalSignature nor nonRepudiation"),
        ("a certificate without key usage", "noku", CHAIN, "has no key usage extension"),
        ("a serverAuth-only certificate", "serverauth", CHAIN,
         "extended key usage (serverAuth) that does not allow signing documents"),
        ("a codeSigning-only certificate", "codesign", CHAIN,
         "extended key usage (codeSigning) that does not allow signing documents"),
        ("a certificate signed with SHA-1", "sha1", CHAIN, "SHA1"),
        ("a certificate expired at the signing time", "expired", CHAIN,
         "was not valid at the signing time 2024-04-01T00:00:00Z"),
    ]
    for what, name, chain, expect in cases:
        for ext in ("pdf", "xml"):
            f = j("%s.%s" % (name, ext))
            shutil.copy(j("plain.pdf") if ext == "pdf" else XML_FIXTURE, f)
            rc, out, err = forge(f, test_cert(name), chain=chain)
            rc2, out2, _ = verify(f)
            check(rc == 0 and rc2 == 1 and "NOT TRUSTED: " in first_line(out2, f) and
                  expect in first_line(out2, f),
                  "%s signed by %s: exit 1, says '%s'" % (ext.upper(), what, expect), err + out2)
    # a signing time that has not come yet
    for ext in ("pdf", "xml"):
        f = j("future." + ext)
        src = j("plain.pdf") if ext == "pdf" else XML_FIXTURE
        if ext == "xml":
            write(f, read(src).replace(b'generated="2024-04-01T00:00:00Z"',
                                       b'generated="2099-01-01T00:00:00Z"'))
        else:
            shutil.copy(src, f)
        rc, out, err = forge(f, test_cert("future"), time="4070908800")  # 2099-01-01
        rc2, out2, _ = verify(f)
        check(rc == 0 and rc2 == 1 and "is after this machine's clock" in out2,
              "%s signed at a time after the clock: exit 1, says so" % ext.upper(), err + out2)
    # accepted: nonRepudiation only with id-kp-documentSigning, through reportgen's own signing
    for ext in ("pdf", "xml"):
        f = j("docsign." + ext)
        shutil.copy(j("plain.pdf") if ext == "pdf" else XML_FIXTURE, f)
        rc, out, err = sign(f, signer=test_cert("docsign") + ["--chain", CHAIN])
        rc2, out2, _ = verify(f)
        check(rc == 0 and rc2 == 0, "%s signed with nonRepudiation and id-kp-documentSigning: valid"
              % ext.upper(), err + out2)
    # a genuine report whose certificate has expired since: still valid, with the note
    for ext in ("pdf", "xml"):
        f = j("lapsed." + ext)
        if ext == "xml":
            write(f, read(XML_FIXTURE).replace(b'generated="2024-04-01T00:00:00Z"',
                                               b'generated="2024-02-01T00:00:00Z"'))
        else:
            shutil.copy(j("plain.pdf"), f)
        rc, out, err = sign(f, signer=test_cert("lapsed") + ["--chain", CHAIN], time=T_LAPSED)
        rc2, out2, _ = verify(f)
        check(rc == 0 and rc2 == 0 and first_line(out2, f) == "valid" and
              "note:        the signer certificate has expired since signing (on "
              "2024-03-01T00:00:00Z)" in out2,
              "%s signed before its certificate expired: valid, noting the expiry" % ext.upper(),
              err + out2)
        if have("pdfsig") and ext == "pdf":
            ok, msg = pdfsig_ok(f)
            check(ok, "pdfsig still calls the lapsed signer's signature valid", msg)


# --- XML ---------------------------------------------------------------------------

def xml_basics(j):
    shutil.copy(XML_FIXTURE, j("r.xml"))
    rc, out, err = sign(j("r.xml"))
    check(rc == 0, "sign report.xml", err)
    x = read(j("r.xml"))
    check(x.rstrip().endswith(b"</ds:Signature></compliance-report>"),
          "ds:Signature is the root's last child")
    for alg in (b"xml-exc-c14n#", b"rsa-sha256", b"enveloped-signature", b'URI=""',
                b"<ds:X509Certificate>"):
        check(alg in x, "the XML signature has %s" % alg.decode())
    if have("xmlsec1"):
        ok, msg = xmlsec_ok(j("r.xml"))
        check(ok, "xmlsec1 --verify accepts the signed XML with the demo root", msg)
    if have("xmllint"):
        rc, out, err = run("xmllint", "--noout", j("r.xml"))
        check(rc == 0, "the signed XML is well-formed", err)
    rc, out, err = verify(j("r.xml"))
    check(rc == 0 and first_line(out, j("r.xml")) == "valid" and "the whole file" in out and
          "generated:   2024-04-01T00:00:00Z" in out and "chains to CN=reportgen DEMO Root" in out,
          "verify --ca accepts the signed XML", out + err)
    rc, out, err = verify(j("r.xml"), ca=None)
    check(rc == 1 and NO_ANCHORS in first_line(out, j("r.xml")),
          "verify of the XML without anchors: not trusted, exit 1", out)
    shutil.copy(XML_FIXTURE, j("r2.xml"))
    sign(j("r2.xml"))
    check(read(j("r.xml")) == read(j("r2.xml")), "two XML signings are byte-identical")
    rc, out, err = sign(j("r2.xml"))
    check(rc == 3 and "already has a ds:Signature" in err, "signing a signed XML again is refused", err)
    write(j("c.xml"), read(XML_FIXTURE).replace(b"<bundle", b"<!-- note --><bundle"))
    rc, out, err = sign(j("c.xml"))
    check(rc == 3 and "comment" in err, "an XML with a comment is not signed", err)

    # the XML view's real report.xml: signed, still valid against the schema
    if MKXML:
        rc, out, err = run(MKXML, j("view.xml"), "40")
        check(rc == 0, "the XML view writes its fixture", err)
        rc, out, err = sign(j("view.xml"))
        check(rc == 0, "sign the view's report.xml", err)
        if have("xmlsec1"):
            ok, msg = xmlsec_ok(j("view.xml"))
            check(ok, "xmlsec1 accepts the view's signed report.xml", msg)
        if have("xmllint") and os.path.exists(XSD):
            rc, out, err = run("xmllint", "--noout", "--schema", XSD, j("view.xml"))
            check(rc == 0, "the signed report.xml validates against templates/report.xsd", err)
        rc, out, err = verify(j("view.xml"))
        check(rc == 0, "verify --ca accepts the view's signed report.xml", out + err)

    # ECDSA
    shutil.copy(XML_FIXTURE, j("ec.xml"))
    rc, _, e = sign(j("ec.xml"), signer=EC)
    check(rc == 0 and b"ecdsa-sha256" in read(j("ec.xml")), "sign XML with an ECDSA P-256 key", e)
    rc, out, _ = verify(j("ec.xml"), j("ec.pdf"))
    check(rc == 0, "verify accepts ECDSA signatures", out)
    if have("pdfsig"):
        check(pdfsig_ok(j("ec.pdf"))[0], "pdfsig accepts the ECDSA-signed PDF")
    if have("xmlsec1"):
        check(xmlsec_ok(j("ec.xml"))[0], "xmlsec1 accepts the ECDSA-signed XML")


FAKE_ACTIONS = b"".join(b'<action xmlns="urn:reportgen:report:1" id="RA-%d" kind="required" '
                        b'status="satisfied"/>' % i for i in range(1, 6))


def xml_pieces(j):
    """Signing reads report.xml node by node and writes it back piece by piece
    (reportgen/sign/xml_envelope.c).  Whatever the report holds, the pieces
    must add up to what the whole tree gives: xmlsec1 recomputes the digest
    over the whole document, xmllint re-serialises the whole tree (the
    signed file must come back unchanged), and verify checks both."""
    x = read(XML_FIXTURE)
    tricky = x.replace(
        b'agency="EXA"',
        b'agency="EXA" agency-name="Agence fran\xc3\xa7aise \xe2\x80\x94 &quot;ANSSI&quot; &lt;&amp;&gt;'
        b' tab&#9;nl&#10;cr&#13;"').replace(
        b'<item status="open"',
        b'<item xmlns:x="urn:example:x" x:note="prefixed" status="open"').replace(
        b'No evidence of the advisory review.',
        b'<x:detail xmlns:x="urn:example:y"><x:line n="1">deep &amp; deeper</x:line>'
        b'<plain xmlns="">no namespace</plain></x:detail> text with \r\n'
        b' &#13; &quot; \' \xc3\xa9 &gt; done')
    # Containers empty, and written the way libxml2 does not write them.
    tricky = tricky.replace(b'</compliance-report>',
                            b"  <action id='RA-9' kind='advisory'  status='open'></action>\n"
                            b'  <headline a="1"   />\n</compliance-report>')
    check(tricky != x, "the tricky report differs from the fixture")
    write(j("tricky.xml"), tricky)
    rc, out, err = sign(j("tricky.xml"))
    check(rc == 0, "a report with namespaces, escapes and empty elements is signed", err)
    signed = read(j("tricky.xml"))
    if have("xmlsec1"):
        ok, msg = xmlsec_ok(j("tricky.xml"))
        check(ok, "xmlsec1 --verify accepts the piecewise signature of the tricky report", msg)
    if have("xmllint"):
        rc, out, err = run("xmllint", j("tricky.xml"))
        check(rc == 0 and out.encode() == signed,
              "the signed tricky report is byte for byte libxml2's serialisation of its tree",
              err)
    rc, out, err = verify(j("tricky.xml"))
    check(rc == 0 and first_line(out, j("tricky.xml")) == "valid" and "the whole file" in out,
          "verify accepts the signed tricky report", out + err)
    # A declaration without an encoding: the same bytes come out.
    write(j("noenc.xml"), tricky.replace(b' encoding="UTF-8"', b"", 1))
    rc, out, err = sign(j("noenc.xml"))
    check(rc == 0 and read(j("noenc.xml")) == signed,
          "a report declared without an encoding is signed to the same bytes", err)
    check(b"<action id=\"RA-9\" kind=\"advisory\" status=\"open\"/>" in signed and
          b'<headline a="1"/>' in signed, "empty elements are written as libxml2 writes them",
          signed[-400:].decode(errors="replace"))

    # What signing refuses, the file is left as it was and no temporary stays.
    deep = (x.replace(b"</compliance-report>",
                      b"<action>" + b"<d>" * 300 + b"</d>" * 300 + b"</action></compliance-report>"))
    for name, body, why in (
            ("truncated", x[:len(x) // 2], "fix the XML syntax"),
            ("nested 300 deep", deep, "depth"),
            ("a processing instruction in an item",
             x.replace(b"No evidence", b"<?x y?>No evidence"), "processing instruction"),
            ("a signature inside an item",
             x.replace(b"No evidence", b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>'),
             "already has a ds:Signature"),
            ("bytes invalid in its declared encoding (an iconv name for UTF-8)",
             x.replace(b'encoding="UTF-8"', b'encoding="utf_8"', 1).replace(
                 b"No evidence", b"No \xb3\x94evidence"), "fix the XML syntax"),
            ("a CDATA section", x.replace(b"No evidence", b"<![CDATA[]]>No evidence"),
             "CDATA"),
            ("a document type declaration", x.replace(b"<compliance-report",
                                                       b"<!DOCTYPE r []><compliance-report", 1),
             "document type")):
        path = j("refused.xml")
        write(path, body)
        rc, out, err = sign(path)
        check(rc == 3 and why in err and read(path) == body,
              "signing refuses a report with %s and leaves it as it was" % name, err)
        leftovers = [n for n in os.listdir(os.path.dirname(path)) if n.startswith(".refused.xml")]
        check(not leftovers, "no temporary is left after refusing %s" % name, str(leftovers))


def xml_attacks(j):
    x = read(j("r.xml"))
    poly = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")
    decl_end = x.index(b"?>") + 2
    sig_at = x.index(b"<ds:Signature")
    keyinfo_end = x.index(b"</ds:KeyInfo>")
    x509d_end = x.index(b"</ds:X509Data>")
    certs = re.findall(rb"<ds:X509Certificate>.*?</ds:X509Certificate>", x, re.S)
    sv = x.index(b"</ds:SignatureValue>")
    cases = [
        ("five fake actions in a ds:Object",
         x.replace(b"</ds:KeyInfo>", b"</ds:KeyInfo><ds:Object>" + FAKE_ACTIONS + b"</ds:Object>"),
         "PARTLY SIGNED: <ds:Signature> holds <ds:Object>"),
        ("five fake actions in ds:KeyInfo",
         x[:keyinfo_end] + FAKE_ACTIONS + x[keyinfo_end:], "PARTLY SIGNED: <ds:KeyInfo> holds <action>"),
        ("five fake actions in ds:X509Data",
         x[:x509d_end] + FAKE_ACTIONS + x[x509d_end:], "<ds:X509Data> holds <action>"),
        ("a ds:KeyValue in ds:KeyInfo",
         x.replace(b"<ds:KeyInfo>", b"<ds:KeyInfo><ds:KeyValue/>"), "<ds:KeyInfo> holds <ds:KeyValue>"),
        ("text in ds:Signature", x.replace(b"</ds:SignatureValue>", b"</ds:SignatureValue>RA-1 satisfied"),
         "holds text at line"),
        ("an Id attribute on ds:Signature", x.replace(b"<ds:Signature ", b'<ds:Signature Id="s" '),
         "<ds:Signature> has an attribute Id"),
        ("a comment in the body", x.replace(b"<bundle", b"<!-- RA-1 satisfied --><bundle"),
         "PARTLY SIGNED: a comment at line 3 is not covered by the signature"),
        ("a comment after the root", x.rstrip(b"\n") + b"\n<!-- more -->\n", "a comment at line"),
        ("a processing instruction", x[:decl_end] + b"\n<?xml-stylesheet href=\"x.xsl\"?>" + x[decl_end:],
         "a processing instruction <?xml-stylesheet?> at line 2"),
        ("a forged PDF in a comment (the polyglot, as .xml)",
         x[:decl_end] + b"<!--\n" + poly + b"-->" + x[decl_end:], "PARTLY SIGNED: a comment at line"),
        ("two ds:Signature elements", x.replace(b"</compliance-report>",
                                                 x[sig_at:x.index(b"</compliance-report>")] +
                                                 b"</compliance-report>"),
         "has 2 ds:Signature elements"),
        ("the signature moved into a wrapper",
         x.replace(b"<ds:Signature", b"<x:wrap xmlns:x=\"urn:x\"><ds:Signature", 1).replace(
             b"</ds:Signature>", b"</ds:Signature></x:wrap>", 1), "is not the last child of the root"),
        ("the certificates in the other order",
         x.replace(certs[0], b"@@").replace(certs[1], certs[0]).replace(b"@@", certs[1]),
         "INVALID: the signed content or the signature was changed, or the first certificate"),
        ("an impostor's certificate before the signer's",
         x.replace(b"<ds:X509Data>", b"<ds:X509Data>\n<ds:X509Certificate>" +
                   b"".join(l.encode() for l in open(os.path.join(TPKI, "impostor.pem"))
                            .read().splitlines(True) if not l.startswith("-----")) +
                   b"</ds:X509Certificate>"), "INVALID: "),
        ("a tab instead of a space inside a tag", x.replace(b' format="1"', b'\tformat="1"', 1),
         "the file differs from what reportgen writes at line 2"),
        ("version 1.1 in the XML declaration", x.replace(b'version="1.0"', b'version="1.1"', 1),
         "the XML declaration (not covered by the signature)"),
        ("a byte-order mark", b"\xef\xbb\xbf" + x, "differs from what reportgen writes at line 1"),
    ]
    # the SignatureValue's padding bits: the same bytes, spelt another way
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    neq = len(x[:sv]) - len(x[:sv].rstrip(b"="))
    if neq:
        p = sv - neq - 1
        other = alphabet[alphabet.index(x[p:p + 1]) ^ 1]
        cases.append(("the SignatureValue's padding bits set", x[:p] + bytes([other]) + x[p + 1:],
                      "is not base64 as reportgen writes it"))
    check(neq > 0, "the signature value has base64 padding to tamper with")
    for what, data, expect in cases:
        write(j("att.xml"), data)
        rc, out, err = verify(j("att.xml"))
        check(rc == 1 and expect in first_line(out, j("att.xml")),
              "report.xml with %s: exit 1, says '%s'" % (what, expect), out + err)
    # the polyglot saved as report.pdf: judged as a PDF, which it is not
    write(j("poly.pdf"), x[:decl_end] + b"<!--\n" + poly + b"-->" + x[decl_end:])
    rc, out, err = verify(j("poly.pdf"))
    check(rc == 1 and "INVALID: it is named .pdf but is not a PDF: it does not start with %PDF- "
          "(it starts like XML)" in out, "the XML/PDF polyglot saved as .pdf: exit 1, says why", out)
    # and a PDF saved as .xml is not an XML report
    shutil.copy(j("a.pdf"), j("pdf-as.xml"))
    rc, out, err = verify(j("pdf-as.xml"))
    check(rc == 1 and "INVALID: not a well-formed XML document" in out,
          "a PDF saved as .xml: exit 1, not XML", out)
    shutil.copy(j("a.pdf"), j("pdf-as.bin"))
    rc, out, err = verify(j("pdf-as.bin"))
    check(rc == 0, "another extension: judged by content", out)

    # named flips, each also checked with xmlsec1
    xnamed = {
        "attribute value": x.index(b'overall="') + 10,
        "element text": x.index(b"Secrets in") + 3,
        "element name": x.index(b"<item") + 2,
        "digest value": x.index(b"<ds:DigestValue>") + 20,
        "signature value": x.index(b"<ds:SignatureValue>") + 30,
        "signer certificate": x.index(b"<ds:X509Certificate>") + 300,
    }
    for what, pos in xnamed.items():
        flipped(j("r.xml"), j("f.xml"), pos)
        rc, out, _ = verify(j("f.xml"))
        check(rc == 1, "verify refuses the XML with a flipped byte in the %s" % what, out)
        if have("xmlsec1"):
            ok, msg = xmlsec_ok(j("f.xml"))
            check(not ok, "xmlsec1 refuses the XML with a flipped byte in the %s" % what, msg)
    # every byte of the signed fixture, flipped
    changes, missed = sweep(j, "r.xml", at(x, range(len(x))), verify)
    check(len(changes) == len(x) and not missed,
          "verify refuses every one of the %d single-byte flips of the signed report.xml"
          % len(changes), "accepted at %s" % missed[:20])
    if MKXML:
        v = read(j("view.xml"))
        tags = [m.start() for m in re.finditer(rb"<[^/!?]", v)]
        pos = set()
        for t in tags:  # each element: its name, its first attribute, its first text byte
            pos.update([t + 1, v.index(b" ", t) + 2 if b" " in v[t:t + 80] else t + 2,
                        v.index(b">", t) + 1])
        sig = v.index(b"<ds:Signature")
        pos.update(range(sig, len(v)))
        changes, missed = sweep(j, "view.xml", at(v, sorted(pos)), verify)
        check(not missed, "verify refuses every one of %d flips at the view's report.xml structure "
              "(each element, the whole signature)" % len(changes), "accepted at %s" % missed[:20])


def key_refusals(j):
    enc = ["--key", os.path.join(TPKI, "signer-enc.key"), "--cert", os.path.join(PKI, "signer.pem")]
    write(j("pw-good"), b"demo passphrase\n")
    write(j("pw-bad"), b"not the passphrase\n")
    key_lines = [l for k in ("signer.key", "signer-enc.key", "ec-signer.key", "expired.key")
                 for l in read(os.path.join(PKI if k == "signer.key" else TPKI, k)).decode().split("\n")
                 if len(l) > 40]
    for target in ("plain.pdf", "report.xml"):
        src = j("plain.pdf") if target == "plain.pdf" else XML_FIXTURE
        dst = j("k-" + target)
        shutil.copy(src, dst)
        before = read(dst)
        cases = [
            ("wrong passphrase (environment)", enc, {"REPORTGEN_KEY_PASSPHRASE": "wrong"}, [],
             "wrong passphrase"),
            ("wrong passphrase (file)", enc, None, ["--passphrase-file", j("pw-bad")], "wrong passphrase"),
            ("no passphrase for an encrypted key", enc, None, [], "no passphrase was given"),
            ("key not matching the certificate",
             ["--key", os.path.join(TPKI, "ec-signer.key"), "--cert", os.path.join(PKI, "signer.pem")],
             None, [], "does not match"),
            ("expired certificate", test_cert("expired"), None, [], "expired on 2021-01-01"),
            ("certificate not yet valid", test_cert("future"), None, [], "not valid before 2040"),
            ("certificate without digitalSignature", test_cert("nods"), None, [],
             "allows neither digitalSignature nor nonRepudiation"),
            ("certificate without key usage", test_cert("noku"), None, [], "no key usage extension"),
            ("CA certificate", test_cert("ca-signer"), None, [], "is a CA certificate"),
            ("serverAuth-only certificate", test_cert("serverauth"), None, [],
             "extended key usage (serverAuth) that does not allow signing documents"),
            ("unreadable key file",
             ["--key", j("no-such.key"), "--cert", os.path.join(PKI, "signer.pem")], None, [],
             "cannot read the private key"),
            ("a certificate given as the key",
             ["--key", os.path.join(PKI, "signer.pem"), "--cert", os.path.join(PKI, "signer.pem")],
             None, [], "not a PEM private key"),
        ]
        for what, signer, env, extra, expect in cases:
            rc, out, err = sign(dst, *extra, env=env, signer=signer)
            check(rc == 3 and expect in err, "%s: %s gives exit 3 and says '%s'" % (target, what, expect),
                  "rc=%d %s" % (rc, err))
            check(read(dst) == before, "%s: %s leaves the file untouched" % (target, what))
            check("demo passphrase" not in out + err and "not the passphrase" not in out + err and
                  not any(l in out + err for l in key_lines),
                  "%s: %s prints no key material" % (target, what))
        rc, out, err = sign(dst, signer=["--key", os.path.join(PKI, "signer.key")])
        check(rc == 2 and "--cert" in err, "%s: a missing --cert is a usage error (exit 2)" % target, err)
        check(read(dst) == before, "%s: a usage error leaves the file untouched" % target)
    shutil.copy(j("plain.pdf"), j("enc1.pdf"))
    shutil.copy(j("plain.pdf"), j("enc2.pdf"))
    rc1, _, e1 = sign(j("enc1.pdf"), signer=enc + ["--chain", CHAIN],
                      env={"REPORTGEN_KEY_PASSPHRASE": "demo passphrase"})
    rc2, _, e2 = sign(j("enc2.pdf"), "--passphrase-file", j("pw-good"), signer=enc + ["--chain", CHAIN])
    check(rc1 == 0 and rc2 == 0, "an encrypted key with the right passphrase signs", e1 + e2)
    check(read(j("enc1.pdf")) == read(j("a.pdf")), "the encrypted key signs exactly as the plain one")


def command_line(j):
    rc, out, err = run(TOOL, "verify")
    check(rc == 2 and "usage" in err, "verify without FILE: usage, exit 2", err)
    rc, out, err = run(TOOL, "verify", "--bogus", j("a.pdf"))
    check(rc == 2, "verify with an unknown option: exit 2", err)
    rc, out, err = run(TOOL, "verify", "--help")
    check(rc == 0 and "--ca" in out and "REPORTGEN_CA" in out and "no signer is trusted" in out,
          "verify --help: usage on stdout, exit 0", out)
    rc, out, err = verify(j("missing.pdf"))
    check(rc == 3 and "cannot be read" in err, "verify of a missing file: exit 3", err)
    rc, out, err = verify(j("a.pdf"), ca=j("missing.pem"))
    check(rc == 3 and j("missing.pem") in err, "verify with an unreadable --ca: exit 3, naming it", err)
    write(j("empty-ca.pem"), b"this is not a certificate\n")
    rc, out, err = verify(j("a.pdf"), ca=j("empty-ca.pem"))
    check(rc == 2 and j("empty-ca.pem") in err and "no certificate" in err and not out,
          "verify with a --ca file holding no certificate: usage error (exit 2), naming the file", err)
    rc, out, err = verify(j("a.pdf"), ca=os.path.join(PKI, "signer.key"))
    check(rc == 2 and "no certificate" in err, "verify with a key as --ca: exit 2", err)
    root = read(ROOT)
    body = root.index(b"\n") + 40
    write(j("bad-ca.pem"), root[:body] + b"!!!!" + root[body + 4:])
    rc, out, err = verify(j("a.pdf"), ca=j("bad-ca.pem"))
    check(rc == 2 and j("bad-ca.pem") in err, "verify with a damaged certificate in --ca: exit 2", err)
    os.mkdir(j("empty-dir"))
    rc, out, err = verify(j("a.pdf"), ca=j("empty-dir"))
    check(rc == 2 and "no certificate" in err, "verify with an empty folder as --ca: exit 2", err)
    rc, out, err = verify(j("a.pdf"), ca=None, env={"REPORTGEN_CA": j("empty-ca.pem")})
    check(rc == 2 and j("empty-ca.pem") in err, "REPORTGEN_CA naming no certificate: exit 2", err)
    rc, out, _ = verify(j("plain.pdf"))
    check(rc == 1 and "NOT SIGNED" in out, "verify of an unsigned PDF: exit 1", out)
    rc, out, _ = verify(XML_FIXTURE)
    check(rc == 1 and "NOT SIGNED" in out, "verify of an unsigned XML: exit 1", out)
    write(j("text.txt"), b"hello\n")
    rc, out, _ = verify(j("text.txt"))
    check(rc == 1 and "NOT VERIFIED: is neither a PDF nor an XML document" in out,
          "verify of a text file: exit 1, says so", out)
    rc, out, _ = verify(j("a.pdf"), j("r.xml"), j("app.pdf"))
    check(rc == 1 and out.count(": valid\n") == 2, "verify of several files: every file, worst status",
          out)
    # Sizes: the limits are stated, and a file past them is named for what it is.
    for name, size, expect in (
            ("huge.pdf", (4 << 30) + 1, "is 4294967297 bytes; reportgen signs and verifies PDF "
             "reports of up to 4294967296 bytes (4 GiB)"),
            ("huge.xml", (2 << 30) + 1, "is 2147483649 bytes; reportgen signs and verifies XML "
             "reports of up to 2147483647 bytes")):
        with open(j(name), "wb") as f:
            f.write(b"%PDF-1.4\n" if name.endswith(".pdf") else b"<?xml version=\"1.0\"?>\n")
            f.truncate(size)  # sparse: no disk used
        rc, out, err = verify(j(name))
        check(rc == 1 and ("NOT VERIFIED: " + expect) in out, "verify of %s: exit 1, says '%s'"
              % (name, expect), out + err)
        os.unlink(j(name))

    # truncated files are verdicts, never crashes: cut at every structural point
    for name in ("a.pdf", "r.xml"):
        data = read(j(name))
        cuts = {0, 1, 5, len(data) - 1}
        for m in re.finditer(rb"obj|endobj|xref|trailer|/ByteRange|/Contents|<ds:|</", data):
            cuts.add(m.start())
        for cut in sorted(cuts):
            write(j("t-" + name), data[:cut])
            rc, out, err = verify(j("t-" + name))
            check(rc == 1, "verify of %s cut to %d bytes: exit 1" % (name, cut), out + err)


def handmade_pdf():
    """A PDF unlike cairo's: nested page tree, /Annots as an indirect array,
    an /ID, comments and CR LF line ends; what the object reader must cope with."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R % the root\r\n /PageMode /UseNone >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 200 200] /Contents 5 0 R "
        b"/Resources << >> /Annots 6 0 R /Title (a \\) b (c)) >>",
        b"<< /Length 20 >>\r\nstream\r\n0 0 m 100 100 l S    \r\nendstream",
        b"[7 0 R]",
        b"<< /Type /Annot /Subtype /Text /Rect [10 10 20 20] /Contents (note) >>",
    ]
    out = bytearray(b"%PDF-1.4\r\n%\xe2\xe3\xcf\xd3\r\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\r\n" % i + o + b"\r\nendobj\r\n"
    x = len(out)
    out += b"xref\r\n0 %d\r\n0000000000 65535 f\r\n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n\r\n" % o
    out += (b"trailer\r\n<< /Size %d /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef> "
            b"<0123456789abcdef0123456789abcdef>] >>\r\nstartxref\r\n%d\r\n%%%%EOF\r\n"
            % (len(objs) + 1, x))
    return bytes(out)


def main():
    for tool in ("pdfsig", "qpdf", "xmlsec1", "xmllint"):
        if not have(tool):
            print("SKIP: %s is not installed; its checks are left out" % tool)
    tmp = tempfile.mkdtemp(prefix="rg-sign-")
    j = lambda n: os.path.join(tmp, n)
    pdf_basics(j)
    xml_basics(j)
    xml_pieces(j)
    pdf_flips(j)
    pdf_cms_attacks(j)
    certificate_attacks(j)
    xml_attacks(j)
    key_refusals(j)
    command_line(j)
    shutil.rmtree(tmp)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


sys.exit(main())
