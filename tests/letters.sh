# letters.sh - end-to-end tests of the commitment letters, sourced by tests/run.sh.
#
#   letters_tests VBGEN SUFFIX
#
#   batch        `vbgen letters` writes one PDF per agency and says how many
#   tasks        each letter lists exactly the tasks its agency leads or supports
#   moved task   a task moved from one agency to another moves between their letters
#   print file   2 copies of every letter by default; --duplex pads each copy to even
#   --agency     only the named letters; an unknown id is a usage error (2)
#   failure      a letter whose agency name has a character missing from the font fails
#                alone: the others are written, the failure is listed, exit status 1
#   killed       a batch killed midway leaves only complete files, no temporary ones
#   all          `vbgen all` writes every document
#   nd30check    every sample letter passes the Decree 30 checker (when ../shared exists)
# Uses run.sh's ok and bad; never exits. Names are prefixed lt_ (sh has no local scope).

lt_sample=samples/par-index-2023.xml
lt_checker=../shared/checks/nd30check

lt_pages() {
	pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'
}

letters_tests() {
	lt_vbgen=$1
	lt_sx=$2
	lt_dir=build/test-out/letters$( [ -n "$lt_sx" ] && echo -san )
	rm -rf "$lt_dir"
	mkdir -p "$lt_dir"

	# the batch
	"$lt_vbgen" letters "$lt_sample" -o "$lt_dir/out" --print "$lt_dir/print.pdf" -j 2 \
		>"$lt_dir/batch.out" 2>"$lt_dir/batch.err"
	lt_rc=$?
	lt_n=$(grep -c "<agency " "$lt_sample")
	lt_made=$(ls "$lt_dir/out" 2>/dev/null | grep -c '\.pdf$')
	if grep -q "runtime error\|AddressSanitizer" "$lt_dir/batch.err"; then
		bad "letters: batch$lt_sx" "sanitizer finding, see $lt_dir/batch.err"
	elif [ "$lt_rc" -eq 0 ] && [ "$lt_made" -eq "$lt_n" ] &&
		grep -q "wrote $lt_n letters" "$lt_dir/batch.out"; then
		ok "letters: one PDF per agency ($lt_made)$lt_sx"
	else
		bad "letters: one PDF per agency$lt_sx" "exit $lt_rc, $lt_made of $lt_n files: $(head -c 300 "$lt_dir/batch.err")"
	fi

	# each letter lists exactly its agency's tasks
	if python3 tests/letters/check_letters.py "$lt_sample" "$lt_dir/out" >"$lt_dir/tasks.out" 2>&1; then
		ok "letters: each lists exactly the tasks its agency leads or supports$lt_sx"
	else
		bad "letters: tasks$lt_sx" "$(head -n 3 "$lt_dir/tasks.out" | tr '\n' ' ')"
	fi

	# the print file: two copies by default
	lt_sum=0
	for f in "$lt_dir"/out/*.pdf; do
		lt_sum=$((lt_sum + $(lt_pages "$f")))
	done
	lt_print=$(lt_pages "$lt_dir/print.pdf")
	if [ "$lt_print" = "$((2 * lt_sum))" ]; then
		ok "letters: the print file has 2 x the letters' pages ($lt_print)$lt_sx"
	else
		bad "letters: print file$lt_sx" "$lt_print pages, expected 2 x $lt_sum"
	fi

	# --duplex --copies 1: each letter padded to an even number of pages
	"$lt_vbgen" -q letters "$lt_sample" -o "$lt_dir/dup" --print "$lt_dir/duplex.pdf" \
		--copies 1 --duplex -j 1 >/dev/null 2>&1
	lt_even=0
	for f in "$lt_dir"/dup/*.pdf; do
		p=$(lt_pages "$f")
		lt_even=$((lt_even + p + p % 2))
	done
	if [ "$(lt_pages "$lt_dir/duplex.pdf")" = "$lt_even" ]; then
		ok "letters: --duplex starts every copy on a new sheet ($lt_even pages)$lt_sx"
	else
		bad "letters: --duplex$lt_sx" "$(lt_pages "$lt_dir/duplex.pdf") pages, expected $lt_even"
	fi
	if mutool show "$lt_dir/duplex.pdf" outline 2>/dev/null | grep -q "Phòng Nội vụ"; then
		ok "letters: the print file has a bookmark per agency$lt_sx"
	else
		bad "letters: print file bookmarks$lt_sx" "no bookmark 'Phòng Nội vụ'"
	fi

	# --agency
	"$lt_vbgen" -q letters "$lt_sample" -o "$lt_dir/one" --agency phong-noi-vu --agency xa-cam-tuyen \
		>/dev/null 2>&1
	if [ "$(ls "$lt_dir/one" | tr '\n' ' ')" = "phong-noi-vu.pdf xa-cam-tuyen.pdf " ]; then
		ok "letters: --agency makes only the named letters$lt_sx"
	else
		bad "letters: --agency$lt_sx" "made: $(ls "$lt_dir/one" | tr '\n' ' ')"
	fi
	"$lt_vbgen" -q letters "$lt_sample" -o "$lt_dir/none" --agency phong-khong-co >/dev/null 2>"$lt_dir/unknown.err"
	lt_rc=$?
	if [ "$lt_rc" -eq 2 ] && grep -q "phong-khong-co" "$lt_dir/unknown.err" && [ ! -e "$lt_dir/none/phong-khong-co.pdf" ]; then
		ok "letters: an unknown --agency is a usage error (2)$lt_sx"
	else
		bad "letters: unknown --agency$lt_sx" "exit $lt_rc"
	fi

	# a task moved from one agency to another moves between their letters
	sed 's|<task id="t03" section="chi-dao-dieu-hanh" lead="phong-noi-vu"|<task id="t03" section="chi-dao-dieu-hanh" lead="phong-tu-phap"|' \
		"$lt_sample" >"$lt_dir/moved.xml"
	"$lt_vbgen" -q letters "$lt_dir/moved.xml" -o "$lt_dir/moved" >/dev/null 2>&1
	if grep -q 'lead="phong-tu-phap"' "$lt_dir/moved.xml" &&
		python3 tests/letters/check_letters.py "$lt_dir/moved.xml" "$lt_dir/moved" >"$lt_dir/moved.out" 2>&1 &&
		! python3 tests/letters/check_letters.py "$lt_sample" "$lt_dir/moved" >/dev/null 2>&1; then
		ok "letters: a task moved to another agency moves between their letters$lt_sx"
	else
		bad "letters: moved task$lt_sx" "$(head -n 2 "$lt_dir/moved.out" | tr '\n' ' ')"
	fi

	# one failing letter does not stop the others (the head's name is in no other letter)
	sed 's|<name>Lê Văn Hùng</name>|<name>Lê Văn Hùng 中</name>|' "$lt_sample" >"$lt_dir/glyph.xml"
	"$lt_vbgen" -q letters "$lt_dir/glyph.xml" -o "$lt_dir/glyph" -j 2 >"$lt_dir/glyph.out" 2>"$lt_dir/glyph.err"
	lt_rc=$?
	lt_made=$(ls "$lt_dir/glyph" 2>/dev/null | grep -c '\.pdf$')
	if [ "$lt_rc" -eq 1 ] && [ "$lt_made" -eq $((lt_n - 1)) ] && [ ! -e "$lt_dir/glyph/phong-tu-phap.pdf" ] &&
		grep -q "phong-tu-phap.*was not made.*U+4E2D" "$lt_dir/glyph.err" &&
		[ -z "$(ls -a "$lt_dir/glyph" | grep tmp)" ]; then
		ok "letters: a failing letter is listed with its reason, the others are written (exit 1)$lt_sx"
	else
		bad "letters: failing letter$lt_sx" "exit $lt_rc, $lt_made files; $(grep -v note "$lt_dir/glyph.err" | head -n 2 | tr '\n' ' ')"
	fi

	# killed midway: only complete files remain
	if [ -z "$lt_sx" ]; then
		python3 tools/synth.py --agencies 300 "$lt_dir/big.xml" >/dev/null 2>&1
		"$lt_vbgen" -q letters "$lt_dir/big.xml" -o "$lt_dir/killed" -j 2 >/dev/null 2>&1 &
		lt_pid=$!
		sleep 0.4
		kill -TERM "$lt_pid" 2>/dev/null
		wait "$lt_pid" 2>/dev/null
		sleep 0.2
		lt_bad=""
		for f in "$lt_dir"/killed/*.pdf; do
			[ -e "$f" ] || continue
			pdfinfo "$f" >/dev/null 2>&1 || lt_bad="$lt_bad $f"
		done
		lt_tmp=$(ls -a "$lt_dir/killed" 2>/dev/null | grep -c 'tmp-')
		if [ -z "$lt_bad" ] && [ "$lt_tmp" -eq 0 ]; then
			ok "letters: a killed batch leaves only complete files ($(ls "$lt_dir/killed" 2>/dev/null | wc -l) written)"
		else
			bad "letters: killed batch" "incomplete:$lt_bad; $lt_tmp temporary files left"
		fi
	fi

	# a plan without <commitments>: `letters` says what is missing; `all` makes the rest
	python3 -c "import re,sys; s=open(sys.argv[1]).read(); open(sys.argv[2],'w').write(re.sub(r'<commitments>.*?</commitments>', '', s, flags=re.S))" \
		"$lt_sample" "$lt_dir/nocom.xml"
	"$lt_vbgen" -q letters "$lt_dir/nocom.xml" -o "$lt_dir/nocom" >/dev/null 2>"$lt_dir/nocom.err"
	lt_rc=$?
	"$lt_vbgen" -q all "$lt_dir/nocom.xml" -o "$lt_dir/nocom-all" >/dev/null 2>"$lt_dir/nocom-all.err"
	lt_rc2=$?
	if [ "$lt_rc" -eq 1 ] && grep -q "no <commitments>" "$lt_dir/nocom.err" && [ ! -e "$lt_dir/nocom" ] &&
		[ "$lt_rc2" -eq 0 ] && [ -s "$lt_dir/nocom-all/plan.pdf" ] && [ ! -e "$lt_dir/nocom-all/letters" ] &&
		grep -q "warning: .*no commitment letters" "$lt_dir/nocom-all.err"; then
		ok "letters: a plan without <commitments> is told so; vbgen all makes the rest$lt_sx"
	else
		bad "letters: plan without <commitments>$lt_sx" "letters exit $lt_rc, all exit $lt_rc2: $(head -c 200 "$lt_dir/nocom.err")"
	fi

	# vbgen all
	"$lt_vbgen" -q all "$lt_sample" -o "$lt_dir/all" >/dev/null 2>&1
	lt_rc=$?
	lt_missing=""
	for f in plan.pdf appendix.pdf appendix.csv letters-print.pdf letters/phong-noi-vu.pdf; do
		[ -s "$lt_dir/all/$f" ] || lt_missing="$lt_missing $f"
	done
	if [ "$lt_rc" -eq 0 ] && [ -z "$lt_missing" ]; then
		ok "letters: vbgen all writes every document$lt_sx"
	else
		bad "letters: vbgen all$lt_sx" "exit $lt_rc, missing:$lt_missing"
	fi

	# the records office's checker on every letter
	if [ -z "$lt_sx" ]; then
		if [ -f "$lt_checker" ]; then
			lt_fail=""
			for f in "$lt_dir"/out/*.pdf; do
				lt_res=$(python3 "$lt_checker" --kind letter --quiet "$f" 2>&1) ||
					lt_fail="$lt_fail $(basename "$f"): $(printf '%s\n' "$lt_res" | grep FAIL | head -n 1)"
			done
			if [ -z "$lt_fail" ]; then
				ok "letters: nd30check --kind letter passes on all $lt_n sample letters"
			else
				bad "letters: nd30check" "$lt_fail"
			fi
		else
			ok "letters: nd30check skipped (../shared/checks/nd30check is not in this clone)"
		fi
	fi
}
