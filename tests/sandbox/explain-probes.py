#!/usr/bin/env python3
"""Packets to trace for one golden case (tests/sandbox/test-explain.sh).

usage: explain-probes.py MODEL.json BINDINGS.json

Prints one probe a line: "SOURCE DIRECTION IN-PORT FLOW", where IN-PORT is
"-" (the default) or an --in-port value.  For every bound source and both
directions, and every rule of every session that lists the source (enabled
or not, either direction, since a rule of one direction is a miss in the
other): packets at both ends of each CIDR block and port range (hits, if
nothing before decides), and packets that miss on one field at a time:
just outside each CIDR block and port range, another protocol, the other
ethertype; plus a non-IP frame.  Inbound packets enter from LOCAL, the
uplink and the other bound ports in turn (a bound port's outbound stage
sees them first); outbound packets go to an unknown MAC, another bound
port's MAC and broadcast in turn (the receivers' inbound stages see them
too).  The probes know nothing of the verdicts: the test compares
"tmirror-ctl trace" with ofproto/trace on each.
"""
import ipaddress
import itertools
import json
import sys

VXLAN_PORT = 4789
DEFAULT_ADDR = {4: "10.200.0.1", 6: "2001:db8:200::1"}
KEYWORDS = {
    (4, "tcp"): "tcp", (4, "udp"): "udp", (4, "icmp"): "icmp",
    (4, "all"): "ip", (6, "tcp"): "tcp6", (6, "udp"): "udp6",
    (6, "icmpv6"): "icmp6", (6, "all"): "ipv6",
}
OTHER_PROTOCOL = {"tcp": "udp", "udp": "tcp", "icmp": "tcp",
                  "icmpv6": "udp", "all": None}


def ends(cidr, version):
    """Addresses at both ends of 'cidr' and just outside them."""
    if not cidr:
        return [DEFAULT_ADDR[version]], []
    net = ipaddress.ip_network(cidr, strict=False)
    inside = [str(net.network_address), str(net.broadcast_address)]
    outside = []
    first, last = int(net.network_address), int(net.broadcast_address)
    top = (1 << net.max_prefixlen) - 1
    if first > 0:
        outside.append(str(ipaddress.ip_address(first - 1)
                           if version == 4 else
                           ipaddress.IPv6Address(first - 1)))
    if last < top:
        outside.append(str(ipaddress.ip_address(last + 1)
                           if version == 4 else
                           ipaddress.IPv6Address(last + 1)))
    return sorted(set(inside)), outside


def port_ends(text):
    """Ports at both ends of range 'text' ("a-b") and just outside."""
    if not text:
        return [40000], []
    lo, hi = (int(x) for x in text.split("-"))
    outside = [p for p in (lo - 1, hi + 1) if 0 <= p <= 65535]
    return sorted({lo, hi}), outside


def flow(version, protocol, src, dst, sport, dport):
    keyword = KEYWORDS.get((version, protocol))
    if keyword is None:
        # icmp over IPv6 or icmpv6 over IPv4: the other family's ICMP.
        keyword = "icmp6" if version == 6 else "icmp"
        protocol = "icmp"
    fields = [keyword]
    prefix = "nw" if version == 4 else "ipv6"
    fields += ["%s_src=%s" % (prefix, src), "%s_dst=%s" % (prefix, dst)]
    if keyword in ("ip", "ipv6"):
        # "all": a UDP packet is as good as any.
        fields[0] = "udp" if version == 4 else "udp6"
        protocol = "udp"
    if protocol in ("tcp", "udp"):
        fields += ["%s_src=%d" % (protocol, sport),
                   "%s_dst=%d" % (protocol, dport)]
    elif keyword in ("icmp", "icmp6"):
        fields += ["icmp_type=8" if keyword == "icmp" else "icmpv6_type=128"]
    return ",".join(fields)


def rule_flows(rule):
    version = 6 if rule.get("ethertype", "IPv4") == "IPv6" else 4
    protocol = rule.get("protocol", "all")
    srcs, srcs_out = ends(rule.get("source_cidr_block"), version)
    dsts, dsts_out = ends(rule.get("destination_cidr_block"), version)
    sports, sports_out = port_ends(rule.get("source_port_range"))
    dports, dports_out = port_ends(rule.get("destination_port_range"))

    # Hits: each end of every dimension at least once.
    n = max(len(srcs), len(dsts), len(sports), len(dports))
    for i in range(n):
        yield flow(version, protocol, srcs[i % len(srcs)],
                   dsts[i % len(dsts)], sports[i % len(sports)],
                   dports[i % len(dports)])
    # Misses, one field at a time.
    for src in srcs_out:
        yield flow(version, protocol, src, dsts[0], sports[0], dports[0])
    for dst in dsts_out:
        yield flow(version, protocol, srcs[0], dst, sports[0], dports[0])
    for sport in sports_out:
        yield flow(version, protocol, srcs[0], dsts[0], sport, dports[0])
    for dport in dports_out:
        yield flow(version, protocol, srcs[0], dsts[0], sports[0], dport)
    other = OTHER_PROTOCOL[protocol]
    if other:
        yield flow(version, other, srcs[0], dsts[0], sports[0], dports[0])
    other_version = 10 - version
    yield flow(other_version, protocol, DEFAULT_ADDR[other_version],
               DEFAULT_ADDR[other_version], sports[0], dports[0])


def main():
    model = json.load(open(sys.argv[1]))
    bindings = json.load(open(sys.argv[2]))
    if bindings.get("mirror_only"):
        return
    bound = bindings.get("ports", {})
    macs = {p["id"]: p.get("mac_address") for p in model.get("ports", [])}
    rules = {}
    for f in model.get("traffic_mirror_filters", []):
        rules[f["id"]] = (f.get("ingress_rules", [])
                          + f.get("egress_rules", []))

    in_ports = ["-"] + ([str(bindings["uplink"])]
                        if bindings.get("uplink") else [])
    for source in sorted(bound):
        sessions = [s for s in model.get("traffic_mirror_sessions", [])
                    if source in s.get("traffic_mirror_sources", [])]
        if not sessions:
            continue
        flows = []
        for s in sessions:
            for rule in rules.get(s.get("traffic_mirror_filter_id"), []):
                flows += [f for f in rule_flows(rule) if f not in flows]
        flows.append("arp")

        others = [p for p in sorted(bound) if p != source]
        ingress_from = itertools.cycle(in_ports + others)
        egress_to = itertools.cycle(
            [None, "ff:ff:ff:ff:ff:ff"]
            + [macs[p] for p in others if macs.get(p)])
        for f in flows:
            in_port = next(ingress_from)
            # From LOCAL, UDP to 4789 is taken for a returning mirror copy.
            if in_port == "-" and "udp_dst=%d" % VXLAN_PORT in f:
                in_port = next(ingress_from)
            print(source, "ingress", in_port, f)
            dl_dst = next(egress_to)
            print(source, "egress", "-",
                  ("dl_dst=%s," % dl_dst if dl_dst else "") + f)


main()
