# Sandbox test library: one simulated hypervisor on OVS's dummy datapath
# (no root, no kernel module), with the compiled tmirror flows loaded into
# br-int and ofproto/trace to see what a packet would do.
#
# Sourced by test-*.sh with OVS_SRC (the OVS build tree) and TMIRROR_CTL
# set.  Every process it starts has its own run/db/log directory under a
# temporary directory and is killed by pid when the test exits, whatever
# the exit path.

set -u

: "${OVS_SRC:?OVS_SRC must point at the OVS build tree}"
: "${TMIRROR_CTL:?TMIRROR_CTL must point at tmirror-ctl}"
SB_HERE=$(cd "$(dirname "$0")" && pwd)
GOLDEN=$(cd "$SB_HERE/../golden" && pwd)

sb_passed=0
sb_failed=0
SB_DIR=

. "$SB_HERE/../ovs-lib.sh"

sb_cleanup() {
    ovs_stop_daemons "$SB_DIR"
    if [ -n "$SB_DIR" ]; then
        rm -rf "$SB_DIR"
    fi
}

# Underlay of the simulated hypervisor: br-int holds one address per
# family, and every mirror target is reached through a gateway, so that
# any target address routes without per-test setup.
SB_UNDERLAY4=192.0.2.1/24
SB_GATEWAY4=192.0.2.254
SB_UNDERLAY6=2001:db8:ffff::1/64
SB_GATEWAY6=2001:db8:ffff::fe
SB_GATEWAY_MAC=aa:55:aa:55:00:fe

# Starts ovsdb-server and ovs-vswitchd in a fresh directory.
sb_start() {
    SB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tmirror-sandbox.XXXXXX")
    trap sb_cleanup EXIT
    trap 'exit 1' INT TERM
    ovs_start_db "$SB_DIR" || return 1
    "$OVS_SRC/vswitchd/ovs-vswitchd" --enable-dummy --disable-system \
        --detach --no-chdir --pidfile --log-file -vconsole:off \
        || return 1
}

# Reads a member of a golden case's bindings with python3's json module.
sb_binding() {
    python3 -c 'import json, sys
b = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    b = b.get(k) if isinstance(b, dict) else None
if isinstance(b, dict):
    for k, v in sorted(b.items(), key=lambda kv: kv[1]):
        print(k, v)
elif b is not None:
    print(b)' "$1" "$2"
}

# Builds br-int for golden case $1 (a directory under tests/golden) and
# loads the flows that tmirror-ctl compiles for it.
sb_case() {
    sb_load "$1" "$GOLDEN/$1/model.json" "$GOLDEN/$1/bindings.json"
}

# Which OVS features the hypervisor uses: "stock" (the outer source is the
# hypervisor's address: bindings compiled with nonlocal_src off) or
# "patched" (ovs-patches/0001: the tunnel port has local_ip=flow and
# allow_nonlocal_src=true, and the bindings' nonlocal_src stands).
SB_MODE=stock

# sb_load NAME MODEL BINDINGS: builds br-int for BINDINGS and loads the
# flows that tmirror-ctl compiles from MODEL, in mode $SB_MODE.
sb_load() {
    case_name=$1
    model=$2
    bindings=$SB_DIR/bindings.json

    python3 -c 'import json, sys
b = json.load(open(sys.argv[1]))
if sys.argv[3] == "stock":
    b.setdefault("tunnel", {})["nonlocal_src"] = False
json.dump(b, open(sys.argv[2], "w"))' "$3" "$bindings" "$SB_MODE"

    vsctl --if-exists del-br br-int
    set -- add-br br-int -- set bridge br-int datapath-type=dummy \
        fail-mode=secure
    mac=$(sb_binding "$bindings" local_mac)
    if [ -n "$mac" ]; then
        set -- "$@" other-config:hwaddr="$mac"
    fi
    while read -r port ofport; do
        set -- "$@" -- add-port br-int "vm$ofport" -- set interface \
            "vm$ofport" type=dummy ofport_request="$ofport" \
            external_ids:iface-id="$port"
    done <<PORTS
$(sb_binding "$bindings" ports)
PORTS
    uplink=$(sb_binding "$bindings" uplink)
    if [ -n "$uplink" ]; then
        set -- "$@" -- add-port br-int uplink -- set interface uplink \
            type=dummy ofport_request="$uplink"
    fi
    tunnel=$(sb_binding "$bindings" tunnel.ofport)
    set -- "$@" -- add-port br-int tm-vxlan -- set interface tm-vxlan \
        type=vxlan options:remote_ip=flow options:key=flow \
        ofport_request="$tunnel"
    if [ "$SB_MODE" = patched ]; then
        set -- "$@" options:local_ip=flow options:allow_nonlocal_src=true
    fi
    vsctl "$@" || return 1

    appctl netdev-dummy/ip4addr br-int $SB_UNDERLAY4 > /dev/null &&
    appctl netdev-dummy/ip6addr br-int $SB_UNDERLAY6 > /dev/null &&
    appctl ovs/route/add 0.0.0.0/0 br-int $SB_GATEWAY4 > /dev/null &&
    appctl ovs/route/add ::/0 br-int $SB_GATEWAY6 > /dev/null &&
    appctl tnl/neigh/set br-int $SB_GATEWAY4 $SB_GATEWAY_MAC > /dev/null &&
    appctl tnl/neigh/set br-int $SB_GATEWAY6 $SB_GATEWAY_MAC > /dev/null \
        || return 1

    "$TMIRROR_CTL" compile --bindings="$bindings" "$model" \
        > "$SB_DIR/flows.txt" || return 1
    ofctl --bundle add-flows br-int "$SB_DIR/flows.txt" || return 1
    echo "case $case_name ($SB_MODE OVS): $(wc -l < "$SB_DIR/flows.txt")" \
         "flows loaded"
}

