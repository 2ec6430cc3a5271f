# e2e.sh - end-to-end tests on the PDFs vbgen writes, sourced by tests/run.sh.
#
#   e2e_tests VBGEN SUFFIX
#
# What a user gets from `vbgen plan` and `vbgen appendix`, read back with the tools a
# reviewer would use (poppler-utils: pdftotext, pdffonts, pdfinfo; mupdf-tools: mutool):
#   text         every sentence of the sample's body, in order, is in the PDF's text
#   fonts        only embedded Times New Roman or Liberation Serif
#   reproducible two runs give the same bytes (SOURCE_DATE_EPOCH is set by run.sh)
#   metadata     Title starts with "Kế hoạch", Author is the issuer, Creator "vbgen VERSION"
#   bookmarks    the outline's top level is the sections I., II., III. of the sample
#   message      `vbgen plan` says where it wrote the file and how many pages, truly
#   draft        an empty <number/> prints "Số:" + blanks + "/KH-UBND" and a blank day
#   nd30check    the Decree 30 checker of ../shared (when this is not a bare clone)
#   bad input    no output file, no temporary file, the right exit status and message
#   png          --png DIR writes one preview per page
#   long heading a bookmark title shortened inside a Vietnamese letter stays valid
# The reference text is the sample's own <body>, not ../shared/seed, which a user's
# clone does not have. Uses run.sh's ok and bad for every test; never exits. Variables
# and helpers are prefixed e2e_ because sh has no local scope and run.sh's own variables
# (vbgen, name, ...) must survive. Outputs go to build/test-out/e2e.PID (e2e-san.PID),
# kept when a test failed and removed otherwise.

e2e_sample=samples/par-index-2023.xml
e2e_checker=../shared/checks/nd30check
# nd30check's one known false alarm: mutool cuts font names after 24 characters, so
# "LiberationSerif-BoldItalic" reads as "LiberationSerif-BoldItal", which it takes for
# not italic. Exactly this rule may fail, and only with that cut name at 12 pt; any
# other failure is a real one. (A basic regular expression for grep.)
e2e_known_fail="^FAIL  'Nơi nhận:' bold italic 12 pt: .*([A-Za-z]*-BoldItal 12)\$"

# Runs a command with stdout, stderr and status in $e2e_dir/NAME.{out,err} and $e2e_rc.
e2e_run() {
	e2e_base=$e2e_dir/$1
	shift
	"$@" >"$e2e_base.out" 2>"$e2e_base.err"
	e2e_rc=$?
}

# The first lines of the last e2e_run's stderr that are not notes, on one line.
e2e_err() {
	grep -v ': note: ' "$e2e_base.err" | head -n 2 | tr '\n' ' '
}

# True when the last e2e_run's stderr holds a sanitizer report (reported as a failure).
e2e_sanitizer() {
	if grep -q "runtime error\|ERROR: AddressSanitizer\|LeakSanitizer" "$e2e_base.err"; then
		bad "$1$e2e_sx" "sanitizer finding, see $e2e_base.err"
		return 0
	fi
	return 1
}

# e2e_need TEST TOOL...: true when every tool is installed; otherwise records the test
# as skipped, naming the missing tool.
e2e_need() {
	e2e_t=$1
	shift
	for e2e_tool in "$@"; do
		if ! command -v "$e2e_tool" >/dev/null 2>&1; then
			ok "$e2e_t$e2e_sx: skipped ($e2e_tool is not installed)"
			return 1
		fi
	done
	return 0
}

# e2e_pdf TEST FILE: true when FILE exists; otherwise the test fails for want of it.
e2e_pdf() {
	[ -s "$2" ] && return 0
	bad "$1$e2e_sx" "no PDF to test: $2 was not written (see the tests before)"
	return 1
}

# Temporary files vbgen left in a folder (out_open() names them .NAME.tmp-XXXXXX).
e2e_temps() {
	find "$1" -maxdepth 1 -name '.*.tmp-*' 2>/dev/null
}

# --- the plan PDF ------------------------------------------------------------------

