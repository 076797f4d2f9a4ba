#!/bin/sh
# Benchmark (issue 8, "API"): what tmirror-apid costs over writing the
# northbound database directly.  N clients (N = 1, 8, 64) each create a
# traffic-mirroring session and delete it again, over and over:
#
#   apid          signed POST traffic-mirror-sessions + DELETE .../{id} to
#                 tmirror-apid (keep-alive, one connection per client);
#   db            the same two writes (Session insert or delete plus the
#                 TM_Global nb_cfg increment, as tm_nb_write makes them,
#                 without validation) as OVSDB "transact" requests over the
#                 database's unix socket, one connection per client;
#   ovsdb_client  the same transactions, each by running
#                 "ovsdb-client transact" (what a script would do instead:
#                 the process start-up is part of every write).
#
# tests/perf/api-load.js generates the load and measures.  apid and db
# alternate, in rounds, at each level; ovsdb_client runs once per level.
# Results: requests per second (a cycle is 2 requests) and the p50 and p99
# latency of a whole create+delete cycle, medians over the rounds, and
# api_overhead_cN = apid p50 / db p50 of the same round (median over the
# rounds), target <= 2.  Figures are only comparable within one run: the
# machine is shared, and the load generator runs on it too.
#
# Environment (tests/perf/run.sh sets it): OVS_SRC, TMIRROR_CTL (with
# tmirror-apid next to it), BENCH_SMOKE (1: a few seconds, only proving
# that it works), BENCH_OUT (results are appended to it).  Needs node.
# BENCH_SMOKE=0 takes about 1 min 50 s, BENCH_SMOKE=1 about 10 s.
#
# Everything it starts (the database, tmirror-apid) lives in a temporary
# directory and is stopped by pid file on exit; it only talks to loopback
# and unix sockets.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${OVS_SRC:?OVS_SRC must point at the OVS build tree}"
: "${BENCH_OUT:?BENCH_OUT must name the results file}"
smoke=${BENCH_SMOKE:-0}
bindir=$(cd "$(dirname "${TMIRROR_CTL:-$top/build/bin/tmirror-ctl}")" \
         && pwd)
ctl=$bindir/tmirror-ctl
apid=$bindir/tmirror-apid
ovsdb_client=$OVS_SRC/ovsdb/ovsdb-client
load=$here/api-load.js

levels="1 8 64"
# The 64 clients of the top level each mirror a source port of their own
# (3 sessions per source at most, and only one priority per source) to one
# of 8 target ports (10 sessions per ENI target at most).
n_sources=64
n_targets=8
# ovsdb_client with 64 clients is 64 processes at a time on a small
# machine: a cycle takes about a second, longer than a smoke run.
if [ "$smoke" = 1 ]; then
    rounds=1 seconds=0.5 warmup=0.2 client_seconds=0.5 client_levels="1 8"
else
    rounds=3 seconds=4 warmup=0.5 client_seconds=3 client_levels=$levels
fi

dir=
load_pid=

say() {
    echo "bench-api: $*"
}

die() {
    say "could not measure: $*"
    exit 1
}

# Whether process $1 runs (a zombie does not).
alive() {
    case $(ps -o stat= -p "$1" 2>/dev/null) in
    ''|Z*) return 1 ;;
    *) return 0 ;;
    esac
}

# Stops what this script started, by pid file, and removes its directory.
cleanup() {
    trap '' INT TERM HUP PIPE
    trap - EXIT
    if [ -n "$load_pid" ]; then
        kill "$load_pid" 2>/dev/null
        wait "$load_pid" 2>/dev/null
    fi
    [ -n "$dir" ] || return
    if [ -f "$dir/apid.pid" ]; then
        pid=$(cat "$dir/apid.pid")
        if alive "$pid"; then
            kill "$pid" 2>/dev/null
            for _ in 1 2 3 4 5 6 7 8 9 10; do
                alive "$pid" || break
                sleep 0.2
            done
            alive "$pid" && kill -9 "$pid" 2>/dev/null
        fi
    fi
    if [ -f "$dir/tmirror_nb.pid" ]; then
        OVS_BINDIR=$OVS_SRC/ovsdb "$top/utilities/tmirror-db.sh" stop \
            "$dir" > /dev/null 2>&1
    fi
    rm -rf "$dir"
}

check_tools() {
    [ -x "$ctl" ] || die "$ctl is missing"
    [ -x "$apid" ] || die "$apid is missing"
    [ -x "$ovsdb_client" ] || die "$ovsdb_client is missing"
    command -v node > /dev/null 2>&1 \
        || die "node is not installed (utilities/install-deps.sh)"
    command -v python3 > /dev/null 2>&1 || die "python3 is not installed"
}

# Prints EXPR ($1) of the JSON text on standard input, e.g. '[0]["id"]',
# or with $2 = len, its length.
json_get() {
    python3 -c '
import json, sys
v = eval("json.load(sys.stdin)" + sys.argv[1])
print(len(v) if sys.argv[2:] == ["len"] else v)' "$@"
}

