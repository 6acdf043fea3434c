#!/usr/bin/env python3
"""pdfua.py: checks a PDF against the PDF/UA-1 (ISO 14289-1) structure that
reportgen promises (docs/pdf.md, "Accessibility"), with pikepdf (qpdf) and
pdfinfo rather than the project's own code.

What is checked, for each file:
  - pdfinfo -struct prints no warning; qpdf --check passes;
  - the catalog: /Lang, /MarkInfo /Marked true, /ViewerPreferences
    /DisplayDocTitle true, /Metadata XMP with dc:title (= Info /Title),
    dc:language (= /Lang) and pdfuaid:part 1;
  - the structure tree has one root element, Document;
  - headings: the first is H1, a level never skips one (H1 -> H3);
  - tables: a data table is THead (one TR of TH, /Scope /Column) then
    TBody (TRs of TD, as many cells as the header); a label/value table is
    TRs of TH (/Scope /Row) and TD; no table is split into pieces (two
    tables with the same header under the same heading);
  - every Figure has /Alt;
  - every link annotation has /Contents, belongs to a Link element (OBJR,
    /StructParent), and its page has /Tabs /S;
  - every page's content: everything painted is in a tagged marked-content
    sequence (one with an /MCID) or in an /Artifact one, never both; the
    footer ("page N of M") and "(continued)" captions are artifacts only.

usage: pdfua.py [--pdfinfo I] [--qpdf Q] FILE.pdf ...   (exit 1 on a problem)
As a module: problems(path, pdfinfo, qpdf) -> list of sentences, and
tagged_text(path) -> the text of the content elements.
"""
import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

try:
    import pikepdf
except ImportError:
    sys.exit("pikepdf is not installed: install python3-pikepdf (.ci/install-deps)")

PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "Tj", "TJ", "'", '"', "BI"}
NEWLINE = {"Td", "TD", "T*", "Tm", "'", '"'}
# The operators the checks look at; qpdf drops the others before Python
# sees them (a 3,000-row report has a million operators).
LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl",
             0xFB05: "st", 0xFB06: "st"}
WANTED = " ".join(PAINT | NEWLINE | {"BDC", "BMC", "EMC", "Tf"})


