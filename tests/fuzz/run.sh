#!/bin/sh
# Runs each libFuzzer target for a bounded time, starting from its seed
# corpus in tests/fuzz/corpus/NAME (copied, so that the checked-in corpus
# only changes on purpose).  A crash, leak or sanitizer report fails the
# run and leaves the reproducer in build/fuzz/.
#
# usage: run.sh SECONDS FUZZER...
set -u
seconds=$1
shift
here=$(cd "$(dirname "$0")" && pwd)

passed=0 failed=0
for fuzzer in "$@"; do
    name=$(basename "$fuzzer")
    work=$(mktemp -d)
    cp -r "$here/corpus/$name/." "$work/" 2>/dev/null
    if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$(dirname "$fuzzer")/" \
            "$work" > "$fuzzer.log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$fuzzer.log")
        echo "ok: $name: $runs inputs in ${seconds}s, no findings"
        passed=$((passed + 1))
    else
        echo "FAIL: $name (log: $fuzzer.log):"
        tail -n 30 "$fuzzer.log"
        failed=$((failed + 1))
    fi
    rm -rf "$work"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
