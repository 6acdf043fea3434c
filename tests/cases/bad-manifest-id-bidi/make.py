"""make.py: the reference bundle with U+202E inside the manifest's agency id."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

casezip.edited_reference(sys.argv[1], manifest_edits=[('id="EXA"', 'id="E\u202eXA"')])
