#!/usr/bin/env python3
"""Crafted VXLAN datagrams for tmirror-collector, and checks of what it
wrote and counted.

  vxlan.py send PORT MANIFEST [SPEC...]
      Sends datagrams to 127.0.0.1:PORT and records in MANIFEST (JSON)
      what was sent.  With no SPEC, the standard mix: frames of VNIs 1, 2
      and 16777215 from outer sources 127.0.0.1, .2 and .3 (one of them a
      60000-byte frame, one the smallest, 14 bytes), and three malformed
      datagrams (too short for a VXLAN header, too short for an Ethernet
      header, I flag clear).  A SPEC is VNI:COUNT:SIZE (COUNT frames of
      SIZE bytes).
  vxlan.py check-summary MANIFEST SUMMARY
      Compares "ovs-appctl summary" output with what was sent.
  vxlan.py check-pcaps MANIFEST DIR
      Reads DIR/vni-N.pcap (and its rotated files) and compares the frames
      with what was sent, byte for byte, in order.
  vxlan.py fields MANIFEST VNI
      Prints "LEN<TAB>ETH-SRC" per frame sent to VNI, as tshark -T fields
      -e frame.len -e eth.src would print them.
  vxlan.py count FILE
      Prints the number of records of pcap FILE.

Prints "ok: ..." and "FAIL: ..." lines.
"""
import json
import os
import socket
import struct
import sys
import time

SOURCES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]


def frame(vni, i, size):
    """An Ethernet frame of SIZE bytes whose MACs and payload tell VNI and
    I apart."""
    dst = bytes([0x02, 0, 0, 0, 0, 0x01])
    src = bytes([0x02, 0xaa, (vni >> 16) & 0xff, (vni >> 8) & 0xff,
                 vni & 0xff, i & 0xff])
    body = bytes((vni + i * 13 + k * 7) & 0xff for k in range(size - 14))
    return dst + src + b"\x08\x00"[: min(2, size - 12)] + body[: size - 14]


def vxlan(vni, payload, flags=0x08):
    return struct.pack("!B3sI", flags, b"\0\0\0", vni << 8) + payload


def send(port, manifest, specs):
    socks = {}
    for src in SOURCES:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, 0))
        socks[src] = s
    sent = {"vnis": {}, "sources": {}, "malformed": [0, 0, 0],
            "datagrams": 0, "bytes": 0}

    def put(src, data, vni=None, inner=None, bad=None):
        socks[src].sendto(data, ("127.0.0.1", port))
        st = sent["sources"].setdefault(src, [0, 0, 0])
        st[0] += 1
        st[1] += len(data)
        sent["datagrams"] += 1
        sent["bytes"] += len(data)
        if bad is not None:
            st[2] += 1
            sent["malformed"][bad] += 1
        else:
            sent["vnis"].setdefault(str(vni), []).append(inner.hex())
        # Gentle: the collector's receive buffer must not overflow.
        time.sleep(0.002)

    if specs:
        n = 0
        for spec in specs:
            vni, count, size = (int(x) for x in spec.split(":"))
            for i in range(count):
                f = frame(vni, i, size)
                put(SOURCES[n % len(SOURCES)], vxlan(vni, f), vni, f)
                n += 1
    else:
        plan = [(1, 60), (2, 100), (1, 1514), (16777215, 64), (1, 14),
                (2, 60000), (1, 9000), (2, 64), (1, 128)]
        for i, (vni, size) in enumerate(plan):
            f = frame(vni, i, size)
            put(SOURCES[i % 3], vxlan(vni, f), vni, f)
            if i == 3:
                put("127.0.0.2", b"\x08\0\0", bad=0)
                put("127.0.0.3", vxlan(5, b"\x02" * 13), bad=0)
                put("127.0.0.3", vxlan(6, frame(6, 0, 60), flags=0), bad=1)
    with open(manifest, "w") as f:
        json.dump(sent, f)


