"""make.py: findings.csv whose MSG-0002 notes field is 2 MiB of incompressible text
(seeded pseudo-random letters), so neither the ratio nor the entry size limit
applies: only the CSV field and line length limits can refuse it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
import random

rng = random.Random(24_02)
blob = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")
               for _ in range(2 * 1024 * 1024)).encode()
members = casezip.hostile_members()
findings = dict(members)["findings.csv"]
findings = findings.replace(b",J. Smith,no,low,\n", b",J. Smith,no,low," + blob + b"\n")
others = [(n, findings if n == "findings.csv" else d) for n, d in members if n != "manifest.xml"]
mf = casezip.complete_manifest(casezip.reference_manifest().encode(), others)
casezip.write_zip(out, [("manifest.xml", mf)] + others)
