#!/usr/bin/env python3
"""test_pkcs11.py: signing with a key on a PKCS#11 token (SoftHSM2), and time-stamps.

Usage: test_pkcs11.py SIGN_TOOL SOURCE_ROOT REPORTGEN SAMPLES_DIR   (meson test runs it)

A SoftHSM2 token is made in a temporary folder (SOFTHSM2_CONF points at a
config of our own, so the machine's /var/lib/softhsm is never touched), the
demo signer's key and certificate are imported into it, and then:

- reports signed on the token: pdfsig, xmlsec1 --verify and reportgen
  verify accept them; the XML is byte for byte the PEM key's; every byte
  of the PDF's CMS and of the XML signature changed once is refused;
- `reportgen render` and `export` with the token key, the certificate read
  from the token; and each refusal (wrong PIN, locked token, key not
  found, certificate not matching the key, no PIN, PIN in the URI) exits 3
  (2 for the URI) with a message naming it and writes nothing;
- PAdES baseline, the default: pdfsig reports ETSI.CAdES.detached, the CMS
  has signing-certificate-v2 and no signingTime; --no-pades the older form;
- RFC 3161 time-stamps from a TSA on 127.0.0.1 (`openssl ts -reply` behind
  a small http.server in this script, its clock held at 2024-04-01T00:05:00Z
  with faketime when installed): the token is in the PDF's CMS (pdfsig
  -dump, openssl cms) and accepted by `openssl ts -verify`; verify prints
  the trusted time beside the claimed one; a token from another signature
  is exit 1; a TSA that fails is exit 3 with nothing written.

Skipped (exit 77) when softhsm2-util or pkcs11-tool is missing.  Every
signing time is fixed (2024-04-01), so the results do not depend on the day.
"""
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from signtest import (CHAIN, ENV, PKI, ROOT, T2024, TPKI, check, failures, first_line, pdfsig_ok,
                      read, run, sweep, write, xmlsec_ok)

TOOL, SRC, RG, SAMPLES = sys.argv[1:5]
SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "1234"




def must(*args, **kw):
    rc, out, err = run(*args, **kw)
    if rc != 0:
        print("setup failed: %s\n%s%s" % (" ".join(args), out, err))
        sys.exit(1)
    return out


def uri(obj="signkey", token="rgtest", module=True):
    u = "pkcs11:token=%s;object=%s" % (token, obj)
    return u + ("?module-path=" + SOFTHSM if module else "")


def make_token(d):
    """A token "rgtest" holding the demo signer's key and certificate (id 01,
    label signkey), and a second key without a certificate (label bare)."""
    conf = os.path.join(d, "softhsm2.conf")
    os.mkdir(os.path.join(d, "tokens"))
    write(conf, ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n"
                 "slots.removable = false\n" % os.path.join(d, "tokens")).encode())
    ENV["SOFTHSM2_CONF"] = conf
    must("softhsm2-util", "--init-token", "--free", "--label", "rgtest", "--pin", PIN,
         "--so-pin", "5678")
    k8 = os.path.join(d, "k8.pem")
    must("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", os.path.join(PKI, "signer.key"), "-out", k8)
    must("softhsm2-util", "--import", k8, "--token", "rgtest", "--label", "signkey", "--id", "01",
         "--pin", PIN)
    must("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", os.path.join(TPKI, "docsign.key"), "-out", k8)
    must("softhsm2-util", "--import", k8, "--token", "rgtest", "--label", "bare", "--id", "02",
         "--pin", PIN)
    os.unlink(k8)
    der = os.path.join(d, "signer.der")
    must("openssl", "x509", "-in", os.path.join(PKI, "signer.pem"), "-outform", "DER", "-out", der)
    must("pkcs11-tool", "--module", SOFTHSM, "--token-label", "rgtest", "--login", "--pin", PIN,
         "--write-object", der, "--type", "cert", "--id", "01", "--label", "signkey")


def lock_token(src, dst):
    """A copy of the token whose stored flags say CKF_USER_PIN_LOCKED (SoftHSM
    never locks a PIN itself: it has no retry counter)."""
    shutil.copytree(src, dst)
    for dirpath, _, files in os.walk(dst):
        for f in files:
            if f == "token.object":
                p = os.path.join(dirpath, f)
                b = bytearray(read(p))
                # attribute CKA_OS_TOKENFLAGS (0x8000534B), type ulong, 8-byte value
                tag = bytes.fromhex("000000008000534b0000000000000002")
                i = b.index(tag) + len(tag)
                v = int.from_bytes(b[i:i + 8], "big") | 0x00040000
                b[i:i + 8] = v.to_bytes(8, "big")
                write(p, bytes(b))


