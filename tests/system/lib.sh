# System test library: a simulated hypervisor in a network namespace of its
# own, running the patched ovs-vswitchd on the userspace datapath
# (datapath_type=netdev), with veth pairs whose other ends sit in "VM" and
# "collector" namespaces, and real packets sent and captured in them.
#
# Sourced by test-*.sh with OVS_SRC set to the OVS build tree.  Needs root
# (namespaces, veth), iproute2, ethtool and python3.
#
# Everything a test creates is recorded and undone when it exits, whatever
# the exit path: the processes it started are killed by pid, and the
# namespaces it created are deleted (which deletes the veths and the taps
# that OVS made inside them).  Nothing else on the machine is touched, and
# packets only ever go to addresses inside those namespaces.

set -u

: "${OVS_SRC:?OVS_SRC must point at the OVS build tree}"
ST_HERE=$(cd "$(dirname "$0")" && pwd)
# Scripts outside tests/system (the demo) set ST_TOP themselves.
ST_TOP=${ST_TOP:-$(cd "$ST_HERE/../.." && pwd)}
. "$ST_TOP/tests/ovs-lib.sh"
# The programs under test: next to TMIRROR_CTL (set by run-tests.sh), or
# in the build tree.
ST_BIN=$(dirname "${TMIRROR_CTL:-$ST_TOP/build/bin/tmirror-ctl}")
# The controller: $TMIRROR_CONTROLLER ("make check" sets it to the
# sanitizer build), else the one next to tmirror-ctl.
ST_CONTROLLER=${TMIRROR_CONTROLLER:-$ST_BIN/tmirror-controller}

st_passed=0
st_failed=0
ST_DIR=
ST_NETNS=
ST_PIDS=
# Namespace names carry the test's pid so that two runs never collide.
ST_PREFIX=tmst$$

st_cleanup() {
    # Run to the end even if interrupted again (a second Ctrl-C).
    trap '' INT TERM HUP PIPE
    trap - EXIT
    for pid in $ST_PIDS; do
        kill "$pid" 2>/dev/null
    done
    st_controller_stop
    if [ -n "$ST_DIR" ] && [ -f "$ST_DIR/nb/tmirror_nb.pid" ]; then
        OVS_BINDIR=$OVS_SRC/ovsdb "$ST_TOP/utilities/tmirror-db.sh" stop \
            "$ST_DIR/nb" > /dev/null 2>&1
    fi
    ovs_stop_daemons "$ST_DIR"
    # Give ovs-vswitchd a moment to exit before its namespace goes away.
    sleep 0.5
    for ns in $ST_NETNS; do
        ip netns del "$ns" 2>/dev/null
    done
    if [ -n "$ST_DIR" ]; then
        rm -rf "$ST_DIR"
    fi
}


# st_ns VAR NAME: creates namespace $ST_PREFIX-NAME, with loopback up, and
# stores its full name in VAR.  (Not a command substitution: the list of
# namespaces to delete must be kept in this shell.)
st_ns() {
    local ns=$ST_PREFIX-$2
    ip netns add "$ns" || return 1
    ST_NETNS="$ST_NETNS $ns"
    ip -n "$ns" link set lo up
    eval "$1=\$ns"
}

# st_exec NS COMMAND...: runs COMMAND inside namespace NS.
st_exec() {
    local ns=$1
    shift
    ip netns exec "$ns" "$@"
}

# st_exec_bg NS COMMAND...: starts COMMAND inside namespace NS in the
# background, with its pid in ST_BG_PID, and has it killed when the test
# ends.  (Not "st_exec ... &": that would background a subshell, and
# killing the subshell would leave COMMAND running.)  Redirections apply
# to the caller's, so set them around the call.
st_exec_bg() {
    local ns=$1
    shift
    ip netns exec "$ns" "$@" &
    ST_BG_PID=$!
    ST_PIDS="$ST_PIDS $ST_BG_PID"
}

