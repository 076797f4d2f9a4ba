#!/bin/sh
# The seed 002 scenario, "Mirroring Inbound TCP Traffic to a Single Network
# Interface", end to end on one host with real packets:
#
#   namespace ECS-source 192.168.0.230 ─┐
#   namespace ECS-target 192.168.0.164 ─┼─ br-int (userspace datapath) in a
#   namespace ECS-test   192.168.0.161 ─┘  "hypervisor" namespace, with
#                                          ovs-vswitchd, tmirror-controller
#
# mirror-filter-A accepts inbound TCP from 192.168.0.161 to 192.168.0.230
# port 1234; mirror-session-A (priority 1, VNI 1, packet length 96) sends
# what ECS-source receives to ECS-target inside VXLAN.  ECS-test sends
# "hello" and "12345" with nc; tcpdump on ECS-target shows the copies.
# Then it checks what arrived, and removes everything it created, also
# when it fails or is interrupted.
#
# usage: tmirror-demo.sh   (as root; "make demo" builds and runs it)
#        OVS_SRC: the patched OVS build tree; TMIRROR_CTL: tmirror-ctl, with
#        tmirror-controller next to it.
ST_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$ST_TOP/tests/system/lib.sh"
ST_VERBOSE=1

step() { printf '\n=== %s\n' "$*"; }

step "A hypervisor: a network namespace with ovs-vswitchd (userspace" \
     "datapath) and br-int $SEED_HV_IP/24; three cloud servers:" \
     "network namespaces on br-int"
st_start || exit 1
st_seed002_hypervisor || exit 1

step "The northbound database and tmirror-controller"
st_nb_start || exit 1
st_controller_start || exit 1
echo "database $TMIRROR_NB_DB"

step "Seed 002 configured with tmirror-ctl"
st_seed002_config || exit 1
st_run tmctl show
st_run ctlappctl mode/show
mode=$(ctlappctl mode/show | sed -n 's/^mode: //p')

step "The mirror flows tmirror-controller installed for ECS-source"
st_run ctlappctl source/show port-ecs-source

step "tcpdump -nne udp port 4789 on ECS-target's eth0;" \
     "nc -l 1234 on ECS-source"
pcap=$ST_DIR/ecs-target.pcap
st_tcpdump "$SEED_TGT" "$pcap" || exit 1

step "ECS-test: nc $SEED_SOURCE_IP 1234, sending \"hello\" and \"12345\""
received=$ST_DIR/ecs-source.out
st_tcp_send "$SEED_TST" $SEED_SOURCE_IP 1234 "$received" hello 12345
echo "ECS-source received: $(tr '\n' ' ' < "$received")"

step "ECS-test: one more connection, with a 1001-byte segment"
large=$(printf 'x%.0s' $(seq 1000))
st_tcp_send "$SEED_TST" $SEED_SOURCE_IP 1234 \
    "$ST_DIR/ecs-source-large.out" "$large"
sleep 0.5
st_tcpdump_stop

step "What ECS-target received (tcpdump -r ecs-target.pcap -nne)"
tcpdump -r "$pcap" -nne 2>/dev/null

step "tmirror-controller's log"
cat "$ST_DIR/tmirror-controller.log"

step "Checks"
lines=$ST_DIR/capture.txt
st_vxlan_lines "$pcap" > "$lines"
if [ "$mode" = patched ]; then
    outer_src=$SEED_SOURCE_IP
else
    outer_src=$SEED_HV_IP
fi
st_check "ECS-source received what ECS-test sent" "hello 12345" \
    "$(tr '\n' ' ' < "$received" | sed 's/ $//')"
n=$(grep -c '^vxlan' "$lines")
if [ "$n" -gt 0 ]; then
    st_pass "$n VXLAN packets captured on ECS-target"
else
    st_fail "no VXLAN packet captured on ECS-target"
fi
st_check "copies with VNI 1, outer $outer_src -> $SEED_TARGET_IP ($mode)" \
    "$n" "$(grep -c "^vxlan src=$outer_src dst=$SEED_TARGET_IP vni=1 " \
            "$lines")"
st_check "copies of ECS-test -> ECS-source:1234 only (inbound)" "$n" \
    "$(grep -c " tcp=$SEED_TEST_IP:[0-9]*>$SEED_SOURCE_IP:1234 " "$lines")"
hello=$(st_hex hello)
digits=$(st_hex 12345)
st_check "the \"hello\" segment, mirrored once, whole" 1 \
    "$(grep -c " payload=$hello\$" "$lines")"
st_check "the \"12345\" segment, mirrored once, whole" 1 \
    "$(grep -c " payload=$digits\$" "$lines")"
st_check "the 1001-byte segment, cut to a 96-byte inner frame" 1 \
    "$(grep -c "inner=96 tcp=.* payload=7878" "$lines")"
st_check "no inner frame longer than 96 bytes" 0 \
    "$(grep '^vxlan' "$lines" | sed 's/.* inner=\([0-9]*\).*/\1/' \
        | awk '$1 > 96' | wc -l)"
st_check "ECS-source received the large segment" 1001 \
    "$(wc -c < "$ST_DIR/ecs-source-large.out")"

step "Cleaning up: namespaces, daemons and files"
st_finish
