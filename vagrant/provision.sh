#!/bin/sh
# Provisions one machine of the tmirror lab (vagrant/Vagrantfile) with the
# project's own scripts: utilities/install-deps.sh, make, make install, the
# installed systemd units configured through /etc/default/tmirror,
# tmirror-ctl, tmirror-controller and tmirror-collector, and the patched
# Open vSwitch of the build tree.
#
# usage: provision.sh ROLE [STEP...]   runs STEPs on this machine (default:
#                                      ROLE's provisioning steps, in order)
#        provision.sh --check ROLE [STEP...]   checks the arguments only
#        provision.sh --steps ROLE     prints ROLE's provisioning steps
#        provision.sh --env            prints the lab's addresses
#
# Roles, and their provisioning steps:
#   collector  deps build install config nb collector
#   hv2        deps build install config ovs underlay vm controller
#   hv1        deps build install config ovs underlay vm listen controller
#              session
# Steps run on demand: system-test and received (hv1), send (hv2), verify
# (collector), and stop (every role).
#
#   deps         utilities/install-deps.sh
#   build        make (the whole tree, OVS included)
#   install      make install PREFIX=$TM_LAB_PREFIX DESTDIR=$TM_LAB_DESTDIR
#   config       /etc/default/tmirror (what the units read) and a profile
#                for interactive shells
#   nb           the northbound database: the tmirror-nb unit, also
#                listening on TCP $TM_LAB_NB_PORT on $TM_LAB_NB_IP
#   collector    tmirror-collector on $TM_LAB_COLLECTOR_IP:4789, and its
#                address registered as port "port-collector"
#   ovs          ovsdb-server and ovs-vswitchd (userspace datapath)
#   underlay     br-int, with the interface that has this hypervisor's
#                provider address as its uplink and that address moved to
#                br-int's own port (native tunneling routes through it)
#   vm           this hypervisor's VM: a network namespace on br-int, bound
#                as OVN binds ports (external_ids:iface-id), registered in
#                the database (hv1: ECS-source, hv2: ECS-test)
#   listen       a TCP service on ECS-source port 1234 (nc -lk)
#   controller   the tmirror-controller unit (--name=ROLE --uplink=...);
#                waits until it has applied the database's configuration
#   session      seed 002's filter and session, with the collector as the
#                target: inbound TCP from ECS-test to ECS-source:1234,
#                VNI 1, 96 bytes; waits until every hypervisor applied it
#   system-test  tests/system/test-two-hypervisors.sh, with the installed
#                programs
#   send         ECS-test sends "hello TOKEN", "12345 TOKEN" and a longer
#                line to ECS-source:1234
#   received     ECS-source's service received the three lines
#   verify       the collector's vni-1.pcap holds their segments, read
#                back with tshark: inbound only, cut to 96 bytes, with the
#                outer source the hypervisor's mode gives
#   stop         stops what this role's steps started, and deletes its VM
#
# Every step can run again: what already runs is left alone, except the
# units, which restart to read their configuration again.
#
# The same steps run in two places.  In a Vagrant VM, as root, with systemd
# (TM_LAB_SYSTEMD=1): the units run through systemctl, every directory at
# its default.  In "make check" (tests/vagrant/test-lab.sh), in network
# namespaces on one host (TM_LAB_SYSTEMD=0): programs are installed into a
# DESTDIR and every directory is the test's own; the units' ExecStart
# lines are run as systemd would run them, with their paths mapped to
# those directories.
#
# Environment (defaults in brackets; Vagrantfile passes the addresses):
#   TM_LAB_SRC         the source tree [this script's parent directory]
#   TM_LAB_OVS         the patched OVS build tree [$TM_LAB_SRC/build/ovs]
#   TM_LAB_PREFIX, TM_LAB_DESTDIR   for make install [/usr/local, none]
#   TM_LAB_SYSTEMD     1: use systemd [1 if it runs and no DESTDIR, else 0]
#   TM_LAB_ETC         where default/tmirror goes [/etc]
#   TM_LAB_OVS_RUNDIR, TM_LAB_OVS_DBDIR, TM_LAB_OVS_LOGDIR   Open vSwitch's
#                      [/var/run/openvswitch, /var/lib/openvswitch,
#                      /var/log/openvswitch]
#   TM_LAB_RUNDIR, TM_LAB_STATEDIR, TM_LAB_LOGDIR   tmirror's [/run/tmirror,
#                      /var/lib/tmirror, /var/log/tmirror]: sockets and pid
#                      files; the database, pcaps, what ECS-source received;
#                      logs
#   TM_LAB_NS_PREFIX   names of the VMs' namespaces [lab]
#   TM_LAB_NB_IP, TM_LAB_NB_PORT    the database's TCP address, on the
#                      management network [192.168.56.10, 6641]
#   TM_LAB_COLLECTOR_IP, TM_LAB_HV1_IP, TM_LAB_HV2_IP   provider network
#                      addresses [192.168.57.10, .11, .12]
#   TM_LAB_SOURCE_IP, TM_LAB_TEST_IP   the VMs [192.168.57.101, .102]
#   TM_LAB_PREFIXLEN   the provider network's prefix length [24]
#   TM_LAB_TOKEN       marks send's lines (letters and digits, at most 16)
#                      [lab]
#   TM_LAB_WAIT        seconds to wait for another machine [900]
#   TM_LAB_SKIP        steps to leave out of the default list (e.g. "deps
#                      build", when the tree is built already)
#
# Prints "ok: ROLE: STEP" after each step; check steps print an "ok:" or
# "FAIL:" line per check.  Stops at the first step that fails, with exit
# status 1.
set -u

