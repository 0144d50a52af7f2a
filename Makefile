# NalamDesk — one GNU Makefile, no configure step.
#
#   make            build the programs and the admin tool into build/bin
#   make run        install what is missing, build, and serve https://127.0.0.1:$(PORT)/
#   make test       install what tests need and run every test
#   make bench      benchmarks (long);  make fuzz, make soak, make audit: likewise
#   make install    system install (see docs/operations.md); DESTDIR and PREFIX honoured
#
# build/asan holds the same programs built with ASan and UBSan; the tests run those.

PROGRAMS := auth admin patients queue appointments billing visits changes export
VAR      ?= $(CURDIR)/var
PORT     ?= 8443
PREFIX   ?= /usr/local
BUILD    ?= build

CC       ?= cc
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wcast-qual
ifeq ($(SANITIZE),1)
OPT      := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined
else
OPT      := -O2 -g -D_FORTIFY_SOURCE=2
endif
CFLAGS   := -std=c11 -D_GNU_SOURCE -Icgi-bin/lib $(WARN) $(OPT) -fstack-protector-strong -fPIE \
            $(EXTRA_CFLAGS)
LDFLAGS  := -pie -Wl,-z,relro,-z,now $(OPT)
LDLIBS   := -lfcgi -lsqlite3 -lyajl -largon2 -lmd -lm

LIB_SRC  := $(wildcard cgi-bin/lib/*.c)
LIB_OBJ  := $(LIB_SRC:cgi-bin/lib/%.c=$(BUILD)/obj/lib/%.o)
LIB_HDR  := $(wildcard cgi-bin/lib/*.h)
# A program is cgi-bin/<name>.c, or cgi-bin/<name>/*.c when it needs more files.
PROGS    := $(foreach p,$(PROGRAMS),$(if $(wildcard cgi-bin/$(p).c cgi-bin/$(p)/*.c),$(p)))
BINS     := $(PROGS:%=$(BUILD)/bin/%) $(BUILD)/bin/nalamdesk-admin
TOOL_SRC := $(wildcard cgi-bin/tool/*.c)
SCHEMA   := $(sort $(wildcard schema/[0-9][0-9][0-9]_*.sql))

.PHONY: all asan run test bench fuzz soak audit install uninstall clean deps-run deps-test ldlibs \
	ldlibs-icu ldlibs-pwquality
.DELETE_ON_ERROR:
.SECONDEXPANSION:

all: $(BINS)

asan:
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 all

$(BUILD)/obj/lib/%.o: cgi-bin/lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libnd.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Programs: one file or one directory each, linked with the shared library.
$(BUILD)/bin/%: $(BUILD)/libnd.a $(LIB_HDR) $$(wildcard cgi-bin/$$*.c cgi-bin/$$*/*.c cgi-bin/$$*/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(BUILD)/libnd.a $(LDLIBS)

# libcrypto only where it is used: the admin program reads the TLS certificate, the tool
# encrypts backups.  The other workers need only SHA-256 (libmd).
$(BUILD)/bin/admin $(BUILD)/bin/nalamdesk-admin: LDLIBS += -lcrypto
# libpwquality where passwords are set (lib/userspw.c): auth, admin and the tool.
PWQ_LIBS := -lpwquality
$(BUILD)/bin/auth $(BUILD)/bin/admin $(BUILD)/bin/nalamdesk-admin: LDLIBS += $(PWQ_LIBS)
# ICU where names are written or keyed: transliteration (phonetic.c) where a name's sound key
# is made, the patients program and the tool (pkey.c); normal form (text.c) in the patients
# program, the admin program (staff names) and the tool (the one-time normalisation).
ICU_LIBS := -licui18n -licuuc -licudata
$(BUILD)/bin/patients $(BUILD)/bin/admin $(BUILD)/bin/nalamdesk-admin: LDLIBS += $(ICU_LIBS)
# libqrencode: the billing program draws a receipt's UPI QR code.
$(BUILD)/bin/billing: LDLIBS += -lqrencode

# The libraries a program links, for what links against libnd.a outside this file (the unit
# tests in tests/run, the fuzz targets in tests/fuzz/run).
ldlibs:
	@echo $(LDLIBS)

# The same for a module's own library: `make ldlibs-icu` (phonetic.c, text.c),
# `make ldlibs-pwquality` (userspw.c).
ldlibs-icu:
	@echo $(ICU_LIBS)

ldlibs-pwquality:
	@echo $(PWQ_LIBS)

$(BUILD)/gen/migrations.c: $(SCHEMA) cgi-bin/tool/embed-schema.sh
	@mkdir -p $(@D)
	sh cgi-bin/tool/embed-schema.sh $(SCHEMA) > $@

$(BUILD)/bin/nalamdesk-admin: $(TOOL_SRC) $(BUILD)/gen/migrations.c $(BUILD)/libnd.a \
		$(LIB_HDR) $(wildcard cgi-bin/tool/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Icgi-bin/tool $(LDFLAGS) -o $@ $(TOOL_SRC) $(BUILD)/gen/migrations.c \
		$(BUILD)/libnd.a $(LDLIBS)

deps-run:
	@sh deploy/deps.sh run

deps-test:
	@sh deploy/deps.sh test

run: deps-run
	@$(MAKE) --no-print-directory all
	@exec bash deploy/run.sh --var "$(VAR)" --port "$(PORT)" --bin "$(CURDIR)/$(BUILD)/bin"

test: deps-test
	@$(MAKE) --no-print-directory all asan
	@bash tests/run

bench:
	@sh deploy/deps.sh bench
	@$(MAKE) --no-print-directory all
	@bash tests/bench/run

fuzz:
	@sh deploy/deps.sh fuzz
	@bash tests/fuzz/run

soak:
	@$(MAKE) --no-print-directory all asan
	@bash tests/soak/run

clean:
	rm -rf build

# ------------------------------------------------------------------ system install (deploy/)
# sudo make install [PREFIX=/usr/local]: packages, the nalamdesk user, units, nginx site, CA and
# certificate, firewall; run again to upgrade in place (backup first, then migrate).
# make install DESTDIR=/tmp/x stages the same files without touching the system.
# sudo make uninstall [PURGE=1]: PURGE=1 also deletes the data and configuration.
# sudo make configure: regenerate allow-list, certificate and firewall from network.conf.
.PHONY: configure

install: all
	@bash deploy/install.sh install --prefix "$(PREFIX)" --destdir "$(DESTDIR)" \
		--bin "$(CURDIR)/$(BUILD)/bin" --src "$(CURDIR)"

uninstall:
	@bash deploy/install.sh uninstall --prefix "$(PREFIX)" --destdir "$(DESTDIR)" \
		$(if $(filter 1,$(PURGE)),--purge)

configure:
	@bash deploy/install.sh configure --prefix "$(PREFIX)" --destdir "$(DESTDIR)"

# ------------------------------------------------------------------ security scans
# make audit: sqlmap on every route and parameter, testssl.sh on the TLS listener, the role
# matrix and the security API tests (tests/audit/run; it installs sqlmap and testssl.sh itself
# when deps.sh has no `audit` purpose).
audit:
	@$(MAKE) --no-print-directory all asan
	@sh deploy/deps.sh audit 2>/dev/null; bash tests/audit/run