e2e_test_written() {
	e2e_t="e2e plan writes the PDF and says so"
	e2e_run plan "$e2e_vb" plan "$e2e_sample" -o "$e2e_dir/plan.pdf"
	e2e_sanitizer "$e2e_t" && return
	e2e_pages=$(sed -n "s|^vbgen: wrote $e2e_dir/plan\.pdf (\([0-9][0-9]*\) pages*)\$|\1|p" \
		"$e2e_dir/plan.out")
	if [ $e2e_rc -ne 0 ]; then
		bad "$e2e_t$e2e_sx" "exit $e2e_rc: $(e2e_err)"
	elif [ ! -s "$e2e_dir/plan.pdf" ]; then
		bad "$e2e_t$e2e_sx" "exit 0 but no $e2e_dir/plan.pdf"
	elif [ -z "$e2e_pages" ]; then
		bad "$e2e_t$e2e_sx" "stdout does not say 'vbgen: wrote $e2e_dir/plan.pdf (N pages)': $(cat "$e2e_dir/plan.out")"
	elif [ -n "$(e2e_temps "$e2e_dir")" ]; then
		bad "$e2e_t$e2e_sx" "temporary files left: $(e2e_temps "$e2e_dir")"
	else
		ok "$e2e_t ($e2e_pages pages)$e2e_sx"
	fi
	e2e_need "e2e page count matches pdfinfo" pdfinfo || return
	e2e_pdf "e2e page count matches pdfinfo" "$e2e_dir/plan.pdf" || return
	e2e_n=$(pdfinfo "$e2e_dir/plan.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
	if [ -n "$e2e_pages" ] && [ "$e2e_n" = "$e2e_pages" ]; then
		ok "e2e page count matches pdfinfo ($e2e_n)$e2e_sx"
	else
		bad "e2e page count matches pdfinfo$e2e_sx" "vbgen says '$e2e_pages', pdfinfo '$e2e_n'"
	fi
}

# Every sentence of the sample's body in the PDF's text, in order. Both sides are
# compared in NFC, lower case (headings print in capitals), without white space and
# hyphens (lines break anywhere, also after "165/" or inside "KH-UBND", and bullets add
# "- "); page-number lines are dropped. Sentences are the pieces between ". " and ";"
# of each title, paragraph and item.
e2e_test_text() {
	e2e_t="e2e every sentence of the sample is in the PDF, in order"
	e2e_need "$e2e_t" pdftotext python3 || return
	e2e_pdf "$e2e_t" "$e2e_dir/plan.pdf" || return
	pdftotext -enc UTF-8 "$e2e_dir/plan.pdf" "$e2e_dir/plan.txt" 2>/dev/null
	if e2e_msg=$(python3 - "$e2e_sample" "$e2e_dir/plan.txt" <<'EOF' 2>&1
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET


def norm(s):
    s = unicodedata.normalize("NFC", s).lower()
    return re.sub(r"[\s\u00a0\u00ad\u2010\u2011-]+", "", s)


body = ET.parse(sys.argv[1]).getroot().find("body")
sentences = []
for el in body.iter():
    if el.tag in ("title", "p", "item"):
        text = " ".join("".join(el.itertext()).split())
        sentences += [s.strip() for s in re.split(r"(?<=\.)\s+|;", text) if s.strip()]
with open(sys.argv[2], encoding="utf-8") as f:
    pdf = "".join(line for line in f.read().replace("\f", "\n").splitlines(True)
                  if not line.strip().isdigit())
pdf = norm(pdf)
pos = 0
for n, s in enumerate(sentences, 1):
    i = pdf.find(norm(s), pos)
    if i < 0:
        where = "anywhere" if pdf.find(norm(s)) < 0 else "after the sentence before it"
        print(f"sentence {n} of {len(sentences)} not found {where}: '{s[:70]}'")
        sys.exit(1)
    pos = i + len(norm(s))
print(f"{len(sentences)} sentences")
EOF
	); then
		ok "$e2e_t ($e2e_msg)$e2e_sx"
	else
		bad "$e2e_t$e2e_sx" "$e2e_msg"
	fi
}

# pdffonts: every font embedded, each Times New Roman or Liberation Serif (its metric
# twin) after the subset prefix ABCDEF+.
e2e_test_fonts() {
	e2e_t="e2e only embedded Times New Roman or Liberation Serif"
	e2e_need "$e2e_t" pdffonts python3 || return
	e2e_pdf "$e2e_t" "$e2e_dir/plan.pdf" || return
	pdffonts "$e2e_dir/plan.pdf" >"$e2e_dir/fonts.txt" 2>&1
	if e2e_msg=$(python3 - "$e2e_dir/fonts.txt" <<'EOF' 2>&1
import re
import sys

rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
# the dashes under the heading give the columns (names may hold spaces)
dash = next(i for i, r in enumerate(rows) if r.startswith("---"))
cols = [(m.start(), m.end()) for m in re.finditer(r"-+", rows[dash])]
heads = [rows[dash - 1][a:b + 1].strip() for a, b in cols]
emb = heads.index("emb")
ok = re.compile(r"(LiberationSerif|TimesNewRoman(PS)?|Times New Roman)"
                r"([-,](Bold|Italic|BoldItalic))?(MT)?")
names = []
for r in rows[dash + 1:]:
    if not r.strip():
        continue
    name = r[cols[0][0]:cols[0][1]].strip()
    base = re.sub(r"^[A-Z]{6}\+", "", name)
    if not ok.fullmatch(base):
        print(f"font '{name}' is neither Times New Roman nor Liberation Serif")
        sys.exit(1)
    if r[cols[emb][0]:cols[emb][1] + 1].strip() != "yes":
        print(f"font '{name}' is not embedded")
        sys.exit(1)
    names.append(base)
if not names:
    print("pdffonts lists no font")
    sys.exit(1)
print(", ".join(sorted(set(names))))
EOF
	); then
		ok "$e2e_t ($e2e_msg)$e2e_sx"
	else
		bad "$e2e_t$e2e_sx" "$e2e_msg"
	fi
}

e2e_test_reproducible() {
	e2e_t="e2e two runs give identical bytes"
	e2e_pdf "$e2e_t" "$e2e_dir/plan.pdf" || return
	e2e_run plan2 "$e2e_vb" plan "$e2e_sample" -o "$e2e_dir/plan2.pdf"
	e2e_sanitizer "$e2e_t" && return
	if [ $e2e_rc -ne 0 ]; then
		bad "$e2e_t$e2e_sx" "second run exit $e2e_rc: $(e2e_err)"
	elif cmp -s "$e2e_dir/plan.pdf" "$e2e_dir/plan2.pdf"; then
		ok "$e2e_t$e2e_sx"
	else
		bad "$e2e_t$e2e_sx" "$e2e_dir/plan.pdf and plan2.pdf differ: $(cmp "$e2e_dir/plan.pdf" "$e2e_dir/plan2.pdf" 2>&1 | head -n 1)"
	fi
}

e2e_test_metadata() {
	e2e_t="e2e metadata: title, author, creator"
	e2e_need "$e2e_t" pdfinfo python3 || return
	e2e_pdf "$e2e_t" "$e2e_dir/plan.pdf" || return
	pdfinfo -enc UTF-8 "$e2e_dir/plan.pdf" >"$e2e_dir/info.txt" 2>&1
	e2e_title=$(sed -n 's/^Title: *//p' "$e2e_dir/info.txt")
	e2e_author=$(sed -n 's/^Author: *//p' "$e2e_dir/info.txt")
	e2e_creator=$(sed -n 's/^Creator: *//p' "$e2e_dir/info.txt")
	e2e_issuer=$(python3 -c 'import sys, xml.etree.ElementTree as ET
print(" ".join(ET.parse(sys.argv[1]).getroot().findtext("document/issuer/name").split()))' \
		"$e2e_sample")
	e2e_version=$("$e2e_vb" --version 2>/dev/null)
	case $e2e_title in
	"Kế hoạch"*) ;;
	*)
		bad "$e2e_t$e2e_sx" "Title is '$e2e_title', not 'Kế hoạch...'"
		return
		;;
	esac
	if [ -z "$e2e_issuer" ] || [ "$e2e_author" != "$e2e_issuer" ]; then
		bad "$e2e_t$e2e_sx" "Author is '$e2e_author', not the issuer '$e2e_issuer'"
	elif ! printf '%s\n' "$e2e_version" | grep -q '^vbgen [0-9][0-9.]*'; then
		bad "$e2e_t$e2e_sx" "vbgen --version says '$e2e_version'"
	elif [ "$e2e_creator" != "$e2e_version" ]; then
		bad "$e2e_t$e2e_sx" "Creator is '$e2e_creator', not '$e2e_version'"
	else
		ok "$e2e_t ($e2e_creator)$e2e_sx"
	fi
}

