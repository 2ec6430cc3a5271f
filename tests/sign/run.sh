#!/bin/sh
# run.sh - the tests of `vbgen sign` (digital signatures), for tests/run.sh.
#
#   sh tests/sign/run.sh VBGEN OUTDIR
#
# Everything secret is made here, in OUTDIR, and never committed: a test CA, two signers
# (the head of Phòng Nội vụ in a PKCS#12 file, the chairman on a SoftHSM2 token), a
# certificate file without its key, and an NSS database that trusts the CA (for
# pdfsig). The letters are the sample's (`vbgen letters`), signed into the signature
# fields vbgen's writer makes (`head`, `receiver`).
#
#   p12 head       the head signs 'head' from the PKCS#12 file (--pin-file); the input is
#                  untouched
#   token receiver the chairman signs 'receiver' from the token (VBGEN_PIN); the first
#                  signed file is the first bytes of the second (incremental update)
#   pdfsig         both signatures valid and trusted, ETSI.CAdES.detached; the first
#                  covers its revision, the second the whole file
#   nd30check      the signed letter still passes the records office's checker
#   qpdf           qpdf --check finds no error
#   plan, appendix the plan's 'signer' from the token and its 'seal' from a file, the
#                  appendix's 'issuer' with the seal's image and with a text appearance:
#                  all valid and trusted, qpdf and nd30check pass
#   pdfsig -sign   poppler's own signing fills vbgen's field 'head': valid, trusted, the
#                  whole file, an incremental update; qpdf and nd30check pass
#   appearance     the signer's name, body and time (+07:00) in the page's text, in an
#                  embedded font; with --image and --seal: the blue signature and the red
#                  seal where they belong, the seal 36 mm wide (its true size)
#   batch          every letter of the sample signed from the token with one PIN typed
#                  at the terminal (a pseudo-terminal), all valid
#   batch failure  a folder with a signed letter and a foreign PDF in it: the others are
#                  signed, the two listed, exit 1
#   in place       --in-place replaces the file; a link is refused
#   refusals       a wrong password, a wrong token PIN, a missing field, an already
#                  signed field, a PNG that is not a PNG, a certificate without its key,
#                  a PDF another program rewrote, a PDF vbgen did not make, the print
#                  file: each exit 1 with its message, nothing written, no temporary file
#   damaged files  60 truncated or corrupted copies of the head's signed letter, signed
#                  again: each refused with a message (exit 1) or signed, never a crash
#   usage          no PIN on the command line; no terminal and no PIN given: exit 2
#   other keys     an elliptic-curve key on a second token, chosen with --token (without
#                  it: "2 tokens are plugged in"); a PKCS#12 file in the legacy format
#                  (RC2/3DES, as Windows exports them)
#
# Prints "ok ...", "FAIL ..." or "skip ..." per case and "sign: N passed, N failed,
# N skipped" last; exits 1 when something failed.

