#!/bin/sh
# tests/docx/run.sh - the Word files vbgen writes, checked through a real word processor.
#
#   sh tests/docx/run.sh generate VBGEN OUTDIR    (the case docx-samples' cmd)
#   sh tests/docx/run.sh check OUTDIR             (its check, on the optimised outputs)
#
# generate writes every file the checks read, and the exit statuses of the commands in
# OUTDIR/statuses, with the same bytes from any build (the driver compares the sanitizer
# build's outputs with the optimised build's, so what LibreOffice finds holds for both);
# check reads them, runs LibreOffice and the checkers, and prints its findings.
#
# For every sample plan (samples/*.xml), from `vbgen all --docx` and `vbgen plan
# --no-appendix` in both formats:
#   written      all --docx writes plan.docx, appendix.docx and letters/<id>.docx beside
#                the PDFs; --format and the suffix of -o choose the format; a suffix that
#                contradicts --format is a usage error that writes nothing
#   package      every .docx passes unzip -t, each of its parts is well-formed XML
#                (xmllint), [Content_Types].xml and the relationships are complete
#                (check.py package)
#   reproducible the same input gives the same bytes, in any time zone
#   LibreOffice  (headless, a private profile) converts every .docx to PDF; on that PDF
#                nd30check --kind plan|appendix|letter reports no failure (but the one
#                known false alarm tests/e2e.sh accepts too, and a justified line that
#                LibreOffice ends short of the margin for the slant of its last italic
#                letter, which Word sets flush: see check.py nd30_failures()), its text holds the words of
#                vbgen's own PDF in the same order and no others (check.py words), and its
#                page count is within one of vbgen's (plan, appendix) or equal (letters)
#
# check prints one "ok ...", "FAIL ..." or "skip ..." line per finding and last "docx: N
# passed, N failed, N skipped"; exits 1 when a finding failed. Skips only where a tool
# cannot be had: LibreOffice (soffice: Debian's libreoffice-writer-nogui, which
# tools/deps.sh installs; a failure under STRICT_SKIPS) or the records office's checker
# (../shared/checks/nd30check, outside a bare clone).

MODE=$1
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ "$MODE" = generate ]; then
	VBGEN=$2
	OUT=$3
elif [ "$MODE" = check ]; then
	OUT=$2
else
	echo "usage: sh tests/docx/run.sh generate VBGEN OUTDIR | check OUTDIR" >&2
	exit 2
fi
[ -n "$OUT" ] || { echo "usage: sh tests/docx/run.sh generate VBGEN OUTDIR | check OUTDIR" >&2; exit 2; }
export LC_ALL=C.UTF-8
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1700000000}"
CHECK=$ROOT/tests/docx/check.py
CHECKER=${ND30CHECK:-$ROOT/../shared/checks/nd30check}
# LibreOffice converts all the Word files in one run; a hung run is stopped.
SOFFICE_TIMEOUT=600
P=0
F=0
S=0

ok() { P=$((P + 1)); echo "ok    docx: $1"; }
bad() { F=$((F + 1)); echo "FAIL  docx: $1${2:+: $2}"; }
skip() { S=$((S + 1)); echo "skip  docx: $1${2:+: $2}"; }

mkdir -p "$OUT" || exit 2
# generate keeps OUT as given (the messages it keeps name the files so, the same for both
# builds' output folders); check needs it absolute for LibreOffice
[ "$MODE" = generate ] || OUT=$(cd "$OUT" && pwd)
# generate: a command and its exit status, kept for check
run() {
	rn_name=$1
	shift
	"$@" >"$OUT/$rn_name.out" 2>"$OUT/$rn_name.err"
	echo "$rn_name $?" >>"$OUT/statuses"
}
status() { sed -n "s/^$1 //p" "$OUT/statuses"; }

# package DIR FILE...: unzip -t, xmllint on every part, check.py package; prints the
# first problem and fails, or succeeds silently. Each file's parts are unpacked into DIR
# and read by one xmllint, and one Python reads all the files: a sample has some fifty.
package() {
	pk_dir=$1
	shift
	for pk_f in "$@"; do
		if ! unzip -tq "$pk_f" >/dev/null 2>&1; then
			echo "$pk_f: unzip -t finds the ZIP damaged"
			return 1
		fi
		rm -rf "$pk_dir"
		mkdir -p "$pk_dir"
		unzip -qq -o "$pk_f" -d "$pk_dir" || {
			echo "$pk_f: unzip cannot unpack it"
			return 1
		}
		if ! find "$pk_dir" -type f -exec xmllint --noout {} + 2>"$OUT/xmllint.err"; then
			echo "$pk_f: $(head -n 1 "$OUT/xmllint.err" | sed "s|^$pk_dir/||") (a part is not well-formed XML)"
			return 1
		fi
	done
	rm -rf "$pk_dir"
	python3 "$CHECK" package "$@"
}

