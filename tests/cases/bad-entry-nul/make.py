"""make.py: an entry whose name holds a NUL byte (attachments/a<NUL>b.pdf).
zipfile truncates names at NUL, so the name is written with a placeholder of the
same length and patched in the raw ZIP afterwards.  Not listed in the manifest
(XML cannot hold a NUL)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
casezip.write_zip(out, casezip.hostile_members([("attachments/a@b.pdf", b"%PDF-1.4\n%%EOF\n")],
                                               listed=False))
casezip.patch_name(out, b"attachments/a@b.pdf", b"attachments/a\x00b.pdf")
