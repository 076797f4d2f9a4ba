#!/bin/sh
# The seed 002 scenario ("Mirroring Inbound TCP Traffic to a Single
# Network Interface") through the compiler and a simulated hypervisor on
# OVS's dummy datapath: the model, the flows it compiles to, and what
# ofproto/trace says happens to ECS-test's TCP packet to ECS-source port
# 1234 and to packets the filter does not accept.
#
# This stage has no tmirror-controller yet: the flows are loaded with
# ovs-ofctl, and packets are traced rather than sent.  The outer source is
# the hypervisor's address because stock OVS refuses a non-local one.
. "$(dirname "$0")/lib.sh"

section() { printf '\n=== %s\n' "$*"; }

sb_start || exit 1
section "Model: tests/golden/seed002/model.json"
"$TMIRROR_CTL" validate "$GOLDEN/seed002/model.json"
section "Hypervisor: ECS-source on port 1, ECS-target on 2, ECS-test on 3"
sb_case seed002 || exit 1
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
