"""make.py: the manifest declares an external entity pointing at /etc/hostname and
uses it in element content.  A parser that resolved it would put this machine's
name into the manifest's data."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
mf = casezip.reference_manifest()
mf = mf.replace('<?xml version="1.0" encoding="UTF-8"?>\n',
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<!DOCTYPE bundle [\n  <!ENTITY host SYSTEM "file:///etc/hostname">\n]>\n', 1)
mf = mf.replace('component="Office of the CIO"/>', 'component="Office of the CIO">&host;</agency>', 1)
assert "&host;" in mf
casezip.write_zip(out, casezip.hostile_members(manifest=mf))
