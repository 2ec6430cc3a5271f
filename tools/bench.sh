#!/bin/sh
# bench.sh - `make bench`: how fast vbgen is, and how much of that is vbgen's own.
#
#   sh tools/bench.sh            (from anywhere; works in the source tree)
#
# Every case is timed from outside as a whole process, start-up included: the median wall
# time of several runs (hyperfine when installed, else a loop over `date +%s%N`), and the
# peak memory of one run (GNU time's "Maximum resident set size", else the rusage of the
# child read by Python). Beside vbgen runs build/bare (tests/bare.c), a program that draws
# the same lines (vbgen's own `--dump layout` of the same document) with Pango and Cairo
# and nothing else: vbgen's overhead is the ratio of the two wall times.
#
# Cases: start-up (tiny plan); the sample plan with its appendix; synthetic plans of about
# 50, 100 and 200 pages (time per page: linear?); appendices of 1,000, 5,000 and 10,000
# tasks and of 500 tasks with cells of 1..30 lines (time and memory per row: linear?); the
# commitment letters of 10 and 1,000 agencies (letters per second, per letter against
# bare, memory, -j 2 against -j 1), skipped with a message while `vbgen letters` is not
# built; the Word files (--format docx) of the sample plan and of the 1,000 letters
# against their PDFs; signing those 1,000 letters (time per letter, PKCS#12 file and software
# token); costs against the input's size (tools/bench-scale.sh: a letter at 1,000, 10,000
# and 100,000 agencies, a long word, upper() of 1.4 MB). Generated plans (tools/synth.py,
# fixed seeds) and outputs go to build/bench/.
#
# It only reports: no timing is ever a failure. It exits 1 only when a program crashed
# (killed by a signal), 2 when vbgen or the tools to build bare are missing.
#
# Environment: VBGEN (default ./vbgen), BARE (default build/bare, built here from
# tests/bare.c when missing or older), BENCH_TARGET_S (seconds of timed runs aimed at per
# case, default 2: more runs for fast cases, never fewer than 3 nor more than 20, and only
# 2 for a command that takes over 5 s).

# shellcheck disable=SC3013,SC2046,SC2086,SC1091
# (test -nt is in dash, bash and busybox sh; flags and fit results are split on purpose)
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
VBGEN=${VBGEN:-./vbgen}
BARE=${BARE:-build/bare}
TARGET_S=${BENCH_TARGET_S:-2}
B=build/bench
OUT=$B/out
PKGS="libxml-2.0 pangocairo pangoft2 cairo fontconfig glib-2.0"
CRASHED=0

mkdir -p "$B" "$OUT" || exit 2
if [ ! -x "$VBGEN" ]; then
	echo "bench: $VBGEN is missing: run make first" >&2
	exit 2
fi
# The binary under test is copied first, so that a rebuild during the run cannot change
# or remove it; a vbgen inside the source tree still finds the tree's schema, templates
# and fonts (gen/paths.c looks upwards from the executable).
cp "$VBGEN" "$B/vbgen" || exit 2
VBGEN=$B/vbgen

# --- tools -------------------------------------------------------------------------------

