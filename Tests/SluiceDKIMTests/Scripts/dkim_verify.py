#!/usr/bin/env python3
"""Verifies DKIM signatures with dkimpy, an implementation independent of Sluice's.

Reads one JSON object from stdin:
  {"records": {"sel._domainkey.example.com": "v=DKIM1; k=rsa; p=..."},
   "messages": ["<base64 of a signed message>", ...]}
and prints one JSON object: {"results": [[true, false], ...]}, for each message one verdict per
DKIM-Signature field, top to bottom. The public keys come from "records" through dkimpy's
dnsfunc, so no DNS is used.
"""
import base64
import json
import re
import sys

import dkim


def main():
    request = json.load(sys.stdin)
    records = {name.lower().rstrip("."): text.encode() for name, text in request["records"].items()}

    def dnsfunc(name, timeout=5):
        return records.get(name.decode().lower().rstrip("."), b"")

    results = []
    for encoded in request["messages"]:
        message = base64.b64decode(encoded)
        count = len(re.findall(rb"(?im)^dkim-signature:", message.split(b"\r\n\r\n", 1)[0]))
        verdicts = []
        for index in range(count):
            try:
                verifier = dkim.DKIM(message, minkey=1024)
                verdicts.append(bool(verifier.verify(idx=index, dnsfunc=dnsfunc)))
            except Exception as error:  # a failed verification, reported as false
                sys.stderr.write(f"signature {index}: {error}\n")
                verdicts.append(False)
        results.append(verdicts)
    json.dump({"results": results}, sys.stdout)


main()
