#!/bin/sh
# The collector test layer: tm-pcap's unit test, then tmirror-collector
# on loopback, fed crafted VXLAN datagrams (vxlan.py) from three outer
# sources (127.0.0.1-3): several VNIs, the smallest and a 60000-byte
# frame, malformed datagrams.  What it wrote is read back with tshark and
# with vxlan.py's own pcap reader and compared with what was sent, frame
# by frame; its counts (unixctl "summary") with what was sent; rotation by
# size and by time, and the summary on SIGUSR1, "exit" and SIGTERM.
# Prints "ok:"/"FAIL:" lines and ends with "collector: N passed, N failed".
#
# usage: tests/collector/run.sh BUILD-DIR
#        BUILD-DIR holds bin/tmirror-collector and
#        tests/collector-pcap-test; OVS_SRC is the OVS build tree (for
#        ovs-appctl; default: BUILD-DIR/ovs).  TMIRROR_COLLECTOR, if set,
#        is the collector to test instead ("make check-collector" sets it
#        to the sanitizer build; any report it writes fails the layer).
#
# Everything lives in a temporary directory, removed on exit; the
# collectors it starts are stopped by their pid files.  Traffic goes to
# 127.0.0.1 only.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
OVS_SRC=${OVS_SRC:-$build/ovs}
collector=${TMIRROR_COLLECTOR:-$build/bin/tmirror-collector}
vx="python3 $here/vxlan.py"
passed=0 failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tmirror-collector.XXXXXX")