# the binary and the output folder as given, made absolute before moving to the source
# tree (the case tests/cases/sign runs this from its own output folder)
VBGEN=${1:-./vbgen}
D=${2:-build/test-out/sign}
case $VBGEN in /*) ;; */*) VBGEN=$PWD/$VBGEN ;; esac
case $D in /*) ;; *) D=$PWD/$D ;; esac
cd "$(dirname "$0")/../.." || exit 2
PASS=0
FAIL=0
SKIP=0
export LC_ALL=C.UTF-8
sg_sample=samples/par-index-2023.xml
sg_checker=${ND30CHECK:-../shared/checks/nd30check}

ok() { PASS=$((PASS + 1)); echo "ok    sign: $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL  sign: $1${2:+: $2}"; }
skip() { SKIP=$((SKIP + 1)); echo "skip  sign: $1${2:+ ($2)}"; }

finish() {
	echo "sign: $PASS passed, $FAIL failed, $SKIP skipped"
	[ "$FAIL" -eq 0 ]
	exit $?
}

# Every tool the tests need; without one, the cases are skipped and say why.
sg_module=
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
	/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so; do
	[ -f "$m" ] && sg_module=$m && break
done
for t in openssl softhsm2-util pkcs11-tool certutil pk12util pdfsig qpdf python3 pdftotext \
	mutool pdftoppm setsid; do
	if ! command -v "$t" >/dev/null 2>&1; then
		skip "all cases" "$t is not installed: run 'sh tools/deps.sh' as root"
		finish
	fi
done
if [ -z "$sg_module" ]; then
	skip "all cases" "the SoftHSM2 module is not installed (Debian: softhsm2)"
	finish
fi

rm -rf "$D"
mkdir -p "$D/pki" "$D/hsm/tokens" "$D/nss" "$D/out" || exit 2
P=$D/pki

# sg_run NAME CMD...: stdout and stderr into $D/NAME.{out,err}, status in sg_rc.
sg_run() {
	sg_base=$D/$1
	shift
	"$@" >"$sg_base.out" 2>"$sg_base.err"
	sg_rc=$?
}

# True (and a failure recorded) when the last run's stderr has a sanitizer report.
sg_sanitizer() {
	if grep -q "runtime error\|ERROR: AddressSanitizer\|LeakSanitizer" "$sg_base.err"; then
		bad "$1" "sanitizer finding, see $sg_base.err"
		return 0
	fi
	return 1
}

sg_err() { grep -v ': note: ' "$sg_base.err" | head -n 3 | tr '\n' ' '; }

# No temporary file left in a folder.
sg_no_tmp() { [ -z "$(find "$1" -name '.*.tmp-*' 2>/dev/null)" ]; }

# --- the documents ------------------------------------------------------------------

"$VBGEN" -q letters "$sg_sample" -o "$D/letters" --print "$D/letters-print.pdf" -j 2 \
	>"$D/letters.out" 2>&1 || { bad "letters of the sample" "$(head -c 300 "$D/letters.out")"; finish; }
if ! grep -q '/FT /Sig' "$D/letters/phong-noi-vu.pdf"; then
	bad "signature fields" "vbgen's letters have no signature fields to sign"
	finish
fi
L=$D/letters/phong-noi-vu.pdf
cp "$L" "$D/original.pdf"

# --- the secrets, made here ----------------------------------------------------------

cat >"$P/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = vbgen Test Root CA
O = vbgen tests
C = VN
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[signer_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
# sg_cert NAME SUBJECT: a key and a certificate of the test CA
sg_cert() {
	openssl req -new -newkey rsa:2048 -nodes -keyout "$P/$1.key" -out "$P/$1.csr" -utf8 \
		-subj "$2" 2>>"$P/log" &&
		openssl x509 -req -in "$P/$1.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" \
			-CAcreateserial -out "$P/$1.pem" -days 30 -extfile "$P/ca.cnf" \
			-extensions signer_ext 2>>"$P/log"
}
umask 077
if ! openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/ca.key" -out "$P/ca.pem" -days 30 \
	-config "$P/ca.cnf" -extensions ca_ext 2>>"$P/log" ||
	! sg_cert head "/CN=Nguyễn Thị Hoài Thu/OU=Phòng Nội vụ/O=UBND huyện Cam Lộ/C=VN" ||
	! sg_cert chair "/CN=Lê Đức Thịnh/O=Ủy ban nhân dân huyện Cam Lộ/C=VN" ||
	! openssl pkcs12 -export -inkey "$P/head.key" -in "$P/head.pem" -certfile "$P/ca.pem" \
		-out "$P/head.p12" -passout pass:mat-khau-1 -name head 2>>"$P/log" ||
	! openssl pkcs12 -export -nokeys -in "$P/head.pem" -out "$P/nokey.p12" \
		-passout pass:mat-khau-1 2>>"$P/log"; then
	bad "test certificates" "$(tail -n 3 "$P/log")"
	finish
fi
printf 'mat-khau-1\n' >"$P/pin"
printf 'sai-roi\n' >"$P/wrong"
umask 022

# The chairman's USB token: SoftHSM2 with his key, his certificate and the CA's.
export SOFTHSM2_CONF="$D/hsm/softhsm2.conf"
cat >"$SOFTHSM2_CONF" <<EOF
directories.tokendir = $D/hsm/tokens
objectstore.backend = file
log.level = ERROR
EOF
TOKEN_PIN=246810
if ! softhsm2-util --init-token --free --label "Chu tich UBND" --so-pin 13579135 \
	--pin $TOKEN_PIN >"$D/hsm/log" 2>&1 ||
	! openssl pkcs8 -topk8 -nocrypt -in "$P/chair.key" -out "$P/chair.pk8" 2>>"$D/hsm/log" ||
	! softhsm2-util --import "$P/chair.pk8" --token "Chu tich UBND" --label chu-tich --id 01 \
		--pin $TOKEN_PIN >>"$D/hsm/log" 2>&1 ||
	! openssl x509 -in "$P/chair.pem" -outform der -out "$P/chair.der" ||
	! openssl x509 -in "$P/ca.pem" -outform der -out "$P/ca.der" ||
	! pkcs11-tool --module "$sg_module" --token-label "Chu tich UBND" --login --pin $TOKEN_PIN \
		--write-object "$P/chair.der" --type cert --id 01 --label chu-tich >>"$D/hsm/log" 2>&1 ||
	! pkcs11-tool --module "$sg_module" --token-label "Chu tich UBND" --login --pin $TOKEN_PIN \
		--write-object "$P/ca.der" --type cert --id 02 --label ca >>"$D/hsm/log" 2>&1; then
	bad "test token" "$(tail -n 3 "$D/hsm/log")"
	finish
fi
rm -f "$P/chair.pk8"

# The validator's trust: an NSS database that trusts the test CA.
if ! certutil -N -d "sql:$D/nss" --empty-password >"$D/nss.log" 2>&1 ||
	! certutil -A -d "sql:$D/nss" -n "vbgen test CA" -t "CT,C,C" -i "$P/ca.pem" >>"$D/nss.log" 2>&1; then
	bad "NSS database" "$(tail -n 3 "$D/nss.log")"
	finish
fi

# sg_pdfsig FILE: pdfsig's report into FILE.sig
sg_pdfsig() { pdfsig -nssdir "sql:$D/nss" "$1" >"$1.sig" 2>&1; }

# sg_valid FILE N: FILE has N signatures, each valid and trusted
sg_valid() {
	sg_pdfsig "$1"
	[ "$(grep -c 'Signature is Valid' "$1.sig")" = "$2" ] &&
		[ "$(grep -c 'Certificate is Trusted' "$1.sig")" = "$2" ]
}

size_of() { wc -c <"$1" | tr -d ' '; }

# --- the head signs from the PKCS#12 file, the chairman from the token ---------------

S1=$D/out/head.pdf
S2=$D/out/both.pdf
sg_run p12 "$VBGEN" sign "$L" --field head --cert "$P/head.p12" --pin-file "$P/pin" -o "$S1"
if ! sg_sanitizer "p12 head"; then
	if [ "$sg_rc" -eq 0 ] && [ -s "$S1" ] && cmp -s "$L" "$D/original.pdf" &&
		grep -q "signed 'head'" "$sg_base.out"; then
		ok "the head signs 'head' from a PKCS#12 file; the input is untouched"
	else
		bad "p12 head" "exit $sg_rc: $(sg_err)"
	fi
fi
VBGEN_PIN=$TOKEN_PIN sg_run token "$VBGEN" sign "$S1" --field receiver --pkcs11 "$sg_module" \
	-o "$S2"
if ! sg_sanitizer "token receiver"; then
	if [ "$sg_rc" -eq 0 ] && [ -s "$S2" ] && cmp -s -n "$(size_of "$S1")" "$S1" "$S2"; then
		ok "the chairman signs 'receiver' from the token, after the head's bytes"
	else
		bad "token receiver" "exit $sg_rc: $(sg_err)"
	fi
fi

# pdfsig: both valid and trusted; ranges: the head's ends where its revision ended
if [ -s "$S2" ]; then
	sg_pdfsig "$S2"
	python3 - "$S2.sig" "$(size_of "$S1")" "$(size_of "$S2")" >"$D/pdfsig.check" 2>&1 <<'EOF'
import re, sys
text, first_len, total = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3])
sigs = {}
for block in re.split(r"\nSignature #\d+:\n", "\n" + text)[1:]:
    name = re.search(r"Signature Field Name: (\S+)", block)[1]
    sigs[name] = block
problems = []
for name, who, end, whole in (("head", "Nguyễn Thị Hoài Thu", first_len, "Not total document signed"),
                              ("receiver", "Lê Đức Thịnh", total, "Total document signed")):
    b = sigs.get(name, "")
    for want in ("Signature is Valid.", "Certificate is Trusted.", "Common Name: " + who,
                 "Signature Type: ETSI.CAdES.detached", "Signing Hash Algorithm: SHA-256",
                 "- " + whole + "\n"):
        if want not in b + "\n":
            problems.append("%s: no %r" % (name, want))
    ranges = re.findall(r"\[(\d+) - (\d+)\]", b)
    if len(ranges) != 2 or int(ranges[0][0]) != 0 or int(ranges[1][1]) != end:
        problems.append("%s: ranges %s, expected [0 - a], [b - %d]" % (name, ranges, end))
print("; ".join(problems))
sys.exit(1 if problems else 0)
EOF
	if [ $? -eq 0 ]; then
		ok "pdfsig: both valid and trusted; the head's covers its revision, the chairman's the whole file"
	else
		bad "pdfsig" "$(cat "$D/pdfsig.check")"
		sed 's/^/      /' "$S2.sig" | head -n 40
	fi
	if [ -x "$sg_checker" ]; then
		if "$sg_checker" --kind letter "$S2" >"$D/nd30.out" 2>&1; then
			ok "the signed letter passes nd30check"
		else
			bad "nd30check" "$(grep -E '^FAIL' "$D/nd30.out" | head -n 3 | tr '\n' ' ')"
		fi
	else
		skip "nd30check" "$sg_checker is not here"
	fi
	if qpdf --check "$S2" >"$D/qpdf.out" 2>&1; then
		ok "qpdf --check finds no error in the signed letter"
	else
		bad "qpdf --check" "$(tail -n 3 "$D/qpdf.out" | tr '\n' ' ')"
	fi
	# the text appearance, read back from the page as a reader shows it
	mutool draw -F txt -o "$D/page.txt" "$S2" 2>/dev/null
	if grep -q "Người ký: Nguyễn Thị Hoài Thu" "$D/page.txt" &&
		grep -q "Người ký: Lê Đức Thịnh" "$D/page.txt" &&
		grep -q "Cơ quan: Phòng Nội vụ, UBND huyện Cam Lộ" "$D/page.txt" &&
		grep -Eq "Thời gian ký: 20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\+07:00" "$D/page.txt" &&
		! pdffonts "$S2" 2>/dev/null | tail -n +3 | grep -qv ' yes yes yes '; then
		ok "without images: the signer's name, body and time (+07:00), in an embedded font"
	else
		bad "text appearance" "$(grep -E 'Người ký|Cơ quan|Thời gian' "$D/page.txt" | tr '\n' ' ')"
	fi
fi

# --- images ------------------------------------------------------------------------

python3 tests/sign/make_png.py signature "$D/signature.png"
python3 tests/sign/make_png.py seal "$D/seal.png"
S3=$D/out/images.pdf
sg_run images "$VBGEN" sign "$L" --field head --cert "$P/head.p12" --pin-file "$P/pin" \
	--image "$D/signature.png" --seal "$D/seal.png" --reason "Đồng ý cam kết" -o "$S3"
if ! sg_sanitizer "images"; then
	if [ "$sg_rc" -ne 0 ]; then
		bad "images" "exit $sg_rc: $(sg_err)"
	elif ! sg_valid "$S3" 1; then
		bad "images" "not valid: $(grep -E 'Validation' "$S3.sig" | tr '\n' ' ')"
	else
		n=$(pdfinfo "$S3" | sed -n 's/^Pages: *//p')
		# the page at 72 dpi: 1 pixel = 1 pt; the head's place is the right block
		pdftoppm -r 72 -f "$n" -l "$n" "$S3" "$D/images" 2>/dev/null
		python3 - "$D"/images-*.ppm "$L" >"$D/images.check" 2>&1 <<'EOF'
