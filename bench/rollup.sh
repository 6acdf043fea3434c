#!/usr/bin/env bash
# bench/rollup.sh: the roll-up benchmark of issue 11: is memory flat in the
# number of agencies?
#
#   bench/rollup.sh [--runs N] [--build DIR] [--work DIR] [--findings F] [--counts "50 500"]
#
# Makes the agencies' signed reports once (bench/agencies.sh: 500 agencies,
# F findings each, default 200; cached in WORK, default
# $TMPDIR/reportgen-bench/agencies), then times `reportgen rollup` over the
# first 50 and over all 500 (--counts), N runs each (default 5), and prints
# a markdown table: median wall time, median CPU time, peak RSS (the
# largest of the runs, GNU time's %M), reports per second, and the ratio of
# the peak RSS at the largest count to the smallest (flat memory: close to
# 1).  Checks on the way that every report was counted, so a broken run is
# not measured, and after the timing, at the largest count, that rollup.csv
# has a row per agency and action, that rollup.pdf's overview states the
# counts (pdftotext), and that one tampered report among them is rejected
# and named.  Nothing here asserts a timing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=5 build=build work=${TMPDIR:-/tmp}/reportgen-bench findings=200 counts="50 500"
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift ;;
	--build) build=$2; shift ;;
	--work) work=$2; shift ;;
	--findings) findings=$2; shift ;;
	--counts) counts=$2; shift ;;
	-h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "rollup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
case $build in /*) ;; *) build=$root/$build ;; esac
[ -x /usr/bin/time ] || { echo "rollup.sh: GNU time is missing (apt-get install time)" >&2; exit 3; }
[ -f "$build/build.ninja" ] || meson setup "$build" "$root" >/dev/null
ninja -C "$build" reportgen/cli/reportgen bench/rg-genbundle >/dev/null
rg=$build/reportgen/cli/reportgen
max=0
for n in $counts; do [ "$n" -gt "$max" ] && max=$n; done
agencies=$work/agencies
mkdir -p "$work"
echo "rollup.sh: making $max agencies' reports in $agencies (once)" >&2
"$here/agencies.sh" --reportgen "$rg" --genbundle "$build/bench/rg-genbundle" --count "$max" \
	--findings "$findings" --out "$agencies"
bytes=$(du -cb "$agencies"/A*/report.xml | tail -1 | cut -f1)

median() {
	printf '%s\n' "$@" | sort -g |
		awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'
}

declare -A WALL CPU RSS
for n in $counts; do
	mapfile -t reports < <(printf '%s\n' "$agencies"/A*/report.xml | head -n "$n")
	walls=() cpus=() peak=0
	for ((i = 1; i <= runs; i++)); do
		rm -rf "$work/rollup-$n"
		t0=$(date +%s%N)
		/usr/bin/time -f '%M %U %S' -o "$work/time.out" "$rg" rollup "${reports[@]}" \
			-o "$work/rollup-$n" --ca "$root/samples/pki/root.pem" >"$work/rollup.out" 2>&1
		t1=$(date +%s%N)
		grep -q "^$n reports: $n counted, 0 superseded, 0 rejected" "$work/rollup.out" || {
			echo "rollup.sh: not every report was counted:" >&2
			tail -5 "$work/rollup.out" >&2
			exit 1
		}
		read -r kb u s < <(tail -1 "$work/time.out")
		walls+=("$(awk -v n=$((t1 - t0)) 'BEGIN{printf "%.4f", n/1e9}')")
		cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')")
		[ "$kb" -gt "$peak" ] && peak=$kb
	done
	WALL[$n]=$(median "${walls[@]}") CPU[$n]=$(median "${cpus[@]}") RSS[$n]=$peak
	printf '  rollup %4d: %8.3f s  cpu %6.2f s  %7.1f MB\n' "$n" "${WALL[$n]}" "${CPU[$n]}" \
		"$(awk -v k="$peak" 'BEGIN{print k/1024}')" >&2
done

# ---- checks at the largest count (not timed) ------------------------------------
mapfile -t reports < <(printf '%s\n' "$agencies"/A*/report.xml | head -n "$max")
actions=$(grep -c '<action ' "${reports[0]}")
csv_rows=$(($(wc -l <"$work/rollup-$max/rollup.csv") - 1))
[ "$csv_rows" -eq $((max * actions)) ] || { echo "rollup.sh: rollup.csv has $csv_rows rows, not $max x $actions" >&2; exit 1; }
pdftotext -f 1 -l 1 "$work/rollup-$max/rollup.pdf" - | tr -s ' \n' ' ' | grep -q "$max reports given: $max counted" ||
	{ echo "rollup.sh: rollup.pdf does not say $max counted" >&2; exit 1; }
tampered=$work/tampered-A0001.xml
sed '0,/reviewed at 2024-04-1/s//reviewed at 2024-04-2/' "${reports[0]}" >"$tampered"
cmp -s "$tampered" "${reports[0]}" && { echo "rollup.sh: the tampering changed nothing" >&2; exit 1; }
rc=0
"$rg" rollup "$tampered" "${reports[@]:1}" -o "$work/rollup-tampered" --ca "$root/samples/pki/root.pem" \
	--force >"$work/rollup-tampered.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "^REJECTED    $tampered: its signature does not check out" "$work/rollup-tampered.out" &&
	grep -q "^$max reports: $((max - 1)) counted, 0 superseded, 1 rejected" "$work/rollup-tampered.out" ||
	{ echo "rollup.sh: the tampered report was not rejected and named (exit $rc)" >&2; tail -5 "$work/rollup-tampered.out" >&2; exit 1; }
checks="rollup.csv $csv_rows rows ($max agencies x $actions actions); rollup.pdf says $max counted; a tampered copy of A0001 rejected and named, $((max - 1)) counted"

first=${counts%% *}
{
	echo "## reportgen rollup benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "Agencies' signed report.xml from bench/agencies.sh ($findings findings per agency;"
	echo "$max reports, $(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}') MB in all). Median of $runs runs; peak RSS is the largest."
	echo
	echo "| agencies | wall (s) | CPU (s) | peak RSS (MB) | reports/s | PDF pages |"
	echo "|---:|---:|---:|---:|---:|---:|"
	for n in $counts; do
		pages=$(pdfinfo "$work/rollup-$n/rollup.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')
		echo "| $n | $(printf '%.3f' "${WALL[$n]}") | $(printf '%.2f' "${CPU[$n]}") | $(awk -v k="${RSS[$n]}" 'BEGIN{printf "%.1f", k/1024}') | $(awk -v n="$n" -v t="${WALL[$n]}" 'BEGIN{printf "%.0f", n/t}') | ${pages:--} |"
	done
	echo
	echo "Peak RSS at $max / at $first agencies: $(awk -v a="${RSS[$max]}" -v b="${RSS[$first]}" 'BEGIN{printf "%.3f", a/b}')"
	echo
	echo "Checked at $max: $checks."
	echo
	echo "- CPU: $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo), $(nproc) cores"
	echo "- memory: $(awk '/^MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo)"
	echo "- reportgen commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- 2>/dev/null || echo ' (with local changes)')"
	echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$work/rollup-results.md"
