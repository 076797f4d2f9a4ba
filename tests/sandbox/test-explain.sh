#!/bin/sh
# "tmirror-ctl trace" against the switch: for every golden model, loaded
# into a simulated hypervisor on the dummy datapath, many packets (hits
# and misses on each field of every rule, both directions, IPv4 and IPv6,
# entering from LOCAL, the uplink and other sources, sent to unknown,
# local and broadcast MACs; explain-probes.py makes them) are traced with
# "trace --live", which explains them from the model and compares with
# ofproto/trace on br-int: every one must AGREE.  Then verdicts checked
# against what the seeds say, switches made to disagree on purpose (a
# flow deleted, a VNI, a truncation, an outer address changed): --live
# must say DISAGREE and exit 2; the model read from the northbound
# database; and refusals of what can't be traced.
. "$(dirname "$0")/lib.sh"

sb_start || { echo "FAIL: sandbox did not start"; exit 1; }

# ex_case NAME [NONLOCAL-SRC]: loads golden case NAME in mode $SB_MODE as
# tmirror-controller would compile it from the switch's settings: the
# outer source is the VM's address exactly when the tunnel port allows it
# (patched mode; NONLOCAL-SRC=false compiles as if it did not), and the
# tunnel MTU is br-int's.
ex_case() {
    nonlocal=${2:-$([ "$SB_MODE" = patched ] && echo true || echo false)}
    python3 -c 'import json, sys
b = json.load(open(sys.argv[1]))
b.setdefault("tunnel", {})["nonlocal_src"] = sys.argv[3] == "true"
json.dump(b, open(sys.argv[2], "w"))' "$GOLDEN/$1/bindings.json" \
        "$SB_DIR/case-bindings.json" "$nonlocal"
    sb_load "$1" "$GOLDEN/$1/model.json" "$SB_DIR/case-bindings.json" \
        || return 1
    model=$GOLDEN/$1/model.json
    mtu=$(sb_binding "$SB_DIR/bindings.json" tunnel.mtu)
    vsctl set interface br-int mtu_request="${mtu:-1500}" &&
    vsctl wait-until interface br-int mtu="${mtu:-1500}"
}

# ex_trace SOURCE DIRECTION IN-PORT FLOW [OPTION...]: "trace --live" of
# the current model into $SB_DIR/explain; sets $rc.
ex_trace() {
    source=$1 direction=$2 in_port=$3 flow=$4
    shift 4
    if [ "$in_port" = - ]; then
        set -- "$@" --model="$model" trace --live --source="$source" \
            --direction="$direction" "$flow"
    else
        set -- "$@" --model="$model" trace --live --source="$source" \
            --direction="$direction" --in-port="$in_port" "$flow"
    fi
    "$TMIRROR_CTL" "$@" > "$SB_DIR/explain" 2>&1
    rc=$?
}

ex_fail() {
    echo "FAIL: $*"
    sed 's/^/  /' "$SB_DIR/explain" | grep -E '^  (live: |AGREE|DISAGREE|mirror|not mirrored|tmirror-ctl)'
    sb_failed=$((sb_failed + 1))
}

# Every probe of the current case must agree.
ex_probes() {
    what="$1 ($SB_MODE OVS)"
    python3 "$SB_HERE/explain-probes.py" "$model" \
        "$GOLDEN/$1/bindings.json" > "$SB_DIR/probes" || return 1
    while read -r source direction in_port flow; do
        ex_trace "$source" "$direction" "$in_port" "$flow"
        from=
        if [ "$in_port" != - ]; then
            from=" from $in_port"
        fi
        probe="$what: $source $direction$from: $flow"
        if [ "$rc" != 0 ] || ! grep -q '^AGREE' "$SB_DIR/explain"; then
            ex_fail "$probe (exit $rc)"
            continue
        fi
        if grep -q '^mirror: ' "$SB_DIR/explain"; then
            n_mirror=$((n_mirror + 1))
        else
            n_none=$((n_none + 1))
        fi
        sb_pass "$probe: $(grep '^AGREE' "$SB_DIR/explain")"
    done < "$SB_DIR/probes"
}

