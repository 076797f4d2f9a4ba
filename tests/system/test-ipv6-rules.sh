#!/bin/sh
# IPv6 rules on an IPv4 VXLAN underlay.  Seed 000's rules have a "Type"
# (Table 2: "Type IPv4"); Huawei's API, which docs/model-format.rst
# follows, lets it be IPv6 too (ethertype), with CIDRs of that family and
# ICMPv6 only with IPv6.  Seed 000 also says that "the encapsulated
# mirrored packet uses the IPv4 UDP protocol".  So: rules with
# ethertype IPv6 (ICMPv6, TCP and UDP with IPv6 prefixes and port ranges),
# a target with an IPv4 address, and crafted IPv6 frames to and from the
# source.  Each matching frame is mirrored exactly once, inside IPv4 VXLAN,
# with the inner IPv6 frame whole; frames from another prefix, to another
# port, of another protocol, or IPv4 with the same ports are not mirrored;
# every frame is still delivered.  With the patched OVS the outer source
# is the source VM's IPv4 address; a source whose port has only an IPv6
# address still has its copies sent, from the hypervisor's address.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-refused.sh"

SRC_MAC=fa:16:3e:10:00:0a SRC_IP=192.168.0.10 SRC_IP6=2001:db8:a::10
PEER_MAC=fa:16:3e:10:00:14 PEER_IP=192.168.0.20 PEER_IP6=2001:db8:b::20
TGT_MAC=fa:16:3e:10:00:1e TGT_IP=192.168.0.30
SRC6_MAC=fa:16:3e:10:00:0b SRC6_IP6=2001:db8:a::11
# An address outside every rule's prefixes, and IPv4 addresses that no
# namespace owns (so that no kernel answers the crafted IPv4 frames).
OTHER_IP6=2001:db8:c::20
SRC_IP4X=10.1.0.10 PEER_IP4X=10.1.0.20
VNI=6
SIZE=100

# setup: the hypervisor, a source, a peer, a target and a source whose port has
# only an IPv6 address in the database; the IPv6 filter and its session.
setup() {
    st_start || return 1
    st_brint &&
    st_vm SRC vm-src $SRC_MAC $SRC_IP port-src 1 &&
    st_vm PEER vm-peer $PEER_MAC $PEER_IP port-peer 2 &&
    st_vm TGT vm-tgt $TGT_MAC $TGT_IP port-tgt 3 &&
    st_vm SRC6 vm-src6 $SRC6_MAC 192.168.0.11 port-src6 4 || return 1
    st_nb_start && st_controller_start || return 1

    tmctl port-add port-src mac_address=$SRC_MAC \
        fixed_ips=$SRC_IP,$SRC_IP6 &&
    tmctl port-add port-peer mac_address=$PEER_MAC \
        fixed_ips=$PEER_IP,$PEER_IP6 &&
    tmctl port-add port-tgt mac_address=$TGT_MAC fixed_ips=$TGT_IP &&
    tmctl port-add port-src6 mac_address=$SRC6_MAC fixed_ips=$SRC6_IP6 &&
    tmctl filter-add v6-filter &&
    tmctl rule-add v6-filter ingress 1 accept ethertype=IPv6 \
        protocol=icmpv6 &&
    tmctl rule-add v6-filter ingress 2 accept ethertype=IPv6 protocol=tcp \
        source_cidr_block=2001:db8:b::/64 \
        destination_cidr_block=2001:db8:a::/64 \
        destination_port_range=8000-8010 &&
    tmctl rule-add v6-filter egress 1 accept ethertype=IPv6 protocol=tcp \
        source_cidr_block=2001:db8:a::/64 \
        destination_cidr_block=2001:db8:b::/64 \
        source_port_range=8000-8010 &&
    tmctl rule-add v6-filter egress 2 accept ethertype=IPv6 protocol=udp \
        destination_cidr_block=$PEER_IP6/128 \
        destination_port_range=5000-5001 &&
    tmctl --wait=hv session-add v6-session v6-filter eni port-tgt 1 \
        virtual_network_id=$VNI packet_length=128 \
        traffic_mirror_sources=port-src enabled=true
} > /dev/null

# inbound PROTO SRC DST COUNT TAG [OPTION...]: the peer sends COUNT frames
# of SIZE bytes to the source's MAC.
inbound() {
    local proto=$1 src=$2 dst=$3 count=$4 tag=$5
    shift 5
    st_frame "$PEER" $SRC_MAC "$src" "$dst" "$proto" --size $SIZE \
        --count "$count" --tag "$tag" "$@"
}

# outbound PROTO SRC DST COUNT TAG [OPTION...]: the source sends COUNT
# frames of SIZE bytes to the peer's MAC.
outbound() {
    local proto=$1 src=$2 dst=$3 count=$4 tag=$5
    shift 5
    st_frame "$SRC" $PEER_MAC "$src" "$dst" "$proto" --size $SIZE \
        --count "$count" --tag "$tag" "$@"
}