def with_conf(d, tokens):
    conf = os.path.join(d, "softhsm2-%s.conf" % os.path.basename(tokens))
    write(conf, ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n"
                 "slots.removable = false\n" % tokens).encode())
    return {"SOFTHSM2_CONF": conf}


def verify(*files, ca=ROOT, extra=()):
    return run(TOOL, "verify", *files, "--ca", ca, *extra)


def pdf_contents(data):
    """(start of the hex digits, end) of the last /Contents <...>."""
    i = data.rindex(b"/Contents <") + len(b"/Contents <")
    return i, data.index(b">", i)


def token_signing(j):
    pin = j("pin")
    write(pin, (PIN + "\n").encode())  # an editor's newline: not part of the PIN
    fixture = os.path.join(SRC, "tests", "sign", "fixtures", "report.xml")
    shutil.copy(fixture, j("t.xml"))
    rc, out, err = run(TOOL, "sign", j("t.xml"), "--key", uri(), "--pin-file", pin, "--chain", CHAIN,
                       "--time", T2024)
    check(rc == 0, "sign report.xml with the token key, the certificate read from the token", err)
    shutil.copy(fixture, j("p.xml"))
    run(TOOL, "sign", j("p.xml"), "--key", os.path.join(PKI, "signer.key"), "--cert",
        os.path.join(PKI, "signer.pem"), "--chain", CHAIN, "--time", T2024)
    check(read(j("t.xml")) == read(j("p.xml")),
          "the token's XML signature is byte for byte the one the same key gives from a PEM file")
    ok, msg = xmlsec_ok(j("t.xml"))
    check(ok, "xmlsec1 --verify accepts the token-signed report.xml", msg)
    rc, out, err = verify(j("t.xml"))
    check(rc == 0 and first_line(out, j("t.xml")) == "valid", "verify accepts the token-signed XML",
          out + err)

    must(TOOL, "mkpdf", j("t.pdf"), "3", "--update")
    rc, out, err = run(TOOL, "sign", j("t.pdf"), "--key", uri(module=False), "--pkcs11-module",
                       SOFTHSM, "--chain", CHAIN, "--time", T2024, env={"REPORTGEN_PIN": PIN})
    check(rc == 0, "sign a PDF with the token key (--pkcs11-module, REPORTGEN_PIN)", err)
    ok, msg = pdfsig_ok(j("t.pdf"))
    check(ok, "pdfsig: the token-signed PDF's signature is valid, total document signed", msg)
    rc, out, err = verify(j("t.pdf"))
    check(rc == 0 and first_line(out, j("t.pdf")) == "valid" and "reportgen DEMO Report Signer" in out,
          "verify accepts the token-signed PDF", out + err)

    # byte flips: every byte of the CMS (each hex digit pair changed), and a
    # spread over the file; every byte of the XML signature, and a spread.
    data = read(j("t.pdf"))
    a, b = pdf_contents(data)
    hexd = b"0123456789ABCDEF"
    changes = [(p, hexd[(hexd.index(data[p]) + 1) % 16]) for p in range(a, b, 2)
               if data[p:p + 1] in hexd]
    changes, missed = sweep(j, "t.pdf", changes, verify)
    check(len(changes) > 1000 and not missed,
          "verify refuses each of %d one-byte changes of the token-signed CMS" % len(changes),
          "accepted: %s" % missed[:20])
    changes, missed = sweep(j, "t.pdf", [(p, data[p] ^ 1) for p in range(0, len(data), 61)], verify)
    check(not missed, "verify refuses each of %d flips spread over the token-signed PDF" % len(changes),
          "accepted: %s" % missed[:20])
    for what, pos in (("the CMS", a + 300), ("the signature value", b - 9), ("a content stream",
                      data.index(b"stream\n") + 40)):
        f = bytearray(data)
        f[pos] = hexd[(hexd.index(f[pos]) + 1) % 16] if f[pos:pos + 1] in hexd else f[pos] ^ 1
        write(j("f.pdf"), bytes(f))
        ok, msg = pdfsig_ok(j("f.pdf"))
        check(not ok, "pdfsig refuses the token-signed PDF with a byte of %s changed" % what, msg)

    x = read(j("t.xml"))
    s0 = x.index(b"<ds:SignedInfo>")
    s1 = x.index(b"</ds:SignatureValue>")
    changes, missed = sweep(j, "t.xml", [(p, x[p] ^ 1) for p in range(s0, s1)], verify)
    check(len(changes) > 500 and not missed,
          "verify refuses each of %d flips of the token-signed SignedInfo and SignatureValue"
          % len(changes), "accepted: %s" % missed[:20])
    changes, missed = sweep(j, "t.xml", [(p, x[p] ^ 1) for p in range(0, s0, 13)], verify)
    check(not missed, "verify refuses each of %d flips spread over the signed report.xml"
          % len(changes), "accepted: %s" % missed[:20])
    for what, pos in (("SignedInfo", s0 + 60), ("the report", 200), ("SignatureValue", s1 - 5)):
        f = bytearray(x)
        f[pos] ^= 1
        write(j("f.xml"), bytes(f))
        ok, msg = xmlsec_ok(j("f.xml"))
        check(not ok, "xmlsec1 refuses the token-signed XML with a byte of %s flipped" % what, msg)


