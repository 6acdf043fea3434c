#!/usr/bin/env python3
"""zipbombs.py: writes the two ZIP bombs of issue 15, for tests/limits and
bench/bombs.sh (one generator, so the benchmark measures what the tests
refuse).  Standard library only; the ZIP is written byte by byte because
zipfile cannot make entries share data.

    zipbombs.py overlap OUT.zip [--entries N] [--name-length L]
    zipbombs.py shared  OUT.zip [--entries N] [--name-length L] [--unlisted]
    zipbombs.py many    OUT.zip [--entries N] [--unlisted]

overlap: Fifield's overlapping-entry bomb ("A better zip bomb", 2019): N
    local files, each one's compressed data a non-final stored DEFLATE block
    that quotes the next local header and then runs on into the next
    entry's data, down to one shared kernel (1 MiB of zeros, about 1 KB
    deflated).  Every local header matches its central record, so libzip's
    consistency check passes; entry i inflates to the N-1-i headers after
    it plus the kernel.  CRCs are right (crc32_combine below), so a reader
    that checks them still inflates everything.  The quoted headers keep
    most entries' ratio under 200 to 1: only the last few dozen break the
    per-entry ratio limit.  Its entries are never listed in the manifest
    (their digests would take gigabytes of hashing to compute), which is
    how the issue measured it: 7,700 entries, 1.1 MB, about 7.7 GB.
shared: the simplest overlap: one local file (1 MiB of zeros) and N central
    records that all point at it under other names.  libzip already calls
    this inconsistent (the local name differs), but without saying why.
many: N honest entries of 1 MiB of zeros, each deflated on its own (about
    1 KB): 9,990 entries (the entry limit is 10,000) make a 10 MB file that
    inflates to 10 GB, every entry under the ratio floor and the total under
    --max-total-size.

Both are complete bundles around the bomb (manifest.xml first, a valid
timeline.csv), and by default the manifest lists every bomb entry with the
real SHA-256 of its content, so no check of names or digests can refuse
them: only the structure (overlap) or the ratio of the whole bundle.
--unlisted leaves the bomb entries out of the manifest (the form measured
in the issue, refused before today only once everything was inflated).
"""
import argparse
import hashlib
import struct
import sys
import zlib

ENTRY = 1 << 20  # bytes of zeros each bomb entry inflates to
STAMP_TIME, STAMP_DATE = 0x4800, 0x58A2  # 2024-05-02 09:00

TIMELINE = (b"at,event,actor,reference,notes\n"
            b"2024-04-02T15:10:00-04:00,notification_received,CISO,MB-2024-0417,\n")


def manifest(files):
    """files: [(name, sha256 hex)]."""
    rows = "".join('    <file path="%s" sha256="%s"/>\n' % f for f in files)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<bundle xmlns="urn:reportgen:bundle:1" format="1" directive="ED-24-02"\n'
            '        created="2024-05-01T17:30:00-04:00">\n'
            '  <agency id="EXA" name="Example Agency"/>\n'
            '  <notification status="notified" received="2024-04-02T15:10:00-04:00"\n'
            '                source="microsoft" reference="MB-2024-0417"/>\n'
            '  <files>\n%s  </files>\n</bundle>\n' % rows).encode()


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


class Writer:
    """A ZIP image: local entries appended in order, central records added
    freely (an overlap bomb adds many records for one local entry)."""

    def __init__(self):
        self.body = bytearray()
        self.central = bytearray()
        self.count = 0

    def local(self, name, comp, crc, size):
        off = len(self.body)
        self.body += local_header(name, crc, len(comp), size) + comp
        return off

    def record(self, name, comp_size, crc, size, off):
        self.central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, 0, 8,
                                    STAMP_TIME, STAMP_DATE, crc, comp_size, size, len(name),
                                    0, 0, 0, 0, 0o100644 << 16, off) + name
        self.count += 1

    def entry(self, name, data):
        comp = deflate(data)
        crc = zlib.crc32(data)
        off = self.local(name, comp, crc, len(data))
        self.record(name, len(comp), crc, len(data), off)

    def save(self, path):
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, self.count, self.count,
                          len(self.central), len(self.body), 0)
        with open(path, "wb") as f:
            f.write(bytes(self.body) + bytes(self.central) + end)


