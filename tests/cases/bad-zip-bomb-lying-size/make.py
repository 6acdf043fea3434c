"""make.py: the same 300 MB findings.csv, but its headers claim 4096 bytes
uncompressed: a reader that trusts the declared size and inflates blindly would
overrun; the limits must hold on the bytes actually inflated."""
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
others = [m for m in casezip.reference_others() if m[0] != "findings.csv"]
mf = casezip.complete_manifest(casezip.reference_manifest().encode(),
                               others + [("findings.csv", b"")])
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
# uncompressed size: local header +22, central directory record +24
casezip.patch_header(out, "findings.csv", 22, 24, 4096, 4)
