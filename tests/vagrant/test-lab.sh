#!/bin/sh
# The Vagrant lab (vagrant/), as far as it can be checked without virtual
# machines:
#
# 1. The Vagrantfile: "ruby -c", "vagrant validate" where Vagrant is
#    installed, and what it configures, read by loading it with a stand-in
#    for Vagrant (vagrantfile-dump.rb): the three machines on Debian 12, the
#    source tree synced, each provisioner a script that exists with
#    arguments that provision.sh accepts, hv1's provisioning ending with
#    the two-hypervisor system test, the provisioners that lab-check.sh
#    calls, and the addresses: the machines' own, and provision.sh's
#    defaults.  provision.sh's refusals of bad arguments.
# 2. As root: the provisioning itself, with the Vagrantfile's addresses, in
#    network namespaces: "collector", "hv1" and "hv2" stand for the VMs,
#    with a management and a provider network (two bridges in a fourth
#    namespace) as Vagrant's private networks.  Each role's steps run in
#    its namespace, in the Vagrantfile's order, as Vagrant runs them except
#    for deps and build (make check built the tree), with make install into
#    a DESTDIR of its own, the installed units' ExecStart lines run without
#    systemd, and every directory the test's own.  Then: the daemons are
#    the installed ones and the database lists both hypervisors; a second
#    provisioning of hv2 changes nothing; lab-check.sh's traffic between
#    the VMs is mirrored to the collector and read back from its pcap with
#    tshark; the check fails for traffic that was never sent; hv1 runs the
#    two-hypervisor system test; and "stop" stops every daemon.
#
# usage: test-lab.sh TOP   (OVS_SRC: the OVS build tree; MAKE: make)
#
# Without root, part 2 is skipped (SKIP line).  Everything part 2 creates
# is undone on exit, whatever the exit path: the daemons are killed by the
# pids in their pid files, the namespaces (named after this test's pid) are
# deleted, and the directory is removed.  Traffic stays in them.  Prints
# "ok:"/"FAIL:" lines and ends with "vagrant: N passed, N failed".
set -u

TOP=$(cd "${1:?usage: test-lab.sh TOP}" && pwd)
OVS_SRC=${OVS_SRC:-$TOP/build/ovs}
MAKE=${MAKE:-make}
LAB=$TOP/vagrant
PROVISION=$LAB/provision.sh
unset MAKEFLAGS MFLAGS
# The caller's lab settings must not leak into the steps.
for v in $(env | sed -n 's/^\(TM_LAB_[A-Z0-9_]*\)=.*/\1/p'); do
    unset "$v"
done

passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() {
    if [ "$2" = "$3" ]; then
        ok "$1: $3"
    else
        fail "$1: expected $2, got $3"
    fi
}
finish() {
    echo "vagrant: $passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tmirror-vagrant.XXXXXX")
