#!/bin/sh
# Control-plane benchmark (issue 8, "Control plane"): tmirror-controller
# on a hypervisor with 1,000 local sources, and ten simulated hypervisors
# sharing a northbound database of 20,000 sessions.
#
# The large configuration (lib-control.sh, gen_cold): 1,000 sources, each
# in 3 sessions (the quota per source) of 10 sources each (the default
# sources_per_session, so no quota is raised): 300 sessions in three
# groups of 100, each session's filter one of 100 filters with 10 inbound
# and 10 outbound rules (the quota per direction), every rule with a port
# range (mostly single ports and aligned ranges, some needing several
# prefixes, one a source x destination range that may become a
# conjunctive match), and 30 ENI targets with 10 sessions each (the quota
# per ENI target) on br-int's own subnet, so that the controller finds
# them routed and seeds their neighbour entries.  The sources are internal
# ports of br-int on the patched ovs-vswitchd's userspace datapath
# (tests/system/lib.sh's hypervisor namespace), made in one ovs-vsctl
# transaction, each with external_ids:iface-id.
#
# 1. Cold start: del-flows, then the time from starting the controller to
#    the barrier of its last bundle (its own log: "configuration N
#    applied", with tm_ofctrl at debug level), against "ovs-ofctl --bundle
#    add-flows" of the very same flows (dumped from the switch after the
#    controller installed them), the two alternated, repeated, medians.
#    The first start, which also creates the mirror tunnel port, is not
#    timed.  Then a restart against a switch that has every flow already.
# 2. Incremental: one rule's port range, one source removed from and added
#    back to a session, each with "tmirror-ctl --wait=hv": the flow-mods
#    the controller sent (its status counters) against what changed on the
#    switch (dumps of the mirror tables before and after), and the time
#    from the NB commit (tmirror-ctl's jsonrpc log: the transact reply) to
#    the controller's barrier.
# 3. The compiler's instructions (callgrind on "tmirror-ctl compile") per
#    compiled flow, large model and a one-source model; the controller's
#    VmRSS at the large configuration.
# 4. Scale: 20,000 sessions (the region quota) in one NB database, ten
#    hypervisors on the dummy datapath, each its own ovsdb-server,
#    ovs-vswitchd and controller (--name=hvN) with a tenth of the sources:
#    time until every one has applied the configuration, then one write's
#    round trip to all of them, and the memory of the NB ovsdb-server and
#    of the controllers.
#
# Results are appended to $BENCH_OUT (group "control", names "cp_...").
# CP_KEEP_LOGS=DIR keeps every log there.
#
# usage: bench-control.sh   (as root, from tests/perf/run.sh)
#        OVS_SRC, TMIRROR_CTL, BENCH_OUT, BENCH_SMOKE=0|1
# Takes about 3.5 minutes; about 30 s with BENCH_SMOKE=1.  Needs valgrind.

ST_TOP=$(cd "$(dirname "$0")/../.." && pwd)
OVS_SRC=${OVS_SRC:-$ST_TOP/build/ovs}
export OVS_SRC
. "$ST_TOP/tests/system/lib.sh"
. "$ST_TOP/tests/perf/lib-control.sh"

BENCH_SMOKE=${BENCH_SMOKE:-0}
BENCH_OUT=${BENCH_OUT:-}
# Always the optimized controller: "make check" points TMIRROR_CONTROLLER
# at the sanitizer build, which would measure the sanitizers.
ST_CONTROLLER=$ST_BIN/tmirror-controller
CP_CTL=$ST_BIN/tmirror-ctl

# Sizes (each can be set from the environment).  The smoke version only
# proves that every step still works.
if [ "$BENCH_SMOKE" = 1 ]; then
    set -- 10 1 1 60 2
else
    set -- 1000 3 3 20000 10
fi
CP_SOURCES=${CP_SOURCES:-$1} CP_ROUNDS=${CP_ROUNDS:-$2}
CP_INCR_ROUNDS=${CP_INCR_ROUNDS:-$3}
CP_SCALE_SESSIONS=${CP_SCALE_SESSIONS:-$4} CP_SCALE_HVS=${CP_SCALE_HVS:-$5}

