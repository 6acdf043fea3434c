"""make.py: the reference bundle with U+202E RIGHT-TO-LEFT OVERRIDE inside
the email_id MSG-0002 (findings.csv line 3, a finding nothing references),
so that the identifier would be drawn as MSG-2000."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

casezip.edited_reference(sys.argv[1], {"findings.csv": [("MSG-0002,", "MSG-\u202e0002,")]})
