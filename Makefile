# tmirror top-level Makefile.
#
# One "make" does everything: it installs missing Debian packages (as root),
# unpacks and patches Debian's Open vSwitch 3.1.0 source into build/ovs,
# builds it once, then builds libtmirror and the programs against that tree.
# "make check" runs every test layer; "make demo" runs the seed 002 scenario.
#
# Plain GNU make rather than autotools: the only configuration we need is
# the one OVS's own configure already did, and we read it from its tree.

# Use both cores unless the caller chose a job count.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif

# Test layers pipe through tee; a failure must still fail the recipe.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

TOP := $(CURDIR)
BUILD := build
OVS_TARBALL ?= /usr/src/openvswitch/openvswitch.tar.gz
OVS_SRC := $(BUILD)/ovs
OVS_STAMP := $(BUILD)/ovs.stamp
OVS_PATCHES := $(addprefix ovs-patches/,$(shell sed -e 's/\#.*//' \
	ovs-patches/series 2>/dev/null))

CC ?= cc
CLANG ?= clang
# Our code builds as C11 with GNU extensions (OVS's headers need typeof and
# statement expressions).  OVS's own headers are included as system headers
# so that -Wextra judges our code, not theirs.
TM_CFLAGS := -std=gnu11 -g -O2 -Wall -Wextra -Werror -Wno-sign-compare \
	-Wmissing-prototypes -Wstrict-prototypes -Wpointer-arith
TM_CPPFLAGS := -Ilib -Iapi -I$(BUILD)/lib -isystem $(OVS_SRC) \
	-isystem $(OVS_SRC)/include -isystem $(OVS_SRC)/lib
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
OVS_LIBA = $(OVS_SRC)/lib/.libs/libopenvswitch.a \
	$(wildcard $(OVS_SRC)/lib/.libs/libopenvswitchavx512.a)

# OVS's configure decided which system libraries libopenvswitch needs, and
# libtool recorded them; read them from there instead of guessing.  This is
# a recursively expanded variable on purpose: it is read when a link runs,
# which is after OVS is built, even in a fresh checkout.
OVS_LIBS = $(shell sed -n "s/^dependency_libs='\(.*\)'/\1/p" \
	$(OVS_SRC)/lib/libopenvswitch.la | tr ' ' '\n' | grep -e '^-l')

# The northbound database's C IDL, generated from its schema with the OVS
# tree's ovsdb-idlc, as OVN does for its schemas.
IDL_SCHEMA := lib/tmirror.ovsschema
IDL_C := $(BUILD)/lib/tmirror-idl.c
IDL_H := $(BUILD)/lib/tmirror-idl.h
IDLC = PYTHONPATH=$(OVS_SRC)/python python3 $(OVS_SRC)/ovsdb/ovsdb-idlc.in

