#!/bin/sh
# Reconnection, both ways, on the seed 002 hypervisor:
#
#   - tmirror-controller restarts while ovs-vswitchd keeps running: it
#     reads the switch's flows of ours, finds them right, and sends
#     nothing; production traffic (a fast ping) loses nothing, and copies
#     keep flowing while the controller is away;
#   - ovs-vswitchd restarts (its flows are gone): the controller reconnects
#     and puts every flow back within a second of the switch being up;
#   - someone deletes one of our flows by hand: "recompute" puts it back;
#   - a flow without tmirror's cookie is never touched by any of this.
. "$(dirname "$0")/lib.sh"

st_seed002 || exit 1

foreign="cookie=0x1,table=10,priority=100,in_port=99,actions=drop"
ofctl add-flow br-int "$foreign" || exit 1
foreign_left() {
    ofctl dump-flows br-int cookie=0x1/-1 | grep -c 'in_port=99'
}
flows_now() {
    ofctl dump-flows br-int --no-stats | sed 's/ *$//' | sort
}
pcap=$ST_DIR/target.pcap
st_tcpdump "$SEED_TGT" "$pcap" || exit 1

n_ours=$(st_our_flows br-int)
if [ "$n_ours" -gt 20 ]; then
    st_pass "$n_ours flows of ours installed"
else
    st_fail "only $n_ours flows of ours installed"
fi
before=$(flows_now)

# 1. The controller restarts; the switch keeps running.  A ping every
# 20 ms from ECS-test to ECS-source runs throughout.
st_exec "$SEED_TST" ping -q -i 0.02 -c 200 $SEED_SOURCE_IP \
    > "$ST_DIR/ping.out" 2>&1 &
ping_pid=$!
sleep 0.5
st_controller_stop
st_check "controller stopped" 0 "$(ls "$ST_DIR"/tmirror-controller.pid 2>/dev/null | wc -l)"
st_check "flows kept while the controller is away" "$n_ours" \
    "$(st_our_flows br-int)"
st_tcp_send "$SEED_TST" $SEED_SOURCE_IP 1234 /dev/null hello
st_controller_start || exit 1
st_wait_applied || st_fail "the restarted controller did not apply the configuration"
wait "$ping_pid"
st_check "ping during the controller restart: packet loss" "0%" \
    "$(sed -n 's/.* \([0-9.]*%\) packet loss.*/\1/p' "$ST_DIR/ping.out")"
st_check "resynchronised by one dump" 1 "$(st_ctl_status resyncs)"
st_check "flows added after the restart" 0 "$(st_ctl_status 'flow adds')"
st_check "flows modified after the restart" 0 \
    "$(st_ctl_status 'flow modifications')"
st_check "flows deleted after the restart" 0 \
    "$(st_ctl_status 'flow deletions')"
if [ "$before" = "$(flows_now)" ]; then
    st_pass "the switch's flows are unchanged"
else
    st_fail "the switch's flows changed across the controller restart"
fi
st_check "foreign flow (cookie 0x1) still there" 1 "$(foreign_left)"

# 2. Someone deletes a flow of ours; "recompute" puts it back.
ofctl --strict del-flows br-int "table=0,priority=100,in_port=1" || exit 1
st_check "flows of ours after a manual deletion" $((n_ours - 1)) \
    "$(st_our_flows br-int)"
ctlappctl recompute > /dev/null
for _ in $(seq 20); do
    [ "$(st_our_flows br-int)" = "$n_ours" ] && break
    sleep 0.1
done
st_check "flows of ours after recompute" "$n_ours" "$(st_our_flows br-int)"
st_check "foreign flow still there after recompute" 1 "$(foreign_left)"

# 3. ovs-vswitchd restarts: every flow is gone until the controller puts
# them back.
st_vswitchd_restart || exit 1
up=
for _ in $(seq 100); do
    if ofctl show br-int > /dev/null 2>&1; then
        up=$(date +%s%N)
        break
    fi
    sleep 0.02
done
back=
for _ in $(seq 200); do
    if [ "$(st_our_flows br-int)" = "$n_ours" ]; then
        back=$(date +%s%N)
        break
    fi
    sleep 0.02
done
if [ -n "$up" ] && [ -n "$back" ]; then
    ms=$(( (back - up) / 1000000 ))
    echo "flows back $ms ms after the switch answered OpenFlow"
    if [ "$ms" -le 1000 ]; then
        st_pass "every flow back within a second of the switch restart"
    else
        st_fail "flows back only $ms ms after the switch restart"
    fi
else
    st_fail "flows not back after the switch restart (up=$up back=$back)"
fi
st_check "connections made by the controller" 2 "$(st_ctl_status connections)"
st_wait_applied || st_fail "configuration not applied after the switch restart"
st_check "mode after the switch restart" patched \
    "$(ctlappctl mode/show | sed -n 's/^mode: //p')"

# Copies resume: the first segment after the restart is mirrored (the
# controller seeded the target's neighbour again, so none is lost to ARP).
st_tcp_send "$SEED_TST" $SEED_SOURCE_IP 1234 /dev/null hello
sleep 0.5
st_tcpdump_stop
st_check "\"hello\" mirrored twice (controller away, switch restarted)" 2 \
    "$(st_vxlan_lines "$pcap" | grep -c " payload=$(st_hex hello)\$")"

st_finish