P=tmlab$$
cleanup() {
    trap '' INT TERM HUP PIPE
    trap - EXIT
    kill_all
    sleep 0.5
    for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
        case $ns in
        "$P"-*) ip netns del "$ns" ;;
        esac
    done
    rm -rf "$tmp"
}
# kill_all: whatever still runs of what the steps started, by the pids in
# their pid files.
kill_all() {
    find "$tmp" -name '*.pid' -type f 2>/dev/null | while read -r f; do
        kill "$(cat "$f")" 2>/dev/null
    done
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

# refused WHAT MESSAGE COMMAND...: COMMAND must fail, saying MESSAGE.
refused() {
    local what=$1 message=$2 out
    shift 2
    if out=$("$@" 2>&1); then
        fail "$what: accepted"
    elif echo "$out" | grep -qF -- "$message"; then
        ok "$what: refused ($message)"
    else
        fail "$what: refused, but saying: $out"
    fi
}

echo "== the Vagrantfile"
if ! command -v ruby > /dev/null 2>&1; then
    fail "ruby is missing (utilities/install-deps.sh installs it)"
    finish
fi
if out=$(ruby -c "$LAB/Vagrantfile" 2>&1); then
    ok "ruby -c Vagrantfile: $out"
else
    fail "ruby -c Vagrantfile: $out"
fi
# The syntax check must itself catch a broken file.
printf 'Vagrant.configure("2") do |config|\n  config.vm.box = "x"\n' \
    > "$tmp/Broken"
if ruby -c "$tmp/Broken" > /dev/null 2>&1; then
    fail "ruby -c passes a Vagrantfile with an unclosed block"
else
    ok "ruby -c catches a Vagrantfile with an unclosed block"
fi

if command -v vagrant > /dev/null 2>&1; then
    # Vagrant's own files in this test's directory; no version check on
    # the network.  -p (--ignore-provider): no provider is installed.
    vagrant_validate() {
        (cd "$1" && VAGRANT_HOME=$tmp/vagrant.d \
            VAGRANT_DOTFILE_PATH=$tmp/vagrant-dot \
            VAGRANT_CHECKPOINT_DISABLE=1 vagrant validate -p 2>&1)
    }
    if out=$(vagrant_validate "$LAB"); then
        ok "vagrant validate: $(echo "$out" | tail -n 1)"
    else
        fail "vagrant validate:"
        echo "$out" | sed 's/^/  /'
    fi
    # Away from provision.sh, the same file must fail.
    mkdir "$tmp/elsewhere" && cp "$LAB/Vagrantfile" "$tmp/elsewhere/"
    if out=$(vagrant_validate "$tmp/elsewhere"); then
        fail "vagrant validate passes a Vagrantfile whose provisioning" \
            "script is missing"
    elif echo "$out" | grep -q 'provision.sh'; then
        ok "vagrant validate catches a missing provisioning script"
    else
        fail "vagrant validate fails without naming provision.sh: $out"
    fi
else
    echo "skip: vagrant is not installed: vagrant validate not run"
fi

dump=$tmp/dump
if ruby "$TOP/tests/vagrant/vagrantfile-dump.rb" "$LAB/Vagrantfile" \
        > "$dump" 2> "$tmp/dump.err"; then
    ok "vagrantfile-dump.rb loads the Vagrantfile"
else
    fail "vagrantfile-dump.rb:"
    sed 's/^/  /' "$tmp/dump.err"
    finish
fi
# The stand-in must refuse what Vagrant would: a misspelt option.
printf '%s\n' 'Vagrant.configure("2") do |config|' \
    '  config.vm.define "m" do |m|' \
    '    m.vm.provision "p", type: "shell", pth: "provision.sh"' \
    '  end' 'end' > "$tmp/Misspelt"
refused "vagrantfile-dump.rb: a misspelt provisioner option" \
    "unknown options pth" \
    ruby "$TOP/tests/vagrant/vagrantfile-dump.rb" "$tmp/Misspelt"

# The facts of one machine: fact MACHINE WHAT.
fact() {
    sed -n "s/^$1 $2 //p" "$dump"
}

machines=$(sed -n 's/^machine //p' "$dump")
check "machines" "collector hv1 hv2" \
    "$(echo "$machines" | sort | tr '\n' ' ' | sed 's/ $//')"
for m in $machines; do
    check "$m: box" "debian/bookworm64" "$(fact "$m" box)"
    check "$m: the source tree synced to /vagrant" "$TOP /vagrant rsync" \
        "$(fact "$m" synced)"
    check "$m: its first provisioner" "lab shell provision.sh once $m" \
        "$(fact "$m" provision | head -n 1)"
    fact "$m" provision > "$tmp/provisioners"
    while read -r name type path _run args; do
        if [ "$type" != shell ] || [ ! -f "$LAB/$path" ]; then
            fail "$m: provisioner $name: $type $path is not a shell script" \
                "in vagrant/"
        elif out=$(sh "$PROVISION" --check $args 2>&1); then
            ok "$m: provisioner $name: provision.sh $args"
        else
            fail "$m: provisioner $name: $out"
        fi
        case $args in
        "$m"|"$m "*) ;;
        *) fail "$m: provisioner $name runs role ${args%% *}" ;;
        esac
    done < "$tmp/provisioners"
    check "$m: every provisioner has TM_LAB_SRC=/vagrant" \
        "$(grep -c . "$tmp/provisioners")" \
        "$(fact "$m" env | grep -c ' TM_LAB_SRC=/vagrant$')"
done
check "hv1's provisioning ends with the two-hypervisor system test" \
    "system-test shell provision.sh once hv1 system-test" \
    "$(fact hv1 provision | awk '$4 == "once"' | tail -n 1)"
