#!/bin/sh
# Seed 000, "Table 2 Traffic filtering description", with real packets:
#
#   Inbound, 1, TCP, Accept, IPv4, 172.16.0.0/24, 10000-10001,
#   10.0.0.3/32, 80-80: "the mirror session will mirror ... TCP (IPv4)
#   packets from source 172.16.0.0/24 over port 10000 or 10001 to
#   destination 10.0.0.3/32 over port 80";
#   Outbound, 1, All, Reject, IPv4, 192.168.0.0/24, 10.2.0.0/24: "the
#   mirror session will not mirror packets that meet the following rule:
#   IPv4 packets from source 192.168.0.0/24 over any port to destination
#   10.2.0.0/24 over any port".
#
# The configuration is tests/golden/seed000-table2/model.json's, written
# with tmirror-ctl: network-interface-B (10.0.0.3) is the source, the
# session (VNI 2, packet length 96) mirrors to a load balancer.  Its VIP
# is 192.168.0.25 here (192.168.1.25 in the model), a collector VM on
# br-int's subnet, so that the copies reach it.  A peer VM sends crafted
# frames to B (inbound) and B sends crafted frames to the peer (outbound).
# Exactly the frames that the table accepts are mirrored, once each, to the
# VIP with VNI 2; the outbound reject rule keeps its frames out of a
# lower-priority accept-all rule; every frame is delivered as without
# mirroring.
. "$(dirname "$0")/lib.sh"
. "$ST_HERE/lib-seed000-match.sh"

B_MAC=fa:16:3e:00:00:0b B_IP=10.0.0.3
PEER_MAC=fa:16:3e:00:00:0e PEER_IP=172.16.0.5
COL_MAC=fa:16:3e:00:00:25 COL_IP=192.168.0.25

# setup: the VMs, Table 2's filter, and the session, applied.
setup() {
    m0_start &&
    m0_vm B vm-b $B_MAC $B_IP port-b &&
    m0_vm PEER peer $PEER_MAC $PEER_IP port-peer &&
    m0_vm COL col $COL_MAC $COL_IP port-collector || return 1
    tmctl lb-add lb-1 name=elb-collector vip_address=$COL_IP \
        udp_supported=true &&
    tmctl filter-add table-2 &&
    tmctl rule-add table-2 ingress 1 accept protocol=tcp ethertype=IPv4 \
        source_cidr_block=172.16.0.0/24 source_port_range=10000-10001 \
        destination_cidr_block=10.0.0.3/32 destination_port_range=80-80 &&
    tmctl rule-add table-2 egress 1 reject protocol=all ethertype=IPv4 \
        source_cidr_block=192.168.0.0/24 \
        destination_cidr_block=10.2.0.0/24 &&
    tmctl --wait=hv session-add table-2-session table-2 elb lb-1 1 \
        virtual_network_id=2 packet_length=96 \
        traffic_mirror_sources=port-b enabled=true || return 1
    # A load balancer's MAC is not in the model, so the controller cannot
    # seed it as the tunnel neighbour; seed it here, so that no copy is
    # lost while ovs-vswitchd resolves it.
    appctl tnl/neigh/set br-int $COL_IP $COL_MAC > /dev/null
}
setup > /dev/null || exit 1

copies=$ST_DIR/collector.txt
at_b=$ST_DIR/b.txt
at_peer=$ST_DIR/peer.txt
st_capture "$COL" "$copies" && st_capture "$B" "$at_b" &&
st_capture "$PEER" "$at_peer" || exit 1

# Production frames are counted by this pattern: IPv4 only, since br-int's
# LOCAL port and the VMs, while they come up, send IPv6 multicast.
ipv4='^\(tcp\|udp\|other type=0x0800\) '

# to_b SRC DST PROTO SPORT DPORT: the peer sends one frame to B.
to_b() {
    st_frame "$PEER" $B_MAC "$1" "$2" "$3" --sport "$4" --dport "$5"
}
# from_b SRC DST PROTO: B sends one frame to the peer (ports 40000, 80).
from_b() {
    st_frame "$B" $PEER_MAC "$1" "$2" "$3"
}
# copies_of INNER: how many copies the collector got whose inner frame is
# INNER (capture.py's "tcp=SRC:SPORT>DST:DPORT", "icmp=SRC>DST", ...).
copies_of() {
    m0_count "$copies" " $1 "
}

