#!/bin/sh
# Datapath benchmark (issue 8, "Datapath"): what mirroring costs the
# patched ovs-vswitchd on the userspace datapath, with seed 002's three
# servers (namespaces on br-int, tests/system/lib.sh) and traffic from
# ECS-test to ECS-source, side by side with what a user would do on plain
# Open vSwitch.
#
# For TCP bulk throughput (iperf3) and for 64-byte UDP frames per second
# (iperf3 -u -l 18 -b 0, counted as the frames that the switch forwards to
# ECS-source) four variants run in turn, A B C D A B C D ...:
#
#   A  no mirror at all;
#   B  a session whose accept-all inbound rule mirrors every packet that
#      ECS-source receives to ECS-target (VNI 100, packet length 96);
#   C  a session whose 20 rules (10 inbound, 10 outbound: the per-filter
#      quota) never match this traffic;
#   D  no tmirror session, but an OVSDB Mirror (select_dst_port =
#      ECS-source, output_port = a plain VXLAN port to ECS-target): what
#      stock OVS offers.  Untruncated, because a Mirror's snaplen toward a
#      native tunnel cuts the outer packet (DESIGN section 4).
#
# Then the datapath megaflows that 1,000 distinct UDP flows make with a
# session of port-range rules against none, and the copies that reach the
# target for packets sent well below saturation.
#
# Results are appended to $BENCH_OUT (one JSON object per line, group
# "datapath", names "dp_..."); ratios are medians of per-round ratios,
# so that each variant is compared with its neighbours in time.
#
# usage: bench-datapath.sh   (as root, from tests/perf/run.sh)
#        OVS_SRC, TMIRROR_CTL, BENCH_OUT, BENCH_SMOKE=0|1
# Takes about 4 minutes; about 20 s with BENCH_SMOKE=1.  Needs iperf3.

ST_TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$ST_TOP/tests/system/lib.sh"

: "${BENCH_OUT:?BENCH_OUT must name the results file}"
BENCH_SMOKE=${BENCH_SMOKE:-0}

# Sizes.  The smoke version only proves that every step still works.
if [ "$BENCH_SMOKE" = 1 ]; then
    DP_ROUNDS=1 DP_SECS=1 DP_FLOWS=100 DP_COPIES=200
else
    DP_ROUNDS=7 DP_SECS=3 DP_FLOWS=1000 DP_COPIES=2000
fi
# Packets per second for the copy count: far below what the datapath
# forwards (tens of thousands), so any loss is the mirror's.
DP_COPY_RATE=1000
DP_VNI=100
# The plain VXLAN port of variant D.
DP_PLAIN_PORT=vx-plain
# UDP ports: the iperf3 server, and the sinks of the crafted traffic.
DP_IPERF_PORT=5201
DP_FLOW_DPORT=9000
DP_COPY_DPORT=9001
DP_FLOW_SPORT=20000

dp_log() {
    echo "bench-datapath: $*"
}

dp_die() {
    echo "bench-datapath: cannot measure: $*" >&2
    exit 1
}

# dp_rx NS, dp_tx NS: frames received, sent so far on NS's eth0.
dp_rx() {
    st_exec "$1" cat /sys/class/net/eth0/statistics/rx_packets
}

dp_tx() {
    st_exec "$1" cat /sys/class/net/eth0/statistics/tx_packets
}

# dp_ovs_tx OFPORT: frames that the switch has sent to br-int's OFPORT (1
# is ECS-source, 2 ECS-target): what the datapath forwarded, including
# what the receiving kernel then drops when it falls behind.
dp_ovs_tx() {
    ofctl dump-ports br-int "$1" | sed -n 's/^ *tx pkts=\([0-9]*\),.*/\1/p'
}

# A UDP sink: a bound socket that is never read.  What arrives for it is
# dropped when its buffer is full, without an ICMP error each.
DP_PY_SINK='import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
time.sleep(1e6)'

