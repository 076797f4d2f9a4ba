#!/bin/sh
# Every refusal tmirror-ctl can give: each with expect_refused, which also
# checks that nothing was printed and that the database did not change.
# Quotas (seed 000, Table 4) are filled to their limit: the last valid
# write must succeed and the next one must be refused.
. "$(dirname "$0")/lib.sh"

nb_init
nb_start || exit 1

Q="'"                           # For messages that contain a quote.
MIXED="a port can${Q}t be both a mirror source and a mirror target"

# A sessions's UUID by name (the name must be unique).
session_uuid() {
    ctl --format=json session-show "$1" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}

# "p1,p2,...,pN" for N ports named PREFIX1...PREFIXN.
port_list() {
    python3 -c 'import sys; print(",".join("%s%d" % (sys.argv[1], i) for i in range(1, int(sys.argv[2]) + 1)))' "$1" "$2"
}

# ---------------------------------------------------------------------
# Options, commands, argument counts.

expect_refused '--wait: "bogus" is not one of none, hv' ctl --wait=bogus sync
expect_refused '--timeout: "-1" is not a decimal integer in range 0-86400' \
    ctl --timeout=-1 sync
expect_refused '--timeout: 86401 is out of range 0-86400' \
    "$TMIRROR_CTL" --timeout=86401 sync
expect_refused '--format: "xml" is not one of table, json' \
    ctl --format=xml show
expect_refused "unrecognized option '--bogus'" ctl --bogus show
expect_refused "unknown command 'frobnicate'; use --help for help" \
    ctl frobnicate
expect_refused "missing command name (use --help for help)" ctl
expect_refused "'show' takes no arguments" ctl show extra
expect_refused "'init' takes no arguments" ctl init extra
expect_refused "usage: quota-set sources_per_session=N|default" \
    ctl quota-set
expect_refused "usage: quota-set" \
    ctl quota-set sources_per_session=5 sources_per_session=6
expect_refused "usage: import MODEL.json" \
    ctl import
expect_refused "usage: filter-add NAME [KEY=VALUE]..." \
    ctl filter-add
expect_refused "usage: filter-set FILTER KEY=VALUE..." \
    ctl filter-set f
expect_refused "usage: filter-del FILTER" \
    ctl filter-del a b
expect_refused "usage: filter-show FILTER" \
    ctl filter-show
expect_refused "usage: rule-add FILTER DIRECTION PRIORITY ACTION [KEY=VALUE]..." \
    ctl rule-add f ingress 1
expect_refused "usage: rule-set RULE KEY=VALUE..." \
    ctl rule-set r
expect_refused "usage: rule-list FILTER" \
    ctl rule-list
expect_refused "usage: session-add NAME FILTER TARGET-TYPE TARGET PRIORITY [KEY=VALUE]..." \
    ctl session-add a f eni t
expect_refused "usage: session-add-sources SESSION PORT..." \
    ctl session-add-sources s
expect_refused "usage: session-remove-sources" \
    ctl session-remove-sources s
expect_refused "usage: session-enable SESSION" \
    ctl session-enable a b
expect_refused "usage: session-del SESSION" \
    ctl session-del
expect_refused "usage: port-add PORT-ID [KEY=VALUE]..." \
    ctl port-add
expect_refused "usage: port-set PORT-ID KEY=VALUE..." \
    ctl port-set p
expect_refused "usage: lb-del LB-ID" \
    ctl lb-del a b
expect_refused "'hv-list' takes no arguments" ctl hv-list x
expect_refused "usage: validate MODEL.json" \
    ctl validate
expect_refused "usage: compile MODEL.json" \
    ctl compile a b

# ---------------------------------------------------------------------
# The objects the rest works on.

expect_ok ctl filter-add f
F=$OUT
expect_ok ctl filter-add g
G=$OUT
i=1
while [ $i -le 14 ]; do
    ctl port-add src$i fixed_ips=10.0.0.$i > /dev/null \
        || nb_fail "port-add src$i"
    i=$((i + 1))
done
i=1
while [ $i -le 13 ]; do
    ctl port-add q$i fixed_ips=10.0.4.$i > /dev/null || nb_fail "port-add q$i"
    i=$((i + 1))
done
expect_ok ctl port-add src-q fixed_ips=10.0.5.1
expect_ok ctl port-add tgt-a fixed_ips=10.0.1.1
expect_ok ctl port-add tgt-b fixed_ips=10.0.1.2
expect_ok ctl port-add tgt-c fixed_ips=10.0.1.3
expect_ok ctl port-add tgt-e fixed_ips=10.0.1.5
expect_ok ctl port-add noip
expect_ok ctl port-add nomirror fixed_ips=10.0.2.1 \
    traffic_mirroring_supported=false
expect_ok ctl lb-add lb-1 vip_address=192.168.1.25
expect_ok ctl lb-add lb-noudp vip_address=192.168.1.26 udp_supported=false
expect_ok ctl lb-add lb-novip
expect_ok ctl rule-add f ingress 100 accept protocol=tcp \
    destination_port_range=80
R_TCP=$OUT

# ---------------------------------------------------------------------
# KEY=VALUE arguments: unknown key, key twice, missing '='.

expect_refused 'color: not a field that filter-add takes as KEY=VALUE; fields: description project_id' \
    ctl filter-add x color=red
expect_refused 'name: not a field that filter-add takes as KEY=VALUE; fields: description project_id' \
    ctl filter-add x name=y
expect_refused 'color: not a field that filter-set takes as KEY=VALUE; fields: name description project_id' \
    ctl filter-set f color=red
expect_refused 'color: not a field that rule-add takes as KEY=VALUE' \
    ctl rule-add f ingress 1 accept color=red
expect_refused 'color: not a field that rule-set takes as KEY=VALUE' \
    ctl rule-set "$R_TCP" color=red
expect_refused 'color: not a field that session-add takes as KEY=VALUE' \
    ctl session-add s f eni tgt-a 1 color=red
expect_refused 'color: not a field that port-add takes as KEY=VALUE; fields: name mac_address fixed_ips traffic_mirroring_supported' \
    ctl port-add newp color=red
expect_refused 'color: not a field that port-set takes as KEY=VALUE' \
    ctl port-set src1 color=red
expect_refused 'color: not a field that lb-add takes as KEY=VALUE; fields: name vip_address udp_supported' \
    ctl lb-add newlb color=red
