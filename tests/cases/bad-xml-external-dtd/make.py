"""make.py: the manifest names an external DTD (a local file this script writes) that
declares an entity with a canary; the manifest uses the entity.  Loading the DTD
would put the canary into the data."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
dtd = os.path.join(os.path.dirname(os.path.abspath(out)), "canary.dtd")
with open(dtd, "w") as fh:
    fh.write('<!ENTITY canary "RGCANARY-DTD-8b2f4a61">\n')
mf = casezip.reference_manifest()
mf = mf.replace('<?xml version="1.0" encoding="UTF-8"?>\n',
                '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE bundle SYSTEM "file://%s">\n' % dtd, 1)
mf = mf.replace('component="Office of the CIO"/>', 'component="Office of the CIO">&canary;</agency>', 1)
assert "&canary;" in mf
casezip.write_zip(out, casezip.hostile_members(manifest=mf))
