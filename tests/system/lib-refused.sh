# Refused writes on a running hypervisor, for the system tests that
# check seed 000's constraints and quotas (test-loops.sh, test-quotas.sh),
# and small helpers for the traffic that those and test-ipv6-rules.sh
# count.  Sourced after lib.sh; rf_refused needs the northbound database,
# the controller and br-int.

# rf_snapshot FILE: the configuration (tmirror-ctl export) into FILE.db
# and br-int's flows (sorted, without statistics) into FILE.flows, once
# the controller has applied everything that the database holds.
rf_snapshot() {
    st_wait_applied > /dev/null || return 1
    tmctl export > "$1.db" &&
    ofctl dump-flows br-int --no-stats | sort > "$1.flows"
}

# rf_refused WHAT ERROR COMMAND...: runs tmirror-ctl COMMAND, a write
# that must be refused, and checks that it exits with status 1, that its
# error contains ERROR (a fixed string), and that neither the database
# nor the datapath's flows changed.
rf_refused() {
    local what=$1 error=$2 snap=$ST_DIR/refused rc
    shift 2
    rf_snapshot "$snap.before" || { st_fail "$what: no snapshot"; return; }
    tmctl "$@" > "$snap.out" 2> "$snap.err"
    rc=$?
    st_check "$what: exit status" 1 "$rc"
    if grep -q -F -e "$error" "$snap.err"; then
        st_pass "$what: error: $(cat "$snap.err")"
    else
        st_fail "$what: error without \"$error\": $(cat "$snap.err" \
            "$snap.out")"
    fi
    rf_snapshot "$snap.after" || { st_fail "$what: no snapshot"; return; }
    if cmp -s "$snap.before.db" "$snap.after.db" &&
       cmp -s "$snap.before.flows" "$snap.after.flows"; then
        st_pass "$what: database and flows unchanged" \
            "($(wc -l < "$snap.after.flows") flows)"
    else
        st_fail "$what: database or flows changed:"
        diff "$snap.before.db" "$snap.after.db" | sed 's/^/  /'
        diff "$snap.before.flows" "$snap.after.flows" | sed 's/^/  /'
    fi
}

# rf_hex TEXT: TEXT as hex, as capture.py prints payloads.
rf_hex() {
    printf '%s' "$1" | od -An -tx1 | tr -d ' \n'
}

# rf_sink NS: a UDP socket on port 4789 in NS, as a collector has: without
# one, NS's kernel answers every mirror copy with an ICMP port unreachable
# to the copy's outer source, which with the patched OVS is the source VM,
# and a filter that accepts inbound ICMP mirrors those answers too.
rf_sink() {
    st_exec_bg "$1" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 4789))
while True:
    s.recv(65535)' > /dev/null 2>&1
    for _ in $(seq 50); do
        st_exec "$1" ss -Hlun 'sport = :4789' | grep -q . && return 0
        sleep 0.1
    done
    echo "no UDP socket on port 4789 in $1" >&2
    return 1
}
