#!/bin/sh
# Checks the lab end to end, from the host, once "vagrant up" is done:
# ECS-test (a VM on hv2) sends three lines to ECS-source (a VM on hv1) on
# TCP port 1234; ECS-source's service must receive them, and the
# collector's pcap must hold their mirrored copies (provision.sh's send,
# received and verify steps).  The lines carry a token of this run, so
# that earlier runs' copies don't count.
#
# usage: lab-check.sh
#
# Each step runs on its machine through "vagrant provision MACHINE
# --provision-with STEP" (Vagrantfile defines those provisioners), or,
# when TM_LAB_ON is set, through "$TM_LAB_ON MACHINE STEP" ("make check"
# runs the steps in network namespaces that way).  Prints each step's
# "ok:"/"FAIL:" lines; exits 1 if any step failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)

# Letters and digits, short enough to stay in a 96-byte copy.
TM_LAB_TOKEN=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
export TM_LAB_TOKEN

on() {
    if [ -n "${TM_LAB_ON:-}" ]; then
        $TM_LAB_ON "$1" "$2"
    else
        (cd "$here" && vagrant provision "$1" --provision-with "$2")
    fi
}

rc=0
on hv2 send || rc=1
on hv1 received || rc=1
on collector verify || rc=1
if [ $rc = 0 ]; then
    echo "lab-check: the copies of ECS-test's traffic (token $TM_LAB_TOKEN)" \
        "reached the collector"
else
    echo "lab-check: FAILED (token $TM_LAB_TOKEN)"
fi
exit $rc