# The outline's top level: one entry per top-level section of the sample, numbered and
# in capitals as printed ("I. MỤC ĐÍCH, YÊU CẦU"), in order; after them only appendices.
e2e_test_bookmarks() {
	e2e_t="e2e bookmarks: sections I., II., III. at the top of the outline"
	e2e_need "$e2e_t" mutool python3 || return
	e2e_pdf "$e2e_t" "$e2e_dir/plan.pdf" || return
	mutool show "$e2e_dir/plan.pdf" outline >"$e2e_dir/outline.txt" 2>&1
	if e2e_msg=$(python3 - "$e2e_sample" "$e2e_dir/outline.txt" <<'EOF' 2>&1
import re
import sys
import xml.etree.ElementTree as ET


def roman(n):
    out = ""
    for v, s in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


body = ET.parse(sys.argv[1]).getroot().find("body")
want = [f"{roman(i)}. " + " ".join(s.findtext("title").split()).upper()
        for i, s in enumerate(body.findall("section"), 1)]
top, inner = [], 0
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r'^[-+|](\t+)"(.*)"\t#', line)
    if not m:
        continue
    if len(m.group(1)) == 1:
        top.append(m.group(2))
    else:
        inner += 1
if top[: len(want)] != want:
    print(f"top level is {top}, expected {want} first")
    sys.exit(1)
extra = [t for t in top[len(want):] if not t.startswith("Phụ lục")]
if extra:
    print(f"unexpected top-level entries {extra}")
    sys.exit(1)
if inner == 0:
    print("no subsections in the outline")
    sys.exit(1)
print(f"{' '.join(t.split('.')[0] + '.' for t in want)} and {inner} subsections")
EOF
	); then
		ok "e2e bookmarks: $e2e_msg$e2e_sx"
	else
		bad "$e2e_t$e2e_sx" "$e2e_msg"
	fi
}