# the options, once: --format, the suffix of -o, and their disagreement
options_generate() {
	op_d=$OUT/options
	mkdir -p "$op_d"
	run opt-format "$VBGEN" -q appendix "$1" --format docx -o "$op_d/phu-luc.docx"
	run opt-suffix "$VBGEN" -q plan "$1" -o "$op_d/ke-hoach.docx"
	run opt-wrong "$VBGEN" plan "$1" --format docx -o "$op_d/wrong.pdf"
	run opt-docx "$VBGEN" plan "$1" --docx -o "$op_d/x.pdf"
}

options_check() {
	op_d=$OUT/options
	if [ "$(status opt-format)" = 0 ] && [ "$(status opt-suffix)" = 0 ] &&
		unzip -tq "$op_d/phu-luc.docx" >/dev/null 2>&1 && unzip -tq "$op_d/ke-hoach.docx" >/dev/null 2>&1; then
		ok "--format docx and -o FILE.docx write Word files"
	else
		bad "--format docx and -o FILE.docx" "exit $(status opt-format) and $(status opt-suffix); $(head -n 2 "$OUT/opt-format.err" "$OUT/opt-suffix.err" | tr '\n' ' ')"
	fi
	if [ "$(status opt-wrong)" = 2 ] && [ ! -e "$op_d/wrong.pdf" ] && grep -q "ends in .pdf" "$OUT/opt-wrong.err"; then
		ok "--format docx with -o FILE.pdf is a usage error (exit 2), nothing written"
	else
		bad "--format docx with -o FILE.pdf" "exit $(status opt-wrong), $(head -n 1 "$OUT/opt-wrong.err")"
	fi
	if [ "$(status opt-docx)" = 2 ] && [ ! -e "$op_d/x.pdf" ]; then
		ok "--docx outside 'vbgen all' is a usage error (exit 2)"
	else
		bad "--docx outside 'vbgen all'" "exit $(status opt-docx), $(head -n 1 "$OUT/opt-docx.err")"
	fi
}

