#!/bin/sh
# Patch 0002 on real traffic: in one send batch on a veth, the packets that
# the kernel refuses (larger than the MTU) are lost, counted in tx_dropped,
# and every other packet of the batch is still sent.
#
# How a batch is made, reliably: every UDP packet that the VM sends to port
# 5000 matches one flow that outputs it three times to the uplink: cut to
# 100 bytes, whole, and cut to 200 bytes.  The userspace datapath executes
# the three outputs of one packet in one go, queues them in the uplink's
# output batch and sends that batch with one netdev_send(), which is one
# sendmmsg() on the AF_PACKET socket.  When the packet is too big for the
# uplink (MTU 1400), the whole copy in the middle of the batch is refused;
# stock 3.1 then also drops the 200-byte copy behind it, uncounted.
. "$(dirname "$0")/lib.sh"

st_start || exit 1
st_ns ST_VM vm && st_ns ST_COL col || exit 1
vsctl add-br br0 -- set bridge br0 datapath_type=netdev fail-mode=secure \
    || exit 1
st_veth "$ST_VM" vm1 $ST_VM_MAC 1500 &&
st_veth "$ST_COL" uplink $ST_COLLECTOR_MAC 1400 || exit 1
vsctl add-port br0 vm1 -- set interface vm1 ofport_request=1 \
    -- add-port br0 uplink -- set interface uplink ofport_request=2 || exit 1
ip -n "$ST_VM" addr add $ST_VM4/24 dev eth0 &&
ip -n "$ST_VM" neigh add $ST_PEER4 lladdr $ST_COLLECTOR_MAC dev eth0 || exit 1
st_flows br0 "in_port=1,udp,tp_dst=5000,actions=output(port=2,max_len=100),output:2,output(port=2,max_len=200)" || exit 1

cap=$ST_DIR/collector.txt
st_capture "$ST_COL" "$cap" || exit 1
dropped_before=$(st_tx_dropped br0 uplink)
refused_before=$(st_counter netdev_linux_tx_refused)

# 4 oversized packets (1450-byte frames) and 3 that fit (300 bytes), in
# turns: 7 batches of 3.
for size in 1450 300 1450 300 1450 300 1450; do
    st_send "$ST_VM" $ST_PEER4 5000 $size 1
done
n100=$(st_wait_lines "$cap" "port=5000 frame=100$" 7)
n200=$(st_wait_lines "$cap" "port=5000 frame=200$" 7)
n300=$(grep -c "port=5000 frame=300$" "$cap")
n1450=$(grep -c "port=5000 frame=1450$" "$cap")
st_check "100-byte copies ahead of each packet" 7 "$n100"
st_check "200-byte copies behind each packet" 7 "$n200"
st_check "packets that fit the MTU" 3 "$n300"
st_check "oversized packets" 0 "$n1450"
st_check "uplink tx_dropped" 4 $(($(st_tx_dropped br0 uplink) - dropped_before))
st_check "coverage netdev_linux_tx_refused (the probe of patch 0002)" 4 \
    $(($(st_counter netdev_linux_tx_refused) - refused_before))

st_finish
