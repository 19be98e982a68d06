# gazette — plain Makefile, dependencies through pkg-config.
#
#   make deps       install the Debian packages (scripts/deps.sh)
#   make / all      build ./gazette (and gazette-core.so and the modules it loads)
#   make run        deps + build + the sample site in public/
#   make test       deps + build + every test
#   make test-asan  the unit and end-to-end tests under ASan/UBSan
#   make bench      gazette against Hugo and WeasyPrint on generated corpora
#   make install    PREFIX=/usr/local DESTDIR=  (binary, theme, man pages, catalogs, bash completion)
#   make uninstall  the same PREFIX and DESTDIR
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (fuzz-smoke: 20 s each)
#   make format / lint / clean

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
# gazette-core.so links CORE_PKGS; the modules it loads when they are first
# needed (base/module.h) link the rest: the photo, PDF and zip code (MEDIASRC,
# with MEDIA_PKGS) is gazette-media.so, libgit2 (GIT_PKGS) gazette-git.so,
# libmicrohttpd (HTTP_PKGS) gazette-http.so for serve and desk
CORE_PKGS = libcmark-gfm lua5.4 yaml-0.1 sqlite3 libdeflate libsodium
MEDIA_PKGS = vips pangocairo cairo libqrencode libarchive
GIT_PKGS = libgit2
HTTP_PKGS = libmicrohttpd
PKGS = $(CORE_PKGS) $(MEDIA_PKGS) $(GIT_PKGS) $(HTTP_PKGS)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CORE_LIBS = $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null)
MEDIA_LIBS = $(shell pkg-config --libs $(MEDIA_PKGS) 2>/dev/null)
GIT_LIBS = $(shell pkg-config --libs $(GIT_PKGS) 2>/dev/null)
HTTP_LIBS = $(shell pkg-config --libs $(HTTP_PKGS) 2>/dev/null)

WARN = -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes -Wshadow -Wformat=2 \
	-Wno-unused-parameter
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
OPT ?= -O2 -g
# where libvips is installed: the program sets VIPSHOME to it (cli/main.c)
VIPS_PREFIX = $(shell pkg-config --variable=prefix vips 2>/dev/null)
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -pthread -fPIC -fvisibility=hidden $(OPT) $(WARN) -Igenerator $(PKG_CFLAGS) \
	$(if $(VIPS_PREFIX),-DGZ_VIPS_PREFIX='"$(VIPS_PREFIX)"') -MMD -MP $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lm -pthread $(LDLIBS)