# dp_setup: seed 002's hypervisor and servers, the database and the
# controller; the three sessions of the benchmark (all disabled); the
# plain VXLAN port of variant D; static neighbours, so that no ARP ever
# adds packets or megaflows; and sinks that keep the receiving kernels
# from answering with ICMP.
dp_setup() {
    st_start && st_seed002_hypervisor && st_nb_start &&
        st_controller_start || return 1

    # Copies of full-sized frames (variant D) are 50 bytes above a 1500
    # MTU: the target's link is a jumbo one, as an underlay would be, so
    # that D's copies are delivered and not refused by the veth.
    ip -n "$ST_HV" link set tap-ecs-target mtu 9000 &&
    ip -n "$SEED_TGT" link set eth0 mtu 9000 || return 1

    st_exec "$SEED_TST" ip neigh replace $SEED_SOURCE_IP \
        lladdr $SEED_SOURCE_MAC dev eth0 nud permanent &&
    st_exec "$SEED_SRC" ip neigh replace $SEED_TEST_IP \
        lladdr $SEED_TEST_MAC dev eth0 nud permanent || return 1

    tmctl port-add port-ecs-source name=ECS-source \
        mac_address=$SEED_SOURCE_MAC fixed_ips=$SEED_SOURCE_IP &&
    tmctl port-add port-ecs-target name=ECS-target \
        mac_address=$SEED_TARGET_MAC fixed_ips=$SEED_TARGET_IP &&
    tmctl port-add port-ecs-test name=ECS-test \
        mac_address=$SEED_TEST_MAC fixed_ips=$SEED_TEST_IP || return 1
    dp_filters > /dev/null || return 1
    for s in B:1 C:2 M:3; do
        tmctl session-add "session-${s%:*}" "filter-${s%:*}" eni \
            port-ecs-target "${s#*:}" virtual_network_id=$DP_VNI \
            packet_length=96 traffic_mirror_sources=port-ecs-source \
            enabled=false > /dev/null || return 1
    done
    st_wait_applied > /dev/null || return 1
    DP_SESSION=

    vsctl add-port br-int $DP_PLAIN_PORT -- set interface $DP_PLAIN_PORT \
        type=vxlan options:remote_ip=$SEED_TARGET_IP \
        options:key=$DP_VNI ofport_request=30 || return 1
    # The controller seeds the target's neighbour only while a session
    # to it is enabled; D has none.
    appctl tnl/neigh/set br-int $SEED_TARGET_IP $SEED_TARGET_MAC \
        > /dev/null || return 1

    st_exec_bg "$SEED_TGT" python3 -c "$DP_PY_SINK" 4789
    st_exec_bg "$SEED_SRC" python3 -c "$DP_PY_SINK" $DP_FLOW_DPORT
    st_exec_bg "$SEED_SRC" python3 -c "$DP_PY_SINK" $DP_COPY_DPORT
    st_exec_bg "$SEED_SRC" iperf3 -s -B $SEED_SOURCE_IP -p $DP_IPERF_PORT \
        > "$ST_DIR/iperf3-server.log" 2>&1
}

# dp_filters: filter-B (accept everything inbound), filter-C (20 rules
# that this traffic never matches: other sources, protocols and ports) and
# filter-M (port ranges that the megaflow traffic hits and misses).
dp_filters() {
    tmctl filter-add filter-B &&
    tmctl rule-add filter-B ingress 1 accept || return 1

    tmctl filter-add filter-C || return 1
    for i in 1 2 3 4 5 6 7 8 9 10; do
        for dir in ingress egress; do
            case $((i % 3)) in
                0) set -- protocol=tcp source_cidr_block=10.$i.0.0/16 ;;
                1) set -- protocol=udp \
                       destination_port_range=$((i * 100))-$((i * 100 + 99))
                   ;;
                2) set -- protocol=tcp source_cidr_block=172.16.$i.0/24 \
                       destination_port_range=$((i * 1000))-$((i * 1000 + 500))
                   ;;
            esac
            tmctl rule-add filter-C $dir "$i" accept "$@" || return 1
        done
    done

    # Source ports 20000-20999 go to port 9000: the first rule mirrors a
    # tenth of them, the second rejects another range, the others are
    # looked at and missed.
    tmctl filter-add filter-M &&
    tmctl rule-add filter-M ingress 1 accept protocol=udp \
        source_port_range=20100-20199 &&
    tmctl rule-add filter-M ingress 2 reject protocol=udp \
        source_port_range=20500-20749 destination_port_range=9000-9000 &&
    tmctl rule-add filter-M ingress 3 accept protocol=udp \
        destination_port_range=8000-8999 &&
    tmctl rule-add filter-M ingress 4 accept protocol=tcp \
        destination_port_range=1-1023 &&
    tmctl rule-add filter-M ingress 5 accept protocol=udp \
        source_port_range=20800-21500 destination_port_range=9000-9100
}

