#!/usr/bin/env bash
# bench/agencies.sh: N agencies' signed report.xml, for the roll-up's test
# (tests/export), its benchmark (bench/rollup.sh) and as a sample input.
#
#   agencies.sh --reportgen BIN --genbundle BIN --count N --out DIR
#               [--findings F] [--pki DIR] [--stamp FILE] [--jobs J]
#
# Agency i (1..N) is A0001, A0002, ... named "Agency 0001" ...; its bundle
# comes from rg-genbundle with seed i, F findings (default 200) and an
# outcome that cycles compliant, compliant_late, non_compliant (i mod 3 =
# 0, 1, 2), so the roll-up has every overall result.  The bundles are judged
# and signed in one `reportgen render` batch with the DEMO key of
# samples/pki (NOT for production) and SOURCE_DATE_EPOCH 2024-05-02T10:00Z,
# so the same N gives the same reports.  Written: DIR/A0001/report.xml ...
# (the PDFs render also makes are removed: the roll-up reads report.xml).
# An existing DIR made with the same arguments is kept as it is (DIR/.made
# records them), so the benchmark's 500 reports are made once.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
rg= gen= count= out= findings=200 pki=$root/samples/pki stamp= jobs=$(nproc)
while [ $# -gt 0 ]; do
	case $1 in
	--reportgen) rg=$2; shift ;;
	--genbundle) gen=$2; shift ;;
	--count) count=$2; shift ;;
	--out) out=$2; shift ;;
	--findings) findings=$2; shift ;;
	--pki) pki=$2; shift ;;
	--stamp) stamp=$2; shift ;;
	--jobs) jobs=$2; shift ;;
	-h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "agencies.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
if [ -z "$rg" ] || [ -z "$gen" ] || [ -z "$count" ] || [ -z "$out" ]; then
	echo "agencies.sh: give --reportgen, --genbundle, --count and --out (see --help)" >&2
	exit 2
fi

# The reports carry the digest of the definition they were judged against:
# a changed definition is a different set of reports.
definition="$(dirname "$0")/../directives/ed-24-02.xml"
made="count=$count findings=$findings genbundle=$(sha256sum "$gen" | cut -c1-16) reportgen=$(sha256sum "$rg" | cut -c1-16) definition=$(sha256sum "$definition" | cut -c1-16)"
if [ -f "$out/.made" ] && [ "$(cat "$out/.made")" = "$made" ]; then
	[ -z "$stamp" ] || echo "$made" >"$stamp"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out/bundles"
outcomes=(compliant late mixed)
zips=()
for ((i = 1; i <= count; i++)); do
	id=$(printf 'A%04d' "$i")
	"$gen" --findings "$findings" --seed "$i" --agency-id "$id" \
		--agency-name "$(printf 'Agency %04d' "$i")" --outcome "${outcomes[i % 3]}" \
		-o "$out/bundles/$id.zip" 2>/dev/null
	zips+=("$out/bundles/$id.zip")
done
rc=0
SOURCE_DATE_EPOCH=1714644000 "$rg" render -j "$jobs" "${zips[@]}" -o "$out" --force \
	--key "$pki/signer.key" --cert "$pki/signer.pem" --chain "$pki/chain.pem" \
	>"$out/render.log" 2>&1 || rc=$?
# 1: rendered, and some agencies are not compliant (as intended).
if [ "$rc" -gt 1 ]; then
	echo "agencies.sh: render failed (exit $rc):" >&2
	tail -20 "$out/render.log" >&2
	exit 1
fi
for ((i = 1; i <= count; i++)); do
	id=$(printf 'A%04d' "$i")
	[ -f "$out/$id/report.xml" ] || { echo "agencies.sh: no $out/$id/report.xml" >&2; exit 1; }
	rm -f "$out/$id/report.pdf" "$out/$id/summary.pdf"
done
rm -rf "$out/bundles"
echo "$made" >"$out/.made"
[ -z "$stamp" ] || echo "$made" >"$stamp"
