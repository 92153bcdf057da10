#!/usr/bin/env python3
"""A loopback DNS stub for SluiceDNS's system-resolver test. Listens on 127.0.0.1 (UDP, a free
port), prints {"port": N}, answers from a fixed table until stdin closes:
  mx.stub.test      MX 10 mx-a.stub.test, 10 mx-b.stub.test, 20 backup.stub.test (TTL 60)
  nullmx.stub.test  MX 0 .
  host.stub.test    A 127.0.0.9, AAAA ::1
  empty.stub.test   NOERROR, no records
  anything else     NXDOMAIN
An optional JSON argument adds names (lower case) to the table, e.g.
  {"a.test": {"mx": [[10, "mx1.rollup-mx.test"]]}, "mx1.rollup-mx.test": {"a": ["127.0.0.2"]},
   "s1._domainkey.d.test": {"txt": [["v=DKIM1; k=rsa; ", "p=MIIB..."], ["another record"]]},
   "broken.test": {"rcode": 2}}
(TTL 60; a listed name answers NOERROR without records for the types it does not list). Each
"txt" entry is one TXT record, its list the record's <character-string>s (each at most 255
bytes of UTF-8). "rcode" answers every query for the name with that response code (2 SERVFAIL,
5 REFUSED) and no records; "drop": true leaves every query for the name unanswered (a name
server that times out).
Each line written to stdin is a JSON object that changes the table the same way while the stub
runs (a name mapped to null is removed: it answers NXDOMAIN again); the stub answers each such
line with {"updated": N} once the change is in force.
"""
import json
import socket
import struct
import sys
import threading


def encode_name(name):
    out = b""
    for label in name.split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def rr(rtype, ttl, rdata):
    # Owner: pointer to the question name at offset 12.
    return b"\xc0\x0c" + struct.pack(">HHIH", rtype, 1, ttl, len(rdata)) + rdata


def answer(query, extra):
    qid, flags, qd = struct.unpack(">HHH", query[:6])
    pos, labels = 12, []
    while query[pos] != 0:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode().lower())
        pos += 1 + n
    qtype = struct.unpack(">H", query[pos + 1:pos + 3])[0]
    question = query[12:pos + 5]
    name = ".".join(labels)
    records, rcode = [], 0
    if name in extra:
        entry = extra[name]
        if entry.get("drop"):
            return None
        rcode = entry.get("rcode", 0)
        if rcode:
            pass
        elif qtype == 15:
            for pref, host in entry.get("mx", []):
                records.append(rr(15, 60, struct.pack(">H", pref) + encode_name(host)))
        elif qtype == 1:
            for address in entry.get("a", []):
                records.append(rr(1, 60, bytes(int(part) for part in address.split("."))))
        elif qtype == 16:
            for strings in entry.get("txt", []):
                rdata = b""
                for text in strings:
                    data = text.encode()
                    assert len(data) <= 255, "a TXT character-string holds at most 255 bytes"
                    rdata += bytes([len(data)]) + data
                records.append(rr(16, 60, rdata))
    elif name == "mx.stub.test" and qtype == 15:
        for pref, host in [(10, "mx-a.stub.test"), (10, "mx-b.stub.test"), (20, "backup.stub.test")]:
            records.append(rr(15, 60, struct.pack(">H", pref) + encode_name(host)))
    elif name == "nullmx.stub.test" and qtype == 15:
        records.append(rr(15, 60, struct.pack(">H", 0) + b"\x00"))
    elif name == "host.stub.test":
        if qtype == 1:
            records.append(rr(1, 60, bytes([127, 0, 0, 9])))
        elif qtype == 28:
            records.append(rr(28, 60, b"\x00" * 15 + b"\x01"))
    elif name in ("empty.stub.test", "mx.stub.test", "nullmx.stub.test"):
        pass
    else:
        rcode = 3
    header = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, len(records), 0, 0)
    return header + question + b"".join(records)


def main():
    extra = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    print(json.dumps({"port": sock.getsockname()[1]}), flush=True)

    def serve():
        while True:
            data, peer = sock.recvfrom(4096)
            try:
                reply = answer(data, extra)
                if reply is not None:
                    sock.sendto(reply, peer)
            except Exception as error:  # a malformed query gets no answer
                print(json.dumps({"error": str(error)}), flush=True)

    threading.Thread(target=serve, daemon=True).start()
    for line in sys.stdin:
        if not line.strip():
            continue
        for name, entry in json.loads(line).items():
            if entry is None:
                extra.pop(name, None)
            else:
                extra[name] = entry
        print(json.dumps({"updated": len(extra)}), flush=True)


if __name__ == "__main__":
    main()