# The steps lab-check.sh runs on each machine, as on-demand provisioners.
calls=$(sed -n 's/^on \([a-z0-9]*\) \([a-z-]*\) .*/\1 \2/p' \
    "$LAB/lab-check.sh")
[ -n "$calls" ] || fail "found no steps in lab-check.sh"
echo "$calls" | while read -r m step; do
    if fact "$m" provision \
            | grep -qx "$step shell provision.sh never $m $step"; then
        echo "ok: lab-check.sh's $step on $m is a provisioner of $m"
    else
        echo "FAIL: $m has no on-demand provisioner \"$step\" for lab-check.sh"
    fi
done > "$tmp/calls"
cat "$tmp/calls"
passed=$((passed + $(grep -c '^ok:' "$tmp/calls")))
failed=$((failed + $(grep -c '^FAIL:' "$tmp/calls")))

# The addresses: one set, for every provisioner, equal to provision.sh's
# defaults; and the machines have them.
fact hv1 env | sed -n 's/^lab //p' > "$tmp/lab.env"
check "every provisioner gets the same environment" 1 \
    "$(fact '[a-z0-9]*' env | sed 's/^[^ ]* //' | sort | uniq -c \
        | awk '{ print $1 }' | sort -u | grep -c .)"
sh "$PROVISION" --env > "$tmp/defaults.env"
while IFS= read -r line; do
    check "provision.sh's default ${line%%=*} is the Vagrantfile's" \
        "$line" "$(grep "^${line%%=*}=" "$tmp/lab.env")"
done < "$tmp/defaults.env"
get() { sed -n "s/^$1=//p" "$tmp/lab.env"; }
NB_IP=$(get TM_LAB_NB_IP)
PREFIXLEN=$(get TM_LAB_PREFIXLEN)
for pair in collector:TM_LAB_NB_IP collector:TM_LAB_COLLECTOR_IP \
            hv1:TM_LAB_HV1_IP hv2:TM_LAB_HV2_IP; do
    m=${pair%%:*} ip=$(get "${pair#*:}")
    check "$m has ${pair#*:}" 1 \
        "$(fact "$m" network | grep -cx "private_network $ip")"
done

echo "== provision.sh's refusals"
# The steps named here only read, so that a refusal that failed would
# change nothing on this machine.
refused "an unknown role" "unknown role 'hv3'" sh "$PROVISION" hv3
refused "a step of another role" "role hv2 has no step 'session'" \
    sh "$PROVISION" hv2 session
refused "a token that would not fit a copy" "longer than 16 characters" \
    env TM_LAB_TOKEN=0123456789abcdef0 sh "$PROVISION" hv2 send
refused "a token with a space" "letters and digits only" \
    env TM_LAB_TOKEN="a b" sh "$PROVISION" hv2 send
refused "systemd with a directory the units do not name" \
    "TM_LAB_STATEDIR=$tmp/x: with TM_LAB_SYSTEMD=1 it must be" \
    env TM_LAB_SYSTEMD=1 TM_LAB_STATEDIR="$tmp/x" sh "$PROVISION" hv1 \
        received
refused "systemd with a DESTDIR" "systemd can't run units installed" \
    env TM_LAB_SYSTEMD=1 TM_LAB_DESTDIR="$tmp/x" sh "$PROVISION" hv1 \
        received
refused "a tree that is not tmirror's" "is not the tmirror source tree" \
    env TM_LAB_SRC="$tmp" sh "$PROVISION" hv1 received

if [ "$(id -u)" != 0 ]; then
    echo "SKIP: provisioning in network namespaces needs root"
    finish
fi

echo "== the lab in network namespaces"
# A namespace per VM, and "lan" with the two networks' bridges.
setup_networks() {
    ip netns add "$P-lan" || return 1
    ip -n "$P-lan" link set lo up
    for br in br-mgmt br-prov; do
        ip -n "$P-lan" link add "$br" type bridge &&
        ip -n "$P-lan" link set "$br" up || return 1
    done
    for m in $machines; do
        ip netns add "$P-$m" && ip -n "$P-$m" link set lo up || return 1
        # The management network (eth1) and the provider network (eth2),
        # in the order of the Vagrantfile's private networks.
        set -- $(fact "$m" network | awk '{ print $2 }')
        ip link add "m-$m" netns "$P-lan" type veth \
            peer name eth1 netns "$P-$m" &&
        ip link add "p-$m" netns "$P-lan" type veth \
            peer name eth2 netns "$P-$m" &&
        ip -n "$P-lan" link set "m-$m" master br-mgmt up &&
        ip -n "$P-lan" link set "p-$m" master br-prov up &&
        ip -n "$P-$m" addr add "$1/24" dev eth1 &&
        ip -n "$P-$m" addr add "$2/$PREFIXLEN" dev eth2 &&
        ip -n "$P-$m" link set eth1 up &&
        ip -n "$P-$m" link set eth2 up || return 1
    done
}
if setup_networks; then
    ok "namespaces: $(echo $machines) and the two networks"