# The scale simulation's hypervisors: directories $ST_DIR/hvN.
CP_HV_DIRS=
CP_NB2=

cp_log() {
    echo "bench-control: $*"
}

cp_die() {
    echo "bench-control: FAILED: $*" >&2
    exit 1
}

# cp_cleanup: the scale simulation's daemons and database, then what
# lib.sh set up (which also kills the pids in ST_PIDS).
cp_cleanup() {
    trap '' INT TERM HUP PIPE
    if [ -n "${CP_KEEP_LOGS:-}" ] && [ -n "$ST_DIR" ]; then
        # For a closer look: every log, as a tree under CP_KEEP_LOGS.
        (cd "$ST_DIR" && find . -name '*.log' \
            -exec cp --parents {} "$CP_KEEP_LOGS" \;)
    fi
    # All of them at once: each takes a moment to exit.
    for dir in $CP_HV_DIRS; do
        [ -f "$dir/tmirror-controller.pid" ] &&
            kill "$(cat "$dir/tmirror-controller.pid")" 2>/dev/null
        ovs_stop_daemons "$dir"
    done
    if [ -n "$CP_NB2" ] && [ -f "$CP_NB2/tmirror_nb.pid" ]; then
        OVS_BINDIR=$OVS_SRC/ovsdb "$ST_TOP/utilities/tmirror-db.sh" stop \
            "$CP_NB2" > /dev/null 2>&1
    fi
    st_cleanup
}

# cp_nb_cfg [DB]: TM_Global's nb_cfg in the NB database (default ours).
cp_nb_cfg() {
    "$OVS_SRC/ovsdb/ovsdb-client" dump -f csv "${1:-$TMIRROR_NB_DB}" \
        TMirror_Northbound TM_Global nb_cfg | tail -n 1
}

# cp_synced CTL-SOCKET CFG: true if that controller has applied CFG, has
# no bundle in flight, and the switch has every flow it wants.
cp_synced() {
    appctl -t "$1" status 2>/dev/null | awk -v cfg="$2" '
        /^applied configuration:/ { a = $3 }
        /^flows installed:/ { i = $3 }
        /^desired flows:/ { d = $3 }
        /\(in sync\)$/ { s = 1 }
        END { exit !(a == cfg && i == d && s) }'
}

