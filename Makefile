# vbgen - Vietnamese official documents from one XML plan definition.
# `make` builds ./vbgen; `make check` runs every test (optimised and ASan+UBSan builds);
# `make sample` produces every document of the bundled sample; `make bench` measures.

VERSION  = 0.1.0
PREFIX  ?= /usr/local
LOCALEDIR = $(PREFIX)/share/locale
MANDIR  = $(PREFIX)/share/man
DESTDIR ?=
CC      ?= cc
PKGS     = libxml-2.0 pangocairo pangoft2 cairo fontconfig glib-2.0 harfbuzz zlib libzip \
	   libcrypto p11-kit-1 libpng lcms2
WARN     = -Wall -Wextra -Wshadow -Wformat=2 -Werror
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) \
	-Ibuild -DVBGEN_VERSION='"$(VERSION)"' -DVBGEN_DATADIR='"$(PREFIX)/share/vbgen"' -DVBGEN_LOCALEDIR='"$(LOCALEDIR)"' \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     = -Wl,-O1,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# The sanitizer build's own optimisation and debug level (after CFLAGS, so they win):
# -O1 keeps the runs of the tests fast enough; -g1 is line tables only, all a symbolized
# report needs (function, file, line), and compiles in three quarters of -g's time.
SANOPT   = -O1 -g1

