#!/bin/sh
# Loops and abuse.  Seed 000: mirrored traffic is "encapsulated in the
# standard VXLAN packet format" (UDP 4789), and "an elastic network
# interface cannot be used as both a mirror source and a mirror target at
# the same time" (Tables 5 and 6).
#
# 1. A filter that accepts UDP 4789 everywhere (inbound and outbound, any
#    address, either port) never mirrors mirror copies: each production
#    packet yields exactly one copy, and a few seconds later still exactly
#    one, at the target and at the source.  The hardest case is in it: a
#    session whose target is a load balancer with the source's own address
#    as its VIP, so that the source's copies are delivered to the source,
#    whose inbound rules accept them; were they mirrored again, each would
#    be copied to the source again, forever.
# 2. A target can't be made a source, nor a source a target, by any write
#    (session-add, session-add-sources, session-set): each is refused at
#    write time with an error naming the port, the database and the flows
#    are unchanged, and the traffic is mirrored as before.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-refused.sh"

SRC_MAC=fa:16:3e:11:00:0a SRC_IP=192.168.0.10
PEER_MAC=fa:16:3e:11:00:14 PEER_IP=192.168.0.20
TGT_MAC=fa:16:3e:11:00:1e TGT_IP=192.168.0.30
N=5

# setup: a source, a peer and a target; loop-filter accepts UDP to or from
# port 4789 both ways.  loop-session mirrors the peer to the target (VNI
# 11); self-session mirrors the source to lb-at-src, a load balancer whose
# VIP is the source's own address (VNI 12).
setup() {
    st_start || return 1
    st_brint &&
    st_vm SRC vm-src $SRC_MAC $SRC_IP port-src 1 &&
    st_vm PEER vm-peer $PEER_MAC $PEER_IP port-peer 2 &&
    st_vm TGT vm-tgt $TGT_MAC $TGT_IP port-tgt 3 &&
    st_nb_start && st_controller_start || return 1

    tmctl port-add port-src mac_address=$SRC_MAC fixed_ips=$SRC_IP &&
    tmctl port-add port-peer mac_address=$PEER_MAC fixed_ips=$PEER_IP &&
    tmctl port-add port-tgt mac_address=$TGT_MAC fixed_ips=$TGT_IP &&
    tmctl port-add port-other mac_address=fa:16:3e:11:00:28 \
        fixed_ips=192.168.0.40 &&
    tmctl lb-add lb-at-src vip_address=$SRC_IP udp_supported=true &&
    tmctl filter-add loop-filter || return 1
    for dir in ingress egress; do
        tmctl rule-add loop-filter $dir 1 accept protocol=udp \
            destination_port_range=4789 &&
        tmctl rule-add loop-filter $dir 2 accept protocol=udp \
            source_port_range=4789 || return 1
    done
    tmctl session-add loop-session loop-filter eni port-tgt 1 \
        virtual_network_id=11 packet_length=200 \
        traffic_mirror_sources=port-peer enabled=true &&
    tmctl --wait=hv session-add self-session loop-filter elb lb-at-src 1 \
        virtual_network_id=12 packet_length=200 \
        traffic_mirror_sources=port-src enabled=true || return 1
    # The controller seeds the neighbours of target ports only; a load
    # balancer's VIP would be resolved by ARP, losing the first copies.
    appctl tnl/neigh/set br-int $SRC_IP $SRC_MAC
} > /dev/null

# round TAG: the peer sends N UDP datagrams to the source's port 4789, and
# the source N to the peer's (crafted, with the payload "in-TAG" or
# "out-TAG").  No socket listens there, nor at the target: the kernels
# answer with ICMP port unreachables, which the filter does not accept.
round() {
    st_frame "$PEER" $SRC_MAC $PEER_IP $SRC_IP udp --dport 4789 \
        --count $N --tag "in-$1"
    st_frame "$SRC" $PEER_MAC $SRC_IP $PEER_IP udp --dport 4789 \
        --count $N --tag "out-$1"
}

# count FILE TEXT: the lines of FILE that contain TEXT (a fixed string).
count() {
    grep -c -F -e "$2" "$1"
}

