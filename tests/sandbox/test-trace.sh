#!/bin/sh
# Behaviour of the compiled flows, packet by packet, on the dummy
# datapath: for each golden model, which packets are mirrored (once, to
# which VNI and target, truncated to what), which are not, and that
# production delivery is unchanged either way.
. "$(dirname "$0")/lib.sh"

sb_start || { echo "FAIL: sandbox did not start"; exit 1; }

# Seed 002: ECS-test (port 3) -> ECS-source (port 1) TCP 1234 is mirrored
# inbound to ECS-target 192.168.0.164, VNI 1, 96 bytes.
sb_case seed002 || exit 1
test_to_source='in_port=3,dl_src=fa:16:3e:7e:d6:77,dl_dst=fa:16:3e:7e:d6:bc,tcp,nw_src=192.168.0.161,nw_dst=192.168.0.230,tp_src=38944'
expect_mirror "$test_to_source,tp_dst=1234" 1 192.168.0.164 96 1
expect_no_mirror "$test_to_source,tp_dst=1233" 1
expect_no_mirror "$test_to_source,tp_dst=1235" 1
expect_no_mirror "in_port=3,dl_dst=fa:16:3e:7e:d6:bc,tcp,nw_src=192.168.0.162,nw_dst=192.168.0.230,tp_dst=1234" 1
expect_no_mirror "in_port=3,dl_dst=fa:16:3e:7e:d6:bc,udp,nw_src=192.168.0.161,nw_dst=192.168.0.230,udp_dst=1234" 1
expect_no_mirror "in_port=3,dl_dst=fa:16:3e:7e:d6:bc,arp,arp_spa=192.168.0.161,arp_tpa=192.168.0.230" 1
# The reply is outbound for the source; the filter has no outbound rule.
expect_no_mirror "in_port=1,dl_dst=fa:16:3e:7e:d6:77,tcp,nw_src=192.168.0.230,nw_dst=192.168.0.161,tp_src=1234,tp_dst=38944" 3
# A broadcast is inbound for every receiver: mirrored once, for port 1,
# and never as "inbound" to the port that sent it.
expect_mirror "in_port=3,dl_dst=ff:ff:ff:ff:ff:ff,tcp,nw_src=192.168.0.161,nw_dst=192.168.0.230,tp_dst=1234" 1 192.168.0.164 96 "1 2 65534"
expect_no_mirror "in_port=1,dl_dst=ff:ff:ff:ff:ff:ff,tcp,nw_src=192.168.0.161,nw_dst=192.168.0.230,tp_dst=1234" "2 3 65534"

# The mirror tunnel only sends: VXLAN that arrives on it (anyone can send
# to UDP 4789) is dropped, not handed to the VMs or flooded.
expect_no_mirror "in_port=10,tun_id=0x5,tun_src=203.0.113.9,tun_dst=192.0.2.1,dl_dst=fa:16:3e:7e:d6:bc,tcp,nw_src=192.168.0.161,nw_dst=192.168.0.230,tp_dst=1234" ""
expect_no_mirror "in_port=10,tun_id=0x5,tun_src=203.0.113.9,tun_dst=192.0.2.1,dl_dst=ff:ff:ff:ff:ff:ff,arp" ""
# A frame the source sends to its own MAC is never delivered, so it is not
# inbound traffic either.
expect_no_mirror "in_port=1,dl_dst=fa:16:3e:7e:d6:bc,tcp,nw_src=192.168.0.161,nw_dst=192.168.0.230,tp_dst=1234" 1

# Seed 000 Table 2: inbound TCP 172.16.0.0/24 ports 10000-10001 ->
# 10.0.0.3/32 port 80 accepted; outbound 192.168.0.0/24 -> 10.2.0.0/24
# rejected.  Target: the load balancer VIP 192.168.1.25, VNI 2.
sb_case seed000-table2 || exit 1
for sport in 9999 10000 10001 10002; do
    for dport in 79 80 81; do
        flow="in_port=9,dl_dst=fa:16:3e:00:00:0b,tcp,nw_src=172.16.0.7,nw_dst=10.0.0.3,tp_src=$sport,tp_dst=$dport"
        if [ "$dport" = 80 ] && { [ "$sport" = 10000 ] || [ "$sport" = 10001 ]; }; then
            expect_mirror "$flow" 2 192.168.1.25 96 1
        else
            expect_no_mirror "$flow" 1
        fi
    done