# A draft (dự thảo): the records office fills in the number and the day by hand, so
# both are printed blank (Decree 30: "Số:      /KH-UBND", "ngày     tháng 8 năm 2023").
# pdftotext -layout turns the blank's width into spaces.
e2e_test_draft() {
	e2e_t="e2e draft: blank number and day"
	e2e_need "$e2e_t" pdftotext python3 || return
	sed 's|<number>[^<]*</number>|<number/>|' "$e2e_sample" >"$e2e_dir/draft.xml"
	if ! grep -q '<number/>' "$e2e_dir/draft.xml"; then
		bad "$e2e_t$e2e_sx" "the sample has no <number> to empty"
		return
	fi
	e2e_run draft "$e2e_vb" plan "$e2e_dir/draft.xml" --no-appendix -o "$e2e_dir/draft.pdf"
	e2e_sanitizer "$e2e_t" && return
	if [ $e2e_rc -ne 0 ]; then
		bad "$e2e_t$e2e_sx" "exit $e2e_rc: $(e2e_err)"
		return
	fi
	pdftotext -enc UTF-8 -layout -f 1 -l 1 "$e2e_dir/draft.pdf" "$e2e_dir/draft.txt" 2>/dev/null
	if e2e_msg=$(python3 - "$e2e_dir/draft.txt" "$e2e_sample" <<'EOF' 2>&1
import re
import sys
import xml.etree.ElementTree as ET

text = open(sys.argv[1], encoding="utf-8").read()
doc = ET.parse(sys.argv[2]).getroot().find("document")
symbol = doc.findtext("symbol").strip()
year, month = int(doc.findtext("date")[:4]), int(doc.findtext("date")[5:7])
month = f"{month:02d}" if month <= 2 else str(month)
blank = r"[ \u00a0]{2,}"
number = re.search(r"Số:" + blank + "/" + re.escape(symbol), text)
day = re.search(r"ngày" + blank + f"tháng {month} năm {year}", text)
if not number:
    line = next((l.strip() for l in text.splitlines() if "Số:" in l), "(no 'Số:' line)")
    print(f"no 'Số:' + blanks + '/{symbol}': {line!r}")
    sys.exit(1)
if not day:
    line = next((l.strip() for l in text.splitlines() if "ngày" in l), "(no date line)")
    print(f"no blank day in the date line ('ngày' + blanks + 'tháng {month} năm {year}'): {line!r}")
    sys.exit(1)
print(f"{number.group(0)!r}, {day.group(0)!r}")
EOF
	); then
		ok "$e2e_t: $e2e_msg$e2e_sx"
	else
		bad "$e2e_t$e2e_sx" "$e2e_msg"
	fi
}

