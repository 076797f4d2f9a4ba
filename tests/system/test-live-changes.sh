#!/bin/sh
# Live changes while traffic flows.  Seed 000 has a tenant change a
# running configuration: "You can enable the mirror session by referring
# to Enabling or Disabling a Mirror Session", "Each mirror session can be
# associated with multiple mirror sources", and a filter's "inbound rules
# and outbound rules" and a session's VNI, packet length and target can be
# modified.  After each change (session-enable/-disable,
# session-add-sources/-remove-sources, rule-add/-set/-del, session-set of
# the VNI, packet length and target), written with tmirror-ctl --wait=hv,
# the next packets follow the new configuration (copies appear or
# disappear, with the new VNI, length or target), and the production
# traffic, a steady stream to both sources all along, loses nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-probe.sh"

# VMs 11 and 12 are the sources, 21 and 22 the targets, 31 a VM that is
# no source and sends everything.
tp_setup || exit 1
tp_vm 11 source1 port-src1 && tp_vm 12 source2 port-src2 &&
tp_vm 21 target1 port-tgt1 && tp_vm 22 target2 port-tgt2 &&
tp_vm 31 sender port-sender || exit 1

# The session mirrors what source 1 receives over UDP to target 1, VNI 10,
# cut to 200 bytes.
tmctl filter-add filter > /dev/null &&
tmctl rule-add filter ingress 10 accept protocol=udp > /dev/null &&
tmctl --wait=hv session-add session filter eni port-tgt1 1 \
    virtual_network_id=10 packet_length=200 enabled=true \
    traffic_mirror_sources=port-src1 > /dev/null || exit 1

# stream TO DPORT: until $ST_DIR/stop exists, the sender sends VM TO
# batches of 50 frames for DPORT (20 ms apart), and adds each batch it
# sent to $ST_DIR/sent-TO.
stream() {
    while [ ! -e "$ST_DIR/stop" ]; do
        tp_send 31 "$1" "$2" 50 --size 300 || return 1
        echo 50 >> "$ST_DIR/sent-$1"
    done
}
stream 11 9000 &
stream1=$!
stream 12 9001 &
stream2=$!
ST_PIDS="$ST_PIDS $stream1 $stream2"

# probe WHAT TO DPORT AT EXPECTED: the sender sends 3 frames of 300 bytes
# to VM TO's DPORT; they are delivered, and VM AT receives EXPECTED copies
# of them (tp_copy's, or "none").
probe() {
    st_check "$1: delivered" 3 "$(tp_probe 31 "$2" "$3" 3 --size 300)"
    tp_check "$1: copies" "$4" "$3" "$5"
}

probe "session enabled" 11 7001 21 "$(tp_copy 3 11 21 10 200)"

tmctl --wait=hv session-disable session > /dev/null || exit 1
probe "session disabled" 11 7002 21 none
tmctl --wait=hv session-enable session > /dev/null || exit 1
probe "session enabled again" 11 7003 21 "$(tp_copy 3 11 21 10 200)"

tmctl --wait=hv session-add-sources session port-src2 > /dev/null || exit 1
probe "source 2 added: to source 2" 12 7004 21 "$(tp_copy 3 12 21 10 200)"
probe "source 2 added: to source 1" 11 7005 21 "$(tp_copy 3 11 21 10 200)"
tmctl --wait=hv session-remove-sources session port-src2 > /dev/null \
    || exit 1
probe "source 2 removed: to source 2" 12 7006 21 none
probe "source 2 removed: to source 1" 11 7007 21 "$(tp_copy 3 11 21 10 200)"

# A reject rule ahead of the accept rule, for ports 7100-7199.
rule=$(tmctl --wait=hv rule-add filter ingress 1 reject protocol=udp \
    destination_port_range=7100-7199) || exit 1
probe "reject rule added: rejected port" 11 7101 21 none
probe "reject rule added: other port" 11 7201 21 "$(tp_copy 3 11 21 10 200)"
tmctl --wait=hv rule-set "$rule" destination_port_range=7200-7299 \
    > /dev/null || exit 1
probe "reject rule moved: port no longer rejected" 11 7102 21 \
    "$(tp_copy 3 11 21 10 200)"
probe "reject rule moved: port now rejected" 11 7202 21 none
tmctl --wait=hv rule-del "$rule" > /dev/null || exit 1
probe "reject rule deleted" 11 7203 21 "$(tp_copy 3 11 21 10 200)"

tmctl --wait=hv session-set session virtual_network_id=20 > /dev/null \
    || exit 1
probe "VNI 20" 11 7008 21 "$(tp_copy 3 11 21 20 200)"
tmctl --wait=hv session-set session packet_length=100 > /dev/null || exit 1
probe "packet length 100" 11 7009 21 "$(tp_copy 3 11 21 20 100)"
tmctl --wait=hv session-set session traffic_mirror_target_id=port-tgt2 \
    > /dev/null || exit 1
probe "target 2: at target 2" 11 7010 22 "$(tp_copy 3 11 22 20 100)"
tp_check "target 2: at target 1" 21 7010 none

# delivered TO DPORT: every frame that the stream to VM TO sent was
# delivered, and it ran all along (at least 4 batches).
delivered() {
    local sent
    sent=$(awk '{ n += $1 } END { print n + 0 }' "$ST_DIR/sent-$1")
    if [ "$sent" -lt 200 ]; then
        st_fail "stream to VM $1: only $sent frames sent"
    fi
    st_check "stream to VM $1: frames delivered of $sent sent" "$sent" \
        "$(tp_delivered "$1" "$2" "$sent")"
}

# The streams stop after their current batch.
: > "$ST_DIR/stop"
wait "$stream1" "$stream2"
delivered 11 9000
delivered 12 9001

st_finish
