#!/bin/sh
# Runs every system test (tests/system/test-*.sh), shows each one's
# failures and summary, and prints the total.  Each test's full output is
# kept in build/system-NAME.log.  Needs root.
#
# usage: run.sh   (OVS_SRC must point at the patched OVS build tree)
set -u
: "${OVS_SRC:?OVS_SRC must point at the patched OVS build tree}"
here=$(cd "$(dirname "$0")" && pwd)
logdir=$(cd "$here/../.." && pwd)/build
mkdir -p "$logdir"

# Namespaces and veths need root.  Without it, say so and run nothing,
# rather than fail: the sandbox layer covers what needs no root.
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: system tests need root (network namespaces, veth)"
    echo "system: 0 passed, 0 failed"
    exit 0
fi

passed=0 failed=0
for t in "$here"/test-*.sh; do
    log=$logdir/system-$(basename "$t" .sh).log
    sh "$t" > "$log" 2>&1
    rc=$?
    summary=$(tail -n 1 "$log")
    p=$(echo "$summary" | sed -n 's/.*: \([0-9]*\) passed, [0-9]* failed$/\1/p')
    f=$(echo "$summary" | sed -n 's/.*: [0-9]* passed, \([0-9]*\) failed$/\1/p')
    if [ -z "$p" ]; then
        # The test died before its summary: count it as one failure.
        echo "FAIL: $(basename "$t") stopped early (rc $rc), see $log:"
        tail -n 5 "$log"
        p=0 f=1
    elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        echo "FAIL: $(basename "$t") exited $rc with no failed check"
        f=1
    fi
    grep -E '^FAIL' "$log"
    echo "$summary"
    passed=$((passed + p)) failed=$((failed + f))
done
echo "system: $passed passed, $failed failed"
[ "$failed" = 0 ]
