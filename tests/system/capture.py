#!/usr/bin/env python3
"""Prints one line per Ethernet frame received on an interface.

usage: capture.py IFNAME

  vxlan src=OUTER-SRC dst=OUTER-DST vni=VNI inner=INNER-FRAME-BYTES
  udp src=SRC dst=DST port=DST-PORT frame=FRAME-BYTES
  other type=0xETHERTYPE frame=FRAME-BYTES

A raw AF_PACKET socket sees every frame as it arrived, whatever its
addresses: a VXLAN packet whose outer source is not on the collector's
subnet, or a frame for an address that the namespace does not have, is
still seen.  Frames that the namespace itself sends are skipped.
"""

import ipaddress
import socket
import struct
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
VXLAN_PORT = 4789


def describe(frame):
    ethertype = struct.unpack('!H', frame[12:14])[0]
    l3 = frame[14:]
    if ethertype == 0x0800 and len(l3) >= 20:
        ihl = (l3[0] & 0x0f) * 4
        proto = l3[9]
        src = ipaddress.IPv4Address(l3[12:16])
        dst = ipaddress.IPv4Address(l3[16:20])
        l4 = l3[ihl:]
    elif ethertype == 0x86dd and len(l3) >= 40:
        proto = l3[6]
        src = ipaddress.IPv6Address(l3[8:24])
        dst = ipaddress.IPv6Address(l3[24:40])
        l4 = l3[40:]
    else:
        return 'other type=0x%04x frame=%d' % (ethertype, len(frame))

    if proto != 17 or len(l4) < 8:
        return 'other type=0x%04x proto=%d frame=%d' % (ethertype, proto,
                                                        len(frame))
    dport = struct.unpack('!H', l4[2:4])[0]
    if dport == VXLAN_PORT and len(l4) >= 16:
        vni = struct.unpack('!I', l4[12:16])[0] >> 8
        return 'vxlan src=%s dst=%s vni=%d inner=%d' % (src, dst, vni,
                                                        len(l4) - 16)
    return 'udp src=%s dst=%s port=%d frame=%d' % (src, dst, dport,
                                                   len(frame))


def main():
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETH_P_ALL))
    sock.bind((sys.argv[1], 0))
    print('listening', flush=True)
    while True:
        frame, addr = sock.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:
            continue
        print(describe(frame), flush=True)


if __name__ == '__main__':
    main()
