"""make.py: findings.csv inflates to 300 MB from about 300 KB (one repeated byte in a
notes field, ratio ~1000:1).  It is listed with its real digest, so only the
limits (per-entry compression ratio, entry size) can refuse it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
import hashlib
import zipfile

head = (b"email_id,sent_at,sender,recipients,subject_sha256,reviewed_at,reviewer,"
        b"contains_secret,impact,notes\n"
        b"MSG-0001,2024-01-15T14:02:00-05:00,ops@exa.gov,support@microsoft.com,,"
        b"2024-04-20T10:00:00-04:00,J. Smith,yes,high,")
chunk = b"A" * (1 << 20)
n_chunks = 300
digest = hashlib.sha256(head)
for _ in range(n_chunks):
    digest.update(chunk)
digest.update(b"\n")
others = [m for m in casezip.reference_others() if m[0] != "findings.csv"]
listing = others + [("findings.csv", b"")]
mf = casezip.complete_manifest(casezip.reference_manifest().encode(), listing)
mf = mf.replace(casezip.sha256_hex(b"").encode(), digest.hexdigest().encode())
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("manifest.xml", mf)
    for name, data in others:
        z.writestr(name, data)
    info = zipfile.ZipInfo("findings.csv", date_time=(2024, 5, 2, 9, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w") as fh:
        fh.write(head)
        for _ in range(n_chunks):
            fh.write(chunk)
        fh.write(b"\n")
