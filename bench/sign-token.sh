#!/usr/bin/env bash
# bench/sign-token.sh: what a key on a PKCS#11 token costs: `reportgen render`
# of one sample bundle signed with the demo key from its PEM file, then from
# a SoftHSM2 token (made in a temporary folder, SOFTHSM2_CONF pointing at
# it), each run RUNS times; prints the median wall time of each.
#
#   sign-token.sh --reportgen BIN [--bundle ZIP] [--runs N]
#
# The figures are in docs/performance.md.  SoftHSM signs in software, so this
# measures reportgen's and libp11's own cost (module load, login, the
# session); a PIV card adds its own time per signature (hundreds of
# milliseconds for RSA-2048 on typical cards), three signatures per render.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
rg= bundle=$root/build/samples/compliant.zip runs=7
while [ $# -gt 0 ]; do
	case $1 in
	--reportgen) rg=$2; shift ;;
	--bundle) bundle=$2; shift ;;
	--runs) runs=$2; shift ;;
	*) echo "usage: $0 --reportgen BIN [--bundle ZIP] [--runs N]" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$rg" ] || { echo "usage: $0 --reportgen BIN [--bundle ZIP] [--runs N]" >&2; exit 2; }
module=/usr/lib/softhsm/libsofthsm2.so
[ -e "$module" ] || { echo "softhsm2 is not installed" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pki=$root/samples/pki
export SOFTHSM2_CONF=$tmp/softhsm2.conf SOURCE_DATE_EPOCH=1711929600
mkdir "$tmp/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$tmp/tokens" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label bench --pin 1234 --so-pin 5678 >/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$pki/signer.key" -out "$tmp/k8.pem"
softhsm2-util --import "$tmp/k8.pem" --token bench --label signkey --id 01 --pin 1234 >/dev/null
uri="pkcs11:token=bench;object=signkey?module-path=$module"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_one() { # prints seconds
	local s e
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	e=$(date +%s.%N)
	echo "$e - $s" | bc
}
for kind in pem token; do
	if [ $kind = pem ]; then key=$pki/signer.key; else key=$uri; fi
	m=$(for i in $(seq "$runs"); do
		rm -rf "$tmp/out"
		time_one env REPORTGEN_PIN=1234 "$rg" render "$bundle" -o "$tmp/out" --key "$key" \
			--cert "$pki/signer.pem" --chain "$pki/chain.pem"
		[ -s "$tmp/out/report.pdf" ] || { echo "render with the $kind key failed" >&2; exit 1; }
	done | median)
	printf '%s key: render median %s s over %s runs\n' "$kind" "$m" "$runs"
done
