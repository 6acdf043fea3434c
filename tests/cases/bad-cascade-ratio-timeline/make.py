"""make.py: the reference bundle whose timeline.csv is padded with 50,000
identical "other" rows (2.3 MB compressed about 1000 to 1, over the ratio
limit).  Before issue 15 the refused file was then also reported as
missing ("timeline.csv is missing; every bundle needs one")."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

with open(os.path.join(casezip.reference_folder(), "timeline.csv"), encoding="utf-8") as fh:
    last = fh.read().splitlines()[-1] + "\n"
pad = "2024-04-30T09:00:00-04:00,other,IR Team,,padding\n" * 50000
casezip.edited_reference(sys.argv[1], {"timeline.csv": [(last, last + pad)]})
