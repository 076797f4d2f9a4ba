#!/bin/sh
# Creates, starts, stops and upgrades the tmirror northbound database: an
# OVSDB database served by ovsdb-server, standalone (one file) or as one
# member of a Raft cluster, as OVN keeps its northbound state.
#
# usage:
#   tmirror-db.sh start DIR [--remote=REMOTE]...
#       Standalone: creates DIR/tmirror_nb.db if it does not exist, starts
#       ovsdb-server on unix:DIR/tmirror_nb.sock (plus each --remote, e.g.
#       ptcp:6641:127.0.0.1), and upgrades the database to the installed
#       schema if it is older.
#   tmirror-db.sh start-cluster DIR LOCAL-ADDR [REMOTE-ADDR] [--remote=...]
#       A cluster member whose Raft address is LOCAL-ADDR (tcp:IP:PORT).
#       Without REMOTE-ADDR it creates a new cluster; with it, it joins the
#       cluster that REMOTE-ADDR belongs to.  A member that already has its
#       database file just starts again.
#   tmirror-db.sh stop DIR          stops the server started in DIR
#   tmirror-db.sh upgrade DIR|REMOTE
#       converts the database in place if its schema is older than the
#       installed one: a cluster online (ovsdb-client convert, through its
#       leader), a standalone database offline (stop, ovsdb-tool convert
#       with a backup, start again with the same remotes), because
#       ovsdb-server 3.1 does not refresh the schema it advertises in its
#       _Server database after an online conversion of a standalone
#       database, and clients (the IDL) then never see the new columns
#   tmirror-db.sh status DIR        server pid, schema version, Raft status
#
# Everything lives in DIR: database, socket, pid file, log, control socket.
# The OVS binaries come from $OVS_BINDIR, or from the build tree next to
# this script, or from PATH.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
schema=${TMIRROR_SCHEMA:-$here/../lib/tmirror.ovsschema}
[ -f "$schema" ] || schema=${TMIRROR_SCHEMA:-/usr/local/share/tmirror/tmirror.ovsschema}

find_ovs() {
    for candidate in "${OVS_BINDIR:-}/$1" "$here/../build/ovs/ovsdb/$1" \
                     "$here/../build/ovs/utilities/$1"; do
        if [ -x "$candidate" ]; then
            echo "$candidate"
            return
        fi
    done
    command -v "$1" || { echo "tmirror-db: $1 not found" >&2; exit 1; }
}
ovsdb_tool=$(find_ovs ovsdb-tool)
ovsdb_server=$(find_ovs ovsdb-server)
ovsdb_client=$(find_ovs ovsdb-client)
ovs_appctl=$(find_ovs ovs-appctl)

die() {
    echo "tmirror-db: $*" >&2
    exit 1
}

db_name=$("$ovsdb_tool" schema-name "$schema")

# Starts ovsdb-server for the database file in $1 with extra remotes,
# which are remembered for restarts (upgrade).
start_server() {
    dir=$1
    shift
    printf '%s\n' "$@" > "$dir/tmirror_nb.remotes"
    set -- --remote="punix:$dir/tmirror_nb.sock" "$@"
    if [ -f "$dir/tmirror_nb.pid" ] \
       && kill -0 "$(cat "$dir/tmirror_nb.pid")" 2>/dev/null; then
        die "a server is already running in $dir (pid $(cat "$dir/tmirror_nb.pid"))"
    fi
    "$ovsdb_server" --detach --no-chdir -vconsole:off \
        --pidfile="$dir/tmirror_nb.pid" \
        --log-file="$dir/tmirror_nb.log" \
        --unixctl="$dir/tmirror_nb.ctl" \
        "$@" "$dir/tmirror_nb.db"
}

# Converts the standalone database file $1 offline if it is older than the
# installed schema, keeping a backup of the old file.
upgrade_file() {
    file=$1
    if [ "$("$ovsdb_tool" needs-conversion "$file" "$schema")" = yes ]; then
        from=$("$ovsdb_tool" db-version "$file")
        to=$("$ovsdb_tool" schema-version "$schema")
        cp "$file" "$file.backup-$from"
        echo "tmirror-db: converting $db_name from $from to $to" \
             "(backup: $file.backup-$from)"
        "$ovsdb_tool" convert "$file" "$schema"
    fi
}