expect_refused 'color: not a field that lb-set takes as KEY=VALUE' \
    ctl lb-set lb-1 color=red
expect_refused 'color: not a field that quota-set takes as KEY=VALUE; fields: sources_per_session' \
    ctl quota-set color=red
expect_refused 'description: given more than once' \
    ctl filter-add x description=a description=b
expect_refused 'protocol: given more than once' \
    ctl rule-add f ingress 1 accept protocol=tcp protocol=udp
expect_refused 'priority: given more than once' \
    ctl rule-set "$R_TCP" priority=1 priority=2
expect_refused 'virtual_network_id: given more than once' \
    ctl session-add s f eni tgt-a 1 virtual_network_id=1 virtual_network_id=2
expect_refused 'name: given more than once' \
    ctl port-add newp name=a name=b
expect_refused 'vip_address: given more than once' \
    ctl lb-set lb-1 vip_address=10.0.0.1 vip_address=10.0.0.2
# A KEY that repeats a positional argument is given twice too: the
# positional one must not be overridden silently.
expect_refused 'priority: not a field that session-add takes as KEY=VALUE' \
    ctl session-add s f eni tgt-a 1 priority=3
expect_refused 'direction' ctl rule-add f ingress 7 accept direction=egress
expect_refused 'name' ctl session-add named f eni tgt-a 7 name=renamed
# (If they were accepted, remove what they wrote.)
for r in $(ctl --format=json rule-list f | python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin) if r["priority"] == 7))'); do
    ctl rule-del "$r"
done
ctl session-del renamed > /dev/null 2>&1
expect_refused '"description": expected KEY=VALUE' \
    ctl filter-add x description
expect_refused '"tcp": expected KEY=VALUE' ctl rule-add f ingress 1 accept tcp
expect_refused '"enabled": expected KEY=VALUE' \
    ctl session-add s f eni tgt-a 1 enabled
expect_refused '"name": expected KEY=VALUE' ctl port-add newp name
expect_refused '"udp_supported": expected KEY=VALUE' ctl lb-set lb-1 udp_supported
expect_refused '"sources_per_session": expected KEY=VALUE' \
    ctl quota-set sources_per_session

# ---------------------------------------------------------------------
# Field ranges and syntax.

# Rules.
expect_refused 'priority: 0 is out of range 1-65535' ctl rule-add f ingress 0 accept
expect_refused 'priority: 65536 is out of range 1-65535' \
    ctl rule-add f ingress 65536 accept
expect_ok ctl rule-add f ingress 65535 accept
R_MAX=$OUT
expect_ok ctl rule-add f egress 1 accept
R_MIN=$OUT
expect_refused 'priority: "01" has a leading zero' ctl rule-add f ingress 01 accept
expect_refused 'priority: "x1" is not a decimal integer in range 1-65535' \
    ctl rule-add f ingress x1 accept
expect_refused 'priority: 0 is out of range 1-65535' \
    ctl rule-set "$R_TCP" priority=0
expect_refused 'priority: 65536 is out of range 1-65535' \
    ctl rule-set "$R_TCP" priority=65536
expect_refused 'direction: "up" is not one of ingress, egress' \
    ctl rule-add f up 1 accept
expect_refused 'direction: "sideways" is not one of ingress, egress' \
    ctl rule-set "$R_TCP" direction=sideways
expect_refused 'action: "allow" is not one of accept, reject' \
    ctl rule-add f ingress 1 allow
expect_refused 'protocol: "gre" is not one of tcp, udp, icmp, icmpv6, all' \
    ctl rule-add f ingress 1 accept protocol=gre
expect_refused 'ethertype: "IPv5" is not one of IPv4, IPv6' \
    ctl rule-add f ingress 1 accept ethertype=IPv5
# CIDR blocks.
expect_refused 'source_cidr_block: "10.0.0.1/8" has host bits set past the prefix length (did you mean 10.0.0.0/8?)' \
    ctl rule-add f ingress 1 accept source_cidr_block=10.0.0.1/8
expect_refused 'destination_cidr_block: "2001:db8::1/32" has host bits set past the prefix length (did you mean 2001:db8::/32?)' \
    ctl rule-add f ingress 1 accept ethertype=IPv6 \
    destination_cidr_block=2001:db8::1/32
expect_refused 'source_cidr_block: "foo" is not an IPv4 or IPv6 CIDR block' \
    ctl rule-add f ingress 1 accept source_cidr_block=foo
expect_refused 'source_cidr_block: "10.0.0.0/33" has a prefix length out of range 0-32 for IPv4' \
    ctl rule-add f ingress 1 accept source_cidr_block=10.0.0.0/33
expect_refused 'source_cidr_block: "2001:db8::/129" has a prefix length out of range 0-128 for IPv6' \
    ctl rule-add f ingress 1 accept ethertype=IPv6 \
    source_cidr_block=2001:db8::/129
expect_refused 'destination_cidr_block: "10.0.0.0/x" has an invalid prefix length' \
    ctl rule-set "$R_TCP" destination_cidr_block=10.0.0.0/x
# Port ranges.
expect_refused 'source_port_range: port 0 in "0" is out of range 1-65535' \
    ctl rule-add f ingress 1 accept protocol=tcp source_port_range=0
expect_refused 'destination_port_range: port 0 in "0-80" is out of range 1-65535' \
    ctl rule-add f ingress 1 accept protocol=udp destination_port_range=0-80
expect_refused 'destination_port_range: port 65536 in "65536" is out of range 1-65535' \
    ctl rule-add f ingress 1 accept protocol=tcp destination_port_range=65536
expect_refused 'source_port_range: "80-79" has its start above its end' \
    ctl rule-add f ingress 1 accept protocol=tcp source_port_range=80-79
expect_refused 'destination_port_range: "a-b" is not a port or port range a-b with 1 <= a <= b <= 65535' \
    ctl rule-add f ingress 1 accept protocol=tcp destination_port_range=a-b
expect_refused 'traffic_mirror_filter_rule (new): source_port_range: port ranges are allowed only with protocol tcp or udp, not icmp' \
    ctl rule-add f ingress 1 accept protocol=icmp source_port_range=80
expect_refused 'traffic_mirror_filter_rule (new): destination_port_range: port ranges are allowed only with protocol tcp or udp, not all' \
    ctl rule-add f ingress 1 accept protocol=all destination_port_range=80
