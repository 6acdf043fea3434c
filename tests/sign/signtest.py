"""signtest.py: what the signing tests (test_sign.py, test_pkcs11.py) share.

The demo PKI's paths, the fixed signing time, running a command with a
clean signing environment, the failure list, reading the first verdict line
of `verify`, the two independent verifiers (pdfsig, xmlsec1) and the byte
sweep that changes a signed file one byte at a time and asks verify about
every copy.  Each test script keeps its own scenarios.
"""
import os
import subprocess
import sys

SRC = sys.argv[2]
PKI = os.path.join(SRC, "samples", "pki")
TPKI = os.path.join(SRC, "tests", "sign", "pki")
ROOT = os.path.join(PKI, "root.pem")
CHAIN = os.path.join(PKI, "chain.pem")
T2024 = "1711929600"  # 2024-04-01T00:00:00Z, the signing time of every test

failures = []
# Variables every command gets (test_pkcs11.py puts SOFTHSM2_CONF here).
ENV = {}


def check(cond, what, extra=""):
    if not cond:
        failures.append(what)
        print("FAIL: " + what + ("\n      " + extra.strip().replace("\n", "\n      ") if extra else ""))
    else:
        print("ok: " + what)


def run(*args, env=None, stdin=None):
    """(exit status, stdout, stderr) of a command run without the user's
    signing variables, at the fixed signing time."""
    e = dict(os.environ)
    for k in ("REPORTGEN_KEY_PASSPHRASE", "REPORTGEN_CA", "REPORTGEN_PIN"):
        e.pop(k, None)
    e["SOURCE_DATE_EPOCH"] = T2024
    e.update(ENV)
    if env:
        e.update(env)
    p = subprocess.run(list(args), capture_output=True, env=e, input=stdin)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def read(p):
    with open(p, "rb") as f:
        return f.read()


def write(p, b):
    with open(p, "wb") as f:
        f.write(b)


def first_line(out, path):
    """What verify said of path (its "PATH: verdict" line), or ""."""
    for line in out.splitlines():
        if line.startswith(path + ": "):
            return line[len(path) + 2:]
    return ""


def pdfsig_ok(path):
    rc, out, err = run("pdfsig", "-nocert", "-no-ocsp", path)
    return rc == 0 and "Signature is Valid." in out and "Total document signed" in out, out + err


def xmlsec_ok(path):
    # Certificates checked at the signing time, as verify does, not at
    # today's date: the demo root expires in 2040.
    rc, out, err = run("xmlsec1", "--verify", "--enabled-key-data", "x509", "--trusted-pem", ROOT,
                       "--verification-time", "2024-04-01 00:00:00", path, env={"TZ": "UTC"})
    return rc == 0, out + err


def sweep(j, name, changes, verify, batch=400):
    """Writes one copy of j(name) per change (a (position, new byte) pair),
    asks verify(*files) about them in batches, and returns the changes and
    those whose copy verify still called valid, or answered for not at all."""
    ext = os.path.splitext(name)[1]
    data = read(j(name))
    missed = []
    changes = sorted(set(c for c in changes if 0 <= c[0] < len(data) and data[c[0]] != c[1]))
    for k in range(0, len(changes), batch):
        files = {}
        for pos, byte in changes[k:k + batch]:
            f = j("sw-%d-%d%s" % (pos, byte, ext))
            b = bytearray(data)
            b[pos] = byte
            write(f, bytes(b))
            files[f] = (pos, byte)
        rc, out, err = verify(*files)
        for f, c in files.items():
            head = first_line(out, f)
            if head == "valid" or not head:
                missed.append(c)
            os.unlink(f)
    return changes, missed
