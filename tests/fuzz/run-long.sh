#!/bin/sh
# tests/fuzz/run-long.sh: fuzzes the libFuzzer targets for a long time, on
# demand (issue 5; docs/security.md, "Running the fuzzers").
#
#   tests/fuzz/run-long.sh [-t SECONDS] [-p PARALLEL] [-b BUILDDIR] [TARGET...]
#
#   -t  seconds per target (default 1800)
#   -p  targets fuzzed at once, one worker each (default 2: the machine's cores)
#   -b  build folder (default build-fuzz; set up with clang when missing)
#   TARGET  bundle csv time manifest directive verify (default: all)
#
# Each target starts from its committed corpus (tests/fuzz/corpus/NAME/,
# never written) plus what earlier long runs found (BUILDDIR/fuzz-work/NAME/).
# After a finding libFuzzer is started again with the time left, so one
# crash does not end a long run; every finding lands in
# BUILDDIR/fuzz-artifacts/NAME/.  Logs: BUILDDIR/fuzz-logs/NAME.log.
# Afterwards, to grow the committed corpus with what was found:
#   BUILDDIR/tests/fuzz/fuzz_NAME -merge=1 tests/fuzz/corpus/NAME BUILDDIR/fuzz-work/NAME
# Exit 1 when any target left a finding.
set -eu

secs=1800
par=2
build=build-fuzz
while getopts t:p:b: o; do
	case $o in
	t) secs=$OPTARG ;;
	p) par=$OPTARG ;;
	b) build=$OPTARG ;;
	*) sed -n '2,20p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
targets=${*:-bundle csv time manifest directive verify import_signins import_audit}

src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src"
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Db_lundef=false >/dev/null
fi
# fuzz_directive judges against the gaps and kev-gaps samples, which the build packs.
ninja -C "$build" -j2 samples/gaps.zip samples/kev-gaps.zip >/dev/null
for t in $targets; do
	ninja -C "$build" -j2 "tests/fuzz/fuzz_$t" >/dev/null
done

run_one() {
	t=$1
	work="$build/fuzz-work/$t"
	art="$build/fuzz-artifacts/$t"
	log="$build/fuzz-logs/$t.log"
	mkdir -p "$work" "$art" "$build/fuzz-logs"
	: >"$log"
	echo "fuzz_$t: ${secs}s, log $log"
	# One process (fork mode re-runs seeds in every job, which costs slow
	# targets half their time); after a finding, start again with the
	# time left, at most 20 times.
	end=$(($(date +%s) + secs))
	restarts=0
	while [ "$(date +%s)" -lt "$end" ] && [ "$restarts" -le 20 ]; do
		"$build/tests/fuzz/fuzz_$t" "$work" "tests/fuzz/corpus/$t" \
			-max_total_time=$((end - $(date +%s))) -rss_limit_mb=2048 -timeout=10 \
			-artifact_prefix="$art/" -print_final_stats=1 >>"$log" 2>&1 || true
		restarts=$((restarts + 1))
	done
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{ s += $1 } END { print s + 0 }')
	echo "fuzz_$t: $execs executions in $restarts run(s), corpus $(ls "$work" | wc -l) new inputs"
}

running=0
for t in $targets; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$par" ]; then
		wait
		running=0
	fi
done
wait

status=0
for t in $targets; do
	n=$(find "$build/fuzz-artifacts/$t" -type f | wc -l)
	if [ "$n" -gt 0 ]; then
		echo "fuzz_$t: $n finding(s) in $build/fuzz-artifacts/$t" >&2
		status=1
	fi
done
exit $status
