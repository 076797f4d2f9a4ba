#!/bin/sh
# Golden tests for the compiler: each directory holds a model, the
# bindings of one hypervisor, and the flows (flows.txt) and warnings
# (warnings.txt) that "tmirror-ctl compile" must print for them.
#
# usage: run.sh TMIRROR-CTL [--update]
# --update rewrites the expected files from the current output; review the
# diff before committing it.
set -u

ctl=$1
update=${2:-}
dir=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM

passed=0 failed=0
for case in "$dir"/*/; do
    name=$(basename "$case")
    if ! "$ctl" compile --bindings="$case/bindings.json" "$case/model.json" \
            > "$out/flows.txt" 2> "$out/warnings.txt"; then
        echo "FAIL: $name: compile failed:"
        cat "$out/warnings.txt"
        failed=$((failed + 1))
        continue
    fi
    if [ "$update" = --update ]; then
        cp "$out/flows.txt" "$case/flows.txt"
        cp "$out/warnings.txt" "$case/warnings.txt"
    fi
    ok=true
    for f in flows.txt warnings.txt; do
        if ! diff -u "$case/$f" "$out/$f" > "$out/diff"; then
            echo "FAIL: $name: $f differs:"
            cat "$out/diff"
            ok=false
        fi
    done
    if $ok; then
        echo "ok: $name"
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done

echo "golden: $passed passed, $failed failed"
[ "$failed" = 0 ]
