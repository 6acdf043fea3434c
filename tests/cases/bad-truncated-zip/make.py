"""make.py: the reference bundle's ZIP cut off after 2000 bytes (an interrupted copy)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
casezip.write_zip(out, casezip.hostile_members())
with open(out, "rb") as fh:
    data = fh.read()
with open(out, "wb") as fh:
    fh.write(data[:2000])
