#!/bin/sh
# Adds up the summaries of every test layer's log in DIR and prints one
# closing line.  A layer whose log has no summary (it died before printing
# one) counts as one failure, so a crash can't pass for "0 failed".
#
# usage: check-summary.sh DIR
set -u
passed=0 failed=0
for log in "$1"/*.log; do
    [ -f "$log" ] || continue
    layer=$(basename "$log" .log)
    # CUnit: "tests   TOTAL   RAN   PASSED   FAILED   INACTIVE".
    line=$(grep -E '^ +tests +[0-9]+' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        set -- $line
        p=$4 f=$5
    else
        line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
        p=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed, .*/\1/p')
        f=$(echo "$line" | sed -n 's/.* passed, \([0-9]*\) failed.*/\1/p')
    fi
    if [ -z "${p:-}" ] || [ -z "${f:-}" ]; then
        echo "check-summary: $layer printed no summary: counted as failed"
        p=0 f=1
    fi
    echo "  $layer: $p passed, $f failed"
    passed=$((passed + p)) failed=$((failed + f))
done
echo "check: $passed passed, $failed failed"
