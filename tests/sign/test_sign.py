#!/usr/bin/env python3
"""test_sign.py: the signing scenarios of issue 4, checked with independent tools.

Usage: test_sign.py SIGN_TOOL SOURCE_ROOT [PDF_RENDER_FIXTURE MKXML]   (meson test runs it)

Every check states a user-visible behaviour: what pdfsig (poppler), qpdf and
xmlsec1 say about reportgen's signatures, what `reportgen verify` prints and
returns, and that a refused key leaves the report untouched.  A failed check
is printed and the script exits 1 after running all of them.
"""
import os
import shutil
import subprocess
import sys
import tempfile

TOOL, SRC = sys.argv[1], sys.argv[2]
RENDER = sys.argv[3] if len(sys.argv) > 4 else None
MKXML = sys.argv[4] if len(sys.argv) > 4 else None
XSD = os.path.join(SRC, "templates", "report.xsd")
PKI = os.path.join(SRC, "samples", "pki")
TPKI = os.path.join(SRC, "tests", "sign", "pki")
XML_FIXTURE = os.path.join(SRC, "tests", "sign", "fixtures", "report.xml")
T2024 = "1711929600"  # 2024-04-01T00:00:00Z
ROOT = os.path.join(PKI, "root.pem")
SIGNER = ["--key", os.path.join(PKI, "signer.key"), "--cert", os.path.join(PKI, "signer.pem"),
          "--chain", os.path.join(PKI, "chain.pem")]
failures = []


