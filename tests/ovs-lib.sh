# An OVS instance of a test's own, shared by the sandbox and system test
# libraries: everything it writes (database, sockets, pid files, logs) is
# in one directory, and its daemons are stopped by their pid files, so no
# system-wide OVS is ever touched.  OVS_SRC must point at the OVS build
# tree.

vsctl() { "$OVS_SRC/utilities/ovs-vsctl" --timeout=10 "$@"; }
ofctl() { "$OVS_SRC/utilities/ovs-ofctl" "$@"; }
appctl() { "$OVS_SRC/utilities/ovs-appctl" --timeout=10 "$@"; }

# ovs_start_db DIR: points the OVS tools at DIR, creates an Open_vSwitch
# database there and starts its ovsdb-server.
ovs_start_db() {
    export OVS_RUNDIR=$1 OVS_DBDIR=$1 OVS_LOGDIR=$1 OVS_SYSCONFDIR=$1
    "$OVS_SRC/ovsdb/ovsdb-tool" create "$1/conf.db" \
        "$OVS_SRC/vswitchd/vswitch.ovsschema" || return 1
    "$OVS_SRC/ovsdb/ovsdb-server" --detach --no-chdir --pidfile \
        --log-file --remote="punix:$1/db.sock" "$1/conf.db" || return 1
    vsctl --no-wait init
}

# ovs_stop_daemons DIR: stops the ovs-vswitchd and ovsdb-server started
# in DIR, if any.
ovs_stop_daemons() {
    for daemon in ovs-vswitchd ovsdb-server; do
        if [ -n "$1" ] && [ -f "$1/$daemon.pid" ]; then
            kill "$(cat "$1/$daemon.pid")" 2>/dev/null
        fi
    done
}