def ok(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    return cond


def check_summary(manifest, summary_file):
    sent = json.load(open(manifest))
    lines = open(summary_file).read().splitlines()
    got = {}
    for line in lines:
        key, _, value = line.partition(": ")
        got[key] = value
    frames = sum(len(v) for v in sent["vnis"].values())
    short, noflag, trunc = sent["malformed"]
    ok(got.get("datagrams") == str(sent["datagrams"]),
       "summary: %s datagrams (sent %d)" % (got.get("datagrams"),
                                            sent["datagrams"]))
    ok(got.get("bytes") == str(sent["bytes"]),
       "summary: %s bytes (sent %d)" % (got.get("bytes"), sent["bytes"]))
    ok(got.get("frames") == str(frames),
       "summary: %s frames (sent %d)" % (got.get("frames"), frames))
    want = "%d (too short %d, I flag clear %d, truncated %d)" % (
        short + noflag + trunc, short, noflag, trunc)
    ok(got.get("malformed") == want,
       "summary: malformed %s (expected %s)" % (got.get("malformed"), want))
    for vni, frames in sorted(sent["vnis"].items(), key=lambda x: int(x[0])):
        nbytes = sum(len(f) // 2 for f in frames)
        value = got.get("vni " + vni, "")
        ok(value.startswith("%d frames, %d bytes," % (len(frames), nbytes)),
           "summary: vni %s: %s (sent %d frames, %d bytes)"
           % (vni, value, len(frames), nbytes))
    ok(len([k for k in got if k.startswith("vni ")]) == len(sent["vnis"]),
       "summary: %d VNIs" % len(sent["vnis"]))
    for src, (n, nbytes, bad) in sorted(sent["sources"].items()):
        want = "%d datagrams, %d bytes, %d malformed" % (n, nbytes, bad)
        ok(got.get("source " + src) == want,
           "summary: source %s: %s (expected %s)"
           % (src, got.get("source " + src), want))


def read_pcap(path):
    data = open(path, "rb").read()
    magic, major, minor, _, _, snaplen, linktype = struct.unpack(
        "<IHHiIII", data[:24])
    assert magic == 0xa1b2c3d4 and (major, minor) == (2, 4), path
    assert linktype == 1, path
    frames, off = [], 24
    while off < len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        assert incl == orig and usec < 1000000, path
        frames.append((sec + usec / 1e6, data[off + 16:off + 16 + incl]))
        assert len(frames[-1][1]) == incl, path + ": cut short"
        off += 16 + incl
    return frames


def pcap_files(d, vni):
    """vni-N.pcap's rotated files in sequence order, then itself."""
    base = "vni-%s.pcap" % vni
    rotated = sorted((int(n[len(base) + 1:]), n) for n in os.listdir(d)
                     if n.startswith(base + ".") and
                     n[len(base) + 1:].isdigit())
    return [os.path.join(d, n) for _, n in rotated] + \
        [os.path.join(d, base)]


def check_pcaps(manifest, d):
    sent = json.load(open(manifest))
    for vni, frames in sorted(sent["vnis"].items(), key=lambda x: int(x[0])):
        got = []
        for path in pcap_files(d, vni):
            got += read_pcap(path)
        same = [bytes.fromhex(f) for f in frames] == [g[1] for g in got]
        ok(same, "vni-%s.pcap: %d frames, byte for byte as sent "
           "(read %d)" % (vni, len(frames), len(got)))
        now = time.time()
        ok(all(now - 120 < t <= now + 1 for t, _ in got)
           and [t for t, _ in got] == sorted(t for t, _ in got),
           "vni-%s.pcap: timestamps recent and in order" % vni)
    names = sorted(n for n in os.listdir(d) if n.endswith(".pcap"))
    want = sorted("vni-%s.pcap" % v for v in sent["vnis"])
    ok(names == want, "files: %s (expected %s)" % (" ".join(names),
                                                   " ".join(want)))


def main():
    cmd = sys.argv[1]
    if cmd == "send":
        send(int(sys.argv[2]), sys.argv[3], sys.argv[4:])
    elif cmd == "check-summary":
        check_summary(sys.argv[2], sys.argv[3])
    elif cmd == "check-pcaps":
        check_pcaps(sys.argv[2], sys.argv[3])
    elif cmd == "fields":
        sent = json.load(open(sys.argv[2]))
        for f in sent["vnis"].get(sys.argv[3], []):
            b = bytes.fromhex(f)
            print("%d\t%s" % (len(b), ":".join("%02x" % x for x in b[6:12])))
    elif cmd == "count":
        print(len(read_pcap(sys.argv[2])))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
