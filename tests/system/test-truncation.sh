#!/bin/sh
# Truncation, on the product (test-truncate.sh tests the OVS patch alone).
# A session's packet_length bounds each copy's inner frame (seed 002:
# "Packet Length: Set it as needed. In this example, 96 is used."), and
# seed 000's "Notes and Constraints": "If the total length of mirrored
# packets and VXLAN packets is greater than the MTU of the mirror source,
# the system truncates the packets."  So:
#
# - packet_length 96, 1400-byte payloads: inner frames of exactly 96 bytes;
#   frames shorter than that are copied whole;
# - packet_length 1460 with the underlay MTU lowered to 1400 (br-int's own
#   interface, which the controller reads from the Open_vSwitch database):
#   inner frames cut to 1400 - 36 = 1364 bytes (VXLAN over IPv4 adds 36),
#   never dropped; and --tunnel-mtu sets that MTU too;
# - the production traffic loses nothing meanwhile: 20 sent, 20 delivered,
#   20 copies, each way.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-probe.sh"

# VM 11 is the source, 21 the target, 31 the source's peer.
tp_setup || exit 1
tp_vm 11 source port-src && tp_vm 21 target port-tgt &&
tp_vm 31 peer port-peer || exit 1

# The session mirrors the source's UDP both ways, with VNI 5.
tmctl filter-add filter > /dev/null &&
tmctl rule-add filter ingress 1 accept protocol=udp > /dev/null &&
tmctl rule-add filter egress 1 accept protocol=udp > /dev/null &&
tmctl --wait=hv session-add session filter eni port-tgt 1 \
    virtual_network_id=5 enabled=true traffic_mirror_sources=port-src \
    > /dev/null || exit 1

# max_len: the truncation length of the source's mirror flows, as
# source/show prints them (one value per line, sorted, unique).
max_len() {
    ctlappctl source/show port-src | grep -o 'max_len=[0-9]*' | sort -u \
        | paste -sd ' ' -
}

# probe WHAT DPORT SIZE INNER: 20 frames of SIZE bytes each way between
# the source and its peer, all delivered, and each mirrored once, cut to
# INNER bytes.
probe() {
    local what=$1 dport=$2 size=$3 inner=$4
    st_check "$what: source -> peer, $size-byte frames delivered" 20 \
        "$(tp_probe 11 31 "$dport" 20 --size "$size")"
    tp_check "$what: their copies" 21 "$dport" \
        "$(tp_copy 20 11 21 5 "$inner")"
    st_check "$what: peer -> source, $size-byte frames delivered" 20 \
        "$(tp_probe 31 11 $((dport + 1)) 20 --size "$size")"
    tp_check "$what: their copies" 21 $((dport + 1)) \
        "$(tp_copy 20 11 21 5 "$inner")"
}

# 1400-byte UDP payloads make 1442-byte frames.
st_check "packet_length 96: max_len" max_len=96 "$(max_len)"
probe "packet_length 96" 7000 1442 96
probe "packet_length 96, a 90-byte frame copied whole" 7010 90 90

# The whole frame fits under the default MTU (1500).
tmctl --wait=hv session-set session packet_length=1460 > /dev/null || exit 1
st_check "packet_length 1460, MTU 1500: max_len" max_len=1460 "$(max_len)"
probe "packet_length 1460, MTU 1500" 7100 1442 1442

# The underlay MTU comes down to 1400 while the session stays as it is:
# the controller follows br-int's MTU.
vsctl set interface br-int mtu_request=1400 || exit 1
st_within_1s "MTU 1400: max_len" max_len=1364 max_len
probe "packet_length 1460, MTU 1400" 7200 1442 1364

# A packet length below the MTU's limit still wins.
tmctl --wait=hv session-set session packet_length=1000 > /dev/null || exit 1
st_check "packet_length 1000, MTU 1400: max_len" max_len=1000 "$(max_len)"
probe "packet_length 1000, MTU 1400" 7300 1442 1000

# Huawei allows lengths down to 1; OVS does not cut into the Ethernet
# header, so such copies carry just that header (docs/architecture.rst).
tmctl --wait=hv session-set session packet_length=1 > /dev/null || exit 1
st_check "packet_length 1: max_len" max_len=14 "$(max_len)"
st_check "packet_length 1: source -> peer delivered" 20 \
    "$(tp_probe 11 31 7350 20 --size 1442)"
st_check "packet_length 1: copies of the Ethernet header alone" 20 \
    "$(st_wait_lines "$ST_DIR/vm21.cap" \
        "^vxlan src=$(tp_outer 11) dst=$(tp_ip 21) vni=5 inner=14\$" 20)"

# The MTU goes back up.
vsctl set interface br-int mtu_request=1500 &&
tmctl --wait=hv session-set session packet_length=1460 > /dev/null || exit 1
st_within_1s "MTU 1500 again: max_len" max_len=1460 max_len
probe "packet_length 1460, MTU 1500 again" 7400 1442 1442

# --tunnel-mtu=1300 overrides br-int's MTU: 1300 - 36 = 1264.
st_controller_stop
st_controller_start --tunnel-mtu=1300 || exit 1
st_wait_applied > /dev/null || exit 1
st_within_1s "--tunnel-mtu=1300: max_len" max_len=1264 max_len
probe "packet_length 1460, --tunnel-mtu=1300" 7500 1442 1264

st_finish
