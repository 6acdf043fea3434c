"""make.py: the reference bundle with an ANSI escape sequence (ESC [ 2 J,
clear screen; ESC [ 3 1 m, red) inside a free-text field: the reference
of timeline.csv line 7."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

casezip.edited_reference(sys.argv[1], {"timeline.csv": [("CHG-140", "CHG-\x1b[2J\x1b[31m140")]})
