"""make.py: an entry named attachments\\evil.pdf (a backslash), listed."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
casezip.write_zip(out, casezip.hostile_members([("attachments\\evil.pdf", b"%PDF-1.4\n%%EOF\n")]))