expect_refused 'traffic_mirror_filter_rule (new): source_port_range: port ranges are allowed only with protocol tcp or udp, not all' \
    ctl rule-add f ingress 1 accept source_port_range=80
expect_refused "traffic_mirror_filter_rule \"$R_TCP\": destination_port_range: port ranges are allowed only with protocol tcp or udp, not icmp" \
    ctl rule-set "$R_TCP" protocol=icmp
# Protocol and ethertype.
expect_refused 'traffic_mirror_filter_rule (new): protocol: icmpv6 requires ethertype IPv6' \
    ctl rule-add f ingress 1 accept protocol=icmpv6
expect_refused 'traffic_mirror_filter_rule (new): protocol: icmpv6 requires ethertype IPv6' \
    ctl rule-add f ingress 1 accept protocol=icmpv6 ethertype=IPv4
expect_refused 'traffic_mirror_filter_rule (new): protocol: icmp requires ethertype IPv4 (use icmpv6 with IPv6)' \
    ctl rule-add f ingress 1 accept protocol=icmp ethertype=IPv6
expect_ok ctl rule-add f ingress 2 accept protocol=icmpv6 ethertype=IPv6
R_V6=$OUT
expect_refused "traffic_mirror_filter_rule \"$R_V6\": protocol: icmpv6 requires ethertype IPv6" \
    ctl rule-set "$R_V6" ethertype=IPv4
# CIDR family against ethertype.
expect_refused 'traffic_mirror_filter_rule (new): source_cidr_block: an IPv6 prefix does not match ethertype IPv4' \
    ctl rule-add f ingress 1 accept source_cidr_block=2001:db8::/32
expect_refused 'traffic_mirror_filter_rule (new): destination_cidr_block: an IPv4 prefix does not match ethertype IPv6' \
    ctl rule-add f ingress 1 accept ethertype=IPv6 \
    destination_cidr_block=10.0.0.0/8
expect_ok ctl rule-set "$R_TCP" source_cidr_block=10.0.0.0/8
expect_refused "traffic_mirror_filter_rule \"$R_TCP\": source_cidr_block: an IPv4 prefix does not match ethertype IPv6" \
    ctl rule-set "$R_TCP" ethertype=IPv6
# Descriptions of rules.
expect_refused "description: '>' is not allowed (character 2): descriptions may not contain '<' or '>'" \
    ctl rule-add f ingress 1 accept description="a>b"

# Sessions.
expect_refused 'priority: 0 is out of range 1-32766' \
    ctl session-add s f eni tgt-a 0
expect_refused 'priority: 32767 is out of range 1-32766' \
    ctl session-add s f eni tgt-a 32767
expect_refused 'virtual_network_id: 16777216 is out of range 0-16777215' \
    ctl session-add s f eni tgt-a 1 virtual_network_id=16777216
expect_refused 'virtual_network_id: "-1" is not a decimal integer in range 0-16777215' \
    ctl session-add s f eni tgt-a 1 virtual_network_id=-1
expect_refused 'packet_length: 0 is out of range 1-1460' \
    ctl session-add s f eni tgt-a 1 packet_length=0
expect_refused 'packet_length: 1461 is out of range 1-1460' \
    ctl session-add s f eni tgt-a 1 packet_length=1461
expect_refused 'enabled: "maybe" is not one of true, false' \
    ctl session-add s f eni tgt-a 1 enabled=maybe
expect_refused 'traffic_mirror_target_type: "nic" is not one of eni, elb' \
    ctl session-add s f nic tgt-a 1
# The largest and smallest valid values are taken.
expect_ok ctl session-add limits f eni tgt-a 32766 virtual_network_id=16777215 \
    packet_length=1460
S_LIM=$OUT
expect_ok ctl session-set limits priority=1 virtual_network_id=0 packet_length=1
expect_refused 'priority: 32767 is out of range 1-32766' \
    ctl session-set limits priority=32767
expect_refused 'virtual_network_id: 16777216 is out of range 0-16777215' \
    ctl session-set "$S_LIM" virtual_network_id=16777216
expect_refused 'packet_length: 1461 is out of range 1-1460' \
    ctl session-set limits packet_length=1461
expect_refused 'packet_length: 0 is out of range 1-1460' \
    ctl session-set limits packet_length=0
expect_ok ctl session-del limits

# Ports and load balancers.
expect_refused 'mac_address: "zz" is not a MAC address of the form xx:xx:xx:xx:xx:xx' \
    ctl port-add newp mac_address=zz
expect_refused 'mac_address: "fa:16:3e:0:0:1" is not a MAC address of the form xx:xx:xx:xx:xx:xx' \
    ctl port-add newp mac_address=fa:16:3e:0:0:1
expect_refused 'mac_address: "01:00:5e:00:00:01" is a multicast address' \
    ctl port-set src1 mac_address=01:00:5e:00:00:01
expect_refused 'mac_address: "00:00:00:00:00:00" is the all-zeros address' \
    ctl port-set src1 mac_address=00:00:00:00:00:00
expect_refused 'fixed_ips: "300.1.1.1" is not an IPv4 or IPv6 address' \
    ctl port-add newp fixed_ips=300.1.1.1
expect_refused 'fixed_ips: "10.0.0.1/24" is a prefix' \
    ctl port-set src1 fixed_ips=10.0.0.1/24
expect_refused 'vip_address: "bad" is not an IPv4 or IPv6 address' \
    ctl lb-add newlb vip_address=bad
expect_refused 'traffic_mirroring_supported: "yes" is not one of true, false' \
    ctl port-add newp traffic_mirroring_supported=yes
expect_refused 'udp_supported: "no" is not one of true, false' \
    ctl lb-set lb-1 udp_supported=no

# Names, ids and descriptions.
N64=$(python3 -c 'print("n" * 64)')
N65=$(python3 -c 'print("n" * 65)')
D255=$(python3 -c 'print("d" * 255)')
D256=$(python3 -c 'print("d" * 256)')
expect_refused 'name: 65 characters exceed the limit of 64' ctl filter-add "$N65"
expect_ok ctl filter-add "$N64" description="$D255"
expect_refused 'name: 65 characters exceed the limit of 64' \
    ctl filter-set "$N64" name="$N65"
expect_refused "name: ' ' is not allowed (character 4): use only letters, digits, '_', '-' and '.'" \
    ctl filter-add "web filter"