# bare is built like vbgen (same flags, same libraries) unless `make bench` already did.
if [ ! -x "$BARE" ] || [ tests/bare.c -nt "$BARE" ]; then
	mkdir -p "$(dirname "$BARE")"
	${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -Wformat=2 -Werror \
		${CFLAGS:--O2 -g} $(pkg-config --cflags $PKGS) -o "$BARE" tests/bare.c \
		$(pkg-config --libs $PKGS) -lm || { echo "bench: cannot build $BARE" >&2; exit 2; }
fi

HYPERFINE=$(command -v hyperfine 2>/dev/null)
GNUTIME=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
	GNUTIME=/usr/bin/time
fi
# Peak memory without GNU time: the largest resident set of the children Python waited for.
cat >"$B/peak.py" <<'EOF'
import resource, subprocess, sys
with open(sys.argv[1], "wb") as o, open(sys.argv[2], "wb") as e:
    rc = subprocess.call(sys.argv[3:], stdout=o, stderr=e)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(128 - rc if rc < 0 else rc)
EOF

now_ns() { date +%s%N; }

# Float arithmetic: calc EXPR (awk syntax) prints the value with the given format.
calc() { awk "BEGIN { v = $2; printf \"$1\", v }" 2>/dev/null || printf '-'; }

# measure CMD...: runs CMD once (exit status, peak memory, first wall time), then again as
# many times as fit in TARGET_S (3..20 runs) for the median wall time. Sets M_RC, M_KB,
# M_MS (median, ms) and M_RUNS; M_MS is empty when the command failed. Its output of the
# first run is kept in $B/last.out and $B/last.err.
measure() {
	M_MS=
	M_KB=
	M_RUNS=0
	t0=$(now_ns)
	if [ -n "$GNUTIME" ]; then
		"$GNUTIME" -f %M -o "$B/peak" "$@" >"$B/last.out" 2>"$B/last.err"
		M_RC=$?
		M_KB=$(tail -n 1 "$B/peak")
	else
		M_KB=$(python3 "$B/peak.py" "$B/last.out" "$B/last.err" "$@")
		M_RC=$?
	fi
	t1=$(now_ns)
	if [ "$M_RC" -ne 0 ]; then
		if [ "$M_RC" -ge 128 ] || grep -q 'terminated by signal' "$B/peak" 2>/dev/null; then
			CRASHED=1
			echo "  !! CRASHED (status $M_RC): $*"
		else
			echo "  !! failed (exit $M_RC): $*"
		fi
		sed -n '1,3s/^/  !!   /p' "$B/last.err"
		M_KB=
		return 1
	fi
	# the first run is one of the samples (its file reads warm the cache for the others)
	echo $((t1 - t0)) >"$B/times"
	M_RUNS=$(awk -v f=$(((t1 - t0) / 1000000)) -v t="$TARGET_S" 'BEGIN {
		n = int(t * 1000 / (f + 1)) + 1; if (n < 3) n = 3; if (n > 20) n = 20;
		if (f > 5000) n = 2; print n }')
	if [ -n "$HYPERFINE" ]; then
		if ! "$HYPERFINE" -N --style none --warmup 0 --runs $((M_RUNS - 1)) \
			--export-json "$B/hf.json" -- "$*" >/dev/null 2>"$B/hf.err"; then
			echo "  !! failed while timing: $*"
			sed -n '1,3s/^/  !!   /p' "$B/hf.err"
			return 1
		fi
		python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["results"][0]["times"]: print(int(t * 1e9))' \
			"$B/hf.json" >>"$B/times"
	else
		m_i=1
		while [ "$m_i" -lt "$M_RUNS" ]; do
			m_s=$(now_ns)
			"$@" >/dev/null 2>&1
			m_rc=$?
			m_e=$(now_ns)
			if [ "$m_rc" -ge 128 ]; then
				CRASHED=1
				echo "  !! CRASHED (status $m_rc) while timing: $*"
				return 1
			fi
			echo $((m_e - m_s)) >>"$B/times"
			m_i=$((m_i + 1))
		done
	fi
	M_MS=$(sort -n "$B/times" | awk '{ a[NR] = $1 } END {
		if (NR % 2) m = a[(NR + 1) / 2]; else m = (a[NR / 2] + a[NR / 2 + 1]) / 2;
		printf "%.1f", m / 1e6 }')
	# bare -t says how long reading its dump took: that is not drawing, so it is taken off
	m_read=$(sed -n 's/^bare: read \([0-9.]*\) ms.*/\1/p' "$B/last.err")
	[ "$1" = "$BARE" ] && [ -n "$m_read" ] && M_MS=$(calc '%.1f' "$M_MS - $m_read")
	return 0
}

# fit X Y X Y ...: least-squares line through the points; prints "slope intercept maxdev",
# maxdev the largest distance of a point from the line, in % of its value.
fit() {
	echo "$@" | awk '{ n = NF / 2; for (i = 0; i < n; i++) { x[i] = $(2 * i + 1); y[i] = $(2 * i + 2);
		sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i] }
		d = n * sxx - sx * sx; if (d == 0) exit 1
		a = (n * sxy - sx * sy) / d; b = (sy - a * sx) / n
		for (i = 0; i < n; i++) { e = y[i] - (a * x[i] + b); if (e < 0) e = -e;
			if (y[i] > 0 && 100 * e / y[i] > m) m = 100 * e / y[i] }
		printf "%.3f %.1f %.0f\n", a, b, m }'
}

