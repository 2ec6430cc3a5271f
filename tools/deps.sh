#!/bin/sh
# deps.sh - make sure every Debian package that vbgen's build, fonts and tests need is
# installed. As root it installs the missing ones with apt-get; otherwise it prints the
# exact command to run and fails, so that `make` stops with a clear reason.
# Signing (`vbgen sign`) builds with OpenSSL, p11-kit and libpng; its tests use openssl,
# SoftHSM2 (a token in software), opensc's pkcs11-tool, NSS's certutil and qpdf.
# PDF/A: the sRGB profile of the output intent is made by LittleCMS (liblcms2-dev).
# Translations are compiled with gettext's msgfmt; the manual pages are checked with mandoc.
ALL_PKGS="build-essential pkg-config libxml2-dev libxml2-utils libglib2.0-dev libpango1.0-dev libcairo2-dev libfontconfig-dev fonts-liberation2 poppler-utils mupdf-tools python3 zlib1g-dev libharfbuzz-dev qpdf libfreetype-dev libzip-dev libreoffice-writer-nogui unzip libssl-dev libp11-kit-dev libpng-dev openssl softhsm2 opensc libnss3-tools gettext mandoc liblcms2-dev"
# deps.sh PACKAGE...: those packages instead (make fuzz-deps: clang)
PKGS=${*:-$ALL_PKGS}
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "vbgen: installing missing packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing && exit 0
	echo "vbgen: apt-get could not install:$missing" >&2
	exit 1
fi
echo "vbgen: these Debian packages are missing:$missing" >&2
echo "vbgen: install them with:  sudo apt-get install$missing" >&2
exit 1