# --- the Decree 30 checker ---------------------------------------------------------

# e2e_nd30 KIND PDF: runs the checker; passes when nothing but the known false alarm
# fails.
e2e_nd30() {
	e2e_t="e2e nd30check --kind $1"
	e2e_pdf "$e2e_t" "$2" || return
	if [ -x "$e2e_checker" ]; then
		"$e2e_checker" --kind "$1" "$2" >"$e2e_dir/nd30-$1.txt" 2>&1
	else
		python3 "$e2e_checker" --kind "$1" "$2" >"$e2e_dir/nd30-$1.txt" 2>&1
	fi
	e2e_crc=$?
	e2e_fails=$(grep '^FAIL' "$e2e_dir/nd30-$1.txt" | grep -v "$e2e_known_fail")
	e2e_summary=$(tail -n 1 "$e2e_dir/nd30-$1.txt")
	if [ $e2e_crc -gt 1 ]; then
		bad "$e2e_t$e2e_sx" "the checker could not read the PDF (exit $e2e_crc): $e2e_summary"
	elif [ -n "$e2e_fails" ]; then
		bad "$e2e_t$e2e_sx" "$(printf '%s\n' "$e2e_fails" | head -n 5 | tr '\n' ' ')"
	elif [ $e2e_crc -ne 0 ] && ! grep -q '^FAIL' "$e2e_dir/nd30-$1.txt"; then
		bad "$e2e_t$e2e_sx" "exit $e2e_crc without a FAIL line: $e2e_summary"
	elif grep -q '^FAIL' "$e2e_dir/nd30-$1.txt"; then
		ok "$e2e_t: no failure but the known false alarm ($e2e_summary)$e2e_sx"
	else
		ok "$e2e_t: no failure ($e2e_summary)$e2e_sx"
	fi
}

e2e_test_nd30() {
	if [ ! -e "$e2e_checker" ]; then
		ok "e2e nd30check$e2e_sx: skipped (the checker $e2e_checker is not in this clone)"
		return
	fi
	e2e_need "e2e nd30check" python3 mutool pdffonts || return
	e2e_run noapp "$e2e_vb" plan "$e2e_sample" --no-appendix -o "$e2e_dir/plan-no-appendix.pdf"
	e2e_sanitizer "e2e nd30check --kind plan" || e2e_nd30 plan "$e2e_dir/plan-no-appendix.pdf"
	e2e_run appendix "$e2e_vb" appendix "$e2e_sample" -o "$e2e_dir/appendix.pdf"
	e2e_sanitizer "e2e nd30check --kind appendix" || e2e_nd30 appendix "$e2e_dir/appendix.pdf"
}

# --- bad input costs nothing -------------------------------------------------------

# e2e_refused TAG STATUS INPUT [options]: `vbgen plan INPUT -o` into an empty folder must
# exit STATUS, name INPUT in its message, and leave the folder empty. Returns 0, or 1 with
# the reason in $e2e_why.
e2e_refused() {
	e2e_bdir=$e2e_dir/refused-$1 e2e_want=$2 e2e_in=$3
	shift 3
	e2e_why=
	rm -rf "$e2e_bdir"
	mkdir -p "$e2e_bdir"
	e2e_run refused "$e2e_vb" plan "$e2e_in" -o "$e2e_bdir/plan.pdf" "$@"
	if grep -q "runtime error\|ERROR: AddressSanitizer\|LeakSanitizer" "$e2e_base.err"; then
		e2e_why="$e2e_in: sanitizer finding: $(grep -m 1 "runtime error\|ERROR: AddressSanitizer\|LeakSanitizer" "$e2e_base.err")"
	elif [ $e2e_rc -ne "$e2e_want" ]; then
		e2e_why="$e2e_in: exit $e2e_rc, expected $e2e_want: $(e2e_err)"
	elif [ -n "$(ls -A "$e2e_bdir")" ]; then
		e2e_why="$e2e_in: files left in the output folder: $(ls -A "$e2e_bdir" | tr '\n' ' ')"
	elif ! grep -qF "$e2e_in" "$e2e_base.err"; then
		e2e_why="$e2e_in: the message does not name the file: $(e2e_err)"
	fi
	[ -z "$e2e_why" ]
}