def always_authenticate(j):
    """A key with CKA_ALWAYS_AUTHENTICATE (as a PIV card's signature key, slot
    9C): the PIN is asked again at each signature, and answered by reportgen,
    never by a prompt on the terminal."""
    if not shutil.which("faketime"):
        print("SKIP: faketime is not installed; the always-authenticate key is left out")
        return
    must("pkcs11-tool", "--module", SOFTHSM, "--token-label", "rgtest", "--login", "--pin", PIN,
         "--keypairgen", "--key-type", "rsa:2048", "--id", "09", "--label", "aakey", "--always-auth")
    must("pkcs11-tool", "--module", SOFTHSM, "--token-label", "rgtest", "--read-object", "--type",
         "pubkey", "--id", "09", "-o", j("aa.der"))
    must("openssl", "pkey", "-pubin", "-inform", "DER", "-in", j("aa.der"), "-out", j("aa.pub"))
    must("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", j("throwaway.key"),
         "-subj", "/O=Example Agency/CN=always-authenticate signer", "-out", j("aa.csr"))
    write(j("aa.ext"), b"basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\n")
    # issued by the demo intermediate, valid from 2024-01-01 (so at the fixed signing time)
    must("faketime", "-f", "@2024-01-01 00:00:00", "openssl", "x509", "-req", "-in", j("aa.csr"),
         "-force_pubkey", j("aa.pub"), "-CA", os.path.join(PKI, "intermediate.pem"), "-CAkey",
         os.path.join(PKI, "intermediate.key"), "-set_serial", "99", "-days", "3000", "-extfile",
         j("aa.ext"), "-out", j("aa.pem"), env={"TZ": "UTC"})
    must(TOOL, "mkpdf", j("aa.pdf"), "1")
    shutil.copy(os.path.join(SRC, "tests", "sign", "fixtures", "report.xml"), j("aa.xml"))
    for f in ("aa.pdf", "aa.xml"):
        rc, out, err = run(TOOL, "sign", j(f), "--key", uri("aakey"), "--cert", j("aa.pem"), "--chain",
                           CHAIN, "--time", T2024, env={"REPORTGEN_PIN": PIN}, stdin=b"")
        rc2, out2, _ = verify(j(f))
        check(rc == 0 and rc2 == 0, "a key that asks for the PIN at each signature signs %s "
              "(no prompt), and it verifies" % f, err + out2)


def render(j, out, *extra, env=None):
    return run(RG, "render", os.path.join(SAMPLES, "compliant.zip"), "-o", out, "--chain", CHAIN,
               *extra, env=env)


