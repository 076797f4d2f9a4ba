#!/bin/sh
# Quotas on a running hypervisor.  Seed 000, Table 4 "Quotas": "10 inbound
# rules, 10 outbound rules" per mirror filter, "Maximum number of mirror
# sessions that can be associated with a mirror source: 3", and with a
# mirror target "10 (if the mirror target is the network interface of a
# cloud server)".  With every one of them full, on real VMs with traffic:
# the write that would go one over (the 11th rule of a direction, the 4th
# session of a source, the 11th session of a network interface target),
# made in every way a write can (add, move, add a source, set the sources
# or the target), is refused with exit status 1 and an error naming the
# limit; the database and br-int's flows are unchanged, and the same frames
# are mirrored exactly as before, the frames that the refused write would
# have mirrored still not at all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-refused.sh"

# Namespaces' addresses, and those that the crafted frames carry (owned by
# no namespace, so that no kernel answers them).
S1_MAC=fa:16:3e:12:00:0b S2_MAC=fa:16:3e:12:00:0c S3_MAC=fa:16:3e:12:00:0d
PEER_MAC=fa:16:3e:12:00:14
TGT_MAC=fa:16:3e:12:00:1e TGT_IP=192.168.0.30
TGT2_MAC=fa:16:3e:12:00:1f TGT2_IP=192.168.0.31
S1=10.3.0.11 S2=10.3.0.12 S3=10.3.0.13 PEER=10.3.0.20

# vm VAR NAME MAC IP PORT-ID: a VM and its NB port.
vm() {
    st_vm "$1" "$2" "$3" "$4" "$5" &&
    tmctl port-add "$5" mac_address="$3" fixed_ips="$4"
}

# setup: three sources, a peer, two targets, and every quota full:
#   f-rules  10 inbound rules (UDP to 1001 ... 1010, priorities 1-10) and
#            10 outbound (UDP to 2001 ... 2010, priorities 11-20)
#   f-tcp, f-icmp, f-any: inbound TCP, ICMP, anything
#   port-s1, port-s2: 3 sessions each (f-rules, f-tcp, f-icmp; priorities
#            1-3; VNI 101-103 and 201-203), to port-tgt
#   t-7 ... t-10: 4 sessions without sources to port-tgt (10 in all)
#   s3:      port-s3 to port-tgt2 (f-any, VNI 301)
setup() {
    local i s n
    st_start || return 1
    st_brint && st_nb_start && st_controller_start || return 1
    vm S1NS vm-s1 $S1_MAC 192.168.0.11 port-s1 &&
    vm S2NS vm-s2 $S2_MAC 192.168.0.12 port-s2 &&
    vm S3NS vm-s3 $S3_MAC 192.168.0.13 port-s3 &&
    vm PEERNS vm-peer $PEER_MAC 192.168.0.20 port-peer &&
    vm TGTNS vm-tgt $TGT_MAC $TGT_IP port-tgt &&
    vm TGT2NS vm-tgt2 $TGT2_MAC $TGT2_IP port-tgt2 || return 1
    # The targets listen on UDP 4789, as collectors do: f-icmp would
    # mirror their ICMP port unreachables to the sources (see rf_sink).
    rf_sink "$TGTNS" && rf_sink "$TGT2NS" || return 1

    tmctl filter-add f-rules || return 1
    for i in $(seq 10); do
        tmctl rule-add f-rules ingress $i accept protocol=udp \
            destination_port_range=$((1000 + i)) &&
        tmctl rule-add f-rules egress $((10 + i)) accept protocol=udp \
            destination_port_range=$((2000 + i)) || return 1
    done
    tmctl filter-add f-tcp && tmctl filter-add f-icmp &&
    tmctl filter-add f-any &&
    tmctl rule-add f-tcp ingress 1 accept protocol=tcp &&
    tmctl rule-add f-icmp ingress 1 accept protocol=icmp &&
    tmctl rule-add f-any ingress 1 accept || return 1
    for s in 1 2; do
        n=1
        for f in f-rules f-tcp f-icmp; do
            tmctl session-add s$s-$n $f eni port-tgt $n enabled=true \
                virtual_network_id=$((100 * s + n)) \
                traffic_mirror_sources=port-s$s || return 1
            n=$((n + 1))
        done
    done
    for i in 7 8 9 10; do
        tmctl session-add t-$i f-any eni port-tgt $i enabled=true \
            virtual_network_id=$i || return 1
    done
    tmctl --wait=hv session-add s3 f-any eni port-tgt2 1 enabled=true \
        virtual_network_id=301 traffic_mirror_sources=port-s3
} > /dev/null

# to MAC SRC DST PROTO TAG [OPTION...]: a crafted frame from the peer (to
# a source's MAC) or, with MAC the peer's, from port-s1.
to() {
    local mac=$1 ns=$PEERNS
    shift
    [ "$mac" = $PEER_MAC ] && ns=$S1NS
    st_frame "$ns" "$mac" "$@"
}

# round: the frames, all sent twice in the test: 7 copies to port-tgt, 1
# to port-tgt2, and 4 frames that would be mirrored only had a refused
# write been made.
round() {
    to $S1_MAC $PEER $S1 udp --dport 1001 --count 2 --tag u1001
    to $S1_MAC $PEER $S1 udp --dport 1010 --tag u1010
    to $S1_MAC $PEER $S1 udp --dport 1011 --tag u1011
    to $S1_MAC $PEER $S1 tcp --dport 80 --tag t80
    to $S1_MAC $PEER $S1 icmp
    to $S1_MAC $PEER $S1 udp --dport 3000 --tag a3000
    to $PEER_MAC $S1 $PEER udp --dport 2010 --tag u2010
    to $PEER_MAC $S1 $PEER udp --dport 2011 --tag u2011
    to $S2_MAC $PEER $S2 udp --dport 1005 --tag u1005
    to $S2_MAC $PEER $S2 udp --dport 3000 --tag b3000
    to $S3_MAC $PEER $S3 udp --dport 3000 --tag c3000
}