expect_refused 'name: must not be empty (expected 1-64 characters)' ctl filter-add ""
expect_refused 'name: must not be empty (expected 1-64 characters)' \
    ctl filter-set f name=
expect_refused "description: '<' is not allowed (character 2): descriptions may not contain '<' or '>'" \
    ctl filter-add x description="a<b"
expect_refused "description: '<' is not allowed" \
    ctl filter-set f description="<script>"
expect_refused 'description: 256 characters exceed the limit of 255' \
    ctl filter-add x description="$D256"
expect_refused 'name: 65 characters exceed the limit of 64' \
    ctl session-add "$N65" f eni tgt-a 1
expect_refused "name: ' ' is not allowed (character 4)" \
    ctl session-add "bad name" f eni tgt-a 1
expect_refused "description: '<' is not allowed" \
    ctl session-add s f eni tgt-a 1 description="<b>"
expect_refused 'port_id: 65 characters exceed the limit of 64' ctl port-add "$N65"
expect_refused "port_id: ' ' is not allowed (character 4): use only ASCII letters, digits, '_', '-' and '.'" \
    ctl port-add "bad id"
expect_refused "lb_id: '/' is not allowed (character 2)" ctl lb-add "a/b"
expect_refused "name: ' ' is not allowed" ctl port-set src1 name="my port"
expect_refused 'name: 65 characters exceed the limit of 64' \
    ctl lb-set lb-1 name="$N65"

# quota-set.
expect_refused 'sources_per_session: 0 is out of range 1-1000' \
    ctl quota-set sources_per_session=0
expect_refused 'sources_per_session: 1001 is out of range 1-1000' \
    ctl quota-set sources_per_session=1001
expect_refused 'sources_per_session: "ten" is not a decimal integer in range 1-1000' \
    ctl quota-set sources_per_session=ten
expect_refused 'sources_per_session: expected an integer in range 1-1000, got an empty string' \
    ctl quota-set sources_per_session=

# ---------------------------------------------------------------------
# References.

expect_refused 'no traffic_mirror_filter "nope"' ctl session-add s nope eni tgt-a 1
expect_refused 'no traffic_mirror_filter "nope"' ctl rule-add nope ingress 1 accept
expect_refused 'no traffic_mirror_filter "nope"' ctl rule-list nope
expect_refused 'no traffic_mirror_filter "nope"' ctl filter-show nope
expect_refused 'no traffic_mirror_filter "nope"' ctl filter-set nope description=x
expect_refused 'no traffic_mirror_filter "nope"' ctl filter-del nope
expect_refused 'no traffic_mirror_filter "00000000-0000-0000-0000-000000000000"' \
    ctl filter-del 00000000-0000-0000-0000-000000000000
expect_refused 'traffic_mirror_target_id: no port "nope"' \
    ctl session-add s f eni nope 1
expect_refused 'traffic_mirror_target_id: no loadbalancer "nope"' \
    ctl session-add s f elb nope 1
# Ports and load balancers are separate id spaces.
expect_refused 'traffic_mirror_target_id: no loadbalancer "tgt-a"' \
    ctl session-add s f elb tgt-a 1
expect_refused 'traffic_mirror_target_id: no port "lb-1"' \
    ctl session-add s f eni lb-1 1
expect_refused 'traffic_mirror_sources: no port "ghost"' \
    ctl session-add s f eni tgt-a 1 traffic_mirror_sources=src1,ghost
expect_ok ctl session-add ref f eni tgt-a 1 traffic_mirror_sources=src1
S_REF=$OUT
expect_refused 'traffic_mirror_sources: no port "ghost"' \
    ctl session-add-sources ref ghost
expect_refused 'traffic_mirror_sources: no port "ghost"' \
    ctl session-set ref traffic_mirror_sources=src1,ghost
expect_refused 'no traffic_mirror_filter "nope"' \
    ctl session-set ref traffic_mirror_filter_id=nope
expect_refused 'traffic_mirror_target_id: no port "nope"' \
    ctl session-set ref traffic_mirror_target_id=nope
expect_refused 'traffic_mirror_target_id: no loadbalancer "tgt-a"' \
    ctl session-set ref traffic_mirror_target_type=elb
expect_refused 'no traffic_mirror_session "nope"' ctl session-show nope
expect_refused 'no traffic_mirror_session "nope"' ctl session-set nope priority=1
expect_refused 'no traffic_mirror_session "nope"' ctl session-enable nope
expect_refused 'no traffic_mirror_session "nope"' ctl session-disable nope
expect_refused 'no traffic_mirror_session "nope"' ctl session-add-sources nope src2
expect_refused 'no traffic_mirror_session "nope"' ctl session-remove-sources nope src1
expect_refused 'no traffic_mirror_session "nope"' ctl session-del nope
expect_refused 'no traffic_mirror_filter_rule "nope"' ctl rule-set nope priority=1
expect_refused 'no traffic_mirror_filter_rule "00000000-0000-0000-0000-000000000000"' \
    ctl rule-del 00000000-0000-0000-0000-000000000000
expect_refused 'no port "nope"' ctl port-set nope name=x
expect_refused 'no port "nope"' ctl port-del nope
expect_refused 'no loadbalancer "nope"' ctl lb-set nope name=x
expect_refused 'no loadbalancer "nope"' ctl lb-del nope
expect_refused 'port "src1" already exists' ctl port-add src1
expect_refused 'loadbalancer "lb-1" already exists' ctl lb-add lb-1
# One target and one filter per session: a list is not an id.
expect_refused "traffic_mirror_target_id: ',' is not allowed" \
    ctl session-set ref traffic_mirror_target_id=tgt-a,tgt-b
expect_refused 'no traffic_mirror_filter "f,g"' \
    ctl session-set ref traffic_mirror_filter_id=f,g
# In use.
expect_refused "traffic_mirror_filter \"$F\" is used by traffic_mirror_session \"$S_REF\" (ref): delete the session or give it another filter first" \
    ctl filter-del f
expect_refused "port \"src1\" is the mirror source of traffic_mirror_session \"$S_REF\" (ref): remove it from the session first" \
    ctl port-del src1
expect_refused "port \"tgt-a\" is the mirror target of traffic_mirror_session \"$S_REF\" (ref): remove it from the session first" \
    ctl port-del tgt-a
