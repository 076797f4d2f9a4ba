#!/bin/sh
# Directions (seed 000): "Inbound rules match the traffic received by a
# mirror source.  Outbound rules match the traffic sent by a mirror
# source."  Two sources on the same hypervisor, each in a session of its
# own (different target, different VNI): a packet from source 1 to source
# 2 is mirrored once as outbound for source 1 (to session 1's target, VNI
# 1) and once as inbound for source 2 (to session 2's target, VNI 2), and
# still delivered.  Filters with rules of one direction only then show
# that each copy came from the rule of the right direction, and two
# sessions to the same target with different VNIs keep their copies apart.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-probe.sh"

# VMs: 11 and 12 the sources, 21 and 22 their targets, 31 a VM that is no
# source.
tp_setup || exit 1
tp_vm 11 source1 port-src1 && tp_vm 12 source2 port-src2 &&
tp_vm 21 target1 port-tgt1 && tp_vm 22 target2 port-tgt2 &&
tp_vm 31 other port-other || exit 1

# filter-both mirrors UDP both ways; session N mirrors source N to target
# 2N with VNI N, whole frames.
tmctl filter-add filter-both > /dev/null &&
tmctl rule-add filter-both ingress 1 accept protocol=udp > /dev/null &&
tmctl rule-add filter-both egress 1 accept protocol=udp > /dev/null &&
tmctl session-add session1 filter-both eni port-tgt1 1 \
    virtual_network_id=1 packet_length=1460 enabled=true \
    traffic_mirror_sources=port-src1 > /dev/null &&
tmctl --wait=hv session-add session2 filter-both eni port-tgt2 1 \
    virtual_network_id=2 packet_length=1460 enabled=true \
    traffic_mirror_sources=port-src2 > /dev/null || exit 1

# expect PROBE-PORT TARGET1-COPIES TARGET2-COPIES: checks the copies of
# the frames sent to PROBE-PORT that each target received.
expect() {
    tp_check "$1: copies at target 1" 21 "$1" "$2"
    tp_check "$1: copies at target 2" 22 "$1" "$3"
}

# Source 1 -> source 2: outbound for 1, inbound for 2, one copy each.
st_check "7001: source 1 -> source 2 delivered" 3 "$(tp_probe 11 12 7001 3 \
    --size 200)"
expect 7001 "$(tp_copy 3 11 21 1 200)" "$(tp_copy 3 12 22 2 200)"

# And back: outbound for 2, inbound for 1.
st_check "7002: source 2 -> source 1 delivered" 3 "$(tp_probe 12 11 7002 3 \
    --size 200)"
expect 7002 "$(tp_copy 3 11 21 1 200)" "$(tp_copy 3 12 22 2 200)"

# A VM that is no source talks to source 1: only session 1 sees it, in
# either direction.
st_check "7003: other -> source 1 delivered" 3 "$(tp_probe 31 11 7003 3 \
    --size 200)"
expect 7003 "$(tp_copy 3 11 21 1 200)" none
st_check "7004: source 1 -> other delivered" 3 "$(tp_probe 11 31 7004 3 \
    --size 200)"
expect 7004 "$(tp_copy 3 11 21 1 200)" none

# A broadcast from source 1 is sent by it and received by source 2, but
# not received by source 1 itself: one copy for each session, not two for
# session 1.
st_frame "$(tp_ns 11)" ff:ff:ff:ff:ff:ff "$(tp_ip 11)" 192.168.0.255 udp \
    --dport 7005 --count 3 --size 200 || exit 1
st_check "7005: broadcast from source 1 delivered to source 2" 3 \
    "$(st_wait_lines "$ST_DIR/vm12.cap" \
        "^udp src=$(tp_ip 11) dst=192.168.0.255 port=7005 " 3)"
expect 7005 "$(tp_copy 3 11 21 1 200)" "$(tp_copy 3 12 22 2 200)"

# One direction per session: session 1 mirrors only what source 1 sends,
# session 2 only what source 2 receives.
tmctl filter-add filter-out > /dev/null &&
tmctl rule-add filter-out egress 1 accept protocol=udp > /dev/null &&
tmctl filter-add filter-in > /dev/null &&
tmctl rule-add filter-in ingress 1 accept protocol=udp > /dev/null &&
tmctl session-set session1 traffic_mirror_filter_id=filter-out \
    > /dev/null &&
tmctl --wait=hv session-set session2 traffic_mirror_filter_id=filter-in \
    > /dev/null || exit 1

# 1 -> 2 is mirrored by both: the egress rule for 1, the ingress one for 2.
st_check "7011: source 1 -> source 2 delivered" 3 "$(tp_probe 11 12 7011 3 \
    --size 200)"
expect 7011 "$(tp_copy 3 11 21 1 200)" "$(tp_copy 3 12 22 2 200)"
# 2 -> 1 by neither: it is inbound for 1 and outbound for 2.
st_check "7012: source 2 -> source 1 delivered" 3 "$(tp_probe 12 11 7012 3 \
    --size 200)"
expect 7012 none none
# The other VM -> 1 is inbound for 1: not mirrored; 1 -> the other VM is.
st_check "7013: other -> source 1 delivered" 3 "$(tp_probe 31 11 7013 3 \
    --size 200)"
expect 7013 none none
st_check "7014: source 1 -> other delivered" 3 "$(tp_probe 11 31 7014 3 \
    --size 200)"
expect 7014 "$(tp_copy 3 11 21 1 200)" none
# The other VM -> 2 is inbound for 2; 2 -> the other VM is not mirrored.
st_check "7015: other -> source 2 delivered" 3 "$(tp_probe 31 12 7015 3 \
    --size 200)"
expect 7015 none "$(tp_copy 3 12 22 2 200)"
st_check "7016: source 2 -> other delivered" 3 "$(tp_probe 12 31 7016 3 \
    --size 200)"
expect 7016 none none

# Both sessions to target 1, with VNIs 1 and 2 (and filter-both again):
# 1 -> 2 arrives there twice, once per VNI, with its own outer source.
tmctl session-set session1 traffic_mirror_filter_id=filter-both \
    > /dev/null &&
tmctl --wait=hv session-set session2 traffic_mirror_filter_id=filter-both \
    traffic_mirror_target_id=port-tgt1 > /dev/null || exit 1
st_check "7021: source 1 -> source 2 delivered" 3 "$(tp_probe 11 12 7021 3 \
    --size 200)"
expect 7021 "$(tp_copy 3 11 21 1 200); $(tp_copy 3 12 21 2 200)" none

st_finish
