#!/usr/bin/env bash
# tests/limits/test_xfsz.sh: a file-size limit is an ordinary write error
# (issue 15; docs/security.md, "Disk full").
#
#   test_xfsz.sh REPORTGEN SAMPLE.zip WORKDIR
#
# Under `ulimit -f`, a write past the limit raises SIGXFSZ, which by default
# kills the process (status 153, no message, temporaries left behind).
# reportgen ignores the signal, so the write fails with EFBIG instead.  For
# a limit that report.xml does not fit and one that report.pdf does not
# fit, render --no-sign must exit 3 with a message naming the failed write,
# and leave no file at all (no temporary) in the output folder; without
# the limit the same render succeeds (so the limit is what failed it).
set -u
exe=$1 sample=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fails=0

render() { # OUTDIR [ULIMIT_KIB]: prints the exit status, stderr to OUTDIR.err
	local out=$1 limit=${2:-unlimited}
	(ulimit -f "$limit" && exec "$exe" render "$sample" -o "$out" --no-sign) \
		>/dev/null 2>"$out.err"
	echo $?
}

rc=$(render "$work/free")
if [ "$rc" != 0 ] || [ "$(ls -A "$work/free" | wc -l)" != 3 ]; then
	echo "FAIL: without a limit render exits $rc and writes: $(ls -A "$work/free")"
	cat "$work/free.err"
	exit 1
fi
xml_kib=$(( $(stat -c %s "$work/free/report.xml") / 1024 ))
pdf_kib=$(( $(stat -c %s "$work/free/report.pdf") / 1024 ))
# ulimit -f counts 1024-byte blocks in bash.  Half of report.xml: its own
# write fails.  report.xml fits but report.pdf does not: the PDF writer's
# (cairo's stream) write fails mid-document.
for case in "report.xml:$(( xml_kib / 2 ))" "report.pdf:$(( xml_kib + (pdf_kib - xml_kib) / 2 ))"; do
	what=${case%%:*} limit=${case#*:}
	out="$work/limit-$limit"
	rc=$(render "$out" "$limit")
	err=$(cat "$out.err")
	left=$(ls -A "$out" 2>/dev/null)
	if [ "$rc" != 3 ]; then
		echo "FAIL: $what over ulimit -f $limit: exit $rc, expected 3"; echo "$err"; fails=1
	elif ! grep -q "^error: .*\(cannot write\|write failed\)" <<<"$err"; then
		echo "FAIL: $what over ulimit -f $limit: no message naming the failed write"
		echo "$err"; fails=1
	elif [ -n "$left" ]; then
		echo "FAIL: $what over ulimit -f $limit: left behind: $left"; fails=1
	else
		echo "ok: $what over ulimit -f $limit KiB: exit 3, nothing left: $(grep '^error:' <<<"$err")"
	fi
done
exit $fails
