#!/bin/sh
# Schema upgrade: a database created with an older schema (the fixtures
# tests/nb/schemas/tmirror-0.9.0.ovsschema, which lacks columns that 1.0.0
# added, and tmirror-1.0.0.ovsschema, the first release's, which lacks
# 1.1.0's traffic counters) is converted in place to the current schema,
# keeping every row, both when the server starts (tmirror-db.sh start) and
# while it runs (tmirror-db.sh upgrade).
. "$(dirname "$0")/lib.sh"

nb_init
old=$NB_HERE/schemas/tmirror-0.9.0.ovsschema
new=$TOP/lib/tmirror.ovsschema
new_version=$("$OVSDB_TOOL" schema-version "$new")

# Rows in the old schema, written with the OVSDB protocol directly, as an
# older tmirror would have written them.
old_rows='["TMirror_Northbound",
  {"op": "insert", "table": "TM_Global", "row": {"nb_cfg": 7}},
  {"op": "insert", "table": "Port", "uuid-name": "src",
   "row": {"port_id": "port-src", "name": "ECS-source",
           "mac": "fa:16:3e:7e:d6:bc", "ips": "192.168.0.230"}},
  {"op": "insert", "table": "Port", "uuid-name": "tgt",
   "row": {"port_id": "port-tgt", "ips": "192.168.0.164"}},
  {"op": "insert", "table": "Filter_Rule", "uuid-name": "rule",
   "row": {"priority": 1, "protocol": "tcp", "ethertype": "IPv4",
           "action": "accept", "destination_port_range": "1234-1234",
           "cookie_key": 1}},
  {"op": "insert", "table": "Filter", "uuid-name": "filter",
   "row": {"name": "mirror-filter-A",
           "ingress_rules": ["named-uuid", "rule"]}},
  {"op": "insert", "table": "Session",
   "row": {"name": "mirror-session-A", "filter": ["named-uuid", "filter"],
           "sources": ["named-uuid", "src"], "target_type": "eni",
           "target_port": ["named-uuid", "tgt"], "virtual_network_id": 1,
           "packet_length": 96, "priority": 1, "enabled": true,
           "type": "eni", "cookie_key": 1}}]'

# Checks that the database in $1 holds the old rows under the current
# schema.
check_converted() {
    TMIRROR_NB_DB=unix:$1/tmirror_nb.sock
    export TMIRROR_NB_DB
    version=$("$OVSDB_CLIENT" --timeout=10 get-schema-version \
              "$TMIRROR_NB_DB" TMirror_Northbound)
    expect_eq "$2: schema version" "$version" "$new_version"
    expect_ok ctl export
    echo "$OUT" > "$NB_DIR/export.json"
    summary=$(python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
f = m["traffic_mirror_filters"][0]
r = f["ingress_rules"][0]
s = m["traffic_mirror_sessions"][0]
print(len(m["ports"]), f["name"], r["destination_port_range"],
      r["description"] == "", s["name"], s["traffic_mirror_sources"],
      s["traffic_mirror_target_id"], s["enabled"])' "$NB_DIR/export.json")
    expect_eq "$2: rows kept" "$summary" \
        "2 mirror-filter-A 1234-1234 True mirror-session-A ['port-src'] port-tgt True"
    # The new columns work.
    expect_ok ctl session-set mirror-session-A description=upgraded
    expect_ok ctl --format=json session-show mirror-session-A
    expect_eq "$2: new column written" \
        "$(echo "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["description"])')" \
        upgraded
    # nb_cfg went on from the old value (7), plus the write above.
    expect_eq "$2: nb_cfg kept" \
        "$(ctl --format=json show | python3 -c 'import json,sys; print(json.load(sys.stdin)["nb_cfg"])')" 8
}

