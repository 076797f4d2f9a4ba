#!/usr/bin/env python3
"""Sends crafted Ethernet frames out of an interface, as a VM would.

usage: send.py IFNAME DST-MAC SRC-IP DST-IP PROTO [options]

PROTO is tcp, udp, icmp (IPv4) or icmpv6 (IPv6); the IP version follows
the addresses.  Options:

  --sport N, --dport N   ports (tcp, udp; default 40000 and 80)
  --size N               Ethernet frame size in bytes (default: headers
                         plus the tag)
  --count N              frames to send (default 1), 20 ms apart
  --tag TEXT             the payload starts with TEXT (default "tmirror")
  --src-mac MAC          default: the interface's own

Every header is complete and every checksum right, so a receiving kernel
treats the frame like any other; the source address can be any address,
which is how tests put 172.16.0.5 on the wire from a VM that has only
10.0.0.x.
"""

import argparse
import ipaddress
import socket
import struct
import time


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


PROTO_NUMBERS = {'tcp': 6, 'udp': 17, 'icmp': 1, 'icmpv6': 58}


def l4_segment(proto, args, src, dst, payload):
    """The layer-4 header and payload, with the checksum filled in."""
    if proto == 'tcp':
        hdr = struct.pack('!HHIIBBHHH', args.sport, args.dport, 1, 0,
                          5 << 4, 0x18, 65535, 0, 0)      # PSH+ACK
        csum_at = 16
    elif proto == 'udp':
        hdr = struct.pack('!HHHH', args.sport, args.dport,
                          8 + len(payload), 0)
        csum_at = 6
    else:
        echo_request = 8 if proto == 'icmp' else 128
        hdr = struct.pack('!BBHHH', echo_request, 0, 0, 1, 1)
        csum_at = 2
    seg = hdr + payload

    # ICMPv4 has no pseudo-header; the others do.
    if proto == 'icmp':
        pseudo = b''
    elif src.version == 6:
        pseudo = src.packed + dst.packed + struct.pack(
            '!IxxxB', len(seg), PROTO_NUMBERS[proto])
    else:
        pseudo = src.packed + dst.packed + struct.pack(
            '!xBH', PROTO_NUMBERS[proto], len(seg))
    csum = checksum(pseudo + seg)
    if proto == 'udp' and csum == 0:
        csum = 0xffff
    return seg[:csum_at] + struct.pack('!H', csum) + seg[csum_at + 2:]


def frame(args, src_mac):
    src = ipaddress.ip_address(args.src)
    dst = ipaddress.ip_address(args.dst)
    v6 = src.version == 6
    l4_len = {'tcp': 20, 'udp': 8, 'icmp': 8, 'icmpv6': 8}[args.proto]
    l3_len = 40 if v6 else 20
    tag = args.tag.encode()
    payload_len = max(len(tag), (args.size or 0) - 14 - l3_len - l4_len)
    payload = (tag * (payload_len // max(len(tag), 1) + 1))[:payload_len]

    l4 = l4_segment(args.proto, args, src, dst, payload)
    if v6:
        l3 = struct.pack('!IHBB', 6 << 28, len(l4), PROTO_NUMBERS[args.proto],
                         64) + src.packed + dst.packed
        ethertype = 0x86dd
    else:
        l3 = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 1, 0, 64,
                         PROTO_NUMBERS[args.proto], 0, src.packed,
                         dst.packed)
        l3 = l3[:10] + struct.pack('!H', checksum(l3)) + l3[12:]
        ethertype = 0x0800
    dst_mac = bytes.fromhex(args.dst_mac.replace(':', ''))
    return dst_mac + src_mac + struct.pack('!H', ethertype) + l3 + l4


def main():
    p = argparse.ArgumentParser()
    p.add_argument('ifname')
    p.add_argument('dst_mac')
    p.add_argument('src')
    p.add_argument('dst')
    p.add_argument('proto', choices=['tcp', 'udp', 'icmp', 'icmpv6'])
    p.add_argument('--sport', type=int, default=40000)
    p.add_argument('--dport', type=int, default=80)
    p.add_argument('--size', type=int, default=0)
    p.add_argument('--count', type=int, default=1)
    p.add_argument('--tag', default='tmirror')
    p.add_argument('--src-mac')
    args = p.parse_args()

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((args.ifname, 0))
    if args.src_mac:
        src_mac = bytes.fromhex(args.src_mac.replace(':', ''))
    else:
        src_mac = sock.getsockname()[4][:6]
    data = frame(args, src_mac)
    for i in range(args.count):
        sock.send(data)
        if i + 1 < args.count:
            time.sleep(0.02)


if __name__ == '__main__':
    main()