# check_round K TAG: what each namespace has received after K rounds, the
# last one TAG, checked at once and again 3 s later, in which a loop
# would have gone on adding copies.  A datagram with a payload this short
# is too short for capture.py to read it as VXLAN ("udp src=..."); the
# copies are VXLAN whose inner frame is the datagram, whole.
check_round() {
    local k=$1 tag=$2 in out in_len out_len
    in="udp=$PEER_IP:40000>$SRC_IP:4789 payload=$(rf_hex "in-$tag")"
    out="udp=$SRC_IP:40000>$PEER_IP:4789 payload=$(rf_hex "out-$tag")"
    in_len=$((14 + 20 + 8 + 3 + ${#tag}))
    out_len=$((in_len + 1))
    st_wait_lines "$tcap" '^vxlan' $((k * 2 * N)) > /dev/null
    st_wait_lines "$scap" '^vxlan' $((k * 2 * N)) > /dev/null
    for when in now later; do
        [ $when = later ] && sleep 3
        st_check "$tag, $when: target: copies of the peer's outbound" $N \
            "$(count "$tcap" \
                "vxlan src=$PEER_IP dst=$TGT_IP vni=11 inner=$in_len $in")"
        st_check "$tag, $when: target: copies of the peer's inbound" $N \
            "$(count "$tcap" \
                "vxlan src=$PEER_IP dst=$TGT_IP vni=11 inner=$out_len $out")"
        st_check "$tag, $when: target: VXLAN frames in all" \
            $((k * 2 * N)) "$(grep -c '^vxlan' "$tcap")"
        # The source receives the peer's datagrams themselves, and the
        # copies of its own inbound and outbound (the VIP is its
        # address); none of them is mirrored again.
        st_check "$tag, $when: source: the peer's datagrams" $((k * N)) \
            "$(count "$scap" "udp src=$PEER_IP dst=$SRC_IP port=4789 ")"
        st_check "$tag, $when: source: copies of its inbound" $N \
            "$(count "$scap" \
                "vxlan src=$SRC_IP dst=$SRC_IP vni=12 inner=$in_len $in")"
        st_check "$tag, $when: source: copies of its outbound" $N \
            "$(count "$scap" \
                "vxlan src=$SRC_IP dst=$SRC_IP vni=12 inner=$out_len $out")"
        st_check "$tag, $when: source: VXLAN frames in all" \
            $((k * 2 * N)) "$(grep -c '^vxlan' "$scap")"
        st_check "$tag, $when: peer: the source's datagrams" $((k * N)) \
            "$(count "$pcap" "udp src=$SRC_IP dst=$PEER_IP port=4789 ")"
        st_check "$tag, $when: peer: VXLAN frames" 0 \
            "$(grep -c '^vxlan' "$pcap")"
    done
}

setup || exit 1
tcap=$ST_DIR/target.txt scap=$ST_DIR/source.txt pcap=$ST_DIR/peer.txt
st_capture "$TGT" "$tcap" && st_capture "$SRC" "$scap" &&
st_capture "$PEER" "$pcap" || exit 1
round r1
check_round 1 r1

# Part 2: every way of making the target a source, or a source a target.
both="a port can't be both a mirror source and a mirror target"
rf_refused "the target added as a source of its own session" \
    "port \"port-tgt\" is a mirror source; $both" \
    session-add-sources loop-session port-tgt
rf_refused "the target added as a source of another session" \
    "port \"port-tgt\" is the mirror target of session" \
    session-add-sources self-session port-tgt
rf_refused "the sources set to include the target" \
    "port \"port-tgt\" is a mirror source; $both" \
    session-set loop-session traffic_mirror_sources=port-peer,port-tgt
rf_refused "a source made the target of its session" \
    "port \"port-peer\" is a mirror source; $both" \
    session-set loop-session traffic_mirror_target_id=port-peer
rf_refused "a source of another session made the target" \
    "port \"port-src\" is a mirror source; $both" \
    session-set loop-session traffic_mirror_target_id=port-src
rf_refused "a new session targeting a source" \
    "port \"port-src\" is a mirror source; $both" \
    session-add new-session loop-filter eni port-src 2 enabled=true
rf_refused "a new session with the target as its source" \
    "port \"port-tgt\" is the mirror target of session" \
    session-add new-session loop-filter eni port-other 2 enabled=true \
    traffic_mirror_sources=port-tgt
rf_refused "a new session with its own target as its source" \
    "port \"port-other\" is a mirror source; $both" \
    session-add new-session loop-filter eni port-other 2 enabled=true \
    traffic_mirror_sources=port-other

# The traffic is mirrored exactly as before.
round r2
check_round 2 r2

st_finish