else
    fail "could not create the namespaces"
    finish
fi

# $tmp/on ROLE STEP...: provision.sh in ROLE's namespace, with this test's
# directories and the Vagrantfile's addresses (what lab-check.sh calls as
# TM_LAB_ON).  nsenter rather than "ip netns exec", which would give it a
# mount namespace of its own: the namespaces that the vm step creates would
# then vanish with it.
{
    echo '#!/bin/sh'
    echo 'role=$1'
    echo 'shift'
    echo "d=$tmp/\$role"
    echo "exec nsenter --net=/run/netns/$P-\$role env TM_LAB_SYSTEMD=0 \\"
    echo "    TM_LAB_SRC=$TOP TM_LAB_OVS=$OVS_SRC MAKE=\"$MAKE\" \\"
    echo "    TM_LAB_PREFIX=/usr/local TM_LAB_DESTDIR=\$d/dest \\"
    echo "    TM_LAB_ETC=\$d/etc TM_LAB_OVS_RUNDIR=\$d/ovs \\"
    echo "    TM_LAB_OVS_DBDIR=\$d/ovs TM_LAB_OVS_LOGDIR=\$d/ovs \\"
    echo "    TM_LAB_RUNDIR=\$d/run TM_LAB_STATEDIR=\$d/lib \\"
    echo "    TM_LAB_LOGDIR=\$d/log TM_LAB_NS_PREFIX=$P-\$role \\"
    echo "    TM_LAB_WAIT=60 TM_LAB_SKIP='deps build' \\"
    echo "    $(grep -v '^TM_LAB_SRC=\|^TM_LAB_SYSTEMD=\|^TM_LAB_TOKEN=' \
        "$tmp/lab.env" | tr '\n' ' ')\\"
    echo "    sh $PROVISION \"\$role\" \"\$@\""
} > "$tmp/on"
chmod +x "$tmp/on"
ON=$tmp/on

# counted LOG COMMAND...: runs COMMAND with its output in LOG, shows and
# counts its "ok:"/"FAIL:" lines; if it fails, shows the end of LOG, and
# counts a failure if it printed none.
counted() {
    local log=$1 rc f
    shift
    "$@" > "$log" 2>&1
    rc=$?
    grep -E '^(ok|FAIL):' "$log"
    f=$(grep -c '^FAIL:' "$log")
    passed=$((passed + $(grep -c '^ok:' "$log")))
    failed=$((failed + f))
    if [ "$rc" != 0 ]; then
        [ "$f" != 0 ] || fail "$* exited $rc"
        tail -n 25 "$log" | sed 's/^/  | /'
    fi
    return $rc
}

# The VMs in the Vagrantfile's order: the collector (database) first.
for m in $machines; do
    counted "$tmp/$m.log" "$ON" "$m" || finish
done

# What runs is what make install installed, started by the units' lines.
for m in hv1 hv2; do
    pid=$(cat "$tmp/$m/run/tmirror-controller.unit.pid" 2>/dev/null)
    check "$m: the controller runs from the unit's ExecStart" \
        "$tmp/$m/dest/usr/local/sbin/tmirror-controller --pidfile" \
        "$(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" \
            | awk '{ print $1, $2 }')"
    check "$m: the controller's options from default/tmirror" \
        "--name=$m --uplink=eth2" \
        "$(tr '\0' '\n' 2>/dev/null < "/proc/$pid/cmdline" \
            | grep -e '^--name=' -e '^--uplink=' | tr '\n' ' ' \
            | sed 's/ $//')"
    check "$m: br-int has the address, not eth2" \
        "br-int $(get "TM_LAB_$(echo "$m" | tr a-z A-Z)_IP")/$PREFIXLEN" \
        "$(ip -n "$P-$m" -o -4 addr show | awk '$2 != "lo" && $2 != "eth1" \
            { print $2, $4 }')"
