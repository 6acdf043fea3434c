#!/usr/bin/env python3
"""nocache.py: the layout cache and the row spool of the PDF views
(views/pdf_doc.c, views/pdf_spool.c, issue 16) change nothing in the PDFs.

reportgen lays each distinct text out once and draws it from a bounded
cache, and draws each table row from what the measuring pass kept of its
layout (the spool).  The environment variable RG_PDF_NO_CACHE (a test hook,
documented in views/pdf_doc.h and docs/performance.md) turns both off, so
that every text is laid out afresh in both passes as before they existed.  For each input this
renders report.pdf and summary.pdf both ways, with the same
SOURCE_DATE_EPOCH, and a third time with RG_PDF_CACHE_SETS=1 (a cache of
one set of four layouts: a table row's six cells pin every way, so the
fallback to the scratch layouts runs on every row), and asserts that, against
the render without the cache:
  - the text pdftotext extracts is the same;
  - the structure tree (pikepdf: every element's type, attributes, page
    and kids, marked-content ids and annotation references) is the same;
  - the files are byte-identical (the cache keeps the very layouts).
The comparison is between two renders of the current code, so it holds
whatever the views later draw.  Inputs: sample bundles (--zip, rendered with
`reportgen render`) and hand-built results models (--fixture KIND:N,
rendered with pdf-render-fixture; tests/pdf/fixture.c).

usage: nocache.py --reportgen RG --render-fixture R --pdftotext P --work DIR
                  [--zip Z ...] [--fixture gaps:3000 ...]
"""
import argparse
import os
import shutil
import subprocess
import sys

try:
    import pikepdf
except ImportError:
    sys.exit("pikepdf is not installed: install python3-pikepdf (.ci/install-deps)")

EPOCH = "1714644000"


def run(cmd, env, ok=(0,)):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode not in ok:
        sys.exit("%s exited %d:\n%s" % (" ".join(cmd), p.returncode, p.stderr[-3000:]))


def text_of(pdftotext, path):
    p = subprocess.run([pdftotext, "-enc", "UTF-8", path, "-"], capture_output=True)
    if p.returncode != 0:
        sys.exit("pdftotext failed on %s: %s" % (path, p.stderr.decode(errors="replace")))
    return p.stdout


def structure_of(path):
    """The structure tree as nested tuples: comparable, page-independent of
    object numbers."""
    with pikepdf.open(path) as pdf:
        pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return None

        def value(v):
            # Plain data, never an object's identity.
            if isinstance(v, pikepdf.Dictionary):
                return tuple(sorted((k, value(v[k])) for k in v.keys()))
            if isinstance(v, pikepdf.Array):
                return tuple(value(x) for x in v)
            return str(v)

        def page(o):
            return pages.get(o.objgen, -1) if o is not None else None

        def node(o, depth=0):
            if isinstance(o, int):
                return ("MCID", int(o))
            if not isinstance(o, pikepdf.Dictionary):
                return ("?", str(o))
            t = o.get("/Type")
            if t == "/MCR":
                return ("MCR", int(o.MCID), page(o.get("/Pg")))
            if t == "/OBJR":
                obj = o.Obj
                return ("OBJR", str(obj.get("/Subtype")), str(obj.get("/Contents", "")),
                        page(o.get("/Pg")))
            attrs = tuple((k, value(o[k])) for k in ("/A", "/Alt", "/ActualText", "/Lang", "/T", "/E")
                          if k in o)
            kids = o.get("/K")
            if kids is None:
                kl = []
            elif isinstance(kids, pikepdf.Array):
                kl = [node(k, depth + 1) for k in kids]
            else:
                kl = [node(kids, depth + 1)]
            return (str(o.get("/S")), attrs, page(o.get("/Pg")), tuple(kl))

        k = root.get("/K")
        return tuple(node(x) for x in (k if isinstance(k, pikepdf.Array) else [k]))


def render_pair(name, render, work):
    """render(outdir, env) for the cached and the uncached run."""
    dirs = []
    for label, extra in (("cached", {}), ("nocache", {"RG_PDF_NO_CACHE": "1"}),
                         ("oneset", {"RG_PDF_CACHE_SETS": "1"})):
        out = os.path.join(work, name, label)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
        env.pop("RG_PDF_NO_CACHE", None)
        env.pop("RG_PDF_CACHE_SETS", None)
        env.update(extra)
        render(out, env)
        dirs.append(out)
    return dirs


def compare(name, dirs, pdftotext):
    problems = []
    for f in ("report.pdf", "summary.pdf"):
        base = os.path.join(dirs[1], f)  # the cache off
        tb, sb = text_of(pdftotext, base), structure_of(base)
        with open(base, "rb") as fb:
            bb = fb.read()
        if sb is None:
            problems.append("%s %s: no structure tree" % (name, f))
        for d, how in ((dirs[0], "the cache"), (dirs[2], "a one-set cache (RG_PDF_CACHE_SETS=1)")):
            a = os.path.join(d, f)
            if text_of(pdftotext, a) != tb:
                problems.append("%s %s: the text differs between %s and none" % (name, f, how))
            if structure_of(a) != sb:
                problems.append("%s %s: the structure tree differs between %s and none"
                                % (name, f, how))
            with open(a, "rb") as fa:
                if fa.read() != bb:
                    problems.append("%s %s: the bytes differ between %s and none" % (name, f, how))
    # The comparison can see a difference: two different documents differ.
    r, s = (os.path.join(dirs[0], f) for f in ("report.pdf", "summary.pdf"))
    if structure_of(r) == structure_of(s) or text_of(pdftotext, r) == text_of(pdftotext, s):
        problems.append("%s: report.pdf and summary.pdf compare equal: the check is blind" % name)
    return problems


def inputs(a):
    """(name, work folder name, render(outdir, env)) for each --zip (rendered with
    `reportgen render`) and each --fixture KIND:N (with pdf-render-fixture)."""
    out = []
    for z in a.zip:
        name = os.path.basename(z).removesuffix(".zip")

        def render(outdir, env, z=z):
            run([a.reportgen, "render", z, "-o", outdir, "--no-sign", "--force"], env, ok=(0, 1))

        out.append((name, name, render))
    for fx in a.fixture:
        kind, n = fx.split(":")

        def render(outdir, env, kind=kind, n=n):
            run([a.render_fixture, kind, n, outdir], env)

        out.append(("fixture-%s-%s" % (kind, n), "fx-" + kind + n, render))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reportgen", required=True)
    ap.add_argument("--render-fixture", required=True)
    ap.add_argument("--pdftotext", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--zip", action="append", default=[])
    ap.add_argument("--fixture", action="append", default=[])
    a = ap.parse_args()
    problems = []
    for name, work, render in inputs(a):
        problems += compare(name, render_pair(work, render, a.work), a.pdftotext)
    for p in problems:
        print(p)
    if problems:
        return 1
    print("%d inputs: the same text, structure and bytes with and without the layout cache"
          % (len(a.zip) + len(a.fixture)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
