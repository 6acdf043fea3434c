"""make.py: the reference bundle plus attachments/confidential.pdf stored encrypted
(traditional PKWARE encryption via `zip -P`; where the zip command is missing,
the encryption flag is set on a plain entry, which a reader must refuse the
same way).  Listed in the manifest with the plaintext's digest."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
import shutil
import subprocess
import tempfile

doc = b"%PDF-1.4\n% confidential attachment\n%%EOF\n"
name = "attachments/confidential.pdf"
zip_cmd = shutil.which("zip")
members = casezip.hostile_members([(name, doc)])
if zip_cmd:
    casezip.write_zip(out, [m for m in members if m[0] != name])
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "attachments"))
        with open(os.path.join(tmp, name), "wb") as fh:
            fh.write(doc)
        subprocess.run([zip_cmd, "-q", "-P", "hunter2", os.path.abspath(out), name],
                       cwd=tmp, check=True)
else:
    casezip.write_zip(out, members)
    # general purpose flag: local header +6, central directory record +8; bit 0
    casezip.patch_header(out, name, 6, 8, lambda v: v | 1, 2)
