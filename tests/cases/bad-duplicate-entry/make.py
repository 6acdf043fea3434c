"""make.py: two entries named findings.csv (the second one altered); the manifest
lists findings.csv once with the first one's digest."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
import warnings

warnings.simplefilter("ignore")
members = casezip.hostile_members()
findings = dict(members)["findings.csv"]
altered = findings.replace(b",J. Smith,no,low,", b",J. Smith,no,none,")
casezip.write_zip(out, members + [("findings.csv", altered)])