expect_ok ctl session-add to-lb f elb lb-1 1
S_LB=$OUT
expect_refused "loadbalancer \"lb-1\" is the mirror target of traffic_mirror_session \"$S_LB\" (to-lb): change the session's target first" \
    ctl lb-del lb-1
# Sources: adding one twice, removing a non-source.
expect_refused 'traffic_mirror_sources: port "src1" is already a source of this session' \
    ctl session-add-sources ref src1
expect_refused 'traffic_mirror_sources: port "src2" is not a source of this session' \
    ctl session-remove-sources ref src2
expect_refused 'traffic_mirror_sources: port "src1" is not a source of this session' \
    ctl session-remove-sources to-lb src1
# A source listed twice in one request (model files refuse it).
expect_refused 'traffic_mirror_sources: port "src2" is listed more than once' \
    ctl session-add twice f eni tgt-a 2 traffic_mirror_sources=src2,src2
ctl session-del twice > /dev/null 2>&1
expect_ok ctl session-del ref
expect_ok ctl session-del to-lb
# Nothing is left of them.
expect_eq "sessions left" "$(ctl session-list)" ""

# ---------------------------------------------------------------------
# Constraints.

# A port can't be both a source and a target, in either order.
expect_ok ctl session-add src-of-3 f eni tgt-a 1 traffic_mirror_sources=src3
S_SRC3=$OUT
expect_refused "traffic_mirror_session (new): traffic_mirror_target_id: port \"src3\" is a mirror source; $MIXED" \
    ctl session-add tgt-is-src f eni src3 2
expect_refused "traffic_mirror_session (new): traffic_mirror_sources: port \"tgt-a\" is the mirror target of session \"$S_SRC3\"; $MIXED" \
    ctl session-add src-is-tgt f eni tgt-b 2 traffic_mirror_sources=tgt-a
expect_refused "traffic_mirror_session (new): traffic_mirror_target_id: port \"src4\" is a mirror source; $MIXED" \
    ctl session-add self f eni src4 2 traffic_mirror_sources=src4
expect_ok ctl session-add later f eni tgt-b 5
S_LATER=$OUT
expect_refused "traffic_mirror_session \"$S_LATER\": traffic_mirror_target_id: port \"src3\" is a mirror source; $MIXED" \
    ctl session-set later traffic_mirror_target_id=src3
expect_refused "traffic_mirror_session \"$S_LATER\": traffic_mirror_sources: port \"tgt-a\" is the mirror target of session \"$S_SRC3\"; $MIXED" \
    ctl session-add-sources later tgt-a
expect_refused "traffic_mirror_session \"$S_SRC3\": traffic_mirror_sources: port \"tgt-b\" is the mirror target of session \"$S_LATER\"; $MIXED" \
    ctl session-add-sources src-of-3 tgt-b

# A source's flavor must support mirroring.
expect_refused 'traffic_mirror_session (new): traffic_mirror_sources: port "nomirror" can'"'"'t be a mirror source: its flavor does not support traffic mirroring (traffic_mirroring_supported is false)' \
    ctl session-add s f eni tgt-a 9 traffic_mirror_sources=nomirror
expect_refused "traffic_mirror_session \"$S_SRC3\": traffic_mirror_sources: port \"nomirror\" can't be a mirror source" \
    ctl session-add-sources src-of-3 nomirror
expect_refused "traffic_mirror_session \"$S_SRC3\": traffic_mirror_sources: port \"src3\" can't be a mirror source" \
    ctl port-set src3 traffic_mirroring_supported=false

# Targets need an address; a load balancer must accept UDP.
expect_refused 'traffic_mirror_session (new): traffic_mirror_target_id: target port "noip" has no IP address to send the mirrored traffic to' \
    ctl session-add s f eni noip 9
expect_refused "traffic_mirror_session \"$S_SRC3\": traffic_mirror_target_id: target port \"tgt-a\" has no IP address" \
    ctl port-set tgt-a fixed_ips=
expect_refused 'traffic_mirror_session (new): traffic_mirror_target_id: loadbalancer "lb-noudp" does not accept UDP (udp_supported is false); mirrored traffic is VXLAN over UDP 4789' \
    ctl session-add s f elb lb-noudp 9
expect_refused 'traffic_mirror_session (new): traffic_mirror_target_id: loadbalancer "lb-novip" has no vip_address' \
    ctl session-add s f elb lb-novip 9
expect_ok ctl session-add elb-1 f elb lb-1 9
S_ELB1=$OUT
expect_refused "traffic_mirror_session \"$S_ELB1\": traffic_mirror_target_id: loadbalancer \"lb-1\" does not accept UDP" \
    ctl lb-set lb-1 udp_supported=false
expect_refused "traffic_mirror_session \"$S_ELB1\": traffic_mirror_target_id: loadbalancer \"lb-1\" has no vip_address" \
    ctl lb-set lb-1 vip_address=
expect_refused "traffic_mirror_session \"$S_ELB1\": traffic_mirror_target_id: loadbalancer \"lb-noudp\" does not accept UDP" \
    ctl session-set elb-1 traffic_mirror_target_id=lb-noudp

# Session priorities: distinct among sessions that share a source, free
# otherwise.
expect_refused "traffic_mirror_session (new): priority: 1 is already the priority of session \"$S_SRC3\", which shares source port \"src3\"; sessions of one source need distinct priorities (1-32766)" \
    ctl session-add same-prio f eni tgt-b 1 traffic_mirror_sources=src3
expect_ok ctl session-add other-src f eni tgt-b 1 traffic_mirror_sources=src5
S_SRC5=$OUT
expect_ok ctl session-add no-src f eni tgt-b 1
expect_refused "traffic_mirror_session \"$S_SRC5\": priority: 1 is already the priority of session \"$S_SRC3\", which shares source port \"src3\"" \
    ctl session-add-sources other-src src3
expect_ok ctl session-add prio-2 f eni tgt-b 2 traffic_mirror_sources=src3
S_P2=$OUT
expect_refused "traffic_mirror_session \"$S_P2\": priority: 1 is already the priority of session \"$S_SRC3\", which shares source port \"src3\"" \
    ctl session-set prio-2 priority=1
# The session being changed is the older one: the error must still name
# it, not the other session.
expect_refused "traffic_mirror_session \"$S_SRC3\": priority: 2 is already the priority of session \"$S_P2\", which shares source port \"src3\"" \
    ctl session-set src-of-3 priority=2
expect_ok ctl session-set src-of-3 priority=3

