#!/bin/sh
# The README's main job: build everything, then judge the "gaps" sample
# bundle and write signed reports with the DEMO key into out/gaps/, and
# verify them against the DEMO root CA.  The gaps sample is not compliant,
# so render exits 1 there by design; this script succeeds when the reports
# were written and verify.
set -eu
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build
meson compile -C build
rg=build/reportgen/cli/reportgen
out=out/gaps
rc=0
$rg render build/samples/gaps.zip -o "$out" --force \
	--key samples/pki/signer.key --cert samples/pki/signer.pem \
	--chain samples/pki/intermediate.pem || rc=$?
if [ "$rc" -gt 1 ]; then
	echo "render failed (exit $rc)" >&2
	exit "$rc"
fi
$rg verify "$out/report.xml" "$out/report.pdf" "$out/summary.pdf" --ca samples/pki/root.pem
echo
echo "Signed reports of the gaps sample: $out/report.pdf, $out/summary.pdf, $out/report.xml"
