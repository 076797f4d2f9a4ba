#!/bin/sh
# --wait=hv: a write returns only when every hypervisor has reported the
# write's nb_cfg as applied (Hypervisor.nb_cfg, which each controller
# writes back), as ovn-nbctl --wait=hv does.  The hypervisors here are
# rows written with the OVSDB protocol, as a controller writes them.
. "$(dirname "$0")/lib.sh"

nb_init
nb_start

hv_set() {    # NAME NB_CFG: the hypervisor reports NB_CFG as applied
    "$OVSDB_CLIENT" --timeout=10 transact "$TMIRROR_NB_DB" \
        '["TMirror_Northbound", {"op": "update", "table": "Hypervisor",
          "where": [["name", "==", "'"$1"'"]], "row": {"nb_cfg": '"$2"'}}]' \
        > /dev/null
}

nb_cfg() {
    ctl --format=json show | python3 -c 'import json, sys
print(json.load(sys.stdin)["nb_cfg"])'
}

# Without hypervisors, --wait=hv has nothing to wait for.
expect_ok ctl --wait=hv init
expect_ok ctl --wait=hv port-add p1 fixed_ips=10.0.0.1

"$OVSDB_CLIENT" --timeout=10 transact "$TMIRROR_NB_DB" \
    '["TMirror_Northbound",
      {"op": "insert", "table": "Hypervisor",
       "row": {"name": "hv1", "nb_cfg": 0, "mode": "patched"}},
      {"op": "insert", "table": "Hypervisor",
       "row": {"name": "hv2", "nb_cfg": 0, "mode": "stock"}}]' > /dev/null
before=$(nb_cfg)
target=$((before + 1))

# The write commits at once but the command waits for both hypervisors.
ctl --wait=hv port-add p2 fixed_ips=10.0.0.2 > "$NB_DIR/wait.out" 2>&1 &
waiter=$!
for _ in $(seq 1 50); do
    [ "$(nb_cfg)" = "$target" ] && break
    sleep 0.1
done
expect_eq "committed before the hypervisors applied it" "$(nb_cfg)" "$target"
hv_set hv1 "$target"
sleep 0.5
if kill -0 "$waiter" 2>/dev/null; then
    nb_pass "still waiting while hv2 is behind"
else
    nb_fail "returned before hv2 applied nb_cfg $target"
fi
hv_set hv2 "$target"
returned=false
for _ in $(seq 1 50); do
    if ! kill -0 "$waiter" 2>/dev/null; then
        returned=true
        break
    fi
    sleep 0.1
done
if $returned && wait "$waiter"; then
    nb_pass "returned once every hypervisor applied it"
else
    nb_fail "did not return after every hypervisor applied it"
    kill "$waiter" 2>/dev/null
fi

# A hypervisor that never catches up: a precise timeout, naming it, and
# the write itself stays committed (the wait is about application).
hv_set hv1 1000
if ctl --wait=hv --timeout=1 port-add p3 > "$NB_DIR/out" 2>&1; then
    nb_fail "--wait=hv returned although hv2 is behind"
else
    if grep -q 'hypervisor "hv2" is at' "$NB_DIR/out"; then
        nb_pass "timeout names the hypervisor behind"
    else
        nb_fail "timeout message: $(cat "$NB_DIR/out")"
    fi
fi
expect_ok ctl port-list
case $OUT in
*"port p3"*) nb_pass "the write committed anyway" ;;
*) nb_fail "p3 missing: $OUT" ;;
esac

# hv-list shows what each hypervisor reported.
expect_ok ctl hv-list
case $OUT in
*"hypervisor hv1: applied nb_cfg=1000, mode=patched"*"hypervisor hv2: applied nb_cfg=$target, mode=stock"*|\
*"hypervisor hv2: applied nb_cfg=$target, mode=stock"*"hypervisor hv1: applied nb_cfg=1000, mode=patched"*)
    nb_pass "hv-list" ;;
*) nb_fail "hv-list: $OUT" ;;
esac

nb_finish