here=$(cd "$(dirname "$0")" && pwd)

die() {
    echo "provision: $*" >&2
    exit 1
}

# The addresses (vagrant/Vagrantfile's LAB passes the same).
TM_LAB_NB_IP=${TM_LAB_NB_IP:-192.168.56.10}
TM_LAB_NB_PORT=${TM_LAB_NB_PORT:-6641}
TM_LAB_COLLECTOR_IP=${TM_LAB_COLLECTOR_IP:-192.168.57.10}
TM_LAB_HV1_IP=${TM_LAB_HV1_IP:-192.168.57.11}
TM_LAB_HV2_IP=${TM_LAB_HV2_IP:-192.168.57.12}
TM_LAB_SOURCE_IP=${TM_LAB_SOURCE_IP:-192.168.57.101}
TM_LAB_TEST_IP=${TM_LAB_TEST_IP:-192.168.57.102}
TM_LAB_PREFIXLEN=${TM_LAB_PREFIXLEN:-24}
LAB_ADDRESS_VARS="TM_LAB_NB_IP TM_LAB_NB_PORT TM_LAB_COLLECTOR_IP
    TM_LAB_HV1_IP TM_LAB_HV2_IP TM_LAB_SOURCE_IP TM_LAB_TEST_IP
    TM_LAB_PREFIXLEN"

# The steps of each role: what provisioning runs, then what runs only when
# asked for.
lab_steps() {
    case $1 in
    collector) echo "deps build install config nb collector" ;;
    hv1) echo "deps build install config ovs underlay vm listen controller" \
             "session" ;;
    hv2) echo "deps build install config ovs underlay vm controller" ;;
    esac
}
lab_steps_on_demand() {
    case $1 in
    collector) echo "verify stop" ;;
    hv1) echo "system-test received stop" ;;
    hv2) echo "send stop" ;;
    esac
}

# lab_check_args ROLE [STEP...]: refuses an unknown role or a step that
# ROLE does not have, naming it.
lab_check_args() {
    local role=$1 step
    shift
    case $role in
    collector|hv1|hv2) ;;
    *) die "unknown role '$role' (roles: collector, hv1, hv2)" ;;
    esac
    for step in "$@"; do
        case " $(lab_steps "$role") $(lab_steps_on_demand "$role") " in
        *" $step "*) ;;
        *) die "role $role has no step '$step' (steps: $(lab_steps \
               "$role") $(lab_steps_on_demand "$role"))" ;;
        esac
    done
}

case ${1:-} in
--steps)
    [ $# = 2 ] || die "usage: provision.sh --steps ROLE"
    lab_check_args "$2"
    lab_steps "$2"
    exit 0
    ;;
--env)
    for var in $LAB_ADDRESS_VARS; do
        eval "echo $var=\$$var"
    done
    exit 0
    ;;
--check)
    shift
    [ $# -ge 1 ] || die "usage: provision.sh --check ROLE [STEP...]"
    lab_check_args "$@"
    exit 0
    ;;
''|-*)
    die "usage: provision.sh ROLE [STEP...] (see the comment at its top)"
    ;;
esac

ROLE=$1
shift
lab_check_args "$ROLE" "$@"

TM_LAB_SRC=${TM_LAB_SRC:-$(cd "$here/.." && pwd)}
[ -f "$TM_LAB_SRC/utilities/install-deps.sh" ] \
    || die "TM_LAB_SRC=$TM_LAB_SRC is not the tmirror source tree" \
           "(it has no utilities/install-deps.sh)"
TM_LAB_OVS=${TM_LAB_OVS:-$TM_LAB_SRC/build/ovs}
TM_LAB_PREFIX=${TM_LAB_PREFIX:-/usr/local}
TM_LAB_DESTDIR=${TM_LAB_DESTDIR:-}
if [ -z "${TM_LAB_SYSTEMD:-}" ]; then
    if [ -d /run/systemd/system ] && [ -z "$TM_LAB_DESTDIR" ]; then
        TM_LAB_SYSTEMD=1
    else
        TM_LAB_SYSTEMD=0
    fi
