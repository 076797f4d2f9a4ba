# A second simulated hypervisor for the system tests, next to lib.sh's
# first one: its own "hypervisor" namespace ($MH_HV2), and its own
# ovsdb-server, ovs-vswitchd and tmirror-controller, all writing into
# $MH_DIR ($ST_DIR/hv2).  Sourced after lib.sh.
#
# lib.sh's tools (vsctl, ofctl, appctl) follow OVS_RUNDIR and friends,
# which ovs_start_db exported for the first hypervisor; the mh_ versions
# below run the same tools with those variables pointing at $MH_DIR.  The
# cleanup stops the second hypervisor's daemons by their pid files and then
# runs st_cleanup, which deletes every namespace (this one included) and
# $ST_DIR.

MH_DIR=
MH_HV2=

# mh_env COMMAND...: runs COMMAND with the OVS directories of the second
# hypervisor.
mh_env() {
    env OVS_RUNDIR="$MH_DIR" OVS_DBDIR="$MH_DIR" OVS_LOGDIR="$MH_DIR" \
        OVS_SYSCONFDIR="$MH_DIR" "$@"
}

mh_vsctl() { mh_env "$OVS_SRC/utilities/ovs-vsctl" --timeout=10 "$@"; }
mh_ofctl() { mh_env "$OVS_SRC/utilities/ovs-ofctl" "$@"; }
mh_appctl() { mh_env "$OVS_SRC/utilities/ovs-appctl" --timeout=10 "$@"; }
mh_ctlappctl() { mh_appctl -t "$MH_DIR/tmirror-controller.ctl" "$@"; }

# mh_cleanup: the EXIT trap once the second hypervisor exists: stops its
# controller and daemons, then does what st_cleanup does for the rest.
mh_cleanup() {
    trap '' INT TERM
    mh_controller_stop
    if [ -n "$MH_DIR" ]; then
        ovs_stop_daemons "$MH_DIR"
    fi
    st_cleanup
}

# mh_start: after st_start, the second hypervisor: namespace $MH_HV2 (hv2)
# with ovsdb-server (its database in $MH_DIR) and ovs-vswitchd.
mh_start() {
    MH_DIR=$ST_DIR/hv2
    mkdir "$MH_DIR" || return 1
    # From here on the exit trap must stop these daemons too.
    trap mh_cleanup EXIT
    st_ns MH_HV2 hv2 || return 1
    # ovs_start_db exports the directories: a subshell keeps the first
    # hypervisor's in this shell.
    (ovs_start_db "$MH_DIR") || return 1
    mh_vsctl --no-wait set Open_vSwitch . \
        other_config:userspace-tso-enable=false &&
    mh_env ip netns exec "$MH_HV2" "$OVS_SRC/vswitchd/ovs-vswitchd" \
        --detach --no-chdir --pidfile --log-file -vconsole:off \
        "unix:$MH_DIR/db.sock"
}

# mh_brint IP: on the second hypervisor, br-int on the userspace datapath
# with IP/24 on its LOCAL port (st_brint's twin).
mh_brint() {
    mh_vsctl add-br br-int -- set bridge br-int datapath_type=netdev \
        fail-mode=secure || return 1
    ip -n "$MH_HV2" addr add "$1/24" dev br-int &&
    ip -n "$MH_HV2" link set br-int up
}

# mh_vm VAR NAME MAC IP PORT-ID: st_vm's twin, on the second hypervisor's
# br-int.
mh_vm() {
    local var="$1" name="$2" mac="$3" ip="$4" port="$5" ns hv1="$ST_HV" rc
    st_ns "$var" "$name" || return 1
    eval "ns=\$$var"
    # st_veth puts the hypervisor's end in $ST_HV.
    ST_HV=$MH_HV2
    st_veth "$ns" "tap-$name" "$mac" 1500
    rc=$?
    ST_HV=$hv1
    [ $rc = 0 ] || return 1
    ip -n "$ns" addr add "$ip/24" dev eth0 &&
    mh_vsctl add-port br-int "tap-$name" \
        -- set interface "tap-$name" external_ids:iface-id="$port"
}

# mh_underlay PORT1 PORT2: a veth between the two hypervisors (PORT1 in
# $ST_HV, PORT2 in $MH_HV2), added to each one's br-int: a flat provider
# network.
mh_underlay() {
    ip link add "$1" netns "$ST_HV" type veth peer name "$2" \
        netns "$MH_HV2" || return 1
    st_exec "$ST_HV" sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1" &&
    st_exec "$MH_HV2" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" &&
    ip -n "$ST_HV" link set "$1" up &&
    ip -n "$MH_HV2" link set "$2" up &&
    vsctl add-port br-int "$1" &&
    mh_vsctl add-port br-int "$2"
}

# mh_controller_start [OPTION...]: tmirror-controller on the second
# hypervisor (name hv2), against the same northbound database; log, pid
# file and control socket (mh_ctlappctl) in $MH_DIR.  A sanitizer build
# reports into $ST_DIR, where st_finish looks.
mh_controller_start() {
    mh_env ASAN_OPTIONS="log_path=$ST_DIR/sanitizer:detect_leaks=1" \
        UBSAN_OPTIONS="log_path=$ST_DIR/sanitizer:print_stacktrace=1" \
        ip netns exec "$MH_HV2" "$ST_CONTROLLER" --detach --no-chdir \
        --pidfile="$MH_DIR/tmirror-controller.pid" \
        --log-file="$MH_DIR/tmirror-controller.log" -vconsole:off \
        --unixctl="$MH_DIR/tmirror-controller.ctl" \
        --nb="$TMIRROR_NB_DB" --name=hv2 "$@" "unix:$MH_DIR/db.sock"
}

# mh_controller_stop: stops hv2's controller.
mh_controller_stop() {
    st_controller_stop "$MH_DIR"
}

# mh_finish: st_finish, once the second controller has stopped (so that a
# sanitizer build has written its report).
mh_finish() {
    mh_controller_stop
    st_finish
}
