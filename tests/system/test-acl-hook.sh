#!/bin/sh
# Security groups and network ACLs, through br-int's hook tables
# (docs/pipeline.rst: 10, "ACL from VM", and 40, "ACL to VM").  Seed 000,
# "Notes and Constraints":
#
# - "If a packet from a mirror source is discarded by a security group or
#   network ACL, the packet will not be mirrored": a drop flow in table 10
#   for one flow that the source sends, and one in table 40 for one flow
#   delivered to it; those flows are neither delivered nor mirrored, the
#   source's other flows still are;
# - "the packet will be mirrored and will not be restricted by outbound
#   rules of a security group or network ACL of the mirror source": the
#   copies still leave when the source's ACL drops all the VXLAN it sends;
# - the mirror target needs a rule "to allow inbound UDP packets from the
#   mirror source over port 4789": with an ACL on the target's port that
#   drops everything except that, the copies still arrive (and a source
#   the ACL does not allow gets none through);
# - flows of the host's own cookie in those tables are never touched by the
#   controller.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-probe.sh"

# VMs 11 and 12 are the sources, 21 the target, 31 the sources' peer.
tp_setup || exit 1
tp_vm 11 source1 port-src1 && tp_vm 12 source2 port-src2 &&
tp_vm 21 target port-tgt && tp_vm 31 peer port-peer || exit 1

# The session mirrors source 1's UDP both ways to the target, VNI 7,
# whole.
tmctl filter-add filter > /dev/null &&
tmctl rule-add filter ingress 1 accept protocol=udp > /dev/null &&
tmctl rule-add filter egress 1 accept protocol=udp > /dev/null &&
tmctl --wait=hv session-add session filter eni port-tgt 1 \
    virtual_network_id=7 packet_length=1460 enabled=true \
    traffic_mirror_sources=port-src1 > /dev/null || exit 1

# acl TABLE MATCH ACTIONS: adds a flow of the host's own (cookie 0x1) to
# br-int's hook TABLE.
acl() {
    ofctl add-flow br-int "table=$1,cookie=0x1,$2,actions=$3"
}
host_flows() {
    ofctl dump-flows br-int cookie=0x1/-1 | grep -c 'cookie=0x1,'
}

# blocked WHAT FROM TO DPORT ALLOWED-DPORT: FROM sends 3 frames to TO's
# DPORT, which an ACL drops, then 3 to ALLOWED-DPORT: the latter are
# delivered and mirrored, once each; the former neither (frames between
# the same two ports keep their order, so once the allowed ones are in,
# the blocked ones would be too).
blocked() {
    local what=$1 from=$2 to=$3 dport=$4 allowed=$5
    tp_send "$from" "$to" "$dport" 3 --size 200 || return 1
    st_check "$what, allowed port $allowed: delivered" 3 \
        "$(tp_probe "$from" "$to" "$allowed" 3 --size 200)"
    tp_check "$what, allowed port $allowed: copies" 21 "$allowed" \
        "$(tp_copy 3 11 21 7 200)"
    st_check "$what, dropped port $dport: delivered" 0 \
        "$(tp_delivered "$to" "$dport" 0)"
    tp_check "$what, dropped port $dport: copies" 21 "$dport" none
}

# The source's security group drops what it sends to port 6001, what it
# receives on port 6002, and any VXLAN it would send: the copies are not
# the source's own traffic, and its outbound rules do not apply to them.
acl 10 "priority=100,in_port=11,udp,tp_dst=6001" drop &&
acl 40 "priority=100,reg15=11,udp,tp_dst=6002" drop &&
acl 10 "priority=100,in_port=11,udp,tp_dst=4789" drop || exit 1
blocked "outbound, dropped in table 10" 11 31 6001 6003
blocked "inbound, dropped in table 40" 31 11 6002 6004

# The controller leaves those flows alone, through a change and a full
# recompute.
tmctl --wait=hv session-set session description=changed > /dev/null &&
ctlappctl recompute > /dev/null && st_wait_applied > /dev/null || exit 1
st_check "host flows kept through a change and a recompute" 3 \
    "$(host_flows)"
blocked "outbound, after the recompute" 11 31 6001 6005
blocked "inbound, after the recompute" 31 11 6002 6006

# Source 2 joins the session; before the target has an ACL, its copies
# arrive, and so does production traffic to the target.
tmctl --wait=hv session-add-sources session port-src2 > /dev/null || exit 1
st_check "no target ACL: source 2 -> peer delivered" 3 \
    "$(tp_probe 12 31 6010 3 --size 200)"
tp_check "no target ACL: copies of source 2's traffic" 21 6010 \
    "$(tp_copy 3 12 21 7 200)"
st_check "no target ACL: peer -> target delivered" 3 \
    "$(tp_probe 31 21 6011 3 --size 200)"

# The target's ACL lets in only UDP 4789 from source 1's copies' outer
# source.
acl 40 "priority=200,reg15=21,udp,nw_src=$(tp_outer 11),tp_dst=4789" \
    "resubmit(,50)" &&
acl 40 "priority=150,reg15=21" drop || exit 1

# Production traffic to the target is dropped now...
tp_send 31 21 6012 3 --size 200 || exit 1
# ... but the copies of source 1's traffic still arrive.
st_check "target ACL: source 1 -> peer delivered" 3 \
    "$(tp_probe 11 31 6013 3 --size 200)"
tp_check "target ACL: copies of source 1's traffic" 21 6013 \
    "$(tp_copy 3 11 21 7 200)"
st_check "target ACL: peer -> source 1 delivered" 3 \
    "$(tp_probe 31 11 6014 3 --size 200)"
tp_check "target ACL: copies of the traffic to source 1" 21 6014 \
    "$(tp_copy 3 11 21 7 200)"
st_check "target ACL: peer -> target dropped" 0 "$(tp_delivered 21 6012 0)"
# Source 2's copies come from another address, which the ACL does not let
# in (unless every copy has the hypervisor's address as its source).
if [ "$(tp_outer 12)" = "$(tp_outer 11)" ]; then
    expected=$(tp_copy 3 12 21 7 200)
else
    expected=none
fi
st_check "target ACL: source 2 -> peer delivered" 3 \
    "$(tp_probe 12 31 6015 3 --size 200)"
tp_check "target ACL: copies of source 2's traffic" 21 6015 "$expected"

st_finish
