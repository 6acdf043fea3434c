#!/usr/bin/env python3
"""chunks.py: a PDF drawn in chunks and joined (views/pdf_doc.c, pdf_post.c,
issue 16) is the same document as one drawn on one surface.

reportgen draws every 100 pages on a cairo surface of its own and joins
the chunks into one file.  The environment variable RG_PDF_CHUNK_PAGES=N
(a test hook, documented in views/pdf_doc.h and docs/performance.md)
shortens the chunk, so that the samples, all shorter than 100 pages, are
drawn in many.  For each input this renders report.pdf and summary.pdf
with the default chunk (one chunk for these inputs), and again with chunks
of 1 page (every page break is a join) and of 3 pages (tables and
label/value runs cross the joins), with the same SOURCE_DATE_EPOCH, and
asserts that, against the one-chunk render:
  - the text pdftotext extracts is the same;
  - the structure tree (every element's type, attributes, page and kids,
    as tests/pdf/nocache.py compares it) is the same;
  - the named destinations (page and position), the outline (titles,
    destinations, nesting) and the link annotations (page, destination,
    action, /Contents) are the same;
  - the parent tree agrees with the structure tree: every marked-content
    id of a page maps to the element that holds it, every link annotation
    to its Link element, and every element's /P is its parent;
  - the PDF/UA checks of pdfua.py pass;
  - a second chunked render gives the same bytes;
and, so that the comparison is not blind, that the chunked files really
are joined chunks (each chunk embeds its own font subsets, so they have
more font files than the one-chunk render).

usage: chunks.py --reportgen RG --render-fixture R --pdftotext P --pdfinfo I
                 --qpdf Q --work DIR [--zip Z ...] [--fixture gaps:3000 ...]
"""
import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nocache  # noqa: E402  (inputs, structure_of, text_of)
import pdfua  # noqa: E402

import pikepdf  # noqa: E402  (nocache has said what to install when it is missing)

CHUNKS = ("1", "3")


def plain(v):
    """A PDF value as plain data (an indirect one by its content)."""
    if isinstance(v, pikepdf.Dictionary):
        return tuple(sorted((k, plain(v[k])) for k in v.keys() if k not in ("/P", "/Parent")))
    if isinstance(v, pikepdf.Array):
        return tuple(plain(x) for x in v)
    return None if v is None else str(v)


def links_and_names(path):
    """Destinations, outline and links, by page index: no object numbers."""
    with pikepdf.open(path) as pdf:
        pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
        dests = {}
        if "/Names" in pdf.Root:
            arr = pdf.Root.Names.Dests.Names
            for i in range(0, len(arr), 2):
                v = arr[i + 1]
                dests[str(arr[i])] = (pages[v[0].objgen], tuple(str(x) for x in list(v)[1:]))

        def outline(item, depth=0):
            out = []
            while item is not None and depth < 8:
                out.append((str(item.Title), str(item.get("/Dest")), item.get("/F", 0),
                            outline(item.get("/First"), depth + 1)))
                item = item.get("/Next")
            return out

        ol = outline(pdf.Root.Outlines.get("/First")) if "/Outlines" in pdf.Root else None
        links = []
        for i, p in enumerate(pdf.pages):
            for a in p.get("/Annots", []):
                links.append((i, plain(a.get("/Dest")), plain(a.get("/A")), str(a.get("/Contents")),
                              [float(x) for x in a.Rect]))
        return dests, ol, links


