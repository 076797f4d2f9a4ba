#!/bin/sh
# The seed 002 scenario ("Mirroring Inbound TCP Traffic to a Single
# Network Interface") without root: configured with tmirror-ctl into a
# northbound database, compiled from what the database holds for a
# simulated hypervisor on OVS's dummy datapath, and shown with
# ofproto/trace for ECS-test's TCP packet to ECS-source port 1234 and for
# packets the filter does not accept.
#
# "make demo" (utilities/tmirror-demo.sh) runs the same scenario with real
# packets and tmirror-controller; this one loads the compiled flows with
# ovs-ofctl and traces packets, so it needs no namespaces.  The outer
# source is the hypervisor's address (the default SB_MODE=stock).
. "$(dirname "$0")/lib.sh"

section() { printf '\n=== %s\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

sb_start || exit 1
TOP=$(cd "$SB_HERE/../.." && pwd)
ctl() { "$TMIRROR_CTL" --timeout=20 "$@"; }

section "The northbound database, configured as in seed 002"
OVS_BINDIR=$OVS_SRC/ovsdb "$TOP/utilities/tmirror-db.sh" start "$SB_DIR/nb" \
    || exit 1
stop_nb() {
    OVS_BINDIR=$OVS_SRC/ovsdb "$TOP/utilities/tmirror-db.sh" stop "$SB_DIR/nb"
    sb_cleanup
}
trap stop_nb EXIT
TMIRROR_NB_DB=unix:$SB_DIR/nb/tmirror_nb.sock
export TMIRROR_NB_DB
run ctl port-add port-ecs-source name=ECS-source mac_address=fa:16:3e:7e:d6:bc fixed_ips=192.168.0.230
run ctl port-add port-ecs-target name=ECS-target mac_address=fa:16:3e:7e:d6:7a fixed_ips=192.168.0.164
run ctl port-add port-ecs-test name=ECS-test mac_address=fa:16:3e:7e:d6:77 fixed_ips=192.168.0.161
run ctl filter-add mirror-filter-A
run ctl rule-add mirror-filter-A ingress 1 accept protocol=tcp source_cidr_block=192.168.0.161/32 destination_cidr_block=192.168.0.230/32 destination_port_range=1234-1234
run ctl session-add mirror-session-A mirror-filter-A eni port-ecs-target 1 virtual_network_id=1 packet_length=96 traffic_mirror_sources=port-ecs-source enabled=true
run ctl show
ctl export > "$SB_DIR/model.json" || exit 1

section "Hypervisor: ECS-source on port 1, ECS-target on 2, ECS-test on 3"
sb_load seed002 "$SB_DIR/model.json" "$GOLDEN/seed002/bindings.json" || exit 1
section "Mirror flows (tables 20 and 50; all of them: tmirror-ctl compile)"
grep -E 'table=(20|50), priority=6' "$SB_DIR/flows.txt"

section "ECS-test 192.168.0.161 -> ECS-source 192.168.0.230:1234, 'hello'"
flow='in_port=3,dl_src=fa:16:3e:7e:d6:77,dl_dst=fa:16:3e:7e:d6:bc,tcp,nw_src=192.168.0.161,nw_dst=192.168.0.230,tp_src=38944,tp_dst=1234'
sb_trace "$flow"
sed -n '/^50\./,/^60\./p' "$SB_DIR/trace"
grep '^Datapath actions' "$SB_DIR/trace"
expect_mirror "$flow" 1 192.168.0.164 96 1

section "The same client to port 22: delivered, not mirrored"
expect_no_mirror "in_port=3,dl_dst=fa:16:3e:7e:d6:bc,tcp,nw_src=192.168.0.161,nw_dst=192.168.0.230,tp_dst=22" 1
section "ECS-source's reply (outbound; the filter has only an inbound rule)"
expect_no_mirror "in_port=1,dl_dst=fa:16:3e:7e:d6:77,tcp,nw_src=192.168.0.230,nw_dst=192.168.0.161,tp_src=1234,tp_dst=38944" 3
sb_finish