# Rule priorities: unique per filter and direction.
expect_refused "traffic_mirror_filter_rule (new): priority: 100 is already used by ingress rule \"$R_TCP\" of the same filter; priorities must be unique per filter and direction (1-65535)" \
    ctl rule-add f ingress 100 reject
expect_ok ctl rule-add f egress 100 reject
R_E100=$OUT
expect_ok ctl rule-add g ingress 100 reject
expect_refused "traffic_mirror_filter_rule \"$R_E100\": priority: 1 is already used by egress rule \"$R_MIN\" of the same filter" \
    ctl rule-set "$R_E100" priority=1
expect_refused "traffic_mirror_filter_rule \"$R_E100\": priority: 100 is already used by ingress rule \"$R_TCP\" of the same filter" \
    ctl rule-set "$R_E100" direction=ingress
# The rule being changed is the older one.
expect_refused "traffic_mirror_filter_rule \"$R_MIN\": priority: 100 is already used by egress rule \"$R_E100\" of the same filter" \
    ctl rule-set "$R_MIN" priority=100

# ---------------------------------------------------------------------
# Quota: sources per session, 10 by default, adjustable.

expect_ok ctl session-add ten f eni tgt-c 50 \
    traffic_mirror_sources="$(port_list q 10)"
S_TEN=$OUT
expect_eq "sources of the full session" \
    "$(ctl --format=json session-show ten | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["traffic_mirror_sources"]))')" 10
expect_refused 'traffic_mirror_session (new): traffic_mirror_sources: 11 sources exceed the quota of 10 per session' \
    ctl session-add eleven f eni tgt-c 51 traffic_mirror_sources="$(port_list q 11)"
expect_refused "traffic_mirror_session \"$S_TEN\": traffic_mirror_sources: 11 sources exceed the quota of 10 per session" \
    ctl session-add-sources ten q11
expect_refused "traffic_mirror_session \"$S_TEN\": traffic_mirror_sources: 11 sources exceed the quota of 10 per session" \
    ctl session-set ten traffic_mirror_sources="$(port_list q 11)"
expect_refused "traffic_mirror_session \"$S_TEN\": traffic_mirror_sources: 12 sources exceed the quota of 10 per session" \
    ctl session-add-sources ten q11 q12
expect_ok ctl quota-set sources_per_session=12
expect_ok ctl session-add-sources ten q11
expect_ok ctl session-add-sources ten q12
expect_eq "sources of the session at the raised quota" \
    "$(ctl --format=json session-show ten | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["traffic_mirror_sources"]))')" 12
expect_refused "traffic_mirror_session \"$S_TEN\": traffic_mirror_sources: 13 sources exceed the quota of 12 per session" \
    ctl session-add-sources ten q13
expect_refused 'traffic_mirror_session (new): traffic_mirror_sources: 13 sources exceed the quota of 12 per session' \
    ctl session-add thirteen f eni tgt-c 52 traffic_mirror_sources="$(port_list q 13)"
# Lowering the quota below what a session uses is refused.
expect_refused "traffic_mirror_session \"$S_TEN\": traffic_mirror_sources: 12 sources exceed the quota of 11 per session" \
    ctl quota-set sources_per_session=11
expect_refused "traffic_mirror_session \"$S_TEN\": traffic_mirror_sources: 12 sources exceed the quota of 10 per session" \
    ctl quota-set sources_per_session=default
expect_ok ctl session-remove-sources ten q11 q12
expect_ok ctl quota-set sources_per_session=default

# Quota: 3 sessions per source (src-q).
expect_ok ctl session-add per-src-1 f eni tgt-b 11 traffic_mirror_sources=src-q
expect_ok ctl session-add per-src-2 f eni tgt-b 12 traffic_mirror_sources=src-q
expect_ok ctl session-add per-src-3 f eni tgt-b 13 traffic_mirror_sources=src-q
expect_refused 'traffic_mirror_session (new): traffic_mirror_sources: port "src-q" would be a source of 4 sessions, the quota is 3 per source' \
    ctl session-add per-src-4 f eni tgt-b 14 traffic_mirror_sources=src-q
expect_ok ctl session-add per-src-5 f eni tgt-b 15 traffic_mirror_sources=q13
S_PS5=$OUT
expect_refused "traffic_mirror_session \"$S_PS5\": traffic_mirror_sources: port \"src-q\" would be a source of 4 sessions, the quota is 3 per source" \
    ctl session-add-sources per-src-5 src-q
expect_refused "traffic_mirror_session \"$S_PS5\": traffic_mirror_sources: port \"src-q\" would be a source of 4 sessions, the quota is 3 per source" \
    ctl session-set per-src-5 traffic_mirror_sources=q13,src-q
# The session that gets the 4th is older than the three: the error must
# still be about it.
expect_refused "traffic_mirror_session \"$S_LATER\": traffic_mirror_sources: port \"src-q\" would be a source of 4 sessions, the quota is 3 per source" \
    ctl session-add-sources later src-q

# Quota: 10 sessions per network interface target.
i=1
while [ $i -le 10 ]; do
    ctl session-add eni-$i f eni tgt-e $i > /dev/null \
        || nb_fail "session-add eni-$i (target tgt-e, session $i of 10)"
    i=$((i + 1))
done
expect_eq "sessions on tgt-e" \
    "$(ctl --format=json session-list | python3 -c 'import json,sys; print(sum(s["traffic_mirror_target_id"] == "tgt-e" for s in json.load(sys.stdin)))')" 10
expect_refused 'traffic_mirror_session (new): traffic_mirror_target_id: port "tgt-e" would be the target of 11 sessions, the quota is 10 per network interface target' \
    ctl session-add eni-11 f eni tgt-e 11
expect_ok ctl session-add eni-spare f eni tgt-b 99
S_SPARE=$OUT
expect_refused "traffic_mirror_session \"$S_SPARE\": traffic_mirror_target_id: port \"tgt-e\" would be the target of 11 sessions, the quota is 10 per network interface target" \
    ctl session-set eni-spare traffic_mirror_target_id=tgt-e

# Quota: 200 sessions per load balancer target (elb-1 is one already).
expect_ok ctl lb-add lb-200 vip_address=192.168.2.1
i=1
while [ $i -le 200 ]; do
    ctl session-add elb-$i g elb lb-200 $i > /dev/null \
        || nb_fail "session-add elb-$i (target lb-200, session $i of 200)"
    i=$((i + 1))