import re, sys
data = open(sys.argv[1], "rb").read()
m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
w, h = int(m[1]), int(m[2])
px = data[m.end():]
pdf = open(sys.argv[2], "rb").read()
rect = [float(v) for v in re.search(rb"/T \(head\)[^>]*/Rect \[([^\]]*)\]", pdf)[1].split()]
x0, x1 = int(rect[0]), int(rect[2])
y0, y1 = int(h - rect[3]), int(h - rect[1])
blue, red, red_x = 0, 0, []
for y in range(0, h):
    for x in range(0, w):
        r, g, b = px[3 * (y * w + x):3 * (y * w + x) + 3]
        if b > 150 and r < 90 and g < 110:
            blue += 1
            if not (x0 - 2 <= x <= x1 + 2 and y0 - 2 <= y <= y1 + 2):
                print("blue outside the head's place at", x, y); sys.exit(1)
        if r > 170 and g < 80 and b < 90:
            red += 1
            red_x.append(x)
problems = []
if blue < 200:
    problems.append("no signature image (%d blue pixels)" % blue)
if red < 200:
    problems.append("no seal (%d red pixels)" % red)
else:
    width_mm = (max(red_x) - min(red_x) + 1) * 25.4 / 72
    if abs(width_mm - 36 * 410 / 425) > 3:  # the ring's outer edge is 410 of 425 px
        problems.append("the seal is %.1f mm wide, not its true 35 mm" % width_mm)
    left_third = x0 + (x1 - x0) / 3
    if not (min(red_x) < x0 + 20 and max(red_x) > x0):
        problems.append("the seal is not over the signature's left third (%d-%d, field %d-%d)"
                        % (min(red_x), max(red_x), x0, x1))