fi
case $TM_LAB_SYSTEMD in
0|1) ;;
*) die "TM_LAB_SYSTEMD=$TM_LAB_SYSTEMD: 0 or 1" ;;
esac
TM_LAB_NS_PREFIX=${TM_LAB_NS_PREFIX:-lab}
TM_LAB_TOKEN=${TM_LAB_TOKEN:-lab}
TM_LAB_WAIT=${TM_LAB_WAIT:-900}
TM_LAB_SKIP=${TM_LAB_SKIP:-}
TM_LAB_NB=tcp:$TM_LAB_NB_IP:$TM_LAB_NB_PORT

# The directories, and the paths the installed units name for them: with
# systemd they must be those; without, the units' paths are mapped to them.
LAB_DIRS="ETC:/etc OVS_RUNDIR:/var/run/openvswitch
    OVS_DBDIR:/var/lib/openvswitch OVS_LOGDIR:/var/log/openvswitch
    RUNDIR:/run/tmirror STATEDIR:/var/lib/tmirror LOGDIR:/var/log/tmirror"
for pair in $LAB_DIRS; do
    var=TM_LAB_${pair%%:*} default=${pair#*:}
    eval "$var=\${$var:-$default}"
    eval "value=\$$var"
    case $value in
    /*) ;;
    *) die "$var=$value is not an absolute path" ;;
    esac
    if [ "$TM_LAB_SYSTEMD" = 1 ] && [ "$value" != "$default" ]; then
        die "$var=$value: with TM_LAB_SYSTEMD=1 it must be $default," \
            "the path that the installed units name"
    fi
done
if [ "$TM_LAB_SYSTEMD" = 1 ] && [ -n "$TM_LAB_DESTDIR" ]; then
    die "TM_LAB_DESTDIR=$TM_LAB_DESTDIR: systemd can't run units installed" \
        "into a DESTDIR (set TM_LAB_SYSTEMD=0)"
fi
case $TM_LAB_TOKEN in
*[!A-Za-z0-9]*)
    die "TM_LAB_TOKEN=$TM_LAB_TOKEN: letters and digits only" ;;
esac
[ ${#TM_LAB_TOKEN} -le 16 ] || die "TM_LAB_TOKEN=$TM_LAB_TOKEN: longer" \
    "than 16 characters (the copies are cut to 96 bytes)"

BINDIR=$TM_LAB_DESTDIR$TM_LAB_PREFIX/bin
SBINDIR=$TM_LAB_DESTDIR$TM_LAB_PREFIX/sbin
UNITDIR=$TM_LAB_DESTDIR/lib/systemd/system
ENVFILE=$TM_LAB_ETC/default/tmirror
CAPTURES=$TM_LAB_STATEDIR/captures
# What systemd gives a service before its own Environment= lines.
SYSTEMD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

export OVS_RUNDIR=$TM_LAB_OVS_RUNDIR OVS_DBDIR=$TM_LAB_OVS_DBDIR \
    OVS_LOGDIR=$TM_LAB_OVS_LOGDIR OVS_SYSCONFDIR=$TM_LAB_ETC/openvswitch

vsctl() { "$TM_LAB_OVS/utilities/ovs-vsctl" --timeout=10 "$@"; }
appctl() { "$TM_LAB_OVS/utilities/ovs-appctl" --timeout=10 "$@"; }
tmctl() { "$BINDIR/tmirror-ctl" --db="$TM_LAB_NB" --timeout=30 "$@"; }

lab_pass() { echo "ok: $ROLE: $*"; }
lab_fail() { echo "FAIL: $ROLE: $*"; LAB_FAILED=1; }
# lab_check WHAT EXPECTED GOT
lab_check() {
    if [ "$2" = "$3" ]; then
        lab_pass "$1: $3"
    else
        lab_fail "$1: expected $2, got $3"
    fi
}

# lab_alive PIDFILE: whether the process of PIDFILE runs.
lab_alive() {
    [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# lab_kill PIDFILE: stops the process of PIDFILE, if it runs, and waits
# for it (5 s) before removing the file.
lab_kill() {
    local pid
    lab_alive "$1" || { rm -f "$1"; return 0; }
    pid=$(cat "$1")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "provision: pid $pid of $1 did not exit" >&2
        return 1
    fi
    rm -f "$1"
}

# lab_wait SECONDS WHAT COMMAND...: runs COMMAND every second until it
# succeeds; fails after SECONDS, saying that WHAT did not happen.
lab_wait() {
    local seconds=$1 what=$2 i=0
    shift 2
    until "$@" > /dev/null 2>&1; do
        i=$((i + 1))
        if [ "$i" -ge "$seconds" ]; then
            echo "provision: $what: not after $seconds s" >&2
            return 1
        fi
        sleep 1
    done
}

# lab_iface_of IP: the interface other than br-int that has address IP.
lab_iface_of() {
    ip -o -4 addr show | awk -v a="$1/$TM_LAB_PREFIXLEN" \
        '$4 == a && $2 != "br-int" { print $2; exit }'
}

# lab_mac IFNAME: IFNAME's MAC address.
lab_mac() {
    ip -o link show dev "$1" \
        | sed -n 's|.* link/ether \([0-9a-f:]*\) .*|\1|p'
}

# lab_has_port ID: whether the database has port ID.
lab_has_port() {
    tmctl --timeout=5 port-list | grep -q "^port $1 "
}

# lab_wait_nb: waits for the database (the collector may still be coming
# up: libvirt brings the machines up in parallel).
lab_wait_nb() {
    lab_wait "$TM_LAB_WAIT" "the database on $TM_LAB_NB" \
        tmctl --timeout=5 show
}

# lab_port ID NAME MAC IP: the database's port ID, added or brought up to
# date.
lab_port() {
    if lab_has_port "$1"; then
        tmctl port-set "$1" name="$2" mac_address="$3" fixed_ips="$4"
    else
        tmctl port-add "$1" name="$2" mac_address="$3" fixed_ips="$4"
    fi
}

# lab_env_set VAR VALUE: sets VAR in $ENVFILE, which the units read.
lab_env_set() {
    mkdir -p "${ENVFILE%/*}" || return 1
    if [ ! -f "$ENVFILE" ]; then
        echo "# The tmirror units' settings (vagrant/provision.sh)." \
            > "$ENVFILE" || return 1
    fi
    grep -v "^$1=" "$ENVFILE" > "$ENVFILE.tmp" &&
    printf '%s="%s"\n' "$1" "$2" >> "$ENVFILE.tmp" &&
    mv "$ENVFILE.tmp" "$ENVFILE"
}

# The installed units, with or without systemd.

# lab_unit_lines NAME: the lines of NAME.service that say how to run it,
# with the unit's paths mapped to this run's directories (the identity in
# a VM).
lab_unit_lines() {
    local unit=$UNITDIR/$1.service script= pair var default value
    [ -f "$unit" ] || { echo "provision: no unit $unit" >&2; return 1; }
    for pair in $LAB_DIRS; do
        var=TM_LAB_${pair%%:*} default=${pair#*:}
        eval "value=\$$var"
        script=$script$(printf 's#\\([ =:-]\\)%s\\([/ "]\\|$\\)#\\1%s\\2#g' \
            "$default" "$value")";"
    done
    script=$script$(printf 's#\\([ =:-]\\)%s/#\\1%s/#g' \
        "$TM_LAB_PREFIX" "$TM_LAB_DESTDIR$TM_LAB_PREFIX")
    grep -E '^(Type|Environment|EnvironmentFile|ExecStart|PIDFile)=' \
            "$unit" | sed -e "$script"
}

# lab_unit_value NAME KEY: the (mapped) value of KEY in NAME.service.
lab_unit_value() {
    lab_unit_lines "$1" | sed -n "s/^$2=//p" | tail -n 1
}

# lab_unit_launcher NAME: a script that runs NAME.service's ExecStart as
# systemd would: its Environment= lines, then its EnvironmentFile= ("-":
# only if it exists), then ExecStart with $VARIABLES split into words.
# Refuses a unit that would use a path outside this run's directories, so
# that "make check" can never touch the machine's own.
lab_unit_launcher() {
    local lines path ok
    lines=$(lab_unit_lines "$1") || return 1
    for path in $(echo "$lines" | grep -o '[ =:-]/[^ "]*' | cut -c2-); do
        ok=
        for dir in "$TM_LAB_ETC" "$TM_LAB_OVS_RUNDIR" "$TM_LAB_RUNDIR" \
                   "$TM_LAB_STATEDIR" "$TM_LAB_LOGDIR" \
                   "$TM_LAB_DESTDIR$TM_LAB_PREFIX"; do
            case $path in
            "$dir"|"$dir"/*) ok=1 ;;
            esac
        done
        if [ -z "$ok" ]; then
            echo "provision: $1.service names $path, outside the lab's" \
                "directories" >&2
            return 1
        fi
    done
    echo "#!/bin/sh"
    echo "# $1.service's ExecStart, as systemd runs it (vagrant/provision.sh)."
    # -a: every assignment is exported, as systemd's are.
    echo "set -f -a"
    echo "$lines" | sed -n 's/^Environment=//p'
    echo "$lines" \
        | sed -n -e 's/^EnvironmentFile=-\(.*\)/[ ! -f \1 ] || . \1/p' \
            -e 's/^EnvironmentFile=\([^-].*\)/. \1/p'
    echo "$lines" | sed -n 's/^ExecStart=\(.*\)/exec \1/p'
}

# lab_unit_stop NAME: stops the unit.
lab_unit_stop() {
    if [ "$TM_LAB_SYSTEMD" = 1 ]; then
        systemctl stop "$1"
        return
    fi
    local pidfile
    pidfile=$(lab_unit_value "$1" PIDFile) || return 1
    lab_kill "${pidfile:-$TM_LAB_RUNDIR/$1.unit.pid}"
}

# lab_unit_restart NAME: (re)starts the unit, which then reads its
# configuration again: systemctl enable and restart, or without systemd
# its launcher (Type=simple: in the background, with its pid in
# $TM_LAB_RUNDIR/NAME.unit.pid; Type=forking: until it detaches).
lab_unit_restart() {
    local launcher=$TM_LAB_RUNDIR/$1.start type
    if [ "$TM_LAB_SYSTEMD" = 1 ]; then
        systemctl enable --quiet "$1" && systemctl restart "$1"
        return
    fi
    lab_unit_stop "$1" || return 1
    lab_unit_launcher "$1" > "$launcher" || return 1
    type=$(lab_unit_value "$1" Type)
    case ${type:-simple} in
    simple)
        # A background job of a non-interactive shell is not a process
        # group leader, so setsid runs the launcher in this process, which
        # execs the daemon: $! is the daemon's pid.
        setsid env -i PATH=$SYSTEMD_PATH sh "$launcher" < /dev/null \
            >> "$TM_LAB_LOGDIR/$1.out" 2>&1 &
        echo $! > "$TM_LAB_RUNDIR/$1.unit.pid"
        ;;
    forking)
        env -i PATH=$SYSTEMD_PATH sh "$launcher" < /dev/null \
            >> "$TM_LAB_LOGDIR/$1.out" 2>&1 \
            || { cat "$TM_LAB_LOGDIR/$1.out" >&2; return 1; }
        ;;
    *)
        echo "provision: $1.service: Type=$type is not supported" >&2
        return 1
        ;;
    esac
}

# The VMs: ECS-source on hv1, ECS-test on hv2 (seed 002's names).
lab_vm() {
    case $1 in
    hv1) VM=source VM_NAME=ECS-source VM_IP=$TM_LAB_SOURCE_IP
         VM_MAC=fa:16:3e:7e:d6:bc ;;
    hv2) VM=test VM_NAME=ECS-test VM_IP=$TM_LAB_TEST_IP
         VM_MAC=fa:16:3e:7e:d6:77 ;;
    *) return 1 ;;
    esac
    VM_NS=$TM_LAB_NS_PREFIX-$VM
}
# What ECS-source's TCP service on port 1234 received.
LISTEN_OUT=$TM_LAB_STATEDIR/ecs-source-1234.txt

# The steps.

step_deps() {
    "$TM_LAB_SRC/utilities/install-deps.sh"
}

step_build() {
    ${MAKE:-make} -C "$TM_LAB_SRC"
}

step_install() {
    ${MAKE:-make} -C "$TM_LAB_SRC" --no-print-directory install \
        PREFIX="$TM_LAB_PREFIX" DESTDIR="$TM_LAB_DESTDIR" || return 1
    if [ "$TM_LAB_SYSTEMD" = 1 ]; then
        systemctl daemon-reload
    fi
}

step_config() {
    local pair dir
    for pair in $LAB_DIRS; do
        eval "dir=\$TM_LAB_${pair%%:*}"
        mkdir -p "$dir" || return 1
    done
    mkdir -p "$OVS_SYSCONFDIR" "$CAPTURES" || return 1
    # tmirror-db runs ovsdb-server, ovsdb-tool and ovs-appctl, from PATH:
    # the build tree's.
    lab_env_set PATH "$TM_LAB_OVS/ovsdb:$TM_LAB_OVS/utilities:$SYSTEMD_PATH" &&
    lab_env_set TMIRROR_NB_DB "$TM_LAB_NB" || return 1
    if [ -n "$TM_LAB_DESTDIR" ]; then
        # The installed tmirror-db looks for its schema under PREFIX, which
        # names the files without DESTDIR.
        lab_env_set TMIRROR_SCHEMA \
            "$TM_LAB_DESTDIR$TM_LAB_PREFIX/share/tmirror/tmirror.ovsschema" \
            || return 1
    fi
    # For "sudo -i" in the VM: the OVS tools of the build tree, pointed at
    # the lab's switch, and the database.
    mkdir -p "$TM_LAB_ETC/profile.d" &&
    cat > "$TM_LAB_ETC/profile.d/tmirror-lab.sh" <<EOF
# The tmirror lab (vagrant/provision.sh).
export OVS_RUNDIR=$OVS_RUNDIR OVS_DBDIR=$OVS_DBDIR OVS_LOGDIR=$OVS_LOGDIR
export TMIRROR_NB_DB=$TM_LAB_NB
PATH=$BINDIR:$SBINDIR:$TM_LAB_OVS/utilities:$TM_LAB_OVS/ovsdb:\$PATH
EOF
}

step_nb() {
    lab_env_set TMIRROR_NB_OPTS \
        "--remote=ptcp:$TM_LAB_NB_PORT:$TM_LAB_NB_IP" &&
    lab_unit_restart tmirror-nb &&
    lab_wait 30 "the database on $TM_LAB_NB" tmctl --timeout=2 show &&
    tmctl init
}

step_collector() {
    local iface mac
    if ! lab_alive "$TM_LAB_RUNDIR/tmirror-collector.pid"; then
        "$SBINDIR/tmirror-collector" --detach --no-chdir -vconsole:off \
            --pidfile="$TM_LAB_RUNDIR/tmirror-collector.pid" \
            --log-file="$TM_LAB_LOGDIR/tmirror-collector.log" \
            --unixctl="$TM_LAB_RUNDIR/tmirror-collector.ctl" \
            --listen="$TM_LAB_COLLECTOR_IP:4789" --dir="$CAPTURES" \
            || return 1
    fi
    # The collector is the sessions' target: a port with its address and
    # MAC, which the controllers seed as the tunnel neighbour.
    iface=$(lab_iface_of "$TM_LAB_COLLECTOR_IP")
    [ -n "$iface" ] || { echo "provision: no interface has" \
        "$TM_LAB_COLLECTOR_IP/$TM_LAB_PREFIXLEN" >&2; return 1; }
    mac=$(lab_mac "$iface")
    lab_port port-collector collector "$mac" "$TM_LAB_COLLECTOR_IP"
}

step_ovs() {
    local db=$OVS_DBDIR/conf.db
    if ! lab_alive "$OVS_RUNDIR/ovsdb-server.pid"; then
        if [ ! -f "$db" ]; then
            "$TM_LAB_OVS/ovsdb/ovsdb-tool" create "$db" \
                "$TM_LAB_OVS/vswitchd/vswitch.ovsschema" || return 1
        fi
        "$TM_LAB_OVS/ovsdb/ovsdb-server" --detach --no-chdir --pidfile \
            --log-file -vconsole:off --remote="punix:$OVS_RUNDIR/db.sock" \
            "$db" || return 1
    fi
    vsctl --no-wait init &&
    # TSO stays off: OVS 3.1 drops offloaded packets on tnl_push.
    vsctl --no-wait set Open_vSwitch . \
        other_config:userspace-tso-enable=false || return 1
    if ! lab_alive "$OVS_RUNDIR/ovs-vswitchd.pid"; then
        "$TM_LAB_OVS/vswitchd/ovs-vswitchd" --detach --no-chdir --pidfile \
            --log-file -vconsole:off "unix:$OVS_RUNDIR/db.sock" || return 1
    fi
}

# lab_uplink: the interface with this hypervisor's provider address (as
# Vagrant configured it), or after a first run, the port of br-int marked
# as the uplink.
lab_uplink() {
    local iface
    iface=$(lab_iface_of "$HV_IP")
    if [ -z "$iface" ]; then
        iface=$(vsctl --bare --columns=name find port \
            external_ids:tm-lab=uplink)
    fi
    [ -n "$iface" ] || { echo "provision: no interface has" \
        "$HV_IP/$TM_LAB_PREFIXLEN, and br-int has no uplink yet" >&2; \
        return 1; }
    echo "$iface"
}

step_underlay() {
    local uplink
    uplink=$(lab_uplink) || return 1
    vsctl --may-exist add-br br-int \
        -- set bridge br-int datapath_type=netdev fail-mode=secure \
        -- --may-exist add-port br-int "$uplink" \
        -- set port "$uplink" external_ids:tm-lab=uplink || return 1
    lab_wait 10 "br-int's own port" ip link show dev br-int || return 1
    # The kernel must not answer for the hypervisor on the uplink, which
    # has no address any more, nor chatter IPv6 on it; and the uplink
    # must hand OVS frames as they were on the wire, not merged.
    sysctl -qw "net.ipv6.conf.$uplink.disable_ipv6=1" \
        net.ipv6.conf.br-int.disable_ipv6=1
    ethtool -K "$uplink" gro off lro off > /dev/null 2>&1
    ip addr del "$HV_IP/$TM_LAB_PREFIXLEN" dev "$uplink" 2>/dev/null
    ip addr replace "$HV_IP/$TM_LAB_PREFIXLEN" dev br-int &&
    ip link set br-int up || return 1
    # ovs-vswitchd learns its routes from the kernel: native tunneling
    # needs the one to the collector through br-int.
    lab_wait 10 "ovs-vswitchd's route to $TM_LAB_COLLECTOR_IP" \
        lab_route_to_collector
}
lab_route_to_collector() {
    appctl ovs/route/lookup "$TM_LAB_COLLECTOR_IP" | grep -q br-int
}

step_vm() {
    lab_vm "$ROLE" || return 1
    if [ ! -e "/run/netns/$VM_NS" ]; then
        ip netns add "$VM_NS" || return 1
        ip -n "$VM_NS" link set lo up
        # No IPv6 in the VM: its traffic is what we send.
        ip netns exec "$VM_NS" sysctl -qw \
            net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1
        ip link add "tap-$VM" type veth peer name eth0 netns "$VM_NS" \
            || return 1
        ip -n "$VM_NS" link set eth0 address "$VM_MAC" &&
        ip -n "$VM_NS" addr add "$VM_IP/$TM_LAB_PREFIXLEN" dev eth0 &&
        # The userspace datapath does not fill in checksums left to a NIC.
        ip netns exec "$VM_NS" ethtool -K eth0 tx off > /dev/null &&
        ip -n "$VM_NS" link set eth0 up || return 1
        sysctl -qw "net.ipv6.conf.tap-$VM.disable_ipv6=1"
        ip link set "tap-$VM" up || return 1
    fi
    vsctl --may-exist add-port br-int "tap-$VM" \
        -- set interface "tap-$VM" external_ids:iface-id="port-$VM" &&
    lab_wait_nb &&
    lab_port "port-$VM" "$VM_NAME" "$VM_MAC" "$VM_IP"
}

step_listen() {
    lab_vm "$ROLE" || return 1
    lab_alive "$TM_LAB_RUNDIR/listen.pid" && return 0
    # As in lab_unit_restart, $! is nc's pid.
    setsid ip netns exec "$VM_NS" nc -lk 1234 < /dev/null \
        >> "$LISTEN_OUT" 2>&1 &
    echo $! > "$TM_LAB_RUNDIR/listen.pid"
    sleep 0.3
    lab_alive "$TM_LAB_RUNDIR/listen.pid"
}

# lab_hv_line NAME: hypervisor NAME's line of "tmirror-ctl hv-list".
lab_hv_line() {
    tmctl hv-list | grep "^hypervisor $1: "
}

# lab_hv_applied NAME CFG: whether hypervisor NAME has applied nb_cfg CFG.
lab_hv_applied() {
    local applied
    applied=$(lab_hv_line "$1" \
        | sed -n 's/.* applied nb_cfg=\([0-9]*\),.*/\1/p')
    [ -n "$applied" ] && [ "$applied" -ge "$2" ]
}

