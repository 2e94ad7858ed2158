# Makefile - build, test and install vsrsim (GNU make 4.3 or later).
#
#   make            bin/vsrsim and data/costs.db
#   make run        the main job: figure 2 of the paper into results/
#   make test       unit tests, the paper claims, the bad inputs, then
#                   vsrcal and vsrsim validate on the live test router
#   make paper      every paper figure, plotted, and plots/paper/report.md
#   make bench      wall time and events/s on fixed scenarios
#   make asan|ubsan unit tests built with sanitizers, in build-asan|build-ubsan
#   make deps       install missing Debian 12 packages (tools/deps.sh)
#   make format | clean | install
#
# Knobs (set on the command line or in the environment): CC, CFLAGS, LDFLAGS,
# PREFIX, DESTDIR, JOBS, BUILD. -Werror is added when CI is set.
# External libraries come only through pkg-config.

# CC has a built-in default (cc), which ?= would keep; replace only that.
ifeq ($(origin CC),default)
CC = gcc
endif
CC      ?= gcc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
PREFIX  ?= /usr/local
JOBS    ?= 2
BUILD   ?= build

WARN = -std=c11 -Wall -Wextra -Wshadow -Wundef -Wwrite-strings \
       -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
       -Wformat=2
ifdef CI
WARN += -Werror
endif
# -iquote: sim/sched.h is found by #include "sched.h", never by <sched.h>.
CPPFLAGS += -D_GNU_SOURCE -iquote sim
DEPFLAGS  = -MMD -MP

# The default build puts the program in bin/; others (asan, ubsan, or any
# BUILD=dir) keep everything, the program included, under their own dir.
ifeq ($(BUILD),build)
BINDIR := bin
else
BINDIR := $(BUILD)/bin
endif

