#!/usr/bin/env python3
"""Prints one line per Ethernet frame received on an interface.

usage: capture.py IFNAME
       capture.py --pcap FILE     (frames of a tcpdump -w file)

  vxlan src=OUTER-SRC dst=OUTER-DST vni=VNI inner=INNER-FRAME-BYTES [INNER]
  udp src=SRC dst=DST port=DST-PORT frame=FRAME-BYTES
  tcp src=SRC dst=DST port=DST-PORT frame=FRAME-BYTES
  other type=0xETHERTYPE [proto=N] frame=FRAME-BYTES

A raw AF_PACKET socket sees every frame as it arrived, whatever its
addresses: a VXLAN packet whose outer source is not on the collector's
subnet, or a frame for an address that the namespace does not have, is
still seen.  Frames that the namespace itself sends are skipped.

INNER describes an inner IP frame: "tcp=SRC:SPORT>DST:DPORT payload=HEX"
(or udp=; IPv6 endpoints are [ADDR]:PORT), with the payload bytes that the
(possibly truncated) inner frame carries; "icmp=SRC>DST type=N" (or
icmp6=); "ip=SRC>DST proto=N" for anything else.
"""

import ipaddress
import socket
import struct
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
VXLAN_PORT = 4789


def l3_l4(frame):
    """(version, proto, src, dst, layer-4 bytes) of an IP frame, or None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack('!H', frame[12:14])[0]
    l3 = frame[14:]
    if ethertype == 0x0800 and len(l3) >= 20:
        ihl = (l3[0] & 0x0f) * 4
        return (4, l3[9], ipaddress.IPv4Address(l3[12:16]),
                ipaddress.IPv4Address(l3[16:20]), l3[ihl:])
    if ethertype == 0x86dd and len(l3) >= 40:
        return (6, l3[6], ipaddress.IPv6Address(l3[8:24]),
                ipaddress.IPv6Address(l3[24:40]), l3[40:])
    return None


def endpoint(version, addr, port):
    return ('%s:%d' if version == 4 else '[%s]:%d') % (addr, port)


def describe_inner(frame):
    """' PROTO=SRC>DST ...' for the inner frame of a VXLAN packet."""
    ip = l3_l4(frame)
    if not ip:
        return ''
    version, proto, src, dst, l4 = ip
    if proto in (6, 17) and len(l4) >= 8:
        sport, dport = struct.unpack('!HH', l4[0:4])
        if proto == 6:
            hlen = (l4[12] >> 4) * 4 if len(l4) >= 13 else len(l4)
        else:
            hlen = 8
        return ' %s=%s>%s payload=%s' % (
            'tcp' if proto == 6 else 'udp', endpoint(version, src, sport),
            endpoint(version, dst, dport), l4[hlen:].hex())
    if proto in (1, 58) and len(l4) >= 1:
        return ' %s=%s>%s type=%d' % ('icmp' if proto == 1 else 'icmp6',
                                      src, dst, l4[0])
    return ' ip=%s>%s proto=%d' % (src, dst, proto)


def describe(frame):
    ip = l3_l4(frame)
    if not ip:
        ethertype = struct.unpack('!H', frame[12:14])[0]
        return 'other type=0x%04x frame=%d' % (ethertype, len(frame))
    version, proto, src, dst, l4 = ip

    if proto == 17 and len(l4) >= 8:
        dport = struct.unpack('!H', l4[2:4])[0]
        if dport == VXLAN_PORT and len(l4) >= 16:
            vni = struct.unpack('!I', l4[12:16])[0] >> 8
            return 'vxlan src=%s dst=%s vni=%d inner=%d%s' % (
                src, dst, vni, len(l4) - 16, describe_inner(l4[16:]))
        return 'udp src=%s dst=%s port=%d frame=%d' % (src, dst, dport,
                                                       len(frame))
    if proto == 6 and len(l4) >= 4:
        dport = struct.unpack('!H', l4[2:4])[0]
        return 'tcp src=%s dst=%s port=%d frame=%d' % (src, dst, dport,
                                                       len(frame))
    return 'other type=0x%04x proto=%d frame=%d' % (
        0x0800 if version == 4 else 0x86dd, proto, len(frame))


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
