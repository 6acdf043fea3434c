#!/usr/bin/env bash
# bench/run.sh: the performance benchmark of issue 6, in one command.
#
#   bench/run.sh [--quick] [--runs N] [--build DIR] [--work DIR] [--no-weasyprint]
#                [--import-only | --no-import | --render-only]
#
# Builds reportgen and the instruments in bench/ (meson build dir, default
# `build`), generates bundles for the size ladder with rg-genbundle (cached in
# the work dir, default $TMPDIR/reportgen-bench, regenerated when the
# generator's source changes), then times, each N times (5; 3 with --quick):
#   - `reportgen check` on 10k findings x {100k, 1M, 5M} sign-in rows, next to
#     the inflate floor `unzip -p BUNDLE > /dev/null` on the same bundles;
#   - `reportgen render --no-sign` on {1k, 5k, 10k, 50k} findings (100k
#     sign-ins), next to the drawing floor (rg-drawfloor, the same table
#     through pango and cairo alone, untagged and with the report's structure
#     tags), the cached-shaping floor (rg-drawfloor --cached --tagged: each
#     distinct word shaped once, cached glyph strings drawn, tagged; issue
#     16) and WeasyPrint on the same table as HTML (1k and 2k rows; 1k only
#     with --quick), and at 5k and 50k the tagged drawing floor drawn in
#     surfaces of 100 pages (--chunk-pages, the memory floor of a chunked
#     render); at 50k also signed with the demo key, for the peak RSS
#     of the main job; at 5k and 50k also `render --from` and `diff` of the
#     report.xml written, the views that start from the results document;
#   - render of a ~1000-page report with and without signing (the demo key in
#     samples/pki/), for the signing overhead;
#   - (--render-only runs just the render ladder and its floors)
#   - `reportgen import signins` of 1M generated Graph sign-in records
#     (bench/import-gen.py; JSON Lines and concatenated pages of 1000) next to
#     `jq -c . FILE > /dev/null` on the same file, and of 100k records, for
#     the peak RSS at 1M against 100k (--import-only runs just these).
# It prints a markdown table (median wall time, peak RSS as the maximum over
# the runs, rows/s, pages/s; pages from pdfinfo), the ratios the issue's
# targets are stated in, and the machine.  The same text goes to
# WORK/results.md and every single run to WORK/runs.csv.
#
# A measurement whose first run takes over 60 s is run 3 times, not N.
# Wall time is taken with date +%s%N around each run (nanoseconds, where
# /usr/bin/time rounds to 10 ms); peak RSS comes from /usr/bin/time -f %M.
# Nothing here asserts a timing: the numbers are for people to read.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=5
quick=0
build=build
work=${TMPDIR:-/tmp}/reportgen-bench
weasy=1
sections=all

while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; runs=3 ;;
	--runs) runs=$2; shift ;;
	--build) build=$2; shift ;;
	--work) work=$2; shift ;;
	--no-weasyprint) weasy=0 ;;
	--import-only) sections=import ;;
	--no-import) sections=noimport ;;
	--render-only) sections=render; weasy=0 ;;
	-h | --help) sed -n '2,39p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
