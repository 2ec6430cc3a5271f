#!/bin/sh
# run.sh - the appendix and table-engine tests.
#
#   sh tests/appendix/run.sh [VBGEN]        (default ./vbgen; run from anywhere)
#
# Generates its big inputs into build/appendix/ (tests/appendix/gen_plan.py, fixed seeds),
# then checks, printing "ok" or "FAIL" per test and "N passed, N failed" last; exits 1
# when anything failed. Works with the sanitizer build too (VBGEN=build/vbgen-san): any
# sanitizer report is a failure.
#
#   sample      the sample's appendix: nd30check --kind appendix (when mutool is there),
#               check_dump.py on its layout (58 tasks, names, header on every page, no
#               text outside its cell or the margins), check_csv.py on its CSV
#   plan        the appendix pages of `vbgen plan` are those of `vbgen appendix`
#   500         500 tasks with cells of 1..30 lines: check_dump.py, check_csv.py
#   tall        rows taller than a page: split between lines, and only those
#   two         two appendices: "Phụ lục I" and "Phụ lục II", numbers restarting
#   errors      template mistakes in tables and <let> are reported with their line
#   usage       --csv with another command is a usage error

cd "$(dirname "$0")/../.." || exit 2
VBGEN=${1:-./vbgen}
T=tests/appendix
B=build/appendix
PASS=0
FAIL=0
export LC_ALL=C.UTF-8
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}"
mkdir -p "$B" || exit 2

ok() { PASS=$((PASS + 1)); echo "ok    appendix $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL  appendix $1${2:+: $2}"; }

# run NAME ARGS...: vbgen with stdout to $B/NAME.out, stderr to $B/NAME.err; fails on a
# non-zero exit or a sanitizer report.
run() {
	name=$1
	shift
	"$VBGEN" "$@" >"$B/$name.out" 2>"$B/$name.err"
	rc=$?
	if grep -q "runtime error\|ERROR: AddressSanitizer\|ERROR: LeakSanitizer" "$B/$name.err"; then
		bad "$name" "sanitizer report in $B/$name.err"
		return 1
	elif [ $rc -ne 0 ]; then
		bad "$name" "vbgen exited $rc: $(head -n 2 "$B/$name.err")"
		return 1
	fi
	return 0
}

# check NAME COMMAND...: a checker script's verdict, its last lines shown on failure.
check() {
	name=$1
	shift
	if "$@" >"$B/$name.check" 2>&1; then
		ok "$name ($(tail -n 2 "$B/$name.check" | head -n 1 | sed 's/^check_[a-z]*: //'))"
	else
		bad "$name" "$(grep -m 3 FAIL "$B/$name.check" | tr '\n' ' ')"
	fi
}

python3 $T/gen_plan.py --tasks 500 --lines 1-30 --seed 1 $B/tasks-500.xml &&
	python3 $T/gen_plan.py --tasks 40 --lines 1-10 --tall 4 --seed 2 $B/tall.xml &&
	python3 $T/gen_plan.py --tasks 30 --lines 1-6 --appendices 2 --seed 4 $B/two.xml ||
	{ echo "FAIL  appendix: cannot generate the inputs"; exit 1; }
S=samples/par-index-2023.xml

# sample
if run sample-pdf appendix $S -o $B/sample.pdf --csv $B/sample.csv -q; then
	if command -v mutool >/dev/null 2>&1 && [ -x ../shared/checks/nd30check ]; then
		check sample-nd30 python3 ../shared/checks/nd30check --kind appendix --quiet $B/sample.pdf
	fi
	check sample-csv python3 $T/check_csv.py $S $B/sample.csv
fi
run sample-dump appendix $S --dump layout -q &&
	check sample-layout python3 $T/check_dump.py --plan $S --tasks 58 $B/sample-dump.out

