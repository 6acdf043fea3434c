"""make.py: the bundle of bad-zip-ratio (a 100 MB attachment compressed ~1000:1),
built by that case's own script, for a run that raises the ratio limit."""
import os
import runpy
import sys

here = os.path.dirname(os.path.abspath(__file__))
runpy.run_path(os.path.join(os.path.dirname(here), "bad-zip-ratio", "make.py"), run_name="__main__")
