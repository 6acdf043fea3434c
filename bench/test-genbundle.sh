#!/bin/sh
# test-genbundle.sh: keeps rg-genbundle honest (meson test genbundle-valid).
#
#   test-genbundle.sh RG-GENBUNDLE REPORTGEN WORKDIR
#
# The benchmark is only meaningful if its bundles are what the spec calls a
# valid bundle, so this checks, without timing anything: the ZIP tests clean;
# every member's SHA-256 is the one manifest.xml lists, and the manifest lists
# every member; the same seed gives the same bytes and another seed does not;
# `reportgen check` accepts the bundle (exit 1: judged non_compliant, as the
# generator intends, not 2 for invalid input) and reports late and open items.
set -eu
gen=$(realpath "$1") rg=$(realpath "$2") work=$3
mkdir -p "$work"
cd "$work"
rm -rf members a.zip b.zip c.zip

"$gen" --findings 400 --signins 3000 --seed 11 -o a.zip 2>/dev/null
"$gen" --findings 400 --signins 3000 --seed 11 -o b.zip 2>/dev/null
"$gen" --findings 400 --signins 3000 --seed 12 -o c.zip 2>/dev/null
cmp -s a.zip b.zip || { echo "same seed, different bytes"; exit 1; }
if cmp -s a.zip c.zip; then echo "different seeds, same bytes"; exit 1; fi

unzip -tq a.zip >/dev/null || { echo "unzip -t failed"; exit 1; }
mkdir members
(cd members && unzip -q ../a.zip)
listed=$(sed -n 's/.*<file path="\([^"]*\)" sha256="\([0-9a-f]*\)".*/\2  \1/p' members/manifest.xml)
[ -n "$listed" ] || { echo "manifest lists no files"; exit 1; }
(cd members && printf '%s\n' "$listed" | sha256sum -c --quiet) || { echo "digest mismatch"; exit 1; }
n_listed=$(printf '%s\n' "$listed" | wc -l)
n_members=$(cd members && find . -type f ! -name manifest.xml | wc -l)
[ "$n_listed" -eq "$n_members" ] || { echo "manifest lists $n_listed of $n_members members"; exit 1; }
[ "$(($(unzip -p a.zip signins.csv | wc -l) - 1))" -eq 3000 ] || { echo "signins.csv row count"; exit 1; }

rc=0
"$rg" check a.zip >check.out 2>check.err || rc=$?
if [ "$rc" -ne 1 ]; then
	echo "reportgen check exited $rc (want 1, judged non_compliant):"
	cat check.err
	exit 1
fi
grep -q "overall: non_compliant" check.out || { echo "no overall line"; cat check.out; exit 1; }
grep -q "^RA-1 .*not_satisfied" check.out || { echo "RA-1 should have open items"; cat check.out; exit 1; }
grep -q "^RA-2b-ii .*satisfied" check.out || { echo "RA-2b-ii should be judged"; cat check.out; exit 1; }
echo ok
