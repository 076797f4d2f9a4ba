#!/bin/sh
# Seed 002 configured over the REST API instead of the command line: the
# filter, its rule and the session are created through tmirror-apid with
# Huawei's Node.js SDK (tests/api/seed002.js), and the same real traffic
# as "make demo" is mirrored: "hello" and "12345" from ECS-test to
# ECS-source port 1234 reach ECS-target inside VXLAN, VNI 1, outer source
# ECS-source's address.  (Ports are not part of Huawei's API: they are
# created with tmirror-ctl, as a cloud's integration would.)
. "$(dirname "$0")/lib.sh"

"$ST_TOP/tests/api/npm-install.sh" || { st_fail "no SDK"; st_finish; }
st_start || exit 1
st_seed002_hypervisor || exit 1
st_nb_start || exit 1
st_controller_start || exit 1
tmctl port-add port-ecs-source mac_address=$SEED_SOURCE_MAC \
    fixed_ips=$SEED_SOURCE_IP &&
tmctl port-add port-ecs-target mac_address=$SEED_TARGET_MAC \
    fixed_ips=$SEED_TARGET_IP &&
tmctl port-add port-ecs-test mac_address=$SEED_TEST_MAC \
    fixed_ips=$SEED_TEST_IP || exit 1

# The API daemon, on loopback, with one key for one project.
project=0123456789abcdef0123456789abcdef
printf 'AKSEED002 %s %s\n' "$(head -c 16 /dev/urandom | od -An -tx1 \
    | tr -d ' \n')" $project > "$ST_DIR/creds"
chmod 600 "$ST_DIR/creds"
"$ST_BIN/tmirror-apid" --credentials="$ST_DIR/creds" \
    --nb="$TMIRROR_NB_DB" --listen=127.0.0.1:0 \
    --port-file="$ST_DIR/apid.port" --log-file="$ST_DIR/apid.log" \
    --unixctl="$ST_DIR/apid.ctl" -vconsole:off &
ST_PIDS="$ST_PIDS $!"
for _ in $(seq 50); do
    [ -s "$ST_DIR/apid.port" ] && break
    sleep 0.1
done

TMIRROR_API_ENDPOINT=http://127.0.0.1:$(cat "$ST_DIR/apid.port")
TMIRROR_API_AK=AKSEED002
TMIRROR_API_SK=$(awk '{print $2}' "$ST_DIR/creds")
TMIRROR_API_PROJECT=$project
export TMIRROR_API_ENDPOINT TMIRROR_API_AK TMIRROR_API_SK \
    TMIRROR_API_PROJECT
if session=$(node "$ST_TOP/tests/api/seed002.js"); then
    st_pass "seed 002 created through the SDK: session $session"
else
    st_fail "seed002.js failed"
fi
st_wait_applied || st_fail "the controller did not apply the configuration"
st_check "the session, as tmirror-ctl sees it" \
    "priority=1 enabled virtual_network_id=1 packet_length=96" \
    "$(tmctl show | sed -n 's/.*(mirror-session-A): //p')"

pcap=$ST_DIR/target.pcap
st_tcpdump "$SEED_TGT" "$pcap" || exit 1
st_tcp_send "$SEED_TST" $SEED_SOURCE_IP 1234 "$ST_DIR/received" hello 12345
sleep 0.5
st_tcpdump_stop
lines=$(st_vxlan_lines "$pcap")
outer="^vxlan src=$(st_outer_src $SEED_SOURCE_IP) dst=$SEED_TARGET_IP vni=1 "
st_check "ECS-source received what ECS-test sent" "hello 12345" \
    "$(tr '\n' ' ' < "$ST_DIR/received" | sed 's/ $//')"
st_check "\"hello\" mirrored once, VNI 1, outer $SEED_SOURCE_IP" 1 \
    "$(echo "$lines" | grep -e "$outer" | grep -c " payload=$(st_hex hello)\$")"
st_check "\"12345\" mirrored once" 1 \
    "$(echo "$lines" | grep -e "$outer" | grep -c " payload=$(st_hex 12345)\$")"

st_finish
