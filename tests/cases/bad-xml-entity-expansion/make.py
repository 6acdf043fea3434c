"""make.py: a "billion laughs" internal entity bomb in the manifest (10^9 copies of
"lol" if expanded).  It must be refused promptly, not expanded."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casezip  # noqa: E402

out = sys.argv[1]
decl = '  <!ENTITY lol0 "lol">\n' + "".join(
    '  <!ENTITY lol%d "%s">\n' % (i, ("&lol%d;" % (i - 1)) * 10) for i in range(1, 10))
mf = casezip.reference_manifest()
mf = mf.replace('<?xml version="1.0" encoding="UTF-8"?>\n',
                '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE bundle [\n%s]>\n' % decl, 1)
mf = mf.replace('component="Office of the CIO"/>', 'component="Office of the CIO">&lol9;</agency>', 1)
casezip.write_zip(out, casezip.hostile_members(manifest=mf))