def cli_token(j):
    pinenv = {"REPORTGEN_PIN": PIN}
    rc, out, err = render(j, j("r"), "--key", uri(), env=pinenv)
    check(rc == 0 and sorted(os.listdir(j("r"))) == ["report.pdf", "report.xml", "summary.pdf"],
          "render signs the three reports with the token key", out + err)
    rc, out, err = run(TOOL, "verify", j("r/report.pdf"), j("r/report.xml"), j("r/summary.pdf"),
                       "--ca", ROOT)
    check(rc == 0 and out.count(": valid") == 3, "verify: all three token-signed reports valid", out)
    ok, msg = pdfsig_ok(j("r/report.pdf"))
    check(ok, "pdfsig accepts render's token-signed report.pdf", msg)
    ok, msg = xmlsec_ok(j("r/report.xml"))
    check(ok, "xmlsec1 accepts render's token-signed report.xml", msg)

    rc, out, err = run(RG, "export", "action-plan", j("r/report.xml"), "-o", j("plan.csv"),
                       "--key", uri(), "--chain", CHAIN, env=pinenv)
    check(rc == 0 and os.path.exists(j("plan.csv.sig")), "export signs FILE.sig with the token key",
          out + err)
    rc, out, err = run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                       j("plan.csv.sig"), "-content", j("plan.csv"), "-CAfile", ROOT, "-purpose",
                       "any", "-attime", T2024, "-out", "/dev/null")
    check(rc == 0, "openssl cms -verify accepts the token-made detached signature", out + err)

    # refusals: exit 3 (2 for a PIN in the URI), the cause named, nothing written
    locked = with_conf(j(""), j("locked"))
    lock_token(j("tokens"), j("locked"))
    cases = [
        ("a wrong PIN", ["--key", uri()], {"REPORTGEN_PIN": "9999"}, 3, 'wrong PIN for the token "rgtest"'),
        ("a locked token", ["--key", uri()], dict(locked, REPORTGEN_PIN=PIN), 3,
         'the token "rgtest" is locked'),
        ("a key not on the token", ["--key", uri("nosuchkey")], pinenv, 3,
         'no private key on the token "rgtest" matches the URI (keys there: '),
        ("a token not present", ["--key", uri(token="other")], pinenv, 3,
         'no token matches the URI (tokens present: "rgtest")'),
        ("a certificate that is not the key's", ["--key", uri(), "--cert",
                                                 os.path.join(TPKI, "docsign.pem")], pinenv, 3,
         "the private key does not match the certificate"),
        ("a key without a certificate on the token", ["--key", uri("bare")], pinenv, 3,
         'holds no certificate for the key bare (id 02)'),
        ("no PIN", ["--key", uri()], None, 3, 'needs its PIN and none was given'),
        ("a PIN in the URI", ["--key", uri() + "&pin-value=1234"], None, 2,
         "the PKCS#11 URI carries a PIN (pin-value)"),
        ("a module that does not exist", ["--key", uri(module=False), "--pkcs11-module",
                                          "/nonexistent/p11.so"], pinenv, 3,
         "cannot load the PKCS#11 module /nonexistent/p11.so"),
        ("--pin-file with a PEM key", ["--key", os.path.join(PKI, "signer.key"), "--cert",
                                       os.path.join(PKI, "signer.pem"), "--pin-file", j("pin")],
         None, 2, "--pin-file and --pkcs11-module go with a key on a token"),
    ]
    for what, args, env, code, msg in cases:
        out_dir = j("refused")
        rc, out, err = render(j, out_dir, *args, env=env)
        check(rc == code and msg in err and not os.path.exists(out_dir),
              "render with %s: exit %d, says so, writes nothing" % (what, code),
              "rc %d\n%s" % (rc, err))
    # the URI: by id alone, %-escapes, and what is refused (exit 2, nothing written)
    mod = "?module-path=" + SOFTHSM
    for what, key, code, msg in (
            ("the key chosen by id=%01 alone", "pkcs11:token=rgtest;id=%01" + mod, 0, ""),
            ("a %-escaped token label", "pkcs11:token=%72gtest;object=signkey" + mod, 0, ""),
            ("type=cert", "pkcs11:token=rgtest;object=signkey;type=cert" + mod, 2,
             "the signing key is type=private"),
            ("a bad %-escape", "pkcs11:token=rg%zztest;object=signkey" + mod, 2, "bad %-escape"),
            ("an attribute given twice", "pkcs11:token=rgtest;token=x;object=signkey" + mod, 2,
             "gives token twice"),
            ("no object or id", "pkcs11:token=rgtest" + mod, 2, "names no key"),
            ("an unknown attribute", "pkcs11:token=rgtest;object=signkey;colour=red" + mod, 2,
             'attribute "colour" is not one reportgen knows')):
        rc, out, err = render(j, j("uri"), "--key", key, env=pinenv)
        check(rc == code and msg in err and os.path.exists(j("uri")) == (code == 0),
              "render with %s in the URI: exit %d" % (what, code), "rc %d\n%s" % (rc, err))
        shutil.rmtree(j("uri"), ignore_errors=True)
    write(j("pin-crlf"), (PIN + "\r\nsecond line\n").encode())
    rc, out, err = render(j, j("crlf"), "--key", uri(), "--pin-file", j("pin-crlf"))
    check(rc == 0, "--pin-file: the first line is the PIN, its CR LF not part of it", err)
    rc, out, err = render(j, j("twomod"), "--key", uri(), "--pkcs11-module",
                          "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so", env=pinenv)
    check(rc == 2 and "differ" in err, "--pkcs11-module and the URI's module-path differing: exit 2", err)
    rc, out, err = render(j, j("proxy"), "--key", uri(module=False), env=pinenv)
    check(rc == 0, "no module named: p11-kit's proxy finds SoftHSM (registered by Debian's "
          "softhsm2 package)", err)
    # the locked token was not asked for a PIN: its flags still say locked,
    # and the good token still takes the PIN after the wrong one
    rc, out, err = render(j, j("r2"), "--key", uri(), env=pinenv)
    check(rc == 0, "the token still signs after the refusals", err)


