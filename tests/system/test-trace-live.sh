#!/bin/sh
# "tmirror-ctl trace --live" on a real hypervisor: seed 002 configured
# through the database and programmed by tmirror-controller (not by
# "tmirror-ctl compile", as in the sandbox), so that what trace reads from
# the Open_vSwitch database (bindings, outer source mode, MTU) must be what
# the controller compiled with.  The explanation must agree with
# ofproto/trace, and with real packets: ECS-test's "hello" to port 1234
# reaches ECS-target once as a copy, to port 22 not at all.  In stock mode
# the outer source is the hypervisor's address, which trace reads from the
# switch's route; with the controller's --tunnel-mtu, trace needs the same
# option or it disagrees on truncation; and a mirror flow deleted behind
# the controller's back is a disagreement until the controller puts it
# back.
. "$(dirname "$0")/lib.sh"

st_seed002 || { echo "FAIL: seed 002 setup"; exit 1; }

seed002="tcp,nw_src=$SEED_TEST_IP,nw_dst=$SEED_SOURCE_IP,tp_src=40000"
out=$ST_DIR/trace.out

# trace_expect WHAT EXIT LINE... -- TRACE-ARG...: runs "tmirror-ctl trace
# --live TRACE-ARG..." and checks its exit status and that it printed each
# LINE exactly.
trace_expect() {
    local what=$1 want_rc=$2 rc line missing=
    shift 2
    : > "$ST_DIR/want"
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        printf '%s\n' "$1" >> "$ST_DIR/want"
        shift
    done
    shift
    tmctl trace --live --source=port-ecs-source "$@" > "$out" 2>&1
    rc=$?
    while IFS= read -r line; do
        grep -qxF -- "$line" "$out" || missing="$missing [$line]"
    done < "$ST_DIR/want"
    if [ "$rc" != "$want_rc" ]; then
        st_fail "$what: exit $rc, not $want_rc"
        sed 's/^/  /' "$out"
    elif [ -n "$missing" ]; then
        st_fail "$what: missing$missing"
        sed 's/^/  /' "$out"
    else
        st_pass "$what: $(tail -n 1 "$out")"
    fi
}

# Patched mode (the build's Open vSwitch): the copy leaves with
# ECS-source's own address.
trace_expect "patched, TCP 1234 from LOCAL" 0 \
    "mirror: session $(tmctl session-list | sed -n 's/^traffic_mirror_session \([^ ]*\) (mirror-session-A).*/\1/p') -> target port-ecs-target (port), outer $SEED_SOURCE_IP -> $SEED_TARGET_IP, VNI 1, truncated to 96 bytes" \
    "AGREE: 1 copy" -- --direction=ingress "$seed002,tp_dst=1234"
trace_expect "patched, TCP 1234 from ECS-test's port" 0 \
    "live: also outbound for port-ecs-test: not mirrored: no session has source port-ecs-test" \
    "AGREE: 1 copy" -- --direction=ingress --in-port=port-ecs-test \
    "$seed002,tp_dst=1234"
trace_expect "patched, TCP 22" 0 \
    "not mirrored: no ingress rule matches (1 tried)" "AGREE: 0 copies" \
    -- --direction=ingress "$seed002,tp_dst=22"
trace_expect "patched, the reply" 0 "AGREE: 0 copies" -- \
    --direction=egress \
    "dl_dst=$SEED_TEST_MAC,tcp,nw_src=$SEED_SOURCE_IP,nw_dst=$SEED_TEST_IP,tp_src=1234,tp_dst=40000"

# The same verdicts on real packets.
st_check "real packets: hello to 1234, copies" 1 "$(st_hello_copies 1234)"
st_check "real packets: hello to 22, copies" 0 "$(st_hello_copies 22)"

# Stock mode: the hypervisor's address, as the switch's route gives it.
st_controller_stop
st_controller_start --stock || exit 1
st_wait_applied
for _ in $(seq 50); do
    [ "$(ctlappctl mode/show | sed -n 's/^mode: //p')" = stock ] && break
    sleep 0.1
done
trace_expect "stock, TCP 1234" 0 \
    "hypervisor (br-int): tunnel MTU 1500, outer source the hypervisor's address" \
    "live: switch copy 1: outer $SEED_HV_IP -> $SEED_TARGET_IP, VNI 1, truncated to 96 bytes" \
    "AGREE: 1 copy" -- --direction=ingress "$seed002,tp_dst=1234"

# The controller's --tunnel-mtu: trace must be told too.
tmctl --wait=hv session-set mirror-session-A packet_length=1460 || exit 1
st_controller_stop
st_controller_start --stock --tunnel-mtu=1400 || exit 1
st_wait_applied
trace_expect "controller --tunnel-mtu=1400, trace without it" 2 \
    "DISAGREE: copy 1: truncation 1364 on the switch, 1460 in the model" \
    -- --direction=ingress "$seed002,tp_dst=1234"
trace_expect "controller --tunnel-mtu=1400, trace with it" 0 \
    "live: switch copy 1: outer $SEED_HV_IP -> $SEED_TARGET_IP, VNI 1, truncated to 1364 bytes" \
    "AGREE: 1 copy" -- --direction=ingress --tunnel-mtu=1400 \
    "$seed002,tp_dst=1234"

# A mirror flow deleted behind the controller's back (stopped, so that it
# does not put it back at once): a disagreement, until the controller runs
# again and resyncs.
st_controller_stop
ofctl del-flows br-int "table=50,tcp,reg15=0x1"
trace_expect "mirror flow deleted" 2 \
    "DISAGREE: the model sends 1 copy, the switch 0" -- \
    --direction=ingress --tunnel-mtu=1400 "$seed002,tp_dst=1234"
st_controller_start --stock --tunnel-mtu=1400 || exit 1
st_wait_applied
trace_expect "controller resynced" 0 "AGREE: 1 copy" -- \
    --direction=ingress --tunnel-mtu=1400 "$seed002,tp_dst=1234"

st_finish
