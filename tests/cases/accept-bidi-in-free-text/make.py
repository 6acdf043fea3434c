"""make.py: the reference bundle with bidi, invisible and C1 control
characters in free text that reaches the reports and the terminal: U+202E
in the reference of timeline.csv line 7 (RA-4's reason quotes it), U+200B
and U+009B (the one-byte CSI of 8-bit terminals) in the agency name (the
PDF cover and check's first line show it), U+2028 LINE SEPARATOR in the
agency component."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

casezip.edited_reference(
    sys.argv[1], {"timeline.csv": [("CHG-140", "CHG-\u202e041")]},
    manifest_edits=[('name="Example Agency"', 'name="Example\u200b Agency\u009b2J"'),
                    ('component="Office of the CIO"', 'component="Office\u2028of the CIO"')])