random_hex() {
    od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

# The northbound database with the ports and one filter (two rules, as a
# tenant's filter would have) of project $project, in one import.
start_database() {
    OVS_BINDIR=$OVS_SRC/ovsdb "$top/utilities/tmirror-db.sh" start "$dir" \
        > "$dir/db.out" 2>&1 || {
        cat "$dir/db.out"
        die "the northbound database did not start"
    }
    nb=unix:$dir/tmirror_nb.sock
    python3 - "$project" "$n_sources" "$n_targets" > "$dir/model.json" <<'EOF'
import json, sys
project, n_sources, n_targets = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def port(kind, i, net):
    return {"id": "%s-%d" % (kind, i),
            "mac_address": "fa:16:3e:00:%02x:%02x" % (net, i),
            "fixed_ips": [{"ip_address": "10.0.%d.%d" % (net, i)}]}
ports = [port("src", i, 0) for i in range(1, n_sources + 1)]
ports += [port("tgt", i, 1) for i in range(1, n_targets + 1)]
rule = {"id": "r1", "priority": 1, "action": "accept", "protocol": "tcp",
        "destination_port_range": "80-80"}
rule2 = {"id": "r2", "priority": 1, "action": "accept", "protocol": "all"}
print(json.dumps({"ports": ports, "traffic_mirror_filters": [
    {"id": "f", "project_id": project, "name": "bench-filter",
     "ingress_rules": [rule], "egress_rules": [rule2]}]}))
EOF
    "$ctl" --db="$nb" --timeout=30 import "$dir/model.json" \
        > "$dir/ctl.out" 2>&1 || {
        cat "$dir/ctl.out"
        die "tmirror-ctl import failed"
    }
    filter=$("$ctl" --db="$nb" --timeout=30 --format=json filter-list \
             | json_get '[0]["id"]') || die "can't read the filter's id"
}

# tmirror-apid on a port of its choosing, with one key for $project.
start_apid() {
    (
        umask 077
        echo "$ak $sk $project" > "$dir/creds"
    )
    "$apid" --detach --no-chdir --pidfile="$dir/apid.pid" \
        --log-file="$dir/apid.log" --unixctl="$dir/apid.ctl" \
        --listen=127.0.0.1:0 --port-file="$dir/apid.port" --nb="$nb" \
        --credentials="$dir/creds" --timeout=30 \
        > "$dir/apid.out" 2>&1 || {
        cat "$dir/apid.out"
        die "tmirror-apid did not start"
    }
    for _ in $(seq 1 50); do
        [ -s "$dir/apid.port" ] && break
        sleep 0.1
    done
    port=$(cat "$dir/apid.port" 2>/dev/null)
    [ -n "$port" ] || die "tmirror-apid wrote no port"
    apid_pid=$(cat "$dir/apid.pid")
}

# The load generator's configuration (it holds the secret key: the
# directory is private).
write_config() {
    python3 - > "$dir/load.json" <<EOF
import json
print(json.dumps({
    "endpoint": "http://127.0.0.1:$port", "ak": "$ak", "sk": "$sk",
    "project": "$project", "filter": "$filter",
    "sources": ["src-%d" % i for i in range(1, $n_sources + 1)],
    "targets": ["tgt-%d" % i for i in range(1, $n_targets + 1)],
    "db": "$dir/tmirror_nb.sock", "ovsdb_client": "$ovsdb_client"}))
EOF
}

# Runs the load generator: mode $1, $2 clients, for $3 seconds; appends
# its result to runs.jsonl, tagged with round $4.  Any error is fatal: the
# figures would mean nothing.
run_load() {
    mode=$1 clients=$2 secs=$3 round=$4
    # In the background, so that a signal to this script stops it at once
    # (cleanup kills it by its pid).
    node "$load" "$mode" "$dir/load.json" "$clients" "$secs" "$warmup" \
        > "$dir/run.out" 2> "$dir/run.err" &
    load_pid=$!
    wait "$load_pid" || {
        load_pid=
        cat "$dir/run.err"
        die "api-load.js $mode $clients failed"
    }
    load_pid=
    result=$(tail -n 1 "$dir/run.out")
    echo "$result" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
print("  %-12s c=%-3d round %s: %6.0f req/s  p50 %8.2f ms  p99 %8.2f ms"
      % (r["mode"], r["concurrency"], sys.argv[1], r["rps"],
         r["p50_ms"] or 0, r["p99_ms"] or 0))
if r["errors"] or not r["cycles"]:
    print("  errors: %d, first: %s" % (r["errors"], r["first_error"]))
    sys.exit(1)' "$round" || {
        if ! alive "$apid_pid"; then
            say "tmirror-apid died; the end of its log:"
            tail -n 5 "$dir/apid.log"
        fi
        die "the $mode run with $clients clients failed"
    }
    echo "$result" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
r["round"] = int(sys.argv[1])
print(json.dumps(r))' "$round" >> "$dir/runs.jsonl"
}

# Every session the runs created was deleted again.
check_empty() {
    left=$("$ovsdb_client" transact "$nb" '["TMirror_Northbound",
        {"op": "select", "table": "Session", "where": [],
         "columns": ["_uuid"]}]' | json_get '[0]["rows"]' len)
    [ "$left" = 0 ] || die "$left sessions were left behind"
}