# dp_session NAME|"": enables session NAME (disabling the previous one),
# or none, and waits until the switch has it.
dp_session() {
    [ "$1" = "$DP_SESSION" ] && return 0
    if [ -n "$DP_SESSION" ]; then
        tmctl session-disable "session-$DP_SESSION" || return 1
    fi
    if [ -n "$1" ]; then
        tmctl session-enable "session-$1" || return 1
    fi
    DP_SESSION=$1
    st_wait_applied > /dev/null
}

# dp_ovs_mirror on|off: the OVSDB Mirror of variant D.
dp_ovs_mirror() {
    if [ "$1" = on ]; then
        vsctl -- --id=@p get port tap-ecs-source \
            -- --id=@t get port $DP_PLAIN_PORT \
            -- --id=@m create mirror name=m0 select_dst_port=@p \
               output_port=@t \
            -- set bridge br-int mirrors=@m > /dev/null
    else
        vsctl clear bridge br-int mirrors
    fi
}

# dp_variant A|B|C|D: configures the variant, and starts it without any
# datapath flow of the previous one.
dp_variant() {
    case $1 in
        A) dp_ovs_mirror off && dp_session "" ;;
        B|C) dp_ovs_mirror off && dp_session "$1" ;;
        D) dp_session "" && dp_ovs_mirror on ;;
    esac || return 1
    appctl revalidator/purge > /dev/null
}

# dp_iperf OUT OPTION...: one iperf3 run from ECS-test to ECS-source, its
# JSON report in OUT.  A run that fails is tried again once (the server
# may still be finishing the previous one).
dp_iperf() {
    local out=$1
    shift
    for _ in 1 2; do
        st_exec "$SEED_TST" timeout $((DP_SECS + 15)) iperf3 -J \
            -c $SEED_SOURCE_IP -p $DP_IPERF_PORT -t "$DP_SECS" "$@" \
            > "$out" 2>&1 && return 0
        sleep 1
    done
    return 1
}

