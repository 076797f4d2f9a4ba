#!/bin/sh
# "tmirror-ctl stats": every hypervisor's counters, added up.  One session
# has a source on each of two hypervisors; each controller publishes what
# its own switch counted in its Hypervisor row (--stats-interval), and
# tmirror-ctl adds the rows up, per session and per rule, with each
# hypervisor's share.  Compared with the packets actually sent from each
# side, accepted and rejected.
#
#   namespace hv1 (192.168.0.1)                namespace hv2 (192.168.0.2)
#   source-a 192.168.0.10 -- br-int == up1 ===== up2 == br-int -- source-b
#                                                                 192.168.0.30
#                                                           \---- target
#                                                                 192.168.0.20
. "$(dirname "$0")/lib.sh"
. "$ST_HERE/lib-multihost.sh"

HV2_IP=192.168.0.2
A_MAC=fa:16:3e:00:00:10 A_IP=192.168.0.10
B_MAC=fa:16:3e:00:00:30 B_IP=192.168.0.30
TGT_MAC=fa:16:3e:00:00:20 TGT_IP=192.168.0.20

# A bad interval is refused before anything starts, naming the option and
# the limit.
for case in '-1|"-1" is not a decimal integer in range 0-3600' \
            '3601|3601 is out of range 0-3600' \
            'ten|"ten" is not a decimal integer in range 0-3600' \
            '|expected an integer in range 0-3600, got an empty string'; do
    bad=${case%%|*} msg="tmirror-controller: --stats-interval: ${case#*|}"
    if out=$("$ST_CONTROLLER" --stats-interval="$bad" 2>&1); then
        st_fail "--stats-interval=$bad accepted"
    else
        st_check "--stats-interval=$bad refused" "$msg" "$out"
    fi
done

st_start && mh_start || exit 1
st_brint && mh_brint $HV2_IP || exit 1
mh_underlay up1 up2 || exit 1
st_vm A source-a $A_MAC $A_IP port-a &&
mh_vm B source-b $B_MAC $B_IP port-b &&
mh_vm TGT target $TGT_MAC $TGT_IP port-target || exit 1
st_nb_start &&
st_controller_start --uplink=up1 --stats-interval=1 &&
mh_controller_start --uplink=up2 --stats-interval=1 || exit 1

