"""casezip.py: turns a bundle folder into the members of an evidence bundle ZIP.

Used by run_case.py (bundle/ folders of tests/cases and samples/) and by the
make.py scripts of the hostile cases, which start from a valid bundle and then
damage it.  Standard library only.

Invariants (tests/cases/README.md, "Case format"):
- manifest.xml comes first; the other members follow in sorted order, named by
  their path relative to the folder with '/' separators; no directory entries.
- A manifest without <files> gets one listing every other member with its
  real SHA-256 (what `reportgen pack` would write).  A manifest with <files>
  keeps it as written, except that sha256="auto" on a <file path="P"> is
  replaced by the real digest of member P (so cases can state wrong digests
  and missing files on purpose).
"""

import hashlib
import os
import re
import zipfile


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def read_folder(folder):
    """Every file under folder as a sorted list of (posix relative name, bytes)."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for f in files:
            full = os.path.join(root, f)
            rel = os.path.relpath(full, folder).replace(os.sep, "/")
            with open(full, "rb") as fh:
                out.append((rel, fh.read()))
    out.sort(key=lambda m: m[0])
    return out


def complete_manifest(manifest, others):
    """The manifest bytes with its file list filled in (see module comment)."""
    text = manifest.decode("utf-8")
    if "<files" not in text:
        lines = "".join(
            '    <file path="%s" sha256="%s"/>\n' % (name, sha256_hex(data))
            for name, data in others)
        block = "  <files>\n%s  </files>\n" % lines
        end = text.rfind("</")
        if end < 0:
            raise ValueError("manifest.xml has no closing root tag")
        text = text[:end] + block + text[end:]
    else:
        by_name = dict(others)

        def fill(m):
            path = m.group(2)
            if path not in by_name:
                raise ValueError('sha256="auto" for %s, which is not in the bundle' % path)
            return m.group(1) + sha256_hex(by_name[path]) + m.group(3)

        text = re.sub(r'(<file\s+path="([^"]*)"\s+sha256=")auto(")', fill, text)
    return text.encode("utf-8")


def members_from_folder(folder):
    """[(name, bytes)] for the bundle in folder, manifest first and completed."""
    files = read_folder(folder)
    manifest = None
    others = []
    for name, data in files:
        if name == "manifest.xml":
            manifest = data
        else:
            others.append((name, data))
    if manifest is None:
        return others
    return [("manifest.xml", complete_manifest(manifest, others))] + others


def write_zip(path, members):
    """Writes members ([(name or ZipInfo, bytes)]) with deflate, in order."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if isinstance(name, zipfile.ZipInfo):
                z.writestr(name, data)
            else:
                info = zipfile.ZipInfo(name, date_time=(2024, 5, 2, 9, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, data)


def base_members(case_dir, base="ok-compliant"):
    """The members of another case's bundle/ folder (make.py starts from it)."""
    here = os.path.dirname(os.path.abspath(case_dir))
    return members_from_folder(os.path.join(here, base, "bundle"))


def files_block(members):
    """A <files> element listing members (name, bytes) with real digests."""
    return "  <files>\n%s  </files>\n" % "".join(
        '    <file path="%s" sha256="%s"/>\n' % (n, sha256_hex(d)) for n, d in members)


# ---- hostile bundles (the make.py scripts) ---------------------------------

REFERENCE = "ok-compliant"


def reference_folder():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), REFERENCE, "bundle")


def reference_manifest():
    """The reference bundle's manifest.xml, as text, without <files>."""
    with open(os.path.join(reference_folder(), "manifest.xml"), encoding="utf-8") as fh:
        return fh.read()


def reference_others():
    """The reference bundle's members other than the manifest."""
    return [m for m in read_folder(reference_folder()) if m[0] != "manifest.xml"]