step_controller() {
    local uplink cfg
    uplink=$(lab_uplink) || return 1
    lab_env_set TMIRROR_CONTROLLER_OPTS "--name=$ROLE --uplink=$uplink" &&
    lab_unit_restart tmirror-controller || return 1
    lab_wait_nb || return 1
    # A write (which bumps nb_cfg) that only this controller, running and
    # having read both databases and programmed br-int, can report as
    # applied: its Hypervisor row may be older than it.
    tmctl sync || return 1
    cfg=$(tmctl show | sed -n 's/^nb_cfg=\([0-9]*\),.*/\1/p')
    lab_wait 60 "$ROLE applying nb_cfg $cfg" lab_hv_applied "$ROLE" "$cfg" &&
    lab_hv_line "$ROLE"
}

step_session() {
    local filter=mirror-filter-A session=mirror-session-A
    # The target: the collector registers it once its database runs.
    lab_wait "$TM_LAB_WAIT" "port-collector in the database" \
        lab_has_port port-collector || return 1
    if ! tmctl filter-list | grep -q " ($filter): "; then
        tmctl filter-add "$filter" > /dev/null &&
        tmctl rule-add "$filter" ingress 1 accept protocol=tcp \
            source_cidr_block="$TM_LAB_TEST_IP/32" \
            destination_cidr_block="$TM_LAB_SOURCE_IP/32" \
            destination_port_range=1234-1234 > /dev/null || return 1
    fi
    if ! tmctl session-list | grep -q " ($session): "; then
        tmctl session-add "$session" "$filter" eni port-collector 1 \
            virtual_network_id=1 packet_length=96 \
            traffic_mirror_sources=port-source enabled=true > /dev/null \
            || return 1
    fi
    tmctl --wait=hv sync || return 1
    tmctl session-show "$session" && tmctl hv-list
}

