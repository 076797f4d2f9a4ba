#!/bin/sh
# Prometheus metrics (tmirror-controller --metrics) on the seed 002
# hypervisor.  Every scrape is validated whole and strictly, by promtool
# ("promtool check metrics": syntax and naming conventions) and by
# tests/system/metrics.py (which also reads the values), and the values
# are compared with what was actually sent and with what the switch and
# the database say: packets mirrored and rejected, bytes, truncated
# copies, copies lost to routing failures, the flows installed (ovs-ofctl
# dump-flows), the applied configuration (the Hypervisor row), reconnects
# after the switch restarts.  Then the HTTP side (404, 405, HEAD) and the
# refusals of a bad --metrics value and of a port in use.
. "$(dirname "$0")/lib.sh"
# promtool, as utilities/install-deps.sh extracts it from Debian's
# prometheus package (or from PATH, where it is installed).
PROMTOOL=${PROMTOOL:-$ST_TOP/build/tools/promtool}
[ -x "$PROMTOOL" ] || PROMTOOL=promtool

metrics_py=$ST_HERE/metrics.py
# A hypervisor name that needs escaping in a label value.
hv_name='hv "one"\1'

st_start && st_seed002_hypervisor && st_nb_start || exit 1
# The controller listens in the hypervisor's namespace, on its loopback.
port=$(st_exec "$ST_HV" python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
st_controller_start --metrics="127.0.0.1:$port" --name="$hv_name" &&
st_seed002_config > /dev/null || exit 1
tmctl --wait=hv rule-add mirror-filter-A ingress 2 reject protocol=udp \
    > /dev/null || exit 1
accept=$(tmctl rule-list mirror-filter-A | awk '/ accept / {print $1}')
reject=$(tmctl rule-list mirror-filter-A | awk '/ reject / {print $1}')
session=$(tmctl session-list \
    | awk '$1 == "traffic_mirror_session" && $3 == "(mirror-session-A):" {
               print $2 }')

scrape=$ST_DIR/scrape.txt
# http METHOD PATH FILE: an HTTP request to the controller, from its
# namespace; the body goes to FILE, the headers to FILE.headers, and the
# status code is printed.
http() {
    st_exec "$ST_HV" curl -sS --max-time 5 -X "$1" -o "$3" \
        -D "$3.headers" -w '%{http_code}' "http://127.0.0.1:$port$2"
}
# get NAME [LABEL=VALUE...]: scrapes, and prints the value of the one
# sample of NAME with those labels (and of this hypervisor).
get() {
    [ "$(http GET /metrics "$scrape")" = 200 ] || return 1
    python3 "$metrics_py" get "$scrape" "$@" "hypervisor=$hv_name"
}
# wait_get EXPECTED NAME [LABEL=VALUE...]: scrapes until the value is
# EXPECTED (10 s at most: the switch folds datapath statistics into its
# flows and coverage counters about once a second, the controller reads
# them every 2 s), and prints the last value.
wait_get() {
    local expected=$1 got=
    shift
    for _ in $(seq 50); do
        got=$(get "$@" 2>&1)
        [ "$got" = "$expected" ] && break
        sleep 0.2
    done
    printf '%s\n' "$got"
}
# validate WHAT: the last scrape passes both validators.
validate() {
    local out
    if out=$("$PROMTOOL" check metrics < "$scrape" 2>&1); then
        st_pass "$1: promtool check metrics"
    else
        st_fail "$1: promtool check metrics: $out"
    fi
    if out=$(python3 "$metrics_py" check "$scrape"); then
        st_pass "$1: strict parse ($out)"
    else
        st_fail "$1: strict parse: $out"
    fi
}
# rule_metric NAME RULE: NAME's value for RULE of the session.
rule_metric() {
    get "$1" session="$session" session_name=mirror-session-A rule="$2"
}
send() { # PROTO SIZE COUNT
    st_frame "$SEED_TST" $SEED_SOURCE_MAC $SEED_TEST_IP $SEED_SOURCE_IP "$1" \
        --dport 1234 --size "$2" --count "$3"
}

# --- The exposition. ----------------------------------------------------
st_check "GET /metrics" 200 "$(http GET /metrics "$scrape")"
st_check "Content-Type" "text/plain; version=0.0.4; charset=utf-8" \
    "$(sed -n 's/^Content-Type: \(.*\)\r$/\1/p' "$scrape.headers")"
validate "at start"
st_check "controller info: the hypervisor's name (escaped) and mode" 1 \
    "$(get tmirror_controller_info mode=patched)"

# The validators do refuse a broken exposition: a value that is not a
# number, and a label value with a raw double quote.
sed 's/^\(tmirror_applied_cfg{.*}\) .*/\1 x/' "$scrape" > "$scrape.bad1"
sed 's/hypervisor="hv \\"one\\"/hypervisor="hv "one"/' "$scrape" \
    > "$scrape.bad2"
for bad in "$scrape.bad1" "$scrape.bad2"; do
    if cmp -s "$scrape" "$bad"; then
        st_fail "could not break the exposition ($bad)"
    elif "$PROMTOOL" check metrics < "$bad" > /dev/null 2>&1 ||
         python3 "$metrics_py" check "$bad" > /dev/null; then
        st_fail "a broken exposition passes a validator ($bad)"
    else
        st_pass "both validators refuse a broken exposition (${bad##*.})"
    fi
done

# --- Traffic. ------------------------------------------------------------
# Mirrored TCP: 3 frames of 200 bytes, cut to packet_length 96, and 2 of
# 80, copied whole; 2 UDP frames that the reject rule keeps from being
# mirrored.
send tcp 200 3 && send tcp 80 2 && send udp 200 2 || exit 1
st_check "accept rule: packets" 5 \
    "$(wait_get 5 tmirror_rule_packets_total session="$session" \
        rule="$accept" direction=ingress action=accept)"
st_check "reject rule: packets" 2 \
    "$(wait_get 2 tmirror_rule_packets_total session="$session" \
        rule="$reject" direction=ingress action=reject)"
st_check "accept rule: bytes (3 x 200 + 2 x 80)" 760 \
    "$(rule_metric tmirror_rule_bytes_total "$accept")"
st_check "reject rule: bytes (2 x 200)" 400 \
    "$(rule_metric tmirror_rule_bytes_total "$reject")"
st_check "session: packets mirrored" 5 \
    "$(get tmirror_session_mirrored_packets_total session="$session")"
st_check "session: bytes mirrored" 760 \
    "$(get tmirror_session_mirrored_bytes_total session="$session")"
st_check "session: enabled" 1 \
    "$(get tmirror_session_enabled session="$session")"
st_check "truncated copies (the 3 frames over 96 bytes)" 3 \
    "$(wait_get 3 tmirror_truncated_copies_total)"
st_check "copies lost to routing failures" 0 \
    "$(get tmirror_tunnel_routing_failures_total)"

# --- State, against the switch and the database. ------------------------
ours=$(st_our_flows br-int)
st_check "flows installed = ovs-ofctl dump-flows of our cookies" "$ours" \
    "$(get tmirror_flows_installed)"
st_check "flows desired" "$ours" "$(get tmirror_flows_desired)"
tmctl --wait=hv rule-set "$reject" description=metrics > /dev/null
nb_cfg=$(tmctl show | sed -n 's/^nb_cfg=\([0-9]*\),.*/\1/p')
hv_cfg=$(tmctl hv-list | sed -n 's/.*: applied nb_cfg=\([0-9]*\),.*/\1/p')
st_check "the Hypervisor row has the database's nb_cfg" "$nb_cfg" "$hv_cfg"
st_check "applied cfg = the Hypervisor row's nb_cfg" "$hv_cfg" \
    "$(wait_get "$hv_cfg" tmirror_applied_cfg)"
st_check "desired cfg = TM_Global nb_cfg" "$nb_cfg" \
    "$(get tmirror_desired_cfg)"
st_check "switch connected" 1 "$(get tmirror_switch_connected)"
st_check "reconnects before the switch restarts" 0 \
    "$(get tmirror_switch_reconnects_total)"
st_check "bundles = status" "$(st_ctl_status bundles)" \
    "$(get tmirror_bundles_total)"
st_check "flows added = status" "$(st_ctl_status 'flow adds')" \
    "$(get tmirror_flow_changes_total change=add)"
st_check "status names the metrics URL" \
    "http://127.0.0.1:$port/metrics" "$(st_ctl_status metrics)"
validate "after traffic"

# --- The switch restarts. -----------------------------------------------
st_vswitchd_restart || exit 1
st_check "reconnects after the switch restarts" 1 \
    "$(wait_get 1 tmirror_switch_reconnects_total)"
st_wait_applied || st_fail "configuration not applied after the restart"
st_check "switch connected again" 1 "$(wait_get 1 tmirror_switch_connected)"
st_check "flows installed after the restart = dump-flows" \
    "$(st_our_flows br-int)" "$(get tmirror_flows_installed)"

# The new switch's flows count from 0; the truncated copies add up across
# the restart (each ovs-vswitchd counts from 0).
send tcp 200 2 || exit 1
st_check "accept rule after the restart: packets" 2 \
    "$(wait_get 2 tmirror_rule_packets_total session="$session" \
        rule="$accept")"
st_check "truncated copies across the restart (3 + 2)" 5 \
    "$(wait_get 5 tmirror_truncated_copies_total)"

# Copies to a target without a route are counted (the controller reads
# the switch's counter every 5 s).
tmctl lb-add lb-far name=far vip_address=10.99.0.1 udp_supported=true \
    > /dev/null &&
tmctl --wait=hv session-set mirror-session-A traffic_mirror_target_type=elb \
    traffic_mirror_target_id=lb-far > /dev/null || exit 1
send tcp 80 4 || exit 1
for _ in $(seq 4); do
    [ "$(wait_get 4 tmirror_tunnel_routing_failures_total)" = 4 ] && break
done
st_check "copies lost to routing failures (4 sent)" 4 \
    "$(get tmirror_tunnel_routing_failures_total)"
st_check "accept rule: those 4 counted too" 6 \
    "$(wait_get 6 tmirror_rule_packets_total session="$session" \
        rule="$accept")"
validate "at the end"

# --- HTTP. ----------------------------------------------------------------
st_check "GET / is 404" 404 "$(http GET / "$ST_DIR/out")"
st_check "GET /metrics/x is 404" 404 "$(http GET /metrics/x "$ST_DIR/out")"
st_check "POST /metrics is 405" 405 "$(http POST /metrics "$ST_DIR/out")"
st_check "405 says what is allowed" "GET, HEAD" \
    "$(sed -n 's/^Allow: \(.*\)\r$/\1/p' "$ST_DIR/out.headers")"
st_check "DELETE /metrics is 405" 405 "$(http DELETE /metrics "$ST_DIR/out")"
st_check "GET /metrics?x=1 is 200" 200 "$(http GET '/metrics?x=1' \
    "$ST_DIR/out")"
st_check "HEAD /metrics is 200" 200 \
    "$(st_exec "$ST_HV" curl -sS --max-time 5 -I -o /dev/null \
        -w '%{http_code}' "http://127.0.0.1:$port/metrics")"

# --- Refusals. ------------------------------------------------------------
# refused WHAT EXPECTED-MESSAGE OPTION...: the controller exits 1 at once
# with the message.
refused() {
    local what=$1 expected=$2 out rc
    shift 2
    out=$(st_exec "$ST_HV" timeout 20 "$ST_CONTROLLER" -vconsole:off \
        --unixctl="$ST_DIR/refused.ctl" --nb="$TMIRROR_NB_DB" "$@" \
        "unix:$ST_DIR/db.sock" 2>&1)
    rc=$?
    st_check "$what: exit status" 1 "$rc"
    st_check "$what: message" "tmirror-controller: $expected" "$out"
}
refused "a host name" \
    '--metrics: host "localhost" is not an IPv4 or IPv6 address' \
    --metrics=localhost:9100
refused "an address without its port" \
    '--metrics: "127.0.0.1" is not HOST:PORT, :PORT or PORT (a port is a decimal integer in range 0-65535)' \
    --metrics=127.0.0.1
refused "a port out of range" \
    '--metrics: port 65536 is out of range 0-65535' --metrics=:65536
refused "IPv6 without brackets" \
    '--metrics: "::1:9100" has more than one colon: write an IPv6 address in brackets, [IPV6]:PORT' \
    --metrics=::1:9100
refused "the port in use" \
    "--metrics: can't listen on 127.0.0.1:$port: Address already in use" \
    --metrics="$port"
st_check "the running controller still serves" 200 \
    "$(http GET /metrics "$ST_DIR/out")"

st_finish