# generator/<stage>/: the folders, in the order data flows through them, are
# listed (and their include order checked) in tests/layers.sh
SRC = $(wildcard generator/*/*.c)
MEDIASRC = $(patsubst %,generator/media/%.c,image pdf qr zip mediaapi)
GITSRC = generator/source/gitapi.c
HTTPSRC = generator/cli/serve_mhdapi.c
LIBSRC = $(filter-out generator/cli/main.c $(MEDIASRC) $(GITSRC) $(HTTPSRC),$(SRC))
UNITSRC = $(wildcard tests/unit/*.c)

B ?= build/release
OBJ = $(SRC:generator/%.c=$(B)/%.o)
LIBOBJ = $(LIBSRC:generator/%.c=$(B)/%.o)
MEDIAOBJ = $(MEDIASRC:generator/%.c=$(B)/%.o) $(B)/base/alloc.o $(B)/base/buf.o
GITOBJ = $(GITSRC:generator/%.c=$(B)/%.o)
HTTPOBJ = $(HTTPSRC:generator/%.c=$(B)/%.o)
MODULES = $(B)/gazette-media.so $(B)/gazette-git.so $(B)/gazette-http.so
# the unit tests and fuzz targets link the photo and PDF code and the libraries
# themselves, not the calls that load the modules (media.c, gitload.c, serve_mhd.c)
TESTOBJ = $(filter-out $(B)/media/media.o $(B)/source/gitload.o $(B)/cli/serve_mhd.o,$(LIBOBJ)) \
	$(MEDIASRC:generator/%.c=$(B)/%.o)
UNITOBJ = $(UNITSRC:tests/unit/%.c=$(B)/unit/%.o)
# The executable answers `archive search` with SQLite alone and loads the rest
# (gazette-core.so, every other command) only when needed: see main.c.
MAINOBJ = $(patsubst %,$(B)/%.o,cli/main archive/archivecmd archive/archive load/searchtext load/pagefm \
	base/alloc base/buf base/date base/diag base/i18n base/strlist base/text base/tokenize)

# intercept_tls_get_addr=0: GCC 12's sanitizer runtime guesses where a block
# of a dlopen'd library's thread-local storage begins from a header glibc no
# longer writes; when the block lands 16 bytes into a page it records a range
# like 0x463-0x800001565, and the leak check at exit crashes reading it
# ("Tracer caught signal 11", at times, in builds that made photos). The
# blocks are still scanned, as heap memory the thread's TLS points to.
ASAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

.PHONY: all catalogs pot deps run test test-unit test-e2e test-asan bench install uninstall format lint clean fuzz fuzz-build fuzz-smoke photos screenshots

all: gazette catalogs

gazette: $(B)/gazette $(B)/gazette-core.so $(MODULES)
	@# copied beside and renamed over: a gazette still running (serve, a test)
	@# keeps the files it mapped instead of dying of SIGBUS as they change
	@for f in $(B)/gazette-core.so $(MODULES); do \
		cp $$f $$(basename $$f).new && mv -f $$(basename $$f).new $$(basename $$f) || exit 1; \
	done
	cp $< $@.new && mv -f $@.new $@

$(B)/gazette: $(MAINOBJ)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(shell pkg-config --libs sqlite3) -ldl -pthread $(LDLIBS)

$(B)/gazette-core.so: $(LIBOBJ)
	$(CC) $(CFLAGS_ALL) -shared -Wl,-z,defs -o $@ $^ $(CORE_LIBS) -ldl -lm -pthread $(LDLIBS)

$(B)/gazette-media.so: $(MEDIAOBJ)
	$(CC) $(CFLAGS_ALL) -shared -Wl,-z,defs -o $@ $^ $(MEDIA_LIBS) -lm -pthread $(LDLIBS)

$(B)/gazette-git.so: $(GITOBJ)
	$(CC) $(CFLAGS_ALL) -shared -Wl,-z,defs -o $@ $^ $(GIT_LIBS) -pthread $(LDLIBS)

$(B)/gazette-http.so: $(HTTPOBJ)
	$(CC) $(CFLAGS_ALL) -shared -Wl,-z,defs -o $@ $^ $(HTTP_LIBS) -pthread $(LDLIBS)

# objects are built again when the flags here change (-fPIC for gazette-core.so)
$(B)/%.o: generator/%.c Makefile | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/unit/%.o: tests/unit/%.c | $(B)
	@mkdir -p $(B)/unit
	$(CC) $(CFLAGS_ALL) -Igenerator -c -o $@ $<

$(B)/unit-tests: $(TESTOBJ) $(UNITOBJ)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(B):
	@mkdir -p $(B)

# Translations (base/i18n.h): po/<lang>.po compiled into build/locale/, where
# the program in the source tree finds them. `make pot` gathers the
# messages marked _() and N_() into po/gazette.pot and merges them into
# every po/<lang>.po (tests/e2e/i18n.sh fails on one left untranslated).
LANGS = $(basename $(notdir $(wildcard po/*.po)))
CATALOGS = $(LANGS:%=build/locale/%/LC_MESSAGES/gazette.mo)
catalogs: $(CATALOGS)
build/locale/%/LC_MESSAGES/gazette.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<
pot:
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=P_:1,2 \
		--add-comments=TRANSLATORS: --package-name=gazette --msgid-bugs-address= \
		-o po/gazette.pot $(sort $(SRC) $(wildcard generator/*/*.h))
	xgettext --from-code=UTF-8 --language=Lua --keyword=_ --join-existing \
		--add-comments=TRANSLATORS: -o po/gazette.pot $(sort $(wildcard themes/default/print/*.lua))
	for l in $(LANGS); do msgmerge -q --update --backup=none --no-fuzzy-matching po/$$l.po po/gazette.pot; done

deps:
	@sh scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	./gazette build
	@echo "sample site written to public/ (open public/index.html)"

test: deps
	@$(MAKE) --no-print-directory all $(B)/unit-tests
	@sh tests/run.sh $(B)/unit-tests ./gazette

test-asan: deps
	@$(MAKE) --no-print-directory catalogs
	@$(MAKE) --no-print-directory B=build/asan OPT="$(ASAN_FLAGS)" build/asan/gazette \
		build/asan/gazette-core.so build/asan/gazette-media.so build/asan/gazette-git.so \
		build/asan/gazette-http.so \
		build/asan/unit-tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:intercept_tls_get_addr=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		GAZETTE_NO_BROWSER=1 sh tests/run.sh build/asan/unit-tests build/asan/gazette

# Redraw the sample site's photos with libvips (they are committed).
photos: deps
	sh scripts/mkphotos.sh content

# Against Hugo (site, photos), WeasyPrint (print) and Pagefind (search),
# then gazette's own: git builds, Lua hooks, the archive.
# The sample's print pages as PNGs for the README (docs/img/): the leaflet's
# two sides and the brochure's first six pages, through poppler's pdftoppm;
# and the editing desk's screens, through its headless-Chromium test.
screenshots: all
	./gazette print content/leaflets/medical-insurance.md -o build/leaflet.pdf
	./gazette print content/brochures/typical-cases-2019.yml -o build/brochure.pdf
	mkdir -p docs/img
	pdftoppm -r 45 -png build/leaflet.pdf docs/img/leaflet
	pdftoppm -r 45 -f 1 -l 6 -png build/brochure.pdf docs/img/brochure
	rm -rf build/desk-shots && mkdir -p build/desk-shots
	ROOT=$(CURDIR) GAZETTE=$(CURDIR)/gazette TMPDIR=$(CURDIR)/build/desk-shots \
		XDG_CACHE_HOME=$(CURDIR)/build/desk-shots/.xdg-cache DESK_SHOTS=$(CURDIR)/docs/img \
		sh tests/e2e/desk_browser.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/bench.sh
	@sh scripts/bench-photos.sh
	@sh scripts/bench-print.sh
	@sh scripts/bench-git.sh
	@sh scripts/bench-hooks.sh
	@sh scripts/bench-search.sh
	@sh scripts/bench-archive.sh bench/search/archive

# libFuzzer targets for every parser of user input, and for the Lua sandbox
# (hooks: random hook programs from a small grammar), seeded from tests/fuzz/corpus
# and, for templates, from the real layouts (what they find stays in build/fuzz/corpus-NAME). `make fuzz` runs each for
# FUZZ_SECONDS (hooks: FUZZ_HOOKS_SECONDS); `make fuzz-smoke` (CI) for 20 s each, hooks 60 s.
# A crash stops with the input in build/fuzz/crash-*; the last line per target is libFuzzer's
# "Done N runs in S second(s)".
FUZZ_SECONDS ?= 30
FUZZ_HOOKS_SECONDS ?= $(FUZZ_SECONDS)
FUZZ_TARGETS = yaml config template markdown shortcode tokenize query manifest sanitize hooks
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_LIBOBJ = $(TESTOBJ:$(B)/%=build/fuzz/%)
fuzz-build: deps
	@$(MAKE) -s --no-print-directory B=build/fuzz CC=clang OPT="$(FUZZ_FLAGS)" $(FUZZ_LIBOBJ)
	@for t in $(FUZZ_TARGETS); do \
		clang $(FUZZ_FLAGS) -fsanitize=fuzzer -std=c11 -D_GNU_SOURCE -Igenerator $(PKG_CFLAGS) \
			-o build/fuzz/fuzz_$$t tests/fuzz/fuzz_$$t.c $(FUZZ_LIBOBJ) $(LDLIBS_ALL) || exit 1; \
	done

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus-$$t; \
		seeds=tests/fuzz/corpus/$$t; \
		[ $$t = template ] && seeds="$$seeds themes/default/layouts tests/fixtures/golden-theme/layouts"; \
		secs=$(FUZZ_SECONDS); [ $$t = hooks ] && secs=$(FUZZ_HOOKS_SECONDS); \
		printf 'fuzz %-10s %ss: ' $$t $$secs; \
		if UBSAN_OPTIONS=print_stacktrace=1 build/fuzz/fuzz_$$t -max_total_time=$$secs \
			-max_len=65536 -timeout=20 -rss_limit_mb=2048 -artifact_prefix=build/fuzz/ \
			build/fuzz/corpus-$$t $$seeds >build/fuzz/fuzz_$$t.log 2>&1; then \
			grep '^Done' build/fuzz/fuzz_$$t.log || tail -n 1 build/fuzz/fuzz_$$t.log; \
		else \
			echo FAILED; tail -n 40 build/fuzz/fuzz_$$t.log; exit 1; \
		fi; \
	done

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20 FUZZ_HOOKS_SECONDS=60

# The binary finds the theme as <exe>/../share/gazette/themes/ and the rest of
# itself as <exe>/../lib/gazette/gazette-core.so, so an installed gazette needs
# no source tree. uninstall removes exactly these.
BINDIR = $(DESTDIR)$(PREFIX)/bin
LIBDIR = $(DESTDIR)$(PREFIX)/lib/gazette
INSTALL_BIN ?= gazette
SHAREDIR = $(DESTDIR)$(PREFIX)/share
# the man page's translations: man/<lang>/gazette.1
MANLANGS = $(notdir $(patsubst %/,%,$(dir $(wildcard man/*/gazette.1))))
install: all
	install -d $(BINDIR) $(LIBDIR) $(SHAREDIR)/gazette/themes $(SHAREDIR)/man/man1 \
		$(SHAREDIR)/bash-completion/completions
	install -m 755 $(INSTALL_BIN) $(BINDIR)/gazette
	install -m 644 $(dir $(INSTALL_BIN))gazette-core.so $(LIBDIR)/gazette-core.so
	install -m 644 $(dir $(INSTALL_BIN))gazette-media.so $(LIBDIR)/gazette-media.so
	install -m 644 $(dir $(INSTALL_BIN))gazette-git.so $(LIBDIR)/gazette-git.so
	install -m 644 $(dir $(INSTALL_BIN))gazette-http.so $(LIBDIR)/gazette-http.so
	rm -rf $(SHAREDIR)/gazette/themes/default
	cp -R themes/default $(SHAREDIR)/gazette/themes/
	chmod -R u=rwX,go=rX $(SHAREDIR)/gazette/themes/default
	install -m 644 man/gazette.1 $(SHAREDIR)/man/man1/gazette.1
	for l in $(MANLANGS); do install -d $(SHAREDIR)/man/$$l/man1; \
		install -m 644 man/$$l/gazette.1 $(SHAREDIR)/man/$$l/man1/gazette.1; done
	for l in $(LANGS); do install -d $(SHAREDIR)/locale/$$l/LC_MESSAGES; \
		install -m 644 build/locale/$$l/LC_MESSAGES/gazette.mo $(SHAREDIR)/locale/$$l/LC_MESSAGES/gazette.mo; done
	install -m 644 completion/gazette.bash $(SHAREDIR)/bash-completion/completions/gazette

