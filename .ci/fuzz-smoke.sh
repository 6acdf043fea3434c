#!/bin/sh
# .ci/fuzz-smoke.sh: a short run of every libFuzzer target, for CI (issue 5).
#
#   .ci/fuzz-smoke.sh [SECONDS]      seconds per target (default 25, or $FUZZ_SECONDS)
#
# Builds the targets with clang, ASan and UBSan in their own build folder
# ($FUZZ_BUILD, default build-fuzz), then fuzzes each in turn, starting
# from its committed corpus (tests/fuzz/corpus/NAME, read only: new inputs
# go to a scratch folder).  Exit 1 on any finding: a crash, a sanitizer
# report, a leak, a timeout (10 s per input), an out-of-memory (2 GB) or a
# broken property; the input is kept in $FUZZ_BUILD/fuzz-smoke/NAME/ and
# the log printed.  Eleven targets at 25 s plus the build stay under 8 minutes
# (CI as a whole must stay under 30; longer runs: run-long.sh).
# For longer runs: tests/fuzz/run-long.sh.
set -eu

secs=${1:-${FUZZ_SECONDS:-25}}
build=${FUZZ_BUILD:-build-fuzz}
targets="bundle csv manifest verify directive time report import_signins import_audit export sign_envelope"

cd "$(dirname "$0")/.."
if ! command -v clang >/dev/null; then
	echo "fuzz-smoke: clang is required" >&2
	exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Db_lundef=false >"$build.setup.log" 2>&1 || {
		cat "$build.setup.log" >&2
		exit 1
	}
	rm -f "$build.setup.log"
fi
# fuzz_directive judges against the gaps and kev-gaps samples, which the build packs.
ninja -C "$build" -j2 samples/gaps.zip samples/kev-gaps.zip $(for t in $targets; do printf 'tests/fuzz/fuzz_%s ' "$t"; done) >/dev/null

status=0
for t in $targets; do
	out="$build/fuzz-smoke/$t"
	rm -rf "$out"
	mkdir -p "$out/new"
	start=$(date +%s)
	rc=0
	timeout $((secs + 120)) "$build/tests/fuzz/fuzz_$t" "$out/new" "tests/fuzz/corpus/$t" \
		-max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
		-artifact_prefix="$out/" -print_final_stats=1 >"$out/log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log")
	if [ "$rc" -ne 0 ] || ls "$out" | grep -qE '^(crash|leak|timeout|oom|slow-unit)-'; then
		echo "fuzz_$t: FINDING (exit $rc); input and log in $out/" >&2
		grep -E 'ERROR|SUMMARY|property failed|^(artifact|Test unit)' "$out/log" | head -20 >&2
		status=1
	else
		echo "fuzz_$t: ok, ${execs:-?} executions in $(($(date +%s) - start)) s"
	fi
done
exit $status
