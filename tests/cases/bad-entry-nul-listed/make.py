"""make.py: an entry named attachments/a<NUL>b.pdf while the manifest lists
attachments/a, the name a C string would see.  A reader that compares C
strings would take the entry as listed; it must refuse the name instead."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
doc = b"%PDF-1.4\n%%EOF\n"
members = casezip.hostile_members([("attachments/a", doc)])
members = [("attachments/a@b.pdf" if n == "attachments/a" else n, d) for n, d in members]
casezip.write_zip(out, members)
casezip.patch_name(out, b"attachments/a@b.pdf", b"attachments/a\x00b.pdf")