def _cmap(stream):
    """The code -> text map of a ToUnicode CMap (bfchar and bfrange)."""
    m = {}
    data = stream.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            m[bytes.fromhex(src)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            n = len(lo) // 2
            d = int(dst, 16)
            for i, c in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                m[c.to_bytes(n, "big")] = chr(d + i) if d + i < 0x110000 else "\ufffd"
    return m


class Decoder:
    """Turns the strings of text-showing operators into text."""

    def __init__(self, page):
        self.fonts = {}
        res = page.obj.get("/Resources", {})
        for name, font in res.get("/Font", {}).items():
            cmap = _cmap(font.ToUnicode) if "/ToUnicode" in font else None
            width = max((len(k) for k in cmap), default=1) if cmap else 1
            self.fonts[name] = (cmap, width)
        self.font = (None, 1)

    def select(self, name):
        self.font = self.fonts.get(str(name), (None, 1))

    def text(self, raw):
        cmap, width = self.font
        if not cmap:
            return raw.decode("cp1252", "replace")
        out, i = [], 0
        while i < len(raw):
            for w in range(width, 0, -1):
                t = cmap.get(raw[i:i + w])
                if t is not None:
                    out.append(t)
                    i += w
                    break
            else:
                out.append(raw[i:i + 1].decode("cp1252", "replace"))
                i += 1
        return "".join(out)


def page_texts(pdf, drawn=False):
    """For each page (0-based index): {mcid: text}, the artifact text and
    the problems of its marked content.  drawn: the glyphs as drawn (each
    through its font's ToUnicode), ignoring /ActualText, which cairo wraps
    around the glyphs pango adds, such as an inserted hyphen: the text a
    reader sees rather than the text a screen reader reads."""
    result = []
    for pno, page in enumerate(pdf.pages):
        dec = Decoder(page)
        # Stack of (kind, mcid or ActualText); kind: tag, artifact, other.
        marks = []
        mcid_text, artifact_text, problems, untagged = {}, [], [], []
        sink, actual = None, False  # where text goes; inside an ActualText span

        def recompute():
            kinds = [m[0] for m in marks]
            if "tag" in kinds and "artifact" in kinds:
                problems.append(f"page {pno + 1}: tagged content and an artifact nested")
            out = None
            for m in reversed(marks):
                if m[0] == "tag":
                    out = mcid_text.setdefault(m[1], [])
                    break
                if m[0] == "artifact":
                    out = artifact_text
                    break
            return out, not drawn and any(m[0] == "other" and m[1] is not None for m in marks)

        for operands, op in pikepdf.parse_content_stream(page, WANTED):
            op = str(op)
            if op in ("BDC", "BMC"):
                tag = str(operands[0])
                props = operands[1] if op == "BDC" else None
                at = None
                if tag == "/Artifact":
                    marks.append(("artifact", None))
                elif isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                    marks.append(("tag", int(props.MCID)))
                else:
                    if isinstance(props, pikepdf.Dictionary) and "/ActualText" in props:
                        at = str(props.ActualText)
                    marks.append(("other", at))
                sink, actual = recompute()
                if at is not None and sink is not None and not drawn:
                    sink.append(at)
                continue
            if op == "EMC":
                if not marks:
                    problems.append(f"page {pno + 1}: EMC without BDC")
                else:
                    marks.pop()
                sink, actual = recompute()
                continue
            if op == "Tf":
                dec.select(operands[0])
            target = sink
            if target is None:
                if op in PAINT:
                    problems.append(f"page {pno + 1}: '{op}' drawn outside any tagged content "
                                    "or artifact")
                if not drawn:
                    continue
                target = untagged
            if op in NEWLINE:
                target.append("\n")
            if actual:
                continue
            if op in ("Tj", "'", '"'):
                target.append(dec.text(bytes(operands[-1])))
            elif op == "TJ":
                for x in operands[0]:
                    if isinstance(x, pikepdf.String):
                        target.append(dec.text(bytes(x)))
        if marks:
            problems.append(f"page {pno + 1}: marked content left open")
        result.append(({k: "".join(v) for k, v in mcid_text.items()}, "".join(artifact_text),
                       problems))
    return result


def kids(elem):
    k = elem.get("/K")
    if k is None:
        return []
    if isinstance(k, pikepdf.Array):
        return list(k)
    return [k]


def is_elem(x):
    return isinstance(x, pikepdf.Dictionary) and "/S" in x and x.get("/Type", "/StructElem") == "/StructElem"


def norm(s):
    return " ".join(s.split())


class Tree:
    def __init__(self, pdf, texts):
        self.pdf = pdf
        self.texts = texts
        self.page_index = {p.objgen: i for i, p in enumerate(pdf.pages)}

    def text(self, elem, page=None):
        """The text of an element's marked content, in order."""
        pg = elem.get("/Pg")
        if pg is not None:
            page = self.page_index.get(pg.objgen, page)
        out = []
        for k in kids(elem):
            if isinstance(k, int):
                if page is not None:
                    out.append(self.texts[page][0].get(k, ""))
            elif isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR":
                p = self.page_index.get(k.Pg.objgen) if "/Pg" in k else page
                out.append(self.texts[p][0].get(int(k.MCID), ""))
            elif is_elem(k):
                out.append(self.text(k, page))
        return "".join(out)


def walk(elem, visit, depth=0):
    visit(elem, depth)
    for k in kids(elem):
        if is_elem(k):
            walk(k, visit, depth + 1)


def check_table(tree, t, where, seen, heading, out):
    parts = [k for k in kids(t) if is_elem(k)]
    names = [str(k.S) for k in parts]
    if names and names[0] == "/THead":
        if names != ["/THead", "/TBody"] and names != ["/THead"]:
            out.append(f"{where}: a data table holds {names}, not THead then TBody")
            return
        rows = [k for k in kids(parts[0]) if is_elem(k)]
        if len(rows) != 1 or str(rows[0].S) != "/TR":
            out.append(f"{where}: THead is not one row")
            return
        heads = [k for k in kids(rows[0]) if is_elem(k)]
        if not heads or any(str(h.S) != "/TH" for h in heads):
            out.append(f"{where}: the header row is not all TH")
        for h in heads:
            if h.get("/A", {}).get("/Scope") != "/Column":
                out.append(f"{where}: a column header without /Scope /Column")
        key = (heading, tuple(norm(tree.text(h)) for h in heads))
        if key in seen:
            out.append(f"{where}: table {key[1]} under \"{heading}\" is split into pieces")
        seen.add(key)
        for row in (kids(parts[1]) if len(parts) > 1 else []):
            if not is_elem(row) or str(row.S) != "/TR":
                out.append(f"{where}: TBody holds something else than TR")
                continue
            cells = [str(c.S) for c in kids(row) if is_elem(c)]
            if cells != ["/TD"] * len(heads):
                out.append(f"{where}: a body row has {cells} under {len(heads)} headers")
                break
    else:
        for row in parts:
            cells = [c for c in kids(row) if is_elem(c)]
            if str(row.S) != "/TR" or [str(c.S) for c in cells] != ["/TH", "/TD"]:
                out.append(f"{where}: a label/value row is not TR(TH, TD): "
                           f"{str(row.S)} {[str(c.S) for c in cells]}")
                continue
            if cells[0].get("/A", {}).get("/Scope") != "/Row":
                out.append(f"{where}: a row label without /Scope /Row")
            if not norm(tree.text(cells[0])):
                out.append(f"{where}: a label/value row with an empty label")


def xmp_values(data):
    ns = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
          "dc": "http://purl.org/dc/elements/1.1/",
          "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}
    root = ET.fromstring(data)
    def one(path):
        e = root.find(path, ns)
        return e.text if e is not None else None
    return (one(".//dc:title//rdf:li"), one(".//dc:language//rdf:li"), one(".//pdfuaid:part"))


def problems(path, pdfinfo="pdfinfo", qpdf="qpdf"):
    out = []
    p = subprocess.run([pdfinfo, "-struct", path], capture_output=True, text=True)
    if p.returncode != 0 or p.stderr.strip():
        out.append(f"pdfinfo -struct: {p.returncode} {p.stderr.strip()[:300]}")
    p = subprocess.run([qpdf, "--check", path], capture_output=True, text=True)
    if p.returncode != 0:
        out.append(f"qpdf --check: {p.stdout[-300:]}{p.stderr[-300:]}")

    pdf = pikepdf.open(path)
    root = pdf.Root
    lang = str(root.get("/Lang", ""))
    if not lang:
        out.append("catalog: no /Lang")
    if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
        out.append("catalog: not /Marked")
    if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        out.append("catalog: no /DisplayDocTitle true")
    if "/Metadata" not in root:
        out.append("catalog: no XMP /Metadata")
    else:
        title, xlang, part = xmp_values(root.Metadata.read_bytes())
        if title != str(pdf.docinfo.get("/Title", "")) or not title:
            out.append(f"XMP dc:title {title!r} is not the Info /Title")
        if xlang != lang:
            out.append(f"XMP dc:language {xlang!r} is not /Lang {lang!r}")
        if part != "1":
            out.append(f"XMP pdfuaid:part is {part!r}, not 1")

    texts = page_texts(pdf)
    for _, _, probs in texts:
        out.extend(probs[:5])
    n = len(pdf.pages)
    for i, (mc, art, _) in enumerate(texts):
        foot = f"page {i + 1} of {n}"
        if foot not in art:
            out.append(f"page {i + 1}: the footer \"{foot}\" is not an artifact")
        tagged = "".join(mc.values())
        if foot in tagged:
            out.append(f"page {i + 1}: the footer is tagged as content")
        if "(continued)" in tagged:
            out.append(f"page {i + 1}: a \"(continued)\" caption is tagged as content")

    str_root = root.get("/StructTreeRoot")
    if str_root is None:
        out.append("no structure tree")
        return out
    top = [k for k in kids(str_root) if is_elem(k)]
    if len(top) != 1 or str(top[0].S) != "/Document":
        out.append(f"structure tree root holds {[str(k.S) for k in top]}, not one Document")
    tree = Tree(pdf, texts)
    state = {"level": 0, "heading": "", "seen": set(), "figures": 0}
    link_elems = {}

    def visit(e, depth):
        s = str(e.S)
        m = re.fullmatch(r"/H([1-6])", s)
        if m:
            lvl = int(m.group(1))
            if lvl > state["level"] + 1:
                out.append(f"heading H{lvl} \"{norm(tree.text(e))[:60]}\" after "
                           f"H{state['level']}")
            state["level"] = lvl
            state["heading"] = norm(tree.text(e))
        elif s == "/Table":
            check_table(tree, e, f"table under \"{state['heading'][:60]}\"", state["seen"],
                        state["heading"], out)
        elif s == "/Figure":
            state["figures"] += 1
            if not str(e.get("/Alt", "")).strip():
                out.append("a Figure without /Alt")
        elif s == "/Link":
            for k in kids(e):
                if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR":
                    link_elems[k.Obj.objgen] = e

    for t in top:
        walk(t, visit)

    parent_tree = {}
    nums = str_root.ParentTree.get("/Nums", []) if "/ParentTree" in str_root else []
    for i in range(0, len(nums) - 1, 2):
        parent_tree[int(nums[i])] = nums[i + 1]
    for i, page in enumerate(pdf.pages):
        annots = page.obj.get("/Annots", [])
        if len(annots) and page.obj.get("/Tabs") != "/S":
            out.append(f"page {i + 1}: annotations but no /Tabs /S")
        for a in annots:
            if a.get("/Subtype") != "/Link":
                continue
            if not str(a.get("/Contents", "")).strip():
                out.append(f"page {i + 1}: a link without /Contents")
            if a.objgen not in link_elems:
                out.append(f"page {i + 1}: a link annotation outside any Link element")
            sp = a.get("/StructParent")
            if sp is None or int(sp) not in parent_tree or \
                    parent_tree[int(sp)].objgen != link_elems.get(a.objgen, a).objgen:
                out.append(f"page {i + 1}: a link annotation's /StructParent is not its Link")
    return out


def link_contents(path):
    """The /Contents of the link annotations, page by page in /Annots order."""
    pdf = pikepdf.open(path)
    return [str(a.get("/Contents", "")) for page in pdf.pages
            for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]


def tagged_text(path):
    """Everything the structure tree reads, page by page, joined."""
    pdf = pikepdf.open(path)
    return "\n".join("\n".join(mc[k] for k in sorted(mc)) for mc, _, _ in page_texts(pdf))


def drawn_text(path):
    """The glyphs drawn in content elements, as a reader sees them (see
    page_texts), page by page: an inserted hyphen shows here."""
    pdf = pikepdf.open(path)
    text = "\n".join("\n".join(mc[k] for k in sorted(mc))
                     for mc, _, _ in page_texts(pdf, drawn=True))
    # A ligature glyph (fi, fl ...) is its letters, as a reader sees it.
    return text.translate(LIGATURES)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdfinfo", default="pdfinfo")
    ap.add_argument("--qpdf", default="qpdf")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    bad = 0
    for f in args.files:
        for p in problems(f, args.pdfinfo, args.qpdf):
            print(f"{f}: {p}")
            bad = 1
    if not bad:
        print("ok")
    return bad


if __name__ == "__main__":
    sys.exit(main())