# Converts the clustered database behind remote $1 online if it is older.
upgrade_remote() {
    remote=$1
    query='["_Server", {"op": "select", "table": "Database",
                        "where": [["name", "==", "'$db_name'"]],
                        "columns": ["model"]}]'
    model=$("$ovsdb_client" --timeout=30 query "$remote" "$query") \
        || die "can't reach $remote"
    case $model in
    *standalone*)
        die "$remote serves a standalone database: upgrade it by its" \
            "directory (tmirror-db.sh upgrade DIR), which converts it" \
            "offline; ovsdb-server 3.1 would keep advertising the old" \
            "schema after an online conversion"
        ;;
    esac
    needs=$("$ovsdb_client" --timeout=30 needs-conversion "$remote" \
            "$schema") || die "can't check the schema of $remote"
    if [ "$needs" = yes ]; then
        from=$("$ovsdb_client" --timeout=30 get-schema-version "$remote" \
               "$db_name")
        to=$("$ovsdb_tool" schema-version "$schema")
        echo "tmirror-db: converting $db_name from $from to $to"
        "$ovsdb_client" --timeout=60 convert "$remote" "$schema"
    fi
}

# Waits for the socket in $1 to accept connections.
wait_ready() {
    for _ in $(seq 1 100); do
        if "$ovsdb_client" --timeout=1 list-dbs "unix:$1/tmirror_nb.sock" \
                > /dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    die "ovsdb-server in $1 did not come up (see $1/tmirror_nb.log)"
}

[ $# -ge 1 ] || die "usage: tmirror-db.sh start|start-cluster|stop|upgrade|status DIR ..."
command=$1
shift

case $command in
start)
    [ $# -ge 1 ] || die "usage: tmirror-db.sh start DIR [--remote=REMOTE]..."
    dir=$1
    shift
    mkdir -p "$dir"
    if [ ! -f "$dir/tmirror_nb.db" ]; then
        "$ovsdb_tool" create "$dir/tmirror_nb.db" "$schema"
    else
        upgrade_file "$dir/tmirror_nb.db"
    fi
    start_server "$dir" "$@"
    wait_ready "$dir"
    ;;

start-cluster)
    [ $# -ge 2 ] || die "usage: tmirror-db.sh start-cluster DIR LOCAL-ADDR [REMOTE-ADDR] [--remote=REMOTE]..."
    dir=$1 local=$2
    shift 2
    remote=
    case ${1:-} in
    tcp:*|ssl:*) remote=$1; shift ;;
    esac
    mkdir -p "$dir"
    if [ ! -f "$dir/tmirror_nb.db" ]; then
        if [ -z "$remote" ]; then
            "$ovsdb_tool" create-cluster "$dir/tmirror_nb.db" "$schema" \
                "$local"
        else
            "$ovsdb_tool" join-cluster "$dir/tmirror_nb.db" "$db_name" \
                "$local" "$remote"
        fi
    fi
    start_server "$dir" "$@"
    wait_ready "$dir"
    ;;

stop)
    [ $# -eq 1 ] || die "usage: tmirror-db.sh stop DIR"
    pidfile=$1/tmirror_nb.pid
    [ -f "$pidfile" ] || die "no server pid file in $1"
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || exit 0
        sleep 0.1
    done
    die "ovsdb-server $pid in $1 did not stop"
    ;;

upgrade)
    [ $# -eq 1 ] || die "usage: tmirror-db.sh upgrade DIR|REMOTE"
    case $1 in
    unix:*|tcp:*|ssl:*)
        upgrade_remote "$1"
        ;;
    *)
        dir=$1
        if "$ovsdb_tool" db-is-clustered "$dir/tmirror_nb.db"; then
            upgrade_remote "unix:$dir/tmirror_nb.sock"
        elif [ "$("$ovsdb_tool" needs-conversion "$dir/tmirror_nb.db" \
                  "$schema")" = yes ]; then
            running=false
            if [ -f "$dir/tmirror_nb.pid" ] \
               && kill -0 "$(cat "$dir/tmirror_nb.pid")" 2>/dev/null; then
                running=true
                "$0" stop "$dir"
            fi
            upgrade_file "$dir/tmirror_nb.db"
            if $running; then
                # shellcheck disable=SC2046
                set -- $(cat "$dir/tmirror_nb.remotes" 2>/dev/null)
                start_server "$dir" "$@"
                wait_ready "$dir"
            fi
        fi
        ;;
    esac
    ;;

status)
    [ $# -eq 1 ] || die "usage: tmirror-db.sh status DIR"
    dir=$1
    echo "pid: $(cat "$dir/tmirror_nb.pid" 2>/dev/null || echo none)"
    echo "schema: $("$ovsdb_client" --timeout=5 get-schema-version \
        "unix:$dir/tmirror_nb.sock" "$db_name")"
    if "$ovsdb_tool" db-is-clustered "$dir/tmirror_nb.db" 2>/dev/null; then
        "$ovs_appctl" -t "$dir/tmirror_nb.ctl" cluster/status "$db_name"
    fi
    ;;

*)
    die "unknown command '$command'"
    ;;
esac
