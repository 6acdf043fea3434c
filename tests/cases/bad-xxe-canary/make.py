"""make.py: like bad-xxe-hostname, but the entity points at a file this script writes
beside the ZIP, holding a canary string that cannot occur by chance."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
canary = os.path.join(os.path.dirname(os.path.abspath(out)), "xxe-canary.txt")
with open(canary, "w") as fh:
    fh.write("RGCANARY-XXE-3c9d1e7a\n")
mf = casezip.reference_manifest()
mf = mf.replace('<?xml version="1.0" encoding="UTF-8"?>\n',
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<!DOCTYPE bundle [\n  <!ENTITY leak SYSTEM "file://%s">\n]>\n' % canary, 1)
mf = mf.replace('<contact name="Pat Doe" role="CISO" email="ciso@example.gov"/>',
                '<contact name="Pat Doe" role="CISO" email="ciso@example.gov">&leak;</contact>', 1)
assert "&leak;" in mf
casezip.write_zip(out, casezip.hostile_members(manifest=mf))
