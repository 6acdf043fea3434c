"""make.py: an entry named /x.csv (absolute path), listed in the manifest."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
casezip.write_zip(out, casezip.hostile_members([("/x.csv", b"a,b\n1,2\n")]))