mib() { [ -n "$1" ] && calc '%.1f' "$1 / 1024" || printf '-'; }
pages_of() { grep -c '^page ' "$1" 2>/dev/null || echo 0; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && calc '%.2f' "$1 / $2" || printf '-'; }

# Generated plans are remade when tools/synth.py changes.
synth() {
	sy_f=$1
	shift
	if [ ! -s "$sy_f" ] || [ tools/synth.py -nt "$sy_f" ]; then
		python3 tools/synth.py "$@" "$sy_f" ||
			{ echo "bench: tools/synth.py failed" >&2; exit 2; }
	fi
}

# dump OUTFILE CMD...: vbgen's layout dump of a document, for bare.
dump() {
	du_f=$1
	shift
	"$@" --dump layout >"$du_f" 2>"$B/dump.err"
	du_rc=$?
	[ "$du_rc" -ge 128 ] && { CRASHED=1; echo "  !! CRASHED (status $du_rc): $* --dump layout"; }
	return "$du_rc"
}

# Styles of the templates for bare: the document's own template first (see synth.py).
python3 tools/synth.py --styles "$B/plan.styles" templates/plan.xml templates/appendix.xml
python3 tools/synth.py --styles "$B/appendix.styles" templates/appendix.xml templates/plan.xml

# --- the machine -------------------------------------------------------------------------

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
[ -n "$cpu" ] || cpu=$(uname -m)
mhz=$(sed -n 's/^cpu MHz[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
cores=$(nproc 2>/dev/null || echo '?')
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
commit=$(git rev-parse --short HEAD 2>/dev/null)
[ -n "$commit" ] && [ -n "$(git status --porcelain -- gen templates 2>/dev/null)" ] &&
	commit="$commit + uncommitted changes"
fontfile=$(FONTCONFIG_FILE="$PWD/fonts/fonts.conf" fc-match -f '%{family[0]}' 'Times New Roman' 2>/dev/null)

load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "vbgen benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "Machine   $cpu${mhz:+ (${mhz%.*} MHz)}, $cores cores, $mem RAM"
echo "System    ${os:-unknown}, Linux $(uname -r)"
echo "Software  $($VBGEN -V)${commit:+ (commit $commit)}; Pango $(pkg-config --modversion pango)," \
	"Cairo $(pkg-config --modversion cairo), fontconfig $(pkg-config --modversion fontconfig)," \
	"libxml2 $(pkg-config --modversion libxml-2.0); font ${fontfile:-?}"
timer="a loop over date +%s%N"
[ -n "$HYPERFINE" ] && timer="hyperfine $("$HYPERFINE" --version | sed 's/^hyperfine //')"
peaker="Python's rusage"
[ -n "$GNUTIME" ] && peaker="GNU time"
echo "Method    wall time: median of 3..20 runs (2 when a run takes over 5 s) of the whole"
echo "          process, start-up included ($timer); peak memory: largest resident set of one"
echo "          run ($peaker); bare: tests/bare.c drawing vbgen's own layout dump of the same"
echo "          document with Pango and Cairo only (wall time less its reading of the dump);"
echo "          ratio: vbgen wall / bare wall."

# --- start-up ----------------------------------------------------------------------------

synth "$B/tiny.xml" --seed 7 --paras 1 --tasks 1 --agencies 3
echo
echo "1. Start-up (a tiny plan: one paragraph, one task; $(wc -c <"$B/tiny.xml") bytes)"
printf '   %-54s %9s %9s\n' "" "wall ms" "peak MiB"
startup() {
	label=$1
	shift
	if measure "$@"; then
		printf '   %-54s %9s %9s\n' "$label" "$M_MS" "$(mib "$M_KB")"
	fi
}
startup "vbgen -V (exec, dynamic linking)" "$VBGEN" -V
su_v=$M_MS
startup "vbgen check (+ XML, schema, checks)" "$VBGEN" check "$B/tiny.xml"
su_c=$M_MS
startup "vbgen plan --dump layout (+ templates, fonts, layout)" "$VBGEN" plan "$B/tiny.xml" \
	--dump layout
su_d=$M_MS
startup "vbgen plan -o PDF (+ PDF)" "$VBGEN" plan "$B/tiny.xml" -o "$OUT/tiny.pdf"
su_p=$M_MS
dump "$B/tiny.dump" "$VBGEN" plan "$B/tiny.xml"
startup "bare drawing the same $(pages_of "$B/tiny.dump") pages" "$BARE" -t -s "$B/plan.styles" \
	-o "$OUT/tiny-bare.pdf" "$B/tiny.dump"
if [ -n "$su_v" ] && [ -n "$su_c" ] && [ -n "$su_d" ] && [ -n "$su_p" ]; then
	echo "   where it goes: exec+libraries $su_v ms, reading+checking the plan" \
		"$(calc '%.1f' "$su_c - $su_v") ms, templates+fonts+layout $(calc '%.1f' "$su_d - $su_c") ms," \
		"PDF $(calc '%.1f' "$su_p - $su_d") ms"
fi

# --- the sample plan and the synthetic plans ---------------------------------------------

# doc_case LABEL STYLES DUMPFILE PDF VBGEN-ARGS...: one document, vbgen against bare.
# Sets D_PAGES, D_V (vbgen ms), D_B (bare ms).
doc_case() {
	label=$1
	styles=$2
	df=$3
	pdf=$4
	shift 4
	D_V=
	D_B=
	D_PAGES=-
	kv=
	kb=
	if measure "$VBGEN" "$@" -o "$pdf"; then
		D_V=$M_MS
		kv=$M_KB
	fi
	if dump "$df" "$VBGEN" "$@"; then
		D_PAGES=$(pages_of "$df")
		if measure "$BARE" -t -s "$styles" -o "${pdf%.pdf}-bare.pdf" "$df"; then
			D_B=$M_MS
			kb=$M_KB
		fi
	fi
	perpage=-
	[ -n "$D_V" ] && [ "$D_PAGES" != - ] && [ "$D_PAGES" -gt 0 ] &&
		perpage=$(calc '%.2f' "$D_V / $D_PAGES")
	printf '   %-26s %6s %10s %9s %10s %9s %7s %8s\n' "$label" "$D_PAGES" "${D_V:--}" \
		"$perpage" "${D_B:--}" "$(mib "$kv")" "$(mib "$kb")" "$(ratio "$D_V" "$D_B")"
}
doc_head() {
	printf '   %-26s %6s %10s %9s %10s %9s %7s %8s\n' "" pages "vbgen ms" "ms/page" "bare ms" \
		"vbgen MiB" "bare MiB" "ratio"
}

echo
echo "2. The sample plan with its appendix (samples/par-index-2023.xml; vbgen plan)"
doc_head
doc_case "sample plan + appendix" "$B/plan.styles" "$B/sample.dump" "$OUT/sample.pdf" \
	plan samples/par-index-2023.xml
echo "   goals: under 60 ms wall including start-up; ratio within 1.3"
if measure "$VBGEN" check samples/par-index-2023.xml; then
	echo "   of which reading and checking the plan (vbgen check): $M_MS ms"
fi

echo
echo "3. Synthetic plans, body only (tools/synth.py --pages N; vbgen plan --no-appendix)"
doc_head
for n in 50 100 200; do
	synth "$B/pages-$n.xml" --seed 1 --pages "$n"
	doc_case "about $n pages" "$B/plan.styles" "$B/pages-$n.dump" "$OUT/pages-$n.pdf" \
		plan --no-appendix "$B/pages-$n.xml"
	eval "p_$n=\$D_PAGES v_$n=\$D_V b_$n=\$D_B"
done
# shellcheck disable=SC2154
if [ -n "$v_50" ] && [ -n "$v_100" ] && [ -n "$v_200" ]; then
	set -- $(fit "$p_50" "$v_50" "$p_100" "$v_100" "$p_200" "$v_200")
	echo "   linearity: vbgen = $2 ms + $1 ms a page (least squares; the points lie within $3%" \
		"of that line)"
	if [ -n "$b_50" ] && [ -n "$b_100" ] && [ -n "$b_200" ]; then
		set -- $(fit "$p_50" "$b_50" "$p_100" "$b_100" "$p_200" "$b_200")
		echo "               bare  = $2 ms + $1 ms a page (within $3%)"
	fi
fi

# --- appendices --------------------------------------------------------------------------

echo
echo "4. Appendix tables (tools/synth.py --tasks N; vbgen appendix)"
printf '   %-28s %5s %9s %10s %9s %9s %9s %6s\n' "" pages "vbgen ms" "ms/1k rows" "check ms" \
	"peak MiB" "bare ms" "ratio"
appendix_case() {
	ap_label=$1
	ap_rows=$2
	ap_stem=$B/$3
	A_V=
	A_KB=
	ap_c=-
	ap_b=
	ap_pages=-
	if measure "$VBGEN" appendix "$ap_stem.xml" -o "$OUT/$3.pdf"; then
		A_V=$M_MS
		A_KB=$M_KB
	fi
	measure "$VBGEN" check "$ap_stem.xml" && ap_c=$M_MS
	if dump "$ap_stem.dump" "$VBGEN" appendix "$ap_stem.xml"; then
		ap_pages=$(pages_of "$ap_stem.dump")
		measure "$BARE" -t -s "$B/appendix.styles" -o "$OUT/$3-bare.pdf" "$ap_stem.dump" &&
			ap_b=$M_MS
	fi
	printf '   %-28s %5s %9s %10s %9s %9s %9s %6s\n' "$ap_label" "$ap_pages" "${A_V:--}" \
		"$([ -n "$A_V" ] && calc '%.2f' "$A_V * 1000 / $ap_rows" || echo -)" "$ap_c" \
		"$(mib "$A_KB")" "${ap_b:--}" "$(ratio "$A_V" "$ap_b")"
}
for n in 1000 5000 10000; do
	synth "$B/tasks-$n.xml" --seed 2 --tasks "$n"
	appendix_case "$n tasks, cells 1-3 lines" "$n" "tasks-$n"
	eval "av_$n=\$A_V ak_$n=\$A_KB"
done
synth "$B/tasks-500-tall.xml" --seed 3 --tasks 500 --cell-lines 1-30
appendix_case "500 tasks, cells 1-30 lines" 500 tasks-500-tall
# shellcheck disable=SC2154
if [ -n "$av_1000" ] && [ -n "$av_5000" ] && [ -n "$av_10000" ]; then
	set -- $(fit 1 "$av_1000" 5 "$av_5000" 10 "$av_10000")
	echo "   linearity: time = $2 ms + $1 ms per 1,000 rows (points within $3% of that line)"
fi
if [ -n "$ak_1000" ] && [ -n "$ak_5000" ] && [ -n "$ak_10000" ]; then
	set -- $(fit 1 "$(calc '%.1f' "$ak_1000 / 1024")" 5 "$(calc '%.1f' "$ak_5000 / 1024")" \
		10 "$(calc '%.1f' "$ak_10000 / 1024")")
	echo "               memory = $2 MiB + $1 MiB per 1,000 rows (within $3%)"
fi

# --- letters -----------------------------------------------------------------------------

echo
echo "5. Commitment letters (tools/synth.py --agencies N --tasks-per-agency 11; vbgen letters)"
rm -rf "$OUT/letters-probe"
mkdir -p "$OUT/letters-probe"
"$VBGEN" letters "$B/tiny.xml" -o "$OUT/letters-probe" >"$B/probe.out" 2>"$B/probe.err"
rc=$?
if [ "$rc" -ge 128 ]; then
	CRASHED=1
	echo "   !! vbgen letters CRASHED (status $rc) on a tiny plan"
elif [ "$rc" -eq 2 ] && grep -q 'not built yet' "$B/probe.err"; then
	echo "   skipped: vbgen letters is not built yet (it answered: $(head -n 1 "$B/probe.err"))"
elif [ "$rc" -ne 0 ]; then
	echo "   skipped: vbgen letters fails on a tiny plan (exit $rc): $(head -n 1 "$B/probe.err")"
else
	# letters_case N J [--agency ID ...]: the letters of the 1,000-agency plan, all of them
	# or only the agencies named, with J workers.
	letters_case() {
		n=$1
		j=$2
		shift 2
		d="$OUT/letters-$n-j$j"
		rm -rf "$d"
		mkdir -p "$d"
		L_MS=
		L_KB=
		if measure "$VBGEN" letters "$B/letters-1000.xml" -o "$d" -j "$j" "$@"; then
			L_MS=$M_MS
			L_KB=$M_KB
		fi
		L_N=$(find "$d" -name '*.pdf' | wc -l)
		rm -rf "$d" # about 130 KB a letter: not kept
		printf '   %-26s %8s %10s %10s %10s %9s\n' "$n of 1000 agencies, -j $j" "$L_N" "${L_MS:--}" \
			"$([ -n "$L_MS" ] && [ "$L_N" -gt 0 ] && calc '%.1f' "$L_N * 1000 / $L_MS" || echo -)" \
			"$([ -n "$L_MS" ] && [ "$L_N" -gt 0 ] && calc '%.2f' "$L_MS / $L_N" || echo -)" \
			"$(mib "$L_KB")"
	}
	synth "$B/letters-1000.xml" --seed 4 --agencies 1000 --tasks-per-agency 11
	# ten letters of the same plan: memory "flat" means 1,000 letters cost no more
	first10=$(grep -o '<agency id="[^"]*"' "$B/letters-1000.xml" | head -n 10 | cut -d'"' -f2 |
		sed 's/^/--agency /' | tr '\n' ' ')
	printf '   %-26s %8s %10s %10s %10s %9s\n' "" letters "wall ms" "letters/s" "ms/letter" \
		"peak MiB"
	# shellcheck disable=SC2086
	letters_case 10 1 $first10
	l10_kb=$L_KB
	letters_case 1000 1
	l1k_ms=$L_MS
	l1k_kb=$L_KB
	l1k_n=$L_N
	letters_case 1000 2
	l1k2_ms=$L_MS
	[ -n "$l1k_ms" ] && [ -n "$l1k2_ms" ] &&
		echo "   -j 2 over -j 1: $(calc '%.2f' "$l1k_ms / $l1k2_ms")x faster ($cores cores)"
	[ -n "$l10_kb" ] && [ -n "$l1k_kb" ] &&
		echo "   peak memory with -j 1: $(mib "$l10_kb") MiB for 10 letters, $(mib "$l1k_kb") MiB" \
			"for 1,000 ($(calc '%.2f' "$l1k_kb / $l10_kb")x); with -j 2 the largest process is shown"
	# One letter as a layout dump, drawn 200 times by bare: the cost of a letter when
	# nothing but Pango and Cairo is done.
	agency=xa-0001
	rm -rf "$OUT/letter-dump" "$OUT/bare-letters"
	mkdir -p "$OUT/letter-dump" "$OUT/bare-letters"
	set --
	for t in templates/*.xml; do
		case $t in */plan.xml | */appendix.xml) ;; *) set -- "$@" "$t" ;; esac
	done
	set -- "$B/letter.styles" "$@" templates/plan.xml
	python3 tools/synth.py --styles "$@" 2>/dev/null || cp "$B/plan.styles" "$B/letter.styles"
	if dump "$B/letter.dump" "$VBGEN" letters "$B/letters-1000.xml" --agency "$agency" \
		-o "$OUT/letter-dump" && [ "$(pages_of "$B/letter.dump")" -gt 0 ]; then
		lp=$(pages_of "$B/letter.dump")
		if measure "$BARE" -t -s "$B/letter.styles" -n 200 -o "$OUT/bare-letters" \
			"$B/letter.dump"; then
			rm -rf "$OUT/bare-letters"
			bl=$(calc '%.2f' "$M_MS / 200")
			echo "   bare, the letter of $agency ($lp pages) drawn 200 times in one process:" \
				"$M_MS ms, $bl ms a letter, $(mib "$M_KB") MiB"
			[ -n "$l1k_ms" ] && [ "$l1k_n" -gt 0 ] &&
				echo "   per letter, vbgen -j 1 against bare: $(calc '%.2f' "$l1k_ms / $l1k_n") ms" \
					"against $bl ms: ratio $(calc '%.2f' "($l1k_ms / $l1k_n) / ($M_MS / 200)")" \
					"(letters differ in length: this one has $lp pages, like most)"
		fi
	else
		echo "   bare comparison skipped: 'vbgen letters --agency $agency --dump layout' gave no" \
			"layout: $(head -n 1 "$B/dump.err")"
	fi
