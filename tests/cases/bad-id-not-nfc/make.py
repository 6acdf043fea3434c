"""make.py: the reference bundle with the email_id MSG-0002 written
"MSG-0002-e" + U+0301 COMBINING ACUTE ACCENT (decomposed, NFD): it looks
exactly like "MSG-0002-\u00e9" (one code point, NFC) but is other bytes."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

casezip.edited_reference(sys.argv[1], {"findings.csv": [("MSG-0002,", "MSG-0002-e\u0301,")]})