e2e_test_bad_input() {
	# a sed-broken copy of the sample: a symbol in small letters is invalid
	e2e_t="e2e a broken plan is refused: exit 1, nothing written"
	sed 's|<symbol>[^<]*</symbol>|<symbol>kh-ubnd</symbol>|' "$e2e_sample" >"$e2e_dir/broken.xml"
	if ! grep -q '<symbol>kh-ubnd</symbol>' "$e2e_dir/broken.xml"; then
		bad "$e2e_t$e2e_sx" "the sample has no <symbol> to break"
	elif e2e_refused broken 1 "$e2e_dir/broken.xml"; then
		ok "$e2e_t$e2e_sx"
	else
		bad "$e2e_t$e2e_sx" "$e2e_why"
	fi

	# every regression input whose expected status is 1
	e2e_t="e2e every tests/check input that exits 1 is refused by vbgen plan"
	e2e_n=0 e2e_bad=0 e2e_first=
	for e2e_f in tests/check/*.xml; do
		[ -e "$e2e_f" ] || continue
		grep -qx 'exit: 1' "${e2e_f%.xml}.out" 2>/dev/null || continue
		e2e_n=$((e2e_n + 1))
		if ! e2e_refused check 1 "$e2e_f"; then
			e2e_bad=$((e2e_bad + 1))
			[ -n "$e2e_first" ] || e2e_first=$e2e_why
		fi
	done
	if [ $e2e_n -eq 0 ]; then
		ok "$e2e_t$e2e_sx: skipped (no tests/check input expects exit 1)"
	elif [ $e2e_bad -eq 0 ]; then
		ok "$e2e_t ($e2e_n files)$e2e_sx"
	else
		bad "$e2e_t$e2e_sx" "$e2e_bad of $e2e_n: first $e2e_first"
	fi

	e2e_t="e2e missing template folder"
	e2e_bdir=$e2e_dir/refused-templates
	rm -rf "$e2e_bdir"
	mkdir -p "$e2e_bdir"
	e2e_run notpl "$e2e_vb" plan "$e2e_sample" -o "$e2e_bdir/plan.pdf" \
		--templates "$e2e_dir/no-such-templates"
	if ! e2e_sanitizer "$e2e_t"; then
		if [ $e2e_rc -eq 0 ]; then
			bad "$e2e_t$e2e_sx" "--templates $e2e_dir/no-such-templates: exit 0 (the bundled templates were used instead)"
		elif [ -n "$(ls -A "$e2e_bdir")" ]; then
			bad "$e2e_t$e2e_sx" "files left in the output folder: $(ls -A "$e2e_bdir" | tr '\n' ' ')"
		elif ! grep -qF "no-such-templates" "$e2e_base.err"; then
			bad "$e2e_t$e2e_sx" "exit $e2e_rc, but the message does not name the folder: $(e2e_err)"
		else
			ok "$e2e_t: exit $e2e_rc, the message names the folder$e2e_sx"
		fi
	fi

	e2e_t="e2e output into a missing folder"
	e2e_run nodir "$e2e_vb" plan "$e2e_sample" -o "$e2e_dir/no-such-folder/plan.pdf"
	if ! e2e_sanitizer "$e2e_t"; then
		if [ $e2e_rc -ne 3 ]; then
			bad "$e2e_t$e2e_sx" "exit $e2e_rc, expected 3: $(e2e_err)"
		elif [ -e "$e2e_dir/no-such-folder" ]; then
			bad "$e2e_t$e2e_sx" "exit 3, but $e2e_dir/no-such-folder was made"
		elif ! grep -qF "no-such-folder/plan.pdf" "$e2e_base.err"; then
			bad "$e2e_t$e2e_sx" "exit 3, but the message does not name the file: $(e2e_err)"
		else
			ok "$e2e_t: exit 3$e2e_sx"
		fi
	fi
}

# --- previews ----------------------------------------------------------------------

e2e_test_png() {
	e2e_t="e2e --png writes one preview per page"
	rm -rf "$e2e_dir/png"
	e2e_run png "$e2e_vb" plan "$e2e_sample" -o "$e2e_dir/preview.pdf" --png "$e2e_dir/png"
	e2e_sanitizer "$e2e_t" && return
	if [ $e2e_rc -ne 0 ]; then
		bad "$e2e_t$e2e_sx" "exit $e2e_rc: $(e2e_err)"
		return
	fi
	e2e_need "$e2e_t" pdfinfo python3 || return
	e2e_n=$(pdfinfo "$e2e_dir/preview.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
	pdfinfo -f 1 -l "${e2e_n:-1}" "$e2e_dir/preview.pdf" >"$e2e_dir/preview-info.txt" 2>&1
	if e2e_msg=$(python3 - "$e2e_dir/png" preview "$e2e_dir/preview-info.txt" <<'EOF' 2>&1
import os
import re
import struct
import sys

folder, stem, info = sys.argv[1:4]
sizes = [(float(w), float(h)) for w, h in
         re.findall(r"^Page +\d+ size: *([\d.]+) x ([\d.]+)", open(info).read(), re.M)]
if not sizes:
    print("pdfinfo gives no page sizes")
    sys.exit(1)
want = [f"{stem}-{i}.png" for i in range(1, len(sizes) + 1)]
have = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
if sorted(want) != have:
    print(f"{len(sizes)} pages but {folder} holds {have}")
    sys.exit(1)
for name, (pw, ph) in zip(want, sizes):
    head = open(os.path.join(folder, name), "rb").read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        print(f"{name} is not a PNG")
        sys.exit(1)
    w, h = struct.unpack(">II", head[16:24])
    if abs(w / h - pw / ph) > 0.01:
        print(f"{name} is {w}x{h}; its page is {pw:g}x{ph:g} pt")
        sys.exit(1)
print(f"{len(want)} pages")
EOF
	); then
		ok "$e2e_t ($e2e_msg)$e2e_sx"
	else
		bad "$e2e_t$e2e_sx" "$e2e_msg"
	fi
}

# --- a heading too long for a bookmark ---------------------------------------------

# Bookmark titles are shortened; shortening must not cut a Vietnamese letter in two (the
# invalid UTF-8 left made the PDF fail with cairo, and gives an empty title now). The
# heading below is long, and padded so that a cut at byte 200 falls inside the 3-byte
# letter "ệ"; the test holds for any other limit too.
e2e_test_long_bookmark() {
	e2e_t="e2e a very long heading still gets its bookmark"
	e2e_need "$e2e_t" python3 mutool || return
	if ! e2e_prefix=$(python3 - "$e2e_sample" "$e2e_dir/long-heading.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET

tree = ET.parse(sys.argv[1])
# the first subsection of the second section: it prints as "1. TITLE"
title = tree.getroot().find("body").findall("section")[1].find("section").find("title")
base = " ".join(title.text.split())
for k in range(3):
    text = base + " nâng cao hiệu lực, hiệu quả " + "a" * k + "ệ" * 60
    cut = ("1. " + text).encode()[:200]
    if cut.decode("utf-8", "ignore").encode() != cut:
        break
title.text = text
tree.write(sys.argv[2], encoding="utf-8", xml_declaration=True)
print("1. " + base[:30])
EOF
	); then
		bad "$e2e_t$e2e_sx" "could not make the long heading from the sample"
		return
	fi
	e2e_run long "$e2e_vb" plan "$e2e_dir/long-heading.xml" --no-appendix -o "$e2e_dir/long-heading.pdf"
	e2e_sanitizer "$e2e_t" && return
	if [ $e2e_rc -ne 0 ]; then
		bad "$e2e_t$e2e_sx" "exit $e2e_rc: $(e2e_err)"
	elif ! mutool show "$e2e_dir/long-heading.pdf" outline >"$e2e_dir/long-outline.txt" 2>&1 ||
		! grep -qF "\"$e2e_prefix" "$e2e_dir/long-outline.txt"; then
		if grep -q '	""	' "$e2e_dir/long-outline.txt"; then
			bad "$e2e_t$e2e_sx" "its outline entry has an empty title (see $e2e_dir/long-outline.txt)"
		else
			bad "$e2e_t$e2e_sx" "the outline has no entry '$e2e_prefix...' (see $e2e_dir/long-outline.txt)"
		fi
	else
		ok "$e2e_t$e2e_sx"
	fi
}

# One checksum over the inputs the tests give vbgen: vbgen must never write to them.
e2e_inputs_sum() {
	cat "$e2e_sample" tests/check/*.xml 2>/dev/null | cksum
}

# --- template errors -----------------------------------------------------------------
# A template is data an office edits: its mistakes are reported like a plan's, with the
# template's file and line, and nothing is written.
e2e_test_template_errors() {
	e2e_t="e2e a broken template is reported with its file and line"
	e2e_tpl=$e2e_dir/bad-templates
	rm -rf "$e2e_tpl"
	mkdir -p "$e2e_tpl"
	cp templates/*.xml "$e2e_tpl/"
	# a margin left out, and a misspelt function in an expression
	sed -i 's| top="20mm"||; s|roman(count(preceding-sibling::section) + 1)|romann(count(preceding-sibling::section) + 1)|' \
		"$e2e_tpl/plan.xml"
	e2e_run badtpl "$e2e_vb" plan "$e2e_sample" --templates "$e2e_tpl" -o "$e2e_dir/badtpl.pdf"
	e2e_sanitizer "$e2e_t" && return
	e2e_line=$(grep -n '<page name="portrait"' "$e2e_tpl/plan.xml" | cut -d: -f1)
	if [ "$e2e_rc" -ne 1 ] || [ -e "$e2e_dir/badtpl.pdf" ]; then
		bad "$e2e_t$e2e_sx" "exit $e2e_rc (expected 1), or a PDF was written"
	elif ! grep -q "$e2e_tpl/plan.xml:[0-9]*: error: <page> needs top=" "$e2e_base.err"; then
		bad "$e2e_t$e2e_sx" "no 'plan.xml:LINE: error: <page> needs top=': $(e2e_err)"
	else
		ok "$e2e_t$e2e_sx"
	fi
	sed -i "s|<page name=\"portrait\"|<page name=\"portrait\" top=\"20mm\"|" "$e2e_tpl/plan.xml"
	e2e_t="e2e an unknown function in a template is reported with its line"
	e2e_run badfn "$e2e_vb" plan "$e2e_sample" --templates "$e2e_tpl" -o "$e2e_dir/badfn.pdf"
	e2e_sanitizer "$e2e_t" && return
	if [ "$e2e_rc" -ne 1 ] || [ -e "$e2e_dir/badfn.pdf" ] ||
		! grep -q "$e2e_tpl/plan.xml:[0-9]*: error: .*Unregistered function" "$e2e_base.err" ||
		grep -q "^XPath error\|xmlXPathCompOpEval" "$e2e_base.err"; then
		bad "$e2e_t$e2e_sx" "exit $e2e_rc: $(e2e_err)"
	else
		ok "$e2e_t$e2e_sx"
	fi
}

e2e_tests() {
	e2e_vb=$1 e2e_sx=$2
	# one folder per run, removed when every e2e test passed: runs in the same tree at the
	# same time (several engineers, make check twice) must not touch each other's files
	e2e_dir=build/test-out/e2e.$$
	[ -n "$e2e_sx" ] && e2e_dir=build/test-out/e2e-san.$$
	e2e_fail0=${FAIL:-0}
	prune_runs build/test-out/e2e.* build/test-out/e2e-san.*
	rm -rf "$e2e_dir"
	mkdir -p "$e2e_dir"
	e2e_sum=$(e2e_inputs_sum)

	e2e_test_written
	e2e_test_text
	e2e_test_fonts
	e2e_test_reproducible
	e2e_test_metadata
	e2e_test_bookmarks
	e2e_test_draft
	e2e_test_nd30
	e2e_test_bad_input
	e2e_test_png
	e2e_test_long_bookmark
	e2e_test_template_errors

	if [ "$(e2e_inputs_sum)" = "$e2e_sum" ]; then
		ok "e2e the input files are unchanged$e2e_sx"
	else
		bad "e2e the input files are unchanged$e2e_sx" "$e2e_sample or tests/check/*.xml changed during the tests"
	fi
	[ "${FAIL:-0}" = "$e2e_fail0" ] && rm -rf "$e2e_dir"
	return 0
}