# cp_wait_synced CTL-SOCKET CFG SECONDS: waits for cp_synced.
cp_wait_synced() {
    local end=$(($(date +%s) + $3))
    until cp_synced "$1" "$2"; do
        [ "$(date +%s)" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# cp_status CTL-SOCKET FIELD: a field of the controller's status.
cp_status() {
    appctl -t "$1" status | sed -n "s/^$2: //p"
}

# cp_counters: the controller's flow adds, modifications and deletions.
cp_counters() {
    local c=$ST_DIR/tmirror-controller.ctl
    echo "$(cp_status "$c" 'flow adds') $(cp_status "$c" \
        'flow modifications') $(cp_status "$c" 'flow deletions')"
}

# cp_flow_count: how many flows br-int has.
cp_flow_count() {
    ofctl dump-aggregate br-int | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p'
}

# cp_dump_mirror_tables FILE: the flows of the two mirror stages (tables
# 20 and 50), in dump-flows' text.
cp_dump_mirror_tables() {
    { ofctl -O OpenFlow15 dump-flows br-int table=20 --no-stats &&
      ofctl -O OpenFlow15 dump-flows br-int table=50 --no-stats; } > "$1"
}

# Phase 0: the models, and the compiler under callgrind (instruction
# counts do not depend on the machine's load, so it runs while the
# hypervisor is set up).

cp_models() {
    CP_SHAPE=$(cp_py gen-cold "$CP_SOURCES" "$ST_DIR/large.json" \
        "$ST_DIR/large-bindings.json") || return 1
    cp_log "large model: $CP_SHAPE"
    cp_log "tiny model: $(cp_py gen-cold 1 "$ST_DIR/tiny.json" \
        "$ST_DIR/tiny-bindings.json")"
}

# cp_callgrind NAME: "tmirror-ctl compile" of model NAME under callgrind,
# in the background (CP_CG_PID); its flows go to $ST_DIR/NAME.flows.
cp_callgrind() {
    valgrind --tool=callgrind --callgrind-out-file="$ST_DIR/$1.cg" \
        "$CP_CTL" compile --bindings="$ST_DIR/$1-bindings.json" \
        "$ST_DIR/$1.json" > "$ST_DIR/$1.flows" 2> "$ST_DIR/$1.cg.err" &
    CP_CG_PID=$!
    ST_PIDS="$ST_PIDS $CP_CG_PID"
}

# cp_callgrind_counts NAME: "FLOWS TOTAL COMPILE PIPELINE SOURCES": the
# flows compiled, and the instructions of the whole command, of
# tm_compile() and of its pipeline and sources parts.
cp_callgrind_counts() {
    callgrind_annotate --inclusive=yes --threshold=100 "$ST_DIR/$1.cg" \
        > "$ST_DIR/$1.annotated" || return 1
    echo "$(wc -l < "$ST_DIR/$1.flows")" \
        "$(cp_py callgrind "$ST_DIR/$1.annotated")"
}

cp_compiler_results() {
    local tiny large per_tiny per_large
    tiny=$(cp_callgrind_counts tiny) && large=$(cp_callgrind_counts large) \
        || return 1
    set -- $large
    per_large=$(($3 / $1))
    cp_result cp_compile_instr_per_flow "$per_large" instr "" "" "" \
"callgrind, tmirror-ctl compile of the large model ($CP_SOURCES sources):\
 tm_compile() $3 instructions for $1 flows; its pipeline $4 (the\
 broadcast flows: one per port, each with every port), its sources $5;\
 the whole command $2 (JSON in, text out)"
    set -- $tiny
    per_tiny=$(($3 / $1))
    cp_result cp_compile_instr_per_flow_tiny "$per_tiny" instr "" "" "" \
"callgrind, tmirror-ctl compile of a one-source model (3 sessions x 20\
 rules): tm_compile() $3 instructions for $1 flows (pipeline $4, source\
 $5); the whole command $2"
}

# Phase 1: the hypervisor, the NB database and the large configuration.

cp_hypervisor() {
    local i
    st_brint || return 1
    set --
    i=1
    while [ "$i" -le "$CP_SOURCES" ]; do
        set -- "$@" -- add-port br-int "vm$i" -- set interface "vm$i" \
            type=internal ofport_request="$i" \
            external_ids:iface-id="src-$((i - 1))"
        i=$((i + 1))
    done
    vsctl "$@" || return 1
    st_nb_start || return 1
    "$CP_CTL" --timeout=60 import "$ST_DIR/large.json" > /dev/null
}

# cp_controller_cold: one timed cold start: no flows on br-int, then the
# controller until its last bundle's barrier.  Sets CP_COLD ("total
# read compiled queued", seconds from its start) and CP_CTL_RSS (MiB).
cp_controller_cold() {
    local t0
    st_controller_stop
    ofctl del-flows br-int || return 1
    rm -f "$ST_DIR/tmirror-controller.log"
    t0=$(cp_now)
    st_controller_start -vtm_ofctrl:file:dbg || return 1
    cp_wait_synced "$ST_DIR/tmirror-controller.ctl" "$CP_CFG" 600 \
        || return 1
    CP_CTL_RSS=$(cp_rss_mib "$(cat "$ST_DIR/tmirror-controller.pid")")
    CP_COLD=$(cp_py cold-phases "$ST_DIR/tmirror-controller.log" "$t0" \
        "$CP_CFG") || return 1
}

# cp_ofctl_cold: the same flows with ovs-ofctl --bundle add-flows; sets
# CP_OFCTL (seconds).
cp_ofctl_cold() {
    local t0 n
    st_controller_stop
    ofctl del-flows br-int || return 1
    t0=$(cp_now)
    ofctl -O OpenFlow15 --bundle add-flows br-int "$ST_DIR/dump.txt" \
        2>> "$ST_DIR/ofctl.err" || return 1
    CP_OFCTL=$(cp_elapsed "$t0")
    n=$(cp_flow_count)
    [ "$n" = "$CP_NFLOWS" ] || cp_die "ovs-ofctl installed $n flows," \
        "not $CP_NFLOWS"
}

cp_cold_start() {
    local r ctl_samples= ofctl_samples= ratios= rss_max=0 phases= m
    CP_CFG=$(cp_nb_cfg)
    # The first start also creates the mirror tunnel port: not timed.
    cp_log "first controller start (creates tm-vxlan; not timed)"
    cp_controller_cold || cp_die "the controller did not apply" \
        "configuration $CP_CFG"
    CP_NFLOWS=$(cp_status "$ST_DIR/tmirror-controller.ctl" 'desired flows')
    [ "$(cp_flow_count)" = "$CP_NFLOWS" ] || cp_die "br-int has" \
        "$(cp_flow_count) flows, the controller wants $CP_NFLOWS"
    ofctl -O OpenFlow15 dump-flows br-int --no-stats \
        | sed 's/^ *//' > "$ST_DIR/dump.txt" || return 1
    cp_log "$CP_NFLOWS flows, dumped for ovs-ofctl"
    # Wait for the compiler's callgrind run, so that it does not disturb
    # the timed rounds.
    wait "$CP_CG_PID" || cp_die "callgrind on the large model failed"

    r=1
    while [ "$r" -le "$CP_ROUNDS" ]; do
        # Alternate which goes first.
        if [ $((r % 2)) = 1 ]; then
            cp_controller_cold && cp_ofctl_cold || return 1
        else
            cp_ofctl_cold && cp_controller_cold || return 1
        fi
        set -- $CP_COLD
        cp_log "round $r: controller $1 s (switch's flows read at $2 s," \
            "compiled at $3 s, bundle queued at $4 s), ovs-ofctl" \
            "$CP_OFCTL s"
        ctl_samples="$ctl_samples $1"
        ofctl_samples="$ofctl_samples $CP_OFCTL"
        ratios="$ratios $(cp_py ratio "$1" "$CP_OFCTL")"
        phases="$phases; $2/$3/$4/$1"
        rss_max=$(cp_py stats "$rss_max" "$CP_CTL_RSS" | cut -d' ' -f3)
        r=$((r + 1))
    done

    cp_result cp_cold_start_flows "$CP_NFLOWS" flows "" "" "" \
"desired flows of $CP_SOURCES local sources x 3 sessions x 20 port-range\
 rules ($CP_SHAPE; sessions of 10 sources), plus the standalone\
 pipeline (its broadcast flows: one per port, each listing every port)"
    set -- $(cp_py stats $ctl_samples)
    cp_result cp_cold_start_controller_s "$1" s "" "" "$ctl_samples" \
"tmirror-controller start to its last bundle's barrier (log), empty\
 br-int, userspace datapath; per round: switch read/compiled/bundle\
 queued/applied, s since start$phases"
    set -- $(cp_py stats $ofctl_samples)
    cp_result cp_cold_start_ofctl_s "$1" s "" "" "$ofctl_samples" \
"ovs-ofctl -O OpenFlow15 --bundle add-flows of the same $CP_NFLOWS flows\
 (dumped from the switch), empty br-int"
    set -- $(cp_py stats $ratios)
    m=$(cp_py compare "$1" "<=" 1.2)
    cp_result cp_cold_start_ratio "$1" ratio "<= 1.2" "$m" "$ratios" \
"controller cold start / ovs-ofctl --bundle add-flows of the same flows,\
 median of per-round ratios ($CP_ROUNDS rounds, alternated; spread\
 $2-$3)"
    cp_result cp_controller_rss_mib "$rss_max" MiB "" "" "" \
"tmirror-controller VmRSS with the large configuration applied\
 ($CP_NFLOWS flows), the largest of the cold starts"
}

# cp_restart: the controller started against a switch that already has
# its flows (put there by ovs-ofctl): it must send nothing.
cp_restart() {
    local t0 t
    st_controller_stop
    [ "$(cp_flow_count)" = "$CP_NFLOWS" ] || cp_ofctl_cold || return 1
    t0=$(cp_now)
    st_controller_start -vtm_ofctrl:file:dbg || return 1
    cp_wait_synced "$ST_DIR/tmirror-controller.ctl" "$CP_CFG" 600 \
        || return 1
    t=$(cp_elapsed "$t0")
    set -- $(cp_counters)
    cp_result cp_restart_in_sync_s "$t" s "" "" "" \
"tmirror-controller started against a br-int that already has its\
 $CP_NFLOWS flows, until in sync (status polled every 0.1 s); flow-mods\
 sent: $1 adds, $2 modifications, $3 deletions (expected none)"
}

# cp_change NAME VERIFY COMMAND...: one write with --wait=hv; with VERIFY
# = 1, what changed on the switch's mirror tables is compared with the
# flow-mods the controller counted.  Adds to the NAME's samples.
cp_change() {
    local name=$1 verify=$2 t0 wall cfg times c0 c1 dadd dmod ddel sent
    local diff exp
    shift 2
    c0=$(cp_counters)
    t0=$(cp_now)
    "$CP_CTL" --timeout=120 --wait=hv -vjsonrpc:console:dbg \
        '-vPATTERN:console:%d{%s.###}|%c|%m' "$@" \
        > /dev/null 2> "$ST_DIR/tmctl.log" || return 1
    wall=$(cp_py ms_between "$t0" "$(cp_now)")
    cfg=$(cp_nb_cfg)
    cp_wait_synced "$ST_DIR/tmirror-controller.ctl" "$cfg" 60 || return 1
    c1=$(cp_counters)
    set -- $c0 $c1
    dadd=$(($4 - $1)) dmod=$(($5 - $2)) ddel=$(($6 - $3))
    sent=$((dadd + dmod + ddel))
    times=$(cp_py incr-times "$ST_DIR/tmctl.log" \
        "$ST_DIR/tmirror-controller.log" "$cfg") || return 1
    set -- $times
    cp_log "$name: $sent flow-mods ($dadd adds, $dmod modifications," \
        "$ddel deletions); NB commit to applied $1 ms (compiled $2 ms," \
        "bundle queued $3 ms; tmirror-ctl saw it at $4 ms; its wall" \
        "time $wall ms)"
    eval "CP_T_$name=\"\${CP_T_$name:-} $1\""
    eval "CP_W_$name=\"\${CP_W_$name:-} $wall\""
    if [ "$verify" = 1 ]; then
        cp_dump_mirror_tables "$ST_DIR/after.txt" || return 1
        diff=$(cp_py flow-diff "$CP_BEFORE" "$ST_DIR/after.txt" 20,50)
        mv "$ST_DIR/after.txt" "$ST_DIR/before.txt"
        CP_BEFORE=$ST_DIR/before.txt
        set -- $diff
        exp=$(($1 + $2 + $3))
        shift 3
        cp_result "cp_incr_${name}_flow_mods" "$sent" count "== $exp" \
            "$(cp_py compare "$sent" "==" "$exp")" "" \
"tmirror-ctl --wait=hv $CP_WHAT: the controller sent $dadd adds, $dmod\
 modifications, $ddel deletions (status counters); the switch's mirror\
 tables changed by $exp: $*"
    fi
}

cp_incremental() {
    local rule r name v samples walls
    CP_BEFORE=$ST_DIR/dump.txt
    # Filter 0's third inbound rule (priority 30): UDP 5060-5062 is two
    # prefixes (5060/31, 5062), 5060-5063 one.  Filter 0 serves three
    # sessions, 30 (source, session) pairs.
    rule=$("$CP_CTL" rule-list filter-0 \
        | awk '$2 == "ingress" && $3 == "priority=30" {print $1; exit}')
    [ -n "$rule" ] || cp_die "no rule of priority 30 in filter-0"
    r=1
    while [ "$r" -le "$CP_INCR_ROUNDS" ]; do
        v=$((r == 1))
        CP_WHAT="rule-set RULE destination_port_range=5060-5063 (filter-0,\
 ingress priority 30, was 5060-5062)"
        cp_change rule "$v" rule-set "$rule" \
            destination_port_range=5060-5063 || return 1
        # Session 0 is the first (priority 1) of src-5's three: the flows
        # of its other two move up in rank, to new OpenFlow priorities
        # (modified where the same match had that priority, deleted and
        # added otherwise).
        CP_WHAT="session-remove-sources session-0 src-5 (the first of its\
 3 sessions)"
        cp_change source_remove "$v" session-remove-sources session-0 \
            src-5 || return 1
        CP_WHAT="session-add-sources session-0 src-5 (back as the first of\
 its 3 sessions)"
        cp_change source_add "$v" session-add-sources session-0 src-5 \
            || return 1
        cp_change rule 0 rule-set "$rule" \
            destination_port_range=5060-5062 || return 1
        r=$((r + 1))
    done
    for name in rule source_remove source_add; do
        eval "set -- \$CP_T_$name"
        samples="$*"
        eval "set -- \$CP_W_$name"
        walls="$*"
        set -- $(cp_py stats $samples)
        cp_result "cp_incr_${name}_ms" "$1" ms "" "" "$samples" \
"NB commit (the transact reply in tmirror-ctl's jsonrpc log) to the\
 controller's barrier (its log), $CP_SOURCES local sources, $CP_NFLOWS\
 flows; tmirror-ctl --wait=hv wall times (upper bound, includes reading\
 the whole NB database): $walls ms"
    done
    CP_CTL_RSS=$(cp_rss_mib "$(cat "$ST_DIR/tmirror-controller.pid")")
    cp_log "controller VmRSS after the changes: $CP_CTL_RSS MiB"
}

# Phase 4: the scale simulation.

# cp_hv_env DIR COMMAND...: COMMAND with the OVS directories of the
# simulated hypervisor in DIR.
cp_hv_env() {
    local dir=$1
    shift
    env OVS_RUNDIR="$dir" OVS_DBDIR="$dir" OVS_LOGDIR="$dir" \
        OVS_SYSCONFDIR="$dir" "$@"
}

# cp_hv_start DIR FIRST LAST: a hypervisor on the dummy datapath in DIR
# (ovsdb-server, ovs-vswitchd --enable-dummy) whose br-int has sources
# s-FIRST..s-LAST as dummy interfaces with their iface-id, the mirror
# tunnel port, and an underlay route to every target.
cp_hv_start() {
    local dir=$1 i=$2 last=$3 ofport=1
    mkdir "$dir" || return 1
    CP_HV_DIRS="$CP_HV_DIRS $dir"
    (ovs_start_db "$dir") > /dev/null 2>&1 || return 1
    cp_hv_env "$dir" "$OVS_SRC/vswitchd/ovs-vswitchd" --enable-dummy \
        --disable-system --detach --no-chdir --pidfile --log-file \
        -vconsole:off || return 1
    set -- add-br br-int -- set bridge br-int datapath-type=dummy \
        fail-mode=secure
    while [ "$i" -le "$last" ]; do
        set -- "$@" -- add-port br-int "s$i" -- set interface "s$i" \
            type=dummy ofport_request="$ofport" external_ids:iface-id="s-$i"
        i=$((i + 1)) ofport=$((ofport + 1))
    done
    # The tunnel port as the controller wants it on the patched switch,
    # so that the first bundle already has every mirror flow.
    set -- "$@" -- add-port br-int tm-vxlan -- set interface tm-vxlan \
        type=vxlan options:remote_ip=flow options:key=flow \
        options:local_ip=flow options:allow_nonlocal_src=true \
        options:truncate_to_fit=true
    cp_hv_env "$dir" "$OVS_SRC/utilities/ovs-vsctl" --timeout=30 "$@" \
        || return 1
    # The sandbox tests' underlay (tests/sandbox/lib.sh): every target
    # through a gateway whose MAC is known.
    for cmd in "netdev-dummy/ip4addr br-int 192.0.2.1/24" \
               "ovs/route/add 0.0.0.0/0 br-int 192.0.2.254" \
               "tnl/neigh/set br-int 192.0.2.254 aa:55:aa:55:00:fe"; do
        cp_hv_env "$dir" "$OVS_SRC/utilities/ovs-appctl" $cmd > /dev/null \
            || return 1
    done
}

cp_scale() {
    local n_src nf nlb h first last dir t0 t rss_nb ctl_rss= times= ok
    local cfg end slowest db flows samples walls hv1 vni
    CP_NB2=$ST_DIR/nb-scale
    set -- $(cp_py gen-scale "$CP_SCALE_SESSIONS" "$ST_DIR/scale.json")
    n_src=$1 nf=$2 nlb=$3
    [ -n "$nlb" ] || return 1
    OVS_BINDIR=$OVS_SRC/ovsdb "$ST_TOP/utilities/tmirror-db.sh" start \
        "$CP_NB2" > /dev/null || return 1
    db=unix:$CP_NB2/tmirror_nb.sock
    t0=$(cp_now)
    "$CP_CTL" --db="$db" --timeout=300 import "$ST_DIR/scale.json" \
        > /dev/null || return 1
    t=$(cp_elapsed "$t0")
    cp_log "scale: $CP_SCALE_SESSIONS sessions, $n_src sources imported" \
        "in $t s"
    cp_result cp_scale_import_s "$t" s "" "" "" \
"tmirror-ctl import of $CP_SCALE_SESSIONS sessions (one source each,\
 each source in 3), $n_src ports, $nf filters of 4 single-port\
 rules, $nlb load balancers (200 sessions each): one validated\
 transaction"

    h=1
    while [ "$h" -le "$CP_SCALE_HVS" ]; do
        first=$(( (h - 1) * n_src / CP_SCALE_HVS ))
        last=$(( h * n_src / CP_SCALE_HVS - 1 ))
        cp_hv_start "$ST_DIR/hv$h" "$first" "$last" \
            || cp_die "hypervisor hv$h did not start"
        h=$((h + 1))
    done
    cp_log "scale: $CP_SCALE_HVS hypervisors up, starting their" \
        "controllers"

    cfg=$(cp_nb_cfg "$db")
    t0=$(cp_now)
    for dir in $CP_HV_DIRS; do
        cp_hv_env "$dir" "$ST_CONTROLLER" --detach --no-chdir \
            --pidfile="$dir/tmirror-controller.pid" \
            --log-file="$dir/tmirror-controller.log" -vconsole:off \
            -vtm_ofctrl:file:dbg --unixctl="$dir/tmirror-controller.ctl" \
            --nb="$db" --name="$(basename "$dir")" \
            "unix:$dir/db.sock" || return 1
    done
    end=$(($(date +%s) + 600))
    while :; do
        ok=1
        for dir in $CP_HV_DIRS; do
            cp_synced "$dir/tmirror-controller.ctl" "$cfg" || { ok=0; break; }
        done
        [ "$ok" = 1 ] && break
        [ "$(date +%s)" -lt "$end" ] || cp_die "scale: not applied in 600 s"
        sleep 0.5
    done
    for dir in $CP_HV_DIRS; do
        t=$(cp_py last-applied "$dir/tmirror-controller.log" "$cfg") \
            || return 1
        times="$times $(cp_elapsed "$t0" "$t")"
        ctl_rss="$ctl_rss $(cp_rss_mib \
            "$(cat "$dir/tmirror-controller.pid")")"
    done
    slowest=$(cp_py stats $times | awk '{print $3}')
    flows=$(cp_status "$ST_DIR/hv1/tmirror-controller.ctl" 'desired flows')
    cp_result cp_scale_all_applied_s "$slowest" s "" "" "$times" \
"$CP_SCALE_HVS controllers started at once (dummy datapath, each its own\
 ovsdb-server and ovs-vswitchd, ~$((n_src / CP_SCALE_HVS)) sources and\
 $flows flows each) on one NB database of $CP_SCALE_SESSIONS sessions:\
 start to the last one's barrier (their logs); samples per hypervisor"

    # One write that changes one hypervisor's flows (a session's VNI),
    # until every hypervisor has it applied; three times.
    samples= walls= hv1=
    for vni in 16000001 16000002 16000003; do
        t0=$(cp_now)
        "$CP_CTL" --db="$db" --timeout=120 --wait=hv \
            -vjsonrpc:console:dbg '-vPATTERN:console:%d{%s.###}|%c|%m' \
            session-set ss-0 virtual_network_id=$vni \
            > /dev/null 2> "$ST_DIR/tmctl.log" || return 1
        walls="$walls $(cp_elapsed "$t0")"
        set -- $(cp_py incr-times "$ST_DIR/tmctl.log" \
            "$ST_DIR/hv1/tmirror-controller.log" "$(cp_nb_cfg "$db")")
        samples="$samples $4" hv1="$hv1 $1"
    done
    set -- $(cp_py stats $samples)
    cp_result cp_scale_write_ms "$1" ms "" "" "$samples" \
"tmirror-ctl --wait=hv session-set ss-0 virtual_network_id=N with\
 $CP_SCALE_SESSIONS sessions and $CP_SCALE_HVS hypervisors: NB commit to\
 the last hypervisor's row showing it applied (tmirror-ctl's jsonrpc\
 log); hv1, whose 4 flows change, applied it at$hv1 ms; wall times$walls\
 s (include reading the whole database)"

    rss_nb=$(cp_rss_mib "$(cat "$CP_NB2/tmirror_nb.pid")")
    cp_result cp_scale_nb_rss_mib "$rss_nb" MiB "" "" "" \
"NB ovsdb-server VmRSS with $CP_SCALE_SESSIONS sessions, $n_src ports\
 and $CP_SCALE_HVS hypervisors connected"
    set -- $(cp_py stats $ctl_rss)
    cp_result cp_scale_controller_rss_mib "$3" MiB "" "" "$ctl_rss" \
"the largest tmirror-controller VmRSS of the $CP_SCALE_HVS (median $1),\
 each with the whole NB database in its IDL and its own ~$flows flows"
    "$CP_CTL" --db="$db" hv-list | cut -c 1-60 | sed 's/^/  /'
}

[ "$(id -u)" = 0 ] || cp_die "needs root (network namespaces)"
command -v valgrind > /dev/null || cp_die "needs valgrind"
START=$(date +%s)

cp_log "setting up: a hypervisor with $CP_SOURCES sources on br-int"
st_start || cp_die "could not start ovs-vswitchd"
# After st_start, which sets lib.sh's own.
trap cp_cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE
cp_models || cp_die "could not generate the models"
cp_callgrind tiny
wait "$CP_CG_PID" || cp_die "callgrind on the tiny model failed"
# The large one runs while the hypervisor is set up; the cold start waits
# for it before its timed rounds.
cp_callgrind large
cp_hypervisor || cp_die "could not set up the hypervisor"

cp_log "cold start: $CP_ROUNDS rounds"
cp_cold_start || cp_die "cold start"
cp_compiler_results || cp_die "could not read callgrind's counts"
cp_log "controller restart against a switch that has its flows"
cp_restart || cp_die "restart"
cp_log "incremental changes: $CP_INCR_ROUNDS rounds"
cp_incremental || cp_die "incremental changes"
st_controller_stop

cp_log "scale: $CP_SCALE_SESSIONS sessions, $CP_SCALE_HVS hypervisors"
cp_scale || cp_die "scale simulation"
cp_log "done in $(($(date +%s) - START)) s"
