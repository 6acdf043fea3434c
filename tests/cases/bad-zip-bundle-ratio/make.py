"""make.py: 300 entries of exactly 1 MiB of zeros (each about 1 KB
deflated), listed with their real digests: each is under the 1 MiB floor
of the per-entry ratio limit, and the total under --max-total-size.  The
full-size bomb (9,990 entries, 10 GB from 10 MB) is in tests/limits and
bench/bombs.sh."""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(here)), "limits"))
import zipbombs  # noqa: E402

zipbombs.write("many", sys.argv[1], entries=300)