fi

# --- Word files ---------------------------------------------------------------------------

echo
echo "6. Word files (.docx, --format docx) against PDF: the same documents, the same layout"
printf '   %-34s %10s %10s %9s %9s\n' "" "PDF ms" ".docx ms" "ratio" "peak MiB"
# word_case LABEL ARGS...: vbgen ARGS (PDF) against vbgen ARGS --format docx (Word).
word_case() {
	wc_label=$1
	shift
	W_PDF=
	W_DOCX=
	W_KB=
	measure "$VBGEN" "$@" && W_PDF=$M_MS
	measure "$VBGEN" "$@" --format docx && {
		W_DOCX=$M_MS
		W_KB=$M_KB
	}
	printf '   %-34s %10s %10s %9s %9s\n' "$wc_label" "${W_PDF:--}" "${W_DOCX:--}" \
		"$(ratio "$W_DOCX" "$W_PDF")" "$(mib "$W_KB")"
}
rm -f "$OUT/sample-w.pdf" "$OUT/sample-w.docx"
word_case "sample plan + appendix" plan samples/par-index-2023.xml -o "$OUT/sample-w"
if [ -s "$B/letters-1000.xml" ]; then
	for j in 1 2; do
		rm -rf "$OUT/wl"
		mkdir -p "$OUT/wl"
		word_case "1,000 letters, -j $j" letters "$B/letters-1000.xml" -o "$OUT/wl" -j "$j"
		[ -n "$W_DOCX" ] && echo "      .docx: $(calc '%.2f' "$W_DOCX / 1000") ms a letter," \
			"$(find "$OUT/wl" -name '*.docx' | wc -l) files of" \
			"$(du -sk "$OUT/wl" | cut -f1) KiB with the PDFs"
	done
	rm -rf "$OUT/wl"