# Traces $1 (an ofproto/trace flow) on br-int into $SB_DIR/trace.
sb_trace() {
    appctl ofproto/trace br-int "$1" > "$SB_DIR/trace" 2>&1
}

sb_fail() {
    echo "FAIL: $*"
    if grep -q '^Datapath actions' "$SB_DIR/trace"; then
        echo "  trace: $(grep '^Datapath actions' "$SB_DIR/trace")"
    else
        echo "  trace: $(head -n 3 "$SB_DIR/trace")"
    fi
    sb_failed=$((sb_failed + 1))
}

sb_pass() {
    echo "ok: $*"
    sb_passed=$((sb_passed + 1))
}

# The OpenFlow ports the packet is delivered to, space-separated.
sb_outputs() {
    sed -n 's/.*-> output port is \([0-9]*\).*/\1/p' "$SB_DIR/trace" \
        | tr '\n' ' ' | sed 's/ $//'
}

# expect_mirror FLOW VNI OUTER-DST MAX-LEN OUTPUTS [OUTER-SRC]
#   The packet is mirrored exactly once, in VXLAN with VNI to OUTER-DST
#   (from OUTER-SRC if given), truncated to MAX-LEN, and still delivered to
#   OUTPUTS (OpenFlow ports).
expect_mirror() {
    flow=$1 vni=$2 dst=$3 len=$4 outputs=$5 src=${6:-}
    what="mirror $flow -> vni $vni to $dst${src:+ from $src}, $len bytes, delivered to $outputs"

    sb_trace "$flow"
    actions=$(grep '^Datapath actions' "$SB_DIR/trace")
    n=$(printf '%s' "$actions" | grep -o 'tnl_push' | wc -l)
    got_vni=$(printf '%s' "$actions" | sed -n 's/.*vni=\(0x[0-9a-f]*\).*/\1/p')
    got_dst=$(printf '%s' "$actions" \
              | sed -n 's/.*ipv[46](src=[^,]*,dst=\([^,]*\),.*/\1/p')
    got_src=$(printf '%s' "$actions" \
              | sed -n 's/.*ipv[46](src=\([^,]*\),dst=.*/\1/p')
    got_len=$(printf '%s' "$actions" | sed -n 's/.*trunc(\([0-9]*\)).*/\1/p')
    got_out=$(sb_outputs)
    if [ "$n" != 1 ]; then
        sb_fail "$what: $n copies"
    elif [ "$((got_vni))" != "$vni" ]; then
        sb_fail "$what: vni $got_vni"
    elif [ "$got_dst" != "$dst" ]; then
        sb_fail "$what: outer destination $got_dst"
    elif [ -n "$src" ] && [ "$got_src" != "$src" ]; then
        sb_fail "$what: outer source $got_src"
    elif [ "$got_len" != "$len" ]; then
        sb_fail "$what: truncated to $got_len"
    elif [ "$got_out" != "$outputs" ]; then
        sb_fail "$what: delivered to $got_out"
    else
        sb_pass "$what"
    fi
}

# expect_no_mirror FLOW OUTPUTS
#   The packet is not mirrored and is still delivered to OUTPUTS.
expect_no_mirror() {
    flow=$1 outputs=$2
    what="no mirror for $flow, delivered to $outputs"

    sb_trace "$flow"
    got_out=$(sb_outputs)
    if grep '^Datapath actions' "$SB_DIR/trace" | grep -q tnl_push; then
        sb_fail "$what: mirrored"
    elif [ "$got_out" != "$outputs" ]; then
        sb_fail "$what: delivered to $got_out"
    else
        sb_pass "$what"
    fi
}

# Prints the summary line and exits with the verdict.
sb_finish() {
    echo "$(basename "$0" .sh): $sb_passed passed, $sb_failed failed"
    [ "$sb_failed" = 0 ]
}
