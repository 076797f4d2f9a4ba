#!/bin/sh
# Port churn on the seed 002 hypervisor: a mirror source's port
# disappearing, coming back on another OpenFlow port, being renumbered,
# and a new VM port appearing.  Each change reaches the flows within a
# second, and mirroring works on the new port.
. "$(dirname "$0")/lib.sh"

st_seed002 || exit 1

# mirror_flows OFPORT: the inbound mirror flows for a source at OFPORT.
mirror_flows() {
    ofctl dump-flows br-int "table=50,reg15=$1" | grep -c 'max_len='
}
# classify_flows OFPORT: table 0's flows for VM port OFPORT.
classify_flows() {
    ofctl dump-flows br-int "table=0,in_port=$1" | grep -c 'resubmit(,10)'
}
local_sources() {
    tmctl hv-list | sed -n 's/.*sources=\([^ ]*\).*/\1/p'
}

st_check "mirror flows for ECS-source at port 1" 1 "$(mirror_flows 1)"

# The source's port goes away.
vsctl del-port br-int tap-ecs-source || exit 1
st_within_1s "port removed: its mirror flows" 0 mirror_flows 1
st_within_1s "port removed: its classification flow" 0 classify_flows 1
if ctlappctl source/show port-ecs-source > /dev/null 2>&1; then
    st_fail "source/show still shows a source that is gone"
else
    st_pass "source/show: port-ecs-source is not bound here any more"
fi
st_within_1s "port removed: the hypervisor's sources" "" local_sources

# It comes back on OpenFlow port 7.
vsctl add-port br-int tap-ecs-source -- set interface tap-ecs-source \
    ofport_request=7 external_ids:iface-id=port-ecs-source || exit 1
st_within_1s "port back on 7: mirror flows" 1 mirror_flows 7
st_within_1s "port back on 7: classification flow" 1 classify_flows 7
st_within_1s "port back: the hypervisor's sources" port-ecs-source \
    local_sources

# It is renumbered in place.
vsctl set interface tap-ecs-source ofport_request=9 || exit 1
st_within_1s "port renumbered to 9: mirror flows" 1 mirror_flows 9
st_within_1s "port renumbered: none left for 7" 0 mirror_flows 7

# Its iface-id changes: it is another port now, and mirrors nothing.
vsctl set interface tap-ecs-source external_ids:iface-id=port-other || exit 1
st_within_1s "iface-id changed: mirror flows" 0 mirror_flows 9
vsctl set interface tap-ecs-source external_ids:iface-id=port-ecs-source \
    || exit 1
st_within_1s "iface-id back: mirror flows" 1 mirror_flows 9

# Mirroring works on the new port.
st_check "\"hello\" to ECS-source on port 9 mirrored" 1 \
    "$(st_hello_copies 1234)"

# A new VM appears: its MAC gets an L2 flow, and it can reach ECS-source.
tmctl port-add port-ecs-new name=ECS-new mac_address=fa:16:3e:00:00:99 \
    fixed_ips=192.168.0.99 || exit 1
st_vm NEW ecs-new fa:16:3e:00:00:99 192.168.0.99 port-ecs-new || exit 1
l2_flow() {
    ofctl dump-flows br-int "table=30,dl_dst=fa:16:3e:00:00:99" \
        | grep -c 'load:'
}
st_within_1s "new port: its L2 flow" 1 l2_flow
if st_exec "$NEW" ping -c 1 -W 2 $SEED_SOURCE_IP > /dev/null; then
    st_pass "the new VM reaches ECS-source"
else
    st_fail "the new VM does not reach ECS-source"
fi

st_finish