# st_start: a fresh directory, ovsdb-server, and ovs-vswitchd running
# inside a new "hypervisor" namespace ($ST_HV).  The daemons' run, db, log
# and sysconf directories are all that directory.
st_start() {
    if [ "$(id -u)" != 0 ]; then
        echo "system tests need root (network namespaces)" >&2
        return 1
    fi
    ST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tmirror-system.XXXXXX")
    trap st_cleanup EXIT
    # A test killed by a signal, or whose output pipe closed, still cleans
    # up.
    trap 'exit 1' INT TERM HUP PIPE
    st_ns ST_HV hv || return 1
    ovs_start_db "$ST_DIR" || return 1
    # TSO stays off: 3.1 drops offloaded packets on tnl_push.
    vsctl --no-wait set Open_vSwitch . other_config:userspace-tso-enable=false
    st_vswitchd_start
}

# st_vswitchd_start: ovs-vswitchd in the hypervisor namespace, with the
# test's directory.
st_vswitchd_start() {
    st_exec "$ST_HV" "$OVS_SRC/vswitchd/ovs-vswitchd" --detach --no-chdir \
        --pidfile --log-file -vconsole:off "unix:$ST_DIR/db.sock"
}

# st_vswitchd_restart: stops ovs-vswitchd (every OpenFlow flow goes with
# it), waits until it is gone, and starts it again.
st_vswitchd_restart() {
    kill "$(cat "$ST_DIR/ovs-vswitchd.pid")"
    for _ in $(seq 50); do
        [ -f "$ST_DIR/ovs-vswitchd.pid" ] || break
        sleep 0.1
    done
    st_vswitchd_start
}

# st_veth NS IFNAME MAC MTU: a veth pair between the hypervisor (end named
# IFNAME) and namespace NS (end named eth0, with MAC), both with MTU, up,
# and TX checksum offload off in NS: the userspace datapath does not fill
# in checksums that the sender left to the NIC.
st_veth() {
    local ns=$1 ifname=$2 mac=$3 mtu=$4
    ip link add "$ifname" netns "$ST_HV" mtu "$mtu" type veth \
        peer name eth0 netns "$ns" address "$mac" mtu "$mtu" || return 1
    st_exec "$ns" ethtool -K eth0 tx off > /dev/null 2>&1
    # No IPv6 chatter (router solicitations, MLD) on the hypervisor's end:
    # the tests count packets.
    st_exec "$ST_HV" sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1"
    ip -n "$ST_HV" link set "$ifname" up &&
    ip -n "$ns" link set eth0 up
}

# Addresses of the simulated hypervisor's underlay, its collector and VM.
ST_UNDERLAY4=192.168.100.1
ST_UNDERLAY6=2001:db8:100::1
ST_COLLECTOR4=192.168.100.2
ST_COLLECTOR6=2001:db8:100::2
ST_VM4=10.0.0.5
ST_VM6=2001:db8:1::5
ST_PEER4=10.0.0.6
ST_VM_MAC=50:54:00:00:00:05
ST_COLLECTOR_MAC=50:54:00:00:01:02

