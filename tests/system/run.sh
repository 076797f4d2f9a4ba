#!/bin/sh
# Runs the system tests (tests/system/test-*.sh): real traffic through the
# patched userspace datapath, in network namespaces of the tests' own.
# They need root; without it this says so and runs nothing, rather than
# fail, since the sandbox layer covers what needs no root.
#
# usage: run.sh TMIRROR-CTL   (OVS_SRC must point at the patched OVS tree)
set -u
: "${OVS_SRC:?OVS_SRC must point at the patched OVS build tree}"
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: system tests need root (network namespaces, veth)"
    echo "system: 0 passed, 0 failed"
    exit 0
fi
exec "$here/../run-tests.sh" system "$here" "$1"
