#!/bin/sh
# Writers racing for the last slot of a quota: exactly one may win, the
# others must get the quota's error, and the database must hold exactly
# what the winner wrote.  The processes of a race start together: each
# waits for a file to appear, then runs its tmirror-ctl command.
. "$(dirname "$0")/lib.sh"

nb_init
nb_start || exit 1

# The server logs its JSON-RPC traffic, so that we can see writes that
# lost the nb_cfg verification and were retried.
SERVER_LOG=$NB_DIR/db/tmirror_nb.log
"$OVS_SRC/utilities/ovs-appctl" -t "$NB_DIR/db/tmirror_nb.ctl" \
    vlog/set jsonrpc:file:dbg > /dev/null

RACE_PIDS=
RACE_DIR=
RACE_N=0

# race_new: a new race.
race_new() {
    RACE_N=$((RACE_N + 1))
    RACE_DIR=$NB_DIR/race$RACE_N
    mkdir "$RACE_DIR"
    RACE_PIDS=
}

# race_add I COMMAND...: contestant I runs COMMAND once the race starts.
race_add() {
    i=$1
    shift
    (
        while [ ! -e "$RACE_DIR/go" ]; do
            sleep 0.005
        done
        "$@" > "$RACE_DIR/out.$i" 2> "$RACE_DIR/err.$i"
        echo $? > "$RACE_DIR/rc.$i"
    ) &
    RACE_PIDS="$RACE_PIDS $!"
}

# race_run: starts the race (once every contestant is waiting) and waits
# for all of them.
race_run() {
    sleep 0.3
    touch "$RACE_DIR/go"
    for pid in $RACE_PIDS; do
        wait "$pid"
    done
}

# race_check WHAT N MESSAGE: of contestants 1..N exactly one succeeded and
# printed OUT_PATTERN (an extended regular expression, "" for nothing);
# every other failed with MESSAGE (which may contain WINNER_OUT, replaced
# by the winner's output) and printed nothing.  Sets WINNER and
# WINNER_OUT.
race_check() {
    what=$1 n=$2 message=$3 out_pattern=$4
    WINNER= WINNER_OUT=
    winners=0
    i=1
    while [ $i -le "$n" ]; do
        if [ "$(cat "$RACE_DIR/rc.$i" 2>/dev/null)" = 0 ]; then
            winners=$((winners + 1))
            WINNER=$i
            WINNER_OUT=$(cat "$RACE_DIR/out.$i")
        fi
        i=$((i + 1))
    done
    if [ "$winners" = 1 ]; then
        nb_pass "$what: exactly one of $n writers succeeded (#$WINNER)"
    else
        nb_fail "$what: $winners of $n writers succeeded"
        i=1
        while [ $i -le "$n" ]; do
            echo "  #$i rc=$(cat "$RACE_DIR/rc.$i" 2>/dev/null) out=$(cat "$RACE_DIR/out.$i") err=$(cat "$RACE_DIR/err.$i")"
            i=$((i + 1))
        done
        return
    fi
    if [ -z "$out_pattern" ] && [ -z "$WINNER_OUT" ]; then
        nb_pass "$what: the winner printed nothing"
    elif [ -n "$out_pattern" ] \
         && printf '%s\n' "$WINNER_OUT" | grep -Eqx -- "$out_pattern"; then
        nb_pass "$what: the winner printed $WINNER_OUT"
    else
        nb_fail "$what: the winner printed \"$WINNER_OUT\""
    fi
    message=$(printf '%s\n' "$message" | sed "s/WINNER_OUT/$WINNER_OUT/")
    bad=0
    i=1
    while [ $i -le "$n" ]; do
        if [ "$i" != "$WINNER" ]; then
            if ! grep -qF -- "$message" "$RACE_DIR/err.$i"; then
                nb_fail "$what: loser #$i: error \"$(cat "$RACE_DIR/err.$i")\" lacks \"$message\""
                bad=1
            elif [ -s "$RACE_DIR/out.$i" ]; then
                nb_fail "$what: loser #$i printed $(cat "$RACE_DIR/out.$i")"
                bad=1
            fi
        fi
        i=$((i + 1))
    done
    [ $bad = 0 ] && nb_pass "$what: every loser got \"$message\""
}

# The export, parsed: export_eval EXPR prints EXPR with d = the model.
export_eval() {
    ctl export | python3 -c '
import json, sys
d = json.load(sys.stdin)
sessions = d["traffic_mirror_sessions"]
print(eval(sys.argv[1]))' "$1"
}

