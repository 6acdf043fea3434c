#!/usr/bin/env python3
"""test_large.py: a PDF larger than 2 GiB signs and verifies (issue 15).

Usage: test_large.py SIGN_TOOL SOURCE_ROOT   (meson test runs it, suite sign)

OpenSSL's BIO lengths are ints, so a report past 2 GiB is where a digest fed
in one piece would overflow.  The PDF here holds a 2.1 GiB content stream
written as a hole (a sparse file: no disk is used, only page cache while
it is read), so the test costs a few seconds of SHA-256, not gigabytes of
disk.  Checks: reportgen signs it, verify accepts it with the demo root,
and verify refuses it after one byte in the middle of the hole changes.
"""
import os
import shutil
import subprocess
import sys
import tempfile

TOOL, SRC = sys.argv[1], sys.argv[2]
PKI = os.path.join(SRC, "samples", "pki")
HOLE = (2 << 30) + (100 << 20)  # 2.1 GiB, past INT32_MAX
failures = []


def check(cond, what, extra=""):
    if not cond:
        failures.append(what)
        print("FAIL: " + what + ("\n      " + extra.strip() if extra else ""))


def run(*args):
    p = subprocess.run(list(args), capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def big_pdf(path):
    """One page whose content stream is HOLE zero bytes, as a sparse file."""
    offs = []
    with open(path, "wb") as f:
        f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        for body in (b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
                     b"/Resources << >> >>"):
            offs.append(f.tell())
            f.write(b"%d 0 obj\n" % (len(offs)) + body + b"\nendobj\n")
        offs.append(f.tell())
        f.write(b"4 0 obj\n<< /Length %d >>\nstream\n" % HOLE)
        f.seek(HOLE, os.SEEK_CUR)
        f.write(b"\nendstream\nendobj\n")
        x = f.tell()
        f.write(b"xref\n0 5\n0000000000 65535 f\r\n")
        for o in offs:
            f.write(b"%010d 00000 n\r\n" % o)
        f.write(b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % x)


def main():
    tmp = tempfile.mkdtemp(prefix="rg-large-")
    p = os.path.join(tmp, "large.pdf")
    try:
        big_pdf(p)
        rc, out, err = run(TOOL, "sign", p, "--key", os.path.join(PKI, "signer.key"), "--cert",
                           os.path.join(PKI, "signer.pem"), "--chain", os.path.join(PKI, "chain.pem"),
                           "--time", "1711929600")
        check(rc == 0, "reportgen signs a %d-byte PDF" % os.path.getsize(p), err)
        rc, out, err = run(TOOL, "verify", p, "--ca", os.path.join(PKI, "root.pem"))
        check(rc == 0 and out.startswith(p + ": valid"), "verify accepts the signed %d-byte PDF"
              % os.path.getsize(p), out + err)
        with open(p, "r+b") as f:
            f.seek(HOLE // 2 + (1 << 30))  # past the first 2 GiB
            f.write(b"\x01")
        rc, out, err = run(TOOL, "verify", p, "--ca", os.path.join(PKI, "root.pem"))
        check(rc == 1 and "INVALID: the signed bytes were changed" in out,
              "verify refuses it after one byte past 2 GiB changed", out + err)
    finally:
        shutil.rmtree(tmp)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


sys.exit(main())
