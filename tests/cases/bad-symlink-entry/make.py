"""make.py: an entry attachments/hostname.txt that is a symbolic link (Unix mode
S_IFLNK in external_attr) to /etc/hostname, listed with the digest of its
stored bytes (the link target).  Following it would read the machine's file."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
import stat
import zipfile

target = b"/etc/hostname"
info = zipfile.ZipInfo("attachments/hostname.txt", date_time=(2024, 5, 2, 9, 0, 0))
info.create_system = 3
info.external_attr = (stat.S_IFLNK | 0o777) << 16
info.compress_type = zipfile.ZIP_STORED
members = casezip.hostile_members([("attachments/hostname.txt", target)])
members = [(info, d) if n == "attachments/hostname.txt" else (n, d) for n, d in members]
casezip.write_zip(out, members)
