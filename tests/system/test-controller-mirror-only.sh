#!/bin/sh
# docs/pipeline.rst's contract, used: a host with its own forwarding
# pipeline (here, a few static flows with its own cookie) runs the
# controller with --pipeline=mirror-only, hands packets to table 20 and
# (with reg15 set) to table 50, and gets seed 002's mirror copies exactly
# as the standalone pipeline gives them.  The controller installs nothing
# outside the two mirror stages and never touches the host's flows.
. "$(dirname "$0")/lib.sh"

st_start || exit 1
st_seed002_hypervisor || exit 1

# The host's pipeline: from a VM, the outbound stage, then forwarding by
# destination MAC with reg15 set and the inbound stage before each output;
# copies coming back through LOCAL are flagged in reg13 bit 0 first.
deliver() { # MAC OFPORT
    echo "cookie=0x1,table=1,priority=10,dl_dst=$1,actions=load:$2->NXM_NX_REG15[],resubmit(,50),output:$2"
}
host_flows="cookie=0x1,table=0,priority=10,in_port=LOCAL,udp,tp_dst=4789,actions=load:1->NXM_NX_REG13[0],resubmit(,1)
cookie=0x1,table=0,priority=5,in_port=LOCAL,actions=resubmit(,1)
cookie=0x1,table=0,priority=1,actions=resubmit(,20),resubmit(,1)
$(deliver $SEED_SOURCE_MAC 1)
$(deliver $SEED_TARGET_MAC 2)
$(deliver $SEED_TEST_MAC 3)
cookie=0x1,table=1,priority=5,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=output:1,output:2,output:3,LOCAL
cookie=0x1,table=1,priority=1,actions=LOCAL"
echo "$host_flows" | ofctl add-flows br-int - || exit 1
n_host=$(echo "$host_flows" | wc -l)

st_nb_start || exit 1
st_controller_start --pipeline=mirror-only || exit 1
st_seed002_config > /dev/null || exit 1

st_check "host flows untouched" "$n_host" \
    "$(ofctl dump-flows br-int cookie=0x1/-1 | grep -c 'cookie=0x1,')"
st_check "our flows outside tables 20 and 50" 0 \
    "$(ofctl dump-flows br-int cookie=0x746d000000000000/0xffff000000000000 \
        | grep -v 'table=[25]0,' | grep -c 'cookie=')"
st_check "our mirror flow in table 50" 1 \
    "$(ofctl dump-flows br-int table=50 | grep -c 'max_len=96')"

st_check "\"hello\" to ECS-source mirrored once, from $SEED_SOURCE_IP" 1 \
    "$(st_hello_copies 1234 "^vxlan src=$SEED_SOURCE_IP dst=$SEED_TARGET_IP vni=1 ")"
st_check "\"hello\" to another port not mirrored" 0 "$(st_hello_copies 4321)"

st_finish
