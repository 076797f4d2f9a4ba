#!/bin/sh
# Patch 0001 (allow_nonlocal_src) and 0004 (routing failures counted), on
# real traffic: a VXLAN mirror copy whose outer source is the source VM's
# own address, as in seed 002's tcpdump, reaches the collector with that
# source, over IPv4 and IPv6.  Without the option the copy can't be routed,
# never leaves the hypervisor, and every lost copy is counted.
. "$(dirname "$0")/lib.sh"

st_start || exit 1
st_hypervisor 1500 options:remote_ip=flow options:local_ip=flow \
    options:key=flow options:allow_nonlocal_src=true || exit 1
cap=$ST_DIR/collector.txt
st_capture "$ST_COL" "$cap" || exit 1

# The mirror flow: copy the VM's UDP to port 5000 into VXLAN, VNI 7, with
# the VM's address as the outer source, then forward the packet itself.
mirror4="set_field:$ST_COLLECTOR4->tun_dst,set_field:$ST_VM4->tun_src"
mirror6="set_field:$ST_COLLECTOR6->tun_ipv6_dst,set_field:$ST_VM6->tun_ipv6_src"
mirror_flow() {
    st_flows br-int "in_port=1,udp,tp_dst=5000,actions=clone($1,set_field:7->tun_id,output(port=10,max_len=1460)),output:20"
}

# Each of the three packets is mirrored once, with the VM's address as the
# outer source.
mirror_flow "$mirror4" || exit 1
st_send "$ST_VM" $ST_PEER4 5000 200 3
n=$(st_wait_lines "$cap" "^vxlan src=$ST_VM4 dst=$ST_COLLECTOR4 vni=7 " 3)
st_check "IPv4 copies with outer source $ST_VM4" 3 "$n"

mirror_flow "$mirror6" || exit 1
st_send "$ST_VM" $ST_PEER4 5000 200 3
n=$(st_wait_lines "$cap" "^vxlan src=$ST_VM6 dst=$ST_COLLECTOR6 vni=7 " 3)
st_check "IPv6 copies with outer source $ST_VM6" 3 "$n"

n=$(grep -c "port=5000" "$cap")
st_check "production packets delivered" 6 "$n"

# Without the option, the IPv4 copies are refused, and the explicit drop
# counts each of them (not only the first packet of the datapath flow).
vsctl remove interface tm-vxlan options allow_nonlocal_src || exit 1
mirror_flow "$mirror4" || exit 1
before=$(st_counter drop_action_tunnel_routing_failed)
lines=$(grep -c '^vxlan' "$cap")
st_send "$ST_VM" $ST_PEER4 5000 200 3
n=$(st_wait_lines "$cap" "port=5000" 9)
st_check "production packets delivered" 9 "$n"
st_check "IPv4 copies without the option" 0 \
    $(($(grep -c '^vxlan' "$cap") - lines))
after=$(st_counter drop_action_tunnel_routing_failed)
st_check "IPv4 copies counted in drop_action_tunnel_routing_failed" 3 \
    $((after - before))

# Stock 3.1 native tunneling ignores a flow's IPv6 tunnel source (upstream
# honours it since 3.4): without the option the IPv6 copies leave with the
# hypervisor's own address, never with the VM's.
mirror_flow "$mirror6" || exit 1
st_send "$ST_VM" $ST_PEER4 5000 200 3
n=$(st_wait_lines "$cap" "^vxlan src=$ST_UNDERLAY6 dst=$ST_COLLECTOR6 vni=7 " 3)
st_check "IPv6 copies without the option, from $ST_UNDERLAY6" 3 "$n"
n=$(grep -c "^vxlan src=$ST_VM6 " "$cap")
st_check "IPv6 copies from $ST_VM6 (all sent with the option)" 3 "$n"

# The probe of patch 0001: its coverage counter exists.
if appctl coverage/read-counter tnl_nonlocal_src > /dev/null 2>&1; then
    st_pass "probe: coverage counter tnl_nonlocal_src exists"
else
    st_fail "probe: coverage counter tnl_nonlocal_src missing"
fi

st_finish
