#!/bin/sh
# Every tmirror-ctl command on a fresh database: what it prints (table and
# --format=json, the JSON parsed with python3), what it writes (read back
# with export/show), names and UUIDs where the help accepts both, and an
# ambiguous name refused.
. "$(dirname "$0")/lib.sh"

nb_init
nb_start || exit 1

GOLDEN=$TOP/tests/golden/seed000-table2
UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

# jget EXPR: evaluates the Python expression EXPR with d = the JSON on
# stdin, and prints the result (a JSON parse error prints PARSE-ERROR).
jget() {
    python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError as e:
    print("PARSE-ERROR: %s" % e)
    sys.exit(0)
print(eval(sys.argv[1]))' "$1"
}

# expect_uuid WHAT TEXT: TEXT is exactly one UUID line.
expect_uuid() {
    if printf '%s\n' "$2" | grep -Eq "$UUID_RE" \
       && [ "$(printf '%s\n' "$2" | wc -l)" = 1 ]; then
        nb_pass "$1 printed a UUID ($2)"
    else
        nb_fail "$1 printed \"$2\", not one UUID"
    fi
}

# expect_match WHAT TEXT REGEX: some line of TEXT matches the extended
# regular expression REGEX.
expect_match() {
    if printf '%s\n' "$2" | grep -Eq -- "$3"; then
        nb_pass "$1 matches /$3/"
    else
        nb_fail "$1: no line matches /$3/ in:
$2"
    fi
}

# expect_nomatch WHAT TEXT REGEX: no line of TEXT matches REGEX.
expect_nomatch() {
    if printf '%s\n' "$2" | grep -Eq -- "$3"; then
        nb_fail "$1: a line matches /$3/ in:
$2"
    else
        nb_pass "$1 has no /$3/"
    fi
}

nb_cfg() { ctl --format=json show | jget 'd["nb_cfg"]'; }

# nb_column TABLE UUID COLUMN: the column of that row, as OVSDB JSON.
nb_column() {
    "$OVSDB_CLIENT" --timeout=10 query "$TMIRROR_NB_DB" \
        '["TMirror_Northbound",{"op":"select","table":"'"$1"'","where":[["_uuid","==",["uuid","'"$2"'"]]],"columns":["'"$3"'"]}]' \
        | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)[0]["rows"][0][sys.argv[1]]))' "$3"
}

# expect_text WHAT GOT WANT: as expect_eq, for multi-line text (the "ok"
# line does not repeat it).
expect_text() {
    if [ "$2" = "$3" ]; then
        nb_pass "$1"
    else
        nb_fail "$1: got:
$2
--- want:
$3"
    fi
}

# ---------------------------------------------------------------------
# General: show, init, sync, quota-set on an empty database.

expect_ok ctl show
expect_eq "show of an empty database" "$OUT" \
    "nb_cfg=0, sources_per_session=10"
expect_ok ctl --format=json show
expect_eq "show --format=json of an empty database" \
    "$(echo "$OUT" | jget '[d["nb_cfg"], d["quotas"], d["ports"], d["loadbalancers"], d["traffic_mirror_filters"], d["traffic_mirror_sessions"], d["hypervisors"]]')" \
    "[0, {'sources_per_session': 10}, [], [], [], [], []]"

expect_ok ctl init
expect_eq "init prints nothing" "$OUT" ""
expect_eq "nb_cfg after init" "$(nb_cfg)" 1
expect_eq "one TM_Global row after init" \
    "$("$OVSDB_CLIENT" --timeout=10 dump "$TMIRROR_NB_DB" TMirror_Northbound TM_Global | grep -Ec '^[0-9a-f]{8}-')" 1
expect_ok ctl init
expect_eq "nb_cfg after a second init" "$(nb_cfg)" 2
expect_eq "still one TM_Global row after a second init" \
    "$("$OVSDB_CLIENT" --timeout=10 dump "$TMIRROR_NB_DB" TMirror_Northbound TM_Global | grep -Ec '^[0-9a-f]{8}-')" 1
expect_ok ctl sync
expect_eq "sync prints nothing" "$OUT" ""
expect_eq "nb_cfg after sync" "$(nb_cfg)" 3
expect_ok ctl --wait=none sync
expect_eq "nb_cfg after sync --wait=none" "$(nb_cfg)" 4
# With no hypervisor, --wait=hv has nothing to wait for.
expect_ok ctl --wait=hv sync
expect_eq "nb_cfg after sync --wait=hv without hypervisors" "$(nb_cfg)" 5

expect_ok ctl quota-set sources_per_session=25
expect_eq "quota-set prints nothing" "$OUT" ""
expect_ok ctl show
expect_eq "show's first line after quota-set" "$(echo "$OUT" | head -n 1)" \
    "nb_cfg=6, sources_per_session=25"
expect_eq "export quotas after quota-set" \
    "$(ctl export | jget 'd["quotas"]["sources_per_session"]')" 25
expect_ok ctl quota-set sources_per_session=default
expect_eq "export quotas after quota-set default" \
    "$(ctl export | jget 'd["quotas"]["sources_per_session"]')" 10
