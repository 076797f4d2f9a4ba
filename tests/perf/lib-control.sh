# Helpers of bench-control.sh: the models it generates, and the number
# crunching it leaves to python3 (standard library only): log timestamps,
# flow table differences, medians and the JSON result lines.
#
# Sourced after tests/system/lib.sh.

# cp_py COMMAND ARG...: the python3 helpers below, one per COMMAND.
cp_py() {
    python3 - "$@" <<'EOF'
import datetime, json, re, statistics, sys

def gen_cold(n, model_file, bindings_file):
    """N local sources, each in 3 sessions of 10 sources (the default
    quota), 100 filters of 10 ingress + 10 egress rules with port ranges,
    ENI targets with 10 sessions each (the quota)."""
    def rules(k, direction):
        # Mostly single ports and aligned ranges, as security groups have,
        # with a few that need several prefixes and one that may become a
        # conjunctive match (source and destination ranges).
        o = k % 50
        shapes = [
            ("tcp", None, "%d" % (80 + o), "accept", None),
            ("tcp", None, "%d-%d" % (8000 + 64 * o, 8063 + 64 * o),
             "accept", None),
            ("udp", None, "%d-%d" % (5060 + 4 * o, 5062 + 4 * o), "accept",
             "10.%d.0.0/16" % o),
            ("tcp", "1024-65535", "%d-%d" % (3008 + 16 * o, 3023 + 16 * o),
             "accept", None),
            ("udp", None, "53", "reject", None),
            ("tcp", None, "22", "accept", "192.168.%d.0/24" % o),
            ("udp", None, "67-68", "accept", None),
            ("tcp", None, "%d-%d" % (6000 + 16 * o, 6015 + 16 * o),
             "reject", None),
            ("tcp", "%d-%d" % (40000 + o, 40009 + o), "443", "accept", None),
            ("udp", None, "123", "accept", None),
        ]
        out = []
        for r, (proto, sp, dp, act, cidr) in enumerate(shapes):
            rule = {"id": "rule-%d-%s-%d" % (k, direction[0], r),
                    "priority": 10 * (r + 1), "action": act,
                    "protocol": proto, "ethertype": "IPv4"}
            if sp:
                rule["source_port_range"] = sp
            if dp:
                rule["destination_port_range"] = dp
            if cidr:
                rule["source_cidr_block" if direction == "ingress"
                     else "destination_cidr_block"] = cidr
            out.append(rule)
        return out

    per = 10
    nsg = (n + per - 1) // per
    ports = [{"id": "src-%d" % i,
              "mac_address": "fa:16:3e:01:%02x:%02x" % (i >> 8, i & 255),
              "fixed_ips": [{"ip_address":
                             "10.200.%d.%d" % (i >> 8, i & 255)}]}
             for i in range(n)]
    # The targets are on br-int's subnet (tests/system/lib.sh's st_brint:
    # 192.168.0.1/24), so that the controller finds a route to each and
    # seeds its neighbour entry, as on a working hypervisor.
    ntg = (3 * nsg + 9) // 10
    assert ntg <= 150
    ports += [{"id": "tgt-%d" % t,
               "mac_address": "fa:16:3e:02:%02x:%02x" % (t >> 8, t & 255),
               "fixed_ips": [{"ip_address": "192.168.0.%d" % (100 + t)}]}
              for t in range(ntg)]
    nf = min(nsg, 100)
    filters = [{"id": "filter-%d" % k, "name": "filter-%d" % k,
                "ingress_rules": rules(k, "ingress"),
                "egress_rules": rules(k, "egress")} for k in range(nf)]
    sessions = []
    # Three groups of sessions over the same sources, shifted so that the
    # three sessions of a source are not always the same three.
    for g, shift in enumerate((0, 3, 7)):
        for k in range(nsg):
            idx = g * nsg + k
            srcs = sorted({(per * k + j + shift) % n for j in range(per)})
            sessions.append({
                "id": "session-%d" % idx, "name": "session-%d" % idx,
                "priority": idx + 1,
                "traffic_mirror_filter_id": "filter-%d" % (k % nf),
                "traffic_mirror_target_id": "tgt-%d" % (idx // 10),
                "traffic_mirror_target_type": "eni", "enabled": True,
                "virtual_network_id": idx + 1,
                "packet_length": 96 + idx % 100,
                "traffic_mirror_sources": ["src-%d" % s for s in srcs]})
    json.dump({"ports": ports, "traffic_mirror_filters": filters,
               "traffic_mirror_sessions": sessions}, open(model_file, "w"))
    # The bindings the benchmark's br-int has: source i on OpenFlow port
    # i + 1.
    json.dump({"ports": {"src-%d" % i: i + 1 for i in range(n)},
               "tunnel": {"ofport": 60000, "mtu": 1500,
                          "nonlocal_src": True}},
              open(bindings_file, "w"))
    print("%d sources, %d sessions, %d filters, %d targets"
          % (n, len(sessions), nf, ntg))

def gen_scale(n_sessions, model_file):
    """N_SESSIONS sessions of one source each, every source in 3 sessions,
    100 filters of 2 ingress + 2 egress single-port rules, 200 sessions
    per load balancer (the quota)."""
    n_src = (n_sessions + 2) // 3
    ports = [{"id": "s-%d" % i,
              "mac_address": "fa:16:3e:%02x:%02x:%02x"
              % (3 + (i >> 16), (i >> 8) & 255, i & 255),
              "fixed_ips": [{"ip_address":
                             "10.%d.%d.%d" % (100 + (i >> 16),
                                              (i >> 8) & 255, i & 255)}]}
             for i in range(n_src)]
    n_lb = (n_sessions + 199) // 200
    lbs = [{"id": "lb-%d" % b, "vip_address": "10.250.%d.%d" % (b >> 8,
                                                                b & 255)}
           for b in range(n_lb)]
    nf = min(100, n_sessions)
    def rules(k, d, protos):
        return [{"id": "r-%d-%s-%d" % (k, d, r), "priority": r + 1,
                 "action": "accept", "protocol": p,
                 "destination_port_range": "%d" % (1000 + 10 * k + r)}
                for r, p in enumerate(protos)]
    filters = [{"id": "f-%d" % k, "name": "f-%d" % k,
                "ingress_rules": rules(k, "i", ("tcp", "udp")),
                "egress_rules": rules(k, "e", ("udp", "tcp"))}
               for k in range(nf)]
    sessions = [{"id": "ss-%d" % i, "name": "ss-%d" % i,
                 "priority": i % 3 + 1,
                 "traffic_mirror_filter_id": "f-%d" % (i % nf),
                 "traffic_mirror_target_id": "lb-%d" % (i // 200),
                 "traffic_mirror_target_type": "elb", "enabled": True,
                 "virtual_network_id": i + 1,
                 "traffic_mirror_sources": ["s-%d" % (i // 3)]}
                for i in range(n_sessions)]
    json.dump({"ports": ports, "loadbalancers": lbs,
               "traffic_mirror_filters": filters,
               "traffic_mirror_sessions": sessions}, open(model_file, "w"))
    print(n_src, nf, n_lb)

def log_time(ts):
    """An OVS log timestamp (2026-11-21T09:01:29.111Z) as epoch seconds."""
    d = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ")
    return d.replace(tzinfo=datetime.timezone.utc).timestamp()

def log_lines(log):
    for line in open(log, errors="replace"):
        f = line.split("|", 4)
        if len(f) == 5:
            yield log_time(f[0]), f[4].rstrip("\n")

def cold_phases(log, t0, cfg):
    """The controller's cold start from its log: seconds from T0 (its
    launch) to the switch's flows read, the compilation, the bundle
    queued, and the last bundle of configuration CFG applied."""
    dumped = compiled = queued = applied = None
    for t, msg in log_lines(log):
        if "flows of ours" in msg and dumped is None:
            dumped = t
        elif re.search(r"configuration %s: compiled" % cfg, msg):
            compiled = t
        elif re.search(r"configuration %s: \d+ flows to add" % cfg, msg):
            queued = t
        elif msg.endswith("configuration %s applied" % cfg):
            applied = t
    if applied is None:
        sys.exit("no 'configuration %s applied' in %s" % (cfg, log))
    print(" ".join("%.3f" % ((x or t0) - float(t0))
                   for x in (applied, dumped, compiled, queued)))

def last_applied(log, cfg):
    """The epoch time of the last 'configuration CFG applied' in LOG."""
    found = None
    for t, msg in log_lines(log):
        if msg.endswith("configuration %s applied" % cfg):
            found = t
    if found is None:
        sys.exit("no 'configuration %s applied' in %s" % (cfg, log))
    print("%.3f" % found)

def incr_times(tmctl_log, ctl_log, cfg):
    """For one write: NB commit (the transact reply that tmirror-ctl
    received, in its jsonrpc debug log) to the controller's log lines of
    configuration CFG: compiled, bundle queued, applied (ms)."""
    commit = tx = None
    last = None
    for line in open(tmctl_log, errors="replace"):
        f = line.split("|", 2)
        try:
            t = float(f[0])
        except ValueError:
            continue
        last = t
        m = re.search(r'send request, method="transact".*, id=(\S+)$', line)
        if m:
            tx = m.group(1)
        elif tx and re.search(r"received reply, .*, id=%s$" % re.escape(tx),
                              line):
            commit = t
    if commit is None:
        sys.exit("no transact reply in %s" % tmctl_log)
    compiled = queued = applied = None
    if ctl_log != "-":
        for t, msg in log_lines(ctl_log):
            if re.search(r"configuration %s: compiled" % cfg, msg):
                compiled = t
            elif re.search(r"configuration %s: \d+ flows to add" % cfg, msg):
                queued = t
            elif msg.endswith("configuration %s applied" % cfg):
                applied = t
    ms = lambda x: "%.1f" % ((x - commit) * 1000) if x else "nan"
    # The last thing tmirror-ctl saw: the hypervisors' rows up to date.
    print(ms(applied), ms(compiled), ms(queued), ms(last))

FLOW_RE = re.compile(r"cookie=(0x[0-9a-f]+), (?:table=(\d+), )?"
                     r"priority=(\d+),?(.*?) actions=(.*)$")

def read_flows(files, tables):
    flows = {}
    for name in files:
        for line in open(name):
            m = FLOW_RE.search(line)
            if not m:
                continue
            table = int(m.group(2) or 0)
            if tables and table not in tables:
                continue
            flows[(table, int(m.group(3)), m.group(4))] = (m.group(1),
                                                            m.group(5))
    return flows

def flow_diff(before, after, tables):
    """What changed between two dumps (ovs-ofctl dump-flows --no-stats),
    restricted to TABLES (comma-separated): additions, deletions,
    modifications (same table, priority and match), and which ports'
    flows they are."""
    tables = {int(t) for t in tables.split(",")} if tables else set()
    a = read_flows(before.split(","), tables)
    b = read_flows(after.split(","), tables)
    adds = [k for k in b if k not in a]
    dels = [k for k in a if k not in b]
    mods = [k for k in b if k in a and a[k] != b[k]]
    per_table = {}
    ports = set()
    for kind, keys in (("added", adds), ("deleted", dels),
                       ("modified", mods)):
        for k in keys:
            per_table.setdefault((k[0], kind), 0)
            per_table[(k[0], kind)] += 1
            m = re.search(r"(?:in_port|reg15)=(\w+)", k[2])
            if m:
                try:
                    ports.add(int(m.group(1), 0))
                except ValueError:
                    ports.add(m.group(1))
    what = ", ".join("table %d: %d %s" % (t, n, kind)
                     for (t, kind), n in sorted(per_table.items()))
    print(len(adds), len(dels), len(mods),
          "%s (flows of %d ports)" % (what or "nothing", len(ports)))

def stats(*xs):
    """Median, min and max of the numbers."""
    v = [float(x) for x in xs]
    print("%.6g %.6g %.6g" % (statistics.median(v), min(v), max(v)))

def result(out, name, value, unit, target, met, samples, detail):
    """One result line, printed and appended to OUT (if not empty)."""
    num = lambda s: float(s) if "." in s or "e" in s else int(s)
    r = {"group": "control", "name": name, "value": num(value),
         "unit": unit, "target": target or None,
         "met": {"true": True, "false": False}.get(met)}
    if samples:
        r["samples"] = [num(s) for s in samples.split()]
    r["detail"] = detail
    line = json.dumps(r)
    print("result: " + line)
    if out:
        with open(out, "a") as f:
            f.write(line + "\n")

def ratio(a, b):
    print("%.3f" % (float(a) / float(b)))

def ms_between(t0, t1):
    print("%.1f" % ((float(t1) - float(t0)) * 1000))

def compare(a, op, b):
    """'true' if A OP B (numbers), else 'false'."""
    a, b = float(a), float(b)
    ok = {"<=": a <= b, ">=": a >= b, "==": a == b}[op]
    print("true" if ok else "false")

def callgrind(annotated):
    """From callgrind_annotate --inclusive=yes output (a file: stdin is
    this script): the program's instructions, tm_compile's, its
    pipeline's and its sources'."""
    got = {}
    for line in open(annotated):
        m = re.match(r"\s*([\d,]+) .*(PROGRAM TOTALS|:tm_compile"
                     r"(?:_pipeline|_source_sessions)? )", line)
        if m and m.group(2) not in got:
            got[m.group(2)] = int(m.group(1).replace(",", ""))
    print(" ".join(str(got.get(k, 0)) for k in
                   ("PROGRAM TOTALS", ":tm_compile ", ":tm_compile_pipeline ",
                    ":tm_compile_source_sessions ")))

cmds = {"gen-cold": gen_cold, "gen-scale": gen_scale,
        "cold-phases": cold_phases, "last-applied": last_applied,
        "incr-times": incr_times, "flow-diff": flow_diff, "stats": stats,
        "result": result, "compare": compare, "ratio": ratio,
        "ms_between": ms_between, "callgrind": callgrind}
cmd = sys.argv[1]
args = sys.argv[2:]
if cmd == "gen-cold":
    gen_cold(int(args[0]), args[1], args[2])
elif cmd == "gen-scale":
    gen_scale(int(args[0]), args[1])
else:
    cmds[cmd](*args)
EOF
}

# cp_result NAME VALUE UNIT TARGET MET SAMPLES DETAIL: one result (TARGET
# and MET empty for none; SAMPLES space-separated, or empty).
cp_result() {
    cp_py result "${BENCH_OUT:-}" "$@"
}

# cp_now: the time, in seconds since the epoch with nanoseconds.
cp_now() {
    date +%s.%N
}

# cp_elapsed T0 [T1]: seconds from T0 to T1 (default now), 3 decimals.
cp_elapsed() {
    python3 -c 'import sys; print("%.3f" % (float(sys.argv[2])
                                             - float(sys.argv[1])))' \
        "$1" "${2:-$(cp_now)}"
}

# cp_rss_mib PID: the process's resident memory (VmRSS), in MiB.
cp_rss_mib() {
    awk '/^VmRSS:/ {printf "%.1f\n", $2 / 1024}' "/proc/$1/status"
}
