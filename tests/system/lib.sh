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
. "$ST_HERE/../ovs-lib.sh"

st_passed=0
st_failed=0
ST_DIR=
ST_NETNS=
ST_PIDS=
# Namespace names carry the test's pid so that two runs never collide.
ST_PREFIX=tmst$$

st_cleanup() {
    for pid in $ST_PIDS; do
        kill "$pid" 2>/dev/null
    done
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
    trap 'exit 1' INT TERM
    st_ns ST_HV hv || return 1
    ovs_start_db "$ST_DIR" || return 1
    # TSO stays off: 3.1 drops offloaded packets on tnl_push.
    vsctl --no-wait set Open_vSwitch . other_config:userspace-tso-enable=false
    st_exec "$ST_HV" "$OVS_SRC/vswitchd/ovs-vswitchd" --detach --no-chdir \
        --pidfile --log-file -vconsole:off "unix:$ST_DIR/db.sock" \
        || return 1
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

# st_capture NS FILE: captures every frame that arrives on eth0 in NS into
# FILE, one line per frame (see capture.py), until the test ends.
st_capture() {
    : > "$2"
    st_exec "$1" python3 "$ST_HERE/capture.py" eth0 > "$2" 2>&1 &
    ST_PIDS="$ST_PIDS $!"
    # The socket must be open before anything is sent.
    for _ in $(seq 50); do
        grep -q '^listening' "$2" && return 0
        sleep 0.1
    done
    echo "capture in $1 did not start" >&2
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

# Prints the summary line and exits with the verdict.
st_finish() {
    echo "$(basename "$0" .sh): $st_passed passed, $st_failed failed"
    [ "$st_failed" = 0 ]
}
