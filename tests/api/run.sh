#!/bin/sh
# The API test layer: tmirror-apid, on loopback in front of a northbound
# database of its own, driven by Huawei Cloud's official Node.js SDK
# (sdk-test.js), plus any tests/api/test-*.sh or test-*.js, which get the
# same environment.  Prints each program's output, then the layer's total
# as its last line ("api: N passed, N failed"); exits non-zero if anything
# failed.
#
# usage: tests/api/run.sh BUILD-BIN-DIR
#        BUILD-BIN-DIR holds tmirror-apid and tmirror-ctl; OVS_SRC is the
#        OVS build tree (for ovsdb-server; default: build/ovs).
#
# It installs the SDK with "npm ci" into tests/api/node_modules when that
# is missing or older than package-lock.json.  Everything else lives in a
# temporary directory that is removed on exit: the database, the
# credentials file, the daemon's pid file, log and sockets.  It stops only
# the processes it started, by their pid files.  The daemon's log is kept
# as build/api-tmirror-apid.log.
#
# What the test programs get in their environment:
#   TMIRROR_API_ENDPOINT      http://127.0.0.1:PORT
#   TMIRROR_API_AK/SK         key 1, allowed projects 1 and 2
#   TMIRROR_API_AK2/SK2       key 2, allowed project 2 only
#   TMIRROR_API_PROJECT/PROJECT2
#   TMIRROR_API_MAX_BODY      the daemon's --max-body, in bytes
#   TMIRROR_API_MAX_CONNECTIONS, TMIRROR_API_TIMEOUT
#                             its --max-connections and --timeout
#   TMIRROR_API_DIR           the temporary directory (apid.log, creds...)
#   TMIRROR_NB_DB             unix:DIR/tmirror_nb.sock
#   TMIRROR_CTL               tmirror-ctl
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
passed=0 failed=0
test_pid=

summary() {
    echo "api: $passed passed, $failed failed"
}

# Gives up before anything was started: one failure.
give_up() {
    echo "FAIL: $*"
    failed=$((failed + 1))
    summary
    exit 1
}

[ $# -eq 1 ] || give_up "usage: tests/api/run.sh BUILD-BIN-DIR"
[ -d "$1" ] || give_up "$1: no such directory"
bindir=$(cd "$1" && pwd)
# $TMIRROR_APID ("make check" sets it to the sanitizer build), else the
# one in BUILD-BIN-DIR.
apid=${TMIRROR_APID:-$bindir/tmirror-apid}
ctl=$bindir/tmirror-ctl
ovs_src=${OVS_SRC:-$top/build/ovs}
appctl=$ovs_src/utilities/ovs-appctl
[ -x "$apid" ] || give_up "$apid is missing (make build/bin/tmirror-apid)"
[ -x "$ctl" ] || give_up "$ctl is missing"
[ -x "$ovs_src/ovsdb/ovsdb-server" ] \
    || give_up "no ovsdb-server in $ovs_src/ovsdb (set OVS_SRC)"
command -v node > /dev/null 2>&1 \
    || give_up "node is not installed (utilities/install-deps.sh installs it)"
command -v npm > /dev/null 2>&1 \
    || give_up "npm is not installed (utilities/install-deps.sh installs it)"

# The SDK, exactly as package-lock.json pins it.
"$here/npm-install.sh" || give_up "the SDK could not be installed"

dir=$(mktemp -d "${TMPDIR:-/tmp}/tmirror-api.XXXXXX") \
    || give_up "can't create a temporary directory"

# Whether process $1 runs (a zombie that its parent, init, has not yet
# reaped does not).
alive() {
    case $(ps -o stat= -p "$1" 2>/dev/null) in
    ''|Z*) return 1 ;;
    *) return 0 ;;
    esac
}