uninstall:
	rm -f $(BINDIR)/gazette $(LIBDIR)/gazette-core.so $(LIBDIR)/gazette-media.so \
		$(LIBDIR)/gazette-git.so $(LIBDIR)/gazette-http.so $(SHAREDIR)/man/man1/gazette.1 \
		$(SHAREDIR)/bash-completion/completions/gazette
	-rmdir $(LIBDIR) 2>/dev/null
	rm -rf $(SHAREDIR)/gazette/themes/default
	for l in $(LANGS); do rm -f $(SHAREDIR)/locale/$$l/LC_MESSAGES/gazette.mo; done
	for l in $(MANLANGS); do rm -f $(SHAREDIR)/man/$$l/man1/gazette.1; done
	-rmdir $(SHAREDIR)/gazette/themes $(SHAREDIR)/gazette 2>/dev/null

format:
	clang-format -i generator/*/*.c generator/*/*.h tests/unit/*.c tests/unit/*.h

lint:
	clang-tidy --quiet generator/*/*.c -- -std=c11 -D_GNU_SOURCE $(PKG_CFLAGS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem -Igenerator generator

clean:
	rm -rf build gazette gazette-core.so gazette-media.so gazette-git.so gazette-http.so public .gazette bench

-include $(OBJ:.o=.d) $(UNITOBJ:.o=.d)
