#!/bin/sh
# "make demo" checked automatically: the demo's own checks (VNI 1, outer
# destination 192.168.0.164, inner bytes = the segments ECS-test sent,
# frames cut to 96 bytes, delivery unchanged) are this test's checks, and
# with the patched OVS that the build makes, the outer source must be
# ECS-source's own address, as in seed 002's capture.
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp "${TMPDIR:-/tmp}/tmirror-demo.XXXXXX")
trap 'rm -f "$out"' EXIT

sh "$here/../../utilities/tmirror-demo.sh" > "$out" 2>&1
rc=$?
sed "s/^/| /" "$out"
summary=$(tail -n 1 "$out")
passed=$(echo "$summary" | sed -n 's/^tmirror-demo: \([0-9]*\) passed, [0-9]* failed$/\1/p')
failed=$(echo "$summary" | sed -n 's/^tmirror-demo: [0-9]* passed, \([0-9]*\) failed$/\1/p')
if [ -z "$passed" ] || { [ "$rc" != 0 ] && [ "$failed" = 0 ]; }; then
    echo "FAIL: the demo stopped early (rc $rc)"
    passed=${passed:-0} failed=$((${failed:-0} + 1))
fi
if grep -q '^ok: copies with VNI 1, outer 192.168.0.230 -> 192.168.0.164 (patched): ' "$out"; then
    echo "ok: patched mode, outer source 192.168.0.230"
    passed=$((passed + 1))
else
    echo "FAIL: not every copy had outer source 192.168.0.230 in patched mode"
    failed=$((failed + 1))
fi
# The demo's namespaces carry its pid (tmstPID-NAME); other tests running
# on the machine may have theirs.
prefix=$(grep -o 'tmst[0-9]*-' "$out" | head -n 1)
left=$(ip netns list | awk '{print $1}' | grep "^${prefix:-tmst-none-}")
if [ -z "$prefix" ]; then
    echo "FAIL: the demo did not say which namespaces it made"
    failed=$((failed + 1))
elif [ -n "$left" ]; then
    echo "FAIL: the demo left namespaces behind: $left"
    failed=$((failed + 1))
else
    echo "ok: the demo removed its namespaces (${prefix}*)"
    passed=$((passed + 1))
fi
echo "test-seed002: $passed passed, $failed failed"
[ "$failed" = 0 ]