# Inbound: every combination of source ports around 10000-10001 and
# destination ports around 80, and three near misses, which match Table
# 2's rule in everything but: the source address (172.16.1.5), the
# destination address (10.0.0.4, still delivered to B by its MAC), and the
# protocol (UDP).
to_b 172.16.1.5 $B_IP tcp 10000 80
to_b $PEER_IP 10.0.0.4 tcp 10000 80
to_b $PEER_IP $B_IP udp 10000 80
for sport in 9999 10000 10001 10002; do
    for dport in 79 80 81; do
        to_b $PEER_IP $B_IP tcp $sport $dport
    done
done
st_check "inbound frames delivered to B" 15 \
    "$(st_wait_lines "$at_b" "^\(tcp\|udp\) src=172\.16\." 15)"
st_check "inbound copies" 2 "$(st_wait_lines "$copies" '^vxlan' 2)"
for sport in 9999 10000 10001 10002; do
    for dport in 79 80 81; do
        case $sport:$dport in
            10000:80|10001:80) expected=1 ;;
            *) expected=0 ;;
        esac
        st_check "copies of $PEER_IP:$sport > $B_IP:$dport" $expected \
            "$(copies_of "tcp=$PEER_IP:$sport>$B_IP:$dport")"
    done
done
st_check "copies from outside 172.16.0.0/24" 0 \
    "$(copies_of "tcp=172.16.1.5:10000>$B_IP:80")"
st_check "copies to 10.0.0.4 (outside 10.0.0.3/32)" 0 \
    "$(copies_of "tcp=$PEER_IP:10000>10.0.0.4:80")"
st_check "copies of UDP" 0 "$(copies_of "udp=$PEER_IP:10000>$B_IP:80")"

# Outbound, with Table 2's rules only: the reject rule's TCP, UDP and
# ICMP, and a frame that no outbound rule matches; none is mirrored.
from_b 192.168.0.7 10.2.0.9 tcp
from_b 192.168.0.7 10.2.0.9 udp
from_b 192.168.0.7 10.2.0.9 icmp
from_b $B_IP 10.3.0.1 tcp
st_check "outbound frames delivered to the peer" 4 \
    "$(st_wait_lines "$at_peer" "$ipv4" 4)"
st_check "copies in all (none outbound: no accept rule)" 2 \
    "$(st_wait_lines "$copies" '^vxlan' 2)"

# An accept-all outbound rule after the reject rule: everything outbound
# is mirrored now, except what the reject rule matches first.  The last
# two frames miss the reject rule by their source, or destination,
# address.
tmctl --wait=hv rule-add table-2 egress 2 accept protocol=all \
    > /dev/null || exit 1
for proto in tcp udp icmp; do
    from_b 192.168.0.7 10.2.0.9 $proto
    from_b $B_IP 10.3.0.1 $proto
done
from_b 192.168.1.7 10.2.0.9 tcp
from_b 192.168.0.7 10.2.1.9 tcp
st_check "outbound frames delivered to the peer, with accept-all" 12 \
    "$(st_wait_lines "$at_peer" "$ipv4" 12)"
st_check "copies, with accept-all" 7 "$(st_wait_lines "$copies" '^vxlan' 7)"
for inner in "tcp=192.168.0.7:40000>10.2.0.9:80" \
        "udp=192.168.0.7:40000>10.2.0.9:80" "icmp=192.168.0.7>10.2.0.9"; do
    st_check "copies of $inner (rejected)" 0 "$(copies_of "$inner")"
done
for inner in "tcp=$B_IP:40000>10.3.0.1:80" "udp=$B_IP:40000>10.3.0.1:80" \
        "icmp=$B_IP>10.3.0.1" "tcp=192.168.1.7:40000>10.2.0.9:80" \
        "tcp=192.168.0.7:40000>10.2.1.9:80"; do
    st_check "copies of $inner (accepted)" 1 "$(copies_of "$inner")"
done

# Every copy went to the load balancer's VIP with the session's VNI, and
# the frames themselves arrived as sent.
outer=$(st_outer_src $B_IP)
st_check "copies from $outer to $COL_IP with VNI 2" 7 \
    "$(m0_count "$copies" "^vxlan src=$outer dst=$COL_IP vni=2 ")"
st_check "frames delivered to B, by destination port" "4 7 4" \
    "$(m0_count "$at_b" ' port=79 ') $(m0_count "$at_b" ' port=80 ') \
$(m0_count "$at_b" ' port=81 ')"
st_check "frames delivered to the peer: TCP, UDP, ICMP" "6 3 3" \
    "$(m0_count "$at_peer" '^tcp ') $(m0_count "$at_peer" '^udp ') \
$(m0_count "$at_peer" '^other type=0x0800 proto=1 ')"

st_finish