if [ "$MODE" = generate ]; then
	: >"$OUT/statuses"
	first=1
	for sample in "$ROOT"/samples/*.xml; do
		[ -e "$sample" ] || continue
		s=$(basename "$sample" .xml)
		d=$OUT/$s
		mkdir -p "$d"
		[ "$first" = 1 ] && options_generate "$sample"
		first=0
		run "$s-all" "$VBGEN" -q all "$sample" -o "$d/all" --docx
		run "$s-plan-pdf" "$VBGEN" -q plan "$sample" --no-appendix -o "$d/plan-no-appendix.pdf"
		run "$s-plan-docx" "$VBGEN" -q plan "$sample" --no-appendix -o "$d/plan-no-appendix.docx"
		# the same input, the same bytes, in another time zone too
		TZ=Asia/Ho_Chi_Minh "$VBGEN" -q plan "$sample" -o "$d/again.docx" 2>/dev/null
		a1=$(ls "$d/all/letters" 2>/dev/null | grep '\.docx$' | head -n 1)
		[ -n "$a1" ] && TZ=America/New_York "$VBGEN" -q letters "$sample" --format docx \
			--agency "${a1%.docx}" -o "$d/again" 2>/dev/null
	done
	exit 0
fi

LO=0
if command -v soffice >/dev/null 2>&1; then
	LO=1
else
	skip "LibreOffice checks" "soffice is not installed (Debian: libreoffice-writer-nogui; tools/deps.sh installs it as root)"
fi

# The checks of a document through LibreOffice are independent of each other: check
# lists them (JOBS, one line each: NAME with | for spaces, KEY, KIND, vbgen's PDF,
# LibreOffice's, SAME) and check.py documents runs them JOBS_AT_ONCE at a time, in one
# Python that loads nd30check once: some 130 documents, a third of a second of CPU each
# that way, twice that as a shell, a Python and the checker started for each. One
# LibreOffice converts every sample's Word files: each start of it costs two seconds of
# CPU, a file a tenth.
JOBS_AT_ONCE=$(nproc 2>/dev/null || echo 2)
[ "$JOBS_AT_ONCE" -ge 2 ] 2>/dev/null || JOBS_AT_ONCE=2
W=${SCRATCH:-$OUT}
W=$(mkdir -p "$W" && cd "$W" && pwd)
JOBS=$W/jobs
: >"$JOBS"
# the Word files of all samples for LibreOffice, named SAMPLE.NAME.docx, its PDFs
# SAMPLE.NAME.pdf in lo/
rm -rf "$W/word" "$W/lo"
mkdir -p "$W/word" "$W/lo"
job() { echo "$(printf '%s' "$1" | tr ' ' '|') $2 $3 $4 $5 $6" >>"$JOBS"; }

options_check
for sample in "$ROOT"/samples/*.xml; do
	[ -e "$sample" ] || continue
	s=$(basename "$sample" .xml)
	d=$OUT/$s
	rc=$(status "$s-all")
	rc2=$(status "$s-plan-pdf")$(status "$s-plan-docx")
	n_pdf=$(ls "$d/all/letters" 2>/dev/null | grep -c '\.pdf$')
	n_docx=$(ls "$d/all/letters" 2>/dev/null | grep -c '\.docx$')
	has_app=0
	grep -q '<appendix' "$sample" && has_app=1
	missing=
	for f in plan.pdf plan.docx; do [ -s "$d/all/$f" ] || missing="$missing $f"; done
	[ "$has_app" = 1 ] && for f in appendix.pdf appendix.docx; do [ -s "$d/all/$f" ] || missing="$missing $f"; done
	if [ "$rc" = 0 ] && [ "$rc2" = 00 ] && [ -z "$missing" ] && [ "$n_docx" -eq "$n_pdf" ]; then
		ok "$s: all --docx writes plan.docx$([ "$has_app" = 1 ] && echo ', appendix.docx') and $n_docx letters/<id>.docx beside the PDFs"
	else
		bad "$s: all --docx" "exit $rc/$rc2, missing:${missing:- none}, $n_docx .docx letters for $n_pdf PDFs; $(grep -v ': note: \|: warning: ' "$OUT/$s-all.err" | head -n 2 | tr '\n' ' ')"
	fi

	# every Word file, under the names LibreOffice will give their PDFs (in the check's
	# own folder: the case's outputs hold only what generate wrote)
	w=$W/$s
	rm -rf "$w/word" "$w/parts"
	mkdir -p "$w/word"
	for f in plan appendix; do
		[ -s "$d/all/$f.docx" ] && cp "$d/all/$f.docx" "$w/word/$f.docx"
	done
	[ -s "$d/plan-no-appendix.docx" ] && cp "$d/plan-no-appendix.docx" "$w/word/"
	for f in "$d"/all/letters/*.docx; do
		[ -e "$f" ] && cp "$f" "$w/word/letter-$(basename "$f")"
	done
	set -- "$w"/word/*.docx
	if [ ! -e "$1" ]; then
		bad "$s: package" "no .docx to check"
		continue
	fi
	if why=$(package "$w/parts" "$@"); then
		ok "$s: the $# Word files pass unzip -t and xmllint; content types and relationships are complete"
	else
		bad "$s: package" "$why"
	fi
	a1=$(ls "$d/all/letters" | grep '\.docx$' | head -n 1)
	if cmp -s "$d/again.docx" "$d/all/plan.docx" && { [ -z "$a1" ] || cmp -s "$d/again/$a1" "$d/all/letters/$a1"; }; then
		ok "$s: the same plan gives the same .docx bytes (another run, another time zone)"
	else
		bad "$s: reproducible" "a second run wrote other bytes (plan.docx${a1:+ or letters/$a1})"
	fi
	[ "$LO" = 1 ] || continue

	for f in "$w"/word/*.docx; do
		cp "$f" "$W/word/$s.$(basename "$f")"
	done
	lo=$W/lo/$s
	job "$s plan" "$s/plan/plan" plan "$d/all/plan.pdf" "$lo.plan.pdf" 0
	job "$s plan --no-appendix" "$s/plan/plan-no-appendix" plan "$d/plan-no-appendix.pdf" "$lo.plan-no-appendix.pdf" 0
	[ "$has_app" = 1 ] && job "$s appendix" "$s/appendix/appendix" appendix "$d/all/appendix.pdf" "$lo.appendix.pdf" 0
	for f in "$d"/all/letters/*.pdf; do
		[ -e "$f" ] || continue
		id=$(basename "$f" .pdf)
		job "$s letter $id" "$s/letter/$id" letter "$f" "$lo.letter-$id.pdf" 1
	done
done

if [ "$LO" = 1 ] && [ -s "$JOBS" ]; then
	# LibreOffice: one headless run for every Word file, with a private profile
	timeout "$SOFFICE_TIMEOUT" soffice --headless --norestore \
		"-env:UserInstallation=file://$W/lo-profile" --convert-to pdf --outdir "$W/lo" \
		"$W"/word/*.docx >"$W/lo.out" 2>&1
	# the lines of each document's checks, in the order of JOBS
	python3 "$CHECK" documents "$JOBS" "$JOBS_AT_ONCE" "$CHECKER" "$OUT" >"$W/results" 2>&1 ||
		echo "FAIL  docx: check.py documents ended with exit $?: $(tail -n 1 "$W/results")" >>"$W/results"
	cat "$W/results"
	P=$((P + $(grep -c '^ok' "$W/results")))
	F=$((F + $(grep -c '^FAIL' "$W/results")))
	S=$((S + $(grep -c '^skip' "$W/results")))
fi

echo "docx: $P passed, $F failed, $S skipped"
[ "$F" -eq 0 ]
