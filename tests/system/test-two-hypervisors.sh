#!/bin/sh
# A mirror source and its target on two different hypervisors.  Seed 000:
# "A mirror target is a network interface of a cloud server ... which is
# used to receive mirrored traffic", with the source's copies "encapsulated
# in the standard VXLAN packet format"; seed 002's capture: the copy's
# outer source is the source server's own address (192.168.0.230 there).
#
#   namespace hv1 (192.168.0.1 on br-int)      namespace hv2 (192.168.0.2)
#   source 192.168.0.10 -- br-int -- up1 ===== up2 -- br-int -- target
#                                                               192.168.0.20
#                                                        \----- peer
#                                                               192.168.0.30
#
# Each hypervisor has its own ovsdb-server, ovs-vswitchd and
# tmirror-controller (--name hv1 and hv2, --uplink up1 and up2), both
# against the same northbound database.  The underlay is a flat provider
# network: one veth between the two br-ints.  The source's outbound UDP
# and inbound TCP to port 1234 are mirrored to the target with VNI 77:
# the copies leave hv1 through its uplink (the target's MAC is unknown
# there) and reach the target on hv2, with the source's own address as
# outer source.
. "$(dirname "$0")/lib.sh"
. "$ST_HERE/lib-multihost.sh"

HV2_IP=192.168.0.2
SRC_MAC=fa:16:3e:00:00:10 SRC_IP=192.168.0.10
TGT_MAC=fa:16:3e:00:00:20 TGT_IP=192.168.0.20
PEER_MAC=fa:16:3e:00:00:30 PEER_IP=192.168.0.30
VNI=77

# config: the three ports, a filter that accepts outbound UDP and inbound
# TCP to port 1234, and the session from the source to the target.
config() {
    tmctl port-add port-source mac_address=$SRC_MAC fixed_ips=$SRC_IP &&
    tmctl port-add port-target mac_address=$TGT_MAC fixed_ips=$TGT_IP &&
    tmctl port-add port-peer mac_address=$PEER_MAC fixed_ips=$PEER_IP &&
    tmctl filter-add filter-X &&
    tmctl rule-add filter-X egress 1 accept protocol=udp &&
    tmctl rule-add filter-X ingress 1 accept protocol=tcp \
        destination_port_range=1234 &&
    tmctl --wait=hv session-add session-X filter-X eni port-target 1 \
        virtual_network_id=$VNI packet_length=96 \
        traffic_mirror_sources=port-source enabled=true
}

# copies FLOW N: copies at the target of frames whose inner description
# (capture.py) starts with FLOW, with the source's address as outer
# source and the session's VNI, after waiting for N of them.
copies() {
    st_wait_lines "$ST_DIR/target.txt" \
        "^vxlan src=$SRC_IP dst=$TGT_IP vni=$VNI inner=[0-9]* $1" "$2"
}

# hv_line NAME: hypervisor NAME's line of "tmirror-ctl hv-list".
hv_line() {
    tmctl hv-list | grep "^hypervisor $1: "
}

st_start && mh_start || exit 1
st_brint && mh_brint $HV2_IP || exit 1
mh_underlay up1 up2 || exit 1
st_vm SRC source $SRC_MAC $SRC_IP port-source &&
mh_vm TGT target $TGT_MAC $TGT_IP port-target &&
mh_vm PEER peer $PEER_MAC $PEER_IP port-peer || exit 1
st_nb_start &&
st_controller_start --uplink=up1 &&
mh_controller_start --uplink=up2 || exit 1
config > /dev/null || exit 1

# Both hypervisors report the configuration applied; only hv1 has the
# source.
cfg=$(tmctl show | sed -n 's/^nb_cfg=\([0-9]*\),.*/\1/p')
st_check "hv-list: hv1" \
    "hypervisor hv1: applied nb_cfg=$cfg, mode=patched, sources=port-source" \
    "$(hv_line hv1)"
st_check "hv-list: hv2" \
    "hypervisor hv2: applied nb_cfg=$cfg, mode=patched" "$(hv_line hv2)"
# hv1 has the source's two mirror flows (one per direction), hv2 none.
st_check "mirror flows on hv1" 2 \
    "$(ofctl -O OpenFlow15 dump-flows br-int | grep -c "$TGT_IP->tun_dst")"
st_check "mirror flows on hv2" 0 \
    "$(mh_ofctl -O OpenFlow15 dump-flows br-int | grep -c -- '->tun_dst')"

st_capture "$TGT" "$ST_DIR/target.txt" &&
st_capture "$PEER" "$ST_DIR/peer.txt" &&
st_capture "$SRC" "$ST_DIR/source.txt" &&
st_capture "$MH_HV2" "$ST_DIR/underlay.txt" up2 || exit 1

# Outbound: the source sends 3 UDP datagrams and 2 TCP segments to the
# peer on hv2.  All 5 arrive; the 3 UDP ones are mirrored, the TCP ones
# are not (the filter's outbound rule is UDP only).
st_frame "$SRC" $PEER_MAC $SRC_IP $PEER_IP udp --sport 4000 --dport 5000 \
    --count 3 &&
st_frame "$SRC" $PEER_MAC $SRC_IP $PEER_IP tcp --sport 4000 --dport 80 \
    --count 2 || exit 1
st_check "peer received the source's UDP" 3 "$(st_wait_lines \
    "$ST_DIR/peer.txt" "^udp src=$SRC_IP dst=$PEER_IP port=5000 " 3)"
st_check "peer received the source's TCP" 2 "$(st_wait_lines \
    "$ST_DIR/peer.txt" "^tcp src=$SRC_IP dst=$PEER_IP port=80 " 2)"
st_check "outbound UDP copies at the target (outer $SRC_IP, VNI $VNI)" 3 \
    "$(copies "udp=$SRC_IP:4000>$PEER_IP:5000 " 3)"
st_check "outbound TCP copies" 0 "$(copies "tcp=$SRC_IP:4000>" 0)"

# Inbound: the peer sends 2 TCP segments to the source's port 1234 and 2
# to its port 80, across the underlay the other way; only the first 2 are
# mirrored, and their copies cross back to the target.
st_frame "$PEER" $SRC_MAC $PEER_IP $SRC_IP tcp --sport 4001 --dport 1234 \
    --count 2 &&
st_frame "$PEER" $SRC_MAC $PEER_IP $SRC_IP tcp --sport 4001 --dport 80 \
    --count 2 || exit 1
st_check "source received the peer's TCP to 1234" 2 "$(st_wait_lines \
    "$ST_DIR/source.txt" "^tcp src=$PEER_IP dst=$SRC_IP port=1234 " 2)"
st_check "source received the peer's TCP to 80" 2 "$(st_wait_lines \
    "$ST_DIR/source.txt" "^tcp src=$PEER_IP dst=$SRC_IP port=80 " 2)"
st_check "inbound TCP to 1234: copies at the target" 2 \
    "$(copies "tcp=$PEER_IP:4001>$SRC_IP:1234 " 2)"
st_check "inbound TCP to 80: copies" 0 \
    "$(copies "tcp=$PEER_IP:4001>$SRC_IP:80 " 0)"
st_check "copies in all, none other" 5 \
    "$(grep -c '^vxlan ' "$ST_DIR/target.txt")"

# Every copy crossed the underlay, once: what hv2 received on up2.
st_check "copies received on hv2's uplink" 5 \
    "$(grep -c "^vxlan src=$SRC_IP dst=$TGT_IP vni=$VNI " \
        "$ST_DIR/underlay.txt")"

mh_finish