# copies FILE WHAT EXPECTED TEXT: checks how many copies in FILE contain
# TEXT (a fixed string).
copies() {
    st_check "$2" "$3" "$(grep '^vxlan' "$1" | grep -c -F -e "$4")"
}

# same_again WHAT FILE: checks that FILE's copies after the first round
# are those of the first round (FILE.before), line for line.
same_again() {
    grep '^vxlan' "$2" | tail -n +$(($(wc -l < "$2.before") + 1)) | sort \
        > "$2.after"
    if cmp -s "$2.before" "$2.after"; then
        st_pass "$1: $(wc -l < "$2.after") copies"
    else
        st_fail "$1: first and second rounds differ:"
        diff "$2.before" "$2.after" | sed 's/^/  /'
    fi
}

setup || exit 1
tcap=$ST_DIR/target.txt t2cap=$ST_DIR/target2.txt
st_capture "$TGTNS" "$tcap" && st_capture "$TGT2NS" "$t2cap" || exit 1

round
st_check "before: copies at port-tgt" 7 "$(st_wait_lines "$tcap" '^vxlan' 7)"
st_check "before: copies at port-tgt2" 1 \
    "$(st_wait_lines "$t2cap" '^vxlan' 1)"
v="vxlan src=192.168.0.11 dst=$TGT_IP"
copies "$tcap" "inbound UDP to 1001: rule 1" 2 \
    "$v vni=101 inner=47 udp=$PEER:40000>$S1:1001 payload=$(rf_hex u1001)"
copies "$tcap" "inbound UDP to 1010: rule 10" 1 \
    "$v vni=101 inner=47 udp=$PEER:40000>$S1:1010 payload=$(rf_hex u1010)"
copies "$tcap" "outbound UDP to 2010: outbound rule 10" 1 \
    "$v vni=101 inner=47 udp=$S1:40000>$PEER:2010 payload=$(rf_hex u2010)"
copies "$tcap" "inbound TCP: session 2" 1 \
    "$v vni=102 inner=57 tcp=$PEER:40000>$S1:80 payload=$(rf_hex t80)"
copies "$tcap" "inbound ICMP: session 3" 1 \
    "$v vni=103 inner=49 icmp=$PEER>$S1 type=8"
copies "$tcap" "port-s2's inbound UDP to 1005" 1 \
    "vxlan src=192.168.0.12 dst=$TGT_IP vni=201 inner=47 \
udp=$PEER:40000>$S2:1005 payload=$(rf_hex u1005)"
copies "$t2cap" "port-s3's inbound UDP to 3000, to port-tgt2" 1 \
    "vxlan src=192.168.0.13 dst=$TGT2_IP vni=301 inner=47 \
udp=$PEER:40000>$S3:3000 payload=$(rf_hex c3000)"
# Each capture's copies so far, sorted, for the second round.
grep '^vxlan' "$tcap" | sort > "$tcap.before"
grep '^vxlan' "$t2cap" | sort > "$t2cap.before"

# The 11th rule of a direction, added or moved there.
rules="more than 10 rules in this direction (quota 10)"
rf_refused "11th inbound rule" "ingress_rules: $rules" \
    rule-add f-rules ingress 21 accept protocol=udp \
    destination_port_range=1011
rf_refused "11th outbound rule" "egress_rules: $rules" \
    rule-add f-rules egress 21 accept protocol=udp \
    destination_port_range=2011
out_rule=$(tmctl rule-list f-rules | awk '$0 ~ /egress/ && $0 ~ /2001/ {
    print $1 }')
rf_refused "an outbound rule moved inbound, as the 11th" \
    "ingress_rules: $rules" \
    rule-set "$out_rule" direction=ingress

# The 4th session of a source, whichever write makes it.
sessions="port \"port-s1\" would be a source of 4 sessions, the quota is 3"
rf_refused "4th session of port-s1, added" "$sessions" \
    session-add s1-4 f-any eni port-tgt2 4 enabled=true \
    traffic_mirror_sources=port-s1
rf_refused "4th session of port-s1, by adding it as a source" "$sessions" \
    session-add-sources t-7 port-s1
rf_refused "4th session of port-s1, by setting the sources" "$sessions" \
    session-set t-8 traffic_mirror_sources=port-s3,port-s1

# The 11th session of a network interface target.
target="port \"port-tgt\" would be the target of 11 sessions, the quota is\
 10 per network interface target"
rf_refused "11th session of port-tgt, added" "$target" \
    session-add t-11 f-any eni port-tgt 11 enabled=true
rf_refused "11th session of port-tgt, by setting the target" "$target" \
    session-set s3 traffic_mirror_target_id=port-tgt

# The same frames again: the same copies, line for line.
round
st_check "after: copies at port-tgt" 14 \
    "$(st_wait_lines "$tcap" '^vxlan' 14)"
st_check "after: copies at port-tgt2" 2 \
    "$(st_wait_lines "$t2cap" '^vxlan' 2)"
same_again "after: port-tgt's copies, as before" "$tcap"
same_again "after: port-tgt2's copies, as before" "$t2cap"
for tag in u1011 u2011 a3000 b3000; do
    copies "$tcap" "copies of $tag (only a refused write mirrors it)" 0 \
        "payload=$(rf_hex $tag)"
done

st_finish