# st_hypervisor UPLINK-MTU VXLAN-OPTION...: after st_start, the usual
# hypervisor layout on the userspace datapath:
#
#   namespace $ST_VM          namespace $ST_HV                  $ST_COL
#   eth0 10.0.0.5  ---- vm1 [br-int] patch -- patch [br-phy] uplink ---- eth0
#   2001:db8:1::5           tm-vxlan (ofport 10)     br-phy:     192.168.100.2
#                                            192.168.100.1       2001:db8:100::2
#                                            2001:db8:100::1
#
# br-int: vm1 is ofport 1, tm-vxlan (type vxlan, with VXLAN-OPTIONs) 10, the
# patch port 20; the test adds br-int's flows.  br-phy forwards between its
# LOCAL port (where encapsulated packets enter), the patch port and the
# uplink with explicit flows, no MAC learning.  The uplink and br-phy have
# UPLINK-MTU, and the collector's neighbor entries are pre-seeded so that no
# mirrored packet is lost to ARP or ND.  The VM sends its production
# traffic to 10.0.0.6, which is on the collector's wire.
st_hypervisor() {
    local mtu=$1
    shift
    st_ns ST_VM vm && st_ns ST_COL col || return 1

    vsctl add-br br-phy -- set bridge br-phy datapath_type=netdev \
            fail-mode=secure \
        -- set interface br-phy mtu_request="$mtu" \
        -- add-br br-int -- set bridge br-int datapath_type=netdev \
            fail-mode=secure \
        -- add-port br-int patch-int -- set interface patch-int type=patch \
            options:peer=patch-phy ofport_request=20 \
        -- add-port br-phy patch-phy -- set interface patch-phy type=patch \
            options:peer=patch-int ofport_request=2 \
        -- add-port br-int tm-vxlan -- set interface tm-vxlan type=vxlan \
            ofport_request=10 "$@" || return 1

    st_veth "$ST_VM" vm1 $ST_VM_MAC 1500 &&
    st_veth "$ST_COL" uplink $ST_COLLECTOR_MAC "$mtu" || return 1
    vsctl add-port br-int vm1 -- set interface vm1 ofport_request=1 \
        -- add-port br-phy uplink -- set interface uplink ofport_request=1 \
        || return 1

    ip -n "$ST_HV" addr add $ST_UNDERLAY4/24 dev br-phy &&
    ip -n "$ST_HV" addr add $ST_UNDERLAY6/64 dev br-phy nodad &&
    ip -n "$ST_HV" link set br-phy up &&
    ip -n "$ST_COL" addr add $ST_COLLECTOR4/24 dev eth0 &&
    ip -n "$ST_COL" addr add $ST_COLLECTOR6/64 dev eth0 nodad &&
    ip -n "$ST_VM" addr add $ST_VM4/24 dev eth0 &&
    ip -n "$ST_VM" neigh add $ST_PEER4 lladdr $ST_COLLECTOR_MAC dev eth0 \
        || return 1

    ofctl add-flow br-phy "in_port=LOCAL,actions=output:1" &&
    ofctl add-flow br-phy "in_port=1,actions=LOCAL" &&
    ofctl add-flow br-phy "in_port=2,actions=output:1" || return 1

    # ovs-vswitchd learns the underlay routes from its namespace's routing
    # table; wait until it has the connected routes of both families.
    for _ in $(seq 50); do
        if appctl ovs/route/lookup $ST_COLLECTOR4 2>/dev/null \
                | grep -q br-phy &&
           appctl ovs/route/lookup $ST_COLLECTOR6 2>/dev/null \
                | grep -q br-phy; then
            break
        fi
        sleep 0.1
    done
    appctl tnl/neigh/set br-phy $ST_COLLECTOR4 $ST_COLLECTOR_MAC > /dev/null &&
    appctl tnl/neigh/set br-phy $ST_COLLECTOR6 $ST_COLLECTOR_MAC > /dev/null
}

# st_flows BRIDGE FLOW...: replaces BRIDGE's flows and makes sure that no
# datapath flow of the old ones is left.
st_flows() {
    local br=$1
    shift
    ofctl del-flows "$br" || return 1
    for flow in "$@"; do
        ofctl add-flow "$br" "$flow" || return 1
    done
    appctl revalidator/purge > /dev/null
}

# st_capture NS FILE [IFNAME]: captures every frame that arrives on IFNAME
# (default eth0) in NS into FILE, one line per frame (see capture.py),
# until the test ends.
st_capture() {
    : > "$2"
    st_exec_bg "$1" python3 "$ST_TOP/tests/system/capture.py" \
        "${3:-eth0}" > "$2" 2>&1
    # The socket must be open before anything is sent.
    for _ in $(seq 50); do
        grep -q '^listening' "$2" && return 0
        sleep 0.1
    done
    echo "capture on ${3:-eth0} in $1 did not start" >&2
    return 1
}

