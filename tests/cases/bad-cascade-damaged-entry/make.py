"""make.py: the reference bundle with the deflate data of findings.csv
damaged at its first byte (block type 3, which DEFLATE reserves), so it
cannot be inflated at all.  Before issue 15 the message then also gave
"SHA-256 e3b0c442..." (the digest of no bytes) as if it were the file's."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

import struct
import zipfile

out = sys.argv[1]
casezip.edited_reference(out)
with zipfile.ZipFile(out) as z:
    info = z.getinfo("findings.csv")
with open(out, "r+b") as fh:
    fh.seek(info.header_offset + 26)
    nlen, xlen = struct.unpack("<HH", fh.read(4))
    fh.seek(info.header_offset + 30 + nlen + xlen)
    fh.write(b"\x07")