done
expect_mirror "in_port=9,dl_dst=fa:16:3e:00:00:0b,tcp,nw_src=172.16.0.255,nw_dst=10.0.0.3,tp_src=10000,tp_dst=80" 2 192.168.1.25 96 1
expect_no_mirror "in_port=9,dl_dst=fa:16:3e:00:00:0b,tcp,nw_src=172.16.1.0,nw_dst=10.0.0.3,tp_src=10000,tp_dst=80" 1
expect_no_mirror "in_port=9,dl_dst=fa:16:3e:00:00:0b,tcp,nw_src=172.16.0.7,nw_dst=10.0.0.4,tp_src=10000,tp_dst=80" 1
expect_no_mirror "in_port=1,dl_dst=fa:16:3e:99:99:99,udp,nw_src=192.168.0.5,nw_dst=10.2.0.9,udp_dst=53" 9
expect_no_mirror "in_port=1,dl_dst=fa:16:3e:99:99:99,icmp,nw_src=192.168.0.5,nw_dst=10.2.0.9" 9

# Seed 000 session priority: sessions A (priority 1, VNI 100) and B
# (priority 2, VNI 200) share the source; TCP 80 matches both rules and
# goes to A only; 443 and 1024 match only B; 1025 matches neither.
client='in_port=2,dl_dst=fa:16:3e:00:01:01,tcp,nw_src=192.168.0.20,nw_dst=192.168.0.10'
sb_case session-priority || exit 1
expect_mirror "$client,tp_dst=80" 100 192.168.0.100 96 1
expect_mirror "$client,tp_dst=443" 200 192.168.0.200 128 1
expect_mirror "$client,tp_dst=1024" 200 192.168.0.200 128 1
expect_no_mirror "$client,tp_dst=1025" 1
# Swapping the priorities swaps the result.
sb_case session-priority-swapped || exit 1
expect_mirror "$client,tp_dst=80" 200 192.168.0.200 128 1
expect_mirror "$client,tp_dst=443" 200 192.168.0.200 128 1
expect_no_mirror "$client,tp_dst=1025" 1

# Seed 000 rule priority: reject (priority 1) before accept (priority 2)
# with the same match: not mirrored; swapped: mirrored.
client='in_port=2,dl_dst=fa:16:3e:00:02:01,tcp,nw_src=192.168.0.20,nw_dst=192.168.0.10'
sb_case rule-priority || exit 1
expect_no_mirror "$client,tp_dst=80" 1
sb_case rule-priority-swapped || exit 1
expect_mirror "$client,tp_dst=80" 7 192.168.0.100 96 1
expect_no_mirror "in_port=2,dl_dst=fa:16:3e:00:02:01,tcp,nw_src=192.168.0.21,nw_dst=192.168.0.10,tp_dst=80" 1

# Port ranges through a conjunction (source 1000-2000 x destination
# 1024-65535), checked at every boundary; outbound, to the uplink.
sb_case conjunction || exit 1
for sport in 999 1000 2000 2001; do
    for dport in 1023 1024 65535; do
        flow="in_port=5,dl_dst=fa:16:3e:99:99:99,udp,nw_src=10.1.0.10,nw_dst=10.1.0.50,udp_src=$sport,udp_dst=$dport"
        if [ "$sport" != 999 ] && [ "$sport" != 2001 ] && [ "$dport" != 1023 ]; then
            expect_mirror "$flow" 4242 10.1.0.100 200 1
        else
            expect_no_mirror "$flow" 1
        fi
    done
done
small='in_port=5,dl_dst=fa:16:3e:99:99:99,tcp,nw_src=10.1.0.10'
expect_mirror "$small,nw_dst=10.9.3.4,tp_src=79,tp_dst=10001" 4242 10.1.0.100 200 1
expect_mirror "$small,nw_dst=10.9.3.4,tp_src=81,tp_dst=10000" 4242 10.1.0.100 200 1
expect_no_mirror "$small,nw_dst=10.9.3.4,tp_src=82,tp_dst=10000" 1
expect_no_mirror "$small,nw_dst=10.9.3.4,tp_src=80,tp_dst=10002" 1
expect_no_mirror "$small,nw_dst=10.10.0.1,tp_src=80,tp_dst=10000" 1