# --- RFC 3161: a local TSA ----------------------------------------------------------

TSA_TIME = "2024-04-01 00:05:00"
# The TSA's certificates are made a day earlier: faketime's clock starts at
# the time given and runs, so certificates made "at" TSA_TIME after a slow
# RSA key generation (a loaded machine) would begin after the tokens the
# TSA then stamps at TSA_TIME, and not be valid for them yet.
TSA_CERT_TIME = "2024-03-31 00:05:00"


def faketime(*cmd, at=TSA_TIME):
    """cmd under a clock started at `at` (UTC), when faketime is installed."""
    return (["faketime", "-f", "@" + at] + list(cmd)) if shutil.which("faketime") else list(cmd)


def make_tsa(d):
    """A TSA CA and a TSA certificate (extendedKeyUsage critical timeStamping),
    made at TSA_CERT_TIME, and the openssl ts configuration that uses them."""
    ca, tsa = os.path.join(d, "tsaca"), os.path.join(d, "tsa")
    env = {"TZ": "UTC"}
    must(*faketime("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca + ".key",
                   "-out", ca + ".pem", "-subj", "/O=reportgen tests/CN=Test TSA CA", "-days", "3650",
                   "-addext", "basicConstraints=critical,CA:true",
                   "-addext", "keyUsage=critical,keyCertSign", at=TSA_CERT_TIME), env=env)
    must(*faketime("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", tsa + ".key",
                   "-out", tsa + ".csr", "-subj", "/O=reportgen tests/CN=Test TSA",
                   at=TSA_CERT_TIME), env=env)
    write(tsa + ".ext", b"basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\n"
                        b"extendedKeyUsage=critical,timeStamping\n")
    must(*faketime("openssl", "x509", "-req", "-in", tsa + ".csr", "-CA", ca + ".pem", "-CAkey",
                   ca + ".key", "-set_serial", "7", "-days", "3650", "-extfile", tsa + ".ext", "-out",
                   tsa + ".pem", at=TSA_CERT_TIME), env=env)
    write(os.path.join(d, "serial"), b"01\n")
    conf = os.path.join(d, "tsa.cnf")
    write(conf, ("""[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = %s
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
""" % d).encode())
    return conf, ca + ".pem"


class TSA(http.server.BaseHTTPRequestHandler):
    """POST / answers as an RFC 3161 TSA (openssl ts -reply); /500 fails;
    /replay answers every request with the first reply it gave."""
    conf = None
    last = None
    requests = 0

    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        TSA.requests += 1
        if self.path == "/500":
            self.send_response(500)
            self.end_headers()
            return
        if self.path == "/replay" and TSA.last:
            reply = TSA.last
        else:
            d = os.path.dirname(TSA.conf)
            q, r = os.path.join(d, "q.tsq"), os.path.join(d, "r.tsr")
            write(q, body)
            p = subprocess.run(faketime("openssl", "ts", "-reply", "-config", TSA.conf, "-queryfile",
                                        q, "-out", r), capture_output=True, env=dict(os.environ, TZ="UTC"))
            reply = read(r) if p.returncode == 0 else b""
            TSA.last = TSA.last or reply
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