def parent_tree_problems(path):
    """The parent tree and /P against the structure tree."""
    problems = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.Nums
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        if int(root.get("/ParentTreeNextKey", 0)) <= max(tree, default=-1):
            problems.append("/ParentTreeNextKey is not past the last key")
        page_key = {p.objgen: int(p.StructParents) for p in pdf.pages if "/StructParents" in p}
        seen = set()

        def walk(e, parent):
            if e.objgen in seen:
                problems.append("element %r is in the tree twice" % (e.objgen,))
                return
            seen.add(e.objgen)
            if e.P.objgen != parent.objgen:
                problems.append("element %s %r: /P is not its parent" % (e.S, e.objgen))
            kids = e.get("/K")
            kids = [] if kids is None else (list(kids) if isinstance(kids, pikepdf.Array) else [kids])
            for k in kids:
                if isinstance(k, int):
                    key = page_key.get(e.Pg.objgen)
                    got = tree.get(key)
                    if not isinstance(got, pikepdf.Array) or int(k) >= len(got) or \
                            got[int(k)].objgen != e.objgen:
                        problems.append("MCID %d of %s %r: the parent tree names another element"
                                        % (int(k), e.S, e.objgen))
                elif k.get("/Type") == "/OBJR":
                    got = tree.get(int(k.Obj.get("/StructParent", -1)))
                    if not isinstance(got, pikepdf.Dictionary) or got.objgen != e.objgen:
                        problems.append("annotation of %s %r: the parent tree names another element"
                                        % (e.S, e.objgen))
                elif k.get("/Type") == "/MCR":
                    problems.append("an MCR kid: not what reportgen draws")
                else:
                    walk(k, e)

        for top in root.K:
            walk(top, root)
    return problems


def font_files(path):
    with pikepdf.open(path) as pdf:
        return sum(1 for o in pdf.objects
                   if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor")


def render_all(name, render, work):
    dirs = {}
    for label in ("one",) + CHUNKS + ("again",):
        out = os.path.join(work, name, label)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        env = dict(os.environ, SOURCE_DATE_EPOCH=nocache.EPOCH)
        env.pop("RG_PDF_CHUNK_PAGES", None)
        if label != "one":
            env["RG_PDF_CHUNK_PAGES"] = CHUNKS[0] if label == "again" else label
        render(out, env)
        dirs[label] = out
    return dirs


def compare(name, dirs, a):
    problems = []
    for f in ("report.pdf", "summary.pdf"):
        base = os.path.join(dirs["one"], f)
        tb, sb, lb = nocache.text_of(a.pdftotext, base), nocache.structure_of(base), \
            links_and_names(base)
        problems += ["%s %s: %s" % (name, f, p) for p in parent_tree_problems(base)]
        pages = len(pikepdf.open(base).pages)
        for n in CHUNKS:
            c = os.path.join(dirs[n], f)
            how = "%s %s in chunks of %s pages" % (name, f, n)
            if nocache.text_of(a.pdftotext, c) != tb:
                problems.append("%s: the text differs" % how)
            if nocache.structure_of(c) != sb:
                problems.append("%s: the structure tree differs" % how)
            lc = links_and_names(c)
            for i, what in enumerate(("named destinations", "outline", "links")):
                if lc[i] != lb[i]:
                    problems.append("%s: the %s differ" % (how, what))
            problems += ["%s: %s" % (how, p) for p in parent_tree_problems(c)]
            problems += ["%s: %s" % (how, p) for p in pdfua.problems(c, a.pdfinfo, a.qpdf)]
            if pages > int(n) and font_files(c) <= font_files(base):
                problems.append("%s: no more font files than one chunk: not drawn in chunks" % how)
        with open(os.path.join(dirs[CHUNKS[0]], f), "rb") as x, \
                open(os.path.join(dirs["again"], f), "rb") as y:
            if x.read() != y.read():
                problems.append("%s %s: two chunked renders differ in their bytes" % (name, f))
    return problems


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--reportgen", "--render-fixture", "--pdftotext", "--pdfinfo", "--qpdf", "--work"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--zip", action="append", default=[])
    ap.add_argument("--fixture", action="append", default=[])
    a = ap.parse_args()
    problems = []
    for name, work, render in nocache.inputs(a):
        problems += compare(name, render_all(work, render, a.work), a)
    for p in problems:
        print(p)
    if problems:
        return 1
    print("%d inputs: the same text, structure, destinations, outline and links in chunks of %s"
          " pages as on one surface" % (len(a.zip) + len(a.fixture), " and ".join(CHUNKS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
