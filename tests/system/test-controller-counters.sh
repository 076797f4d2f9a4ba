#!/bin/sh
# Traffic counters per session and per rule ("tmirror-controller stats"),
# compared with the packets actually sent: read from the switch's flow
# statistics by cookie, so they survive a controller restart, and stay
# right after a change that leaves the rule's flows alone.
. "$(dirname "$0")/lib.sh"

st_seed002 || exit 1
tmctl --wait=hv rule-add mirror-filter-A ingress 2 reject protocol=udp \
    > /dev/null || exit 1
accept=$(tmctl rule-list mirror-filter-A | awk '/ accept / {print $1}')
reject=$(tmctl rule-list mirror-filter-A | awk '/ reject / {print $1}')

# rule_packets RULE: the packets counted for RULE in "stats".
rule_packets() {
    ctlappctl stats mirror-session-A \
        | sed -n "s/^  rule $1 (.*): \([0-9]*\) packets.*/\1/p"
}
session_packets() {
    ctlappctl stats mirror-session-A \
        | sed -n 's/^session .*: mirrored \([0-9]*\) packets.*/\1/p'
}
# wait_counts ACCEPT REJECT: waits (up to 10 s: the switch folds datapath
# statistics into its flows about once a second, and the controller reads
# them every 2 s) until the counters reach the numbers, and prints them.
wait_counts() {
    for _ in $(seq 50); do
        [ "$(rule_packets "$accept") $(rule_packets "$reject")" = "$1 $2" ] \
            && break
        sleep 0.2
    done
    echo "$(rule_packets "$accept") $(rule_packets "$reject") $(session_packets)"
}

send() { # PROTO COUNT
    st_frame "$SEED_TST" $SEED_SOURCE_MAC $SEED_TEST_IP $SEED_SOURCE_IP "$1" \
        --dport 1234 --count "$2"
}

send tcp 3 && send udp 2 || exit 1
st_check "accept rule, reject rule, session: packets" "3 2 3" \
    "$(wait_counts 3 2)"
if ctlappctl stats mirror-session-A | grep -q "rule $accept .* bytes mirrored"; then
    st_pass "stats names each rule and what it does"
else
    st_fail "stats output: $(ctlappctl stats mirror-session-A)"
fi

# The counters come from the switch: a new controller reads the same.
st_controller_stop
st_controller_start || exit 1
st_wait_applied || st_fail "configuration not applied after the restart"
st_check "after a controller restart" "3 2 3" "$(wait_counts 3 2)"

# A change that leaves the flows alone keeps them; more traffic adds up.
tmctl --wait=hv rule-set "$reject" description=counted > /dev/null
send tcp 2 || exit 1
st_check "after a description change and 2 more" "5 2 5" \
    "$(wait_counts 5 2)"

# A change to what a rule matches replaces its flows, and the switch's
# counts go with them: the rule's count starts again from the change (the
# reject rule's flows, untouched, keep theirs).
tmctl --wait=hv rule-set "$accept" destination_port_range=1234-1235 \
    > /dev/null || exit 1
send tcp 4 || exit 1
st_check "after a change of the accept rule's ports and 4 more" "4 2 4" \
    "$(wait_counts 4 2)"

# A session that does not exist is a precise error.
if ctlappctl stats no-such-session > /dev/null 2>&1; then
    st_fail "stats accepted an unknown session"
else
    st_pass "stats refuses an unknown session"
fi

st_finish