# st_send NS DST PORT SIZE COUNT: sends COUNT UDP datagrams from NS to
# DST:PORT, each making an Ethernet frame of SIZE bytes (IPv4).
st_send() {
    st_exec "$1" python3 -c 'import socket, sys, time
dst, port, size, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(count):
    s.sendto(bytes(size - 14 - 20 - 8), (dst, port))
    time.sleep(0.02)' "$2" "$3" "$4" "$5"
}

# st_wait_lines FILE PATTERN N: waits up to 5 s for N lines of FILE to
# match PATTERN, then prints how many do.
st_wait_lines() {
    for _ in $(seq 50); do
        [ "$(grep -c -e "$2" "$1")" -ge "$3" ] && break
        sleep 0.1
    done
    # Late extra packets would show as a wrong count, so look once more.
    sleep 0.3
    grep -c -e "$2" "$1"
}

# st_counter NAME: the value of ovs-vswitchd's coverage counter NAME, after
# waiting for the main thread to fold in the per-thread counts (it does so
# about once a second).
st_counter() {
    sleep 1.2
    appctl coverage/read-counter "$1"
}

# st_tx_dropped BRIDGE PORT: the port's tx_dropped, read live through
# OpenFlow port statistics (the database's statistics column lags by up to
# 5 s).
st_tx_dropped() {
    ofctl dump-ports "$1" "$2" | sed -n 's/.*tx pkts=.*drop=\([0-9]*\).*/\1/p'
}

st_mac() {
    st_exec "$1" cat /sys/class/net/eth0/address
}

st_fail() {
    echo "FAIL: $*"
    st_failed=$((st_failed + 1))
}

st_pass() {
    echo "ok: $*"
    st_passed=$((st_passed + 1))
}

# st_check WHAT EXPECTED GOT
st_check() {
    if [ "$2" = "$3" ]; then
        st_pass "$1: $3"
    else
        st_fail "$1: expected $2, got $3"
    fi
}

# Prints the summary line and exits with the verdict.  The controller is
# stopped first, so that a sanitizer build reports its leaks, and any
# sanitizer report (from the controller or another daemon a test started
# with its reports in $ST_DIR) fails the test.
st_finish() {
    st_controller_stop
    for report in "$ST_DIR"/sanitizer.*; do
        [ -f "$report" ] || continue
        st_fail "sanitizer report from a daemon under test:"
        sed 's/^/  /' "$report"
    done
    echo "$(basename "$0" .sh): $st_passed passed, $st_failed failed"
    [ "$st_failed" = 0 ]
}

# The tmirror parts: a northbound database and a controller.

tmctl() { "$ST_BIN/tmirror-ctl" --timeout=20 "$@"; }
ctlappctl() { appctl -t "$ST_DIR/tmirror-controller.ctl" "$@"; }

# st_nb_start: a standalone northbound database in $ST_DIR/nb, which
# tmctl then uses.
st_nb_start() {
    OVS_BINDIR=$OVS_SRC/ovsdb "$ST_TOP/utilities/tmirror-db.sh" start \
        "$ST_DIR/nb" > /dev/null || return 1
    TMIRROR_NB_DB=unix:$ST_DIR/nb/tmirror_nb.sock
    export TMIRROR_NB_DB
}

# st_controller_start [OPTION...]: tmirror-controller in the hypervisor
# namespace, for br-int, logging to $ST_DIR/tmirror-controller.log, with
# its control socket at $ST_DIR/tmirror-controller.ctl (ctlappctl).
st_controller_start() {
    # A sanitizer build writes its reports there; st_finish fails the test
    # if there are any.
    ASAN_OPTIONS=log_path=$ST_DIR/sanitizer:detect_leaks=1 \
    UBSAN_OPTIONS=log_path=$ST_DIR/sanitizer:print_stacktrace=1 \
    st_exec "$ST_HV" "$ST_CONTROLLER" --detach --no-chdir \
        --pidfile="$ST_DIR/tmirror-controller.pid" \
        --log-file="$ST_DIR/tmirror-controller.log" -vconsole:off \
        --unixctl="$ST_DIR/tmirror-controller.ctl" \
        --nb="$TMIRROR_NB_DB" --name=hv1 "$@" "unix:$ST_DIR/db.sock"
}

