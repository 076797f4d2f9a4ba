#!/bin/sh
# Patch 0003 (truncate_to_fit) and 0002 on real traffic.  The uplink's MTU
# is 1400 and the mirror session's packet length is 1460, too long for it:
# with truncate_to_fit the copy of a 1414-byte packet arrives cut to
# 1400 - 36 = 1364 inner bytes, and nothing is dropped.  Without the option
# the copy (1414 inner bytes, a 1450-byte IP packet) is refused by the
# uplink, and the production packet queued behind it in the same send
# batch is still delivered (patch 0002; stock 3.1 loses it).
. "$(dirname "$0")/lib.sh"

st_start || exit 1
st_hypervisor 1400 options:remote_ip=flow options:key=flow \
    options:truncate_to_fit=true || exit 1
cap=$ST_DIR/collector.txt
st_capture "$ST_COL" "$cap" || exit 1

# The copy goes first: after tnl_push it is recirculated at once into
# br-phy and queued on the uplink, and the production packet that follows
# through the patch port joins it in the uplink's output batch.
mirror_flow() {
    st_flows br-int "in_port=1,udp,tp_dst=5000,actions=clone($1,set_field:7->tun_id,output(port=10,max_len=1460)),output:20"
}
mirror_flow "set_field:$ST_COLLECTOR4->tun_dst" || exit 1

dropped=$(st_tx_dropped br-phy uplink)
st_send "$ST_VM" $ST_PEER4 5000 1414 3
n=$(st_wait_lines "$cap" "^vxlan src=$ST_UNDERLAY4 dst=$ST_COLLECTOR4 vni=7 inner=1364 udp=" 3)
st_check "copies cut to 1364 inner bytes" 3 "$n"
n=$(st_wait_lines "$cap" "port=5000 frame=1414$" 3)
st_check "production packets delivered" 3 "$n"
st_check "uplink tx_dropped" 0 $(($(st_tx_dropped br-phy uplink) - dropped))
if [ "$(st_counter tnl_truncate_to_fit)" -ge 1 ]; then
    st_pass "coverage tnl_truncate_to_fit counted"
else
    st_fail "coverage tnl_truncate_to_fit not counted"
fi

# Over IPv6 the encapsulation takes 56 bytes: 1400 - 56 = 1344.
mirror_flow "set_field:$ST_COLLECTOR6->tun_ipv6_dst" || exit 1
st_send "$ST_VM" $ST_PEER4 5000 1414 3
n=$(st_wait_lines "$cap" "^vxlan src=$ST_UNDERLAY6 dst=$ST_COLLECTOR6 vni=7 inner=1344 udp=" 3)
st_check "IPv6 copies cut to 1344 inner bytes" 3 "$n"
mirror_flow "set_field:$ST_COLLECTOR4->tun_dst" || exit 1

# Without the option: the copy is too big for the uplink and refused.
vsctl remove interface tm-vxlan options truncate_to_fit || exit 1
appctl revalidator/purge > /dev/null
lines=$(grep -c '^vxlan' "$cap")
dropped=$(st_tx_dropped br-phy uplink)
st_send "$ST_VM" $ST_PEER4 5000 1414 3
n=$(st_wait_lines "$cap" "port=5000 frame=1414$" 9)
st_check "production packets behind the refused copies delivered" 9 "$n"
st_check "copies without the option" 0 $(($(grep -c '^vxlan' "$cap") - lines))
st_check "refused copies in uplink tx_dropped" 3 \
    $(($(st_tx_dropped br-phy uplink) - dropped))

st_finish
