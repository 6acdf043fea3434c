"""make.py: an attachment of 100 MB of one repeated byte (about 100 KB compressed,
ratio ~1000:1): under the entry size limit, so only the per-entry compression
ratio limit can refuse it.  Listed with its real digest."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
import hashlib
import zipfile

name = "attachments/scan.pdf"
chunk = b"\0" * (1 << 20)
n_chunks = 100
digest = hashlib.sha256()
for _ in range(n_chunks):
    digest.update(chunk)
others = casezip.reference_others()
mf = casezip.complete_manifest(casezip.reference_manifest().encode(), others + [(name, b"")])
mf = mf.replace(casezip.sha256_hex(b"").encode(), digest.hexdigest().encode())
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("manifest.xml", mf)
    for n, data in others:
        z.writestr(n, data)
    info = zipfile.ZipInfo(name, date_time=(2024, 5, 2, 9, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w") as fh:
        for _ in range(n_chunks):
            fh.write(chunk)