# st_controller_stop [DIR]: stops the controller started with DIR as its
# directory (default $ST_DIR), if it runs, and waits for it.
st_controller_stop() {
    local dir=${1:-$ST_DIR} pid
    [ -n "$dir" ] && [ -f "$dir/tmirror-controller.pid" ] || return 0
    pid=$(cat "$dir/tmirror-controller.pid")
    # "exit" first: a clean exit (which also lets a sanitizer build report
    # leaks); a signal if it does not answer.
    appctl -t "$dir/tmirror-controller.ctl" exit > /dev/null 2>&1 \
        || kill "$pid" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -f "$dir/tmirror-controller.pid"
}

# st_outer_src SOURCE-IP: the outer source of copies from a source with
# SOURCE-IP: its own address with the patched Open vSwitch (patched mode),
# the hypervisor's otherwise.
st_outer_src() {
    if [ "$(ctlappctl mode/show | sed -n 's/^mode: //p')" = patched ]; then
        echo "$1"
    else
        echo "$SEED_HV_IP"
    fi
}

# st_wait_applied: waits until the controller has applied the database's
# current configuration to the switch (what tmirror-ctl --wait=hv does).
st_wait_applied() {
    tmctl --wait=hv --timeout=10 sync
}

# st_our_flows BRIDGE: the number of flows of BRIDGE with tmirror's cookie
# owner bits.
st_our_flows() {
    ofctl dump-flows "$1" cookie=0x746d000000000000/0xffff000000000000 \
        | grep -c 'cookie='
}

# st_run COMMAND...: runs COMMAND, showing it first if ST_VERBOSE is set
# (the demo shows what it does; the tests just do it).
st_run() {
    if [ -n "${ST_VERBOSE:-}" ]; then
        echo "\$ $*"
    fi
    "$@"
}

# st_vm VAR NAME MAC IP PORT-ID [OFPORT]: a "VM": namespace NAME (full
# name stored in VAR) whose eth0 (MAC, IP/24, no IPv6) is a veth to port
# tap-NAME of br-int, bound to PORT-ID as OVN binds VM interfaces
# (external_ids:iface-id).
st_vm() {
    local var=$1 name=$2 mac=$3 ip=$4 port=$5 ofport=${6:-} ns
    st_ns "$var" "$name" || return 1
    eval "ns=\$$var"
    # No IPv6 in the VM: router solicitations and MLD reports would be
    # traffic of its own in the frames the tests count.  (IPv6 tests send
    # crafted frames, which need no kernel IPv6.)
    st_exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
    st_veth "$ns" "tap-$name" "$mac" 1500 &&
    ip -n "$ns" addr add "$ip/24" dev eth0 &&
    vsctl add-port br-int "tap-$name" \
        -- set interface "tap-$name" external_ids:iface-id="$port" \
           ${ofport:+ofport_request=$ofport} || return 1
    if [ -n "${ST_VERBOSE:-}" ]; then
        printf '%-10s namespace %-22s eth0 %s %s (iface-id %s)\n' "$name" \
            "$ns" "$mac" "$ip" "$port"
    fi
}

# Seed 002's addresses.
SEED_SOURCE_MAC=fa:16:3e:7e:d6:bc SEED_SOURCE_IP=192.168.0.230
SEED_TARGET_MAC=fa:16:3e:7e:d6:7a SEED_TARGET_IP=192.168.0.164
SEED_TEST_MAC=fa:16:3e:7e:d6:77 SEED_TEST_IP=192.168.0.161
SEED_HV_IP=192.168.0.1

