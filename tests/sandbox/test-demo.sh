#!/bin/sh
# "make demo" as a test, so that it can't rot unnoticed: the demo's own
# checks (mirrored to VNI 1 at 192.168.0.164, truncated to 96; the other
# packets not mirrored) are this test's checks.
exec sh "$(dirname "$0")/demo-seed002.sh"