done
expect_eq "sessions on lb-200" \
    "$(ctl --format=json session-list | python3 -c 'import json,sys; print(sum(s["traffic_mirror_target_id"] == "lb-200" for s in json.load(sys.stdin)))')" 200
expect_refused 'traffic_mirror_session (new): traffic_mirror_target_id: loadbalancer "lb-200" would be the target of 201 sessions, the quota is 200 per load balancer target' \
    ctl session-add elb-201 g elb lb-200 201
expect_ok ctl session-add elb-spare g elb lb-1 300
S_ESPARE=$OUT
expect_refused "traffic_mirror_session \"$S_ESPARE\": traffic_mirror_target_id: loadbalancer \"lb-200\" would be the target of 201 sessions, the quota is 200 per load balancer target" \
    ctl session-set elb-spare traffic_mirror_target_id=lb-200
# A port and a load balancer with the same id are different targets.
expect_ok ctl port-add lb-200 fixed_ips=10.0.3.1
expect_ok ctl session-add eni-lb-200 g eni lb-200 1

# Quota: 10 ingress and 10 egress rules per filter.
expect_ok ctl filter-add rules
F_RULES=$OUT
i=1
while [ $i -le 10 ]; do
    ctl rule-add rules ingress $i accept > "$NB_DIR/rule" \
        || nb_fail "rule-add ingress $i of 10"
    eval "RI_$i=\$(cat \"\$NB_DIR/rule\")"
    [ $i -le 9 ] && { ctl rule-add rules egress $i accept > /dev/null \
        || nb_fail "rule-add egress $i of 9"; }
    i=$((i + 1))
done
expect_ok ctl rule-add rules egress 10 accept
RE_10=$OUT
expect_refused "traffic_mirror_filter \"$F_RULES\": ingress_rules: more than 10 rules in this direction (quota 10)" \
    ctl rule-add rules ingress 11 accept
expect_refused "traffic_mirror_filter \"$F_RULES\": egress_rules: more than 10 rules in this direction (quota 10)" \
    ctl rule-add rules egress 11 accept
# Moving an 11th rule into a full direction.
expect_refused "traffic_mirror_filter \"$F_RULES\": egress_rules: more than 10 rules in this direction (quota 10)" \
    ctl rule-set "$RI_10" direction=egress
expect_refused "traffic_mirror_filter \"$F_RULES\": egress_rules: more than 10 rules in this direction (quota 10)" \
    ctl rule-set "$RI_10" direction=egress priority=11
# Changing a rule of a full direction without moving it is fine, and so is
# moving one into a direction with room.
expect_ok ctl rule-set "$RI_10" description=still-ingress priority=20
expect_ok ctl rule-del "$RE_10"
expect_ok ctl rule-set "$RI_10" direction=egress
expect_ok ctl rule-add rules ingress 10 accept
expect_refused "traffic_mirror_filter \"$F_RULES\": ingress_rules: more than 10 rules in this direction (quota 10)" \
    ctl rule-set "$RI_10" direction=ingress priority=30
expect_eq "rules per direction" \
    "$(ctl --format=json filter-show rules | python3 -c 'import json,sys; d = json.load(sys.stdin); print(len(d["ingress_rules"]), len(d["egress_rules"]))')" \
    "10 10"

# ---------------------------------------------------------------------
# import: errors and the sessions-per-filter quota (1,000), in one write.

expect_refused 'error opening "/nonexistent/model.json"' \
    ctl import /nonexistent/model.json
echo '{' > "$NB_DIR/broken.json"
expect_refused 'broken.json: line 1' ctl import "$NB_DIR/broken.json"
echo '{"bogus": 1}' > "$NB_DIR/unknown.json"
expect_refused 'bogus: unknown member' ctl import "$NB_DIR/unknown.json"
echo '{"traffic_mirror_sessions": [{"id": "s", "traffic_mirror_filter_id": "nof", "traffic_mirror_target_type": "eni", "traffic_mirror_target_id": "tgt-b", "priority": 5}]}' \
    > "$NB_DIR/noref.json"
expect_refused 'traffic_mirror_sessions[0] ("s"): traffic_mirror_filter_id: no traffic_mirror_filter "nof"' \
    ctl import "$NB_DIR/noref.json"
expect_refused 'noref.json: traffic_mirror_session "s": traffic_mirror_filter_id: no traffic_mirror_filter "nof"' \
    ctl validate "$NB_DIR/noref.json"
# An import is validated with what is there: src3 is already in 2 sessions.
echo '{"traffic_mirror_filters": [{"id": "imp"}], "traffic_mirror_sessions": [{"id": "a", "traffic_mirror_filter_id": "imp", "traffic_mirror_target_type": "eni", "traffic_mirror_target_id": "tgt-c", "priority": 100, "traffic_mirror_sources": ["src3"]}, {"id": "b", "traffic_mirror_filter_id": "imp", "traffic_mirror_target_type": "eni", "traffic_mirror_target_id": "tgt-c", "priority": 101, "traffic_mirror_sources": ["src3"]}]}' \
    > "$NB_DIR/over.json"
expect_refused 'port "src3" would be a source of 4 sessions, the quota is 3 per source' \
    ctl import "$NB_DIR/over.json"
# ...and the error names the imported session by its id in the file.
expect_refused '"b"' ctl import "$NB_DIR/over.json"

