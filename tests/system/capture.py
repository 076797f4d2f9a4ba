#!/usr/bin/env python3
"""Prints one line per Ethernet frame received on an interface.

usage: capture.py IFNAME
       capture.py --pcap FILE     (frames of a tcpdump -w file)

  vxlan src=OUTER-SRC dst=OUTER-DST vni=VNI inner=INNER-FRAME-BYTES [TCP]
  udp src=SRC dst=DST port=DST-PORT frame=FRAME-BYTES
  other type=0xETHERTYPE frame=FRAME-BYTES

A raw AF_PACKET socket sees every frame as it arrived, whatever its
addresses: a VXLAN packet whose outer source is not on the collector's
subnet, or a frame for an address that the namespace does not have, is
still seen.  Frames that the namespace itself sends are skipped.

TCP, for a VXLAN packet whose inner frame is IPv4 TCP, is
"tcp=SRC:SPORT>DST:DPORT payload=HEX", the payload bytes that the
(possibly truncated) inner frame carries.
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
        return 'vxlan src=%s dst=%s vni=%d inner=%d%s' % (
            src, dst, vni, len(l4) - 16, describe_inner_tcp(l4[16:]))
    return 'udp src=%s dst=%s port=%d frame=%d' % (src, dst, dport,
                                                   len(frame))


def describe_inner_tcp(frame):
    if len(frame) < 34 or struct.unpack('!H', frame[12:14])[0] != 0x0800:
        return ''
    ip = frame[14:]
    ihl = (ip[0] & 0x0f) * 4
    if ip[9] != 6 or len(ip) < ihl + 20:
        return ''
    tcp = ip[ihl:]
    sport, dport = struct.unpack('!HH', tcp[0:4])
    payload = tcp[(tcp[12] >> 4) * 4:]
    return ' tcp=%s:%d>%s:%d payload=%s' % (
        ipaddress.IPv4Address(ip[12:16]), sport,
        ipaddress.IPv4Address(ip[16:20]), dport, payload.hex())


def read_pcap(name):
    with open(name, 'rb') as f:
        header = f.read(24)
        if len(header) < 24:
            return
        endian = '<' if header[:4] == b'\xd4\xc3\xb2\xa1' else '>'
        while True:
            record = f.read(16)
            if len(record) < 16:
                return
            caplen = struct.unpack(endian + 'IIII', record)[2]
            yield f.read(caplen)


def main():
    if sys.argv[1] == '--pcap':
        for frame in read_pcap(sys.argv[2]):
            print(describe(frame))
        return
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
