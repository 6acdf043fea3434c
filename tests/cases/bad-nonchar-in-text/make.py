"""make.py: the reference bundle with noncharacters in free text: U+FFFF in
the reference of timeline.csv line 7 and U+FDD0 in the agency name.  Before
issue 15 render failed on them as an environment failure (exit 3, "cairo
could not draw the PDF: input string not valid UTF-8"), and XML 1.0 cannot
hold U+FFFF at all."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

casezip.edited_reference(sys.argv[1], {"timeline.csv": [("CHG-140", "CHG-\uffff140")]},
                         manifest_edits=[('name="Example Agency"', 'name="Example \ufdd0Agency"')])
