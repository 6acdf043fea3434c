"""make.py: a file that is not a ZIP at all (a CSV renamed to .zip)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
with open(out, "wb") as fh:
    fh.write(dict(casezip.reference_others())["findings.csv"])
