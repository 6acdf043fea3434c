"""make.py: the reference bundle with U+2066 LEFT-TO-RIGHT ISOLATE before the
account of log-reviews.csv line 5: the account is compared with secrets.csv,
so it is held to the identifier rules."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

casezip.edited_reference(sys.argv[1], {"log-reviews.csv": [("svc-sync@exa.gov,sign_in", "\u2066svc-sync@exa.gov,sign_in")]})
