"""make.py: the simplest overlap: 300 central records that all point at one
local file (1 MiB of zeros), each under its own name, all listed."""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(here)), "limits"))
import zipbombs  # noqa: E402

zipbombs.write("shared", sys.argv[1], entries=300)
