#!/bin/sh
# The API's operator extension (docs/api.rst, "Operator extension"):
# /v3/PROJECT/tmirror/statistics, .../traffic-mirror-sessions/ID/statistics
# and .../health.  Two hypervisors' published counters (written here into
# their Hypervisor rows, as two controllers would) are added up per
# session and per rule, with each hypervisor's share; another project
# sees none of it; methods and paths outside the extension are refused;
# health counts the hypervisors that applied the configuration.
#
# Environment: as test-http.sh, plus TMIRROR_NB_DB and OVS_SRC.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib-http.sh"
VPC=$EP/v3/$PROJECT/vpc
OPS=$EP/v3/$PROJECT/tmirror
nbclient() {
    "$OVS_SRC/ovsdb/ovsdb-client" --timeout=10 "$@"
}
# json EXPR [A]: evaluates the Python expression EXPR on the last body
# (b), with A as a.
json() {
    python3 -c 'import json, sys
b = json.load(open(sys.argv[1]))
a = sys.argv[3]
print(eval(sys.argv[2]))' "$tmp/out" "$1" "${2:-}"
}
# expect WHAT EXPECTED GOT
expect() {
    if [ "$2" = "$3" ]; then ok "$1: $3"; else fail "$1: expected $2, got $3"; fi
}

# A filter with an accept and a reject rule, and a session, made with the
# API itself.
echo '{"traffic_mirror_filter": {"name": "operator-test"}}' > "$tmp/f.json"
check "create filter" 201 "$(call POST "$VPC/traffic-mirror-filters" \
    "$tmp/f.json")"
filter=$(json 'b["traffic_mirror_filter"]["id"]')
rule() { # DIRECTION PRIORITY ACTION
    printf '{"traffic_mirror_filter_rule": {"traffic_mirror_filter_id": "%s",
      "direction": "%s", "priority": %s, "protocol": "udp",
      "ethertype": "IPv4", "action": "%s"}}' "$filter" "$1" "$2" "$3" \
        > "$tmp/r.json"
    check "create $3 rule" 201 "$(call POST \
        "$VPC/traffic-mirror-filter-rules" "$tmp/r.json")"
    json 'b["traffic_mirror_filter_rule"]["id"]' > "$tmp/rule-$3"
}
rule egress 1 reject
rule egress 2 accept
accept=$(cat "$tmp/rule-accept") reject=$(cat "$tmp/rule-reject")
printf '{"traffic_mirror_session": {"name": "operator-session",
  "traffic_mirror_filter_id": "%s",
  "traffic_mirror_sources": ["port-ecs-test"],
  "traffic_mirror_target_id": "port-ecs-target",
  "traffic_mirror_target_type": "eni", "priority": 7,
  "virtual_network_id": 7, "packet_length": 96, "enabled": true}}' \
    "$filter" > "$tmp/s.json"
check "create session" 201 "$(call POST "$VPC/traffic-mirror-sessions" \
    "$tmp/s.json")"
session=$(json 'b["traffic_mirror_session"]["id"]')

# Nothing published yet: zeros, and no hypervisor.
check "statistics before any counter" 200 \
    "$(call GET "$OPS/traffic-mirror-sessions/$session/statistics")"
expect "zeros" "0 0 [0, 0] []" "$(json '"%d %d %s %s" % (
    b["traffic_mirror_session_statistics"]["packets"],
    b["traffic_mirror_session_statistics"]["bytes"],
    [r["packets"] for r in b["traffic_mirror_session_statistics"]["rules"]],
    b["traffic_mirror_session_statistics"]["hypervisors"])')"

# Two hypervisors publish: hv-a mirrored 3 packets (300 bytes) and
# rejected 1; hv-b mirrored 4 (400 bytes) and rejected 5.
hv_row() { # NAME MIRRORED BYTES REJECTED
    printf '{"op": "insert", "table": "Hypervisor", "row": {"name": "%s",
      "nb_cfg": 0, "stats_time": 1795219200000,
      "stats_packets": ["map", [["%s", %s], ["%s/%s", %s], ["%s/%s", %s]]],
      "stats_bytes": ["map", [["%s", %s], ["%s/%s", %s], ["%s/%s", %s]]]}}' \
        "$1" "$session" "$2" "$session" "$accept" "$2" "$session" \
        "$reject" "$4" "$session" "$3" "$session" "$accept" "$3" \
        "$session" "$reject" "$(($4 * 100))"
}
nbclient transact "$TMIRROR_NB_DB" "[\"TMirror_Northbound\",
    $(hv_row hv-a 3 300 1), $(hv_row hv-b 4 400 5)]" > "$tmp/tx" \
    || fail "insert Hypervisor rows: $(cat "$tmp/tx")"

check "statistics of the session" 200 \
    "$(call GET "$OPS/traffic-mirror-sessions/$session/statistics")"