# dp_json_get FILE EXPR: a number from iperf3's JSON report FILE (EXPR is
# a Python expression on the parsed report "r").
dp_json_get() {
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# dp_measure tcp|udp VARIANT ROUND: one run; appends "KIND VARIANT ROUND
# VALUE COPIES OFFERED" to $DP_SAMPLES, where VALUE is Mbit/s received
# (tcp) or frames per second forwarded to ECS-source (udp), COPIES the
# frames forwarded to ECS-target per frame forwarded to ECS-source, and
# OFFERED the frames per second that ECS-test sent.
dp_measure() {
    local kind=$1 variant=$2 round=$3 json=$ST_DIR/iperf.json
    local src0 tgt0 tst0 src1 tgt1 tst1 secs value
    dp_variant "$variant" || dp_die "could not configure variant $variant"
    src0=$(dp_ovs_tx 1) tgt0=$(dp_ovs_tx 2) tst0=$(dp_tx "$SEED_TST")
    if [ "$kind" = tcp ]; then
        dp_iperf "$json" || dp_die "iperf3 failed: $(tail -n 3 "$json")"
    else
        dp_iperf "$json" -u -l 18 -b 0 \
            || dp_die "iperf3 -u failed: $(tail -n 3 "$json")"
    fi
    src1=$(dp_ovs_tx 1) tgt1=$(dp_ovs_tx 2) tst1=$(dp_tx "$SEED_TST")
    if [ "$kind" = tcp ]; then
        secs=$(dp_json_get "$json" 'r["end"]["sum_received"]["seconds"]')
        value=$(dp_json_get "$json" \
            'round(r["end"]["sum_received"]["bits_per_second"] / 1e6, 1)')
    else
        # Frames forwarded to ECS-source over the seconds iperf3 sent
        # for.  ECS-test offers more than the datapath takes (OFFERED),
        # and the receiving socket, even the kernel, drops some of them:
        # neither is the datapath's doing.
        secs=$(dp_json_get "$json" 'r["end"]["sum"]["seconds"]')
        value=$(dp_json_get "$json" "round(($src1 - $src0) / $secs)")
    fi
    [ -n "$value" ] && [ "${value%.*}" -gt 0 ] \
        || dp_die "nothing went through in variant $variant: $value"
    echo "$kind $variant $round $value $src0 $src1 $tgt0 $tgt1 $tst0 $tst1" \
        "$secs" | awk '{ printf "%s %s %s %s %.3f %d\n", $1, $2, $3, $4,
            ($8 - $7) / ($6 - $5 + 1e-9), ($10 - $9) / $11 }' \
        >> "$DP_SAMPLES"
    dp_log "$kind round $round variant $variant: $value" \
        "$([ "$kind" = tcp ] && echo Mbit/s || echo pps)," \
        "$((tgt1 - tgt0)) frames to the target"
}

# dp_send_flows N: ECS-test sends one UDP datagram from each of N source
# ports (from $DP_FLOW_SPORT up) to ECS-source's port $DP_FLOW_DPORT.
dp_send_flows() {
    st_exec "$SEED_TST" python3 -c 'import socket, sys
n, sport, dst, dport = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], \
    int(sys.argv[4])
for p in range(sport, sport + n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", p))
    s.sendto(b"megaflow", (dst, dport))
    s.close()' "$1" $DP_FLOW_SPORT $SEED_SOURCE_IP $DP_FLOW_DPORT
}

# dp_megaflows VAR SESSION|"": sets VAR to the number of datapath flows
# after the $DP_FLOWS distinct flows, with session SESSION enabled or none,
# starting from an empty datapath.  (Not a command substitution: the
# enabled session is state of this shell.)
dp_megaflows() {
    local dump=$ST_DIR/megaflows-${2:-none}.txt
    dp_ovs_mirror off && dp_session "$2" || return 1
    appctl revalidator/purge > /dev/null
    dp_send_flows "$DP_FLOWS" || return 1
    # Idle flows stay 10 s: they are all still there.
    sleep 0.2
    appctl dpctl/dump-flows > "$dump" || return 1
    # One line per flow, after a "flow-dump from ..." line per thread.
    eval "$1=\$(grep -c 'actions:' \"\$dump\")"
}

# dp_tcpdump NS PCAP: tcpdump for VXLAN on NS's eth0, as st_tcpdump but
# in immediate mode: st_tcpdump's buffering holds the last frames for up
# to a second, and stopping it then loses them.
dp_tcpdump() {
    st_exec_bg "$1" tcpdump -i eth0 --immediate-mode -U -nn -w "$2" \
        udp port 4789 > /dev/null 2> "$2.err"
    ST_TCPDUMP_PID=$ST_BG_PID
    for _ in $(seq 50); do
        grep -q listening "$2.err" && return 0
        sleep 0.1
    done
    echo "tcpdump in $1 did not start" >&2
    return 1
}

