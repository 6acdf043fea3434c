"""make.py: the reference bundle with secret S-2 (secrets.csv line 3) of an
unknown kind.  The row is refused; the two remediations of S-2 and the
finding MSG-0003 it was found in must not be reported again (as a dangling
secret_id, or as a finding with a secret but no secrets.csv row)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

casezip.edited_reference(sys.argv[1], {"secrets.csv": [("S-2,MSG-0003,password", "S-2,MSG-0003,passphrase")]})
