# Helpers shared by the scenario tests of issue 6 (test-directions.sh,
# test-truncation.sh, test-live-changes.sh, test-acl-hook.sh): a
# hypervisor whose VMs are all on 192.168.0.0/24 and registered in the
# northbound database, probes of crafted UDP frames between them, and a
# summary of the mirror copies each probe produced.  Sourced after lib.sh.
#
# A VM is known by a two-digit number N: namespace $TP_NS_N, OpenFlow port
# N, MAC fa:16:3e:00:00:N, address 192.168.0.N, and everything its eth0
# receives is captured into $ST_DIR/vmN.cap from the start.

# tp_setup [CONTROLLER-OPTION...]: the hypervisor (br-int, 192.168.0.1 on
# its LOCAL port), the northbound database and the controller.
tp_setup() {
    st_start && st_brint && st_nb_start && st_controller_start "$@"
}

tp_mac() { echo "fa:16:3e:00:00:$1"; }
tp_ip() { echo "192.168.0.$1"; }
tp_ns() { eval "echo \$TP_NS_$1"; }

# tp_vm N NAME PORT-ID: VM N in namespace NAME, bound to PORT-ID, which is
# registered in the northbound database with the VM's MAC and address (the
# forwarding pipeline delivers only to registered MACs).
tp_vm() {
    local n=$1 name=$2 port=$3
    st_vm "TP_NS_$n" "$name" "$(tp_mac "$n")" "$(tp_ip "$n")" "$port" \
        "$n" &&
    tmctl port-add "$port" name="$name" mac_address="$(tp_mac "$n")" \
        fixed_ips="$(tp_ip "$n")" > /dev/null &&
    st_capture "$(tp_ns "$n")" "$ST_DIR/vm$n.cap"
}

# tp_send FROM TO DPORT COUNT [SEND-OPTION...]: VM FROM sends COUNT UDP
# frames (send.py, 20 ms apart, source port 40000) to VM TO's MAC and
# address, destination port DPORT.
tp_send() {
    local from=$1 to=$2 dport=$3 count=$4
    shift 4
    st_frame "$(tp_ns "$from")" "$(tp_mac "$to")" "$(tp_ip "$from")" \
        "$(tp_ip "$to")" udp --dport "$dport" --count "$count" "$@"
}

# tp_delivered TO DPORT N: waits (up to 5 s) until VM TO has received N
# UDP frames for DPORT, and prints how many it received.
tp_delivered() {
    st_wait_lines "$ST_DIR/vm$1.cap" "^udp src=[^ ]* dst=$(tp_ip "$1") \
port=$2 " "$3"
}

# tp_probe FROM TO DPORT COUNT [SEND-OPTION...]: tp_send, then waits until
# TO has received them all and prints how many it did.  A copy leaves in
# the same pass through the switch as the frame it copies, so once the
# frames are delivered, their copies are there too or (after the settling
# time of st_wait_lines) never will be.
tp_probe() {
    local to=$2 dport=$3 count=$4
    tp_send "$@" &&
    tp_delivered "$to" "$dport" "$count"
}

# tp_copies AT DPORT [N]: the VXLAN copies of frames for DPORT that VM AT
# has received (after waiting up to 5 s for N of them; default 0: no
# waiting beyond the settling time), summed up by outer addresses, VNI and
# inner frame length: "COUNT src=OUTER-SRC dst=OUTER-DST vni=VNI
# inner=BYTES", one group per kind, joined by "; ", or "none".
tp_copies() {
    local file=$ST_DIR/vm$1.cap re
    re="^vxlan .*>[^ ]*:$2 payload="
    st_wait_lines "$file" "$re" "${3:-0}" > /dev/null
    grep -e "$re" "$file" \
        | sed 's/^vxlan \(src=[^ ]* dst=[^ ]* vni=[^ ]* inner=[^ ]*\).*/\1/' \
        | sort | uniq -c | sed 's/^ *//' | paste -sd ';' - \
        | sed 's/;/; /g; s/^$/none/'
}

# tp_check WHAT AT DPORT EXPECTED: checks that tp_copies AT DPORT is
# EXPECTED (made of tp_copy's, joined by "; ", or "none"), after waiting
# for as many copies as EXPECTED counts.
tp_check() {
    local n
    n=$(echo "$4" | tr ';' '\n' | awk '{ n += $1 } END { print n + 0 }')
    st_check "$1" "$4" "$(tp_copies "$2" "$3" "$n")"
}

# tp_outer SOURCE: the outer source address of VM SOURCE's copies.
tp_outer() {
    st_outer_src "$(tp_ip "$1")"
}

# tp_copy COUNT SOURCE TARGET VNI INNER: what tp_copies prints for COUNT
# copies of SOURCE's traffic to VM TARGET.
tp_copy() {
    echo "$1 src=$(tp_outer "$2") dst=$(tp_ip "$3") vni=$4 inner=$5"
}