# dp_copies N: with session B, ECS-test sends N UDP datagrams at
# $DP_COPY_RATE per second; sets DP_COPIES_RESULT to "SENT DELIVERED
# COPIES TARGET-FRAMES": frames that ECS-source received, copies of those
# datagrams that tcpdump saw arrive on ECS-target's eth0, and every frame
# that arrived there.
dp_copies() {
    local pcap=$ST_DIR/copies.pcap src0 src1 tgt0 tgt1
    dp_variant B || return 1
    dp_tcpdump "$SEED_TGT" "$pcap" || return 1
    src0=$(dp_rx "$SEED_SRC") tgt0=$(dp_rx "$SEED_TGT")
    st_exec "$SEED_TST" python3 -c 'import socket, sys, time
n, rate, dst, dport = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], \
    int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t0 = time.monotonic()
for i in range(n):
    s.sendto(b"copy %d" % i, (dst, dport))
    delay = t0 + (i + 1) / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)' "$1" $DP_COPY_RATE $SEED_SOURCE_IP $DP_COPY_DPORT \
        || return 1
    sleep 0.5
    src1=$(dp_rx "$SEED_SRC") tgt1=$(dp_rx "$SEED_TGT")
    st_tcpdump_stop
    if grep -q '^[1-9][0-9]* packets* dropped by kernel' "$pcap.err"; then
        echo "tcpdump dropped packets: $(cat "$pcap.err")" >&2
        return 1
    fi
    DP_COPIES_RESULT="$1 $((src1 - src0)) $(st_vxlan_lines "$pcap" \
        | grep -c ">$SEED_SOURCE_IP:$DP_COPY_DPORT ") $((tgt1 - tgt0))"
}

# dp_report: the results, from $DP_SAMPLES and the other measurements,
# appended to $BENCH_OUT.
dp_report() {
    python3 - "$DP_SAMPLES" "$BENCH_OUT" "$DP_SECS" "$DP_FLOWS" \
        "$DP_MF_NONE" "$DP_MF_SESSION" "$DP_COPIES_RESULT" "$DP_COPY_RATE" \
        <<'EOF'
import json, statistics, sys

samples_file, out_file, secs, flows = sys.argv[1:5]
mf_none, mf_session = int(sys.argv[5]), int(sys.argv[6])
sent, delivered, copies, target_frames = (int(x) for x in
                                          sys.argv[7].split())
rate = sys.argv[8]

runs = {}               # (kind, variant) -> {round: value}
fanout = {}             # (kind, variant) -> [target frames per frame]
offered = {}            # (kind, variant) -> [frames/s that ECS-test sent]
for line in open(samples_file):
    kind, variant, rnd, value, per, tx = line.split()
    runs.setdefault((kind, variant), {})[int(rnd)] = float(value)
    fanout.setdefault((kind, variant), []).append(float(per))
    offered.setdefault((kind, variant), []).append(int(tx))

results = []


def add(name, value, unit, target, met, samples, detail):
    r = {"group": "datapath", "name": name, "value": value, "unit": unit,
         "target": target, "met": met}
    if samples is not None:
        r["samples"] = samples
    r["detail"] = detail
    results.append(r)


def spread(xs):
    return "min %g, max %g" % (min(xs), max(xs))


UNITS = {"tcp": ("Mbit/s", "iperf3 TCP, %s s runs, Mbit/s received"),
         "udp": ("pps", "iperf3 -u -l 18 -b 0 (64-byte frames), %s s runs,"
                        " frames/s the switch sent to ECS-source (ovs-ofctl"
                        " dump-ports)")}
NAMES = {"A": "no mirror", "B": "session mirroring every packet (96 B)",
         "C": "session with 20 rules that never match",
         "D": "OVSDB Mirror to a plain VXLAN port, untruncated"}
TARGETS = {("tcp", "B", "A"): ">= 0.90", ("tcp", "C", "A"): ">= 0.98",
           ("tcp", "D", "A"): None, ("tcp", "B", "D"): ">= 1.0",
           ("udp", "B", "A"): None, ("udp", "C", "A"): ">= 0.98",
           ("udp", "D", "A"): None, ("udp", "B", "D"): ">= 1.0"}

for kind in ("tcp", "udp"):
    unit, how = UNITS[kind]
    for v in "ABCD":
        xs = [runs[(kind, v)][k] for k in sorted(runs[(kind, v)])]
        per = statistics.median(fanout[(kind, v)])
        add("dp_%s_%s" % (kind, v), round(statistics.median(xs), 1), unit,
            None, None, xs,
            "%s: %s; median of %d (%s); ECS-test sent %d frames/s, the"
            " switch sent the target %.2f frames per frame to ECS-source"
            % (NAMES[v], how % secs, len(xs), spread(xs),
               statistics.median(offered[(kind, v)]), per))
    for (k, num, den), target in TARGETS.items():
        if k != kind:
            continue
        a, b = runs[(kind, num)], runs[(kind, den)]
        ratios = [round(a[r] / b[r], 3) for r in sorted(a) if b.get(r)]
        value = round(statistics.median(ratios), 3)
        met = None
        if target is not None:
            met = value >= float(target.split()[1])
        add("dp_%s_%s_over_%s" % (kind, num, den), value, "ratio", target,
            met, ratios,
            "%s %s / %s, median of per-round ratios (%s); %s: %s, %s: %s"
            % (kind, num, den, spread(ratios), num, NAMES[num], den,
               NAMES[den]))

ratio = round(mf_session / mf_none, 2) if mf_none else None
add("dp_megaflows_ratio", ratio, "ratio", "<= 2",
    ratio is not None and ratio <= 2, None,
    "datapath flows (dpctl/dump-flows after revalidator/purge) for %s UDP"
    " flows (distinct source ports) with a session of 5 port-range rules:"
    " %d (their prefix masks split the ports), against %d with no session"
    % (flows, mf_session, mf_none))
add("dp_megaflows_session", mf_session, "flows", None, None, None,
    "datapath flows for %s distinct UDP flows hitting a session of 5"
    " port-range rules" % flows)
add("dp_megaflows_none", mf_none, "flows", None, None, None,
    "datapath flows for the same %s UDP flows with no session" % flows)
add("dp_copies_lost", sent - copies, "count", "== 0", sent == copies, None,
    "%d UDP datagrams sent at %s/s with the accept-all session: %d"
    " delivered to ECS-source, %d copies seen by tcpdump at ECS-target"
    " (%d frames arrived there in all)"
    % (sent, rate, delivered, copies, target_frames))

with open(out_file, "a") as f:
    for r in results:
        f.write(json.dumps(r) + "\n")
for r in results:
    print("  %-24s %10s %-7s %-8s %s" % (r["name"], r["value"], r["unit"],
          r["target"] or "", {True: "met", False: "MISSED",
                               None: ""}[r["met"]]))
EOF
}

