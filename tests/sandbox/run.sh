#!/bin/sh
# Runs every sandbox test (tests/sandbox/test-*.sh), shows each one's
# failures and summary, and prints the total.  Each test's full output is
# kept in build/sandbox-NAME.log.
#
# usage: run.sh TMIRROR-CTL   (OVS_SRC must point at the OVS build tree)
set -u
here=$(cd "$(dirname "$0")" && pwd)
logdir=$(cd "$here/../.." && pwd)/build
TMIRROR_CTL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export TMIRROR_CTL

passed=0 failed=0
for t in "$here"/test-*.sh; do
    log=$logdir/sandbox-$(basename "$t" .sh).log
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
    grep -E '^(FAIL|  trace)' "$log"
    echo "$summary"
    passed=$((passed + p)) failed=$((failed + f))
done
echo "sandbox: $passed passed, $failed failed"
[ "$failed" = 0 ]