# plan: the appendix pages follow the plan unchanged
if run plan-dump plan $S --dump layout -q; then
	first=$(grep -n "^page .* number=0$" $B/plan-dump.out | sed -n 2p | cut -d: -f1)
	tail -n +"${first:-1}" $B/plan-dump.out | sed 's/^page [0-9]* /page /' >$B/plan-tail.dump
	sed 's/^page [0-9]* /page /' $B/sample-dump.out >$B/sample-pages.dump
	if [ -n "$first" ] && cmp -s $B/plan-tail.dump $B/sample-pages.dump; then
		ok "plan (its appendix pages are those of vbgen appendix)"
	else
		bad "plan" "the appendix pages of vbgen plan differ from vbgen appendix"
	fi
fi

# 500 tasks, cells of 1..30 lines
run 500-dump appendix $B/tasks-500.xml --dump layout -q &&
	check 500-layout python3 $T/check_dump.py --plan $B/tasks-500.xml --tasks 500 $B/500-dump.out
run 500-csv appendix $B/tasks-500.xml -o $B/tasks-500.pdf --csv $B/tasks-500.csv -q &&
	check 500-csv python3 $T/check_csv.py $B/tasks-500.xml $B/tasks-500.csv

# rows taller than a page
if run tall-dump appendix $B/tall.xml --dump layout -q; then
	check tall-layout python3 $T/check_dump.py --plan $B/tall.xml --tasks 44 $B/tall-dump.out
	if grep -q " [1-9][0-9]* split over pages" $B/tall-layout.check; then
		ok "tall (rows taller than a page are split)"
	else
		bad "tall" "no row was split: the input lost its tall rows?"
	fi
fi

# two appendices
if run two-dump appendix $B/two.xml --dump layout -q; then
	check two-layout python3 $T/check_dump.py --plan $B/two.xml --tasks 30 $B/two-dump.out
	if grep -q "label .*Phụ lục I$" $B/two-dump.out && grep -q "label .*Phụ lục II$" $B/two-dump.out &&
		[ "$(grep -c '^page .* number=0$' $B/two-dump.out)" -eq 2 ]; then
		ok "two (Phụ lục I and II, each from a new page numbered anew)"
	else
		bad "two" "expected 'Phụ lục I', 'Phụ lục II' and two unnumbered first pages"
	fi
fi

# template mistakes: NAME 'FROM' 'TO' 'EXPECTED MESSAGE'
broken() {
	mkdir -p $B/tpl-$1
	python3 -c "
import sys
s = open('templates/appendix.xml', encoding='utf-8').read()
assert sys.argv[1] in s
open(sys.argv[3], 'w', encoding='utf-8').write(s.replace(sys.argv[1], sys.argv[2], 1))" \
		"$2" "$3" $B/tpl-$1/appendix.xml || { bad "errors $1" "cannot make the template"; return; }
	"$VBGEN" --templates $B/tpl-$1 appendix $S -o $B/tpl-$1.pdf -q >/dev/null 2>$B/tpl-$1.err
	rc=$?
	if [ $rc -eq 1 ] && grep -q "appendix.xml:[0-9]*: error: .*$4" $B/tpl-$1.err && [ ! -e $B/tpl-$1.pdf ]; then
		ok "errors $1"
	else
		bad "errors $1" "exit $rc: $(head -n 1 $B/tpl-$1.err)"
	fi
}
broken cells '<cell><call name="deadline"/></cell>' '' 'has 6 cells and its table 7 columns'
broken outside '<p style="title"><value select="title"/></p>' '<row><cell>x</cell></row>' 'stands outside a <table>'
broken inside '<group-row style="group" ' '<p style="group">x</p><group-row style="group" ' 'only <row> and <group-row>'
broken width 'width="18%"' 'width="0%"' 'must be a share'
broken fixed 'width="27mm"' 'width="250mm"' 'fixed column widths add up to 250 mm'
broken let '<let name="section"' '<let name="9"' '<let> needs name'

# usage
"$VBGEN" plan $S --csv $B/x.csv >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ] && [ ! -e $B/x.csv ]; then ok "usage (--csv with plan)"; else bad "usage" "exit $rc"; fi

echo "appendix: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