expect_eq "quota-set default clears the column" \
    "$("$OVSDB_CLIENT" --timeout=10 dump "$TMIRROR_NB_DB" TMirror_Northbound TM_Global sources_per_session | tail -n 1)" \
    "[]"

# Options: --db instead of $TMIRROR_NB_DB, -V, --help.
expect_ok env TMIRROR_NB_DB= "$TMIRROR_CTL" --timeout=20 \
    --db="$TMIRROR_NB_DB" show
expect_eq "--db= reaches the same database" "$(echo "$OUT" | head -n 1)" \
    "nb_cfg=7, sources_per_session=10"
expect_ok ctl -V
expect_match "-V" "$OUT" '^tmirror-ctl \(tmirror\) '
expect_ok ctl --help
expect_match "--help" "$OUT" '^  session-add-sources SESSION PORT'

# ---------------------------------------------------------------------
# Ports.

expect_ok ctl port-add src-1 name=web-1 mac_address=fa:16:3e:00:00:01 \
    fixed_ips=10.0.0.11,2001:db8::11
expect_eq "port-add prints nothing" "$OUT" ""
expect_ok ctl port-add src-2 fixed_ips=10.0.0.12
expect_ok ctl port-add src-3 fixed_ips=10.0.0.13
expect_ok ctl port-add tgt-1 name=collector fixed_ips=10.0.1.1
expect_ok ctl port-add tgt-2 fixed_ips=10.0.1.2
expect_ok ctl port-add nomirror fixed_ips=10.0.0.99 \
    traffic_mirroring_supported=false
expect_ok ctl port-add scratch
expect_ok ctl port-list
expect_text "port-list" "$OUT" "port nomirror 10.0.0.99 (can't be a mirror source)
port scratch
port src-1 (web-1) fa:16:3e:00:00:01 10.0.0.11 2001:db8::11
port src-2 10.0.0.12
port src-3 10.0.0.13
port tgt-1 (collector) 10.0.1.1
port tgt-2 10.0.1.2"
expect_ok ctl --format=json port-list
expect_eq "port-list --format=json ids" \
    "$(echo "$OUT" | jget '[p["id"] for p in d]')" \
    "['nomirror', 'scratch', 'src-1', 'src-2', 'src-3', 'tgt-1', 'tgt-2']"
expect_eq "port-list --format=json src-1" \
    "$(echo "$OUT" | jget '[(p["name"], p["mac_address"], [i["ip_address"] for i in p["fixed_ips"]], p["traffic_mirroring_supported"]) for p in d if p["id"] == "src-1"]')" \
    "[('web-1', 'fa:16:3e:00:00:01', ['10.0.0.11', '2001:db8::11'], True)]"
expect_eq "port-list --format=json nomirror" \
    "$(echo "$OUT" | jget '[p["traffic_mirroring_supported"] for p in d if p["id"] == "nomirror"]')" \
    "[False]"
expect_eq "port-list --format=json scratch has no MAC and no IP" \
    "$(echo "$OUT" | jget '[("mac_address" in p, p["fixed_ips"]) for p in d if p["id"] == "scratch"]')" \
    "[(False, [])]"

expect_ok ctl port-set scratch name=renamed mac_address=FA:16:3E:00:00:AA \
    fixed_ips=192.168.5.5 traffic_mirroring_supported=false
expect_eq "port-set prints nothing" "$OUT" ""
expect_eq "port-set wrote every field" \
    "$(ctl --format=json port-list | jget '[(p["name"], p["mac_address"], [i["ip_address"] for i in p["fixed_ips"]], p["traffic_mirroring_supported"]) for p in d if p["id"] == "scratch"]')" \
    "[('renamed', 'fa:16:3e:00:00:aa', ['192.168.5.5'], False)]"
expect_ok ctl port-set scratch mac_address= fixed_ips= name=
expect_eq "port-set with empty values clears MAC, IPs, name" \
    "$(ctl --format=json port-list | jget '[(p["name"], "mac_address" in p, p["fixed_ips"]) for p in d if p["id"] == "scratch"]')" \
    "[('', False, [])]"
expect_ok ctl port-del scratch
expect_eq "port-del prints nothing" "$OUT" ""
expect_eq "port-del removed the port" \
    "$(ctl --format=json port-list | jget '[p["id"] for p in d if p["id"] == "scratch"]')" \
    "[]"

# ---------------------------------------------------------------------
# Load balancers.