# gen_model N FILE: one filter "bulk" with N sessions on load balancers
# bulk-lb-K (200 each).
gen_model() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
n = int(sys.argv[1])
lbs = [{"id": "bulk-lb-%d" % i, "vip_address": "10.8.0.%d" % (i + 1)}
       for i in range((n + 199) // 200)]
sessions = [{"id": "bulk-%d" % i, "traffic_mirror_filter_id": "bulk",
             "traffic_mirror_target_type": "elb",
             "traffic_mirror_target_id": "bulk-lb-%d" % (i // 200),
             "priority": 1} for i in range(n)]
json.dump({"loadbalancers": lbs,
           "traffic_mirror_filters": [{"id": "bulk", "name": "bulk"}],
           "traffic_mirror_sessions": sessions}, open(sys.argv[2], "w"))
EOF
}
gen_model 1001 "$NB_DIR/m1001.json"
gen_model 1000 "$NB_DIR/m1000.json"
expect_refused 'would be used by 1001 sessions, the quota is 1000 per filter' \
    ctl import "$NB_DIR/m1001.json"
expect_refused 'm1001.json: traffic_mirror_session "bulk-1000": traffic_mirror_filter_id: filter "bulk" would be used by 1001 sessions, the quota is 1000 per filter' \
    ctl validate "$NB_DIR/m1001.json"
expect_ok ctl import "$NB_DIR/m1000.json"
expect_eq "import of 1000 sessions" "$OUT" \
    "imported 1 filters, 1000 sessions, 0 ports, 5 load balancers"
F_BULK=$(ctl --format=json filter-show bulk \
         | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
expect_ok ctl lb-add lb-extra vip_address=10.9.0.1
expect_refused "traffic_mirror_session (new): traffic_mirror_filter_id: filter \"$F_BULK\" would be used by 1001 sessions, the quota is 1000 per filter" \
    ctl session-add one-more bulk elb lb-extra 1
expect_ok ctl session-add one-more f elb lb-extra 1
S_ONE=$OUT
expect_refused "traffic_mirror_session \"$S_ONE\": traffic_mirror_filter_id: filter \"$F_BULK\" would be used by 1001 sessions, the quota is 1000 per filter" \
    ctl session-set one-more traffic_mirror_filter_id=bulk

# ---------------------------------------------------------------------
# Quota: 20,000 sessions per region, on a database of its own.  Importing
# 20,000 sessions through tmirror-ctl takes longer than this test can
# (see the report), so the first 19,999 are written straight into the
# database in one OVSDB transaction, then tmirror-ctl adds the 20,000th
# and must refuse the 20,001st.

nb_start region || exit 1
python3 - "$NB_DIR/region/tmirror_nb.sock" 19999 <<'EOF'
import json, socket, sys
path, n = sys.argv[1], int(sys.argv[2])
ops = ["TMirror_Northbound"]
for i in range((n + 999) // 1000):
    ops.append({"op": "insert", "table": "Filter", "uuid-name": "f%d" % i,
                "row": {"name": "bulk%d" % i,
                        "created_at": "2020-01-01T00:00:00Z",
                        "updated_at": "2020-01-01T00:00:00Z"}})
for i in range((n + 199) // 200):
    ops.append({"op": "insert", "table": "Load_Balancer", "uuid-name": "l%d" % i,
                "row": {"lb_id": "blb%d" % i,
                        "vip": "10.8.%d.%d" % (i // 250, i % 250 + 1)}})
for i in range(n):
    ops.append({"op": "insert", "table": "Session",
                "row": {"name": "bulk%d" % i,
                        "filter": ["named-uuid", "f%d" % (i // 1000)],
                        "target_type": "elb",
                        "target_lb": ["named-uuid", "l%d" % (i // 200)],
                        "virtual_network_id": 1, "packet_length": 96,
                        "priority": 1, "type": "eni", "cookie_key": i + 1}})
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
s.sendall(json.dumps({"method": "transact", "params": ops, "id": 1}).encode())
dec, buf = json.JSONDecoder(), ""
while True:
    chunk = s.recv(1 << 20)
    if not chunk:
        sys.exit("region setup: connection closed")
    buf += chunk.decode()
    try:
        msg, _ = dec.raw_decode(buf.lstrip())
    except ValueError:
        continue
    break
errors = [r for r in msg.get("result") or [] if r and "error" in r]
if msg.get("error") or errors:
    sys.exit("region setup failed: %s" % json.dumps(msg)[:500])
EOF
expect_eq "sessions written directly" \
    "$(ctl --format=json session-list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 19999
expect_ok ctl lb-add lb-last vip_address=10.77.0.1
expect_ok ctl filter-add last
expect_ok ctl session-add s-20000 last elb lb-last 1
expect_refused 'traffic_mirror_sessions: 20001 sessions exceed the quota of 20000 per region' \
    ctl session-add s-20001 last elb lb-last 2
echo '{"traffic_mirror_filters": [{"id": "x"}], "traffic_mirror_sessions": [{"id": "s-20001", "traffic_mirror_filter_id": "x", "traffic_mirror_target_type": "elb", "traffic_mirror_target_id": "lb-last", "priority": 3}]}' \
    > "$NB_DIR/one.json"
expect_refused 'traffic_mirror_sessions: 20001 sessions exceed the quota of 20000 per region' \
    ctl import "$NB_DIR/one.json"
expect_ok ctl session-del s-20000
expect_ok ctl import "$NB_DIR/one.json"
python3 - "$NB_DIR/m20001.json" <<'EOF'
import json, sys
n = 20001
json.dump({"loadbalancers": [{"id": "l%d" % i, "vip_address": "10.8.%d.%d" % (i // 250, i % 250 + 1)} for i in range(101)],
           "traffic_mirror_filters": [{"id": "f%d" % i} for i in range(21)],
           "traffic_mirror_sessions": [{"id": "s%d" % i, "traffic_mirror_filter_id": "f%d" % (i // 1000),
                                        "traffic_mirror_target_type": "elb", "traffic_mirror_target_id": "l%d" % (i // 200),
                                        "priority": 1} for i in range(n)]},
          open(sys.argv[1], "w"))
EOF
expect_refused 'm20001.json: traffic_mirror_sessions: 20001 sessions exceed the quota of 20000 per region' \
    ctl validate "$NB_DIR/m20001.json"

# The first write to a fresh database (no TM_Global row yet) that the
# server would refuse must be refused at once with the reason, not taken
# for two first writers racing (it used to wait for --timeout, or forever).
nb_start fresh
bad=$(printf '\377\376')
start=$(date +%s)
expect_refused 'project_id: invalid UTF-8' \
    ctl --timeout=20 filter-add f1 "project_id=$bad"
expect_refused 'project_id: ' ctl filter-add f1 "project_id=has space"
took=$(( $(date +%s) - start ))
if [ "$took" -lt 10 ]; then
    nb_pass "refused promptly (${took}s)"
else
    nb_fail "took ${took}s to refuse"
fi
printf '{"traffic_mirror_filters": [{"id": "f", "project_id": "%s"}]}\n' \
    "$bad" > "$NB_DIR/bad-utf8.json"
expect_refused 'traffic_mirror_filters[0].project_id: invalid UTF-8' \
    ctl import "$NB_DIR/bad-utf8.json"
expect_ok ctl filter-add f1 project_id=0123456789abcdef0123456789abcdef

nb_finish
