#!/bin/sh
# Unpacks Debian's Open vSwitch source, applies our patches in order,
# configures and builds it, and records which system libraries
# libopenvswitch needs (for linking our programs against it).
#
# usage: build-ovs.sh TARBALL DEST-DIR LIBS-MK PATCH...
set -e

tarball=$1 dest=$2 libs_mk=$3
shift 3

parent=$(dirname "$dest")
rm -rf "$dest" "$parent/openvswitch"
mkdir -p "$parent"
tar -xzf "$tarball" -C "$parent"
mv "$parent/openvswitch" "$dest"

for patch in "$@"; do
    echo "build-ovs: applying $patch"
    patch -p1 -s -d "$dest" < "$patch"
done

cd "$dest"
echo "build-ovs: configuring in $dest (log: $dest/configure.out)"
./configure -q --enable-silent-rules CFLAGS="-g -O2" > configure.out
${MAKE:-make}

# libtool knows what libopenvswitch links with; keep the -l flags.
libs=$(sed -n "s/^dependency_libs='\(.*\)'/\1/p" lib/libopenvswitch.la \
       | tr ' ' '\n' | grep -- '^-l' | tr '\n' ' ')
cd - > /dev/null
echo "OVS_LIBS := $libs" > "$libs_mk"