print("; ".join(problems) or "blue %d red %d" % (blue, red))
sys.exit(1 if problems else 0)
EOF
		if [ $? -eq 0 ]; then
			ok "--image and --seal: the signature in its place, the seal at its true size over its left third"
		else
			bad "images" "$(cat "$D/images.check")"
		fi
	fi
fi

# --- the plan and the appendix: their own signing places ------------------------------

# The plan: the chairman signs 'signer' from his token, then the office signs 'seal' (the
# body's signature over the left third of his) from a certificate file; the appendix
# made alone: 'issuer' at the top right of its first page, inside the margins, signed
# with the body's seal (Decree 30's image for an attachment) and, in another copy, with
# a text appearance (the signer's name and time), which must stand inside the margins
# too, as nd30check asks.
"$VBGEN" -q plan "$sg_sample" -o "$D/plan.pdf" >"$D/plan.out" 2>&1 &&
	"$VBGEN" -q appendix "$sg_sample" -o "$D/appendix.pdf" >>"$D/plan.out" 2>&1 ||
	bad "plan and appendix" "$(head -c 300 "$D/plan.out")"
VBGEN_PIN=$TOKEN_PIN sg_run plan-signer "$VBGEN" sign "$D/plan.pdf" --field signer \
	--pkcs11 "$sg_module" -o "$D/out/plan-signer.pdf"
