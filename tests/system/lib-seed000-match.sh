# Helpers for the system tests of seed 000's matching examples (Table 2,
# session priority, rule priority): one hypervisor with br-int, the
# northbound database and the controller, "VMs" registered as NB ports,
# and crafted frames counted at the targets.  Sourced after lib.sh.

# m0_start: the hypervisor (br-int with 192.168.0.1/24 on LOCAL), the
# northbound database and the controller, running.
m0_start() {
    st_start && st_brint && st_nb_start && st_controller_start
}

# m0_vm VAR NAME MAC IP PORT-ID: a VM (see st_vm) that is also an NB port
# with that MAC and address, so that br-int delivers frames for MAC to it.
m0_vm() {
    st_vm "$1" "$2" "$3" "$4" "$5" || return 1
    tmctl port-add "$5" name="$2" mac_address="$3" fixed_ips="$4" \
        > /dev/null
}

# m0_count FILE PATTERN: how many lines of FILE match PATTERN (grep -c
# prints 0 but fails when none do; this only prints).
m0_count() {
    grep -c -e "$2" "$1"
}
