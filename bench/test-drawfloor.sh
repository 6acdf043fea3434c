#!/bin/sh
# test-drawfloor.sh: keeps rg-drawfloor's --chunk-pages honest (meson test
# drawfloor-chunks).
#
#   test-drawfloor.sh RG-DRAWFLOOR WORKDIR
#
# The chunked floor is quoted as the memory a render drawn in chunks of
# pages would need, which only holds if it draws the same document: so,
# without timing anything, the 100-page chunks of a tagged 3,000-row table
# must be whole PDFs (qpdf --check), each tagged (a structure tree), with
# the pages and, page after page, the text of the table drawn on one
# surface.
set -eu
floor=$(realpath "$1") work=$2
mkdir -p "$work"
cd "$work"
rm -f one.pdf chunk.pdf chunk.pdf.* one.txt chunks.txt

"$floor" --rows 3000 --tagged -o one.pdf 2>/dev/null
"$floor" --rows 3000 --tagged --chunk-pages 100 -o chunk.pdf 2>/dev/null
pages() { pdfinfo "$1" | sed -n 's/^Pages: *//p'; }
total=$(pages one.pdf)
[ "$total" -gt 100 ] || { echo "the table should take over 100 pages, took $total"; exit 1; }
files="chunk.pdf"
k=1
while [ -f "chunk.pdf.$k" ]; do files="$files chunk.pdf.$k"; k=$((k + 1)); done
want=$(((total + 99) / 100))
[ "$k" -eq "$want" ] || { echo "$k chunk files for $total pages, want $want"; exit 1; }
sum=0
: >chunks.txt
for f in $files; do
	qpdf --check "$f" >/dev/null 2>&1 || { echo "$f: qpdf --check failed"; exit 1; }
	pdfinfo -struct "$f" 2>/dev/null | grep -q '^Table' || { echo "$f: no structure tree"; exit 1; }
	n=$(pages "$f")
	[ "$f" = "chunk.pdf.$((k - 1))" ] || [ "$n" -eq 100 ] || { echo "$f: $n pages, want 100"; exit 1; }
	sum=$((sum + n))
	pdftotext "$f" - >>chunks.txt
done
[ "$sum" -eq "$total" ] || { echo "chunks hold $sum pages, one surface $total"; exit 1; }
pdftotext one.pdf one.txt
cmp -s one.txt chunks.txt || { echo "the chunks' text differs from one surface's"; exit 1; }
echo "ok: $total pages in $k chunks, same text"
