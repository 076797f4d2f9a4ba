#!/bin/sh
# The fallback for a stock Open vSwitch: with --stock the controller
# ignores the patched features (as it must when they are missing), says
# so in the database, takes the non-local-source options off the tunnel
# port, and the copies leave with the hypervisor's own address as outer
# source.  Back in patched mode, the VM's address again.
. "$(dirname "$0")/lib.sh"

st_seed002 || exit 1

hv_mode() {
    tmctl hv-list | sed -n 's/.*mode=\([a-z]*\).*/\1/p'
}
tunnel_options() {
    vsctl get interface tm-vxlan options
}
# copies_from SRC: sends "hello" and counts its copies with outer SRC.
copies_from() {
    st_hello_copies 1234 "^vxlan src=$1 dst=$SEED_TARGET_IP vni=1 "
}

st_check "patched: mode in the database" patched "$(hv_mode)"
st_check "patched: tunnel options" \
    '{allow_nonlocal_src="true", key=flow, local_ip=flow, remote_ip=flow, truncate_to_fit="true"}' \
    "$(tunnel_options)"
st_check "patched: copies from ECS-source's address" 1 \
    "$(copies_from $SEED_SOURCE_IP)"

st_controller_stop
st_controller_start --stock || exit 1
st_wait_applied || st_fail "configuration not applied in stock mode"
st_within_1s "stock: mode in the database" stock hv_mode
st_check "stock: tunnel options" '{key=flow, remote_ip=flow}' \
    "$(tunnel_options)"
st_check "stock: no tun_src in the mirror flow" 0 \
    "$(ofctl dump-flows br-int table=50 | grep -c 'TUN_IPV4_SRC')"
st_check "stock: copies from the hypervisor's address" 1 \
    "$(copies_from $SEED_HV_IP)"
if grep -q 'mode stock.*hypervisor.s address' "$ST_DIR/tmirror-controller.log"; then
    st_pass "stock: the log says which outer source the copies have"
else
    st_fail "stock: the log does not say the mode"
fi

st_controller_stop
st_controller_start || exit 1
st_within_1s "patched again: mode in the database" patched hv_mode
st_wait_applied || st_fail "configuration not applied in patched mode"
st_check "patched again: copies from ECS-source's address" 1 \
    "$(copies_from $SEED_SOURCE_IP)"

st_finish
