#!/bin/sh
# A load balancer as the mirror target, filled up to its quota.  Seed 000:
# "The mirror target is a load balancer that receives mirrored traffic",
# which "must support IPv4 UDP", and Table 4: "Maximum number of mirror
# sessions that can be associated with a mirror target ... 200 (if the
# mirror target is a load balancer)".
#
# A collector namespace holds the VIP 192.168.0.100 (a plain port in the
# northbound database, so that L2 forwarding reaches its MAC).  OVS learns
# the VIP's MAC by ARP, which the collector answers.  200 sessions, each
# with its own VNI, all send to that one load balancer: 67 sources with 3
# sessions each (the sessions-per-source quota), session 3 * (P - 1) + J
# being source P's J-th, with filter-J, which accepts outbound UDP to port
# 1000 + J, and VNI 5000 + 3 * (P - 1) + J.  Sources 1, 34 and 67 are VMs
# that send; the others are internal ports, bound but silent.  The 201st
# session is refused and changes nothing.
. "$(dirname "$0")/lib.sh"

VIP=192.168.0.100
COL_MAC=fa:16:3e:00:01:00
SINK_MAC=fa:16:3e:00:02:00
SINK_IP=10.0.1.200
N_SOURCES=67
SAMPLES="1 34 67"

# src_mac P, src_ip P: source P's addresses.
src_mac() { printf 'fa:16:3e:00:00:%02x' "$1"; }
src_ip() { echo "10.0.1.$1"; }

# session_of P J: the number of source P's J-th session (1-200, or 201
# for the one over the quota).
session_of() { echo $((3 * ($1 - 1) + $2)); }

# model_json: the JSON model of everything above (docs/model-format.rst):
# the sources, the sink and collector ports, the load balancer, three
# filters and the 200 sessions.  One import makes it one write.
model_json() {
    local p j i sep
    echo '{"ports": ['
    for p in $(seq $N_SOURCES); do
        printf '  {"id": "src-%d", "mac_address": "%s",\n' "$p" \
            "$(src_mac "$p")"
        printf '   "fixed_ips": [{"ip_address": "%s"}]},\n' "$(src_ip "$p")"
    done
    printf '  {"id": "port-sink", "mac_address": "%s",\n' $SINK_MAC
    printf '   "fixed_ips": [{"ip_address": "%s"}]},\n' $SINK_IP
    printf '  {"id": "port-collector", "mac_address": "%s"}\n' $COL_MAC
    echo '],'
    printf '"loadbalancers": [{"id": "lb-collector", "vip_address": "%s",' \
        $VIP
    echo ' "udp_supported": true}],'
    echo '"traffic_mirror_filters": ['
    sep=
    for j in 1 2 3; do
        printf '%s  {"id": "filter-%d", "name": "filter-%d",\n' "$sep" \
            "$j" "$j"
        printf '   "egress_rules": [{"id": "r%d", "priority": 1,' "$j"
        printf ' "action": "accept", "protocol": "udp",\n'
        printf '     "destination_port_range": "%d"}]}' $((1000 + j))
        sep=',
'
    done
    echo '],'
    echo '"traffic_mirror_sessions": ['
    sep=
    for p in $(seq $N_SOURCES); do
        for j in 1 2 3; do
            i=$(session_of "$p" "$j")
            [ "$i" -le 200 ] || continue
            printf '%s  {"id": "s%d", "name": "session-%d", ' "$sep" \
                "$i" "$i"
            printf '"priority": %d, "virtual_network_id": %d,\n' "$j" \
                $((5000 + i))
            printf '   "enabled": true, "traffic_mirror_filter_id": '
            printf '"filter-%d",\n   "traffic_mirror_sources": ' "$j"
            printf '["src-%d"], "traffic_mirror_target_id": ' "$p"
            printf '"lb-collector",\n   "traffic_mirror_target_type": "elb"}'
            sep=',
'
        done
    done
    echo ']}'
}

# sample_vms: the VMs of the sample sources, in namespaces src-P.
sample_vms() {
    local p
    for p in $SAMPLES; do
        st_vm NS "src-$p" "$(src_mac "$p")" "$(src_ip "$p")" "src-$p" \
            || return 1
    done
}

# silent_sources: the other sources, bound as internal ports (in one
# transaction), which never send.
silent_sources() {
    local p args=
    for p in $(seq $N_SOURCES); do
        case " $SAMPLES " in
            *" $p "*) continue ;;
        esac
        args="$args -- add-port br-int int-$p -- set interface int-$p"
        args="$args type=internal external_ids:iface-id=src-$p"
    done
    # shellcheck disable=SC2086
    vsctl $args
}

# ns_of P: the namespace of sample source P.
ns_of() { echo "$ST_PREFIX-src-$1"; }

# vip_neigh: the MAC that ovs-vswitchd has for the VIP, or "none".
vip_neigh() {
    appctl tnl/neigh/show \
        | awk -v ip=$VIP '$1 == ip {mac = $2} END {print mac ? mac : "none"}'
}

# nb_cfg: the northbound configuration's sequence number.
nb_cfg() { tmctl show | sed -n 's/^nb_cfg=\([0-9]*\),.*/\1/p'; }

