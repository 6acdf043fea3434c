"""make.py: 70,000 tiny entries under attachments/ (far above any sensible entry
limit; the ZIP needs ZIP64 for the count).  Not listed in the manifest; the
limit must be reported whatever else is."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
import zipfile

members = casezip.hostile_members()
with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
    for name, data in members:
        z.writestr(name, data)
    for i in range(70000):
        z.writestr("attachments/many/%05d.txt" % i, b"x")
