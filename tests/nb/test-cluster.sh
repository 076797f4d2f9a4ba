#!/bin/sh
# A 3-member Raft cluster on 127.0.0.1: tmirror-ctl writes through the
# comma-separated remote list, the leader is killed (SIGKILL, as a crash),
# more writes go to the new leader, the killed member comes back, and every
# member ends up with every committed write, once.
. "$(dirname "$0")/lib.sh"

nb_init
set -- $(nb_free_ports 6)
raft1=tcp:127.0.0.1:$1 raft2=tcp:127.0.0.1:$2 raft3=tcp:127.0.0.1:$3
client1=tcp:127.0.0.1:$4 client2=tcp:127.0.0.1:$5 client3=tcp:127.0.0.1:$6
cluster=$client1,$client2,$client3

start_member() {    # N RAFT-ADDR CLIENT-PORT [JOIN-ADDR]
    "$TMIRROR_DB" start-cluster "$NB_DIR/m$1" "$2" ${4:-} \
        --remote="ptcp:$3:127.0.0.1"
}
expect_ok start_member 1 "$raft1" "${client1##*:}"
expect_ok start_member 2 "$raft2" "${client2##*:}" "$raft1"
expect_ok start_member 3 "$raft3" "${client3##*:}" "$raft1"
NB_SERVERS="$NB_DIR/m1 $NB_DIR/m2 $NB_DIR/m3"

role() {    # N: leader, follower, ...
    "$OVS_SRC/utilities/ovs-appctl" -t "$NB_DIR/m$1/tmirror_nb.ctl" \
        cluster/status TMirror_Northbound 2>/dev/null \
        | sed -n 's/^Role: //p'
}

# Waits until one member is the leader and prints its number.
leader() {
    for _ in $(seq 1 100); do
        for n in 1 2 3; do
            if [ "$(role $n)" = leader ]; then
                echo "$n"
                return 0
            fi
        done
        sleep 0.1
    done
    return 1
}
first=$(leader)
expect_ok test -n "$first"

TMIRROR_NB_DB=$cluster
export TMIRROR_NB_DB

# Writes before the failure.
expect_ok ctl port-add port-src fixed_ips=192.168.0.230 mac_address=fa:16:3e:7e:d6:bc
expect_ok ctl port-add port-tgt fixed_ips=192.168.0.164
expect_ok ctl filter-add filter-a
expect_ok ctl rule-add filter-a ingress 1 accept protocol=tcp destination_port_range=1234
expect_ok ctl session-add session-a filter-a eni port-tgt 1 traffic_mirror_sources=port-src enabled=true

# The leader crashes.
kill -9 "$(cat "$NB_DIR/m$first/tmirror_nb.pid")"
nb_pass "killed leader m$first"

# Writes after it: the IDL finds the new leader among the other remotes.
expect_ok ctl port-add port-b fixed_ips=192.168.0.5
expect_ok ctl rule-add filter-a egress 2 reject protocol=udp
expect_ok ctl session-add-sources session-a port-b
expect_ok ctl session-set session-a virtual_network_id=42
second=$(leader)
if [ -n "$second" ] && [ "$second" != "$first" ]; then
    nb_pass "new leader m$second"
else
    nb_fail "no new leader (was m$first, now \"$second\")"
fi

# The killed member comes back (its database file is there: it restarts
# and catches up).
rm -f "$NB_DIR/m$first/tmirror_nb.pid"
eval "raft=\$raft$first client=\$client$first"
expect_ok start_member "$first" "$raft" "${client##*:}"

# What a member has, read from it alone (not through the leader).
member_export() {
    eval "remote=\$client$1"
    "$TMIRROR_CTL" --timeout=10 --db="$remote" export \
        | python3 -c 'import json, sys
m = json.load(sys.stdin)
for key in ("created_at", "updated_at"):
    pass
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items()
                if k not in ("created_at", "updated_at")}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
print(json.dumps(strip(m), sort_keys=True))'
}

# Every member converges to the same contents.
converged=false
for _ in $(seq 1 100); do
    a=$(member_export 1) b=$(member_export 2) c=$(member_export 3)
    if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ]; then
        converged=true
        break
    fi
    sleep 0.1
done
if $converged; then
    nb_pass "all three members hold the same configuration"
else
    nb_fail "members differ"
fi

# ... which is exactly what was committed, nothing lost, nothing twice.
counts=$(echo "$a" | python3 -c 'import json, sys
m = json.load(sys.stdin)
f = m["traffic_mirror_filters"]
s = m["traffic_mirror_sessions"]
print(len(m["ports"]), len(f),
      sum(len(x["ingress_rules"]) + len(x["egress_rules"]) for x in f),
      len(s), sorted(s[0]["traffic_mirror_sources"]) if s else None,
      s[0]["virtual_network_id"] if s else None)')
expect_eq "committed writes on every member" "$counts" \
    "3 1 2 1 ['port-b', 'port-src'] 42"

# And the cluster keeps working with all three members.
expect_ok ctl session-disable session-a
expect_ok ctl --format=json session-show session-a
expect_eq "write after recovery" \
    "$(echo "$OUT" | python3 -c 'import json, sys; print(json.load(sys.stdin)["enabled"])')" \
    False

nb_finish