stop_all() {
    for pidfile in "$tmp"/*.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
    done
}
cleanup() {
    trap '' INT TERM HUP PIPE
    trap - EXIT
    stop_all
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() {
    if [ "$2" = "$3" ]; then
        pass "$1: $3"
    else
        fail "$1: expected $2, got $3"
    fi
}
# checks COMMAND...: runs COMMAND, which prints ok:/FAIL: lines, and
# counts them (a COMMAND that dies counts as a failure).
checks() {
    local out=$tmp/checks.out
    "$@" > "$out" 2>&1 || echo "FAIL: $* exited $?" >> "$out"
    cat "$out"
    passed=$((passed + $(grep -c '^ok:' "$out")))
    failed=$((failed + $(grep -c '^FAIL:' "$out")))
}
appctl() { "$OVS_SRC/utilities/ovs-appctl" --timeout=10 "$@"; }

# A free UDP port on loopback (the kernel picks; a race with another
# program is unlikely and would fail the start, not pass wrongly).
free_port() {
    python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start NAME OPTION...: tmirror-collector on 127.0.0.1:$PORT, detached,
# with $tmp/NAME.{pid,log,ctl}.
start() {
    local name=$1
    shift
    PORT=$(free_port)
    ASAN_OPTIONS=log_path=$tmp/sanitizer:detect_leaks=1 \
    UBSAN_OPTIONS=log_path=$tmp/sanitizer:print_stacktrace=1 \
    "$collector" --detach --no-chdir --pidfile="$tmp/$name.pid" \
        --log-file="$tmp/$name.log" -vconsole:off \
        --unixctl="$tmp/$name.ctl" --listen="127.0.0.1:$PORT" "$@" \
        2> "$tmp/$name.err" || { cat "$tmp/$name.err"; return 1; }
}

# stop NAME [SIGNAL]: "exit" through unixctl, or SIGNAL; waits for it.
stop() {
    local pid
    pid=$(cat "$tmp/$1.pid") || return 1
    if [ -n "${2:-}" ]; then
        kill -s "$2" "$pid"
    else
        appctl -t "$tmp/$1.ctl" exit
    fi
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        fail "$1 (pid $pid) did not exit"
        kill -9 "$pid"
    fi
    rm -f "$tmp/$1.pid"
}

# wait_datagrams NAME N: until the collector has counted N datagrams.
wait_datagrams() {
    for _ in $(seq 50); do
        [ "$(appctl -t "$tmp/$1.ctl" summary | sed -n 's/^datagrams: //p')" \
            -ge "$2" ] 2>/dev/null && return 0
        sleep 0.1
    done
}

if ! command -v tshark > /dev/null; then
    echo "tshark is missing: apt-get install tshark"
    echo "collector: 0 passed, 1 failed"
    exit 1
fi

echo "== tm-pcap unit test"
mkdir "$tmp/unit"
checks "$build/tests/collector-pcap-test" "$tmp/unit"

echo "== option errors"
"$collector" --listen=no-such-host:1 --dir="$tmp/x" > /dev/null 2>&1
check "--listen with a bad address fails" 1 $?
"$collector" --rotate-size=0 --dir="$tmp/x" > /dev/null 2>&1
check "--rotate-size=0 fails" 1 $?
"$collector" --rotate-seconds=-1 --dir="$tmp/x" > /dev/null 2>&1
check "--rotate-seconds=-1 fails" 1 $?
: > "$tmp/file"
"$collector" --dir="$tmp/file" > /dev/null 2>&1
check "--dir on a file fails" 1 $?

echo "== the standard mix: VNIs 1, 2, 16777215, malformed datagrams"
if start mix --dir="$tmp/mix"; then
    pass "started on 127.0.0.1:$PORT"
else
    fail "tmirror-collector did not start"
fi
$vx send "$PORT" "$tmp/mix.json"
sent=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["datagrams"])' "$tmp/mix.json")
wait_datagrams mix "$sent"
appctl -t "$tmp/mix.ctl" summary > "$tmp/mix.summary"
sed 's/^/  | /' "$tmp/mix.summary"
checks $vx check-summary "$tmp/mix.json" "$tmp/mix.summary"

# The summary on SIGUSR1, in the log; the collector goes on.
kill -USR1 "$(cat "$tmp/mix.pid")"
sleep 0.5
check "SIGUSR1: summary logged" 1 \
    "$(grep -c "summary: datagrams: $sent\$" "$tmp/mix.log")"
$vx send "$PORT" "$tmp/mix2.json" 1:1:70
wait_datagrams mix $((sent + 1))
check "still receiving after SIGUSR1" 6 \
    "$(appctl -t "$tmp/mix.ctl" summary \
        | sed -n 's/^vni 1: \([0-9]*\) frames.*/\1/p')"
# Readable while it runs: flushed as it goes.
check "vni-1.pcap readable while running (frames)" 6 \
    "$($vx count "$tmp/mix/vni-1.pcap")"
stop mix
check "exit: summary logged" 1 \
    "$(grep -c "summary: datagrams: $((sent + 1))\$" "$tmp/mix.log")"
check "malformed datagrams logged" 3 \
    "$(grep -c 'dropped a [0-9]*-byte datagram from 127.0.0.[0-9]' \
        "$tmp/mix.log")"

# The second send added one frame to VNI 1: check against both.
python3 -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
a["vnis"]["1"] += b["vnis"]["1"]
json.dump(a, open(sys.argv[3], "w"))' "$tmp/mix.json" "$tmp/mix2.json" \
    "$tmp/all.json"
checks $vx check-pcaps "$tmp/all.json" "$tmp/mix"

# tshark's reading: each frame's length and Ethernet source, in order.
for vni in 1 2 16777215; do
    $vx fields "$tmp/all.json" $vni > "$tmp/want"
    tshark -r "$tmp/mix/vni-$vni.pcap" -T fields -e frame.len -e eth.src \
        > "$tmp/got" 2> "$tmp/tshark.err"
    if cmp -s "$tmp/want" "$tmp/got"; then
        pass "tshark reads vni-$vni.pcap: $(wc -l < "$tmp/got") frames," \
            "lengths and sources as sent"
    else
        fail "tshark reads vni-$vni.pcap differently:"
        diff "$tmp/want" "$tmp/got" | head -n 10
        head -n 5 "$tmp/tshark.err"
    fi
done
check "tshark: vni-2.pcap is Ethernet with a 60000-byte frame" \
    "Ethernet 60000" \
    "$(tshark -r "$tmp/mix/vni-2.pcap" -T fields -e frame.len \
        -e frame.encap_type -Y 'frame.len == 60000' 2>/dev/null \
        | awk '{print ($2 == 1 ? "Ethernet" : $2), $1}')"

echo "== a restart keeps the previous files"
start mix --dir="$tmp/mix" || fail "restart failed"
$vx send "$PORT" "$tmp/mix3.json" 1:2:80
wait_datagrams mix 2
stop mix TERM
check "SIGTERM: summary logged" 1 \
    "$(grep -c 'summary: vni 1: 2 frames, 160 bytes' "$tmp/mix.log")"
check "the previous vni-1.pcap became vni-1.pcap.1" 6 \
    "$($vx count "$tmp/mix/vni-1.pcap.1")"
check "the new vni-1.pcap" 2 "$($vx count "$tmp/mix/vni-1.pcap")"

echo "== rotation by size: --rotate-size=400, ten 100-byte frames"
# 24 + 3 x (16 + 100) = 372 bytes: three frames per file.
start size --dir="$tmp/size" --rotate-size=400 || fail "start failed"
$vx send "$PORT" "$tmp/size.json" 7:10:100
wait_datagrams size 10
stop size
check "files" "vni-7.pcap vni-7.pcap.1 vni-7.pcap.2 vni-7.pcap.3" \
    "$(ls "$tmp/size" | sort | tr '\n' ' ' | sed 's/ $//')"
counts=
for f in 1 2 3; do
    counts="$counts$(tshark -r "$tmp/size/vni-7.pcap.$f" 2>/dev/null \
        | wc -l) "
done
counts="$counts$(tshark -r "$tmp/size/vni-7.pcap" 2>/dev/null | wc -l)"
check "frames per file (tshark)" "3 3 3 1" "$counts"
check "no file over 400 bytes" "" \
    "$(find "$tmp/size" -type f -size +400c)"
checks $vx check-pcaps "$tmp/size.json" "$tmp/size"
check "summary: 3 rotations" 1 \
    "$(grep -c 'summary: vni 7: 10 frames, 1000 bytes, 3 rotations' \
        "$tmp/size.log")"

echo "== rotation by time: --rotate-seconds=1"
start time --dir="$tmp/time" --rotate-seconds=1 || fail "start failed"
$vx send "$PORT" "$tmp/time1.json" 9:2:60
wait_datagrams time 2
# Rotated after a second even though nothing else arrives.
sleep 1.5
check "rotated with no new frame: vni-9.pcap.1" 2 \
    "$($vx count "$tmp/time/vni-9.pcap.1" 2>/dev/null)"
check "vni-9.pcap restarted empty" 0 \
    "$($vx count "$tmp/time/vni-9.pcap" 2>/dev/null)"
$vx send "$PORT" "$tmp/time2.json" 9:1:60
wait_datagrams time 3
sleep 1.5
check "an idle empty file is not rotated" \
    "vni-9.pcap vni-9.pcap.1 vni-9.pcap.2" \
    "$(ls "$tmp/time" | sort | tr '\n' ' ' | sed 's/ $//')"
check "appctl rotate on an empty file keeps no file" 0 \
    "$(appctl -t "$tmp/time.ctl" rotate > /dev/null; \
       ls "$tmp/time" | grep -c 'pcap.3')"
stop time

echo "== a flood of malformed datagrams does not hurt"
start flood --dir="$tmp/flood" || fail "start failed"
python3 -c 'import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(2000):
    n = i % 40
    s.sendto(os.urandom(n) if i % 2 else bytes([i & 0xf7]) + os.urandom(n),
             ("127.0.0.1", int(sys.argv[1])))
    if i % 100 == 0:
        time.sleep(0.01)' "$PORT"
sleep 0.5
appctl -t "$tmp/flood.ctl" summary > "$tmp/flood.summary"
if kill -0 "$(cat "$tmp/flood.pid")" 2>/dev/null \
        && grep -q '^datagrams: ' "$tmp/flood.summary"; then
    pass "alive after 2000 random datagrams" \
        "($(sed -n 's/^malformed: //p' "$tmp/flood.summary") malformed)"
else
    fail "the collector died on random datagrams"
fi
stop flood

for report in "$tmp"/sanitizer.*; do
    [ -f "$report" ] || continue
    fail "sanitizer report from tmirror-collector:"
    sed 's/^/  /' "$report"
done

echo "collector: $passed passed, $failed failed"
[ "$failed" = 0 ]
