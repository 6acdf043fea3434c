"""rgtest.py: what test_export.py and test_rollup.py share: the built
reportgen run as a user runs it (reproducibly: SOURCE_DATE_EPOCH fixed), the
DEMO key of samples/pki, the command line of both tests."""
import argparse
import hashlib
import os
import subprocess

ARGS = None
SDE = "1714644000"  # 2024-05-02T10:00:00Z


def run(*args, env=None, timeout=300):
    e = dict(os.environ)
    e["SOURCE_DATE_EPOCH"] = SDE
    e.update(env or {})
    p = subprocess.run([ARGS.reportgen, *args], capture_output=True, text=True, env=e,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def pki(name):
    return os.path.join(ARGS.srcroot, "samples", "pki", name)


def demo_key():
    return ["--key", pki("signer.key"), "--cert", pki("signer.pem"), "--chain", pki("chain.pem")]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def parse_args(*more):
    """--reportgen --srcroot --samples, and the options named in more
    (absolute paths); returns the namespace and what unittest gets."""
    global ARGS
    ap = argparse.ArgumentParser()
    for name in ("--reportgen", "--srcroot", "--samples") + more:
        ap.add_argument(name, required=True)
    ARGS, rest = ap.parse_known_args()
    ARGS.reportgen = os.path.abspath(ARGS.reportgen)
    for name in more:
        key = name[2:].replace("-", "_")
        setattr(ARGS, key, os.path.abspath(getattr(ARGS, key)))
    return ARGS, rest
