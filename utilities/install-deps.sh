#!/bin/sh
# Installs the Debian packages that building and testing tmirror need.
#
# Idempotent and quick when everything is already there: it asks dpkg which
# packages are missing and only then runs "apt-get update" (once) and
# "apt-get install".  Run as root; as another user it only reports what is
# missing, so that a non-root build fails with a clear message instead of a
# confusing compiler error later on.
set -e

# Build: OVS 3.1.0 from Debian's source package, our C code, the NB IDL.
# Tests: CUnit, clang's libFuzzer and sanitizer runtimes, and the tools
# the system tests and the demo use to send and capture real traffic (ip,
# ethtool, sysctl, nc, ping, tcpdump, and python3 for the raw-socket
# capture); curl for the API's shell tests; iperf3 and valgrind for the
# benchmarks; tshark to read the collector's pcap files back; man-db and
# groff-base to check the man pages; ruby and vagrant to check the lab's
# Vagrantfile (ruby -c, vagrant validate: Debian's vagrant, without a
# provider, validates the configuration only).  The metrics test also
# wants promtool ("promtool check metrics"), which only comes in Debian's
# prometheus package; installing that package would also start a
# Prometheus server wherever systemd runs, so the tool alone is extracted
# from it into build/tools (see the end of this script).
PACKAGES="
    openvswitch-source
    build-essential autoconf automake libtool pkg-config python3 patch
    libssl-dev libcap-ng-dev libevent-dev libcunit1-dev
    clang libclang-rt-14-dev
    iproute2 ethtool tcpdump netcat-openbsd procps iputils-ping curl
    iperf3 valgrind tshark man-db groff-base
    ruby vagrant
"

missing=
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

# The API tests run Huawei's Node.js SDK (tests/api, packages from npm).
# Debian 12's nodejs and npm do; a node that someone installed another way
# (with its own npm) does too, and its package would conflict with
# Debian's npm, so look for the commands rather than the packages.
if ! command -v node > /dev/null 2>&1; then
    missing="$missing nodejs"
fi
if ! command -v npm > /dev/null 2>&1; then
    missing="$missing npm"
fi

# promtool: from Debian's prometheus package, extracted, not installed.
PROMTOOL=${PROMTOOL:-build/tools/promtool}
need_promtool=
if [ ! -x "$PROMTOOL" ]; then
    need_promtool=yes
fi

if [ -z "$missing" ] && [ -z "$need_promtool" ]; then
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing Debian packages:$missing" \
        "${need_promtool:+(and $PROMTOOL, from prometheus)}" >&2
    echo "install-deps: run 'make' as root once, or install them by hand" >&2
    exit 1
fi

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # tshark's package asks whether non-root users may capture: they may not.
    echo "wireshark-common wireshark-common/install-setuid boolean false" \
        | debconf-set-selections
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi

if [ -n "$need_promtool" ]; then
    echo "install-deps: extracting promtool from Debian's prometheus package"
    tmp=$(mktemp -d)
    # apt-get download fetches as the _apt user, which must be able to
    # write there.
    chown _apt "$tmp" 2> /dev/null || true
    if [ -z "$missing" ]; then
        apt-get update -q
    fi
    (cd "$tmp" && apt-get download -q prometheus) &&
    dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root" &&
    install -D -m 0755 "$tmp/root/usr/bin/promtool" "$PROMTOOL"
    rc=$?
    rm -rf "$tmp"
    exit $rc
fi