# Stops what this script started (by pid file), keeps the daemon's log,
# removes the directory.
cleanup() {
    trap - EXIT INT TERM
    if [ -n "$test_pid" ]; then
        kill "$test_pid" 2>/dev/null
        wait "$test_pid" 2>/dev/null
    fi
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
        OVS_BINDIR=$ovs_src/ovsdb "$top/utilities/tmirror-db.sh" stop "$dir" \
            > /dev/null 2>&1
    fi
    if [ -f "$dir/apid.log" ] && [ -d "$top/build" ]; then
        cp "$dir/apid.log" "$top/build/api-tmirror-apid.log" 2>/dev/null
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The northbound database and seed 002's ports (not part of the API).
OVS_BINDIR=$ovs_src/ovsdb "$top/utilities/tmirror-db.sh" start "$dir" \
    > "$dir/db.out" 2>&1 || {
    cat "$dir/db.out" "$dir/tmirror_nb.log" 2>/dev/null | tail -n 20
    give_up "the northbound database did not start"
}
nb=unix:$dir/tmirror_nb.sock
for port in "port-ecs-source name=ECS-source mac_address=fa:16:3e:7e:d6:bc fixed_ips=192.168.0.230" \
            "port-ecs-target name=ECS-target mac_address=fa:16:3e:7e:d6:7a fixed_ips=192.168.0.164" \
            "port-ecs-test name=ECS-test mac_address=fa:16:3e:7e:d6:77 fixed_ips=192.168.0.161"; do
    # shellcheck disable=SC2086
    "$ctl" --db="$nb" --timeout=30 port-add $port > "$dir/ctl.out" 2>&1 || {
        cat "$dir/ctl.out"
        give_up "tmirror-ctl port-add ${port%% *} failed"
    }
done

# Two keys, random for this run: key 1 may use both projects, key 2 only
# the second.
random_hex() {
    od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}
ak1=$(random_hex 10 | tr a-f A-F) sk1=$(random_hex 20)
ak2=$(random_hex 10 | tr a-f A-F) sk2=$(random_hex 20)
project1=$(random_hex 16) project2=$(random_hex 16)
(
    umask 077
    cat > "$dir/creds" <<EOF
# access-key  secret-key  project-id[,project-id...]
$ak1 $sk1 $project1,$project2
$ak2 $sk2 $project2
EOF
)
chmod 600 "$dir/creds"

# The daemon, on a port of its choosing.
max_body=65536
# Room for the SDK test's concurrency; a read timeout longer than Node's
# 5 s keep-alive, so that the server never closes a connection the client
# is about to reuse.
max_connections=32
timeout=8
# A sanitizer build writes its reports there; any report fails the layer.
ASAN_OPTIONS=log_path=$dir/sanitizer:detect_leaks=1 \
UBSAN_OPTIONS=log_path=$dir/sanitizer:print_stacktrace=1 \
"$apid" --detach --no-chdir --pidfile="$dir/apid.pid" \
    --log-file="$dir/apid.log" --unixctl="$dir/apid.ctl" \
    --listen=127.0.0.1:0 --port-file="$dir/apid.port" --nb="$nb" \
    --credentials="$dir/creds" --max-body=$max_body \
    --max-connections=$max_connections --timeout=$timeout \
    > "$dir/apid.out" 2>&1 || {
    cat "$dir/apid.out"
    tail -n 20 "$dir/apid.log" 2>/dev/null
    give_up "tmirror-apid did not start"
}
for _ in $(seq 1 50); do
    [ -s "$dir/apid.port" ] && break
    sleep 0.1
done
port=$(cat "$dir/apid.port" 2>/dev/null)
[ -n "$port" ] || give_up "tmirror-apid wrote no port to $dir/apid.port"
apid_pid=$(cat "$dir/apid.pid")
echo "# tmirror-apid (pid $apid_pid) on 127.0.0.1:$port, database $nb"

# Runs one test program; adds its "NAME: N passed, N failed" line (its
# last) to the layer's total.  One that dies before it counts as a
# failure, as does one that exits non-zero without a failed check.
run_test() {
    name=$1
    shift
    out=$dir/test.out
    # In the background, so that a signal to this script is handled at
    # once (cleanup stops the program by its pid) rather than after it.
    (
        cd "$here" &&
        exec env HOME="$dir" \
            TMIRROR_API_ENDPOINT="http://127.0.0.1:$port" \
            TMIRROR_API_AK="$ak1" TMIRROR_API_SK="$sk1" \
            TMIRROR_API_AK2="$ak2" TMIRROR_API_SK2="$sk2" \
            TMIRROR_API_PROJECT="$project1" TMIRROR_API_PROJECT2="$project2" \
            TMIRROR_API_MAX_BODY=$max_body TMIRROR_API_DIR="$dir" \
            TMIRROR_API_MAX_CONNECTIONS=$max_connections \
            TMIRROR_API_TIMEOUT=$timeout \
            TMIRROR_NB_DB="$nb" TMIRROR_CTL="$ctl" \
            "$@"
    ) > "$out" 2>&1 &
    test_pid=$!
    wait "$test_pid"
    rc=$?
    test_pid=
    cat "$out"
    line=$(grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
    p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, [0-9]* failed$/\1/p')
    f=$(echo "$line" | sed -n 's/.*: [0-9]* passed, \([0-9]*\) failed$/\1/p')
    if [ -z "$p" ]; then
        echo "FAIL: $name stopped early (rc $rc)"
        p=0 f=1
    elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        echo "FAIL: $name exited $rc with no failed check"
        f=1
    fi
    passed=$((passed + p)) failed=$((failed + f))
}

check() {
    if [ "$2" = "$3" ]; then
        echo "ok: $1"
        passed=$((passed + 1))
    else
        echo "FAIL: $1 (expected $2, got $3)"
        failed=$((failed + 1))
    fi
}

run_test sdk-test.js node sdk-test.js
for t in "$here"/test-*.sh "$here"/test-*.js; do
    [ -f "$t" ] || continue
    case $t in
    *.sh) run_test "$(basename "$t")" sh "$t" ;;
    *.js) run_test "$(basename "$t")" node "$t" ;;
    esac
done

# The daemon survived all of it, logged no error, and exits when told to.
if alive "$apid_pid"; then running=yes; else running=no; fi
check "tmirror-apid is still running after the tests" yes "$running"
errors=$(grep -E '\|(ERR|EMER)\|' "$dir/apid.log" 2>/dev/null)
if [ -n "$errors" ]; then
    printf '%s\n' "$errors" | head -n 10
fi
check "tmirror-apid logged no ERR or EMER" 0 \
    "$(printf '%s' "$errors" | grep -c .)"
if [ "$running" = yes ] && [ -x "$appctl" ]; then
    "$appctl" -t "$dir/apid.ctl" exit > /dev/null 2>&1
    for _ in $(seq 1 50); do
        alive "$apid_pid" || break
        sleep 0.1
    done
    if alive "$apid_pid"; then gone=no; else gone=yes; fi
    check "tmirror-apid exits on ovs-appctl exit" yes "$gone"
fi
reports=$(cat "$dir"/sanitizer.* 2>/dev/null)
if [ -n "$reports" ]; then
    printf '%s\n' "$reports" | head -n 40
fi
check "no sanitizer report from tmirror-apid" 0 \
    "$(ls "$dir"/sanitizer.* 2>/dev/null | wc -l)"

if [ "$failed" != 0 ] && [ -f "$dir/apid.log" ]; then
    echo "# the last lines of tmirror-apid's log (all of it:" \
         "build/api-tmirror-apid.log)"
    tail -n 30 "$dir/apid.log"
fi
summary
[ "$failed" = 0 ]