# Outbound UDP is mirrored, except to port 9999, which a rule of higher
# precedence rejects.
{
    tmctl port-add port-a mac_address=$A_MAC fixed_ips=$A_IP &&
    tmctl port-add port-b mac_address=$B_MAC fixed_ips=$B_IP &&
    tmctl port-add port-target mac_address=$TGT_MAC fixed_ips=$TGT_IP &&
    tmctl filter-add filter-S &&
    tmctl rule-add filter-S egress 1 reject protocol=udp \
        destination_port_range=9999 &&
    tmctl rule-add filter-S egress 2 accept protocol=udp &&
    tmctl --wait=hv session-add session-S filter-S eni port-target 1 \
        virtual_network_id=55 packet_length=96 \
        traffic_mirror_sources=port-a,port-b enabled=true
} > /dev/null || exit 1
accept=$(tmctl rule-list filter-S | awk '/ accept / {print $1}')
reject=$(tmctl rule-list filter-S | awk '/ reject / {print $1}')
session=$(tmctl --format=json session-show session-S \
          | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')

# Nothing sent yet: every counter is zero.
out=$(tmctl stats session-S)
st_check "before traffic: the session" \
    "session $session (session-S): mirrored 0 packets, 0 bytes" \
    "$(echo "$out" | head -n 1)"

# Source A (hv1) sends 3 mirrored and 1 rejected; source B (hv2) sends 2
# mirrored and 4 rejected.
udp() { # NS MAC SRC DST DPORT COUNT
    st_frame "$1" "$2" "$3" "$4" udp --sport 4000 --dport "$5" --count "$6"
}
udp "$A" $B_MAC $A_IP $B_IP 5000 3 &&
udp "$A" $B_MAC $A_IP $B_IP 9999 1 &&
udp "$B" $A_MAC $B_IP $A_IP 5000 2 &&
udp "$B" $A_MAC $B_IP $A_IP 9999 4 || exit 1

# field LINE-START: the packets on the line of "tmirror-ctl stats" that
# starts so (the number just before " packets").
field() {
    tmctl stats session-S \
        | sed -n "s/^$1.* \([0-9][0-9]*\) packets.*/\1/p"
}
# counts: session total, accept rule, reject rule, hv1's share, hv2's.
counts() {
    echo "$(field "session $session") $(field "  rule $accept") \
$(field "  rule $reject") $(field '  hypervisor hv1:') \
$(field '  hypervisor hv2:')"
}
# wait_counts WANT: waits up to 15 s for counts to say WANT, and prints
# what they say.  The switches fold datapath statistics into flows about
# once a second, the controllers read them every 2 s and publish at most
# every 1 s.
wait_counts() {
    for _ in $(seq 75); do
        [ "$(counts)" = "$1" ] && break
        sleep 0.2
    done
    counts
}
st_check "session, accept, reject, hv1, hv2: packets" "5 5 5 3 2" \
    "$(wait_counts "5 5 5 3 2")"

# Bytes add up the same way: each hypervisor's switch says what it saw.
hv_bytes() {
    tmctl stats session-S \
        | sed -n "s/^  hypervisor $1: mirrored [0-9]* packets, \([0-9]*\) bytes.*/\1/p"
}
total_bytes=$(tmctl stats session-S \
    | sed -n 's/^session .*, \([0-9]*\) bytes$/\1/p')
st_check "total bytes = hv1 + hv2" "$total_bytes" \
    "$(( $(hv_bytes hv1) + $(hv_bytes hv2) ))"
st_check "hv1 bytes = its controller's own count" \
    "$(ctlappctl stats session-S | sed -n 's/^session .*, \([0-9]*\) bytes$/\1/p')" \
    "$(hv_bytes hv1)"

# JSON: the same numbers, machine-readable.
json=$(tmctl --format=json stats session-S | python3 -c '
import json, sys
s, = json.load(sys.stdin)
rules = {r["action"]: r["packets"] for r in s["rules"]}
hvs = {h["name"]: h["packets"] for h in s["hypervisors"]}
print(s["packets"], rules["accept"], rules["reject"], hvs["hv1"], hvs["hv2"],
      all(h["updated_at"].endswith("Z") for h in s["hypervisors"]))')
st_check "--format=json" "5 5 5 3 2 True" "$json"

# An unknown session is a precise error, and changes nothing.
if out=$(tmctl stats no-such-session 2>&1); then
    st_fail "stats accepted an unknown session"
else
    st_check "unknown session" \
        "tmirror-ctl: no-such-session: no such session (id or name)" "$out"
fi

# A hypervisor publishes only when its counters change: with no traffic,
# its row stays as it is.
stats_rows() {
    "$OVS_SRC/ovsdb/ovsdb-client" --timeout=10 dump "$TMIRROR_NB_DB" \
        TMirror_Northbound Hypervisor name stats_time stats_packets \
        | md5sum
}
before=$(stats_rows)
sleep 3
st_check "no traffic, no writes" "$before" "$(stats_rows)"

# A controller with --stats-interval=0 publishes nothing more; the others'
# counters are still added up.
mh_controller_stop
mh_controller_start --uplink=up2 --stats-interval=0 || exit 1
udp "$B" $A_MAC $B_IP $A_IP 5000 2 &&
udp "$A" $B_MAC $A_IP $B_IP 5000 1 || exit 1
st_check "hv2 stopped publishing, hv1 did not" "6 6 5 4 2" \
    "$(wait_counts "6 6 5 4 2")"
# hv2's own count (which it reads from its switch every 2 s) has them.
hv2_local() {
    mh_ctlappctl stats session-S \
        | sed -n 's/^session .*: mirrored \([0-9]*\) packets.*/\1/p'
}
for _ in $(seq 75); do
    [ "$(hv2_local)" = 4 ] && break
    sleep 0.2
done
st_check "hv2's controller counted its 2 new copies locally" 4 \
    "$(hv2_local)"

mh_finish
