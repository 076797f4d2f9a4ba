# tmirror-collector: a mirror target that writes the inner frames of the
# VXLAN copies it receives to pcap files, one per VNI (collector/).  Its
# pcap writer, collector/tm-pcap.c, is also linked into a unit test.
#
# "make check-collector" runs tests/collector/run.sh: the unit test, then
# the daemon on loopback fed crafted VXLAN datagrams.  Its run inside the
# seed 002 scenario is tests/system/test-collector.sh, in check-system.

COLLECTOR_SRCS := $(wildcard collector/*.c)
COLLECTOR_HDRS := $(wildcard collector/*.h)
COLLECTOR_MOD_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,\
	$(filter collector/tm-%.c,$(COLLECTOR_SRCS)))
COLLECTOR := $(BUILD)/bin/tmirror-collector
# The same under AddressSanitizer + UndefinedBehaviorSanitizer: the test
# layer runs this one, so that a leak or an overflow fails it.
SAN_COLLECTOR := $(BUILD)/bin-san/tmirror-collector
COLLECTOR_PCAP_TEST := $(BUILD)/tests/collector-pcap-test

PROGRAMS += $(COLLECTOR)
EXTRA_CHECK_LAYERS += check-collector
EXTRA_PHONY += check-collector

$(BUILD)/obj/collector/%.o: collector/%.c $(OVS_STAMP) $(LIB_HDRS) \
		$(COLLECTOR_HDRS) | deps
	@mkdir -p $(@D)
	$(CC) -Icollector $(TM_CPPFLAGS) $(TM_CFLAGS) -c $< -o $@

$(COLLECTOR): $(BUILD)/obj/collector/tmirror-collector.o \
		$(COLLECTOR_MOD_OBJS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TM_CFLAGS) -o $@ $^ $(OVS_LIBA) $(OVS_LIBS) $(EVENT_LIBS)

$(BUILD)/obj-san/collector/%.o: collector/%.c $(OVS_STAMP) $(LIB_HDRS) \
		$(COLLECTOR_HDRS) | deps
	@mkdir -p $(@D)
	$(CC) -Icollector $(TM_CPPFLAGS) $(TM_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(SAN_COLLECTOR): $(patsubst %.c,$(BUILD)/obj-san/%.o,$(COLLECTOR_SRCS)) \
		$(SAN_LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TM_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(OVS_LIBA) $(OVS_LIBS) \
	    $(EVENT_LIBS)

$(BUILD)/obj/tests/collector/%.o: tests/collector/%.c $(OVS_STAMP) \
		$(COLLECTOR_HDRS) | deps
	@mkdir -p $(@D)
	$(CC) -Icollector $(TM_CPPFLAGS) $(TM_CFLAGS) -c $< -o $@

$(COLLECTOR_PCAP_TEST): $(BUILD)/obj/tests/collector/test-pcap.o \
		$(COLLECTOR_MOD_OBJS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TM_CFLAGS) -o $@ $^ $(OVS_LIBA) $(OVS_LIBS)

check-collector: $(COLLECTOR) $(SAN_COLLECTOR) $(COLLECTOR_PCAP_TEST)
	@mkdir -p $(CHECK_LOGS)
	OVS_SRC=$(TOP)/$(OVS_SRC) TMIRROR_COLLECTOR=$(TOP)/$(SAN_COLLECTOR) \
	    tests/collector/run.sh $(TOP)/$(BUILD) 2>&1 \
	    | tee $(CHECK_LOGS)/collector.log