LIB_SRCS := $(wildcard lib/*.c) $(IDL_C)
LIB_HDRS := $(wildcard lib/*.h) $(IDL_H)
LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
LIB_A := $(BUILD)/libtmirror.a
SAN_LIB_OBJS := $(patsubst %.c,$(BUILD)/obj-san/%.o,$(LIB_SRCS))
SAN_LIB_A := $(BUILD)/libtmirror-san.a

# tmirror-controller: its modules (controller/tm-*.c) and main().
CONTROLLER_SRCS := $(wildcard controller/*.c)
CONTROLLER_HDRS := $(wildcard controller/*.h)
CONTROLLER_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CONTROLLER_SRCS))
CONTROLLER := $(if $(CONTROLLER_SRCS),$(BUILD)/bin/tmirror-controller)
# The same under AddressSanitizer + UndefinedBehaviorSanitizer: the system
# tests run this one, so that a leak or an overflow in the daemon fails
# them.
SAN_CONTROLLER := $(if $(CONTROLLER_SRCS),$(BUILD)/bin-san/tmirror-controller)

# tmirror-apid: its modules (api/tm-*.c, also linked into the unit and
# fuzz tests as libtmirror-api) and main().
API_MOD_SRCS := $(wildcard api/tm-*.c)
API_HDRS := $(wildcard api/*.h)
API_LIB := $(if $(API_MOD_SRCS),$(BUILD)/libtmirror-api.a)
SAN_API_LIB := $(if $(API_MOD_SRCS),$(BUILD)/libtmirror-api-san.a)
APID := $(if $(wildcard api/tmirror-apid.c),$(BUILD)/bin/tmirror-apid)
SAN_APID := $(if $(APID),$(BUILD)/bin-san/tmirror-apid)
EVENT_LIBS := -levent -levent_pthreads

PROGRAMS := $(patsubst utilities/%.c,$(BUILD)/bin/%,\
	$(wildcard utilities/tmirror-*.c)) $(CONTROLLER) $(APID)

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BIN := $(BUILD)/tests/unit-tests
SAN_UNIT_BIN := $(BUILD)/tests/unit-tests-san

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5

.PHONY: all deps ovs check check-unit check-unit-san check-golden \
	check-sandbox check-nb check-ovs check-system check-api check-bench \
	check-fuzz fuzz bench demo \
	clean distclean

# Components with build rules of their own (mk/NAME.mk) add to PROGRAMS,
# EXTRA_CHECK_LAYERS (test layers, run by "make check" before the fuzz
# smoke) and EXTRA_PHONY.
EXTRA_CHECK_LAYERS :=
EXTRA_PHONY :=
# A fragment's first rule must not become the default goal.
.DEFAULT_GOAL := all
include $(wildcard mk/*.mk)
.PHONY: $(EXTRA_PHONY)

all: $(PROGRAMS) $(if $(UNIT_SRCS),$(UNIT_BIN))

# Keep object files between runs (they are intermediates of pattern rules).
.SECONDARY:

# Every compile waits for this, so that a package that went missing is
# installed again even when OVS is already built.  It is quick when
# nothing is missing.
deps:
	@utilities/install-deps.sh

ovs: $(OVS_STAMP)

# Unpack, patch, configure and build OVS once.  The stamp depends on the
# tarball and on every patch, so changing either rebuilds from scratch.
$(OVS_STAMP): $(OVS_TARBALL) ovs-patches/series $(OVS_PATCHES) \
		utilities/build-ovs.sh | deps
	rm -f $@
	MAKE="$(MAKE)" utilities/build-ovs.sh $(OVS_TARBALL) $(OVS_SRC) \
	    $(OVS_PATCHES)
	touch $@

$(BUILD)/lib/tmirror-idl.ovsidl: $(IDL_SCHEMA) lib/tmirror-idl.ann $(OVS_STAMP)
	@mkdir -p $(@D)
	$(IDLC) annotate $(IDL_SCHEMA) lib/tmirror-idl.ann > $@.tmp
	mv $@.tmp $@

$(IDL_H): $(BUILD)/lib/tmirror-idl.ovsidl
	$(IDLC) c-idl-header $< > $@.tmp && mv $@.tmp $@

$(IDL_C): $(BUILD)/lib/tmirror-idl.ovsidl
	$(IDLC) c-idl-source $< > $@.tmp && mv $@.tmp $@

# libtmirror, normal and sanitized.
$(BUILD)/obj/%.o: %.c $(OVS_STAMP) $(LIB_HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(TM_CPPFLAGS) $(TM_CFLAGS) -c $< -o $@

$(BUILD)/obj-san/%.o: %.c $(OVS_STAMP) $(LIB_HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(TM_CPPFLAGS) $(TM_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(SAN_LIB_A): $(SAN_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/controller/%.o: controller/%.c $(OVS_STAMP) $(LIB_HDRS) \
		$(CONTROLLER_HDRS) | deps
	@mkdir -p $(@D)
	$(CC) -Icontroller $(TM_CPPFLAGS) $(TM_CFLAGS) -c $< -o $@

$(CONTROLLER): $(CONTROLLER_OBJS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TM_CFLAGS) -o $@ $^ $(OVS_LIBA) $(OVS_LIBS) $(EVENT_LIBS)

$(BUILD)/obj-san/controller/%.o: controller/%.c $(OVS_STAMP) $(LIB_HDRS) \
		$(CONTROLLER_HDRS) | deps
	@mkdir -p $(@D)
	$(CC) -Icontroller $(TM_CPPFLAGS) $(TM_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(SAN_CONTROLLER): $(patsubst %.c,$(BUILD)/obj-san/%.o,$(CONTROLLER_SRCS)) \
		$(SAN_LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TM_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(OVS_LIBA) $(OVS_LIBS) \
	    $(EVENT_LIBS)

$(BUILD)/obj/api/%.o: api/%.c $(OVS_STAMP) $(LIB_HDRS) $(API_HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(TM_CPPFLAGS) $(TM_CFLAGS) -c $< -o $@

$(BUILD)/obj-san/api/%.o: api/%.c $(OVS_STAMP) $(LIB_HDRS) $(API_HDRS) \
		| deps
	@mkdir -p $(@D)
	$(CC) $(TM_CPPFLAGS) $(TM_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(API_LIB): $(patsubst %.c,$(BUILD)/obj/%.o,$(API_MOD_SRCS))
	rm -f $@ && ar rcs $@ $^

$(SAN_API_LIB): $(patsubst %.c,$(BUILD)/obj-san/%.o,$(API_MOD_SRCS))
	rm -f $@ && ar rcs $@ $^

$(APID): $(BUILD)/obj/api/tmirror-apid.o $(API_LIB) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TM_CFLAGS) -o $@ $^ $(OVS_LIBA) $(OVS_LIBS) $(EVENT_LIBS)

$(SAN_APID): $(BUILD)/obj-san/api/tmirror-apid.o $(SAN_API_LIB) $(SAN_LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TM_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(OVS_LIBA) $(OVS_LIBS) \
	    $(EVENT_LIBS)

$(BUILD)/bin/%: $(BUILD)/obj/utilities/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TM_CFLAGS) -o $@ $^ $(OVS_LIBA) $(OVS_LIBS)

$(UNIT_BIN): $(patsubst %.c,$(BUILD)/obj/%.o,$(UNIT_SRCS)) $(API_LIB) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TM_CFLAGS) -o $@ $^ $(OVS_LIBA) $(OVS_LIBS) -lcunit

$(SAN_UNIT_BIN): $(patsubst %.c,$(BUILD)/obj-san/%.o,$(UNIT_SRCS)) \
		$(SAN_API_LIB) $(SAN_LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TM_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(OVS_LIBA) $(OVS_LIBS) -lcunit

# Fuzz targets: clang + libFuzzer, with ASan and UBSan, over our sources.
$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(LIB_HDRS) $(API_MOD_SRCS) \
		$(API_HDRS) $(OVS_STAMP) | deps
	@mkdir -p $(@D)
	$(CLANG) $(TM_CPPFLAGS) $(TM_CFLAGS) -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -o $@ $< $(LIB_SRCS) $(API_MOD_SRCS) \
	    $(OVS_LIBA) $(OVS_LIBS)

# Tests.  "make check" runs every layer that exists, one after another
# (the builds before them run in parallel), keeps going past a failing
# layer so that one run shows everything, and ends with one line that
# adds up every layer's summary.
CHECK_LOGS := $(BUILD)/check-logs
CHECK_LAYERS := $(if $(UNIT_SRCS),check-unit check-unit-san) \
	$(if $(wildcard tests/golden/run.sh),check-golden) \
	$(if $(wildcard tests/sandbox/test-*.sh),check-sandbox) \
	$(if $(wildcard tests/nb/test-*.sh),check-nb) \
	$(if $(wildcard ovs-patches/check.sh),check-ovs) \
	$(if $(wildcard tests/system/test-*.sh),check-system) \
	$(if $(wildcard tests/api/run.sh),check-api) \
	$(if $(wildcard tests/perf/bench-*.sh),check-bench) \
	$(EXTRA_CHECK_LAYERS) \
	$(if $(FUZZ_SRCS),check-fuzz)

check: all $(if $(UNIT_SRCS),$(SAN_UNIT_BIN)) $(SAN_CONTROLLER) $(SAN_APID) \
		$(FUZZ_BINS)
	@rm -rf $(CHECK_LOGS) && mkdir -p $(CHECK_LOGS)
	@$(MAKE) -j1 -k --no-print-directory $(CHECK_LAYERS); rc=$$?; \
	    tests/check-summary.sh $(CHECK_LOGS); exit $$rc

check-unit: $(UNIT_BIN)
	@mkdir -p $(CHECK_LOGS)
	$(UNIT_BIN) 2>&1 | tee $(CHECK_LOGS)/unit.log

# The same unit tests under AddressSanitizer + UndefinedBehaviorSanitizer:
# any report aborts the run and fails the layer.
check-unit-san: $(SAN_UNIT_BIN)
	@mkdir -p $(CHECK_LOGS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(SAN_UNIT_BIN) 2>&1 | tee $(CHECK_LOGS)/unit-san.log

check-golden: $(PROGRAMS)
	@mkdir -p $(CHECK_LOGS)
	tests/golden/run.sh $(BUILD)/bin/tmirror-ctl 2>&1 \
	    | tee $(CHECK_LOGS)/golden.log

check-sandbox: $(PROGRAMS)
	@mkdir -p $(CHECK_LOGS)
	OVS_SRC=$(TOP)/$(OVS_SRC) tests/run-tests.sh sandbox tests/sandbox \
	    $(BUILD)/bin/tmirror-ctl 2>&1 | tee $(CHECK_LOGS)/sandbox.log

# The northbound database and tmirror-ctl against real ovsdb-servers.
check-nb: $(PROGRAMS)
	@mkdir -p $(CHECK_LOGS)
	OVS_SRC=$(TOP)/$(OVS_SRC) tests/run-tests.sh nb tests/nb \
	    $(BUILD)/bin/tmirror-ctl 2>&1 | tee $(CHECK_LOGS)/nb.log

# The OVS testsuite cases that ovs-patches/ adds (keyword "tmirror"),
# against the patched build.
check-ovs: $(OVS_STAMP)
	@mkdir -p $(CHECK_LOGS)
	ovs-patches/check.sh $(OVS_SRC) 2>&1 | tee $(CHECK_LOGS)/ovs.log

# Real traffic through the patched userspace datapath (needs root).
check-system: $(PROGRAMS) $(SAN_CONTROLLER) $(SAN_COLLECTOR)
	@mkdir -p $(CHECK_LOGS)
	OVS_SRC=$(TOP)/$(OVS_SRC) \
	TMIRROR_CONTROLLER=$(if $(SAN_CONTROLLER),$(TOP)/$(SAN_CONTROLLER)) \
	TMIRROR_COLLECTOR=$(if $(SAN_COLLECTOR),$(TOP)/$(SAN_COLLECTOR)) \
	    tests/system/run.sh $(BUILD)/bin/tmirror-ctl 2>&1 \
	    | tee $(CHECK_LOGS)/system.log

# The REST API driven by Huawei's Node.js SDK (tests/api), and the
# signature and limit checks.
check-api: $(PROGRAMS) $(SAN_APID)
	@mkdir -p $(CHECK_LOGS)
	OVS_SRC=$(TOP)/$(OVS_SRC) \
	TMIRROR_APID=$(if $(SAN_APID),$(TOP)/$(SAN_APID)) \
	    tests/api/run.sh $(TOP)/$(BUILD)/bin 2>&1 | tee $(CHECK_LOGS)/api.log

# The benchmarks, seconds long: they only prove that "make bench" still
# works.  No timing is asserted.
check-bench: $(PROGRAMS)
	@mkdir -p $(CHECK_LOGS)
	OVS_SRC=$(TOP)/$(OVS_SRC) tests/perf/run.sh --smoke \
	    $(BUILD)/bin/tmirror-ctl 2>&1 | tee $(CHECK_LOGS)/bench.log

# Every benchmark, for real (docs/performance.rst): one table, and the
# figures in build/bench.json.
bench: $(PROGRAMS)
	OVS_SRC=$(TOP)/$(OVS_SRC) tests/perf/run.sh $(BUILD)/bin/tmirror-ctl

check-fuzz: $(FUZZ_BINS)
	@mkdir -p $(CHECK_LOGS)
	tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_BINS) 2>&1 \
	    | tee $(CHECK_LOGS)/fuzz.log

# Longer fuzzing runs: make fuzz FUZZ_SECONDS=600.
fuzz: $(FUZZ_BINS)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

# The seed 002 scenario with real packets, on one host (needs root:
# network namespaces).  tests/system/test-seed002.sh is its twin in
# "make check".
demo: $(PROGRAMS)
	@if [ "$$(id -u)" != 0 ]; then \
	    echo "make demo needs root (network namespaces, veth)" >&2; \
	    exit 1; \
	fi
	OVS_SRC=$(TOP)/$(OVS_SRC) TMIRROR_CTL=$(TOP)/$(BUILD)/bin/tmirror-ctl \
	    utilities/tmirror-demo.sh

clean:
	rm -rf $(BUILD)/obj $(BUILD)/obj-san $(BUILD)/bin $(BUILD)/bin-san \
	    $(BUILD)/tests \
	    $(BUILD)/fuzz $(BUILD)/*.a $(CHECK_LOGS) $(BUILD)/*.log

distclean:
	rm -rf $(BUILD)
