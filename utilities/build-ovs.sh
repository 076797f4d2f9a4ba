#!/bin/sh
# Unpacks Debian's Open vSwitch source, applies our patches in order,
# configures and builds it.
#
# usage: build-ovs.sh TARBALL DEST-DIR PATCH...
set -e

tarball=$1 dest=$2
shift 2

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