command -v iperf3 > /dev/null || dp_die "iperf3 is not installed"
command -v tcpdump > /dev/null || dp_die "tcpdump is not installed"

start=$(date +%s)
dp_log "setting up seed 002's hypervisor (smoke=$BENCH_SMOKE)"
dp_setup || dp_die "setup failed"
DP_SAMPLES=$ST_DIR/samples.txt
: > "$DP_SAMPLES"

# A first short run that nobody counts: the server is up, the caches are
# warm.
dp_iperf "$ST_DIR/warmup.json" -t 1 || dp_die "iperf3 does not connect"

for kind in tcp udp; do
    round=1
    while [ "$round" -le "$DP_ROUNDS" ]; do
        for variant in A B C D; do
            dp_measure "$kind" "$variant" "$round"
        done
        round=$((round + 1))
    done
done

dp_log "megaflows for $DP_FLOWS distinct flows"
dp_megaflows DP_MF_NONE "" || dp_die "megaflow count without a session"
dp_megaflows DP_MF_SESSION M || dp_die "megaflow count with a session"
dp_log "megaflows: $DP_MF_NONE without a session, $DP_MF_SESSION with one"

dp_log "copies of $DP_COPIES datagrams at $DP_COPY_RATE/s"
dp_copies "$DP_COPIES" || dp_die "copy count failed"
dp_log "sent, delivered, copies, frames at the target: $DP_COPIES_RESULT"

dp_report || dp_die "could not write the results"
dp_log "done in $(( $(date +%s) - start )) s"
exit 0