# st_brint: after st_start, br-int on the userspace datapath, with the
# hypervisor's address $SEED_HV_IP/24 on its LOCAL port (through which
# native tunneling sends copies to targets on 192.168.0.0/24).
st_brint() {
    vsctl add-br br-int -- set bridge br-int datapath_type=netdev \
        fail-mode=secure || return 1
    # No IPv6 chatter from the hypervisor's own port either.
    st_exec "$ST_HV" sysctl -qw net.ipv6.conf.br-int.disable_ipv6=1
    ip -n "$ST_HV" addr add $SEED_HV_IP/24 dev br-int &&
    ip -n "$ST_HV" link set br-int up
}

# st_seed002_hypervisor: after st_start, br-int (userspace datapath, with
# the hypervisor's address 192.168.0.1/24 on its LOCAL port, through which
# native tunneling sends the copies) and the three servers of seed 002:
# namespaces $SEED_SRC (ECS-source), $SEED_TGT (ECS-target) and $SEED_TST
# (ECS-test), on OpenFlow ports 1, 2 and 3.
st_seed002_hypervisor() {
    st_brint || return 1
    st_vm SEED_SRC ecs-source $SEED_SOURCE_MAC $SEED_SOURCE_IP \
        port-ecs-source 1 &&
    st_vm SEED_TGT ecs-target $SEED_TARGET_MAC $SEED_TARGET_IP \
        port-ecs-target 2 &&
    st_vm SEED_TST ecs-test $SEED_TEST_MAC $SEED_TEST_IP port-ecs-test 3
}

# st_seed002_config: seed 002's ports, mirror-filter-A with its inbound TCP
# rule and mirror-session-A, written with tmirror-ctl; returns once the
# controller has applied them.
st_seed002_config() {
    st_run tmctl port-add port-ecs-source name=ECS-source \
        mac_address=$SEED_SOURCE_MAC fixed_ips=$SEED_SOURCE_IP &&
    st_run tmctl port-add port-ecs-target name=ECS-target \
        mac_address=$SEED_TARGET_MAC fixed_ips=$SEED_TARGET_IP &&
    st_run tmctl port-add port-ecs-test name=ECS-test \
        mac_address=$SEED_TEST_MAC fixed_ips=$SEED_TEST_IP &&
    st_run tmctl filter-add mirror-filter-A &&
    st_run tmctl rule-add mirror-filter-A ingress 1 accept protocol=tcp \
        source_cidr_block=$SEED_TEST_IP/32 \
        destination_cidr_block=$SEED_SOURCE_IP/32 \
        destination_port_range=1234-1234 &&
    st_run tmctl --wait=hv session-add mirror-session-A mirror-filter-A \
        eni port-ecs-target 1 virtual_network_id=1 packet_length=96 \
        traffic_mirror_sources=port-ecs-source enabled=true
}

# st_tcpdump NS FILE: tcpdump on NS's eth0 for VXLAN, into pcap FILE, until
# st_tcpdump_stop.
st_tcpdump() {
    # Immediate mode: libpcap would otherwise hold the last frames in its
    # buffer for up to a second, and stopping tcpdump would lose them.
    st_exec_bg "$1" tcpdump --immediate-mode -i eth0 -U -nne -w "$2" \
        udp port 4789 \
        > /dev/null 2> "$2.err"
    ST_TCPDUMP_PID=$ST_BG_PID
    for _ in $(seq 50); do
        grep -q listening "$2.err" && return 0
        sleep 0.1
    done
    echo "tcpdump in $1 did not start" >&2
    return 1
}

st_tcpdump_stop() {
    kill "$ST_TCPDUMP_PID" 2>/dev/null
    wait "$ST_TCPDUMP_PID" 2>/dev/null
}

# st_vxlan_lines PCAP: one line per packet of PCAP (capture.py's format).
st_vxlan_lines() {
    python3 "$ST_TOP/tests/system/capture.py" --pcap "$1"
}