# pkg-config is asked at most once, and only when a recipe first needs the
# flags: after `deps` has run, so a fresh machine can install them first.
PKGS       = gsl libconfig sqlite3
CALIB_PKGS = $(PKGS) libvirt libvirt-qemu
TEST_PKGS  = $(CALIB_PKGS) cmocka
PKG_CFLAGS      = $(eval PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS        = $(eval PKG_LIBS := $(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
CALIB_PKG_CFLAGS = $(eval CALIB_PKG_CFLAGS := $(shell pkg-config --cflags $(CALIB_PKGS)))$(CALIB_PKG_CFLAGS)
CALIB_PKG_LIBS   = $(eval CALIB_PKG_LIBS := $(shell pkg-config --libs $(CALIB_PKGS)))$(CALIB_PKG_LIBS)
TEST_PKG_CFLAGS = $(eval TEST_PKG_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS)))$(TEST_PKG_CFLAGS)
TEST_PKG_LIBS   = $(eval TEST_PKG_LIBS := $(shell pkg-config --libs $(TEST_PKGS)))$(TEST_PKG_LIBS)

SIM_SRCS  := $(sort $(wildcard sim/*.c))
SIM_OBJS  := $(SIM_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/schema_sql.o
LIB_OBJS  := $(filter-out $(BUILD)/sim/main.o,$(SIM_OBJS))
CAL_SRCS  := $(sort $(wildcard calib/*.c))
CAL_OBJS  := $(CAL_SRCS:%.c=$(BUILD)/%.o)
CAL_LIB_OBJS := $(filter-out $(BUILD)/calib/main.o,$(CAL_OBJS))
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)
TEST_BINS := $(TEST_SRCS:%.c=$(BUILD)/%)
# tests/fixture.c: set-up helpers that every test program links with.
TEST_LIB_OBJS := $(BUILD)/tests/fixture.o
CLAIMS    := tests/bad-scenarios.sh tests/sweep.sh tests/install.sh tests/live.sh

# data/costs.db: the schema first, then every other data/*.sql in name order.
DATA_SQL := $(sort $(filter-out data/schema.sql,$(wildcard data/*.sql)))

.DELETE_ON_ERROR:
.PHONY: all run test test-unit paper bench asan ubsan valgrind deps format clean \
        install FORCE

all: $(BINDIR)/vsrsim $(BINDIR)/vsrcal data/costs.db

# `run` and `test` install missing packages before building anything. Make
# 4.3 has no .WAIT, so the order is kept by making every build step wait
# for `deps` (order-only) whenever one of them is a goal.
ifneq ($(filter run test,$(MAKECMDGOALS)),)
$(SIM_OBJS) $(CAL_OBJS) $(TEST_OBJS) $(TEST_LIB_OBJS) data/costs.db: | deps
endif

deps:
	@sh tools/deps.sh

# ---- program and unit tests

$(BINDIR)/vsrsim: $(SIM_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

# data/schema.sql as a C string, so that sim/store.c can create the
# calibration tables in a new file from the one documented schema.
$(BUILD)/gen/schema_sql.c: data/schema.sql
	@mkdir -p $(@D)
	{ echo '/* Generated from data/schema.sql by the Makefile. */'; \
	  echo 'extern const char schema_sql[];'; \
	  echo 'const char schema_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

$(BUILD)/sim/%.o: sim/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# vsrcal: calib/ on top of the simulator's scenario, store and stats.
$(BINDIR)/vsrcal: $(CAL_OBJS) $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CALIB_PKG_LIBS) $(LDLIBS)

$(BUILD)/calib/%.o: calib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -iquote calib $(WARN) $(CFLAGS) $(CALIB_PKG_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -iquote calib $(WARN) $(CFLAGS) $(TEST_PKG_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# Each tests/test_X.c links with tests/fixture.c and every sim and calib
# object except the two main.o. A static pattern rule, so that make keeps
# the test objects (no intermediates).
$(TEST_BINS): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_LIB_OBJS) \
              $(CAL_LIB_OBJS) $(LIB_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TEST_PKG_LIBS) $(LDLIBS)

# plot.c looks for installed plots under VSRSIM_SHAREDIR. The value is
# kept in a stamp file that changes only with PREFIX, so that changing
# PREFIX rebuilds plot.o and nothing else.
SHAREDIR = $(PREFIX)/share/vsrsim
$(BUILD)/sim/plot.o: CPPFLAGS += -DVSRSIM_SHAREDIR='"$(SHAREDIR)"'
$(BUILD)/sim/plot.o: $(BUILD)/sharedir.stamp
$(BUILD)/sharedir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(SHAREDIR)' | cmp -s - $@ || echo '$(SHAREDIR)' > $@

-include $(SIM_OBJS:.o=.d) $(CAL_OBJS:.o=.d) $(TEST_OBJS:.o=.d) \
         $(TEST_LIB_OBJS:.o=.d)

# ---- cost-model database

# Built into a temporary file and renamed, so a failed build leaves no
# costs.db behind; sqlite3 -bail stops at the first bad statement.
data/costs.db: data/schema.sql $(DATA_SQL)
	@rm -f $@
	set -e; tmp=$@.tmp-$$$$; \
	trap 'rm -f "$$tmp"' EXIT; trap 'exit 1' HUP INT TERM; \
	cat $^ | sqlite3 -bail "$$tmp"; \
	mv -f "$$tmp" $@

# ---- jobs

run: deps all
	@mkdir -p results
	rm -f results/results.db
	$(BINDIR)/vsrsim run models/paper/fig02.cfg --jobs $(JOBS) \
	    --csv results/fig02.csv --plot results/fig02.png \
	    --db results/results.db

# Every models/paper/ scenario at full fidelity, then the report of every
# claim (plots/paper/report.md), which names the commit it was made from.
paper: all
	$(BINDIR)/vsrsim paper --jobs $(JOBS) \
	    --commit "$$(git describe --always --dirty 2>/dev/null || echo unknown)"

# tests/run-unit.sh runs each program in turn, stops at the first failure
# and ends with "N passed, M failed". The claims script, when present, is
# run last and counts as one program.
test: deps all $(TEST_BINS) $(SLEEPER_SHARE)
	VSRSIM_SRCDIR=$(CURDIR) VSRSIM_BIN=$(CURDIR)/$(BINDIR)/vsrsim \
	    VSRCAL_BIN=$(CURDIR)/$(BINDIR)/vsrcal \
	    sh tests/run-unit.sh $(TEST_BINS) $(CLAIMS)

test-unit: $(TEST_BINS) $(SLEEPER_SHARE)
	VSRSIM_SRCDIR=$(CURDIR) sh tests/run-unit.sh $(TEST_BINS)

bench: all $(BINDIR)/bench-tandem $(BINDIR)/bench-engine
	VSRSIM_BIN=$(BINDIR)/vsrsim TANDEM_BIN=$(BINDIR)/bench-tandem \
	    ENGINE_BIN=$(BINDIR)/bench-engine BENCH_BUILD=$(BUILD)/bench \
	    sh bench/run.sh

# tests/testbed/sleeper-share.c: the share Linux's fair class gives a thread
# that sleeps often; tests/test_sched.c holds the simulated class to it.
SLEEPER_SHARE := $(BUILD)/tests/testbed/sleeper-share
$(SLEEPER_SHARE): tests/testbed/sleeper-share.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $<

# bench/tandem.c: a tandem-queue model on the event engine alone, for bench.
TANDEM_OBJS := $(addprefix $(BUILD)/sim/,args.o des.o eventq.o rng.o pktq.o err.o)

$(BINDIR)/bench-tandem: $(BUILD)/bench/tandem.o $(TANDEM_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

# bench/engine.c: the bare event loop (des, eventq) under a hold model.
ENGINE_OBJS := $(addprefix $(BUILD)/sim/,args.o des.o eventq.o rng.o err.o)

$(BINDIR)/bench-engine: $(BUILD)/bench/engine.o $(ENGINE_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

$(BUILD)/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -c -o $@ $<

-include $(BUILD)/bench/tandem.d $(BUILD)/bench/engine.d

# Sanitizer builds: every unit test (tests/test_*.c, the calibration ones
# included) is run, then vsrsim and vsrcal are built. -fno-sanitize-recover
# makes any report fail the test that triggered it, and LeakSanitizer (part
# of ASan) a test that leaks. At -O1 GCC's flow-based -Wformat-truncation
# and -Wrestrict warn where -O2 does not; under CI they stay warnings.
SAN_CFLAGS = -O1 -g -fno-sanitize-recover=all -fno-omit-frame-pointer \
             -Wno-error=format-truncation -Wno-error=restrict
SAN_ENV    = ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1 \
             UBSAN_OPTIONS=print_stacktrace=1
asan: deps
	$(SAN_ENV) $(MAKE) BUILD=build-asan \
	    CFLAGS='$(SAN_CFLAGS) -fsanitize=address,undefined' \
	    LDFLAGS='-fsanitize=address,undefined' \
	    test-unit build-asan/bin/vsrsim build-asan/bin/vsrcal

ubsan: deps
	$(SAN_ENV) $(MAKE) BUILD=build-ubsan \
	    CFLAGS='$(SAN_CFLAGS) -fsanitize=undefined,float-cast-overflow' \
	    LDFLAGS='-fsanitize=undefined,float-cast-overflow' \
	    test-unit build-ubsan/bin/vsrsim build-ubsan/bin/vsrcal

# `make valgrind` runs every unit test under Valgrind's memcheck in a plain
# -O1 -g build (build-valgrind): any invalid access, use of an
# uninitialised value or definite leak fails the test that made it, forked
# sweep workers included. Memcheck runs some fifty times slower than the
# program, so the claims test runs VALGRIND_CLAIMS only (claim ids of
# sim/claims.c; the default reads fig09, the quickest figure); every other
# test runs whole.
VALGRIND        = valgrind --quiet --error-exitcode=99 --leak-check=full \
                  --errors-for-leak-kinds=definite --show-leak-kinds=definite \
                  --trace-children=no --child-silent-after-fork=no
VALGRIND_CLAIMS ?= C9.1
valgrind: deps
	sh tools/deps.sh valgrind
	$(MAKE) BUILD=build-valgrind CFLAGS='-O1 -g -fno-omit-frame-pointer' \
	    $(TEST_SRCS:tests/%.c=build-valgrind/tests/%)
	VSRSIM_SRCDIR=$(CURDIR) VSRSIM_CLAIMS=$(VALGRIND_CLAIMS) \
	    VSRSIM_TEST_WRAPPER='$(VALGRIND)' sh tests/run-unit.sh \
	    $(TEST_SRCS:tests/%.c=build-valgrind/tests/%)

# ---- fuzzing (optional: not part of test)
#
# `make fuzz` builds the libFuzzer harnesses tests/fuzz/fuzz_*.c with clang
# in build-fuzz (ASan and UBSan, every report fatal) and runs each for
# FUZZ_SECONDS (default 60) or FUZZ_RUNS executions (`make fuzz
# FUZZ_RUNS=10000000`) from its seeds in tests/fuzz/corpus/NAME;
# tests/fuzz/run.sh reports executions per second and keeps any crash in
# build-fuzz/fuzz/. It needs clang and its fuzzer runtime, which
# `sh tools/deps.sh fuzz` installs.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?=
FUZZ_RUNS    ?=
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: fuzz fuzz-build
fuzz:
	@sh tools/deps.sh fuzz
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) \
	    CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)' \
	    LDFLAGS='$(FUZZ_SAN)' fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) \
	    sh tests/fuzz/run.sh build-fuzz \
	    $(FUZZ_NAMES:%=build-fuzz/fuzz/fuzz_%)

fuzz-build: $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

# A harness links with every sim and calib object but the two main.o.
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_OBJS) $(CAL_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -iquote calib $(WARN) $(CFLAGS) -fsanitize=fuzzer \
	    $(CALIB_PKG_CFLAGS) $(LDFLAGS) -o $@ $^ $(CALIB_PKG_LIBS) $(LDLIBS)

# ---- housekeeping

format:
	clang-format -i $(wildcard sim/*.[ch] tests/*.c)

clean:
	rm -rf build build-* bin data/costs.db data/costs.db.tmp-*

# Installed layout (SHAREDIR is PREFIX/share/vsrsim, compiled into vsrsim):
#
#   PREFIX/bin/vsrsim, vsrcal
#   PREFIX/share/man/man1/vsrsim.1, vsrcal.1
#   SHAREDIR/plots/*.gp          gnuplot scripts, found by vsrsim there
#   SHAREDIR/data/costs.db       the default cost model, and its schema.sql
#   SHAREDIR/models/...          every scenario of models/
#
# Scenarios name their cost model relative to themselves
# (costmodel.db = "../../data/costs.db"), so the installed models keep the
# source tree's models/ and data/ side by side and find the installed
# costs.db. The man pages name SHAREDIR as installed.
MANDIR = $(PREFIX)/share/man/man1

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR) \
	    $(DESTDIR)$(SHAREDIR)/plots $(DESTDIR)$(SHAREDIR)/data
	install -m 755 $(BINDIR)/vsrsim $(BINDIR)/vsrcal $(DESTDIR)$(PREFIX)/bin/
	for page in vsrsim.1 vsrcal.1; do \
	    sed 's|/usr/local/share/vsrsim|$(SHAREDIR)|g' man/$$page \
	        > $(DESTDIR)$(MANDIR)/$$page && \
	    chmod 644 $(DESTDIR)$(MANDIR)/$$page || exit 1; \
	done
	install -m 644 plots/*.gp $(DESTDIR)$(SHAREDIR)/plots/
	install -m 644 data/costs.db data/schema.sql $(DESTDIR)$(SHAREDIR)/data/
	find models -type f | sort | while read -r f; do \
	    install -D -m 644 "$$f" "$(DESTDIR)$(SHAREDIR)/$$f" || exit 1; \
	done

# Removes what install put there, SHAREDIR whole.
.PHONY: uninstall
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vsrsim $(DESTDIR)$(PREFIX)/bin/vsrcal \
	    $(DESTDIR)$(MANDIR)/vsrsim.1 $(DESTDIR)$(MANDIR)/vsrcal.1
	rm -rf $(DESTDIR)$(SHAREDIR)