# send P J COUNT: source P sends COUNT UDP frames to the sink's port
# 1000 + J, from port 40000 + J.
send() {
    st_frame "$(ns_of "$1")" $SINK_MAC "$(src_ip "$1")" $SINK_IP udp \
        --sport $((40000 + $2)) --dport $((1000 + $2)) --count "$3"
}

# copies P J N: copies of source P's frames to port 1000 + J that the
# collector received from source P's address with the VNI of source P's
# J-th session, after waiting for N of them.
copies() {
    local ip vni flow
    ip=$(src_ip "$1")
    vni=$((5000 + $(session_of "$1" "$2")))
    flow="udp=$ip:$((40000 + $2))>$SINK_IP:$((1000 + $2))"
    st_wait_lines "$ST_DIR/collector.txt" \
        "^vxlan src=$ip dst=$VIP vni=$vni .* $flow " "$3"
}

# delivered P J: the sink's production frames from source P to port
# 1000 + J.
delivered() {
    st_wait_lines "$ST_DIR/sink.txt" \
        "^udp src=$(src_ip "$1") dst=$SINK_IP port=$((1000 + $2)) " "$3"
}

st_start && st_brint || exit 1
st_vm COL collector $COL_MAC $VIP port-collector &&
st_vm SINK sink $SINK_MAC $SINK_IP port-sink &&
sample_vms && silent_sources || exit 1
st_nb_start && st_controller_start || exit 1

# The 200 sessions, in one write.
model_json > "$ST_DIR/model.json"
if out=$(tmctl --wait=hv import "$ST_DIR/model.json" 2>&1); then
    st_pass "import: $out"
else
    st_fail "import: $out"
fi
st_check "sessions whose target is lb-collector" 200 \
    "$(tmctl session-list | grep -c 'lb-collector')"
# Every bound source has its sessions' flows: one per session, each to
# the VIP with its own VNI.
ofctl -O OpenFlow15 dump-flows br-int table=20 > "$ST_DIR/table20.txt"
st_check "outbound mirror flows to the VIP" 200 \
    "$(grep -c "set_field:$VIP->tun_dst," "$ST_DIR/table20.txt")"
st_check "their VNIs, one each" "5001-5200" "$(sed -n \
    's/.*set_field:\(0x[0-9a-f]*\)->tun_id.*/\1/p' "$ST_DIR/table20.txt" \
    | xargs printf '%d\n' | sort -n | uniq \
    | awk 'NR == 1 {first = $1} {n++; last = $1}
           END {if (n == last - first + 1) print first "-" last}')"
st_check "VIP's MAC before any copy" none "$(vip_neigh)"

# A first copy makes ovs-vswitchd ask for the VIP's MAC (that copy is
# lost), and the collector answers.
send 1 1 1
for _ in $(seq 50); do
    [ "$(vip_neigh)" != none ] && break
    sleep 0.1
done
st_check "VIP learned by ARP from the collector" $COL_MAC "$(vip_neigh)"

# Each sample source sends 2 frames to each of its sessions' ports; each
# session delivers exactly 2 copies with its own VNI (source 67 has no
# third session: 0 copies), and the production frames all arrive.
st_capture "$COL" "$ST_DIR/collector.txt" &&
st_capture "$SINK" "$ST_DIR/sink.txt" || exit 1
for p in $SAMPLES; do
    for j in 1 2 3; do
        send "$p" "$j" 2
    done
done
for p in $SAMPLES; do
    for j in 1 2 3; do
        i=$(session_of "$p" "$j")
        expected=2
        [ "$i" -le 200 ] || expected=0
        st_check "source $p to port $((1000 + j)): copies with VNI \
$((5000 + i)) (session $i)" $expected "$(copies "$p" "$j" $expected)"
        st_check "source $p to port $((1000 + j)): delivered" 2 \
            "$(delivered "$p" "$j" 2)"
    done
done
st_check "copies in all" 16 \
    "$(grep -c '^vxlan ' "$ST_DIR/collector.txt")"

# The 201st session to the load balancer (source 67's third: within the
# per-source quota) is refused, and nothing changes.
before=$(tmctl export | cksum)
cfg_before=$(nb_cfg)
out=$(tmctl session-add session-201 filter-3 elb lb-collector 3 \
    virtual_network_id=5201 traffic_mirror_sources=src-67 enabled=true \
    2>&1)
st_check "the 201st session: exit status" 1 $?
st_check "the 201st session: error" \
"tmirror-ctl: traffic_mirror_session (new): traffic_mirror_target_id: \
loadbalancer \"lb-collector\" would be the target of 201 sessions, the \
quota is 200 per load balancer target" "$out"
st_check "the configuration after the refusal (checksum)" "$before" \
    "$(tmctl export | cksum)"
st_check "nb_cfg after the refusal" "$cfg_before" "$(nb_cfg)"
st_wait_applied > /dev/null
send 67 3 2
st_check "source 67 to port 1003 after the refusal: delivered" 4 \
    "$(delivered 67 3 4)"
st_check "source 67 to port 1003 after the refusal: copies" 0 \
    "$(grep -c "^vxlan .* udp=$(src_ip 67):[0-9]*>$SINK_IP:1003 " \
        "$ST_DIR/collector.txt")"
st_check "copies in all, at the end" 16 \
    "$(grep -c '^vxlan ' "$ST_DIR/collector.txt")"

st_finish
