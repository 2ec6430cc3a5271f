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
# Uses run.sh's ok and bad; never exits. Names are prefixed lr_: sh has no local scope,
# and layout.sh, sourced into the same shell, owns lt_.

lr_sample=samples/par-index-2023.xml
lr_checker=../shared/checks/nd30check

lr_pages() {
	pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'
}

letters_tests() {
	lr_vbgen=$1
	lr_sx=$2
	lr_dir=build/test-out/letters$( [ -n "$lr_sx" ] && echo -san )
	rm -rf "$lr_dir"
	mkdir -p "$lr_dir"

	# the batch
	"$lr_vbgen" letters "$lr_sample" -o "$lr_dir/out" --print "$lr_dir/print.pdf" -j 2 \
		>"$lr_dir/batch.out" 2>"$lr_dir/batch.err"
	lr_rc=$?
	lr_n=$(grep -c "<agency " "$lr_sample")
	lr_made=$(ls "$lr_dir/out" 2>/dev/null | grep -c '\.pdf$')
	if grep -q "runtime error\|AddressSanitizer" "$lr_dir/batch.err"; then
		bad "letters: batch$lr_sx" "sanitizer finding, see $lr_dir/batch.err"
	elif [ "$lr_rc" -eq 0 ] && [ "$lr_made" -eq "$lr_n" ] &&
		grep -q "wrote $lr_n letters" "$lr_dir/batch.out"; then
		ok "letters: one PDF per agency ($lr_made)$lr_sx"
	else
		bad "letters: one PDF per agency$lr_sx" "exit $lr_rc, $lr_made of $lr_n files: $(head -c 300 "$lr_dir/batch.err")"
	fi

	# each letter lists exactly its agency's tasks
	if python3 tests/letters/check_letters.py "$lr_sample" "$lr_dir/out" >"$lr_dir/tasks.out" 2>&1; then
		ok "letters: each lists exactly the tasks its agency leads or supports$lr_sx"
	else
		bad "letters: tasks$lr_sx" "$(head -n 3 "$lr_dir/tasks.out" | tr '\n' ' ')"
	fi

	# the print file: two copies by default
	lr_sum=0
	for f in "$lr_dir"/out/*.pdf; do
		lr_sum=$((lr_sum + $(lr_pages "$f")))
	done
	lr_print=$(lr_pages "$lr_dir/print.pdf")
	if [ "$lr_print" = "$((2 * lr_sum))" ]; then
		ok "letters: the print file has 2 x the letters' pages ($lr_print)$lr_sx"
	else
		bad "letters: print file$lr_sx" "$lr_print pages, expected 2 x $lr_sum"
	fi

	# --duplex --copies 1: each letter padded to an even number of pages
	"$lr_vbgen" -q letters "$lr_sample" -o "$lr_dir/dup" --print "$lr_dir/duplex.pdf" \
		--copies 1 --duplex -j 1 >/dev/null 2>&1
	lr_even=0
	for f in "$lr_dir"/dup/*.pdf; do
		p=$(lr_pages "$f")
		lr_even=$((lr_even + p + p % 2))
	done
	if [ "$(lr_pages "$lr_dir/duplex.pdf")" = "$lr_even" ]; then
		ok "letters: --duplex starts every copy on a new sheet ($lr_even pages)$lr_sx"
	else
		bad "letters: --duplex$lr_sx" "$(lr_pages "$lr_dir/duplex.pdf") pages, expected $lr_even"
	fi
	if mutool show "$lr_dir/duplex.pdf" outline 2>/dev/null | grep -q "Phòng Nội vụ"; then
		ok "letters: the print file has a bookmark per agency$lr_sx"
	else
		bad "letters: print file bookmarks$lr_sx" "no bookmark 'Phòng Nội vụ'"
	fi

	# --agency
	"$lr_vbgen" -q letters "$lr_sample" -o "$lr_dir/one" --agency phong-noi-vu --agency xa-cam-tuyen \
		>/dev/null 2>&1
	if [ "$(ls "$lr_dir/one" | tr '\n' ' ')" = "phong-noi-vu.pdf xa-cam-tuyen.pdf " ]; then
		ok "letters: --agency makes only the named letters$lr_sx"
	else
		bad "letters: --agency$lr_sx" "made: $(ls "$lr_dir/one" | tr '\n' ' ')"
	fi
	"$lr_vbgen" -q letters "$lr_sample" -o "$lr_dir/none" --agency phong-khong-co >/dev/null 2>"$lr_dir/unknown.err"
	lr_rc=$?
	if [ "$lr_rc" -eq 2 ] && grep -q "phong-khong-co" "$lr_dir/unknown.err" && [ ! -e "$lr_dir/none/phong-khong-co.pdf" ]; then
		ok "letters: an unknown --agency is a usage error (2)$lr_sx"
	else
		bad "letters: unknown --agency$lr_sx" "exit $lr_rc"
	fi

	# a task moved from one agency to another moves between their letters
	sed 's|<task id="t03" section="chi-dao-dieu-hanh" lead="phong-noi-vu"|<task id="t03" section="chi-dao-dieu-hanh" lead="phong-tu-phap"|' \
		"$lr_sample" >"$lr_dir/moved.xml"
	"$lr_vbgen" -q letters "$lr_dir/moved.xml" -o "$lr_dir/moved" >/dev/null 2>&1
	if grep -q 'lead="phong-tu-phap"' "$lr_dir/moved.xml" &&
		python3 tests/letters/check_letters.py "$lr_dir/moved.xml" "$lr_dir/moved" >"$lr_dir/moved.out" 2>&1 &&
		! python3 tests/letters/check_letters.py "$lr_sample" "$lr_dir/moved" >/dev/null 2>&1; then
		ok "letters: a task moved to another agency moves between their letters$lr_sx"
	else
		bad "letters: moved task$lr_sx" "$(head -n 2 "$lr_dir/moved.out" | tr '\n' ' ')"
	fi

	# one failing letter does not stop the others (the head's name is in no other letter)
	sed 's|<name>Lê Văn Hùng</name>|<name>Lê Văn Hùng 中</name>|' "$lr_sample" >"$lr_dir/glyph.xml"
	"$lr_vbgen" -q letters "$lr_dir/glyph.xml" -o "$lr_dir/glyph" -j 2 >"$lr_dir/glyph.out" 2>"$lr_dir/glyph.err"
	lr_rc=$?
	lr_made=$(ls "$lr_dir/glyph" 2>/dev/null | grep -c '\.pdf$')
	if [ "$lr_rc" -eq 1 ] && [ "$lr_made" -eq $((lr_n - 1)) ] && [ ! -e "$lr_dir/glyph/phong-tu-phap.pdf" ] &&
		grep -q "phong-tu-phap.*was not made.*U+4E2D" "$lr_dir/glyph.err" &&
		[ -z "$(ls -a "$lr_dir/glyph" | grep tmp)" ]; then
		ok "letters: a failing letter is listed with its reason, the others are written (exit 1)$lr_sx"
	else
		bad "letters: failing letter$lr_sx" "exit $lr_rc, $lr_made files; $(grep -v note "$lr_dir/glyph.err" | head -n 2 | tr '\n' ' ')"
	fi

	# killed midway: only complete files remain
	if [ -z "$lr_sx" ]; then
		python3 tools/synth.py --agencies 300 "$lr_dir/big.xml" >/dev/null 2>&1
		"$lr_vbgen" -q letters "$lr_dir/big.xml" -o "$lr_dir/killed" -j 2 >/dev/null 2>&1 &
		lr_pid=$!
		sleep 0.4
		kill -TERM "$lr_pid" 2>/dev/null
		wait "$lr_pid" 2>/dev/null
		sleep 0.2
		lr_bad=""
		for f in "$lr_dir"/killed/*.pdf; do
			[ -e "$f" ] || continue
			pdfinfo "$f" >/dev/null 2>&1 || lr_bad="$lr_bad $f"
		done
		lr_tmp=$(ls -a "$lr_dir/killed" 2>/dev/null | grep -c 'tmp-')
		if [ -z "$lr_bad" ] && [ "$lr_tmp" -eq 0 ]; then
			ok "letters: a killed batch leaves only complete files ($(ls "$lr_dir/killed" 2>/dev/null | wc -l) written)"
		else
			bad "letters: killed batch" "incomplete:$lr_bad; $lr_tmp temporary files left"
		fi
	fi

	# a plan without <commitments>: `letters` says what is missing; `all` makes the rest
	python3 -c "import re,sys; s=open(sys.argv[1]).read(); open(sys.argv[2],'w').write(re.sub(r'<commitments>.*?</commitments>', '', s, flags=re.S))" \
		"$lr_sample" "$lr_dir/nocom.xml"
	"$lr_vbgen" -q letters "$lr_dir/nocom.xml" -o "$lr_dir/nocom" >/dev/null 2>"$lr_dir/nocom.err"
	lr_rc=$?
	"$lr_vbgen" -q all "$lr_dir/nocom.xml" -o "$lr_dir/nocom-all" >/dev/null 2>"$lr_dir/nocom-all.err"
	lr_rc2=$?
	if [ "$lr_rc" -eq 1 ] && grep -q "no <commitments>" "$lr_dir/nocom.err" && [ ! -e "$lr_dir/nocom" ] &&
		[ "$lr_rc2" -eq 0 ] && [ -s "$lr_dir/nocom-all/plan.pdf" ] && [ ! -e "$lr_dir/nocom-all/letters" ] &&
		grep -q "warning: .*no commitment letters" "$lr_dir/nocom-all.err"; then
		ok "letters: a plan without <commitments> is told so; vbgen all makes the rest$lr_sx"
	else
		bad "letters: plan without <commitments>$lr_sx" "letters exit $lr_rc, all exit $lr_rc2: $(head -c 200 "$lr_dir/nocom.err")"
	fi

	# vbgen all
	"$lr_vbgen" -q all "$lr_sample" -o "$lr_dir/all" >/dev/null 2>&1
	lr_rc=$?
	lr_missing=""
	for f in plan.pdf appendix.pdf appendix.csv letters-print.pdf letters/phong-noi-vu.pdf; do
		[ -s "$lr_dir/all/$f" ] || lr_missing="$lr_missing $f"
	done
	if [ "$lr_rc" -eq 0 ] && [ -z "$lr_missing" ]; then
		ok "letters: vbgen all writes every document$lr_sx"
	else
		bad "letters: vbgen all$lr_sx" "exit $lr_rc, missing:$lr_missing"
	fi

	# both samples read as the records office expects (tests/letters/check_reading.py):
	# each task once, no agency its own partner, titles and headers of every kind of
	# body, places, no number split at its slash, notes in their own column
	for lr_s in samples/*.xml; do
		lr_b=$(basename "$lr_s" .xml)
		"$lr_vbgen" -q all "$lr_s" -o "$lr_dir/read-$lr_b" >/dev/null 2>"$lr_dir/read-$lr_b.err"
		if python3 tests/letters/check_reading.py "$lr_s" "$lr_dir/read-$lr_b" >"$lr_dir/read-$lr_b.out" 2>&1; then
			ok "letters: $lr_b reads right ($(tail -n 1 "$lr_dir/read-$lr_b.out"))$lr_sx"
		else
			bad "letters: $lr_b reads right$lr_sx" "$(grep FAIL "$lr_dir/read-$lr_b.out" | head -n 3 | tr '\n' ' ' | cut -c1-400)"
		fi
	done

	# a draft (no number) dated in February: the letter's basis leaves the number and
	# the day blank and keeps the month's leading zero
	sed 's|<number>[^<]*</number>|<number/>|; s|<date>2023-08-28</date>|<date>2024-02-05</date>|' \
		"$lr_sample" >"$lr_dir/draft.xml"
	"$lr_vbgen" -q letters "$lr_dir/draft.xml" -o "$lr_dir/draft" --agency phong-noi-vu >/dev/null 2>&1
	lr_basis=$(pdftotext "$lr_dir/draft/phong-noi-vu.pdf" - 2>/dev/null | tr '\n' ' ' | grep -o 'Căn cứ Kế hoạch số[^/]*/KH-UBND ngày[^/]*/[0-9]*/2024')
	if printf '%s' "$lr_basis" | grep -q 'số[  ]*/KH-UBND ngày[  ]*/02/2024'; then
		ok "letters: a draft's basis reads '$lr_basis'$lr_sx"
	else
		bad "letters: a draft's basis$lr_sx" "reads '$lr_basis'"
	fi

	# the complete example of docs/plan-format.md is valid, without a warning, and makes
	# every document (the docs and vbgen agree)
	python3 -c "import re,sys; s=open('docs/plan-format.md').read(); i=s.index('## A complete small example'); print(re.search(r'\x60\x60\x60xml\n(.*?)\x60\x60\x60', s[i:], re.S).group(1), end='')" >"$lr_dir/example.xml"
	"$lr_vbgen" check "$lr_dir/example.xml" >"$lr_dir/example.out" 2>"$lr_dir/example.err"
	lr_rc=$?
	lr_said=$(sed -n 's/^`example.xml: \(valid plan: .*\)`\.$/\1/p' docs/plan-format.md)
	if [ "$lr_rc" -eq 0 ] && ! grep -q "warning\|error" "$lr_dir/example.err" &&
		grep -qF "$lr_said" "$lr_dir/example.out" && [ -n "$lr_said" ] &&
		"$lr_vbgen" -q all "$lr_dir/example.xml" -o "$lr_dir/example" >/dev/null 2>&1; then
		ok "letters: the example of docs/plan-format.md is valid, as the docs say$lr_sx"
	else
		bad "letters: the docs' example$lr_sx" "exit $lr_rc: $(head -c 300 "$lr_dir/example.err") / said '$lr_said', got '$(cat "$lr_dir/example.out")'"
	fi

	# the records office's checker on every document of every sample: the plan with and
	# without its appendix, the appendix, every letter (two at a time)
	if [ -z "$lr_sx" ] && [ -f "$lr_checker" ]; then
		for lr_s in samples/*.xml; do
			lr_b=$(basename "$lr_s" .xml)
			"$lr_vbgen" -q plan "$lr_s" --no-appendix -o "$lr_dir/read-$lr_b/plan-no-appendix.pdf" >/dev/null 2>&1
			{
				echo "plan $lr_dir/read-$lr_b/plan.pdf"
				echo "plan $lr_dir/read-$lr_b/plan-no-appendix.pdf"
				echo "appendix $lr_dir/read-$lr_b/appendix.pdf"
				for f in "$lr_dir/read-$lr_b"/letters/*.pdf; do echo "letter $f"; done
			} >"$lr_dir/nd30-$lr_b.list"
			lr_nd=$(wc -l <"$lr_dir/nd30-$lr_b.list")
			lr_fail=$(xargs -P 2 -L 1 sh -c 'python3 "$0" --quiet --kind "$1" "$2" >/dev/null 2>&1 || echo "$2"' "$lr_checker" <"$lr_dir/nd30-$lr_b.list")
			if [ -z "$lr_fail" ]; then
				ok "letters: nd30check passes on all $lr_nd documents of $lr_b"
			else
				bad "letters: nd30check on $lr_b" "$(printf '%s\n' $lr_fail | head -n 3 | while read -r f; do printf '%s: %s ' "$(basename "$f")" "$(python3 "$lr_checker" --quiet --kind "$(grep -F "$f" "$lr_dir/nd30-$lr_b.list" | cut -d' ' -f1)" "$f" | grep FAIL | head -n 1)"; done)"
			fi
		done
	elif [ -z "$lr_sx" ]; then
		ok "letters: nd30check on both samples skipped (../shared/checks/nd30check is not in this clone)"
	fi

	# the records office's checker on every letter
	if [ -z "$lr_sx" ]; then
		if [ -f "$lr_checker" ]; then
			lr_fail=""
			for f in "$lr_dir"/out/*.pdf; do
				lr_res=$(python3 "$lr_checker" --kind letter --quiet "$f" 2>&1) ||
					lr_fail="$lr_fail $(basename "$f"): $(printf '%s\n' "$lr_res" | grep FAIL | head -n 1)"
			done
			if [ -z "$lr_fail" ]; then
				ok "letters: nd30check --kind letter passes on all $lr_n sample letters"
			else
				bad "letters: nd30check" "$lr_fail"
			fi
		else
			ok "letters: nd30check skipped (../shared/checks/nd30check is not in this clone)"
		fi
	fi
}