case $build in /*) ;; *) build=$root/$build ;; esac

for tool in /usr/bin/time pdfinfo unzip jq; do
	if [ ! -x "$(command -v "$tool" || true)" ]; then
		echo "run.sh: $tool is missing (Debian packages time, poppler-utils, unzip, jq)" >&2
		exit 3
	fi
done
if [ $weasy = 1 ] && ! command -v weasyprint >/dev/null; then
	echo "run.sh: weasyprint not installed; its rows are skipped (apt-get install weasyprint)" >&2
	weasy=0
fi

# ---- build -------------------------------------------------------------------
[ -f "$build/build.ninja" ] || meson setup "$build" "$root" >/dev/null
ninja -C "$build" -j2 reportgen/cli/reportgen bench/rg-genbundle bench/rg-drawfloor >/dev/null
rg=$build/reportgen/cli/reportgen
gen=$build/bench/rg-genbundle
floor=$build/bench/rg-drawfloor
mkdir -p "$work/out"
results=$work/results.md
rawcsv=$work/runs.csv
echo "label,run,wall_s,cpu_s,max_rss_kb,exit" >"$rawcsv"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- bundles -----------------------------------------------------------------
# bundle FINDINGS SIGNINS -> path; kept between runs of the script.
bundle() {
	local f=$1 s=$2 zip=$work/f${1}_s${2}.zip
	if [ ! -f "$zip" ] || [ "$here/genbundle.c" -nt "$zip" ]; then
		"$gen" --findings "$f" --signins "$s" --seed 1 -o "$zip" 2>/dev/null
	fi
	echo "$zip"
}

# ---- measuring ---------------------------------------------------------------
declare -A WALL CPU RSS PAGES ROWS INPUT NRUNS
order=()

median() {
	printf '%s\n' "$@" | sort -g |
		awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'
}

# measure LABEL INPUT ROWS OK_EXITS CMD...: runs CMD $runs times (stdout to
# /dev/null, stderr kept for the first failure); records the median wall
# time and the largest peak RSS.  OK_EXITS is a regex of acceptable exits
# (check and render exit 1 for a non-compliant bundle, which these are).
measure() {
	local label=$1 input=$2 rows=$3 ok=$4
	shift 4
	local walls=() cpus=() maxrss=0 i t0 t1 rc kb u sy
	local n=$runs
	for ((i = 1; i <= n; i++)); do
		t0=$(date +%s%N)
		rc=0
		/usr/bin/time -f '%M %U %S' -o "$work/time.out" "$@" >/dev/null 2>"$work/stderr.out" || rc=$?
		t1=$(date +%s%N)
		if ! [[ $rc =~ ^($ok)$ ]]; then
			echo "run.sh: $label failed with exit $rc:" >&2
			tail -5 "$work/stderr.out" >&2
			WALL[$label]=FAILED
			order+=("$label")
			INPUT[$label]=$input ROWS[$label]=$rows NRUNS[$label]=$i
			return 0
		fi
		read -r kb u sy < <(tail -1 "$work/time.out")
		walls+=("$(awk -v n=$((t1 - t0)) 'BEGIN{printf "%.4f", n/1e9}')")
		cpus+=("$(awk -v u="$u" -v s="$sy" 'BEGIN{printf "%.2f", u+s}')")
		[ "$kb" -gt "$maxrss" ] && maxrss=$kb
		echo "$label,$i,${walls[-1]},${cpus[-1]},$kb,$rc" >>"$rawcsv"
		# Keeps the whole ladder near 25 minutes on two cores.
		if [ "$i" = 1 ] && [ "$n" -gt 3 ] && awk -v w="${walls[0]}" 'BEGIN{exit !(w > 60)}'; then
			n=3
		fi
	done
	WALL[$label]=$(median "${walls[@]}")
	CPU[$label]=$(median "${cpus[@]}")
	RSS[$label]=$maxrss
	ROWS[$label]=$rows
	INPUT[$label]=$input
	NRUNS[$label]=$n
	order+=("$label")
	printf '  %-28s %8.3f s  cpu %7.2f s  %7.1f MB\n' "$label" "${WALL[$label]}" "${CPU[$label]}" "$(awk -v k="$maxrss" 'BEGIN{print k/1024}')" >&2
}

pages_of() {
	[ -f "$1" ] || return 0
	{ pdfinfo "$1" 2>/dev/null || true; } | awk '/^Pages:/{print $2}'
}

k() { awk -v n="$1" 'BEGIN{ if (n>=1000000) printf "%gM", n/1e6; else if (n>=1000) printf "%gk", n/1e3; else print n }'; }

echo "run.sh: $runs runs per measurement; work dir $work" >&2

sign_note=""
[ $sections = import ] && sign_note="signing overhead not measured (--import-only)"
if [ $sections != import ]; then
# ---- check vs the inflate floor -----------------------------------------------
[ $sections = render ] || for s in 100000 1000000 5000000; do
	zip=$(bundle 10000 $s)
	rows=$((10000 + s))
	measure "check 10k/$(k $s)" "10k findings, $(k $s) sign-ins" $rows '0|1' "$rg" check "$zip"
	measure "inflate floor 10k/$(k $s)" "10k findings, $(k $s) sign-ins" $rows '0' unzip -p "$zip"
done

# ---- render vs the drawing floor and WeasyPrint ----------------------------------
for f in 1000 5000 10000 50000; do
	zip=$(bundle $f 100000)
	out=$work/out/render-$f
	measure "render $(k $f)" "$(k $f) findings, 100k sign-ins" $f '0|1' \
		"$rg" render "$zip" -o "$out" --no-sign --force
	PAGES["render $(k $f)"]=$(pages_of "$out/report.pdf")
	if [ $f = 10000 ]; then
		# Before/after of the layout cache (issue 16), same run.
		measure "render 10k, no layout cache" "10k findings, 100k sign-ins" $f '0|1' \
			env RG_PDF_NO_CACHE=1 "$rg" render "$zip" -o "$out-nocache" --no-sign --force
		PAGES["render 10k, no layout cache"]=$(pages_of "$out-nocache/report.pdf")
	fi
	if [ $f = 5000 ] || [ $f = 50000 ]; then
		# The views that start from report.xml: the PDFs again, and a diff
		# of the report with itself (two documents read).
		measure "render --from $(k $f)" "report.xml of $(k $f) findings" $f '0|1' \
			"$rg" render --from "$out/report.xml" -o "$out-from" --no-sign --force
		measure "diff $(k $f)" "2 x report.xml of $(k $f) findings" $f '0|1' \
			"$rg" diff "$out/report.xml" "$out/report.xml"
	fi
	if [ $f = 50000 ] && [ -f "$root/samples/pki/signer.key" ]; then
		# The main job signs: its peak next to the unsigned one (issue 16).
		measure "render 50k, signed" "50k findings, 100k sign-ins" $f '0|1' \
			"$rg" render "$zip" -o "$out-signed" --force --key "$root/samples/pki/signer.key" \
			--cert "$root/samples/pki/signer.pem" --chain "$root/samples/pki/intermediate.pem"
		PAGES["render 50k, signed"]=$(pages_of "$out-signed/report.pdf")
	fi
	measure "drawing floor $(k $f)" "$(k $f) table rows" $f '0' \
		"$floor" --rows $f -o "$work/out/floor-$f.pdf"
	PAGES["drawing floor $(k $f)"]=$(pages_of "$work/out/floor-$f.pdf")
	measure "drawing floor tagged $(k $f)" "$(k $f) table rows" $f '0' \
		"$floor" --rows $f --tagged -o "$work/out/floor-tagged-$f.pdf"
	PAGES["drawing floor tagged $(k $f)"]=$(pages_of "$work/out/floor-tagged-$f.pdf")
	measure "shaping floor tagged $(k $f)" "$(k $f) table rows" $f '0' \
		"$floor" --rows $f --tagged --cached -o "$work/out/floor-cached-$f.pdf"
	PAGES["shaping floor tagged $(k $f)"]=$(pages_of "$work/out/floor-cached-$f.pdf")
	if [ $f = 5000 ] || [ $f = 50000 ]; then
		# The tagged table drawn 100 pages to a surface, each finished as
		# its pages are done: the memory floor of a chunked render (issue
		# 16; the chunks are not merged, so no pages count here).
		rm -f "$work/out/floor-chunked-$f.pdf"*
		measure "drawing floor tagged, 100-page chunks $(k $f)" "$(k $f) table rows" $f '0' \
			"$floor" --rows $f --tagged --chunk-pages 100 -o "$work/out/floor-chunked-$f.pdf"
	fi
done
if [ $weasy = 1 ]; then
	sizes="1000 2000"
	[ $quick = 1 ] && sizes=1000
	for f in $sizes; do
		"$here/htmltable.py" --rows $f --fonts "${REPORTGEN_DATADIR:-$root}/fonts" -o "$work/out/table-$f.html"
		measure "WeasyPrint $(k $f)" "$(k $f) table rows" $f '0' \
			weasyprint "$work/out/table-$f.html" "$work/out/weasy-$f.pdf"
		PAGES["WeasyPrint $(k $f)"]=$(pages_of "$work/out/weasy-$f.pdf")
	done
	# render at 2k too, so the comparison is at the same size.
	if [[ $sizes == *2000* ]]; then
		zip=$(bundle 2000 100000)
		measure "render 2k" "2k findings, 100k sign-ins" 2000 '0|1' \
			"$rg" render "$zip" -o "$work/out/render-2000" --no-sign --force
		PAGES["render 2k"]=$(pages_of "$work/out/render-2000/report.pdf")
	fi
fi

# ---- signing overhead on a ~1000-page report ----------------------------------------
key=$root/samples/pki/signer.key cert=$root/samples/pki/signer.pem chain=$root/samples/pki/chain.pem
if [ $sections = render ]; then
	sign_note="signing overhead not measured (--render-only)"
elif [ -f "$key" ] && [ -f "$cert" ]; then
	# Findings for ~1000 pages, from the pages the 10k render took.
	p10=${PAGES["render 10k"]:-0}
	if [ "${p10:-0}" -gt 0 ]; then
		sf=$(((1000 * 10000 / p10 + 500) / 1000 * 1000))
	else
		sf=25000
	fi
	zip=$(bundle $sf 100000)
	chainopt=()
	[ -f "$chain" ] && chainopt=(--chain "$chain")
	measure "render ~1000 p, unsigned" "$(k $sf) findings" $sf '0|1' \
		"$rg" render "$zip" -o "$work/out/sign-off" --no-sign --force
	PAGES["render ~1000 p, unsigned"]=$(pages_of "$work/out/sign-off/report.pdf")
	measure "render ~1000 p, signed" "$(k $sf) findings" $sf '0|1' \
		"$rg" render "$zip" -o "$work/out/sign-on" --force --key "$key" --cert "$cert" "${chainopt[@]}"
	PAGES["render ~1000 p, signed"]=$(pages_of "$work/out/sign-on/report.pdf")
else
	sign_note="signing overhead not measured: no demo key in samples/pki/"
fi
fi # sections != import

# ---- import vs jq ----------------------------------------------------------------------
# import_input N SHAPE -> path of N generated records; kept between runs.
import_input() {
	local f=$work/signins-$1.$2.json
	if [ ! -f "$f" ] || [ "$here/import-gen.py" -nt "$f" ]; then
		python3 "$here/import-gen.py" --records "$1" --shape "$2" -o "$f"
	fi
	echo "$f"
}
if [ $sections != noimport ] && [ $sections != render ]; then
	for shape in jsonl pages; do
		f=$(import_input 1000000 $shape)
		measure "import signins 1M $shape" "1M records, $(du -m "$f" | cut -f1) MB" 1000000 '0' \
			"$rg" import signins "$f" -o "$work/out/signins-$shape.csv" --force
		measure "jq -c . 1M $shape" "1M records, $(du -m "$f" | cut -f1) MB" 1000000 '0' \
			jq -c . "$f"
	done
	f=$(import_input 100000 jsonl)
	measure "import signins 100k jsonl" "100k records, $(du -m "$f" | cut -f1) MB" 100000 '0' \
		"$rg" import signins "$f" -o "$work/out/signins-100k.csv" --force
fi

# ---- report --------------------------------------------------------------------------
mb() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a=="" || b=="" || a=="FAILED" || b=="FAILED" || b==0) print "n/a"; else printf "%.2f", a/b }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a==""||b==""||a=="FAILED"||b=="FAILED"||b==0) print "n/a"; else printf "%+.1f%%", (a/b-1)*100 }'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN{ if (t=="FAILED" || t==0 || n=="") print "-"; else printf "%.0f", n/t }'; }

{
	echo "## reportgen benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "Median wall time and median CPU time (user + system) of $runs runs (3 when"
	echo "the first run took over 60 s); peak RSS is the largest of the runs."
	echo "Rows: findings + sign-in rows for check and the inflate floor, table rows for"
	echo "render, the drawing floor and WeasyPrint."
	echo
	echo "| measurement | input | runs | wall (s) | CPU (s) | peak RSS (MB) | rows/s | pages | pages/s |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	for l in "${order[@]}"; do
		w=${WALL[$l]}
		p=${PAGES[$l]:-}
		if [ "$w" = FAILED ]; then
			echo "| $l | ${INPUT[$l]} | ${NRUNS[$l]} | failed | | | | | |"
			continue
		fi
		echo "| $l | ${INPUT[$l]} | ${NRUNS[$l]} | $(printf '%.3f' "$w") | $(printf '%.2f' "${CPU[$l]}") | $(mb "${RSS[$l]}") | $(rate "${ROWS[$l]}" "$w") | ${p:--} | $( [ -n "$p" ] && rate "$p" "$w" || echo -) |"
	done
	echo
	echo "### Ratios against the targets of issue 6"
	echo
	echo "Each ratio from the medians above; wall and, for contention on a shared"
	echo "machine, CPU time."
	echo
	echo "| target | wall | CPU | goal |"
	echo "|---|---:|---:|---|"
	[ $sections = render ] || for s in 100k 1M 5M; do
		echo "| check / inflate floor, 10k findings + $s sign-ins | $(ratio "${WALL["check 10k/$s"]:-}" "${WALL["inflate floor 10k/$s"]:-}") | $(ratio "${CPU["check 10k/$s"]:-}" "${CPU["inflate floor 10k/$s"]:-}") | <= 1.5 (at 1M) |"
	done
	if [ $sections != render ]; then
	echo "| check peak RSS, 10k + 1M (MB) | $(mb "${RSS["check 10k/1M"]:-0}") | | < 64 |"
	echo "| check peak RSS 5M / 100k sign-ins | $(ratio "${RSS["check 10k/5M"]:-}" "${RSS["check 10k/100k"]:-}") | | <= 1.10 |"
	fi
	for f in 1k 5k 10k 50k; do
		echo "| render / drawing floor, $f findings | $(ratio "${WALL["render $f"]:-}" "${WALL["drawing floor $f"]:-}") | $(ratio "${CPU["render $f"]:-}" "${CPU["drawing floor $f"]:-}") | <= 1.5 |"
		echo "| render / tagged drawing floor, $f findings | $(ratio "${WALL["render $f"]:-}" "${WALL["drawing floor tagged $f"]:-}") | $(ratio "${CPU["render $f"]:-}" "${CPU["drawing floor tagged $f"]:-}") | (context) |"
		echo "| render / cached-shaping floor (tagged), per row, $f findings | $(ratio "${WALL["render $f"]:-}" "${WALL["shaping floor tagged $f"]:-}") | $(ratio "${CPU["render $f"]:-}" "${CPU["shaping floor tagged $f"]:-}") | <= 1.5 at 10k (issue 16) |"
	done
	for f in 1k 2k; do
		if [ -n "${WALL["WeasyPrint $f"]:-}" ] && [ -n "${WALL["render $f"]:-}" ]; then
			echo "| render rows/s / WeasyPrint rows/s, $f rows | $(ratio "${WALL["WeasyPrint $f"]}" "${WALL["render $f"]}") | $(ratio "${CPU["WeasyPrint $f"]}" "${CPU["render $f"]}") | >= 100 |"
		fi
	done
	echo "| render 10k / render 10k without the layout cache | $(ratio "${WALL["render 10k"]:-}" "${WALL["render 10k, no layout cache"]:-}") | $(ratio "${CPU["render 10k"]:-}" "${CPU["render 10k, no layout cache"]:-}") | (context) |"
	echo "| render peak RSS, 50k findings (MB) | $(mb "${RSS["render 50k"]:-0}") | | < 64 |"
	echo "| render peak RSS 50k / 5k findings | $(ratio "${RSS["render 50k"]:-}" "${RSS["render 5k"]:-}") | | <= 1.10 (issue 16) |"
	echo "| tagged drawing floor peak RSS 50k / 5k, one surface | $(ratio "${RSS["drawing floor tagged 50k"]:-}" "${RSS["drawing floor tagged 5k"]:-}") | | (context: cairo's structure tree) |"
	echo "| tagged drawing floor peak RSS 50k / 5k, 100-page chunks | $(ratio "${RSS["drawing floor tagged, 100-page chunks 50k"]:-}" "${RSS["drawing floor tagged, 100-page chunks 5k"]:-}") | | (context: what chunking leaves) |"
	echo "| render --from peak RSS, 50k findings (MB) | $(mb "${RSS["render --from 50k"]:-0}") | | as render's (the model, no bundle) |"
	echo "| diff peak RSS 50k / 5k findings | $(ratio "${RSS["diff 50k"]:-}" "${RSS["diff 5k"]:-}") | | (context: two models, no tree) |"
	echo "| render peak RSS signed / unsigned, 50k findings | $(ratio "${RSS["render 50k, signed"]:-}" "${RSS["render 50k"]:-}") | | (context: the main job signs) |"
	[ $sections = render ] || for shape in jsonl pages; do
		echo "| import / jq -c ., 1M records, $shape | $(ratio "${WALL["import signins 1M $shape"]:-}" "${WALL["jq -c . 1M $shape"]:-}") | $(ratio "${CPU["import signins 1M $shape"]:-}" "${CPU["jq -c . 1M $shape"]:-}") | <= 1 (issue 13) |"
	done
	[ $sections = render ] || echo "| import peak RSS, 1M / 100k records (JSON Lines) | $(ratio "${RSS["import signins 1M jsonl"]:-}" "${RSS["import signins 100k jsonl"]:-}") | | flat but for the duplicate set |"
	if [ -z "$sign_note" ]; then
		echo "| signing overhead, ${PAGES["render ~1000 p, signed"]:-?}-page report | $(pct "${WALL["render ~1000 p, signed"]:-}" "${WALL["render ~1000 p, unsigned"]:-}") | $(pct "${CPU["render ~1000 p, signed"]:-}" "${CPU["render ~1000 p, unsigned"]:-}") | < 5% |"
	else
		echo
		echo "$sign_note"
	fi
	echo
	echo "### Machine"
	echo
	echo "- CPU: $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo), $(nproc) cores available"
	echo "- memory: $(awk '/^MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo)"
	echo "- system: $(uname -sr); $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "- compiler: $(cc --version | head -1); build type $(meson introspect --buildoptions "$build" 2>/dev/null | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"))' 2>/dev/null || echo unknown)"
	echo "- libraries: cairo $(pkg-config --modversion cairo), pango $(pkg-config --modversion pango), libzip $(pkg-config --modversion libzip), zlib $(pkg-config --modversion zlib 2>/dev/null || echo ?), json-c $(pkg-config --modversion json-c 2>/dev/null || echo ?); $(jq --version 2>/dev/null || echo 'jq ?')"
	[ $weasy = 1 ] && echo "- $(weasyprint --version 2>&1 | head -1)"
	echo "- reportgen commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- 2>/dev/null || echo ' (with local changes)')"
	echo "- load average (1/5/15 min) at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} | tee "$results"