nb_cfg() { ctl --format=json show | python3 -c 'import json,sys; print(json.load(sys.stdin)["nb_cfg"])'; }

UUID_RE='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

expect_ok ctl filter-add f
F=$OUT

# ---------------------------------------------------------------------
# (a) A source in 2 sessions; 4 writers each add a session on it with
# its own priority: only the 3rd session may exist.  Five times.

rep=1
while [ $rep -le 5 ]; do
    ctl port-add src-$rep fixed_ips=10.0.$rep.1 > /dev/null
    ctl port-add tgt-$rep fixed_ips=10.0.$rep.2 > /dev/null
    ctl session-add base-$rep-1 f eni tgt-$rep 1 \
        traffic_mirror_sources=src-$rep > /dev/null
    ctl session-add base-$rep-2 f eni tgt-$rep 2 \
        traffic_mirror_sources=src-$rep > /dev/null
    cfg=$(nb_cfg)
    race_new
    for i in 1 2 3 4; do
        race_add $i ctl session-add race-$rep-$i f eni tgt-$rep $((i + 2)) \
            traffic_mirror_sources=src-$rep
    done
    race_run
    race_check "(a) race $rep, 3rd session of src-$rep" 4 \
        "traffic_mirror_session (new): traffic_mirror_sources: port \"src-$rep\" would be a source of 4 sessions, the quota is 3 per source" \
        "$UUID_RE"
    expect_eq "(a) race $rep: one write" "$(nb_cfg)" $((cfg + 1))
    expect_eq "(a) race $rep: the sessions of src-$rep" \
        "$(export_eval 'sorted((s["name"], s["id"], s["priority"]) for s in sessions if "src-'$rep'" in s["traffic_mirror_sources"])')" \
        "[('base-$rep-1', $(export_eval 'repr([s["id"] for s in sessions if s["name"] == "base-'$rep'-1"][0])'), 1), ('base-$rep-2', $(export_eval 'repr([s["id"] for s in sessions if s["name"] == "base-'$rep'-2"][0])'), 2), ('race-$rep-$WINNER', '$WINNER_OUT', $((WINNER + 2)))]"
    expect_eq "(a) race $rep: sessions in all, none duplicated" \
        "$(export_eval '(len(sessions), len(set(s["name"] for s in sessions)), len(set(s["id"] for s in sessions)))')" \
        "($((rep * 3)), $((rep * 3)), $((rep * 3)))"
    rep=$((rep + 1))
done

# ---------------------------------------------------------------------
# (b) The last of the 10 sources of a session: 4 writers each add a
# different port.  Three times.

i=1
while [ $i -le 9 ]; do
    ctl port-add s$i fixed_ips=10.1.0.$i > /dev/null
    i=$((i + 1))
done
expect_ok ctl port-add collector fixed_ips=10.1.1.1
rep=1
while [ $rep -le 3 ]; do
    for i in 1 2 3 4; do
        ctl port-add extra-$rep-$i fixed_ips=10.1.$((rep + 1)).$i > /dev/null
    done
    ctl session-add nine-$rep f eni collector $((rep + 10)) \
        traffic_mirror_sources=s1,s2,s3,s4,s5,s6,s7,s8,s9 > "$NB_DIR/nine"
    NINE=$(cat "$NB_DIR/nine")
    cfg=$(nb_cfg)
    race_new
    for i in 1 2 3 4; do
        race_add $i ctl session-add-sources nine-$rep extra-$rep-$i
    done
    race_run
    race_check "(b) race $rep, 10th source of nine-$rep" 4 \
        "traffic_mirror_session \"$NINE\": traffic_mirror_sources: 11 sources exceed the quota of 10 per session" \
        ""
    expect_eq "(b) race $rep: one write" "$(nb_cfg)" $((cfg + 1))
    expect_eq "(b) race $rep: the sources of nine-$rep" \
        "$(export_eval '[sorted(s["traffic_mirror_sources"]) for s in sessions if s["name"] == "nine-'$rep'"]')" \
        "[['extra-$rep-$WINNER', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9']]"
    expect_eq "(b) race $rep: no other session got an extra port" \
        "$(export_eval 'sorted(p for s in sessions for p in s["traffic_mirror_sources"] if p.startswith("extra-'$rep'-"))')" \
        "['extra-$rep-$WINNER']"
    rep=$((rep + 1))
done

# ---------------------------------------------------------------------
# (c) Two writers add a rule of the same priority to the same direction
# of a filter.  Five times, alternating directions.

