#!/usr/bin/env bash
# bench/bombs.sh: how fast and in how little memory hostile ZIPs are refused
# (issue 15; docs/security.md and docs/performance.md quote its figures).
#
#   bench/bombs.sh [--runs N] [--build DIR] [--work DIR] [--compare EXE]
#
# Writes the bombs with tests/limits/zipbombs.py (the generator the tests
# use, so the benchmark measures what they refuse) into the work dir
# (default $TMPDIR/reportgen-bombs):
#   overlap         Fifield's overlapping-entry bomb: 7,700 entries, 1.2 MB, 10 GB declared
#   shared          7,700 central records on one local file of 1 MiB of zeros
#   many            9,990 entries of 1 MiB of zeros, listed: 10 MB, 10 GB declared
#   many-unlisted   the same, not listed in the manifest
# and times `reportgen check` on each N times (default 7): median wall time
# (date +%s%N around the run), peak RSS (the maximum of /usr/bin/time's %M
# over the runs), and the exit status and first error line, which must be
# the refusal.  --compare EXE measures another reportgen (an older build)
# once per bomb, stopped after 120 s, for the before/after figures.
# Nothing here asserts a timing: the tests check the refusal, this prints
# numbers for people to read (markdown on stdout, also WORK/bombs.md).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=7
build=build
work=${TMPDIR:-/tmp}/reportgen-bombs
compare=

while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift ;;
	--build) build=$2; shift ;;
	--work) work=$2; shift ;;
	--compare) compare=$2; shift ;;
	-h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bombs.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
case $build in /*) ;; *) build=$root/$build ;; esac
rg=$build/reportgen/cli/reportgen
[ -x /usr/bin/time ] || { echo "bombs.sh: /usr/bin/time is missing (Debian package time)" >&2; exit 3; }
[ -x "$rg" ] || { echo "bombs.sh: $rg not built (meson compile -C $build)" >&2; exit 3; }
mkdir -p "$work"

gen=$root/tests/limits/zipbombs.py
declare -A args=([overlap]="overlap" [shared]="shared" [many]="many" [many-unlisted]="many --unlisted")
bombs="overlap shared many many-unlisted"
for b in $bombs; do
	zip=$work/$b.zip
	if [ ! -e "$zip" ] || [ "$gen" -nt "$zip" ]; then
		# shellcheck disable=SC2086
		python3 "$gen" ${args[$b]%% *} "$zip" ${args[$b]#"${args[$b]%% *}"} >/dev/null
	fi
done

# once EXE ZIP TIMEOUT: prints "wall_s rss_kb exit first-error-line"
once() {
	local exe=$1 zip=$2 limit=$3 rc=0 t0 t1
	t0=$(date +%s%N)
	timeout "$limit" /usr/bin/time -f '%M' -o "$work/time.out" "$exe" check -j 1 "$zip" \
		>/dev/null 2>"$work/err.out" || rc=$?
	t1=$(date +%s%N)
	local rss
	rss=$(tail -n 1 "$work/time.out" 2>/dev/null | grep -E '^[0-9]+$' || echo 0)
	local line
	line=$(grep -m 1 '^error:' "$work/err.out" | cut -c1-110 || true)
	[ "$rc" = 124 ] && line="(stopped after $limit s)"
	echo "$(( (t1 - t0) / 1000000 )) $rss $rc $line"
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

{
	echo "| bomb | file | declared | check, median of $runs | peak RSS | exit | refusal |"
	echo "|---|---|---|---|---|---|---|"
	for b in $bombs; do
		zip=$work/$b.zip
		declared=$(python3 -c "import zipfile,sys; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))" "$zip")
		walls=() rss_max=0 rc= line=
		for _ in $(seq "$runs"); do
			read -r ms rss rc line < <(once "$rg" "$zip" 60)
			walls+=("$ms")
			[ "$rss" -gt "$rss_max" ] && rss_max=$rss
		done
		med=$(printf '%s\n' "${walls[@]}" | median)
		printf '| %s | %.1f MB | %.1f GB | %.3f s | %.1f MB | %s | %s |\n' "$b" \
			"$(echo "$(stat -c %s "$zip") / 1000000" | bc -l)" "$(echo "$declared / 1000000000" | bc -l)" \
			"$(echo "$med / 1000" | bc -l)" "$(echo "$rss_max / 1024" | bc -l)" "$rc" "$line"
	done
	if [ -n "$compare" ]; then
		echo
		echo "Compared: $compare, one run each, stopped after 120 s:"
		echo
		echo "| bomb | check | peak RSS | exit | refusal |"
		echo "|---|---|---|---|---|"
		for b in $bombs; do
			read -r ms rss rc line < <(once "$compare" "$work/$b.zip" 120)
			printf '| %s | %.1f s | %.1f MB | %s | %s |\n' "$b" "$(echo "$ms / 1000" | bc -l)" \
				"$(echo "$rss / 1024" | bc -l)" "$rc" "$line"
		done
	fi
	echo
	echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg); $("$rg" --version)."
} | tee "$work/bombs.md"
