"""make.py: the reference bundle with U+200B ZERO WIDTH SPACE inside the
secret_id S-2 that remediations.csv line 3 cites: "S-\u200b2" prints exactly
like "S-2"."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

casezip.edited_reference(sys.argv[1], {"remediations.csv": [("S-2,reset", "S-\u200b2,reset")]})