# 1. Offline database, converted when tmirror-db.sh starts it: from 0.9.0
# and from 1.0.0, the version the first release shipped.
NB_SERVERS="$NB_SERVERS $NB_DIR/a"
for from in 1.0.0 0.9.0; do
    rm -rf "$NB_DIR/a"
    mkdir -p "$NB_DIR/a"
    "$OVSDB_TOOL" create "$NB_DIR/a/tmirror_nb.db" \
        "$NB_HERE/schemas/tmirror-$from.ovsschema"
    "$OVSDB_TOOL" transact "$NB_DIR/a/tmirror_nb.db" "$old_rows" > /dev/null
    expect_ok "$TMIRROR_DB" start "$NB_DIR/a"
    case $OUT in
    *"converting TMirror_Northbound from $from to $new_version"*)
        nb_pass "start said it converted from $from" ;;
    *)
        nb_fail "start did not say it converted from $from: $OUT" ;;
    esac
    check_converted "$NB_DIR/a" "at start, from $from"
    # The counters 1.1.0 added are empty, and writable.
    expect_ok "$OVSDB_CLIENT" --timeout=10 transact "$TMIRROR_NB_DB" \
        '["TMirror_Northbound", {"op": "insert", "table": "Hypervisor",
          "row": {"name": "hv-upgraded", "nb_cfg": 0,
                  "stats_packets": ["map", [["s", 3]]],
                  "stats_time": 1}}]'
    if [ "$from" != 0.9.0 ]; then
        expect_ok "$TMIRROR_DB" stop "$NB_DIR/a"
    fi
done

# Starting again does not convert again.
expect_ok "$TMIRROR_DB" stop "$NB_DIR/a"
expect_ok "$TMIRROR_DB" start "$NB_DIR/a"
expect_eq "second start is quiet" "$OUT" ""

# 2. A running standalone server: stopped, converted offline with a
# backup, started again with the same remotes.
mkdir -p "$NB_DIR/b"
"$OVSDB_TOOL" create "$NB_DIR/b/tmirror_nb.db" "$old"
"$OVSDB_TOOL" transact "$NB_DIR/b/tmirror_nb.db" "$old_rows" > /dev/null
printf '' > "$NB_DIR/b/tmirror_nb.remotes"
"$OVS_SRC/ovsdb/ovsdb-server" --detach --no-chdir -vconsole:off \
    --pidfile="$NB_DIR/b/tmirror_nb.pid" --log-file="$NB_DIR/b/log" \
    --unixctl="$NB_DIR/b/ctl" \
    --remote="punix:$NB_DIR/b/tmirror_nb.sock" "$NB_DIR/b/tmirror_nb.db"
NB_SERVERS="$NB_SERVERS $NB_DIR/b"
old_pid=$(cat "$NB_DIR/b/tmirror_nb.pid")
# Online conversion of a standalone server is refused, with the reason.
expect_fail_msg() {
    if "$@" > "$NB_DIR/out" 2>&1; then
        nb_fail "$* succeeded"
    elif grep -q "standalone database" "$NB_DIR/out"; then
        nb_pass "refused: $*"
    else
        nb_fail "$*: $(cat "$NB_DIR/out")"
    fi
}
expect_fail_msg "$TMIRROR_DB" upgrade "unix:$NB_DIR/b/tmirror_nb.sock"
expect_ok "$TMIRROR_DB" upgrade "$NB_DIR/b"
expect_ok test -f "$NB_DIR/b/tmirror_nb.db.backup-0.9.0"
expect_ok test "$(cat "$NB_DIR/b/tmirror_nb.pid")" != "$old_pid"
check_converted "$NB_DIR/b" "running standalone"

# 3. A cluster (one member is enough to take the clustered path), converted
# online through ovsdb-client convert.
set -- $(nb_free_ports 1)
"$OVSDB_TOOL" create-cluster "$NB_DIR/c.db" "$old" "tcp:127.0.0.1:$1"
expect_ok "$TMIRROR_DB" start-cluster "$NB_DIR/c" "tcp:127.0.0.1:$1"
NB_SERVERS="$NB_SERVERS $NB_DIR/c"
# start-cluster found no database file in c/ and created one with the
# installed schema; replace it with the old one for this test.
expect_ok "$TMIRROR_DB" stop "$NB_DIR/c"
mv "$NB_DIR/c.db" "$NB_DIR/c/tmirror_nb.db"
expect_ok "$TMIRROR_DB" start-cluster "$NB_DIR/c" "tcp:127.0.0.1:$1"
TMIRROR_NB_DB=unix:$NB_DIR/c/tmirror_nb.sock
export TMIRROR_NB_DB
for _ in $(seq 1 50); do
    "$OVSDB_CLIENT" --timeout=1 transact "$TMIRROR_NB_DB" "$old_rows" \
        > "$NB_DIR/c.out" 2>&1 && break
    sleep 0.1
done
expect_ok grep -q '"uuid"' "$NB_DIR/c.out"
expect_ok "$TMIRROR_DB" upgrade "$NB_DIR/c"
check_converted "$NB_DIR/c" "cluster online"

nb_finish
