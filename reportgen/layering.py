#!/usr/bin/env python3
"""layering.py: the pipeline's dependency rule, checked at build time.

Each stage of reportgen/ may include the headers of the stages listed for it
below, and no others.  The views in particular see only the results model
(results/) and core/: a view that reached into the bundle or the directive
could compute what the results model should have said, and XML and PDF
would stop being two views of one model.  The build runs this script and
fails on any other #include "stage/...".

Usage: layering.py SOURCE_DIR STAMP_FILE
"""
import os
import re
import sys

ALLOWED = {
    "core": set(),
    "bundle": {"core"},
    "results": {"core"},
    "directive": {"core", "bundle", "results"},
    "judge": {"core", "bundle", "directive", "results"},
    "views": {"core", "results"},
    "sign": {"core"},
    "output": {"core", "results", "views", "sign"},
    "import": {"core", "bundle"},
    # export/ draws the roll-up PDF with the views' layout engine.
    "export": {"core", "results", "sign", "output", "views"},
    "cli": None,  # the front end may use every stage
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def main():
    src, stamp = sys.argv[1], sys.argv[2]
    problems = []
    for stage in sorted(os.listdir(src)):
        path = os.path.join(src, stage)
        if not os.path.isdir(path):
            continue
        if stage not in ALLOWED:
            problems.append(f"{stage}/: a stage layering.py does not know; add it to ALLOWED")
            continue
        allowed = ALLOWED[stage]
        for name in sorted(os.listdir(path)):
            if not name.endswith((".c", ".h")):
                continue
            with open(os.path.join(path, name), encoding="utf-8") as f:
                text = f.read()
            for m in INCLUDE.finditer(text):
                dep = m.group(1)
                if allowed is None or dep == stage or dep in allowed:
                    continue
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"reportgen/{stage}/{name}:{line}: includes {dep}/, "
                                f"which the {stage} stage may not use "
                                f"(allowed: {', '.join(sorted(allowed)) or 'none'})")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    with open(stamp, "w") as f:
        f.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