sg_rc1=$sg_rc
sg_run plan-seal "$VBGEN" sign "$D/out/plan-signer.pdf" --field seal --cert "$P/head.p12" \
	--pin-file "$P/pin" -o "$D/out/plan-signed.pdf"
sg_rc2=$sg_rc
sg_run appendix-issuer "$VBGEN" sign "$D/appendix.pdf" --field issuer --cert "$P/head.p12" \
	--pin-file "$P/pin" --seal "$D/seal.png" -o "$D/out/appendix-signed.pdf"
sg_rc3=$sg_rc
sg_run appendix-issuer-text "$VBGEN" sign "$D/appendix.pdf" --field issuer \
	--cert "$P/head.p12" --pin-file "$P/pin" -o "$D/out/appendix-text.pdf"
sg_rc4=$sg_rc
if ! sg_sanitizer "plan and appendix"; then
	sg_nd30=ok
	if [ -x "$sg_checker" ]; then
		"$sg_checker" --kind plan "$D/out/plan-signed.pdf" >"$D/nd30-plan.out" 2>&1 &&
			"$sg_checker" --kind appendix "$D/out/appendix-signed.pdf" >>"$D/nd30-plan.out" 2>&1 &&
			"$sg_checker" --kind appendix "$D/out/appendix-text.pdf" >>"$D/nd30-plan.out" 2>&1 ||
			sg_nd30="nd30check: $(grep -E '^FAIL' "$D/nd30-plan.out" | head -n 3 | tr '\n' ' ')"
	fi
	if [ "$sg_rc1" -eq 0 ] && [ "$sg_rc2" -eq 0 ] && [ "$sg_rc3" -eq 0 ] &&
		[ "$sg_rc4" -eq 0 ] && sg_valid "$D/out/plan-signed.pdf" 2 &&
		sg_valid "$D/out/appendix-signed.pdf" 1 && sg_valid "$D/out/appendix-text.pdf" 1 &&
		qpdf --check "$D/out/plan-signed.pdf" >/dev/null 2>&1 &&
		qpdf --check "$D/out/appendix-signed.pdf" >/dev/null 2>&1 &&
		qpdf --check "$D/out/appendix-text.pdf" >/dev/null 2>&1 && [ "$sg_nd30" = ok ]; then
		ok "the plan's 'signer' (token) and 'seal' (file), the appendix's 'issuer' (seal, text): valid, qpdf and nd30check pass"
	else
		bad "plan and appendix" "exit $sg_rc1/$sg_rc2/$sg_rc3/$sg_rc4: $(sg_err) $sg_nd30"
	fi
fi

# --- another signing tool: poppler's pdfsig signs into vbgen's field ------------------

# The head's key and certificate in an NSS database of their own (pdfsig signs from NSS);
# pdfsig -sign fills the existing field 'head' with an incremental update.
mkdir -p "$D/nss-head"
if certutil -N -d "sql:$D/nss-head" --empty-password >"$D/nss-head.log" 2>&1 &&
	certutil -A -d "sql:$D/nss-head" -n ca -t "CT,C,C" -i "$P/ca.pem" >>"$D/nss-head.log" 2>&1 &&
	pk12util -i "$P/head.p12" -d "sql:$D/nss-head" -W mat-khau-1 -K "" >>"$D/nss-head.log" 2>&1; then
	pdfsig -nssdir "sql:$D/nss-head" -sign head -nick head "$L" "$D/out/pdfsig.pdf" \
		>"$D/pdfsig-sign.out" 2>&1
	sg_pdfsig "$D/out/pdfsig.pdf"
	sg_nd30=ok
	if [ -x "$sg_checker" ] && ! "$sg_checker" --kind letter "$D/out/pdfsig.pdf" >"$D/nd30-pdfsig.out" 2>&1; then
		sg_nd30="nd30check: $(grep -E '^FAIL' "$D/nd30-pdfsig.out" | head -n 3 | tr '\n' ' ')"
	fi
	if [ -s "$D/out/pdfsig.pdf" ] && cmp -s -n "$(size_of "$L")" "$L" "$D/out/pdfsig.pdf" &&
		grep -A 12 'Field Name: head' "$D/out/pdfsig.pdf.sig" | grep -q 'Signature is Valid' &&
		grep -A 12 'Field Name: head' "$D/out/pdfsig.pdf.sig" | grep -q 'Total document signed' &&
		grep -A 12 'Field Name: head' "$D/out/pdfsig.pdf.sig" | grep -q 'Certificate is Trusted' &&
		qpdf --check "$D/out/pdfsig.pdf" >/dev/null 2>&1 && [ "$sg_nd30" = ok ]; then
		ok "poppler's pdfsig signs vbgen's field 'head' (incremental): valid, trusted, whole file; qpdf and nd30check pass"
	else
		bad "pdfsig -sign head" "$(head -n 2 "$D/pdfsig-sign.out" | tr '\n' ' ') $(grep -E 'Validation|signed' "$D/out/pdfsig.pdf.sig" | tr '\n' ' ') $sg_nd30"
	fi
