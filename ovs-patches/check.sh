#!/bin/sh
# Runs the OVS testsuite cases that the patches in this directory add (the
# keyword "tmirror") against a patched OVS build tree, and prints one line
# "ovs-testsuite: N passed, N failed".
#
#   - tests/testsuite (dummy datapath, no root): 0001, 0003, 0004, 0005;
#   - tests/system-userspace-testsuite (veth + namespaces, root): 0002.
#     Without root that part is skipped, and says so.
#
# Each testsuite's full output is kept in build/ovs-testsuite*.log.
#
# usage: check.sh OVS-BUILD-TREE
set -u
ovs=$(cd "$1" && pwd)
logdir=$(cd "$(dirname "$0")/.." && pwd)/build
mkdir -p "$logdir"

passed=0 failed=0

# run TARGET LOG: runs "make TARGET" in the OVS tree with the selection and
# adds up its per-test verdicts ("NNN: title  ok" / "FAILED (...)").
run() {
    make -C "$ovs" "$1" TESTSUITEFLAGS='-k tmirror' > "$2" 2>&1
    rc=$?
    grep -E '^ *[0-9]+: .*(ok|FAILED.*|skipped.*)$' "$2"
    p=$(grep -cE '^ *[0-9]+: .* ok$' "$2")
    f=$(grep -cE '^ *[0-9]+: .* FAILED' "$2")
    if [ "$p" = 0 ] && [ "$f" = 0 ]; then
        # The testsuite did not run (build or generation error).
        echo "FAIL: make $1 ran no test (rc $rc), see $2:"
        tail -n 5 "$2"
        f=1
    elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        echo "FAIL: make $1 exited $rc with no failed test, see $2"
        f=1
    fi
    passed=$((passed + p)) failed=$((failed + f))
}

run check "$logdir/ovs-testsuite.log"
if [ "$(id -u)" = 0 ]; then
    run check-system-userspace "$logdir/ovs-testsuite-system-userspace.log"
else
    echo "SKIP: check-system-userspace needs root (network namespaces)"
fi
echo "ovs-testsuite: $passed passed, $failed failed"
[ "$failed" = 0 ]