def pades(j):
    data = read(j("t.pdf"))
    check(b"/SubFilter /ETSI.CAdES.detached" in data, "PAdES is the default: /SubFilter /ETSI.CAdES.detached")
    rc, out, err = run("pdfsig", "-nocert", "-no-ocsp", j("t.pdf"))
    check("Signature Type: ETSI.CAdES.detached" in out and "Signature is Valid." in out,
          "pdfsig reports ETSI.CAdES.detached and a valid signature", out)
    rc, out, err = run("pdfsig", "-dump", j("t.pdf"))
    dumped = j("t.pdf.sig0") if os.path.exists(j("t.pdf.sig0")) else "t.pdf.sig0"
    if os.path.exists(dumped):
        rc, out, err = run("openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", dumped)
        check(rc == 0 and "signingCertificateV2" in out and "signingTime" not in out,
              "the PAdES CMS (pdfsig -dump, openssl cms) has signing-certificate-v2 and no signingTime",
              out[-2000:])
    rc, out, err = verify(j("t.pdf"))
    check(rc == 0 and "signed at:   2024-04-01T00:00:00Z (claimed by the signer, PAdES /M)" in out,
          "verify takes a PAdES signature's claimed time from /M", out)
    for n in ("r1.pdf", "r2.pdf"):
        must(TOOL, "mkpdf", j(n), "2")
        run(TOOL, "sign", j(n), "--key", uri(), "--chain", CHAIN, "--time", T2024,
            env={"REPORTGEN_PIN": PIN})
    check(read(j("r1.pdf")) == read(j("r2.pdf")) and b"/ETSI.CAdES.detached" in read(j("r1.pdf")),
          "PAdES signing on the token is reproducible: two runs give the same bytes")
    must(TOOL, "mkpdf", j("old.pdf"), "2")
    rc, out, err = run(TOOL, "sign", j("old.pdf"), "--key", uri(), "--chain", CHAIN, "--time", T2024,
                       "--no-pades", env={"REPORTGEN_PIN": PIN})
    rc2, out2, _ = run("pdfsig", "-nocert", "-no-ocsp", j("old.pdf"))
    rc3, out3, _ = verify(j("old.pdf"))
    check(rc == 0 and "adbe.pkcs7.detached" in out2 and rc3 == 0,
          "--no-pades signs adbe.pkcs7.detached, which pdfsig and verify accept", out2 + out3)
    # PAdES forbids signingTime: a CAdES SubFilter over a CMS that has one is refused
    b = read(j("old.pdf")).replace(b"/SubFilter /adbe.pkcs7.detached", b"/SubFilter /ETSI.CAdES.detac")
    write(j("mixed.pdf"), b)
    rc, out, err = verify(j("mixed.pdf"))
    check(rc == 1, "verify refuses a changed /SubFilter", out)