def bomb_names(n, length):
    names = []
    for i in range(n):
        stem = "attachments/scan-%05d" % i
        names.append((stem + "-" + "x" * max(0, length - len(stem) - 5) + ".pdf").encode())
    return names


# CRC-32 arithmetic over GF(2) (zlib's crc32_combine, which Python's zlib
# lacks): appending n zero bytes to a message is a linear operator on its
# CRC, a 32x32 bit matrix held as 32 column ints.  crc(A+B) =
# shift(len(B))(crc(A)) ^ crc(B).

def _times(mat, vec):
    s, i = 0, 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def _compose(a, b):
    """The operator a after b."""
    return [_times(a, col) for col in b]


def shift_op(nbytes):
    """The operator that appends nbytes zero bytes."""
    bit = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    byte = bit
    for _ in range(3):
        byte = _compose(byte, byte)  # 2, 4, 8 bits
    result = [1 << n for n in range(32)]
    while nbytes:
        if nbytes & 1:
            result = _compose(byte, result)
        byte = _compose(byte, byte)
        nbytes >>= 1
    return result


def crc32_combine(crc1, crc2, len2):
    return _times(shift_op(len2), crc1) ^ crc2


def local_header(name, crc, comp_size, size):
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, STAMP_TIME, STAMP_DATE, crc,
                       comp_size, size, len(name), 0) + name


def overlap(w, names, zeros):
    """Fifield's quoted-overlap layout h0 q0 h1 q1 ... h(N-1) K, built from
    the end (each header holds the CRC and sizes of everything after it)."""
    kernel = deflate(zeros)
    n = len(names)
    crc, size, comp = zlib.crc32(zeros), len(zeros), len(kernel)
    headers = [None] * n
    meta = [None] * n
    hlen = len(local_header(names[0], 0, 0, 0))
    shift = shift_op(size)  # appends what entry i inflates to
    per_header = shift_op(hlen)
    for i in range(n - 1, -1, -1):
        headers[i] = local_header(names[i], crc, comp, size)
        assert len(headers[i]) == hlen  # names of one length: one shift step
        meta[i] = (crc, comp, size)
        if i:  # entry i-1 = a stored block quoting header i, then entry i's data
            crc = _times(shift, zlib.crc32(headers[i])) ^ crc
            shift = _compose(shift, per_header)
            size += hlen
            comp += 5 + hlen
    offsets = []
    for i in range(n):
        offsets.append(len(w.body))
        w.body += headers[i]
        if i + 1 < n:
            q = len(headers[i + 1])
            w.body += struct.pack("<BHH", 0, q, q ^ 0xFFFF)
    w.body += kernel
    for i in range(n):
        crc, comp, size = meta[i]
        w.record(names[i], comp, crc, size, offsets[i])


def write(kind, path, entries=None, name_length=None, listed=True):
    zeros = bytes(ENTRY)
    digest = hashlib.sha256(zeros).hexdigest()
    defaults = {"overlap": (7700, 40), "shared": (7700, 120), "many": (9990, 22)}
    n = entries or defaults[kind][0]
    names = bomb_names(n, name_length or defaults[kind][1])
    files = [("timeline.csv", hashlib.sha256(TIMELINE).hexdigest())]
    if listed and kind != "overlap":
        files += [(nm.decode(), digest) for nm in names]
    w = Writer()
    w.entry(b"manifest.xml", manifest(files))
    w.entry(b"timeline.csv", TIMELINE)
    if kind == "overlap":
        overlap(w, names, zeros)
    elif kind == "shared":
        comp, crc = deflate(zeros), zlib.crc32(zeros)
        off = w.local(names[0], comp, crc, ENTRY)
        for nm in names:
            w.record(nm, len(comp), crc, ENTRY, off)
    else:
        for nm in names:
            w.entry(nm, zeros)
    w.save(path)
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=["overlap", "shared", "many"])
    ap.add_argument("out")
    ap.add_argument("--entries", type=int)
    ap.add_argument("--name-length", type=int)
    ap.add_argument("--unlisted", action="store_true")
    a = ap.parse_args()
    n = write(a.kind, a.out, a.entries, a.name_length, not a.unlisted)
    print("%s: %d entries of %d bytes declared" % (a.out, n, ENTRY))
    return 0


if __name__ == "__main__":
    sys.exit(main())