def check(cond, what, extra=""):
    if not cond:
        failures.append(what)
        print("FAIL: " + what + ("\n      " + extra.strip().replace("\n", "\n      ") if extra else ""))


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("REPORTGEN_KEY_PASSPHRASE", None)
    if env:
        e.update(env)
    p = subprocess.run(list(args), capture_output=True, env=e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def have(tool):
    return shutil.which(tool) is not None


def sign(path, *extra, env=None, time=T2024, signer=SIGNER):
    return run(TOOL, "sign", path, *signer, "--time", time, *extra, env=env)


def verify(*files, ca=ROOT):
    return run(TOOL, "verify", *files, *(["--ca", ca] if ca else []))


def pdfsig_ok(path):
    rc, out, err = run("pdfsig", "-nocert", "-no-ocsp", path)
    return rc == 0 and "Signature is Valid." in out and "Total document signed" in out, out + err


def xmlsec_ok(path):
    rc, out, err = run("xmlsec1", "--verify", "--enabled-key-data", "x509", "--trusted-pem", ROOT,
                       path)
    return rc == 0, out + err


def read(p):
    with open(p, "rb") as f:
        return f.read()


def write(p, b):
    with open(p, "wb") as f:
        f.write(b)


def flipped(src, dst, pos):
    b = bytearray(read(src))
    b[pos] ^= 0x01
    write(dst, bytes(b))


def sweep(j, name, positions):
    """Flips one byte at each position (one copy each) and verifies all the
    copies in one run; returns the positions whose copy still verified."""
    ext = os.path.splitext(name)[1]
    files = {}
    for pos in positions:
        f = j("sweep-%d%s" % (pos, ext))
        flipped(j(name), f, pos)
        files[f] = pos
    rc, out, err = verify(*files)
    heads = [line for line in out.splitlines() if line.split(": ")[0] in files]
    check(len(heads) == len(files), "verify answers for every one of the %d flipped %s copies"
          % (len(files), name), out[:2000])
    accepted = [files[line.split(": ")[0]] for line in heads if line.endswith(": valid")]
    for f in files:
        os.unlink(f)
    return accepted


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

    # --- PDF: a cairo PDF with a previous incremental update, signed ------------
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
    check(rc == 0 and "a.pdf: valid" in out and "the whole file" in out and
          "2024-04-01T00:00:00Z" in out and "reportgen DEMO Report Signer" in out and
          "chains to --ca" in out, "verify --ca accepts the signed PDF", out + err)
    rc, out, err = verify(j("a.pdf"), ca=None)
    check(rc == 0 and "not checked" in out, "verify without --ca: valid, trust not checked", out)
    rc, out, err = verify(j("a.pdf"), ca=os.path.join(PKI, "intermediate.pem"))
    check(rc == 0 and "chains to --ca" in out, "verify --ca with the intermediate as the anchor", out)
    rc, out, err = verify(j("a.pdf"), ca=os.path.join(TPKI, "nods.pem"))
    check(rc == 1 and "trusted:     NO" in out, "verify with other anchors: untrusted, exit 1", out)

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
    check(rc == 1 and "does not chain" in out, "without the chain embedded, verify --ca says untrusted",
          out)

    # --- reproducible -------------------------------------------------------------
    shutil.copy(j("plain.pdf"), j("a2.pdf"))
    sign(j("a2.pdf"))
    check(read(j("a.pdf")) == read(j("a2.pdf")), "two PDF signings at a fixed time are byte-identical")
    shutil.copy(j("plain.pdf"), j("a3.pdf"))
    sign(j("a3.pdf"), time=str(int(T2024) + 1))
    check(read(j("a.pdf")) != read(j("a3.pdf")), "another signing time gives another file")

    # --- flipping one byte ----------------------------------------------------------
    signed = read(j("a.pdf"))
    contents = signed.rindex(b"/Contents <") + len(b"/Contents <")
    named = {
        "header": 10,
        "content stream": signed.index(b"stream\n") + 40,
        "first xref table": signed.index(b"xref\n") + 12,
        "signature value (end of the CMS)": signed.index(b">", contents) - 7,
        "CMS start": contents + 3,
        "ByteRange": signed.rindex(b"/ByteRange [") + 14,
        "last trailer": signed.rindex(b"trailer") + 12,
        "startxref": signed.rindex(b"startxref") + 11,
        "%%EOF": len(signed) - 3,
    }
    for what, pos in named.items():
        flipped(j("a.pdf"), j("f.pdf"), pos)
        rc, out, _ = verify(j("f.pdf"))
        check(rc == 1, "verify refuses the PDF with a flipped byte in the %s (@%d)" % (what, pos), out)
        if have("pdfsig"):
            ok, msg = pdfsig_ok(j("f.pdf"))
            check(not ok, "pdfsig refuses the PDF with a flipped byte in the %s (@%d)" % (what, pos),
                  msg)
    missed = sweep(j, "a.pdf", range(0, len(signed), max(1, len(signed) // 150)))
    check(not missed, "verify refuses every one of 150 spread single-byte flips in the PDF",
          "accepted at %s" % missed)

    # --- bytes appended after the signed revision -----------------------------------
    write(j("app.pdf"), signed + b"% appended after signing\n")
    rc, out, _ = verify(j("app.pdf"))
    check(rc == 1 and "NOT the whole file" in out and "bytes were added" in out,
          "verify reports appended bytes as not covering the whole file", out)
    if have("pdfsig"):
        rc, out, err = run("pdfsig", "-nocert", "-no-ocsp", j("app.pdf"))
        check("Total document signed" not in out, "pdfsig: not the total document", out)

    # --- XML ------------------------------------------------------------------------
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
    check(rc == 0 and "r.xml: valid" in out and "the whole file" in out and
          "chains to --ca" in out, "verify --ca accepts the signed XML", out + err)
    shutil.copy(XML_FIXTURE, j("r2.xml"))
    sign(j("r2.xml"))
    check(read(j("r.xml")) == read(j("r2.xml")), "two XML signings are byte-identical")

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
    # The XML declaration is outside what XML-DSig signs; xmlsec1 accepts
    # version="1.1" there (docs/signing.md), reportgen verify does not.
    flipped(j("r.xml"), j("f.xml"), x.index(b'"1.0"') + 3)
    rc, out, _ = verify(j("f.xml"))
    check(rc == 1 and "XML declaration" in out, "verify refuses a changed XML declaration", out)
    missed = sweep(j, "r.xml", range(0, len(x), max(1, len(x) // 120)))
    check(not missed, "verify refuses every one of 120 spread single-byte flips in the XML",
          "accepted at %s" % missed)

    # a signature moved away from the end no longer covers "the whole file"
    moved = x.replace(b"<ds:Signature", b"<x:wrap xmlns:x=\"urn:x\"><ds:Signature", 1).replace(
        b"</ds:Signature>", b"</ds:Signature></x:wrap>", 1)
    write(j("moved.xml"), moved)
    rc, out, _ = verify(j("moved.xml"))
    check(rc == 1, "verify refuses an XML whose signature is not the root's last child", out)

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

    # --- ECDSA signer -----------------------------------------------------------------
    ec = ["--key", os.path.join(TPKI, "ec-signer.key"), "--cert", os.path.join(TPKI, "ec-signer.pem"),
          "--chain", os.path.join(PKI, "chain.pem")]
    shutil.copy(j("plain.pdf"), j("ec.pdf"))
    shutil.copy(XML_FIXTURE, j("ec.xml"))
    rc1, _, e1 = sign(j("ec.pdf"), signer=ec)
    rc2, _, e2 = sign(j("ec.xml"), signer=ec)
    check(rc1 == 0 and rc2 == 0, "sign with an ECDSA P-256 key", e1 + e2)
    check(b"ecdsa-sha256" in read(j("ec.xml")), "the XML names ecdsa-sha256")
    rc, out, _ = verify(j("ec.pdf"), j("ec.xml"))
    check(rc == 0, "verify accepts ECDSA signatures", out)
    if have("pdfsig"):
        check(pdfsig_ok(j("ec.pdf"))[0], "pdfsig accepts the ECDSA-signed PDF")
    if have("xmlsec1"):
        check(xmlsec_ok(j("ec.xml"))[0], "xmlsec1 accepts the ECDSA-signed XML")

    # --- keys and certificates that are refused: exit 3, nothing written ---------------
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
            ("expired certificate",
             ["--key", os.path.join(TPKI, "expired.key"), "--cert", os.path.join(TPKI, "expired.pem")],
             None, [], "expired on 2021-01-01"),
            ("certificate not yet valid",
             ["--key", os.path.join(TPKI, "future.key"), "--cert", os.path.join(TPKI, "future.pem")],
             None, [], "not valid before 2040"),
            ("certificate without digitalSignature",
             ["--key", os.path.join(TPKI, "nods.key"), "--cert", os.path.join(TPKI, "nods.pem")],
             None, [], "key usage does not allow digital signatures"),
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
    # the right passphrase works, from the environment and from a file
    shutil.copy(j("plain.pdf"), j("enc1.pdf"))
    shutil.copy(j("plain.pdf"), j("enc2.pdf"))
    rc1, _, e1 = sign(j("enc1.pdf"), signer=enc + ["--chain", os.path.join(PKI, "chain.pem")],
                      env={"REPORTGEN_KEY_PASSPHRASE": "demo passphrase"})
    rc2, _, e2 = sign(j("enc2.pdf"), "--passphrase-file", j("pw-good"),
                      signer=enc + ["--chain", os.path.join(PKI, "chain.pem")])
    check(rc1 == 0 and rc2 == 0, "an encrypted key with the right passphrase signs", e1 + e2)
    check(read(j("enc1.pdf")) == read(j("a.pdf")), "the encrypted key signs exactly as the plain one")

    # --- verify's command line ----------------------------------------------------------
    rc, out, err = run(TOOL, "verify")
    check(rc == 2 and "usage" in err, "verify without FILE: usage, exit 2", err)
    rc, out, err = run(TOOL, "verify", "--bogus", j("a.pdf"))
    check(rc == 2, "verify with an unknown option: exit 2", err)
    rc, out, err = run(TOOL, "verify", "--help")
    check(rc == 0 and "--ca" in out, "verify --help: usage on stdout, exit 0", out)
    rc, out, err = verify(j("missing.pdf"))
    check(rc == 3 and "cannot be read" in err, "verify of a missing file: exit 3", err)
    rc, out, err = verify(j("a.pdf"), ca=j("missing.pem"))
    check(rc == 3, "verify with an unreadable --ca: exit 3", err)
    rc, out, _ = verify(j("plain.pdf"))
    check(rc == 1 and "NOT SIGNED" in out, "verify of an unsigned PDF: exit 1", out)
    rc, out, _ = verify(XML_FIXTURE)
    check(rc == 1 and "NOT SIGNED" in out, "verify of an unsigned XML: exit 1", out)
    write(j("text.txt"), b"hello\n")
    rc, out, _ = verify(j("text.txt"))
    check(rc == 1, "verify of a text file: exit 1", out)
    rc, out, _ = verify(j("a.pdf"), j("r.xml"), j("app.pdf"))
    check(rc == 1 and out.count(": valid") == 2, "verify of several files: every file, worst status",
          out)

    # --- truncated files are verdicts, never crashes ------------------------------------
    for name in ("a.pdf", "r.xml"):
        data = read(j(name))
        for cut in range(0, len(data), max(1, len(data) // 40)):
            write(j("t-" + name), data[:cut])
            rc, out, err = verify(j("t-" + name))
            check(rc == 1, "verify of %s cut to %d bytes: exit 1" % (name, cut), out + err)

    shutil.rmtree(tmp)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


sys.exit(main())
