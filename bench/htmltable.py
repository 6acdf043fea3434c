#!/usr/bin/env python3
"""htmltable.py: the findings table of the benchmark as HTML, for WeasyPrint.

    bench/htmltable.py --rows N --fonts DIR -o table.html

Writes the same table that bench/drawfloor.c draws (same row texts from the
same splitmix64 sequence; the columns, widths, fonts, sizes, badges and
colours of the report's action tables; Letter pages with 0.75 in margins,
the header repeated on every page, a page number at the foot), so that `weasyprint table.html out.pdf` and `rg-drawfloor`
and `reportgen render` are timed on one table.  Reads nothing but the font
folder's path, which goes into @font-face rules.
"""
import argparse
import datetime as dt
import html
import pathlib
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    """The generator of drawfloor.c, so both tools produce the same rows."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


EDT = dt.timezone(dt.timedelta(hours=-4))
APRIL3 = int(dt.datetime(2024, 4, 3, 13, tzinfo=dt.timezone.utc).timestamp())
DEADLINE = int(dt.datetime(2024, 5, 1, 3, 59, 59, tzinfo=dt.timezone.utc).timestamp())


def rfc3339(epoch):
    return dt.datetime.fromtimestamp(epoch, EDT).isoformat()


def duration(secs):
    """ISO 8601 as core/timefmt.c writes it (days split out, no fraction)."""
    d, h, m, s = secs // 86400, secs // 3600 % 24, secs // 60 % 60, secs % 60
    out = "P" + (f"{d}D" if d else "")
    if h or m or s or not d:
        out += "T" + (f"{h}H" if h else "") + (f"{m}M" if m else "")
        if s or not (d or h or m):
            out += f"{s}S"
    return out


def row(rng, i):
    """Texts and verdict of finding i (1-based), in drawfloor.c's draw order."""
    ident = f"AAMkAD{i:06d}-{rng.next() >> 16:012x}"
    num, item, evidence = str(i), f"email {ident}", f"findings.csv:{i + 1}"
    k = rng.below(1000)
    reviewed = APRIL3 + rng.below(26 * 86400)
    if k < 10:
        return "ns", [num, item, "Not satisfied", evidence, "",
                      f"email {ident}: not reviewed (reviewed_at is empty)"]
    if k < 30:
        reviewed = DEADLINE + 3600 + rng.below(9 * 86400)
        late = duration(reviewed - DEADLINE)
        return "late", [num, item, "Satisfied late", evidence, late,
                        f"email {ident}: reviewed at {rfc3339(reviewed)}, {late} after the deadline"]
    return "ok", [num, item, "Satisfied", evidence, "",
                  f"email {ident}: reviewed at {rfc3339(reviewed)}"]


# Column shares, sizes and colours of the report's action tables
# (views/pdf_report.c, templates/default.xml), as drawfloor.c uses them.
SHARES = [0.4, 1.35, 1.2, 1.25, 0.85, 2.6]
WIDTHS = [504 * s / sum(SHARES) for s in SHARES]
HEAD = """<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8">
<title>Findings table (WeasyPrint comparison)</title>
<style>
@font-face {{ font-family: "Noto Sans"; font-weight: normal; src: url("{fonts}/NotoSans-Regular.ttf"); }}
@font-face {{ font-family: "Noto Sans"; font-weight: bold; src: url("{fonts}/NotoSans-Bold.ttf"); }}
@font-face {{ font-family: "Noto Sans Mono"; src: url("{fonts}/NotoSansMono-Regular.ttf"); }}
@page {{ size: letter; margin: 54pt;
        @bottom-left {{ content: "Page " counter(page); font: 7.65pt "Noto Sans"; color: #555; }} }}
body {{ font: 7.65pt "Noto Sans"; color: #1a1a1a; margin: 0; }}
h2 {{ font-size: 11.7pt; margin: 0 0 8pt 0; }}
table {{ border-collapse: collapse; table-layout: fixed; width: 504pt; }}
th, td {{ padding: 3pt; text-align: left; vertical-align: top; overflow-wrap: anywhere;
         border-bottom: 0.4pt solid #b8bec8; }}
tr {{ break-inside: avoid; }}
th {{ background: #dfe6ef; border-bottom: none; }}
th.r, td.r {{ text-align: right; }}
tbody tr:nth-child(even) td {{ background: #f4f6f9; }}
td.m {{ font-family: "Noto Sans Mono"; font-size: 7.2pt; }}
i {{ display: inline-block; width: 7pt; height: 7pt; margin-right: 3pt; vertical-align: -0.5pt; }}
i.ok {{ background: #2e7d32; border-radius: 50%; }}
i.late {{ width: 0; height: 0; border: solid transparent; border-width: 0 3.5pt 7pt 3.5pt;
          border-bottom-color: #c77700; }}
i.ns {{ background: #b71c1c; }}
</style></head><body>
<h2>Action RA-1 Analyse the exfiltrated correspondence</h2>
<table>
<colgroup>{cols}</colgroup>
<thead><tr><th class="r">#</th><th>Item</th><th>Status</th><th>Evidence</th><th>Late by</th><th>Reason</th></tr></thead>
<tbody>
"""

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--fonts", required=True, help="folder with the Noto Sans fonts")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    fonts = pathlib.Path(a.fonts).resolve()
    if not (fonts / "NotoSans-Regular.ttf").is_file():
        sys.exit(f"htmltable.py: no NotoSans-Regular.ttf in {fonts}")
    rng = SplitMix64(42)
    with open(a.output, "w", encoding="utf-8") as f:
        cols = "".join(f'<col style="width:{w:.2f}pt">' for w in WIDTHS)
        f.write(HEAD.format(fonts=fonts.as_uri(), cols=cols))
        for i in range(1, a.rows + 1):
            verdict, c = row(rng, i)
            e = [html.escape(x) for x in c]
            f.write(f'<tr><td class="r">{e[0]}</td><td>{e[1]}</td>'
                    f'<td><i class="{verdict}"></i>{e[2]}</td><td class="m">{e[3]}</td>'
                    f"<td>{e[4]}</td><td>{e[5]}</td></tr>\n")
        f.write("</tbody></table></body></html>\n")


if __name__ == "__main__":
    main()