expect_ok ctl filter-add rules
F_RULES=$OUT
rep=1
while [ $rep -le 5 ]; do
    if [ $((rep % 2)) = 1 ]; then dir=ingress; else dir=egress; fi
    cfg=$(nb_cfg)
    race_new
    race_add 1 ctl rule-add rules $dir $((rep * 10)) accept description=one
    race_add 2 ctl rule-add rules $dir $((rep * 10)) reject description=two
    race_run
    race_check "(c) race $rep, $dir priority $((rep * 10))" 2 \
        "traffic_mirror_filter_rule (new): priority: $((rep * 10)) is already used by $dir rule \"WINNER_OUT\" of the same filter; priorities must be unique per filter and direction (1-65535)" \
        "$UUID_RE"
    expect_eq "(c) race $rep: one write" "$(nb_cfg)" $((cfg + 1))
    if [ "$WINNER" = 1 ]; then won=one; else won=two; fi
    expect_eq "(c) race $rep: the rules of priority $((rep * 10))" \
        "$(export_eval '[(r["id"], r["direction"], r["description"]) for f in d["traffic_mirror_filters"] if f["name"] == "rules" for r in f["ingress_rules"] + f["egress_rules"] if r["priority"] == '$((rep * 10))']')" \
        "[('$WINNER_OUT', '$dir', '$won')]"
    expect_eq "(c) race $rep: rules in the filter" \
        "$(export_eval '[len(f["ingress_rules"]) + len(f["egress_rules"]) for f in d["traffic_mirror_filters"] if f["name"] == "rules"]')" \
        "[$rep]"
    rep=$((rep + 1))
done

# Across all of these races, some writer must really have lost the nb_cfg
# verification on the server and retried (otherwise the writers merely
# ran one after the other and the races tested nothing).
conflicts=$(grep -c 'clause test failed' "$SERVER_LOG")
if [ "$conflicts" -ge 1 ]; then
    nb_pass "writers collided on the server $conflicts times and retried"
else
    nb_fail "no writer ever lost the nb_cfg verification: the races did not overlap"
fi

# ---------------------------------------------------------------------
# (d) Writers that don't conflict all succeed, even the first writes of
# a new database, which all try to create the global row.

nb_start fresh || exit 1
race_new
for i in 1 2 3 4; do
    race_add $i ctl filter-add first-$i
done
race_run
ok=0
for i in 1 2 3 4; do
    if [ "$(cat "$RACE_DIR/rc.$i")" = 0 ] \
       && grep -Eqx "$UUID_RE" "$RACE_DIR/out.$i"; then
        ok=$((ok + 1))
    else
        echo "  #$i rc=$(cat "$RACE_DIR/rc.$i") err=$(cat "$RACE_DIR/err.$i")"
    fi
done
expect_eq "(d) first writes of a new database that succeeded" "$ok" 4
expect_eq "(d) filters written" \
    "$(export_eval 'sorted(f["name"] for f in d["traffic_mirror_filters"])')" \
    "['first-1', 'first-2', 'first-3', 'first-4']"
expect_eq "(d) nb_cfg counts every write once" "$(nb_cfg)" 4
expect_eq "(d) one TM_Global row" \
    "$("$OVSDB_CLIENT" --timeout=10 dump "$TMIRROR_NB_DB" TMirror_Northbound TM_Global | grep -Ec '^[0-9a-f]{8}-')" 1
race_new
for i in 1 2 3 4; do
    race_add $i ctl port-add p-$i fixed_ips=10.2.0.$i
done
race_run
ok=0
for i in 1 2 3 4; do
    [ "$(cat "$RACE_DIR/rc.$i")" = 0 ] && ok=$((ok + 1))
done
expect_eq "(d) concurrent port-adds that succeeded" "$ok" 4
expect_eq "(d) ports written" \
    "$(export_eval '[p["id"] for p in d["ports"]]')" \
    "['p-1', 'p-2', 'p-3', 'p-4']"
expect_eq "(d) nb_cfg after 8 writes" "$(nb_cfg)" 8
# The same port added by 4 writers at once: one succeeds.
race_new
for i in 1 2 3 4; do
    race_add $i ctl port-add same fixed_ips=10.3.0.$i
done
race_run
race_check "(d) the same port added 4 times" 4 'port "same" already exists' ""
expect_eq "(d) the port is there once, as the winner wrote it" \
    "$(export_eval '[(p["id"], p["fixed_ips"]) for p in d["ports"] if p["id"] == "same"]')" \
    "[('same', [{'ip_address': '10.3.0.$WINNER'}])]"

nb_finish