# st_tcp_send FROM-NS DST PORT OUT LINE...: one TCP connection from FROM-NS
# to DST:PORT, where a "nc -l" started here writes what it receives into
# OUT; each LINE is sent in a segment of its own (half a second apart).
# Returns when the connection is closed.
st_tcp_send() {
    local from=$1 dst=$2 port=$3 out=$4 dst_ns listener
    shift 4
    dst_ns=$(st_ns_of_ip "$dst")
    st_exec_bg "$dst_ns" timeout 20 nc -l "$port" > "$out"
    listener=$ST_BG_PID
    sleep 0.3
    for line in "$@"; do
        echo "$line"
        sleep 0.5
    done | st_exec "$from" timeout 20 nc -N "$dst" "$port"
    wait "$listener" 2>/dev/null
}

# st_ns_of_ip IP: the namespace of the seed 002 server with address IP.
st_ns_of_ip() {
    case $1 in
        $SEED_SOURCE_IP) echo "$SEED_SRC" ;;
        $SEED_TARGET_IP) echo "$SEED_TGT" ;;
        $SEED_TEST_IP) echo "$SEED_TST" ;;
    esac
}

# st_within_1s WHAT EXPECTED COMMAND...: checks that COMMAND's output
# becomes EXPECTED within a second (polling every 20 ms), and says how
# long it took.
st_within_1s() {
    local what=$1 expected=$2 start now got ms
    shift 2
    start=$(date +%s%N)
    while :; do
        got=$("$@" 2>/dev/null)
        now=$(date +%s%N)
        ms=$(( (now - start) / 1000000 ))
        if [ "$got" = "$expected" ]; then
            st_pass "$what: $got after $ms ms"
            return 0
        elif [ "$ms" -gt 1000 ]; then
            st_fail "$what: expected $expected within a second, got $got"
            return 1
        fi
        sleep 0.02
    done
}

# st_ctl_status FIELD: the value of FIELD ("flow adds", "resyncs", ...) in
# "tmirror-controller status".
st_ctl_status() {
    ctlappctl status | sed -n "s/^$1: //p"
}

# st_ctl_sources: how many times the controller has compiled a source.
st_ctl_sources() {
    ctlappctl status | sed -n 's/^compilations: .* \([0-9]*\) sources$/\1/p'
}

# st_seed002 [CONTROLLER-OPTION...]: the whole seed 002 setup, applied:
# hypervisor, servers, northbound database, controller, configuration.
st_seed002() {
    st_start &&
    st_seed002_hypervisor &&
    st_nb_start &&
    st_controller_start "$@" &&
    st_seed002_config > /dev/null
}

# st_hex TEXT: TEXT and a newline, as hex (capture.py's payload=).
st_hex() {
    printf '%s\n' "$1" | od -An -tx1 | tr -d ' \n'
}

# st_hello_copies PORT [PATTERN]: ECS-test sends "hello" to ECS-source's
# TCP PORT; prints how many copies of that segment ECS-target received
# whose capture line (capture.py) also matches PATTERN.
st_hello_copies() {
    local pcap=$ST_DIR/hello-$$-$1.pcap
    st_tcpdump "$SEED_TGT" "$pcap" || return 1
    st_tcp_send "$SEED_TST" $SEED_SOURCE_IP "$1" /dev/null hello
    sleep 0.5
    st_tcpdump_stop
    st_vxlan_lines "$pcap" | grep -e "${2:-.}" \
        | grep -c " payload=$(st_hex hello)\$"
    rm -f "$pcap"
}

# st_frame NS DST-MAC SRC-IP DST-IP PROTO [OPTION...]: sends crafted frames
# from NS's eth0 (tests/system/send.py: any source address, exact ports
# and sizes, --count, --tag).
st_frame() {
    local ns=$1
    shift
    st_exec "$ns" python3 "$ST_TOP/tests/system/send.py" eth0 "$@"
}
