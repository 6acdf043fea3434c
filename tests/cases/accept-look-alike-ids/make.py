"""make.py: the reference bundle with three more findings (contains_secret=no,
reviewed in time) whose email_ids look like others of the file: MSG-OOO2
(letters O) like MSG-0002, msg-0003 (lower case) like MSG-0003, and
MSG-\u0410B (CYRILLIC CAPITAL LETTER A) after MSG-AB (Latin)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

row = ",2024-02-03T09:30:00-05:00,support@microsoft.com,ops@exa.gov,,2024-04-21T11:00:00-04:00,J. Smith,no,low,\n"
with open(os.path.join(casezip.reference_folder(), "findings.csv"), encoding="utf-8") as fh:
    last = fh.read().splitlines()[-1] + "\n"
extra = "".join(i + row for i in ("MSG-OOO2", "msg-0003", "MSG-AB", "MSG-\u0410B"))
casezip.edited_reference(sys.argv[1], {"findings.csv": [(last, last + extra)]})
