#!/bin/sh
# Can the copies reach their targets?  The controller seeds the tunnel
# neighbour of a target port from the model before any packet flows (so
# no copy is lost to ARP); copies to a target without a
# route are counted by the switch and reported by the controller, and a
# target on the link that nobody answers for is reported too.
. "$(dirname "$0")/lib.sh"

st_seed002 || exit 1

neigh() {
    appctl tnl/neigh/show | awk -v ip="$1" '$1 == ip {print $2}'
}
st_check "ECS-target's neighbour seeded before any traffic" \
    $SEED_TARGET_MAC "$(neigh $SEED_TARGET_IP)"
st_check "\"hello\" mirrored to the seeded target" 1 "$(st_hello_copies 1234)"

# A load balancer with no route to its VIP as the target.
tmctl lb-add lb-far name=far vip_address=10.99.0.1 udp_supported=true &&
tmctl --wait=hv session-set mirror-session-A traffic_mirror_target_type=elb \
    traffic_mirror_target_id=lb-far > /dev/null || exit 1
st_tcp_send "$SEED_TST" $SEED_SOURCE_IP 1234 /dev/null hello
# The controller reads the counter every 5 s.
for _ in $(seq 80); do
    lost=$(st_ctl_status 'copies lost to routing failures')
    [ "${lost:-0}" -gt 0 ] && break
    sleep 0.1
done
if [ "${lost:-0}" -gt 0 ]; then
    st_pass "copies to an unroutable target counted: $lost"
else
    st_fail "copies to an unroutable target not counted"
fi
log=$ST_DIR/tmirror-controller.log
st_check "logged: copies lost to routing failures" 1 \
    "$(grep -c 'mirror copies lost: ovs-vswitchd found no route' "$log")"
st_check "logged: the target has no route" 1 \
    "$(grep -c 'mirror target 10.99.0.1: no route' "$log")"

# A VIP on the link that nobody answers ARP for.
tmctl --wait=hv lb-set lb-far vip_address=192.168.0.200 > /dev/null || exit 1
st_tcp_send "$SEED_TST" $SEED_SOURCE_IP 1234 /dev/null hello
for _ in $(seq 80); do
    grep -q 'mirror target 192.168.0.200: neighbour unresolved' "$log" && break
    sleep 0.1
done
st_check "logged: the target's neighbour is unresolved" 1 \
    "$(grep -c 'mirror target 192.168.0.200: neighbour unresolved' "$log")"
st_check "status lists the problem" 1 \
    "$(ctlappctl status | grep -c '^target 192.168.0.200: neighbour unresolved')"

st_finish