# payload TAG LEN: the hex of the LEN payload bytes that send.py makes
# with TAG (TAG repeated), as capture.py prints them.
payload() {
    local text=$1
    while [ ${#text} -lt "$2" ]; do
        text=$text$1
    done
    rf_hex "$(printf '%s' "$text" | cut -c 1-"$2")"
}

# copies WHAT EXPECTED TEXT: checks how many copies at the target contain
# TEXT (a fixed string).
copies() {
    st_check "$1" "$2" "$(grep '^vxlan' "$tcap" | grep -c -F -e "$3")"
}

setup || exit 1
st_check "controller mode" patched "$(ctlappctl mode/show \
    | sed -n 's/^mode: //p')"
tcap=$ST_DIR/target.txt scap=$ST_DIR/source.txt pcap=$ST_DIR/peer.txt
st_capture "$TGT" "$tcap" && st_capture "$SRC" "$scap" &&
st_capture "$PEER" "$pcap" || exit 1

# What must not be mirrored goes first, so that it has arrived by the
# time the copies of what must be have.
inbound tcp $PEER_IP6 $SRC_IP6 1 in8011 --dport 8011
inbound tcp $PEER_IP6 $SRC_IP6 1 in7999 --dport 7999
inbound tcp $OTHER_IP6 $SRC_IP6 1 inother --dport 8000
inbound udp $PEER_IP6 $SRC_IP6 1 inudp --dport 8000
inbound tcp $PEER_IP4X $SRC_IP4X 1 inv4 --dport 8000
inbound icmp $PEER_IP4X $SRC_IP4X 1 inicmp4
outbound tcp $SRC_IP6 $PEER_IP6 1 out8011 --sport 8011 --dport 443
outbound tcp $SRC_IP6 $OTHER_IP6 1 outother --sport 8005 --dport 443
outbound tcp $SRC_IP4X $PEER_IP4X 1 outv4 --sport 8005 --dport 443
outbound udp $SRC_IP6 $PEER_IP6 1 out5002 --dport 5002
outbound icmpv6 $SRC_IP6 $PEER_IP6 1 outicmp6
# What must be mirrored: 3 + 2 + 1 inbound, 2 + 2 outbound.
inbound icmpv6 $PEER_IP6 $SRC_IP6 3 inicmp6
inbound tcp $PEER_IP6 $SRC_IP6 2 in8000 --dport 8000
inbound tcp $PEER_IP6 $SRC_IP6 1 in8010 --dport 8010
outbound tcp $SRC_IP6 $PEER_IP6 2 out8005 --sport 8005 --dport 443
outbound udp $SRC_IP6 $PEER_IP6 2 out5001 --dport 5001

st_check "copies at the target, in all" 10 \
    "$(st_wait_lines "$tcap" '^vxlan' 10)"
outer="vxlan src=$SRC_IP dst=$TGT_IP vni=$VNI inner=$SIZE "
# The payload after the IPv6 and TCP (74 bytes) or UDP (62) headers.
tcp=$((SIZE - 74)) udp=$((SIZE - 62))
copies "copies from $SRC_IP to $TGT_IP, VNI $VNI, inner frame whole" 10 \
    "$outer"
copies "inbound ICMPv6 echo requests" 3 \
    "${outer}icmp6=$PEER_IP6>$SRC_IP6 type=128"
in=tcp=[$PEER_IP6]:40000
copies "inbound TCP to port 8000" 2 \
    "${outer}$in>[$SRC_IP6]:8000 payload=$(payload in8000 $tcp)"
copies "inbound TCP to port 8010 (top of the range)" 1 \
    "${outer}$in>[$SRC_IP6]:8010 payload=$(payload in8010 $tcp)"
copies "outbound TCP from port 8005" 2 \
    "${outer}tcp=[$SRC_IP6]:8005>[$PEER_IP6]:443 \
payload=$(payload out8005 $tcp)"
copies "outbound UDP to port 5001" 2 \
    "${outer}udp=[$SRC_IP6]:40000>[$PEER_IP6]:5001 \
payload=$(payload out5001 $udp)"
for tag in in8011 in7999 inother inudp inv4 out8011 outother outv4 \
        out5002; do
    copies "copies of $tag (not matched)" 0 "payload=$(rf_hex "$tag")"
done
copies "copies of inbound ICMPv4 (not ICMPv6)" 0 "icmp="
copies "copies of outbound ICMPv6 (no outbound ICMPv6 rule)" 0 \
    "icmp6=$SRC_IP6>"

# Delivery is unchanged: every frame reached the port it was sent to, and
# no copy reached the source or the peer.
st_check "frames delivered to the source" 12 "$(grep -c "frame=$SIZE\$" \
    "$scap")"
st_check "frames delivered to the peer" 9 "$(grep -c "frame=$SIZE\$" \
    "$pcap")"
st_check "copies at the source and the peer" 0 \
    "$(cat "$scap" "$pcap" | grep -c '^vxlan')"

# A source whose port has only an IPv6 address: the session needs an IPv4
# outer source for its IPv4 target, and the compiler sets none (it sets
# the source's address only when the family matches), so the copies leave
# with the hypervisor's address, which is the route's source.
tmctl --wait=hv session-add-sources v6-session port-src6 > /dev/null ||
    exit 1
# outer_srcs PORT: how many of PORT's mirror flows set no outer source,
# and how many set it to an IPv4 address.
outer_srcs() {
    ctlappctl source/show "$1" | awk '/clone\(/ {
        if ($0 ~ /->tun_src,/) v4++; else none++ }
        END { printf "%d without, %d with\n", none, v4 }'
}
# 8 flows each: ICMPv6, 8000-8010 as 3 prefixes in each direction, 5000-5001.
st_check "source with IPv4: flows without and with an outer source" \
    "0 without, 8 with" "$(outer_srcs port-src)"
st_check "IPv6-only source: flows without and with an outer source" \
    "8 without, 0 with" "$(outer_srcs port-src6)"
st_frame "$PEER" $SRC6_MAC $PEER_IP6 $SRC6_IP6 icmpv6 --size $SIZE --count 2
st_check "copies at the target, in all" 12 \
    "$(st_wait_lines "$tcap" '^vxlan' 12)"
copies "IPv6-only source: copies from the hypervisor's $SEED_HV_IP" 2 \
    "vxlan src=$SEED_HV_IP dst=$TGT_IP vni=$VNI inner=$SIZE \
icmp6=$PEER_IP6>$SRC6_IP6 type=128"

st_finish
