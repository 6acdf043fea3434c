#!/usr/bin/env python3
"""htmltable.py: the findings table of the benchmark as HTML, for WeasyPrint.

    bench/htmltable.py --rows N --fonts DIR -o table.html

Writes the same table that bench/drawfloor.c draws (same row texts from the
same splitmix64 sequence, same columns, widths, fonts and sizes, Letter
pages with 0.75 in margins, the header repeated on every page, a page number
at the foot), so that `weasyprint table.html out.pdf` and `rg-drawfloor`
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
REVIEWERS = ["Pat Doe", "R. Okafor", "J. Nguyen", "M. Rossi", "S. Patel", "T. Weber"]
MARCH = int(dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc).timestamp())
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
    """Texts of finding i (1-based), drawing the generator in drawfloor.c's order."""
    ident = f"AAMkAD{i:06d}-{rng.next() >> 16:012x}"
    sent = rfc3339(MARCH + rng.below(31 * 86400))
    evidence = f"findings.csv:{i + 1}"
    k = rng.below(1000)
    reviewed = APRIL3 + rng.below(26 * 86400)
    if k < 10:
        return [ident, sent, "", "not satisfied", evidence,
                f"email {ident}: not reviewed (reviewed_at is empty)"]
    reviewer = REVIEWERS[rng.below(6)]
    if k < 30:
        reviewed = DEADLINE + 3600 + rng.below(9 * 86400)
        return [ident, sent, reviewer, "satisfied late", evidence,
                f"reviewed {rfc3339(reviewed)}, {duration(reviewed - DEADLINE)} after the deadline"]
    return [ident, sent, reviewer, "satisfied", evidence, f"reviewed {rfc3339(reviewed)}"]


HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Findings table (WeasyPrint comparison)</title>
<style>
@font-face {{ font-family: "Noto Sans"; font-weight: normal; src: url("{fonts}/NotoSans-Regular.ttf"); }}
@font-face {{ font-family: "Noto Sans"; font-weight: bold; src: url("{fonts}/NotoSans-Bold.ttf"); }}
@font-face {{ font-family: "Noto Sans Mono"; src: url("{fonts}/NotoSansMono-Regular.ttf"); }}
@page {{ size: letter; margin: 54pt;
        @bottom-left {{ content: "Page " counter(page); font: 8pt "Noto Sans"; color: #4d4d4d; }} }}
body {{ font: 7pt "Noto Sans"; margin: 0; }}
h1 {{ font-size: 14pt; margin: 0 0 8pt 0; }}
table {{ border-collapse: collapse; table-layout: fixed; width: 504pt; }}
th, td {{ padding: 3pt; text-align: left; vertical-align: top; overflow-wrap: anywhere;
         border-bottom: 0.5pt solid #b3b3b3; }}
th {{ font-size: 7.5pt; background: #edeff5; }}
tr:nth-child(even) td {{ background: #edeff5; }}
td.m {{ font-family: "Noto Sans Mono"; }}
</style></head><body>
<h1>RA-1 Analyse the exfiltrated correspondence: findings</h1>
<table>
<colgroup><col style="width:111pt"><col style="width:106pt"><col style="width:50pt">
<col style="width:56pt"><col style="width:82pt"><col style="width:99pt"></colgroup>
<thead><tr><th>Email id</th><th>Sent at</th><th>Reviewer</th><th>Status</th><th>Evidence</th><th>Reason</th></tr></thead>
<tbody>
"""

MONO = {0, 4}


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
        f.write(HEAD.format(fonts=fonts.as_uri()))
        for i in range(1, a.rows + 1):
            cells = row(rng, i)
            f.write("<tr>" + "".join(
                f'<td class="m">{html.escape(c)}</td>' if k in MONO else f"<td>{html.escape(c)}</td>"
                for k, c in enumerate(cells)) + "</tr>\n")
        f.write("</tbody></table></body></html>\n")


if __name__ == "__main__":
    main()
