# vbgen - Vietnamese official documents from one XML plan definition.
# `make` builds ./vbgen; `make check` runs every test (plain, then under ASan+UBSan);
# `make sample` produces every document of the bundled sample; `make bench` measures.

VERSION  = 0.1.0
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS     = libxml-2.0 pangocairo pangoft2 cairo fontconfig glib-2.0 harfbuzz zlib \
	   libcrypto p11-kit-1 libpng
WARN     = -Wall -Wextra -Wshadow -Wformat=2 -Werror
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) \
	-DVBGEN_VERSION='"$(VERSION)"' -DVBGEN_DATADIR='"$(PREFIX)/share/vbgen"' \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     = -Wl,-O1,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

SRCS     = $(wildcard gen/*.c)
LIBSRCS  = $(filter-out gen/main.c,$(SRCS))
HDRS     = $(wildcard gen/*.h)
OBJS     = $(SRCS:gen/%.c=build/%.o)
LIBOBJS  = $(LIBSRCS:gen/%.c=build/%.o)
SANOBJS  = $(SRCS:gen/%.c=build/san/%.o)
SANLIB   = $(LIBSRCS:gen/%.c=build/san/%.o)

.PHONY: all deps check sample bench install uninstall clean format FORCE

all: deps vbgen

# The dependency step: installs missing Debian packages as root, or says what to run.
deps: build/.deps
build/.deps: tools/deps.sh
	@sh tools/deps.sh
	@mkdir -p build && touch $@

# Quiet by default: `make V=1` shows the whole commands.
Q = $(if $(V),,@)

vbgen: $(OBJS)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(OBJS) $(LIBS)

# paths.c has PREFIX compiled in: rebuild it when PREFIX changes.
build/.prefix: FORCE
	@mkdir -p build
	@echo "$(PREFIX)" | cmp -s - $@ || echo "$(PREFIX)" > $@
build/paths.o build/san/paths.o: build/.prefix
FORCE:

build/%.o: gen/%.c $(HDRS) build/.deps Makefile
	@mkdir -p build
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/san/%.o: gen/%.c $(HDRS) build/.deps Makefile
	@mkdir -p build/san
	@echo "  CC    $< (asan+ubsan)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -O1 -c -o $@ $<

build/vbgen-san: $(SANOBJS)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $(SANOBJS) $(LIBS)

UNITSRC  = tests/unit.c tests/unit_xpath.c

build/unit: $(UNITSRC) $(LIBOBJS)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Igen -o $@ $(UNITSRC) $(LIBOBJS) $(LIBS)

build/unit-san: $(UNITSRC) $(SANLIB)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -Igen -o $@ $(UNITSRC) $(SANLIB) $(LIBS)

# Every test twice: the optimised build, then the sanitizer build. tests/run.sh prints
# the final "N passed, N failed" line and fails when anything failed.
check: deps vbgen build/unit build/vbgen-san build/unit-san
	@sh tests/run.sh ./vbgen build/unit ./build/vbgen-san build/unit-san

# Every document of the bundled sample into out/.
sample: deps vbgen
	./vbgen check samples/par-index-2023.xml
	./vbgen all samples/par-index-2023.xml -o out

# Speed and memory, measured (never asserted): see tools/bench.sh and the README.
build/bare: tests/bare.c build/.deps
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ tests/bare.c $(LIBS)

bench: deps vbgen build/bare
	sh tools/bench.sh

install: vbgen
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/vbgen
	install -m 755 vbgen $(DESTDIR)$(PREFIX)/bin/vbgen
	cp -R templates fonts schema $(DESTDIR)$(PREFIX)/share/vbgen/
	install -d $(DESTDIR)$(PREFIX)/share/doc/vbgen
	cp -R README.md docs samples $(DESTDIR)$(PREFIX)/share/doc/vbgen/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vbgen
	rm -rf $(DESTDIR)$(PREFIX)/share/vbgen $(DESTDIR)$(PREFIX)/share/doc/vbgen

format:
	clang-format -i gen/*.c gen/*.h tests/*.c

clean:
	rm -rf build vbgen out