def timestamps(j, port):
    url = "http://127.0.0.1:%d/" % port
    tsa_ca = TSA.ca
    pinenv = {"REPORTGEN_PIN": PIN}
    for name in ("s1.pdf", "s2.pdf"):
        must(TOOL, "mkpdf", j(name), "2" if name == "s1.pdf" else "3", "--update")
        rc, out, err = run(TOOL, "sign", j(name), "--key", uri(), "--chain", CHAIN, "--time", T2024,
                           "--tsa", url, env=pinenv)
        check(rc == 0, "sign %s on the token with --tsa" % name, err)
    ok, msg = pdfsig_ok(j("s1.pdf"))
    check(ok, "pdfsig accepts the time-stamped PAdES B-T PDF", msg)
    rc, out, err = run("pdfsig", "-dump", j("s1.pdf"))
    dumped = j("s1.pdf.sig0") if os.path.exists(j("s1.pdf.sig0")) else "s1.pdf.sig0"
    rc, out, err = run("openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", dumped)
    check(rc == 0 and "id-smime-aa-timeStampToken" in out,
          "pdfsig -dump + openssl cms: the CMS carries the time-stamp token (unsigned attribute)",
          out[-1500:] + err)
    if os.path.exists(dumped):
        os.unlink(dumped)
    rc, out, err = run(TOOL, "tst", j("s1.pdf"), j("s1.tst"), j("s1.sv"))
    rc2, out2, err2 = run("openssl", "ts", "-verify", "-in", j("s1.tst"), "-token_in", "-data",
                          j("s1.sv"), "-CAfile", tsa_ca, "-attime", "1711929900")
    check(rc == 0 and rc2 == 0 and "Verification: OK" in out2,
          "openssl ts -verify accepts the token over the signature value, against the TSA's CA",
          out2 + err2)
    rc, out, err = verify(j("s1.pdf"), extra=("--tsa-ca", tsa_ca))
    faked = shutil.which("faketime") is not None
    check(rc == 0 and "signed at:   2024-04-01T00:00:00Z (claimed by the signer" in out and
          "time-stamp:  " + ("2024-04-01T00:05:0" if faked else "") in out and
          "(trusted time, from CN=Test TSA,O=reportgen tests)" in out,
          "verify --tsa-ca: valid, the trusted time beside the claimed one", out + err)
    if faked:
        check("time gap" not in out, "claimed and trusted time 5 min apart: no time gap shown", out)
    # A claimed time 30 days before the TSA's: what a backdated report looks
    # like.  Still valid (the signature is genuine), the gap shown.
    must(TOOL, "mkpdf", j("back.pdf"), "2", "--update")
    rc, out, err = run(TOOL, "sign", j("back.pdf"), "--key", uri(), "--chain", CHAIN,
                       "--time", str(int(T2024) - 30 * 86400), "--tsa", url, env=pinenv)
    check(rc == 0, "sign back.pdf with a claimed time 30 days before the TSA's", err)
    rc, out, err = verify(j("back.pdf"), extra=("--tsa-ca", tsa_ca))
    check(rc == 0 and "time gap:    the claimed time is " + ("P30DT5M " if faked else "") in out and
          "before the trusted time: only the trusted time is proven" in out,
          "verify --tsa-ca shows the gap between a backdated claimed time and the trusted one",
          out + err)
    rc, out, err = verify(j("s1.pdf"))
    check(rc == 0 and "NOT trusted: not checked against a TSA anchor (give --tsa-ca FILE)" in out,
          "verify without --tsa-ca: valid, the time-stamp shown as not checked", out)
    rc, out, err = verify(j("s1.pdf"), extra=("--tsa-ca", ROOT))
    check(rc == 1 and "NOT TRUSTED: time-stamp not trusted" in out,
          "verify with a --tsa-ca the TSA does not chain to: not trusted, exit 1", out)
    shutil.copy(j("s1.pdf"), j("swap.pdf"))
    rc, out, err = run(TOOL, "swap-tst", j("swap.pdf"), j("s2.pdf"))
    rc2, out2, err2 = verify(j("swap.pdf"), extra=("--tsa-ca", tsa_ca))
    check(rc == 0 and rc2 == 1 and "INVALID: the time-stamp token is not over this signature" in out2,
          "a time-stamp token from another signature: INVALID, exit 1", err + out2)
    # every byte of the CMS, the token included, changed once
    data = read(j("s1.pdf"))
    a, b = pdf_contents(data)
    hexd = b"0123456789ABCDEF"
    changes = [(p, hexd[(hexd.index(data[p]) + 1) % 16]) for p in range(a, b, 2)]
    changes, missed = sweep(j, "s1.pdf", changes, lambda *f: verify(*f, extra=("--tsa-ca", tsa_ca)))
    check(len(changes) > 3000 and not missed,
          "verify --tsa-ca refuses each of %d one-byte changes of a time-stamped CMS" % len(changes),
          "accepted: %s" % missed[:20])

    # XML: the XAdES SignatureTimeStamp object
    fixture = os.path.join(SRC, "tests", "sign", "fixtures", "report.xml")
    shutil.copy(fixture, j("s1.xml"))
    shutil.copy(fixture, j("s2.xml"))
    rc, _, err = run(TOOL, "sign", j("s1.xml"), "--key", uri(), "--chain", CHAIN, "--time", T2024,
                     "--tsa", url, env=pinenv)
    rc2, _, err2 = run(TOOL, "sign", j("s2.xml"), "--key", os.path.join(TPKI, "ec-signer.key"), "--cert",
                       os.path.join(TPKI, "ec-signer.pem"), "--chain", CHAIN, "--time", T2024, "--tsa", url)
    x = read(j("s1.xml"))
    check(rc == 0 and rc2 == 0 and b"<xades:EncapsulatedTimeStamp>" in x,
          "sign report.xml with --tsa: a xades:SignatureTimeStamp in ds:Object", err + err2)
    ok, msg = xmlsec_ok(j("s1.xml"))
    check(ok, "xmlsec1 --verify accepts the time-stamped report.xml", msg)
    rc, out, err = verify(j("s1.xml"), extra=("--tsa-ca", tsa_ca))
    check(rc == 0 and "(trusted time, from CN=Test TSA,O=reportgen tests)" in out,
          "verify --tsa-ca: the XML's time-stamp is trusted and shown", out + err)
    x2 = read(j("s2.xml"))
    tag0, tag1 = b"<xades:EncapsulatedTimeStamp>", b"</xades:EncapsulatedTimeStamp>"
    t2 = x2[x2.index(tag0):x2.index(tag1)]
    write(j("swap.xml"), x[:x.index(tag0)] + t2 + x[x.index(tag1):])
    rc, out, err = verify(j("swap.xml"), extra=("--tsa-ca", tsa_ca))
    check(rc == 1 and "INVALID: the time-stamp token is not over this signature" in out,
          "an XML time-stamp from another signature: INVALID, exit 1", out)
    o0 = x.index(b"<ds:Object>")
    o1 = x.index(b"</ds:Object>") + len(b"</ds:Object>")
    changes, missed = sweep(j, "s1.xml", [(p, x[p] ^ 1) for p in range(o0, o1)],
                            lambda *f: verify(*f, extra=("--tsa-ca", tsa_ca)))
    check(len(changes) > 2000 and not missed,
          "verify --tsa-ca refuses each of %d flips of the XML time-stamp object" % len(changes),
          "accepted: %s" % missed[:20])

    # render and export with the token and the TSA
    rc, out, err = render(j, j("rt"), "--key", uri(), "--tsa", url, env=pinenv)
    rc2, out2, _ = run(TOOL, "verify", j("rt/report.pdf"), j("rt/report.xml"), j("rt/summary.pdf"),
                       "--ca", ROOT, "--tsa-ca", tsa_ca)
    check(rc == 0 and rc2 == 0 and out2.count("(trusted time, from CN=Test TSA") == 3,
          "render --tsa: the three reports carry trusted time-stamps", err + out2)
    rc, out, err = run(RG, "export", "oscal-ar", j("rt/report.xml"), "-o", j("ar.xml"),
                       "--key", uri(), "--chain", CHAIN, "--tsa", url, env=pinenv)
    rc2, out2, _ = run(TOOL, "verify", j("ar.xml.sig"), "--ca", ROOT, "--tsa-ca", tsa_ca)
    check(rc == 0 and rc2 == 0 and "(trusted time, from CN=Test TSA" in out2,
          "export --tsa: the detached signature carries a trusted time-stamp", err + out2)

    # a TSA that fails: exit 3, nothing written
    for what, u, msg in (("answers HTTP 500", url + "500", "answered HTTP 500"),
                         ("answers with another request's token", url + "replay",
                          "token for another request"),
                         ("cannot be reached", "http://127.0.0.1:9/", "cannot be reached")):
        rc, out, err = render(j, j("tsafail"), "--key", uri(), "--tsa", u, env=pinenv)
        check(rc == 3 and msg in err and not os.path.exists(j("tsafail")),
              "render with a TSA that %s: exit 3, says so, writes nothing" % what,
              "rc %d\n%s" % (rc, err))
    rc, out, err = render(j, j("tsabad"), "--key", uri(), "--tsa", "ftp://127.0.0.1/", env=pinenv)
    check(rc == 2 and "--tsa takes the http:// or https:// URL" in err, "--tsa ftp://...: usage, exit 2", err)


def main():
    for t in ("softhsm2-util", "pkcs11-tool"):
        if not shutil.which(t) or not os.path.exists(SOFTHSM):
            print("SKIP: %s or SoftHSM2 is not installed" % t)
            return 77
    tmp = tempfile.mkdtemp(prefix="rg-p11-")
    j = lambda n: os.path.join(tmp, n)
    make_token(tmp)
    token_signing(j)
    cli_token(j)
    always_authenticate(j)
    pades(j)
    os.mkdir(j("tsa"))
    TSA.conf, TSA.ca = make_tsa(j("tsa"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TSA)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        timestamps(j, server.server_address[1])
    finally:
        server.shutdown()
    shutil.rmtree(tmp)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


sys.exit(main())