step_system_test() {
    OVS_SRC=$TM_LAB_OVS TMIRROR_CTL=$BINDIR/tmirror-ctl \
    TMIRROR_CONTROLLER=$SBINDIR/tmirror-controller \
        sh "$TM_LAB_SRC/tests/system/test-two-hypervisors.sh"
}

# The lines ECS-test sends: seed 002's two, and one long enough that its
# segment is cut to the session's 96 bytes.
lab_lines() {
    echo "hello $TM_LAB_TOKEN"
    echo "12345 $TM_LAB_TOKEN"
    printf 'long %s %0200d\n' "$TM_LAB_TOKEN" 0
}

step_send() {
    lab_vm "$ROLE" || return 1
    # One connection, one segment per line (half a second apart), as seed
    # 002's ECS-test does.
    lab_lines | while IFS= read -r line; do
        echo "$line"
        sleep 0.5
    done | ip netns exec "$VM_NS" timeout 20 nc -N "$TM_LAB_SOURCE_IP" 1234
    lab_check "ECS-test sent 3 lines to $TM_LAB_SOURCE_IP:1234 (nc's status)" \
        0 $?
    [ -z "${LAB_FAILED:-}" ]
}

step_received() {
    sleep 0.5
    lab_lines > "$TM_LAB_STATEDIR/sent.txt"
    while IFS= read -r line; do
        lab_check "ECS-source received \"$(echo "$line" | cut -c1-20)\"" 1 \
            "$(grep -c -x "$line" "$LISTEN_OUT")"
    done < "$TM_LAB_STATEDIR/sent.txt"
    [ -z "${LAB_FAILED:-}" ]
}