# Both verdicts must be common, or agreeing would prove little.
expect_both_verdicts() {
    if [ "$n_mirror" -ge 50 ] && [ "$n_none" -ge 50 ]; then
        sb_pass "$SB_MODE OVS: $n_mirror mirrored, $n_none not, all agree"
    else
        echo "FAIL: $SB_MODE OVS: $n_mirror mirrored, $n_none not" \
             "mirrored: the probes test too little"
        sb_failed=$((sb_failed + 1))
    fi
}

for mode in stock patched; do
    SB_MODE=$mode
    n_mirror=0 n_none=0
    for dir in "$GOLDEN"/*/; do
        name=$(basename "$dir")
        if grep -q '"mirror_only": *true' "$dir/bindings.json"; then
            continue        # The host's pipeline, not ours, would decide.
        fi
        ex_case "$name" || { echo "FAIL: $name did not load"; exit 1; }
        ex_probes "$name"
    done
    expect_both_verdicts
done

# expect_line SOURCE DIRECTION IN-PORT FLOW LINE...: trace --live agrees
# and prints every LINE exactly.
expect_lines() {
    ex_trace "$1" "$2" "$3" "$4"
    what="$1 $2: $4"
    shift 4
    if [ "$rc" != 0 ]; then
        ex_fail "$what: exit $rc"
        return
    fi
    for line in "$@"; do
        if ! grep -qxF -- "$line" "$SB_DIR/explain"; then
            ex_fail "$what: no line \"$line\""
            return
        fi
    done
    sb_pass "$what: $*"
}

# Verdicts as the seeds state them.  Seed 002: ECS-test's TCP to port 1234
# of ECS-source is mirrored to ECS-target with VNI 1, 96 bytes, from the
# hypervisor's address on a stock switch and from ECS-source's own on a
# patched one; port 1233 is not.
SB_MODE=stock
ex_case seed002
seed002='tcp,nw_src=192.168.0.161,nw_dst=192.168.0.230,tp_src=38944'
expect_lines port-ecs-source ingress - "$seed002,tp_dst=1234" \
    "  rule rule-a-in-1 priority=1 accept tcp IPv4 source_cidr_block=192.168.0.161/32 destination_cidr_block=192.168.0.230/32 destination_port_range=1234-1234: matches" \
    "decision: rule rule-a-in-1 (priority 1) of session session-a (priority 1): accept" \
    "mirror: session session-a -> target port-ecs-target (port), outer 192.0.2.1 -> 192.168.0.164, VNI 1, truncated to 96 bytes" \
    "AGREE: 1 copy"
expect_lines port-ecs-source ingress port-ecs-test "$seed002,tp_dst=1233" \
    "  rule rule-a-in-1 priority=1 accept tcp IPv4 source_cidr_block=192.168.0.161/32 destination_cidr_block=192.168.0.230/32 destination_port_range=1234-1234: does not match: tp_dst 1233 not in 1234-1234" \
    "not mirrored: no ingress rule matches (1 tried)" "AGREE: 0 copies"
expect_lines port-ecs-source egress - 'tcp,nw_src=192.168.0.230,nw_dst=192.168.0.161,tp_src=1234' \
    "session session-a (mirror-session-A) priority=1 vni=1 packet_length=96 target=eni:port-ecs-target: considered, 0 egress rules" \
    "not mirrored: the enabled sessions of source port-ecs-source have no egress rules" \
    "AGREE: 0 copies"
expect_lines Network-interface-s ingress - 'arp' \
    "not mirrored: not an IP packet (dl_type 0x0806): rules match only IPv4 and IPv6" \
    "AGREE: 0 copies"
SB_MODE=patched
ex_case seed002
expect_lines port-ecs-source ingress - "$seed002,tp_dst=1234" \
    "mirror: session session-a -> target port-ecs-target (port), outer 192.168.0.230 -> 192.168.0.164, VNI 1, truncated to 96 bytes" \
    "AGREE: 1 copy"

# Seed 000: session A (priority 1) decides before B for TCP 80; rule
# priority 1 (reject) before 2 (accept).
ex_case session-priority
client='tcp,nw_src=192.168.0.20,nw_dst=192.168.0.10,tp_src=40000'
expect_lines port-src ingress - "$client,tp_dst=80" \
    "session session-b (mirror-session-B) priority=2 vni=200 packet_length=128 target=eni:port-target-b: not reached: an earlier rule decided" \
    "  rule rule-b-1 priority=1 accept tcp IPv4 destination_port_range=1-1024: not reached" \
    "mirror: session session-a -> target port-target-a (port), outer 192.168.0.10 -> 192.168.0.100, VNI 100, truncated to 96 bytes"
ex_case rule-priority
expect_lines port-src ingress - "$client,tp_dst=80" \
    "  rule rule-a priority=1 reject tcp IPv4 source_cidr_block=192.168.0.20/32 destination_port_range=80-80: matches" \
    "not mirrored: rule rule-a (priority 1) of session session-a rejects it" \
    "AGREE: 0 copies"
# IPv6, truncation to fit the MTU, a disabled session.
ex_case ipv6-mtu
expect_lines port-src ingress - 'icmp6,ipv6_src=2001:db8:1::5,ipv6_dst=2001:db8::10,icmpv6_type=128' \
    "session session-off priority=2 vni=9 packet_length=96 target=eni:port-target: disabled: not considered" \
    "mirror: session session-v6 -> target port-target (port), outer 2001:db8::10 -> 2001:db8::100, VNI 16777215, truncated to 1344 bytes"
# A source without an address of the target's family: the copy leaves with
# the hypervisor's, and the trace says why.  A load balancer target.
ex_case two-sources
expect_lines vm-b ingress - 'icmp6,ipv6_src=2001:db8:200::1,ipv6_dst=2001:db8:200::2,icmpv6_type=128' \
    'note: session "s-b2": source "vm-b" has no IPv6 address, so its copies leave with this hypervisor'"'"'s address as outer source' \
    "mirror: session s-b2 -> target target6 (port), outer 2001:db8:ffff::1 -> 2001:db8:1::200, VNI 300, truncated to 96 bytes"
expect_lines vm-b egress - 'ipv6,ipv6_src=2001:db8:200::1,ipv6_dst=2001:db8:200::2' \
    "mirror: session s-a1 -> target target-t (port), outer 10.0.1.20 -> 10.0.1.100, VNI 100, truncated to 128 bytes"
expect_lines vm-b ingress - 'tcp,nw_src=10.0.1.20,nw_dst=10.0.1.10,tp_dst=22' \
    "not mirrored: rule web-in-from-b (priority 2) of session s-a1 rejects it"
expect_lines vm-b egress - 'udp,nw_src=10.0.1.20,nw_dst=10.0.1.10,udp_dst=53' \
    "mirror: session s-a1 -> target target-t (port), outer 10.0.1.20 -> 10.0.1.100, VNI 100, truncated to 128 bytes"
# A packet from one source to another is outbound for one and inbound for
# the other: each decides, two copies.
expect_lines vm-a ingress vm-b 'tcp,nw_src=10.0.1.20,nw_dst=10.0.1.10,tp_dst=80' \
    "live: also outbound for vm-b: mirror: session s-b2 -> target target6 (port), outer 2001:db8:ffff::1 -> 2001:db8:1::200, VNI 300, truncated to 96 bytes" \
    "mirror: session s-a1 -> target target-t (port), outer 10.0.1.10 -> 10.0.1.100, VNI 100, truncated to 128 bytes" \
    "AGREE: 2 copies"
expect_lines vm-b egress - 'dl_dst=fa:16:3e:00:06:01,udp,nw_src=10.0.1.20,nw_dst=10.0.1.10,udp_dst=53' \
    "live: model copy 1 (egress vm-b, session s-a1): outer 10.0.1.20 -> 10.0.1.100, VNI 100, truncated to 128 bytes" \
    "live: model copy 2 (ingress vm-a, session s-a1): outer 10.0.1.10 -> 10.0.1.100, VNI 100, truncated to 128 bytes" \
    "AGREE: 2 copies"

# The switch made to disagree: each change to the loaded flows must be
# reported, with exit status 2, and undoing it must agree again.
SB_MODE=patched
ex_case seed002
cp "$SB_DIR/flows.txt" "$SB_DIR/flows.orig"
expect_disagree() {
    change=$1 flow=$2 want=$3
    what=${change:-flows compiled with nonlocal_src off}
    sed -e "$change" "$SB_DIR/flows.orig" > "$SB_DIR/flows.txt"
    ofctl --bundle replace-flows br-int "$SB_DIR/flows.txt" || return 1
    ex_trace port-ecs-source ingress - "$flow"
    if [ "$rc" != 2 ]; then
        ex_fail "switch changed ($what): exit $rc, not 2"
    elif ! grep -qxF "DISAGREE: $want" "$SB_DIR/explain"; then
        ex_fail "switch changed ($what): not \"DISAGREE: $want\""
    else
        sb_pass "switch changed ($what): DISAGREE: $want"
    fi
}
expect_disagree '/table=50, priority=60000/d' "$seed002,tp_dst=1234" \
    "the model sends 1 copy, the switch 0"
expect_disagree 's/0x1->tun_id/0x2->tun_id/' "$seed002,tp_dst=1234" \
    "copy 1: VNI 2 on the switch, 1 in the model"
expect_disagree 's/max_len=96/max_len=64/' "$seed002,tp_dst=1234" \
    "copy 1: truncation 64 on the switch, 96 in the model"
expect_disagree 's/192.168.0.164->tun_dst/192.168.0.99->tun_dst/' \
    "$seed002,tp_dst=1234" \
    "copy 1: outer destination 192.168.0.99 on the switch, 192.168.0.164 in the model"
expect_disagree 's/192.168.0.230->tun_src/192.168.0.231->tun_src/' \
    "$seed002,tp_dst=1234" \
    "copy 1: outer source 192.168.0.231 on the switch, 192.168.0.230 in the model"
expect_disagree 's/tp_dst=1234/tp_dst=1235/' "$seed002,tp_dst=1235" \
    "the model sends 0 copies, the switch 1"
ofctl --bundle replace-flows br-int "$SB_DIR/flows.orig"
expect_lines port-ecs-source ingress - "$seed002,tp_dst=1234" "AGREE: 1 copy"
# Flows compiled for a stock switch on a patched one: the tunnel port
# allows the VM's address as outer source (so the controller would put it
# in), the flows don't.
ex_case seed002 false
cp "$SB_DIR/flows.txt" "$SB_DIR/flows.orig"
expect_disagree '' "$seed002,tp_dst=1234" \
    "copy 1: outer source 192.0.2.1 on the switch, 192.168.0.230 in the model"

# The model from the northbound database (no --model), as an operator
# runs it: seed 002 imported, the source named by its name.
TOP=$(cd "$SB_HERE/../.." && pwd)
OVS_BINDIR=$OVS_SRC/ovsdb "$TOP/utilities/tmirror-db.sh" start "$SB_DIR/nb" \
    > /dev/null || exit 1
stop_nb() {
    OVS_BINDIR=$OVS_SRC/ovsdb "$TOP/utilities/tmirror-db.sh" stop \
        "$SB_DIR/nb" > /dev/null
    sb_cleanup
}
trap stop_nb EXIT
TMIRROR_NB_DB=unix:$SB_DIR/nb/tmirror_nb.sock
export TMIRROR_NB_DB
"$TMIRROR_CTL" import "$GOLDEN/seed002/model.json" > /dev/null &&
"$TMIRROR_CTL" export > "$SB_DIR/nb-model.json" || exit 1
sb_load seed002-nb "$SB_DIR/nb-model.json" "$GOLDEN/seed002/bindings.json" \
    || exit 1
for port in 1234 1235; do
    "$TMIRROR_CTL" trace --live --source=Network-interface-s \
        --direction=ingress "$seed002,tp_dst=$port" > "$SB_DIR/explain" 2>&1
    rc=$?
    if [ "$rc" = 0 ] && grep -q '^AGREE' "$SB_DIR/explain" \
        && grep -q '^session [0-9a-f-]* (mirror-session-A) priority=1' \
            "$SB_DIR/explain"; then
        sb_pass "from the database: tp_dst=$port: $(tail -n 1 "$SB_DIR/explain")"
    else
        ex_fail "from the database: tp_dst=$port (exit $rc)"
    fi
done

# Refusals: exit 1, a precise message, nothing traced.
model=$GOLDEN/seed002/model.json
expect_refusal() {
    want=$1
    shift
    "$TMIRROR_CTL" "$@" > "$SB_DIR/explain" 2>&1
    rc=$?
    if [ "$rc" != 1 ]; then
        ex_fail "refused ($want): exit $rc"
    elif ! grep -qF -- "$want" "$SB_DIR/explain"; then
        ex_fail "refused: no \"$want\""
    elif grep -q '^live:\|^AGREE\|^DISAGREE' "$SB_DIR/explain"; then
        ex_fail "refused ($want) but traced"
    else
        sb_pass "refused: $(head -n 1 "$SB_DIR/explain")"
    fi
}
t="--model=$model trace --source=port-ecs-source"
expect_refusal 'trace: --source=PORT and --direction=ingress|egress are required' \
    --model="$model" trace --direction=ingress tcp
expect_refusal '--direction: "in" is not one of ingress, egress' \
    $t --direction=in tcp
expect_refusal 'no port "port-nope"' --model="$model" trace \
    --source=port-nope --direction=ingress tcp
expect_refusal 'in_port: not a packet header field' \
    $t --direction=ingress 'in_port=3,tcp'
expect_refusal 'tun_id: not a packet header field' \
    $t --direction=ingress 'tun_id=5,tcp'
expect_refusal 'unknown field bogus' $t --direction=ingress 'tcp,bogus=1'
expect_refusal 'tp_dst: a later fragment has no transport ports' \
    $t --direction=ingress 'tcp,tp_dst=80,ip_frag=later'
expect_refusal '--live and --bindings both give' $t --direction=ingress \
    --live --bindings="$GOLDEN/seed002/bindings.json" tcp
expect_refusal '--in-port: only for --direction ingress' \
    $t --direction=egress --live --in-port=3 tcp
expect_refusal '--in-port: 1 is the source'"'"'s own port' \
    $t --direction=ingress --live --in-port=1 tcp
expect_refusal '--in-port: 10 is the mirror tunnel port' \
    $t --direction=ingress --live --in-port=10 tcp
expect_refusal '--in-port: "x" is not' \
    $t --direction=ingress --live --in-port=x tcp
expect_refusal 'is not the MAC address of source port-ecs-source' \
    $t --direction=ingress --live 'dl_dst=fa:16:3e:7e:d6:77,tcp'
expect_refusal 'from LOCAL is taken for a mirror copy' \
    $t --direction=ingress --live 'udp,udp_dst=4789'
expect_refusal '--live: no bridge br-nope' \
    $t --direction=ingress --live --bridge=br-nope tcp
expect_refusal '--live: bridge br-int has no mirror tunnel port tm-nope' \
    $t --direction=ingress --live --tunnel-port=tm-nope tcp
expect_refusal '--tunnel-mtu: 40 is out of range 68-65535' \
    $t --direction=ingress --live --tunnel-mtu=40 tcp
expect_refusal '--live: source port-remote is not on bridge br-int' \
    --model="$GOLDEN/ipv6-mtu/model.json" trace --live \
    --source=port-remote --direction=ingress tcp
expect_refusal 'are options of trace, not of show' --source=x show

sb_finish
