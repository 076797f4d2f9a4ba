#!/bin/sh
# Seed 000, "Matching Rules", the mirror filter rule priority example, with
# real packets: "The mirror filter of mirror session A has inbound rules A
# and B, which have the same traffic matching conditions but different
# priorities and actions.  The priority of rule A is 1, and the action is
# Reject.  The priority of rule B is 2, and the action is Accept. ... the
# packet matches rule A first according to the rule priority.  The packet
# will be rejected and will not be mirrored and match rule B."
#
# One source VM, mirror session A (VNI 7) to a target VM; its filter has
# rule A (1, reject) and rule B (2, accept), both inbound TCP to port 80,
# and a third rule (3, accept TCP to port 81) whose copies show that the
# session mirrors and when the copies of a round are through.  Frames to
# port 80 are not mirrored; with the priorities swapped (rule-set ...
# priority=), each is mirrored exactly once.
. "$(dirname "$0")/lib.sh"
. "$ST_HERE/lib-seed000-match.sh"

SRC_MAC=fa:16:3e:00:02:03 SRC_IP=10.0.0.3
PEER_MAC=fa:16:3e:00:02:05 PEER_IP=172.16.0.5
TGT_MAC=fa:16:3e:00:02:21 TGT_IP=192.168.0.21

# setup: the VMs, the filter with rules A, B and the marker rule, and the
# session, applied; rule A's and B's UUIDs in RULE_A and RULE_B.
setup() {
    m0_start &&
    m0_vm SRC src $SRC_MAC $SRC_IP port-src &&
    m0_vm PEER peer $PEER_MAC $PEER_IP port-peer &&
    m0_vm TGT tgt $TGT_MAC $TGT_IP port-tgt || return 1
    tmctl filter-add filter-a > /dev/null &&
    RULE_A=$(tmctl rule-add filter-a ingress 1 reject protocol=tcp \
        destination_port_range=80) &&
    RULE_B=$(tmctl rule-add filter-a ingress 2 accept protocol=tcp \
        destination_port_range=80) &&
    tmctl rule-add filter-a ingress 3 accept protocol=tcp \
        destination_port_range=81 > /dev/null &&
    tmctl --wait=hv session-add session-a filter-a eni port-tgt 1 \
        virtual_network_id=7 traffic_mirror_sources=port-src \
        enabled=true > /dev/null
}
setup || exit 1

copies=$ST_DIR/tgt.txt
at_src=$ST_DIR/src.txt
st_capture "$TGT" "$copies" && st_capture "$SRC" "$at_src" || exit 1
outer=$(st_outer_src $SRC_IP)

# round SPORT TOTAL COPIES: the peer sends three TCP frames from port SPORT
# to the source's port 80, then one to its port 81; checks that the source
# has received TOTAL frames from the peer by now, that port 81's frame was
# mirrored, and that the target got COPIES copies of the port 80 frames.
# ($phase names the checks.)
round() {
    local n
    st_frame "$PEER" $SRC_MAC $PEER_IP $SRC_IP tcp --sport "$1" \
        --dport 80 --count 3
    st_frame "$PEER" $SRC_MAC $PEER_IP $SRC_IP tcp --sport "$1" --dport 81
    n=$(st_wait_lines "$at_src" "^tcp src=$PEER_IP .* frame=" "$2")
    st_check "$phase: frames delivered to the source (in all)" "$2" "$n"
    n=$(st_wait_lines "$copies" "tcp=$PEER_IP:$1>$SRC_IP:81 " 1)
    st_check "$phase: copies of the frame to port 81" 1 "$n"
    st_check "$phase: copies of the frames to port 80" "$3" \
        "$(m0_count "$copies" "tcp=$PEER_IP:$1>$SRC_IP:80 ")"
}

# Rule A (reject) before rule B (accept): not mirrored.
phase="reject first"
round 41001 4 0

# The priorities swapped.  Rules of one filter and direction need distinct
# priorities at every write, so giving A B's priority is refused, and the
# swap goes through a free one.
if tmctl rule-set "$RULE_A" priority=2 > /dev/null 2>&1; then
    st_fail "rule A given rule B's priority: accepted"
else
    st_pass "rule A given rule B's priority: refused"
fi
tmctl rule-set "$RULE_A" priority=4 &&
tmctl rule-set "$RULE_B" priority=1 &&
tmctl --wait=hv rule-set "$RULE_A" priority=2 || exit 1

# Rule B (accept) before rule A (reject): each frame mirrored once.
phase="accept first"
round 41002 8 3
st_check "copies from $outer to $TGT_IP with VNI 7" 5 \
    "$(m0_count "$copies" "^vxlan src=$outer dst=$TGT_IP vni=7 ")"
st_check "copies in all" 5 "$(m0_count "$copies" '^vxlan ')"

st_finish
