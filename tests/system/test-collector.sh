#!/bin/sh
# tmirror-collector as seed 002's mirror target: it runs inside ECS-target
# on 192.168.0.164:4789 (the address the copies are sent to), ECS-test
# sends "hello" and "12345" to ECS-source:1234, and vni-1.pcap must then
# hold the inner TCP segments with those payloads, read back with tshark:
# inbound copies of ECS-test -> ECS-source:1234 only, cut to 96 bytes as
# the session says.  Its summary must count the copies under the outer
# source that the mode gives (ECS-source's address when patched).
. "$(dirname "$0")/lib.sh"

collector=${TMIRROR_COLLECTOR:-$ST_BIN/tmirror-collector}
if ! command -v tshark > /dev/null; then
    st_fail "tshark is missing (apt-get install tshark)"
    st_finish
    exit 1
fi

st_seed002 || exit 1

caps=$ST_DIR/captures
ctl=$ST_DIR/tmirror-collector.ctl
collappctl() { appctl -t "$ctl" "$@"; }

# In the foreground of a background job, so that the test's cleanup kills
# it (by pid) whatever happens.
ASAN_OPTIONS=log_path=$ST_DIR/sanitizer:detect_leaks=1 \
UBSAN_OPTIONS=log_path=$ST_DIR/sanitizer:print_stacktrace=1 \
st_exec_bg "$SEED_TGT" "$collector" --no-chdir \
    --log-file="$ST_DIR/tmirror-collector.log" -vconsole:off \
    --unixctl="$ctl" --listen=$SEED_TARGET_IP:4789 --dir="$caps"
collector_pid=$ST_BG_PID
for _ in $(seq 50); do
    collappctl summary > /dev/null 2>&1 && break
    sleep 0.1
done
if collappctl summary > /dev/null 2>&1; then
    st_pass "tmirror-collector listens on $SEED_TARGET_IP:4789 in ECS-target"
else
    st_fail "tmirror-collector did not start"
    cat "$ST_DIR/tmirror-collector.log"
    st_finish
    exit 1
fi

received=$ST_DIR/ecs-source.out
# And a 200-byte line, whose copy the session must cut to 96 bytes: the
# two seed segments are shorter than that, so alone they could not show
# the truncation.
long=$(printf 'L%.0s' $(seq 200))
st_tcp_send "$SEED_TST" $SEED_SOURCE_IP 1234 "$received" hello 12345 "$long"
sleep 0.5
st_check "ECS-source received what ECS-test sent" "hello 12345 $long" \
    "$(tr '\n' ' ' < "$received" | sed 's/ $//')"

collappctl summary > "$ST_DIR/summary"
sed 's/^/  | /' "$ST_DIR/summary"
collappctl exit
for _ in $(seq 50); do
    kill -0 "$collector_pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$collector_pid" 2>/dev/null; then
    st_fail "tmirror-collector did not exit"
else
    st_pass "tmirror-collector exited on \"exit\""
fi

pcap=$caps/vni-1.pcap
st_check "files in --dir" "vni-1.pcap" "$(ls "$caps" | tr '\n' ' ' \
    | sed 's/ $//')"
# One line per frame: length, addresses, port, payload (hex; older
# tsharks put colons between the bytes).
tshark -r "$pcap" -T fields -E separator=' ' -e frame.len -e ip.src \
    -e ip.dst -e tcp.dstport -e tcp.payload 2> "$ST_DIR/tshark.err" \
    | tr -d ':' > "$ST_DIR/frames"
sed 's/^/  | /' "$ST_DIR/frames"
n=$(wc -l < "$ST_DIR/frames")
if [ "$n" -gt 0 ]; then
    st_pass "tshark reads $n frames from vni-1.pcap"
else
    st_fail "tshark read no frame from vni-1.pcap"
    sed 's/^/  /' "$ST_DIR/tshark.err"
fi
st_check "frames of ECS-test -> ECS-source:1234 only (inbound)" "$n" \
    "$(grep -c "^[0-9]* $SEED_TEST_IP $SEED_SOURCE_IP 1234 " \
        "$ST_DIR/frames")"
st_check "the \"hello\" segment, once" 1 \
    "$(grep -c " $(st_hex hello)\$" "$ST_DIR/frames")"
st_check "the \"12345\" segment, once" 1 \
    "$(grep -c " $(st_hex 12345)\$" "$ST_DIR/frames")"
st_check "no frame longer than 96 bytes" 0 \
    "$(awk '$1 > 96' "$ST_DIR/frames" | wc -l)"
# The long segment's copy: 96 bytes, its payload the line's first bytes
# (4c is "L").
st_check "the 200-byte segment, cut to 96 bytes" 1 \
    "$(grep -c '^96 .* \(4c\)*$' "$ST_DIR/frames")"

outer=$(st_outer_src $SEED_SOURCE_IP)
st_check "summary: VNI 1" "vni 1: $n frames" \
    "$(sed -n 's/^\(vni 1: [0-9]* frames\).*/\1/p' "$ST_DIR/summary")"
st_check "summary: every copy from $outer" \
    "source $outer: $n datagrams" \
    "$(sed -n 's/^\(source .*: [0-9]* datagrams\).*/\1/p' \
        "$ST_DIR/summary" | tr '\n' ' ' | sed 's/ $//')"
st_check "summary: nothing malformed" \
    "0 (too short 0, I flag clear 0, truncated 0)" \
    "$(sed -n 's/^malformed: //p' "$ST_DIR/summary")"
st_check "summary logged on exit" 1 \
    "$(grep -c "summary: vni 1: $n frames" "$ST_DIR/tmirror-collector.log")"

st_finish