# IPv6: an IPv6 underlay to an IPv6-only target, cut to fit a 1400-byte
# MTU (1400 - 56 = 1344); the disabled session adds nothing.
sb_case ipv6-mtu || exit 1
expect_mirror "in_port=8,dl_dst=fa:16:3e:00:04:01,icmp6,ipv6_src=2001:db8:1::5,ipv6_dst=2001:db8::10,icmpv6_type=128,icmpv6_code=0" 16777215 2001:db8::100 1344 7
expect_no_mirror "in_port=8,dl_dst=fa:16:3e:00:04:01,icmp6,ipv6_src=2001:db8:2::5,ipv6_dst=2001:db8::10,icmpv6_type=128,icmpv6_code=0" 7
expect_mirror "in_port=8,dl_dst=fa:16:3e:00:04:01,tcp6,ipv6_src=2001:db8:2::5,ipv6_dst=2001:db8::10,tp_dst=443" 16777215 2001:db8::100 1344 7
expect_no_mirror "in_port=8,dl_dst=fa:16:3e:00:04:01,tcp6,ipv6_src=2001:db8:2::5,ipv6_dst=2001:db8::10,tp_dst=444" 7
expect_mirror "in_port=7,dl_dst=fa:16:3e:00:04:0a,udp6,ipv6_src=2001:db8::10,ipv6_dst=2001:db8::100,udp_dst=53" 16777215 2001:db8::100 1344 8
expect_no_mirror "in_port=7,dl_dst=fa:16:3e:00:04:0a,udp,nw_src=192.168.4.10,nw_dst=192.168.4.11,udp_dst=53" 8

# Mirror copies come back through LOCAL after tnl_push: never mirrored
# again, even when delivered to a source whose rules match them.
sb_case mirror-copies || exit 1
expect_mirror "in_port=2,dl_dst=fa:16:3e:00:05:01,udp,nw_src=192.168.5.20,nw_dst=192.168.5.10,udp_src=40000,udp_dst=4789" 55 192.168.5.100 96 1
expect_no_mirror "in_port=LOCAL,dl_dst=fa:16:3e:00:05:01,udp,nw_src=192.0.2.1,nw_dst=192.168.5.10,udp_src=40000,udp_dst=4789" 1
expect_mirror "in_port=LOCAL,dl_dst=fa:16:3e:00:05:01,udp,nw_src=192.0.2.1,nw_dst=192.168.5.10,udp_src=40000,udp_dst=4790" 55 192.168.5.100 96 1

# Both modes of the hypervisor.  So far stock OVS: the outer source was
# the hypervisor's underlay address.  Stock mode says so explicitly:
SB_MODE=stock
sb_case seed002 || exit 1
expect_mirror "$test_to_source,tp_dst=1234" 1 192.168.0.164 96 1 192.0.2.1
# With ovs-patches/0001 (local_ip=flow, allow_nonlocal_src=true), the outer
# source is the mirror source VM's own address, as in seed 002's capture
# ("Sip: Mirror source address"), on IPv4 and IPv6.
SB_MODE=patched
sb_case seed002 || exit 1
expect_mirror "$test_to_source,tp_dst=1234" 1 192.168.0.164 96 1 192.168.0.230
expect_no_mirror "$test_to_source,tp_dst=1235" 1
sb_case ipv6-mtu || exit 1
expect_mirror "in_port=7,dl_dst=fa:16:3e:00:04:0a,udp6,ipv6_src=2001:db8::10,ipv6_dst=2001:db8::100,udp_dst=53" 16777215 2001:db8::100 1344 8 2001:db8::10
sb_case seed000-table2 || exit 1
expect_mirror "in_port=9,dl_dst=fa:16:3e:00:00:0b,tcp,nw_src=172.16.0.7,nw_dst=10.0.0.3,tp_src=10000,tp_dst=80" 2 192.168.1.25 96 1 10.0.0.3

sb_finish