# lab_hex TEXT: TEXT as hex (tshark's tcp.payload).
lab_hex() {
    printf '%s' "$1" | od -An -tx1 | tr -d ' \n'
}

step_verify() {
    local frames=$TM_LAB_STATEDIR/verify-frames.txt mode outer summary f n \
        flow
    # Give the last copies time to arrive.
    sleep 1
    # One line per frame of every vni-1 file: length, addresses, port,
    # payload (hex; older tsharks put colons between the bytes).
    : > "$frames"
    for f in "$CAPTURES"/vni-1.pcap*; do
        [ -f "$f" ] || continue
        tshark -r "$f" -T fields -E separator=' ' -e frame.len -e ip.src \
            -e ip.dst -e tcp.dstport -e tcp.payload 2>/dev/null \
            | tr -d ':' >> "$frames"
    done
    n=$(wc -l < "$frames")
    if [ "$n" -gt 0 ]; then
        lab_pass "tshark reads $n frames from $CAPTURES/vni-1.pcap*"
    else
        lab_fail "tshark read no frame from $CAPTURES/vni-1.pcap*"
    fi
    flow="$TM_LAB_TEST_IP $TM_LAB_SOURCE_IP 1234"
    for line in "hello $TM_LAB_TOKEN" "12345 $TM_LAB_TOKEN"; do
        lab_check "the \"$line\" segment from ECS-test to ECS-source:1234" \
            1 "$(grep -c "^[0-9]* $flow $(lab_hex "$line")0a\$" "$frames")"
    done
    # The long line's segment, cut: its first bytes, in 96.
    lab_check "the long segment, cut to 96 bytes (lengths)" 96 \
        "$(grep "^[0-9]* $flow $(lab_hex "long $TM_LAB_TOKEN 000")" \
            "$frames" | awk '{ print $1 }' | tr '\n' ' ' | sed 's/ $//')"
    lab_check "frames of ECS-test -> ECS-source:1234 only (inbound)" "$n" \
        "$(grep -c "^[0-9]* $flow " "$frames")"
    lab_check "no frame longer than 96 bytes" 0 \
        "$(awk '$1 > 96' "$frames" | wc -l)"
    # The outer source: ECS-source's own address where hv1's switch is
    # patched, hv1's otherwise.
    mode=$(lab_hv_line hv1 | sed -n 's/.* mode=\([a-z]*\).*/\1/p')
    outer=$TM_LAB_HV1_IP
    [ "$mode" = patched ] && outer=$TM_LAB_SOURCE_IP
    summary=$(appctl -t "$TM_LAB_RUNDIR/tmirror-collector.ctl" summary)
    echo "$summary" | sed 's/^/  | /'
    lab_check "summary: copies from $outer (hv1's mode: $mode)" 1 \
        "$(echo "$summary" | grep -c "^source $outer: [1-9]")"
    lab_check "summary: no copy from elsewhere" 0 \
        "$(echo "$summary" | grep '^source ' | grep -vc "^source $outer: ")"
    lab_check "summary: nothing malformed" \
        "0 (too short 0, I flag clear 0, truncated 0)" \
        "$(echo "$summary" | sed -n 's/^malformed: //p')"
    [ -z "${LAB_FAILED:-}" ]
}

