#!/bin/sh
# Runs every test script DIR/test-*.sh of one test layer, shows each
# one's failures and summary, and prints the layer's total as its last
# line ("LAYER: N passed, N failed").  Each script's full output is kept
# in build/LAYER-NAME.log.  Each script prints "ok:"/"FAIL:" lines and
# ends with its own "NAME: N passed, N failed"; one that dies before its
# summary counts as a failure.
#
# usage: run-tests.sh LAYER DIR TMIRROR-CTL
#        (OVS_SRC must point at the OVS build tree)
set -u
layer=$1
dir=$(cd "$2" && pwd)
logdir=$(cd "$(dirname "$0")/.." && pwd)/build
TMIRROR_CTL=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
export TMIRROR_CTL

passed=0 failed=0
for t in "$dir"/test-*.sh; do
    log=$logdir/$layer-$(basename "$t" .sh).log
    sh "$t" > "$log" 2>&1
    rc=$?
    summary=$(tail -n 1 "$log")
    p=$(echo "$summary" | sed -n 's/.*: \([0-9]*\) passed, [0-9]* failed$/\1/p')
    f=$(echo "$summary" | sed -n 's/.*: [0-9]* passed, \([0-9]*\) failed$/\1/p')
    if [ -z "$p" ]; then
        echo "FAIL: $(basename "$t") stopped early (rc $rc), see $log:"
        tail -n 5 "$log"
        p=0 f=1
    elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        echo "FAIL: $(basename "$t") exited $rc with no failed check"
        f=1
    fi
    grep -E '^(FAIL|  )' "$log"
    echo "$summary"
    passed=$((passed + p)) failed=$((failed + f))
done
echo "$layer: $passed passed, $failed failed"
[ "$failed" = 0 ]
