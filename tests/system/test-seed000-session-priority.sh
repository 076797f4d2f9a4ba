#!/bin/sh
# Seed 000, "Matching Rules", the mirror session priority example, with
# real packets: "a mirror source is associated with both mirror sessions A
# and B.  The priority of mirror session A is 1 and that of mirror session
# B is 2.  If a packet in the inbound direction of the mirror source meets
# the mirror filter rules of both mirror session A and mirror session B,
# the packet preferentially matches the mirror filter rules of mirror
# session A according to the priority, and will not match that of mirror
# session B."  And "Unique match": the packet is mirrored once.
#
# One source VM; session A (priority 1, VNI 11) mirrors its inbound TCP to
# ports 80-81 to target VM A, session B (priority 2, VNI 22) its inbound
# TCP to ports 81-82 to target VM B.  A peer sends one frame to each of
# ports 80, 81, 82 and 83: 81 matches both filters and goes to A only, 80
# to A, 82 (only B's rules) to B, 83 nowhere.  With the priorities swapped
# (session-set ... priority=), 81 goes to B only; 80 and 82 as before.
. "$(dirname "$0")/lib.sh"
. "$ST_HERE/lib-seed000-match.sh"

SRC_MAC=fa:16:3e:00:01:03 SRC_IP=10.0.0.3
PEER_MAC=fa:16:3e:00:01:05 PEER_IP=172.16.0.5
A_MAC=fa:16:3e:00:01:21 A_IP=192.168.0.21
B_MAC=fa:16:3e:00:01:22 B_IP=192.168.0.22

# setup: the VMs, the two filters and the two sessions, applied.
setup() {
    m0_start &&
    m0_vm SRC src $SRC_MAC $SRC_IP port-src &&
    m0_vm PEER peer $PEER_MAC $PEER_IP port-peer &&
    m0_vm TGT_A tgt-a $A_MAC $A_IP port-tgt-a &&
    m0_vm TGT_B tgt-b $B_MAC $B_IP port-tgt-b || return 1
    tmctl filter-add filter-a &&
    tmctl rule-add filter-a ingress 1 accept protocol=tcp \
        destination_port_range=80-81 &&
    tmctl filter-add filter-b &&
    tmctl rule-add filter-b ingress 1 accept protocol=tcp \
        destination_port_range=81-82 &&
    tmctl session-add session-a filter-a eni port-tgt-a 1 \
        virtual_network_id=11 traffic_mirror_sources=port-src enabled=true &&
    tmctl --wait=hv session-add session-b filter-b eni port-tgt-b 2 \
        virtual_network_id=22 traffic_mirror_sources=port-src enabled=true
}
setup > /dev/null || exit 1

at_a=$ST_DIR/tgt-a.txt
at_b=$ST_DIR/tgt-b.txt
at_src=$ST_DIR/src.txt
st_capture "$TGT_A" "$at_a" && st_capture "$TGT_B" "$at_b" &&
st_capture "$SRC" "$at_src" || exit 1
outer=$(st_outer_src $SRC_IP)

# round SPORT TOTAL: the peer sends one TCP frame from source port SPORT
# to each of the source's ports 80-83, and checks that the source has
# received TOTAL frames from the peer by now.  ($phase names the checks.)
round() {
    local dport n
    for dport in 80 81 82 83; do
        st_frame "$PEER" $SRC_MAC $PEER_IP $SRC_IP tcp --sport "$1" \
            --dport $dport
    done
    n=$(st_wait_lines "$at_src" "^tcp src=$PEER_IP .* frame=" "$2")
    st_check "$phase: frames delivered to the source (in all)" "$2" "$n"
}

# expect SPORT A-PORTS B-PORTS: checks that of round SPORT's frames,
# target A got one copy each of those to A-PORTS, with its outer header,
# and nothing else, and so did target B.
expect() {
    local sport=$1 want_a=$2 want_b=$3 got_a got_b n_a n_b
    n_a=$(echo $want_a | wc -w) n_b=$(echo $want_b | wc -w)
    st_wait_lines "$at_a" ":$sport>" "$n_a" > /dev/null
    st_wait_lines "$at_b" ":$sport>" "$n_b" > /dev/null
    got_a=$(sed -n "s/^vxlan src=$outer dst=$A_IP vni=11 .*:$sport>.*:\
\([0-9]*\) .*/\1/p" "$at_a" | tr '\n' ' ')
    got_b=$(sed -n "s/^vxlan src=$outer dst=$B_IP vni=22 .*:$sport>.*:\
\([0-9]*\) .*/\1/p" "$at_b" | tr '\n' ' ')
    st_check "$phase: ports of the copies at A (VNI 11)" "$want_a" \
        "${got_a% }"
    st_check "$phase: ports of the copies at B (VNI 22)" "$want_b" \
        "${got_b% }"
    st_check "$phase: copies at A and B in all" "$n_a $n_b" \
        "$(m0_count "$at_a" ":$sport>") $(m0_count "$at_b" ":$sport>")"
}

# A (1) before B (2): 81, which both match, goes to A only.
phase="A first"
round 41001 4
expect 41001 "80 81" "82"

# The priorities swapped.  Sessions sharing a source need distinct
# priorities at every write, so giving A B's priority is refused, and the
# swap goes through a free one.
if tmctl session-set session-a priority=2 > /dev/null 2>&1; then
    st_fail "session A given session B's priority: accepted"
else
    st_pass "session A given session B's priority: refused"
fi
tmctl session-set session-a priority=3 &&
tmctl session-set session-b priority=1 &&
tmctl --wait=hv session-set session-a priority=2 || exit 1

# priority_of SESSION: SESSION's priority, as tmirror-ctl shows it.
priority_of() {
    tmctl session-show "$1" | sed -n '1s/.* priority=\([0-9]*\) .*/\1/p'
}
st_check "priorities of sessions B and A" "1 2" \
    "$(priority_of session-b) $(priority_of session-a)"

# B (1) before A (2): 81 goes to B only.
phase="B first"
round 41002 8
expect 41002 "80" "81 82"

st_finish