step_stop() {
    local rc=0
    lab_kill "$TM_LAB_RUNDIR/listen.pid" || rc=1
    lab_kill "$TM_LAB_RUNDIR/tmirror-collector.pid" || rc=1
    case $ROLE in
    collector) lab_unit_stop tmirror-nb || rc=1 ;;
    *) lab_unit_stop tmirror-controller || rc=1 ;;
    esac
    lab_kill "$OVS_RUNDIR/ovs-vswitchd.pid" || rc=1
    lab_kill "$OVS_RUNDIR/ovsdb-server.pid" || rc=1
    if lab_vm "$ROLE" && [ -e "/run/netns/$VM_NS" ]; then
        ip netns del "$VM_NS" || rc=1
    fi
    return $rc
}

case $ROLE in
hv1) HV_IP=$TM_LAB_HV1_IP ;;
hv2) HV_IP=$TM_LAB_HV2_IP ;;
*) HV_IP= ;;
esac

if [ $# = 0 ]; then
    set --
    for step in $(lab_steps "$ROLE"); do
        case " $TM_LAB_SKIP " in
        *" $step "*) ;;
        *) set -- "$@" "$step" ;;
        esac
    done
fi

for step in "$@"; do
    echo "== $ROLE: $step"
    LAB_FAILED=
    if "step_$(echo "$step" | tr - _)"; then
        lab_pass "$step"
    else
        lab_fail "$step"
        exit 1
    fi
done