expect "added up: packets, bytes" "7 700" "$(json '"%d %d" % (
    b["traffic_mirror_session_statistics"]["packets"],
    b["traffic_mirror_session_statistics"]["bytes"])')"
expect "per rule, in the filter's order" \
    "$reject egress 1 reject 6 600;$accept egress 2 accept 7 700" \
    "$(json '";".join("%s %s %d %s %d %d" % (r["traffic_mirror_filter_rule_id"],
        r["direction"], r["priority"], r["action"], r["packets"], r["bytes"])
        for r in b["traffic_mirror_session_statistics"]["rules"])')"
expect "per hypervisor" \
    "hv-a 3 300 2026-11-21T00:00:00.000Z;hv-b 4 400 2026-11-21T00:00:00.000Z" \
    "$(json '";".join("%s %d %d %s" % (h["name"], h["packets"], h["bytes"],
        h["updated_at"])
        for h in b["traffic_mirror_session_statistics"]["hypervisors"])')"
expect "request_id" True "$(json 'bool(b["request_id"])')"

# Every session of the project, with the same numbers for this one.
check "statistics of the project" 200 "$(call GET "$OPS/statistics")"
expect "this session in the list" 7 "$(json '[s["packets"]
    for s in b["traffic_mirror_session_statistics"]
    if s["traffic_mirror_session_id"] == a][0]' "$session")"
call GET "$VPC/traffic-mirror-sessions?limit=2000" > /dev/null
n_sessions=$(json 'len(b["traffic_mirror_sessions"])')
call GET "$OPS/statistics" > /dev/null
expect "as many as the project's sessions" "$n_sessions" \
    "$(json 'len(b["traffic_mirror_session_statistics"])')"

# Another project: its own list has none of project 1's sessions, and
# project 1's session is not found there; key 2 may not use project 1.
P2=$EP/v3/$TMIRROR_API_PROJECT2/tmirror
check "project 2: project 1's session" 404 "$(call --ak "$TMIRROR_API_AK2" \
    --sk "$TMIRROR_API_SK2" GET \
    "$P2/traffic-mirror-sessions/$session/statistics")" "$session"
check "project 2: its statistics" 200 "$(call --ak "$TMIRROR_API_AK2" \
    --sk "$TMIRROR_API_SK2" GET "$P2/statistics")"
expect "project 2 sees no project 1 session" 0 "$(json 'sum(
    s["traffic_mirror_session_id"] == a
    for s in b["traffic_mirror_session_statistics"])' "$session")"
check "key 2 on project 1" 403 "$(call --ak "$TMIRROR_API_AK2" \
    --sk "$TMIRROR_API_SK2" GET "$OPS/statistics")"

# Refusals: other methods, other paths, unknown sessions.
check "POST statistics" 405 "$(call POST "$OPS/statistics" "$tmp/f.json")" \
    "POST is not allowed"
check "DELETE health" 405 "$(call DELETE "$OPS/health")"
check "unknown operator path" 404 "$(call GET "$OPS/counters")" \
    "no such resource"
check "session sub-path other than statistics" 404 \
    "$(call GET "$OPS/traffic-mirror-sessions/$session/flows")"
check "empty session id" 404 \
    "$(call GET "$OPS/traffic-mirror-sessions//statistics")"
check "unknown session" 404 \
    "$(call GET "$OPS/traffic-mirror-sessions/no-such-id/statistics")" \
    "no-such-id"

# Health: both hypervisors are behind the configuration (nb_cfg 0); one
# catches up.
check "health" 200 "$(call GET "$OPS/health")"
cfg=$(json 'b["health"]["nb_cfg"]')
expect "health: status, database, hypervisors, applied" \
    "ok connected 2 0" "$(json '" ".join(str(b["health"][k]) for k in
        ("status", "database", "hypervisors", "hypervisors_applied"))')"
nbclient transact "$TMIRROR_NB_DB" "[\"TMirror_Northbound\",
    {\"op\": \"update\", \"table\": \"Hypervisor\",
     \"where\": [[\"name\", \"==\", \"hv-a\"]], \"row\": {\"nb_cfg\": $cfg}}]" \
    > "$tmp/tx" || fail "update hv-a: $(cat "$tmp/tx")"
call GET "$OPS/health" > /dev/null
expect "health after hv-a applied" 1 \
    "$(json 'b["health"]["hypervisors_applied"]')"

# Clean up what this test made.
nbclient transact "$TMIRROR_NB_DB" '["TMirror_Northbound",
    {"op": "delete", "table": "Hypervisor", "where": []}]' > /dev/null
check "delete session" 204 "$(call DELETE \
    "$VPC/traffic-mirror-sessions/$session")"
check "delete filter" 204 "$(call DELETE \
    "$VPC/traffic-mirror-filters/$filter")"

echo "api-operator: $passed passed, $failed failed"
[ "$failed" = 0 ]
