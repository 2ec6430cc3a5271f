#!/bin/sh
# bench-scale.sh - costs that must not grow faster than the work (issue 9, 11-13); run by
# `make bench` (tools/bench.sh, section 8) or alone: sh tools/bench-scale.sh
#
#   1. A letter against the number of agencies: plans of 1,000, 10,000 and 100,000
#      agencies (tools/synth.py --busy 100: the first 100 agencies have 11 tasks each, the
#      same letters whatever the plan's size). The cost of a letter is the difference
#      between making 41 letters and making 1, over 40, so that reading the plan (which
#      does grow with it) is left out: wall time and CPU time (user + system, steadier on
#      a shared machine), medians of BENCH_SCALE_RUNS runs (default 3), and the ratio to
#      the 1,000-agency plan's.
#   2. A word without spaces of 5,000 to 100,000 characters in a task (vbgen appendix).
#   3. upper() and lower() of a large text: a template that takes both of a plan's
#      whole text, 1.4 MB (--templates), against the same template without them.
#
# It only reports: no timing is a failure. Exits 2 when vbgen is missing, 1 when a run
# crashed. Environment: VBGEN (default ./vbgen), BENCH_SCALE_RUNS.
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
VBGEN=${VBGEN:-./vbgen}
RUNS=${BENCH_SCALE_RUNS:-3}
B=build/bench/scale
mkdir -p "$B" || exit 2
[ -x "$VBGEN" ] || { echo "bench-scale: $VBGEN is missing: run make first" >&2; exit 2; }
cp "$VBGEN" "$B/vbgen" || exit 2
VBGEN=$B/vbgen

# run.py RUNS CMD...: median wall and CPU milliseconds of RUNS runs ("WALL CPU"); exit 1
# when a run failed, with its status and the first lines of its messages on stderr.
cat >"$B/run.py" <<'PY'
import os, resource, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
walls, cpus = [], []
for _ in range(runs):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.monotonic()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.stderr.write("   !! exit %d: %s\n   !!   %s\n" % (p.returncode, " ".join(cmd),
                         p.stderr.decode("utf-8", "replace").splitlines()[:1]))
        sys.exit(3 if p.returncode < 0 else 1)
    walls.append((t1 - t0) * 1000)
    cpus.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
med = lambda v: sorted(v)[len(v) // 2]
print("%.1f %.1f" % (med(walls), med(cpus)))
PY
CRASHED=0
measure() {
	out=$(python3 "$B/run.py" "$RUNS" "$@")
	rc=$?
	[ $rc -eq 3 ] && CRASHED=1
	[ $rc -eq 0 ] && echo "$out" || echo "- -"
}
calc() { awk "BEGIN { v = $2; printf \"$1\", v }" 2>/dev/null || printf '-'; }

echo "8a. A letter against the number of agencies (vbgen letters -j 1; 41 letters minus 1, over 40)"
printf '   %-9s %12s %12s %14s %14s %10s\n' agencies "1 letter ms" "41 letters" "ms/letter wall" \
	"ms/letter CPU" "CPU vs 1k"
base=
for n in 1000 10000 100000; do
	plan=$B/letters-$n.xml
	if [ ! -s "$plan" ] || [ tools/synth.py -nt "$plan" ]; then
		python3 tools/synth.py --seed 4 --agencies "$n" --tasks-per-agency 11 --busy 100 \
			"$plan" || exit 2
	fi
	ids=$(grep -o '<agency id="[^"]*"' "$plan" | head -n 41 | cut -d'"' -f2 |
		sed 's/^/--agency /' | tr '\n' ' ')
	first=$(echo "$ids" | cut -d' ' -f1-2)
	rm -rf "$B/out"
	# shellcheck disable=SC2086
	set -- $(measure "$VBGEN" letters "$plan" -q -j 1 -o "$B/out" $first) \
		$(measure "$VBGEN" letters "$plan" -q -j 1 -o "$B/out" $ids)
	wall=$(calc '%.2f' "($3 - $1) / 40")
	cpu=$(calc '%.2f' "($4 - $2) / 40")
	[ -z "$base" ] && base=$cpu
	printf '   %-9s %12s %12s %14s %14s %10s\n' "$n" "$1" "$3" "$wall" "$cpu" \
		"$(calc '%.2fx' "$cpu / $base")"
done
rm -rf "$B/out"

echo "8b. A word without spaces in a task (vbgen appendix; the whole run)"
printf '   %-12s %10s %10s\n' characters "wall ms" "CPU ms"
for n in 5000 10000 20000 100000; do
	plan=$B/word-$n.xml
	python3 - "$n" "$plan" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
s = open("tests/check/ok-minimal.xml", encoding="utf-8").read()
s = s.replace("<text>Theo dõi việc giải quyết hồ sơ</text>", "<text>%s</text>" % ("a" * n), 1)
open(out, "w", encoding="utf-8").write(s)
PY
	set -- $(measure "$VBGEN" appendix "$plan" -q -o "$B/word.pdf")
	printf '   %-12s %10s %10s\n' "$n" "$1" "$2"
done

echo "8c. upper() and lower() of a plan's whole text (a template writing both)"
plan=$B/text-1000.xml
if [ ! -s "$plan" ] || [ tools/synth.py -nt "$plan" ]; then
	python3 tools/synth.py --seed 4 --agencies 1000 --tasks-per-agency 11 "$plan" || exit 2
fi
mkdir -p "$B/templates"
cat >"$B/templates/plan.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<template>
  <import template="common"/>
  <page name="p" size="A4" orientation="portrait" top="20mm" bottom="20mm" left="30mm" right="15mm"/>
  <style name="body" parent="base" size="14"/>
  <document page="p">
    <if test="string-length(upper(/plan)) + string-length(lower(/plan)) &lt; 0"><p style="body">x</p></if>
    <p style="body">upper and lower</p>
  </document>
</template>
XML
chars=$(wc -c <"$plan")
set -- $(measure "$VBGEN" plan "$plan" -q --no-appendix --templates "$B/templates" -o "$B/case.pdf")
sed 's|upper(/plan)|/plan|; s|lower(/plan)|/plan|' "$B/templates/plan.xml" >"$B/plain.xml"
mkdir -p "$B/plain"
mv "$B/plain.xml" "$B/plain/plan.xml"
set -- "$@" $(measure "$VBGEN" plan "$plan" -q --no-appendix --templates "$B/plain" -o "$B/case.pdf")
echo "   a plan of $chars bytes: $1 ms wall, $2 ms CPU; without upper() and lower(): $3 ms," \
	"$4 ms CPU"
exit $CRASHED