def hostile_members(extra=(), listed=True, manifest=None, drop=()):
    """The reference bundle with extra members appended (after the valid ones).

    extra: [(name, bytes)]; listed: whether the extras go into the manifest's
    file list (with their real digests), so that the only fault left is the
    one the case is about.  manifest: replacement manifest text (without
    <files>).  drop: names of reference members to leave out."""
    others = [m for m in reference_others() if m[0] not in drop]
    extra = list(extra)
    text = manifest if manifest is not None else reference_manifest()
    listed_members = others + (extra if listed else [])
    dedup = []
    for n, d in listed_members:
        if n not in [x[0] for x in dedup]:
            dedup.append((n, d))
    mf = complete_manifest(text.encode("utf-8"), dedup)
    return [("manifest.xml", mf)] + others + extra


def patch_name(path, placeholder, real):
    """Replaces an entry name in the raw ZIP (local header and central
    directory); used for names zipfile refuses to write (NUL)."""
    if len(placeholder) != len(real):
        raise ValueError("placeholder and real name must have the same length")
    with open(path, "rb") as fh:
        data = fh.read()
    if data.count(placeholder) != 2:
        raise ValueError("placeholder not found exactly twice")
    with open(path, "wb") as fh:
        fh.write(data.replace(placeholder, real))


def _central_records(data):
    """(offset of each central directory record, its name) of a ZIP image."""
    import struct
    eocd = data.rfind(b"PK\x05\x06")
    n, _, cd_off = struct.unpack("<HIL", data[eocd + 10:eocd + 20])
    out = []
    p = cd_off
    for _ in range(n):
        assert data[p:p + 4] == b"PK\x01\x02"
        nlen, xlen, clen = struct.unpack("<HHH", data[p + 28:p + 34])
        out.append((p, data[p + 46:p + 46 + nlen]))
        p += 46 + nlen + xlen + clen
    return out


def patch_header(path, name, local_field, central_field, value, size):
    """Overwrites a field of one entry in both its local header and its
    central directory record (offsets from the record start, little endian)."""
    import struct
    with open(path, "rb") as fh:
        data = bytearray(fh.read())
    fmt = {2: "<H", 4: "<L"}[size]
    for p, n in _central_records(bytes(data)):
        if n != name.encode():
            continue
        local = struct.unpack("<L", data[p + 42:p + 46])[0]
        for base, off in ((local, local_field), (p, central_field)):
            if local_field is None and base == local:
                continue
            if callable(value):
                old = struct.unpack(fmt, data[base + off:base + off + size])[0]
                data[base + off:base + off + size] = struct.pack(fmt, value(old))
            else:
                data[base + off:base + off + size] = struct.pack(fmt, value)
        break
    else:
        raise ValueError("no entry %s" % name)
    with open(path, "wb") as fh:
        fh.write(bytes(data))


def edited_reference(out, edits=None, manifest_edits=(), extra=()):
    """Writes the reference bundle to out with text edits, for the cases
    whose one fault is a few characters that are better written as escapes
    in a script (invisible, bidi and control characters) than stored in a
    bundle/ folder.  edits: {member: [(old, new), ...]}, each old occurring
    exactly once in that member; manifest_edits: [(old, new)] on the
    manifest text (before its <files> list is added); extra: [(name, bytes)]
    members appended and listed.  Digests are the real ones."""
    def apply(name, data, pairs):
        for old, new in pairs:
            if data.count(old) != 1:
                raise ValueError("%r occurs %d times in %s, not once" % (old, data.count(old), name))
            data = data.replace(old, new)
        return data
    edits = edits or {}
    others = [(n, apply(n, d.decode("utf-8"), edits[n]).encode("utf-8") if n in edits else d)
              for n, d in reference_others()]
    unknown = set(edits) - {n for n, _ in others}
    if unknown:
        raise ValueError("no member %s in the reference bundle" % sorted(unknown))
    text = apply("manifest.xml", reference_manifest(), manifest_edits)
    members = others + list(extra)
    write_zip(out, [("manifest.xml", complete_manifest(text.encode("utf-8"), members))] + members)