SRCS     = $(wildcard gen/*.c)
LIBSRCS  = $(filter-out gen/main.c,$(SRCS))
# msg.def, the table of messages, is read by msg.h; build/msg-fmt.h is written from it.
HDRS     = $(wildcard gen/*.h) gen/msg.def build/msg-fmt.h
OBJS     = $(SRCS:gen/%.c=build/%.o)
LIBOBJS  = $(LIBSRCS:gen/%.c=build/%.o)
SANOBJS  = $(SRCS:gen/%.c=build/san/%.o)
SANLIB   = $(LIBSRCS:gen/%.c=build/san/%.o)

.PHONY: all deps check sample bench fuzz fuzz-build fuzz-deps install uninstall clean format pot FORCE

all: deps vbgen mo

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

# plan.c's tables of the plan format, written from the schema, never copied by hand.
build/plan-schema.h: schema/plan.rng tools/schema_tables.py build/.deps
	@mkdir -p build
	@echo "  GEN   $@"
	$(Q)$(PYTHON) tools/schema_tables.py schema/plan.rng $@
build/plan.o build/san/plan.o build/fuzz/plan.o: build/plan-schema.h

# Each message's text as a literal (MSG_X_FMT), so that the compiler checks the arguments
# of every call against its text (gen/msg.h); also refuses a malformed line of msg.def.
build/msg-fmt.h: gen/msg.def tools/msg_fmt.py build/.deps
	@mkdir -p build
	@echo "  GEN   $@"
	$(Q)$(PYTHON) tools/msg_fmt.py gen/msg.def $@

# The translations: po/LANG.po compiled into build/locale/LANG/LC_MESSAGES/vbgen.mo, where
# a vbgen run from this tree finds them (gen/i18n.h). --check: a translation keeps its
# text's printf conversions.
LINGUAS  = $(basename $(notdir $(wildcard po/*.po)))
MOS      = $(LINGUAS:%=build/locale/%/LC_MESSAGES/vbgen.mo)
.PHONY: mo
mo: $(MOS)
build/locale/%/LC_MESSAGES/vbgen.mo: po/%.po build/.deps
	@mkdir -p $(dir $@)
	@echo "  MSGFMT $<"
	$(Q)msgfmt --check -o $@.tmp $< && mv $@.tmp $@

# `make pot`: the messages marked in the sources (_, N_, P_) into po/vbgen.pot, and the
# translations brought up to date with it (new texts untranslated, changed ones fuzzy:
# tests/cases/po-complete fails until a translator has seen them).
XGETTEXT = xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	--keyword=P_:1,2 --keyword=NP_:1,2 --add-comments=TRANSLATORS: --package-name=vbgen \
	--package-version=$(VERSION) --no-wrap
pot:
	$(XGETTEXT) -o po/vbgen.pot $(sort $(SRCS)) gen/msg.def
	for l in $(LINGUAS); do msgmerge --quiet --update --backup=none --no-wrap \
		po/$$l.po po/vbgen.pot || exit 1; done

build/%.o: gen/%.c $(HDRS) build/.deps Makefile
	@mkdir -p build
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/san/%.o: gen/%.c $(HDRS) build/.deps Makefile
	@mkdir -p build/san
	@echo "  CC    $< (asan+ubsan)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) $(SANOPT) -c -o $@ $<

build/vbgen-san: $(SANOBJS)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $(SANOBJS) $(LIBS)

UNITSRC  = tests/unit.c tests/unit_xpath.c tests/unit_ttf.c tests/unit_pdf.c
# FreeType reads the font subsets back in the ttf tests, independently of vbgen.
UNITFLAGS = -Igen $(shell pkg-config --cflags freetype2 2>/dev/null)
UNITLIBS  = $(shell pkg-config --libs freetype2 2>/dev/null)

build/unit: $(UNITSRC) $(LIBOBJS)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(UNITFLAGS) -o $@ $(UNITSRC) $(LIBOBJS) $(LIBS) $(UNITLIBS)

build/unit-san: $(UNITSRC) $(SANLIB)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) $(SANOPT) $(UNITFLAGS) -o $@ $(UNITSRC) $(SANLIB) $(LIBS) \
		$(UNITLIBS)

# The tests' Python: Debian's python3, the one tools/deps.sh installs, rather than the
# first on PATH, which a version manager may make a shim with site hooks (0.1-0.3 s
# each start, and the tests start Python some two hundred times).
PYTHON  ?= $(firstword $(wildcard /usr/bin/python3) python3)

# Inputs too big for the repository, for the check suite (tests/gen_inputs.py).
build/testgen/.stamp: tests/gen_inputs.py
	@mkdir -p build/testgen
	$(Q)$(PYTHON) tests/gen_inputs.py build/testgen && touch $@

# `make check`: the suites of tests/driver.py (unit tests, regression inputs, cases; each
# with the optimised and with the sanitizer build; nd30check), then the one verdict line
# "N passed, N failed, N skipped". Sub-makes run two jobs at a time whatever -j was
# given: first the optimised build on both cores, then the suites, the sanitizer build
# compiling beside the suites that need only the optimised one (-o: the optimised build
# is done, so that make starts those suites first instead of waiting on paths.o's
# FORCE behind the sanitizer objects). The build and the suites' run are timed (driver.py
# time: build/tests/build.times, suites.times), for the summary's costs. flock keeps two
# `make check` in one tree from mixing their outputs. A suite's target succeeds when the
# suite ran to its end: the summary gives the verdict.
CHECK_LOCK = $(shell command -v flock >/dev/null 2>&1 && echo flock build/.check.lock)
DRIVER   = $(PYTHON) tests/driver.py
SUBMAKE  = $(MAKE) --no-print-directory -j2

check: deps
	@mkdir -p build
	@$(CHECK_LOCK) sh -c '$(DRIVER) time build $(SUBMAKE) vbgen mo build/unit && \
		$(DRIVER) time suites $(SUBMAKE) -k -o vbgen -o build/unit check-suites; \
		$(DRIVER) summary'

# The cases with the optimised build first: cases-san and nd30 read their outputs.
check-suites: check-cases check-unit check-check check-nd30 check-cases-san check-unit-san \
	check-check-san

check-cases: vbgen
	@$(DRIVER) cases || [ -s build/tests/cases.result ]
check-unit: build/unit
	@$(DRIVER) unit || [ -s build/tests/unit.result ]
check-check: vbgen build/testgen/.stamp
	@$(DRIVER) check || [ -s build/tests/check.result ]
# compares each case's outputs with those of the optimised run: after check-cases
check-cases-san: build/vbgen-san check-cases
	@$(DRIVER) cases-san || [ -s build/tests/cases-san.result ]
# the records office's checker on the documents the cases wrote, beside check-cases-san
check-nd30: check-cases
	@$(DRIVER) nd30 || [ -s build/tests/nd30.result ]
check-unit-san: build/unit-san
	@$(DRIVER) unit-san || [ -s build/tests/unit-san.result ]
check-check-san: build/vbgen-san build/testgen/.stamp
	@$(DRIVER) check-san || [ -s build/tests/check-san.result ]

.PHONY: check-suites check-cases check-unit check-check check-nd30 check-cases-san \
	check-unit-san check-check-san

# Every document of each bundled sample into out/SAMPLE/, as PDF and as Word files (.docx).
SAMPLES = $(wildcard samples/*.xml)
sample: deps vbgen
	@for s in $(SAMPLES); do \
		n=$$(basename $$s .xml); \
		echo "./vbgen check $$s && ./vbgen all $$s -o out/$$n --docx"; \
		./vbgen check $$s && ./vbgen all $$s -o out/$$n --docx || exit 1; \
	done

# Speed and memory, measured (never asserted): see tools/bench.sh and the README.
build/bare: tests/bare.c build/.deps
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ tests/bare.c $(LIBS)

bench: deps vbgen build/bare
	sh tools/bench.sh

# Fuzzing (tests/fuzz/README): libFuzzer targets built with clang (Debian's clang, which
# fuzz-deps installs as root or says how to install), ASan and UBSan. `make fuzz` runs each for
# FUZZ_TIME seconds, one after another, from the seed corpus; findings go to
# build/fuzz/findings/. `make fuzz-build` only builds them.
FUZZCC    ?= clang
FUZZ_TIME ?= 60
# clang's -Wformat=2 also flags diag_v's vsnprintf of its checked format: gcc's does not.
FUZZSAN   = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
	    -Wno-format-nonliteral
FUZZOBJS  = $(LIBSRCS:gen/%.c=build/fuzz/%.o) build/fuzz/fuzz.o
FUZZERS   = build/fuzz/fuzz_plan build/fuzz/fuzz_template build/fuzz/fuzz_layout

build/fuzz/%.o: gen/%.c $(HDRS) build/.deps Makefile
	@mkdir -p build/fuzz
	@echo "  CC    $< (fuzz)"
	$(Q)$(FUZZCC) $(ALL_CFLAGS) $(FUZZSAN) -fsanitize=fuzzer-no-link -O1 -c -o $@ $<

build/fuzz/fuzz.o: tests/fuzz/fuzz.c tests/fuzz/fuzz.h $(HDRS) build/.deps Makefile
	@mkdir -p build/fuzz
	@echo "  CC    $< (fuzz)"
	$(Q)$(FUZZCC) $(ALL_CFLAGS) $(FUZZSAN) -Igen -O1 -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZOBJS)
	@echo "  LINK  $@"
	$(Q)$(FUZZCC) $(ALL_CFLAGS) $(FUZZSAN) -fsanitize=fuzzer -Igen -O1 -o $@ $< $(FUZZOBJS) \
		$(LIBS)

# clang only for fuzzing: not in everyone's tools/deps.sh list
fuzz-deps: deps
	@command -v $(FUZZCC) >/dev/null 2>&1 || sh tools/deps.sh clang

$(FUZZOBJS) $(FUZZERS): | fuzz-deps

fuzz-build: fuzz-deps $(FUZZERS)

fuzz: fuzz-build
	FUZZ_TIME=$(FUZZ_TIME) sh tests/fuzz/run.sh

install: vbgen mo
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/vbgen
	install -m 755 vbgen $(DESTDIR)$(PREFIX)/bin/vbgen
	for l in $(LINGUAS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 644 build/locale/$$l/LC_MESSAGES/vbgen.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/vbgen.mo || exit 1; done
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/vi/man1
	install -m 644 man/vbgen.1 $(DESTDIR)$(MANDIR)/man1/vbgen.1
	install -m 644 man/vi/man1/vbgen.1 $(DESTDIR)$(MANDIR)/vi/man1/vbgen.1
	cp -R templates fonts schema $(DESTDIR)$(PREFIX)/share/vbgen/
	install -d $(DESTDIR)$(PREFIX)/share/doc/vbgen
	cp -R README.md docs samples $(DESTDIR)$(PREFIX)/share/doc/vbgen/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vbgen $(DESTDIR)$(MANDIR)/man1/vbgen.1 \
		$(DESTDIR)$(MANDIR)/vi/man1/vbgen.1
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/vbgen.mo; done
	rm -rf $(DESTDIR)$(PREFIX)/share/vbgen $(DESTDIR)$(PREFIX)/share/doc/vbgen

format:
	clang-format -i gen/*.c gen/*.h tests/*.c

clean:
	rm -rf build vbgen out