expect_ok ctl lb-add lb-1 name=elb-1 vip_address=192.168.1.25
expect_eq "lb-add prints nothing" "$OUT" ""
expect_ok ctl lb-add lb-noudp vip_address=192.168.1.26 udp_supported=false
expect_ok ctl lb-add lb-scratch
expect_ok ctl lb-list
expect_text "lb-list" "$OUT" "loadbalancer lb-1 (elb-1) vip 192.168.1.25 udp
loadbalancer lb-noudp vip 192.168.1.26 (no udp: can't be a mirror target)
loadbalancer lb-scratch udp"
expect_ok ctl --format=json lb-list
expect_eq "lb-list --format=json" \
    "$(echo "$OUT" | jget '[(l["id"], l["name"], l.get("vip_address"), l["udp_supported"]) for l in d]')" \
    "[('lb-1', 'elb-1', '192.168.1.25', True), ('lb-noudp', '', '192.168.1.26', False), ('lb-scratch', '', None, True)]"
expect_ok ctl lb-set lb-scratch name=x vip_address=2001:db8::25 udp_supported=false
expect_eq "lb-set prints nothing" "$OUT" ""
expect_eq "lb-set wrote every field" \
    "$(ctl --format=json lb-list | jget '[(l["name"], l.get("vip_address"), l["udp_supported"]) for l in d if l["id"] == "lb-scratch"]')" \
    "[('x', '2001:db8::25', False)]"
expect_ok ctl lb-del lb-scratch
expect_eq "lb-del prints nothing" "$OUT" ""
expect_eq "lb-del removed the load balancer" \
    "$(ctl --format=json lb-list | jget '[l["id"] for l in d]')" \
    "['lb-1', 'lb-noudp']"

# ---------------------------------------------------------------------
# Filters.

expect_ok ctl filter-add web description="web traffic" project_id=proj-1
F_WEB=$OUT
expect_uuid "filter-add web" "$F_WEB"
expect_ok ctl filter-add other
F_OTHER=$OUT
expect_uuid "filter-add other" "$F_OTHER"
expect_ok ctl filter-list
expect_text "filter-list" "$(echo "$OUT" | sort)" "$(printf '%s\n' \
    "traffic_mirror_filter $F_WEB (web): 0 ingress, 0 egress rules" \
    "traffic_mirror_filter $F_OTHER (other): 0 ingress, 0 egress rules" \
    | sort)"
expect_ok ctl --format=json filter-list
expect_eq "filter-list --format=json" \
    "$(echo "$OUT" | jget 'sorted((f["name"], f["id"], f["description"], f["project_id"], f["ingress_rules"], f["egress_rules"]) for f in d)')" \
    "[('other', '$F_OTHER', '', '', [], []), ('web', '$F_WEB', 'web traffic', 'proj-1', [], [])]"
expect_match "filter-list --format=json created_at" \
    "$(echo "$OUT" | jget 'd[0]["created_at"]')" \
    '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$'

expect_ok ctl filter-show web
expect_eq "filter-show by name" "$OUT" \
    "traffic_mirror_filter $F_WEB (web): 0 ingress, 0 egress rules"
expect_ok ctl filter-show "$F_OTHER"
expect_eq "filter-show by UUID" "$OUT" \
    "traffic_mirror_filter $F_OTHER (other): 0 ingress, 0 egress rules"
expect_ok ctl --format=json filter-show web
expect_eq "filter-show --format=json" \
    "$(echo "$OUT" | jget '(d["id"], d["name"], d["project_id"])')" \
    "('$F_WEB', 'web', 'proj-1')"

expect_ok ctl filter-set web description="all of the web" project_id=proj-2
expect_eq "filter-set prints nothing" "$OUT" ""
expect_ok ctl filter-set "$F_OTHER" name=other-2
expect_eq "filter-set by name and by UUID" \
    "$(ctl --format=json filter-list | jget 'sorted((f["name"], f["description"], f["project_id"]) for f in d)')" \
    "[('other-2', '', ''), ('web', 'all of the web', 'proj-2')]"

# ---------------------------------------------------------------------
# Rules.

expect_ok ctl rule-add web ingress 10 accept protocol=tcp \
    source_cidr_block=172.16.0.0/24 source_port_range=10000-10001 \
    destination_cidr_block=10.0.0.3 destination_port_range=80 \
    description="seed table 2"
R1=$OUT
expect_uuid "rule-add by filter name" "$R1"
expect_ok ctl rule-add "$F_WEB" egress 1 reject protocol=all \
    source_cidr_block=192.168.0.0/24 destination_cidr_block=10.2.0.0/24
R2=$OUT
expect_uuid "rule-add by filter UUID" "$R2"
expect_ok ctl rule-add web ingress 20 accept protocol=icmpv6 ethertype=IPv6 \
    source_cidr_block=2001:db8::/32
R3=$OUT
expect_uuid "rule-add IPv6" "$R3"
expect_ok ctl rule-add web ingress 5 accept protocol=ICMP
R4=$OUT
expect_uuid "rule-add with an upper-case protocol" "$R4"

expect_ok ctl rule-list web
expect_text "rule-list (ingress, then egress)" "$OUT" "$R1 ingress priority=10 accept tcp IPv4 source_cidr_block=172.16.0.0/24 source_port_range=10000-10001 destination_cidr_block=10.0.0.3/32 destination_port_range=80-80 description=\"seed table 2\"
$R3 ingress priority=20 accept icmpv6 IPv6 source_cidr_block=2001:db8::/32
$R4 ingress priority=5 accept icmp IPv4
$R2 egress priority=1 reject all IPv4 source_cidr_block=192.168.0.0/24 destination_cidr_block=10.2.0.0/24"
expect_ok ctl --format=json rule-list "$F_WEB"
expect_eq "rule-list --format=json ids" \
    "$(echo "$OUT" | jget '[r["id"] for r in d]')" \
    "['$R1', '$R3', '$R4', '$R2']"
expect_eq "rule-list --format=json rule 1" \
    "$(echo "$OUT" | jget '[(r["traffic_mirror_filter_id"], r["direction"], r["priority"], r["action"], r["protocol"], r["ethertype"], r["source_cidr_block"], r["source_port_range"], r["destination_cidr_block"], r["destination_port_range"], r["description"]) for r in d if r["id"] == "'"$R1"'"]')" \
    "[('$F_WEB', 'ingress', 10, 'accept', 'tcp', 'IPv4', '172.16.0.0/24', '10000-10001', '10.0.0.3/32', '80-80', 'seed table 2')]"
expect_eq "rule-list --format=json rule 2 has no port ranges" \
    "$(echo "$OUT" | jget '[("source_port_range" in r, "destination_port_range" in r, r["direction"], r["action"]) for r in d if r["id"] == "'"$R2"'"]')" \
    "[(False, False, 'egress', 'reject')]"
expect_ok ctl filter-show web
expect_eq "filter-show counts the rules" "$(echo "$OUT" | head -n 1)" \
    "traffic_mirror_filter $F_WEB (web): 3 ingress, 1 egress rules"
expect_eq "filter-show lists the rules" "$(echo "$OUT" | grep -c '^    [0-9a-f]')" 4
expect_ok ctl --format=json filter-show web
expect_eq "filter-show --format=json puts rules in their directions" \
    "$(echo "$OUT" | jget '([r["id"] for r in d["ingress_rules"]], [r["id"] for r in d["egress_rules"]])')" \
    "(['$R1', '$R3', '$R4'], ['$R2'])"

expect_ok ctl rule-set "$R1" priority=11 action=reject protocol=udp \
    source_port_range= destination_port_range=53 description=dns
expect_eq "rule-set prints nothing" "$OUT" ""
expect_eq "rule-set wrote the fields" \
    "$(ctl --format=json rule-list web | jget '[(r["priority"], r["action"], r["protocol"], "source_port_range" in r, r["destination_port_range"], r["description"], r["source_cidr_block"]) for r in d if r["id"] == "'"$R1"'"]')" \
    "[(11, 'reject', 'udp', False, '53-53', 'dns', '172.16.0.0/24')]"
expect_ok ctl rule-set "$R1" direction=egress
expect_ok ctl --format=json filter-show web
expect_eq "rule-set direction=egress moves the rule" \
    "$(echo "$OUT" | jget '([r["id"] for r in d["ingress_rules"]], sorted(r["id"] for r in d["egress_rules"]))')" \
    "(['$R3', '$R4'], $(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "$R1" "$R2"))"
expect_ok ctl rule-set "$R1" source_cidr_block= destination_cidr_block=
expect_eq "rule-set with empty CIDRs clears them" \
    "$(ctl --format=json rule-list web | jget '[("source_cidr_block" in r, "destination_cidr_block" in r) for r in d if r["id"] == "'"$R1"'"]')" \
    "[(False, False)]"

expect_ok ctl rule-del "$R4"
expect_eq "rule-del prints nothing" "$OUT" ""
expect_eq "rule-del removed the rule" \
    "$(ctl --format=json rule-list web | jget 'sorted(r["id"] for r in d)')" \
    "$(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "$R1" "$R2" "$R3")"
expect_eq "rule-del removed the Filter_Rule row" \
    "$("$OVSDB_CLIENT" --timeout=10 dump "$TMIRROR_NB_DB" TMirror_Northbound Filter_Rule _uuid | grep -c "$R4")" 0

# ---------------------------------------------------------------------
# Sessions.

expect_ok ctl session-add mirror-web web eni tgt-1 1 \
    traffic_mirror_sources=src-1,src-2 virtual_network_id=4242 \
    packet_length=128 enabled=true description="first session" \
    project_id=proj-1
S1=$OUT
expect_uuid "session-add with a filter name" "$S1"
expect_ok ctl session-add to-lb "$F_OTHER" elb lb-1 2
S2=$OUT
expect_uuid "session-add with a filter UUID and an elb target" "$S2"

expect_ok ctl session-list
# Sources are a set in the database: their order is not the one given.
expect_eq "session-list sources" \
    "$(echo "$OUT" | sed -n 's/^    source: //p' | sort | tr '\n' ' ')" \
    "src-1 src-2 "
expect_text "session-list" "$(echo "$OUT" | grep -v '^    source: ')" "traffic_mirror_session $S1 (mirror-web): priority=1 enabled virtual_network_id=4242 packet_length=128
    filter: $F_WEB (web)
    target: eni tgt-1
traffic_mirror_session $S2 (to-lb): priority=2 disabled virtual_network_id=1 packet_length=96
    filter: $F_OTHER (other-2)
    target: elb lb-1"
expect_ok ctl --format=json session-list
expect_eq "session-list --format=json session 1" \
    "$(echo "$OUT" | jget '[(s["id"], s["name"], s["description"], s["project_id"], s["traffic_mirror_filter_id"], sorted(s["traffic_mirror_sources"]), s["traffic_mirror_target_type"], s["traffic_mirror_target_id"], s["virtual_network_id"], s["packet_length"], s["priority"], s["enabled"], s["type"]) for s in d if s["name"] == "mirror-web"]')" \
    "[('$S1', 'mirror-web', 'first session', 'proj-1', '$F_WEB', ['src-1', 'src-2'], 'eni', 'tgt-1', 4242, 128, 1, True, 'eni')]"
expect_eq "session-list --format=json defaults of session 2" \
    "$(echo "$OUT" | jget '[(s["traffic_mirror_sources"], s["traffic_mirror_target_type"], s["traffic_mirror_target_id"], s["virtual_network_id"], s["packet_length"], s["enabled"]) for s in d if s["id"] == "'"$S2"'"]')" \
    "[([], 'elb', 'lb-1', 1, 96, False)]"

expect_ok ctl session-show mirror-web
expect_eq "session-show by name" "$(echo "$OUT" | head -n 1)" \
    "traffic_mirror_session $S1 (mirror-web): priority=1 enabled virtual_network_id=4242 packet_length=128"
expect_ok ctl session-show "$S2"
expect_eq "session-show by UUID" "$(echo "$OUT" | head -n 1)" \
    "traffic_mirror_session $S2 (to-lb): priority=2 disabled virtual_network_id=1 packet_length=96"
expect_ok ctl --format=json session-show to-lb
expect_eq "session-show --format=json" \
    "$(echo "$OUT" | jget '(d["id"], d["traffic_mirror_target_id"])')" \
    "('$S2', 'lb-1')"

expect_ok ctl session-disable mirror-web
expect_eq "session-disable prints nothing" "$OUT" ""
expect_eq "session-disable by name" \
    "$(ctl --format=json session-show "$S1" | jget 'd["enabled"]')" False
expect_ok ctl session-enable "$S2"
expect_eq "session-enable prints nothing" "$OUT" ""
expect_eq "session-enable by UUID" \
    "$(ctl --format=json session-show to-lb | jget 'd["enabled"]')" True
expect_ok ctl session-enable "$S2"
expect_eq "session-enable of an enabled session keeps it enabled" \
    "$(ctl --format=json session-show to-lb | jget 'd["enabled"]')" True

expect_ok ctl session-add-sources to-lb src-3 src-1
expect_eq "session-add-sources prints nothing" "$OUT" ""
expect_eq "session-add-sources by name" \
    "$(ctl --format=json session-show to-lb | jget 'sorted(d["traffic_mirror_sources"])')" \
    "['src-1', 'src-3']"
expect_ok ctl session-remove-sources "$S2" src-1
expect_eq "session-remove-sources prints nothing" "$OUT" ""
expect_eq "session-remove-sources by UUID" \
    "$(ctl --format=json session-show to-lb | jget 'd["traffic_mirror_sources"]')" \
    "['src-3']"

expect_ok ctl session-set to-lb name=to-tgt traffic_mirror_target_type=eni \
    traffic_mirror_target_id=tgt-2 traffic_mirror_filter_id=web priority=7 \
    virtual_network_id=0 packet_length=1460 description=moved \
    project_id=proj-9 enabled=false traffic_mirror_sources=src-2,src-3
expect_eq "session-set prints nothing" "$OUT" ""
expect_eq "session-set wrote every field" \
    "$(ctl --format=json session-show "$S2" | jget '(d["name"], d["traffic_mirror_target_type"], d["traffic_mirror_target_id"], d["traffic_mirror_filter_id"], d["priority"], d["virtual_network_id"], d["packet_length"], d["description"], d["project_id"], d["enabled"], sorted(d["traffic_mirror_sources"]))')" \
    "('to-tgt', 'eni', 'tgt-2', '$F_WEB', 7, 0, 1460, 'moved', 'proj-9', False, ['src-2', 'src-3'])"
expect_eq "session-set to an eni target clears target_lb" \
    "$(nb_column Session "$S2" target_lb)" '["set", []]'
expect_eq "session-set to an eni target sets target_port" \
    "$(nb_column Session "$S2" target_port | jget 'd[0]')" uuid
expect_ok ctl session-set to-tgt traffic_mirror_filter_id="$F_OTHER"
expect_eq "session-set traffic_mirror_filter_id by UUID" \
    "$(ctl --format=json session-show "$S2" | jget 'd["traffic_mirror_filter_id"]')" \
    "$F_OTHER"
expect_ok ctl session-set to-tgt traffic_mirror_sources=
expect_eq "session-set traffic_mirror_sources= empties the list" \
    "$(ctl --format=json session-show "$S2" | jget 'd["traffic_mirror_sources"]')" \
    "[]"

# show: the whole tree.
expect_ok ctl show
expect_match "show: global line" "$OUT" '^nb_cfg=[0-9]+, sources_per_session=10$'
expect_match "show: filter web" "$OUT" \
    "^traffic_mirror_filter $F_WEB \\(web\\): 1 ingress, 2 egress rules$"
expect_match "show: a rule under its filter" "$OUT" "^    rule $R3 ingress priority=20"
expect_match "show: session" "$OUT" "^traffic_mirror_session $S1 \\(mirror-web\\)"
expect_match "show: port" "$OUT" '^port tgt-1 \(collector\) 10\.0\.1\.1$'
expect_match "show: load balancer" "$OUT" '^loadbalancer lb-1 \(elb-1\) vip 192\.168\.1\.25 udp$'
expect_ok ctl --format=json show
expect_eq "show --format=json" \
    "$(echo "$OUT" | jget '(len(d["ports"]), len(d["loadbalancers"]), sorted(f["name"] for f in d["traffic_mirror_filters"]), [s["name"] for s in d["traffic_mirror_sessions"]], d["hypervisors"], d["nb_cfg"] > 7)')" \
    "(6, 2, ['other-2', 'web'], ['mirror-web', 'to-tgt'], [], True)"

# ---------------------------------------------------------------------
# Ambiguous names: refused (also for reads), the UUID still works.

expect_ok ctl filter-add dup
F_DUP1=$OUT
expect_ok ctl filter-add dup
F_DUP2=$OUT
expect_refused '2 traffic_mirror_filters are named "dup": use the UUID' \
    ctl filter-show dup
expect_refused '2 traffic_mirror_filters are named "dup": use the UUID' \
    ctl filter-del dup
expect_refused '2 traffic_mirror_filters are named "dup": use the UUID' \
    ctl rule-add dup ingress 1 accept
expect_refused '2 traffic_mirror_filters are named "dup": use the UUID' \
    ctl session-add amb dup eni tgt-1 50
expect_ok ctl filter-show "$F_DUP1"
expect_eq "filter-show by UUID despite a shared name" "$OUT" \
    "traffic_mirror_filter $F_DUP1 (dup): 0 ingress, 0 egress rules"
expect_ok ctl session-add twin web eni tgt-1 40
S_TWIN1=$OUT
expect_ok ctl session-add twin web eni tgt-1 41
S_TWIN2=$OUT
expect_refused '2 traffic_mirror_sessions are named "twin": use the UUID' \
    ctl session-show twin
expect_refused '2 traffic_mirror_sessions are named "twin": use the UUID' \
    ctl session-del twin
expect_refused '2 traffic_mirror_sessions are named "twin": use the UUID' \
    ctl session-enable twin

# Deletes, by UUID and by name.
expect_ok ctl session-del "$S_TWIN1"
expect_eq "session-del prints nothing" "$OUT" ""
expect_ok ctl session-del twin
expect_eq "session-del by UUID, then by the now unique name" \
    "$(ctl --format=json session-list | jget '[s["id"] for s in d if s["name"] == "twin"]')" \
    "[]"
expect_ok ctl filter-del "$F_DUP1"
expect_eq "filter-del prints nothing" "$OUT" ""
expect_ok ctl filter-del dup
expect_eq "filter-del by UUID, then by the now unique name" \
    "$(ctl --format=json filter-list | jget 'sorted(f["name"] for f in d)')" \
    "['other-2', 'web']"
# Deleting a filter deletes its rules.
expect_ok ctl filter-add with-rules
expect_ok ctl rule-add with-rules ingress 1 accept
R_GONE=$OUT
expect_ok ctl filter-del with-rules
expect_eq "filter-del deleted the filter's rules" \
    "$("$OVSDB_CLIENT" --timeout=10 dump "$TMIRROR_NB_DB" TMirror_Northbound Filter_Rule _uuid | grep -c "$R_GONE")" 0

# ---------------------------------------------------------------------
# Hypervisors: hv-list, and --wait=hv.

expect_ok ctl hv-list
expect_eq "hv-list without hypervisors" "$OUT" ""
SRC1_ROW=$("$OVSDB_CLIENT" --timeout=10 query "$TMIRROR_NB_DB" \
    '["TMirror_Northbound",{"op":"select","table":"Port","where":[["port_id","==","src-1"]],"columns":["_uuid"]}]' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["rows"][0]["_uuid"][1])')
"$OVSDB_CLIENT" --timeout=10 transact "$TMIRROR_NB_DB" \
    '["TMirror_Northbound",{"op":"insert","table":"Hypervisor","row":{"name":"hv-1","nb_cfg":1000000,"mode":"patched","local_sources":["set",[["uuid","'"$SRC1_ROW"'"]]]}}]' \
    > /dev/null
expect_ok ctl hv-list
expect_eq "hv-list" "$OUT" \
    "hypervisor hv-1: applied nb_cfg=1000000, mode=patched, sources=src-1"
expect_ok ctl --format=json hv-list
expect_eq "hv-list --format=json" \
    "$(echo "$OUT" | jget '[(h["name"], h["nb_cfg"], h["mode"], h["local_sources"]) for h in d]')" \
    "[('hv-1', 1000000, 'patched', ['src-1'])]"
expect_eq "show --format=json has the hypervisor" \
    "$(ctl --format=json show | jget '[h["name"] for h in d["hypervisors"]]')" \
    "['hv-1']"
expect_match "show lists the hypervisor" "$(ctl show)" \
    '^hypervisor hv-1: applied nb_cfg=1000000, mode=patched, sources=src-1$'
# The hypervisor is ahead: --wait=hv returns at once.
expect_ok ctl --wait=hv sync
# Behind: --wait=hv gives up after --timeout, naming the hypervisor.
"$OVSDB_CLIENT" --timeout=10 transact "$TMIRROR_NB_DB" \
    '["TMirror_Northbound",{"op":"update","table":"Hypervisor","where":[["name","==","hv-1"]],"row":{"nb_cfg":1}}]' \
    > /dev/null
if "$TMIRROR_CTL" --timeout=1 --wait=hv sync > "$NB_DIR/stdout" \
        2> "$NB_DIR/stderr"; then
    nb_fail "--wait=hv sync succeeded with a hypervisor behind"
else
    expect_match "--wait=hv timeout message" "$(cat "$NB_DIR/stderr")" \
        'timed out waiting for hypervisors to apply nb_cfg [0-9]+: hypervisor "hv-1" is at 1$'
fi
# Behind, catching up while tmirror-ctl waits: --wait=hv really waits.
want=$(( $(nb_cfg) + 1 ))
( sleep 1
  "$OVSDB_CLIENT" --timeout=10 transact "$TMIRROR_NB_DB" \
      '["TMirror_Northbound",{"op":"update","table":"Hypervisor","where":[["name","==","hv-1"]],"row":{"nb_cfg":'"$want"'}}]' \
      > /dev/null ) &
catchup=$!
start=$(date +%s%N)
expect_ok ctl --timeout=15 --wait=hv sync
waited=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$catchup"
if [ "$waited" -ge 900 ]; then
    nb_pass "--wait=hv waited for the hypervisor (${waited} ms)"
else
    nb_fail "--wait=hv returned after ${waited} ms, before the hypervisor caught up (1 s)"
fi
expect_eq "the hypervisor caught up to the write --wait=hv waited for" \
    "$(nb_cfg)" "$want"
"$OVSDB_CLIENT" --timeout=10 transact "$TMIRROR_NB_DB" \
    '["TMirror_Northbound",{"op":"delete","table":"Hypervisor","where":[]}]' \
    > /dev/null

# ---------------------------------------------------------------------
# export, import, validate, compile.

expect_ok ctl export
EXPORT=$OUT
expect_ok ctl --format=json export
expect_text "export --format=json is export" "$OUT" "$EXPORT"
expect_eq "export: top-level members" \
    "$(echo "$EXPORT" | jget 'sorted(d)')" \
    "['loadbalancers', 'ports', 'quotas', 'traffic_mirror_filters', 'traffic_mirror_sessions']"
expect_eq "export: sessions" \
    "$(echo "$EXPORT" | jget '[(s["id"], s["traffic_mirror_filter_id"], s["traffic_mirror_target_id"], s["priority"]) for s in d["traffic_mirror_sessions"]]')" \
    "[('$S1', '$F_WEB', 'tgt-1', 1), ('$S2', '$F_OTHER', 'tgt-2', 7)]"
echo "$EXPORT" > "$NB_DIR/export.json"
expect_ok ctl validate "$NB_DIR/export.json"
expect_eq "validate of an export" "$OUT" \
    "$NB_DIR/export.json: valid: 2 filters, 2 sessions, 6 ports, 2 load balancers"

expect_ok ctl validate "$GOLDEN/model.json"
expect_eq "validate of the seed 000 model" "$OUT" \
    "$GOLDEN/model.json: valid: 1 filters, 1 sessions, 2 ports, 1 load balancers"
expect_ok ctl compile --bindings="$GOLDEN/bindings.json" "$GOLDEN/model.json"
expect_text "compile prints the golden flows" "$OUT" "$(cat "$GOLDEN/flows.txt")"
expect_refused "compile: --bindings=FILE is required" \
    ctl compile "$GOLDEN/model.json"
python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
m["traffic_mirror_sessions"][0]["priority"] = 32767
json.dump(m, open(sys.argv[2], "w"))' "$GOLDEN/model.json" "$NB_DIR/bad.json"
expect_refused 'bad.json: traffic_mirror_sessions[0].priority' \
    ctl validate "$NB_DIR/bad.json"
expect_refused 'bad.json: traffic_mirror_sessions[0].priority' \
    ctl compile --bindings="$GOLDEN/bindings.json" "$NB_DIR/bad.json"

# import: one write, new UUIDs for filters/rules/sessions, sessions point
# at the imported filters.
cfg_before=$(nb_cfg)
expect_ok ctl import "$GOLDEN/model.json"
expect_eq "import's report" "$OUT" \
    "imported 1 filters, 1 sessions, 2 ports, 1 load balancers"
expect_eq "import is one write" "$(nb_cfg)" $((cfg_before + 1))
ctl export > "$NB_DIR/after-import.json"
expect_eq "import: the imported filter and its rules" \
    "$(jget '[(f["name"], [(r["priority"], r["protocol"], r.get("source_cidr_block"), r.get("source_port_range"), r.get("destination_cidr_block"), r.get("destination_port_range"), r["action"]) for r in f["ingress_rules"]], [(r["priority"], r["protocol"], r["action"]) for r in f["egress_rules"]]) for f in d["traffic_mirror_filters"] if f["name"] == "table-2"]' \
       < "$NB_DIR/after-import.json")" \
    "[('table-2', [(1, 'tcp', '172.16.0.0/24', '10000-10001', '10.0.0.3/32', '80-80', 'accept')], [(1, 'all', 'reject')])]"
expect_eq "import: the imported session refers to the new filter" \
    "$(jget '[(s["traffic_mirror_filter_id"] == [f["id"] for f in d["traffic_mirror_filters"] if f["name"] == "table-2"][0], s["traffic_mirror_sources"], s["traffic_mirror_target_type"], s["traffic_mirror_target_id"], s["virtual_network_id"], s["enabled"]) for s in d["traffic_mirror_sessions"] if s["name"] == "table-2-session"]' \
       < "$NB_DIR/after-import.json")" \
    "[(True, ['port-b'], 'elb', 'lb-1', 2, True)]"
expect_eq "import: the session got a new UUID" \
    "$(jget '[bool(__import__("re").match("[0-9a-f]{8}-", s["id"])) for s in d["traffic_mirror_sessions"] if s["name"] == "table-2-session"]' \
       < "$NB_DIR/after-import.json")" \
    "[True]"
expect_eq "import: ports and load balancers keep their ids" \
    "$(jget '([p["id"] for p in d["ports"]], [l["id"] for l in d["loadbalancers"]])' \
       < "$NB_DIR/after-import.json")" \
    "(['nomirror', 'port-b', 'port-peer', 'src-1', 'src-2', 'src-3', 'tgt-1', 'tgt-2'], ['lb-1', 'lb-noudp'])"
# lb-1 existed: import updated it from the file.
expect_eq "import: an existing load balancer is updated" \
    "$(jget '[(l["name"], l["vip_address"]) for l in d["loadbalancers"] if l["id"] == "lb-1"]' \
       < "$NB_DIR/after-import.json")" \
    "[('elb-collector', '192.168.1.25')]"
# The export of everything is itself a valid model.
expect_ok ctl validate "$NB_DIR/after-import.json"
expect_eq "validate of the export after import" "$OUT" \
    "$NB_DIR/after-import.json: valid: 3 filters, 3 sessions, 8 ports, 2 load balancers"
# Importing the same file again would give port-b two sessions of
# priority 1: refused as a whole.
expect_refused 'is already the priority of session' \
    ctl import "$GOLDEN/model.json"

# Round trip: the export of a database whose quota was raised, imported
# into a new database, gives the same configuration.
expect_ok ctl quota-set sources_per_session=12
i=1
while [ $i -le 11 ]; do
    ctl port-add rt-$i fixed_ips=10.5.0.$i > /dev/null || nb_fail "port-add rt-$i"
    i=$((i + 1))
done
expect_ok ctl session-add eleven-sources web eni tgt-2 60 \
    traffic_mirror_sources=rt-1,rt-2,rt-3,rt-4,rt-5,rt-6,rt-7,rt-8,rt-9,rt-10,rt-11
ctl export > "$NB_DIR/full.json"
# summary FILE: what must survive the round trip (not ids and times).
summary() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = {f["id"]: f["name"] for f in d["traffic_mirror_filters"]}
print(d["quotas"], d["ports"], d["loadbalancers"])
print(sorted((f["name"], sorted((r["direction"], r["priority"], r["protocol"], r["action"]) for r in f["ingress_rules"] + f["egress_rules"])) for f in d["traffic_mirror_filters"]))
print(sorted((s["name"], names[s["traffic_mirror_filter_id"]], sorted(s["traffic_mirror_sources"]), s["traffic_mirror_target_type"], s["traffic_mirror_target_id"], s["priority"], s["virtual_network_id"], s["packet_length"], s["enabled"]) for s in d["traffic_mirror_sessions"]))' "$1"
}
nb_start restore || exit 1
if ctl import "$NB_DIR/full.json" > "$NB_DIR/stdout" 2> "$NB_DIR/stderr"; then
    nb_pass "import of a whole export into a new database"
    ctl export > "$NB_DIR/restored.json"
    expect_text "the new database holds what was exported" \
        "$(summary "$NB_DIR/restored.json")" "$(summary "$NB_DIR/full.json")"
else
    nb_fail "import of a whole export (quota 12, a session of 11 sources) into a new database: $(cat "$NB_DIR/stderr")"
fi

nb_finish