else
	bad "NSS database with the head's key" "$(tail -n 2 "$D/nss-head.log" | tr '\n' ' ')"
fi

# --- a batch with one PIN typed at the terminal -------------------------------------

cp -r "$D/letters" "$D/batch-in"
sg_n=$(ls "$D/batch-in" | grep -c '\.pdf$')
python3 tests/sign/pty_pin.py $TOKEN_PIN "$D/batch.tty" -- "$VBGEN" sign "$D/batch-in" \
	--field receiver --pkcs11 "$sg_module" -o "$D/batch-out" >"$D/batch.out" 2>&1
sg_rc=$?
sg_prompts=$(sed -n 's/^prompts //p' "$D/batch.out")
sg_good=0
for f in "$D"/batch-out/*.pdf; do
	[ -f "$f" ] && sg_valid "$f" 1 && sg_good=$((sg_good + 1))
done
if grep -q "runtime error\|ERROR: AddressSanitizer\|LeakSanitizer" "$D/batch.tty"; then
	bad "batch" "sanitizer finding, see $D/batch.tty"
elif [ "$sg_rc" -eq 0 ] && [ "$sg_prompts" = 1 ] && [ "$sg_good" -eq "$sg_n" ] &&
	grep -q "signed 'receiver' in $sg_n files" "$D/batch.tty"; then
	ok "a batch of $sg_n letters signed from the token with one PIN typed once; all valid"
else
	bad "batch" "exit $sg_rc, $sg_prompts prompts, $sg_good of $sg_n valid: $(tail -n 3 "$D/batch.tty" | tr '\n' ' ')"
fi

# a batch goes on past failed files and lists them
mkdir -p "$D/mixed"
cp "$D/letters/phong-y-te.pdf" "$D/letters/phong-tu-phap.pdf" "$D/mixed/"
cp "$S2" "$D/mixed/da-ky.pdf"
pdftocairo -pdf "$L" "$D/mixed/khac.pdf" 2>/dev/null || cp "$D/letters-print.pdf" "$D/mixed/khac.pdf"
VBGEN_PIN=$TOKEN_PIN sg_run mixed "$VBGEN" sign "$D/mixed" --field receiver \
	--pkcs11 "$sg_module" -o "$D/mixed-out"
if ! sg_sanitizer "batch failure"; then
	if [ "$sg_rc" -eq 1 ] && [ -s "$D/mixed-out/phong-y-te.pdf" ] &&
		[ -s "$D/mixed-out/phong-tu-phap.pdf" ] && [ ! -e "$D/mixed-out/da-ky.pdf" ] &&
		[ ! -e "$D/mixed-out/khac.pdf" ] && grep -q "da-ky.pdf: error: not signed: .*already signed" "$sg_base.err" &&
		grep -q "khac.pdf: error: not signed" "$sg_base.err" && grep -q "2 of 4 files not signed" "$sg_base.err" &&
		sg_valid "$D/mixed-out/phong-y-te.pdf" 1 && sg_no_tmp "$D/mixed-out"; then
		ok "a batch goes on past failed files, lists them, exit 1"
	else
		bad "batch failure" "exit $sg_rc: $(sg_err)"
	fi
fi

# --- in place ------------------------------------------------------------------------

cp "$L" "$D/inplace.pdf"
chmod 640 "$D/inplace.pdf"
VBGEN_PIN=$TOKEN_PIN sg_run inplace "$VBGEN" sign "$D/inplace.pdf" --field receiver \
	--pkcs11 "$sg_module" --in-place
ln -s inplace.pdf "$D/link.pdf"
cp "$D/inplace.pdf" "$D/inplace.before"
VBGEN_PIN=$TOKEN_PIN "$VBGEN" sign "$D/link.pdf" --field head --pkcs11 "$sg_module" --in-place \
	>"$D/link.out" 2>"$D/link.err"
sg_lrc=$?
if ! sg_sanitizer "in place"; then
	if [ "$sg_rc" -eq 0 ] && sg_valid "$D/inplace.pdf" 1 && [ "$sg_lrc" -eq 1 ] &&
		[ -L "$D/link.pdf" ] && cmp -s "$D/inplace.pdf" "$D/inplace.before" &&
		grep -q "it is a link" "$D/link.err" && [ "$(stat -c %a "$D/inplace.pdf")" = 640 ] &&
		sg_no_tmp "$D"; then
		ok "--in-place replaces the file (its permissions kept); a link is refused"
	else
		bad "in place" "exit $sg_rc / link $sg_lrc: $(sg_err) $(head -n 2 "$D/link.err")"
	fi
fi

# --- refusals: a clear message, exit 1, nothing written ----------------------------------

qpdf --object-streams=generate "$L" "$D/rewritten.pdf" 2>/dev/null
cp "$L" "$D/not-a-png.png"
# sg_refuse NAME MESSAGE-REGEX CMD...: exit 1, the message, no output, no temporary file
sg_refuse() {
	sg_name=$1
	sg_want=$2
	shift 2
	rm -rf "$D/refused"
	mkdir -p "$D/refused"
	sg_run "refuse-$(echo "$sg_name" | tr ' ' '-')" "$@" -o "$D/refused/out.pdf"
	sg_sanitizer "refuses $sg_name" && return
	if [ "$sg_rc" -eq 1 ] && grep -Eq "$sg_want" "$sg_base.err" &&
		[ -z "$(ls -A "$D/refused")" ]; then
		ok "refuses $sg_name: $(grep -E "$sg_want" "$sg_base.err" | head -n 1 | cut -c1-110)"
	else
		bad "refuses $sg_name" "exit $sg_rc, wrote $(ls -A "$D/refused" | tr '\n' ' '): $(sg_err)"
	fi
}
sg_refuse "a wrong password" "head.p12: error: the password is wrong" \
	"$VBGEN" sign "$L" --field head --cert "$P/head.p12" --pin-file "$P/wrong"
VBGEN_PIN=111111 sg_refuse "a wrong token PIN" "error: the PIN of the token 'Chu tich UBND' is wrong" \
	"$VBGEN" sign "$L" --field receiver --pkcs11 "$sg_module"
sg_refuse "a missing field" "no signing place named 'chairman' \(its signing places: receiver, head\)" \
	"$VBGEN" sign "$L" --field chairman --cert "$P/head.p12" --pin-file "$P/pin"
sg_refuse "an already signed field" "both.pdf: error: the field 'head' is already signed by Nguyễn Thị Hoài Thu" \
	"$VBGEN" sign "$S2" --field head --cert "$P/head.p12" --pin-file "$P/pin"
sg_refuse "a PNG that is not a PNG" "not-a-png.png: error: the signature image is not a PNG image" \
	"$VBGEN" sign "$L" --field head --cert "$P/head.p12" --pin-file "$P/pin" --image "$D/not-a-png.png"
sg_refuse "a certificate without its private key" "nokey.p12: error: this file holds a certificate but no private key" \
	"$VBGEN" sign "$L" --field head --cert "$P/nokey.p12" --pin-file "$P/pin"
sg_refuse "a PDF another program rewrote" "rewritten.pdf: error: this PDF was rewritten by another program" \
	"$VBGEN" sign "$D/rewritten.pdf" --field head --cert "$P/head.p12" --pin-file "$P/pin"
sg_refuse "a PDF vbgen did not make" "khac.pdf: error: this PDF was not made by vbgen" \
	"$VBGEN" sign "$D/mixed/khac.pdf" --field head --cert "$P/head.p12" --pin-file "$P/pin"
sg_refuse "the print file" "letters-print.pdf: error: this file has no signing places" \
	"$VBGEN" sign "$D/letters-print.pdf" --field head --cert "$P/head.p12" --pin-file "$P/pin"

# --- damaged files: refused or signed, never a crash ----------------------------------

mkdir -p "$D/damaged"
python3 - "$S1" "$D/damaged" <<'EOF'
import random, sys
data = open(sys.argv[1], "rb").read()
rng = random.Random(30)
tail = data.rfind(b"xref")
for i in range(60):
    d = bytearray(data)
    if i < 20:  # cut somewhere in the last revisions
        d = d[:rng.randrange(len(data) - 40000, len(data))]
    else:  # a few bytes changed, mostly in the tables, trailers and dictionaries
        for _ in range(1 + i % 4):
            at = rng.randrange(tail - 2000, len(d)) if i % 2 else rng.randrange(0, len(d))
            d[at] = rng.choice(b"0123456789<>[]()/ \n%Rxref")
    open("%s/d%02d.pdf" % (sys.argv[2], i), "wb").write(bytes(d))
EOF
sg_crash=
for f in "$D"/damaged/d*.pdf; do
	"$VBGEN" -q sign "$f" --field receiver --cert "$P/head.p12" --pin-file "$P/pin" \
		-o "$D/damaged/out.pdf" >"$f.out" 2>"$f.err"
	sg_rc=$?
	rm -f "$D/damaged/out.pdf"
	if [ "$sg_rc" -ge 2 ] || grep -q "runtime error\|AddressSanitizer\|LeakSanitizer" "$f.err" ||
		{ [ "$sg_rc" -eq 1 ] && ! grep -q "error: " "$f.err"; }; then
		sg_crash="$sg_crash $(basename "$f"):$sg_rc"
	fi
done
if [ -z "$sg_crash" ] && sg_no_tmp "$D/damaged"; then
	ok "60 damaged copies: each refused with a message or signed, no crash"
else
	bad "damaged files" "$sg_crash"
fi

# --- usage --------------------------------------------------------------------------

sg_run pin-arg "$VBGEN" sign "$L" --field head --cert "$P/head.p12" --pin 1234 -o "$D/refused/x.pdf"
if [ "$sg_rc" -eq 2 ] && grep -q "there is no --pin" "$sg_base.err"; then
	ok "no PIN on the command line (exit 2)"
else
	bad "--pin" "exit $sg_rc: $(sg_err)"
fi
# no terminal (a new session has none), no --pin-file, no VBGEN_PIN
(unset VBGEN_PIN; setsid -w "$VBGEN" sign "$L" --field head --cert "$P/head.p12" \
	-o "$D/refused/y.pdf" </dev/null >"$D/notty.out" 2>"$D/notty.err")
sg_rc=$?
if [ "$sg_rc" -eq 2 ] && grep -q "there is no terminal to ask for the password" "$D/notty.err" &&
	[ ! -e "$D/refused/y.pdf" ]; then
	ok "no terminal and no PIN given: says how to give it (exit 2)"
else
	bad "no terminal" "exit $sg_rc: $(head -n 2 "$D/notty.err" | tr '\n' ' ')"
fi

# --- other keys: EC on a second token, a legacy PKCS#12 file ------------------------

if openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$P/ec.key" \
	-out "$P/ec.csr" -utf8 -subj "/CN=Phó Chủ tịch/O=UBND huyện Cam Lộ/C=VN" 2>>"$P/log" &&
	openssl x509 -req -in "$P/ec.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial \
		-out "$P/ec.pem" -days 30 -extfile "$P/ca.cnf" -extensions signer_ext 2>>"$P/log" &&
	openssl pkcs8 -topk8 -nocrypt -in "$P/ec.key" -out "$P/ec.pk8" 2>>"$P/log" &&
	openssl x509 -in "$P/ec.pem" -outform der -out "$P/ec.der" &&
	softhsm2-util --init-token --free --label "Pho chu tich" --so-pin 13579135 --pin 1357 \
		>>"$D/hsm/log" 2>&1 &&
	softhsm2-util --import "$P/ec.pk8" --token "Pho chu tich" --label pct --id 07 --pin 1357 \
		>>"$D/hsm/log" 2>&1 &&
	pkcs11-tool --module "$sg_module" --token-label "Pho chu tich" --login --pin 1357 \
		--write-object "$P/ec.der" --type cert --id 07 --label pct >>"$D/hsm/log" 2>&1; then
	rm -f "$P/ec.pk8"
	VBGEN_PIN=1357 sg_run two-tokens "$VBGEN" sign "$L" --field receiver --pkcs11 "$sg_module" \
		-o "$D/out/ec.pdf"
	sg_rc1=$sg_rc
	grep -q "2 tokens are plugged in ('Chu tich UBND', 'Pho chu tich')\|2 tokens are plugged in ('Pho chu tich', 'Chu tich UBND')" \
		"$sg_base.err"
	sg_said=$?
	VBGEN_PIN=1357 sg_run ec "$VBGEN" sign "$L" --field receiver --pkcs11 "$sg_module" \
		--token "Pho chu tich" -o "$D/out/ec.pdf"
	if ! sg_sanitizer "EC token"; then
		if [ "$sg_rc1" -eq 1 ] && [ "$sg_said" -eq 0 ] && [ "$sg_rc" -eq 0 ] &&
			sg_valid "$D/out/ec.pdf" 1; then
			ok "an EC key on the second of two tokens, chosen with --token; valid"
		else
			bad "EC token" "exit $sg_rc1 then $sg_rc: $(sg_err)"
		fi
	fi
else
	bad "EC token" "could not be made: $(tail -n 2 "$D/hsm/log" "$P/log" | tr '\n' ' ')"
fi
if openssl pkcs12 -export -legacy -inkey "$P/head.key" -in "$P/head.pem" -certfile "$P/ca.pem" \
	-out "$P/legacy.p12" -passout pass:mat-khau-1 2>>"$P/log"; then
	sg_run legacy "$VBGEN" sign "$L" --field head --cert "$P/legacy.p12" --pin-file "$P/pin" \
		-o "$D/out/legacy.pdf"
	if ! sg_sanitizer "legacy PKCS#12"; then
		if [ "$sg_rc" -eq 0 ] && sg_valid "$D/out/legacy.pdf" 1; then
			ok "a PKCS#12 file in the legacy format (RC2/3DES); valid"
		else
			bad "legacy PKCS#12" "exit $sg_rc: $(sg_err)"
		fi
	fi
else
	skip "legacy PKCS#12" "this openssl cannot write one"
fi

finish