# Medians, ratios and the result lines.
report() {
    python3 - "$dir/runs.jsonl" "$rounds" "$seconds" "$client_seconds" \
        >> "$BENCH_OUT" <<'EOF'
import json, statistics, sys

runs = [json.loads(line) for line in open(sys.argv[1])]
rounds, secs, client_secs = sys.argv[2], sys.argv[3], sys.argv[4]

def pick(mode, c):
    return sorted((r for r in runs
                   if r["mode"] == mode and r["concurrency"] == c),
                  key=lambda r: r["round"])

def result(name, value, unit, detail, samples=None, target=None):
    met = None
    if target is not None:
        met = value <= float(target.split()[1])
    r = {"group": "api", "name": name, "value": round(value, 3),
         "unit": unit, "target": target, "met": met, "detail": detail}
    if samples is not None and len(samples) > 1:
        r["samples"] = [round(s, 3) for s in samples]
    print(json.dumps(r))

labels = {
    "api": ("apid", "tmirror-apid, signed POST traffic-mirror-sessions "
                    "+ DELETE (keep-alive)"),
    "ovsdb": ("db", "the same writes as OVSDB transact requests on the "
                    "database's unix socket (atomic nb_cfg mutate, no "
                    "validation)"),
    "ovsdb-client": ("ovsdb_client", "the same writes, each by running "
                     "ovsdb-client transact (process start-up included)"),
}
levels = sorted({r["concurrency"] for r in runs})
for c in levels:
    for mode in ("api", "ovsdb", "ovsdb-client"):
        rs = pick(mode, c)
        if not rs:
            continue
        short, what = labels[mode]
        n = "%d rounds of %s s" % (len(rs), rs[0]["seconds"])
        result("api_%s_rps_c%d" % (short, c),
               statistics.median(r["rps"] for r in rs), "req/s",
               "%s: requests/s (2 per create+delete cycle) at "
               "concurrency %d, median of %s" % (what, c, n),
               [r["rps"] for r in rs])
        result("api_%s_p50_c%d" % (short, c),
               statistics.median(r["p50_ms"] for r in rs), "ms",
               "%s: median latency of a create+delete cycle at "
               "concurrency %d, median of %s" % (what, c, n),
               [r["p50_ms"] for r in rs])
        if mode != "ovsdb-client":
            result("api_%s_p99_c%d" % (short, c),
                   statistics.median(r["p99_ms"] for r in rs), "ms",
                   "%s: p99 latency of a create+delete cycle at "
                   "concurrency %d, median of %s" % (what, c, n),
                   [r["p99_ms"] for r in rs])
    api, db = pick("api", c), pick("ovsdb", c)
    ratios = [a["p50_ms"] / d["p50_ms"] for a, d in zip(api, db)]
    result("api_overhead_c%d" % c, statistics.median(ratios), "ratio",
           "p50 latency of a create+delete session cycle through "
           "tmirror-apid / the same two transactions sent straight to the "
           "database over its unix socket (no process start-up, no "
           "validation), at concurrency %d each, alternated in the "
           "same run, median of the %d per-round ratios; tmirror-apid "
           "monitors the database in both" % (c, len(ratios)),
           ratios, "<= 2")
    cl = pick("ovsdb-client", c)
    if cl:
        result("api_overhead_vs_ovsdb_client_c%d" % c,
               statistics.median(r["p50_ms"] for r in api)
               / cl[0]["p50_ms"], "ratio",
               "p50 latency of a create+delete cycle through tmirror-apid "
               "/ the same writes made by running ovsdb-client transact "
               "twice (its start-up included: what a script would do "
               "instead), at concurrency %d" % c)
EOF
}

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
check_tools
dir=$(mktemp -d "${TMPDIR:-/tmp}/tmirror-bench-api.XXXXXX") \
    || die "can't create a temporary directory"
project=$(random_hex 16)
ak=$(random_hex 10 | tr a-f A-F)
sk=$(random_hex 20)
start_database
start_apid
write_config
say "tmirror-apid on 127.0.0.1:$port, database $nb; $rounds round(s)" \
    "of $seconds s per level, levels $levels"
: > "$dir/runs.jsonl"

for c in $levels; do
    r=1
    while [ "$r" -le "$rounds" ]; do
        # Alternate which variant goes first, so that a drift in the
        # machine's load does not always favour the same one.
        if [ $((r % 2)) = 1 ]; then
            run_load api "$c" "$seconds" "$r"
            run_load ovsdb "$c" "$seconds" "$r"
        else
            run_load ovsdb "$c" "$seconds" "$r"
            run_load api "$c" "$seconds" "$r"
        fi
        r=$((r + 1))
    done
    case " $client_levels " in
    *" $c "*) run_load ovsdb-client "$c" "$client_seconds" 1 ;;
    esac
done
check_empty
alive "$apid_pid" || die "tmirror-apid died"
report || die "could not compute the results"
say "done"
