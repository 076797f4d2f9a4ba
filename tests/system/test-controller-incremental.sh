#!/bin/sh
# Incremental updates: with two mirror sources on the hypervisor, a change
# to one rule or one session compiles only the source it concerns and
# sends only the flows that changed, as tmirror-controller's own counters
# ("status": sources compiled, flows added, modified, deleted) show.  And
# what it sends works: the traffic follows each change.
. "$(dirname "$0")/lib.sh"

st_seed002 || exit 1

# A second source: ECS-test's outbound UDP, to ECS-target on VNI 2.
tmctl filter-add filter-B > /dev/null &&
tmctl rule-add filter-B egress 1 accept protocol=udp > /dev/null &&
tmctl --wait=hv session-add session-B filter-B eni port-ecs-target 2 \
    virtual_network_id=2 packet_length=200 \
    traffic_mirror_sources=port-ecs-test enabled=true > /dev/null || exit 1
rule_a=$(tmctl rule-list mirror-filter-A | awk 'NR == 1 {print $1}')

# expect_delta WHAT SOURCES ADDS MODS DELS COMMAND...: runs COMMAND (a
# write, with --wait=hv) and checks what the controller did for it.
expect_delta() {
    local what=$1 s=$2 a=$3 m=$4 d=$5 s0 a0 m0 d0
    shift 5
    s0=$(st_ctl_sources) a0=$(st_ctl_status 'flow adds')
    m0=$(st_ctl_status 'flow modifications') d0=$(st_ctl_status 'flow deletions')
    "$@" > /dev/null || { st_fail "$what: $* failed"; return; }
    st_check "$what: sources compiled, flows added, modified, deleted" \
        "$s $a $m $d" "$(($(st_ctl_sources) - s0)) \
$(($(st_ctl_status 'flow adds') - a0)) \
$(($(st_ctl_status 'flow modifications') - m0)) \
$(($(st_ctl_status 'flow deletions') - d0))"
}

# A rule's port range widens to 1234-1235: the one flow is replaced by
# one with a masked match (another key: a deletion and an addition).
expect_delta "rule A port range" 1 1 0 1 \
    tmctl --wait=hv rule-set "$rule_a" destination_port_range=1234-1235
st_check "rule A's flow" 1 "$(ofctl dump-flows br-int table=50 \
    | grep -c 'tp_dst=0x4d2/0xfffe')"

# Session B's VNI: same match, new actions: one modification, for ECS-test
# only.
expect_delta "session B's VNI" 1 0 1 0 \
    tmctl --wait=hv session-set session-B virtual_network_id=5

# A description is not compiled: nothing at all.
expect_delta "rule A's description" 0 0 0 0 \
    tmctl --wait=hv rule-set "$rule_a" description=changed

# Disabling session B removes ECS-test's flow, and nothing else.
expect_delta "session B disabled" 0 0 0 1 \
    tmctl --wait=hv session-disable session-B

# The traffic follows: port 1235 is mirrored now.
st_check "\"hello\" to port 1235 mirrored with VNI 1" 1 \
    "$(st_hello_copies 1235 " vni=1 ")"

st_finish
