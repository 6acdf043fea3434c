"""make.py: the reference bundle plus attachments/invoice<U+202E>fdp.exe,
listed in the manifest: shown raw it would read attachments/invoiceexe.pdf."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

casezip.edited_reference(sys.argv[1], extra=[("attachments/invoice\u202efdp.exe", b"MZ")])
