"""make.py: Fifield's overlapping-entry ZIP bomb around a valid manifest and
timeline (tests/limits/zipbombs.py): 300 local files, each one's data
running on into the next down to one 1 MiB kernel of zeros; every local
header agrees with its central record.  The full-size bomb (7,700 entries)
is in tests/limits and bench/bombs.sh."""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(here)), "limits"))
import zipbombs  # noqa: E402

zipbombs.write("overlap", sys.argv[1], entries=300)
