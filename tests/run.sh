#!/bin/sh
# run.sh - every test of vbgen, for `make check`.
#
#   sh tests/run.sh VBGEN UNIT [VBGEN_SAN UNIT_SAN]
#
# Runs the unit tests, the regression suite (tests/check/*.xml: expected diagnostics and
# exit status in the matching .out file, mandoc's .out_lint idea; inputs too big to keep in
# the repository are generated into build/testgen first), the layout regression dumps
# (tests/layout/*.dump) and the end-to-end tests on generated PDFs (tests/e2e.sh); then all
# of it again with the sanitizer builds. Prints one line per test and, last,
# "N passed, N failed"; exits 1 when anything failed.
#
# Regenerate expected outputs after a deliberate change with REGEN=1 (then review the diff).

cd "$(dirname "$0")/.." || exit 2
PASS=0
FAIL=0
SKIP=0
export LC_ALL=C.UTF-8
export SOURCE_DATE_EPOCH=1700000000
# Leaks are errors too (one owner frees everything), except inside system libraries
# (tests/lsan.supp). LeakSanitizer cannot run under ptrace (some sandboxes): there the
# sanitizer build still runs, without the leak check, and says so.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}"
if [ -z "$ASAN_OPTIONS" ]; then
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
	if [ -n "$3" ] && "$3" --version 2>&1 | grep -q "LeakSanitizer has encountered a fatal error"; then
		export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0"
		echo "note: LeakSanitizer cannot run here (ptrace?); leak checks are off"
	fi
fi
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
OUT=build/test-out
mkdir -p "$OUT" build/testgen

ok() { PASS=$((PASS + 1)); echo "ok    $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL  $1${2:+: $2}"; }

# prune_runs DIR...: removes the output folders NAME.PID that earlier runs kept, unless
# their process is still running (a failed run's files stay for a look until the next).
prune_runs() {
	for pr_old in "$@"; do
		[ -d "$pr_old" ] || continue
		kill -0 "${pr_old##*.}" 2>/dev/null || rm -rf "$pr_old"
	done
}

# Inputs too large for the repository: made once per run, never committed.
gen_inputs() {
	d=build/testgen
	if [ ! -s $d/huge-text.xml ]; then
		python3 tests/gen_inputs.py $d || bad "generate big inputs"
	fi
}

unit() {
	out=$("$1" 2>&1)
	line=$(printf '%s\n' "$out" | tail -n 1)
	n=$(printf '%s' "$line" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	if [ -z "$n" ]; then
		bad "unit tests ($1)" "crashed or printed no summary"
		printf '%s\n' "$out" | tail -n 20
		return
	fi
	set -- $n
	printf '%s\n' "$out" | grep '^FAIL' | sed 's/^/      /'
	PASS=$((PASS + $1))
	FAIL=$((FAIL + $2))
	echo "ok    unit tests: $1 passed, $2 failed"
}

# One regression case: run the command, compare stdout+stderr and status with .out.
regress_one() {
	vbgen=$1 input=$2 expected=$3 name=$4
	actual="$OUT/$name.actual"
	"$vbgen" check "$input" >"$actual.tmp" 2>&1
	echo "exit: $?" >>"$actual.tmp"
	# sanitizer reports would follow the normal output: any is a failure
	mv "$actual.tmp" "$actual"
	if [ -n "$REGEN" ] && [ "$vbgen" = "$VBGEN" ]; then
		cp "$actual" "$expected"
	fi
	if grep -q "runtime error\|ERROR: AddressSanitizer\|LeakSanitizer" "$actual"; then
		bad "check $name" "sanitizer finding, see $actual"
	elif [ ! -f "$expected" ]; then
		bad "check $name" "no expected output $expected"
	elif cmp -s "$expected" "$actual"; then
		ok "check $name"
	else
		bad "check $name" "output differs:"
		diff "$expected" "$actual" | head -n 10 | sed 's/^/      /'
	fi
}

regress() {
	for f in tests/check/*.xml; do
		[ -e "$f" ] || continue
		regress_one "$1" "$f" "${f%.xml}.out" "$(basename "${f%.xml}")$2"
	done
	for f in build/testgen/*.xml; do
		[ -e "$f" ] || continue
		b=$(basename "${f%.xml}")
		regress_one "$1" "$f" "tests/check-generated/$b.out" "$b$2"
	done
}

# The appendix suite (tests/appendix/run.sh) counts for itself; its totals join ours.
appendix_suite() {
	out=$(sh tests/appendix/run.sh "$1" 2>&1)
	printf '%s\n' "$out" | grep -E '^(ok|FAIL)' | sed "s/\$/$2/"
	n=$(printf '%s\n' "$out" | tail -n 1 | sed -n 's/^appendix: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	if [ -z "$n" ]; then
		bad "appendix suite$2" "printed no summary"
		return
	fi
	set -- $n
	PASS=$((PASS + $1))
	FAIL=$((FAIL + $2))
}

# The signing suite (tests/sign/run.sh) counts for itself; its totals join ours.
sign_suite() {
	out=$(sh tests/sign/run.sh "$1" "build/test-out/sign$3" 2>&1)
	printf '%s\n' "$out" | grep -E '^(ok|FAIL|skip)' | sed "s/\$/$2/"
	n=$(printf '%s\n' "$out" | tail -n 1 | sed -n 's/^sign: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p')
	if [ -z "$n" ]; then
		bad "sign suite$2" "printed no summary"
		printf '%s\n' "$out" | tail -n 5
		return
	fi
	set -- $n
	PASS=$((PASS + $1))
	FAIL=$((FAIL + $2))
	SKIP=$((SKIP + $3))
}

run_suite() {
	vbgen=$1 unitbin=$2 tag=$3
	echo "== $tag"
	unit "$unitbin"
	regress "$vbgen" "$4"
	if [ -f tests/layout.sh ]; then
		. tests/layout.sh
		layout_tests "$vbgen" "$4"
	fi
	if [ -f tests/e2e.sh ]; then
		. tests/e2e.sh
		e2e_tests "$vbgen" "$4"
	fi
	if [ -f tests/appendix/run.sh ]; then
		appendix_suite "$vbgen" "$4"
	fi
	if [ -f tests/letters.sh ]; then
		. tests/letters.sh
		letters_tests "$vbgen" "$4"
	fi
	if [ -f tests/sign/run.sh ]; then
		sign_suite "$vbgen" "$4" "$5"
	fi
}

VBGEN=$1
gen_inputs
run_suite "$1" "$2" "optimised build" "" ""
if [ -n "$3" ] && [ -n "$4" ]; then
	run_suite "$3" "$4" "AddressSanitizer + UndefinedBehaviorSanitizer build" " (asan+ubsan)" -san
fi
if [ "$SKIP" -gt 0 ]; then
	echo "$PASS passed, $FAIL failed, $SKIP skipped"
else
	echo "$PASS passed, $FAIL failed"
fi
[ "$FAIL" -eq 0 ]
