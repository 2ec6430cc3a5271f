#!/bin/sh
# run.sh - `make fuzz`: each fuzz target (tests/fuzz/fuzz_*.c) for FUZZ_TIME seconds.
#
#   FUZZ_TIME=1200 sh tests/fuzz/run.sh [TARGET...]     (from the source tree, after
#                                                        `make fuzz-build`)
#
# Each target starts from its seeds (see below) and the corpus earlier runs kept in
# build/fuzz/corpus/TARGET; in fork mode it goes on after a crash, a leak or a timeout,
# so that one run collects every finding: they go to build/fuzz/findings/TARGET/ (crash-*,
# leak-*, timeout-*, oom-*), and the log to build/fuzz/TARGET.log. Each finding, once
# fixed, becomes a regression input (tests/check/ or a case): see tests/fuzz/README.
# Exits 1 when a target found something in this run (earlier findings stay in the folder
# and are not counted again), 0 when none did.
#
# Environment: FUZZ_TIME (seconds per target, default 60), FUZZ_TIMEOUT (seconds one
# input may take before it counts as a hang, default 10), FUZZ_RSS_MB (memory one input
# may take, default 2048), FUZZ_FLAGS (more libFuzzer options).
cd "$(dirname "$0")/../.." || exit 2
TIME=${FUZZ_TIME:-60}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS=${FUZZ_RSS_MB:-2048}
B=build/fuzz
TARGETS=${*:-fuzz_plan fuzz_template fuzz_layout}
found=0
# LeakSanitizer: fontconfig keeps its configuration for the life of the process.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

for t in $TARGETS; do
	if [ ! -x "$B/$t" ]; then
		echo "fuzz: $B/$t is missing: run make fuzz-build" >&2
		exit 2
	fi
	corpus=$B/corpus/$t
	seeds=$B/seeds/$t
	findings=$B/findings/$t
	rm -rf "$seeds"
	mkdir -p "$corpus" "$seeds" "$findings"
	case $t in
	fuzz_plan)
		cp samples/*.xml tests/check/*.xml "$seeds"/
		dict=tests/fuzz/plan.dict ;;
	fuzz_template)
		cp templates/*.xml tests/fuzz/template-seeds/*.xml "$seeds"/
		dict=tests/fuzz/template.dict ;;
	fuzz_layout)
		cp tests/fuzz/layout-seeds/* "$seeds"/
		dict= ;;
	esac
	echo "fuzz: $t for ${TIME}s (log $B/$t.log, findings $findings/)"
	start=$(date +%s)
	touch "$B/$t.start" # findings of this run: the files newer than this one
	# shellcheck disable=SC2086
	nice "$B/$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time="$TIME" -timeout="$TIMEOUT" -rss_limit_mb="$RSS" \
		-max_len=262144 -artifact_prefix="$findings/" ${dict:+-dict=$dict} \
		$FUZZ_FLAGS "$corpus" "$seeds" >"$B/$t.log" 2>&1
	end=$(date +%s)
	n=$(find "$findings" -type f -newer "$B/$t.start" | wc -l)
	# the last status line: "#RUNS: cov: N ft: N corp: N exec/s N oom/timeout/crash: ..."
	last=$(grep '^#[0-9]*: cov:' "$B/$t.log" | tail -1)
	runs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	rate=$(echo "$last" | sed -n 's/.*exec\/s \([0-9]*\).*/\1/p')
	echo "fuzz: $t ran $((end - start))s, ${runs:-?} inputs (${rate:-?}/s), coverage ${cov:-?}" \
		"edges, $n finding(s) in $findings/"
	[ "$n" -eq 0 ] || found=1
done
exit $found