else
	echo "   1,000 letters skipped: section 5 made no $B/letters-1000.xml"
fi
echo "   (.docx includes the same layout as the PDF: rule lengths and column widths come from it)"

# --- signing ---------------------------------------------------------------------------

echo
echo "7. Signing the letters (vbgen sign DIR --field receiver, one PIN for the batch)"
# The 1,000 letters of section 5's plan, signed with a PKCS#12 file made here (and, when
# SoftHSM2 is installed, from a token in software), into the fields vbgen wrote.
SG=$B/sign
if ! command -v openssl >/dev/null 2>&1; then
	echo "   skipped: openssl is not installed (sh tools/deps.sh)"
elif [ ! -s "$B/letters-1000.xml" ]; then
	echo "   skipped: the 1,000-agency plan of section 5 was not made"
else
	rm -rf "$SG"
	mkdir -p "$SG/pki" "$SG/hsm"
	if ! "$VBGEN" -q letters "$B/letters-1000.xml" -o "$SG/letters" >"$SG/letters.log" 2>&1; then
		echo "   skipped: vbgen letters failed: $(head -n 1 "$SG/letters.log")"
	else
		sg_n=$(find "$SG/letters" -name '*.pdf' | wc -l)
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$SG/pki/key.pem" -out "$SG/pki/cert.pem" \
			-days 2 -utf8 -subj "/CN=Lê Văn Bench/O=UBND huyện Bench/C=VN" 2>/dev/null &&
			openssl pkcs12 -export -inkey "$SG/pki/key.pem" -in "$SG/pki/cert.pem" \
				-out "$SG/pki/signer.p12" -passout pass:bench 2>/dev/null
		printf 'bench\n' >"$SG/pki/pin"
		printf '   %-34s %8s %10s %10s %9s\n' "" files "wall ms" "ms/letter" "peak MiB"
		sign_case() {
			sc_label=$1
			shift
			rm -rf "$SG/out"
			if measure "$VBGEN" -q sign "$SG/letters" --field receiver -o "$SG/out" "$@"; then
				sc_n=$(find "$SG/out" -name '*.pdf' | wc -l)
				printf '   %-34s %8s %10s %10s %9s\n' "$sc_label" "$sc_n" "$M_MS" \
					"$(calc '%.2f' "$M_MS / $sg_n")" "$(mib "$M_KB")"
				SC_MS=$M_MS
			fi
		}
		SC_MS=
		sign_case "$sg_n letters, PKCS#12 (RSA 2048)" --cert "$SG/pki/signer.p12" \
			--pin-file "$SG/pki/pin"
		p12_ms=$SC_MS
		sg_mod=
		for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/*/softhsm/libsofthsm2.so; do
			[ -f "$m" ] && sg_mod=$m && break
		done
		if [ -n "$sg_mod" ] && command -v softhsm2-util >/dev/null 2>&1 &&
			command -v pkcs11-tool >/dev/null 2>&1; then
			export SOFTHSM2_CONF="$PWD/$SG/hsm/softhsm2.conf"
			mkdir -p "$SG/hsm/tokens"
			printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
				"$PWD/$SG/hsm/tokens" >"$SOFTHSM2_CONF"
			openssl pkcs8 -topk8 -nocrypt -in "$SG/pki/key.pem" -out "$SG/pki/key.pk8"
			openssl x509 -in "$SG/pki/cert.pem" -outform der -out "$SG/pki/cert.der"
			if softhsm2-util --init-token --free --label bench --so-pin 12345678 --pin 1234 \
				>/dev/null 2>&1 &&
				softhsm2-util --import "$SG/pki/key.pk8" --token bench --label k --id 01 \
					--pin 1234 >/dev/null 2>&1 &&
				pkcs11-tool --module "$sg_mod" --token-label bench --login --pin 1234 \
					--write-object "$SG/pki/cert.der" --type cert --id 01 >/dev/null 2>&1; then
				printf '1234\n' >"$SG/pki/token-pin"
				sign_case "$sg_n letters, token (SoftHSM2)" --pkcs11 "$sg_mod" \
					--pin-file "$SG/pki/token-pin"
			else
				echo "   token case skipped: the SoftHSM2 token could not be made"
			fi
			unset SOFTHSM2_CONF
		fi
		[ -n "$p12_ms" ] && echo "   per letter: reading it, the appearance (text in a font subset)," \
			"hashing, an RSA signature and writing the signed copy; start-up and one PIN" \
			"included"
		rm -rf "$SG/out" "$SG/letters" # about 300 MB: not kept
	fi
fi

# --- scale -------------------------------------------------------------------------------

echo
# 8. Costs against the size of the input: a letter against the number of agencies (1,000,
# 10,000, 100,000), a word without spaces, upper()/lower() of a large text. Its own script,
# so that it can be run alone: sh tools/bench-scale.sh
VBGEN="$VBGEN" sh tools/bench-scale.sh || { [ $? -eq 1 ] && CRASHED=1; }

echo
load1=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Load average at the start: $load0; at the end: $load1"
if echo "$load0 $load1" | awk -v c="$cores" '{ exit !($1 > c - 0.5 || $4 > c - 0.5) }'; then
	echo "   (busy machine: other programs shared the $cores cores, so the times are high and noisy)"
fi
if [ "$CRASHED" -ne 0 ]; then
	echo "bench: something CRASHED (see !! above)"
	exit 1
fi
echo "bench: done (numbers are only reported, never checked)"
exit 0