done
pid=$(cat "$tmp/collector/lib/tmirror_nb.pid" 2>/dev/null)
check "collector: the database's remotes, the unit's and default/tmirror's" \
    "punix:$tmp/collector/run/tmirror_nb.sock ptcp:6641:$NB_IP" \
    "$(tr '\0' '\n' 2>/dev/null < "/proc/$pid/cmdline" \
        | sed -n 's/^--remote=//p' | grep -v "^punix:$tmp/collector/lib/" \
        | tr '\n' ' ' | sed 's/ $//')"
tmctl() {
    ip netns exec "$P-collector" \
        "$tmp/collector/dest/usr/local/bin/tmirror-ctl" \
        --db="tcp:$NB_IP:6641" --timeout=10 "$@"
}
cfg=$(tmctl show | sed -n 's/^nb_cfg=\([0-9]*\),.*/\1/p')
check "hv-list" "hypervisor hv1: applied nb_cfg=$cfg, mode=patched,\
 sources=port-source; hypervisor hv2: applied nb_cfg=$cfg, mode=patched" \
    "$(tmctl hv-list | sort | sed ':a;N;s/\n/; /;ba')"

# running PROGRAM: how many processes run PROGRAM.
running() {
    for f in /proc/[0-9]*/cmdline; do
        tr '\0' '\n' 2>/dev/null < "$f" | head -n 1
    done | grep -cx "$1"
}

# Provisioning again changes nothing.
vsctl_hv2() {
    "$OVS_SRC/utilities/ovs-vsctl" --db="unix:$tmp/hv2/ovs/db.sock" \
        --timeout=10 "$@"
}
counted "$tmp/hv2-again.log" "$ON" hv2
check "hv2 provisioned again: br-int's ports" "eth2 tap-test tm-vxlan" \
    "$(vsctl_hv2 list-ports br-int | tr '\n' ' ' | sed 's/ $//')"
check "hv2 provisioned again: the database's ports" \
    "port-collector port-source port-test" \
    "$(tmctl port-list | awk '{ print $2 }' | sort | tr '\n' ' ' \
        | sed 's/ $//')"
check "hv2 provisioned again: default/tmirror's lines" \
    "PATH TMIRROR_CONTROLLER_OPTS TMIRROR_NB_DB TMIRROR_SCHEMA" \
    "$(sed -n 's/^\([A-Z_]*\)=.*/\1/p' "$tmp/hv2/etc/default/tmirror" \
        | sort | tr '\n' ' ' | sed 's/ $//')"
check "hv2 provisioned again: one controller" 1 \
    "$(running "$tmp/hv2/dest/usr/local/sbin/tmirror-controller")"

echo "== lab-check.sh"
counted "$tmp/lab-check.log" env TM_LAB_ON="$ON" sh "$LAB/lab-check.sh"
# The check must be able to fail: the copies of traffic never sent.
if TM_LAB_TOKEN=neversent "$ON" collector verify > "$tmp/never.log" 2>&1
then
    fail "verify passes for a token that was never sent"
    sed 's/^/  | /' "$tmp/never.log"
else
    check "verify for a token never sent: its segments' checks failed" 3 \
        "$(grep -c '^FAIL: collector: the .*segment' "$tmp/never.log")"
fi

echo "== hv1: the two-hypervisor system test"
counted "$tmp/system-test.log" "$ON" hv1 system-test
grep 'passed, [0-9]* failed$' "$tmp/system-test.log" | sed 's/^/  /'

echo "== stop"
pids=$(find "$tmp" -name '*.pid' -type f -exec cat {} + | sort -u)
for m in $machines; do
    counted "$tmp/$m-stop.log" "$ON" "$m" stop
done
left=0
for pid in $pids; do
    kill -0 "$pid" 2>/dev/null && left=$((left + 1))
done
check "daemons left running of the $(echo $pids | wc -w) started" 0 "$left"
check "VMs' namespaces left" 0 \
    "$(ip netns list | awk '{ print $1 }' | grep -c -e "^$P-hv.-")"

finish
