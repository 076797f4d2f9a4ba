#!/bin/sh
# The feature probe (lib/tm-features.c, "tmirror-ctl ovs-features"), asked
# of real OVS daemons: the patched ovs-vswitchd of the build has every
# feature of ovs-patches/ and allows the "patched" mode; ovsdb-server, an
# OVS daemon that answers "coverage/read-counter" but has none of the
# patched code, reads as a stock switch would; a socket with nobody behind
# it is an error.
. "$(dirname "$0")/lib.sh"

sb_start || { echo "FAIL: sandbox did not start"; exit 1; }

check() {    # WHAT WANT COMMAND...
    what=$1 want=$2
    shift 2
    got=$("$@" 2>&1 | tr '\n' ' ' | sed 's/ $//')
    if [ "$got" = "$want" ]; then
        echo "ok: $what: $got"
        sb_passed=$((sb_passed + 1))
    else
        echo "FAIL: $what: got \"$got\", want \"$want\""
        sb_failed=$((sb_failed + 1))
    fi
}

vswitchd_ctl=$(ls "$SB_DIR"/ovs-vswitchd.*.ctl)
ovsdb_ctl=$(ls "$SB_DIR"/ovsdb-server.*.ctl)
check "patched ovs-vswitchd" \
    "mode: patched allow_nonlocal_src=yes skip_refused=yes truncate_to_fit=yes count_route_failures=yes" \
    "$TMIRROR_CTL" ovs-features "$vswitchd_ctl"
check "a daemon without the patched code" \
    "mode: stock allow_nonlocal_src=no skip_refused=no truncate_to_fit=no count_route_failures=no" \
    "$TMIRROR_CTL" ovs-features "$ovsdb_ctl"
if "$TMIRROR_CTL" ovs-features "$SB_DIR/nobody.ctl" > "$SB_DIR/out" 2>&1; then
    echo "FAIL: probing nobody succeeded"
    sb_failed=$((sb_failed + 1))
elif grep -q "nobody.ctl: can't ask the switch" "$SB_DIR/out"; then
    echo "ok: nobody there: $(cat "$SB_DIR/out")"
    sb_passed=$((sb_passed + 1))
else
    echo "FAIL: nobody there: $(cat "$SB_DIR/out")"
    sb_failed=$((sb_failed + 1))
fi

sb_finish
