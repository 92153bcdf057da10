#!/usr/bin/env python3
"""Plays scripted SMTP sessions against a sandbox receiver with Python's smtplib, for
SluiceSandboxServer's tests. Reads one JSON spec from stdin, prints one JSON result on stdout.
Loopback only.

Spec: {"host": "127.0.0.1", "port": N, "sessions": [{"source": "127.0.0.2", "steps": [STEP, ...]}]}
STEP: ["ehlo"], ["mail", ADDR], ["rcpt", ADDR], ["data", BODY], ["noop"], ["rset"], ["quit"],
      ["raw", TEXT] (sent as is; the reply is read),
      ["pipeline", TEXT, N] (sent in one write; N replies are read, each an entry).
Result: {"sessions": [[{"step": NAME, "code": N, "text": T}, ...], ...]}; the first entry is the
greeting; a session stops at the first step that finds the connection closed ("code": -1).
"""
import json
import smtplib
import socket
import sys


def run(host, port, session):
    out = []
    s = smtplib.SMTP(local_hostname="client.test", timeout=15, source_address=(session.get("source", "127.0.0.1"), 0))
    try:
        code, text = s.connect(host, port)
        out.append({"step": "greeting", "code": code, "text": text.decode(errors="replace")})
    except smtplib.SMTPConnectError as e:
        out.append({"step": "greeting", "code": e.smtp_code, "text": e.smtp_error.decode(errors="replace")})
        return out
    except smtplib.SMTPServerDisconnected as e:
        out.append({"step": "greeting", "code": -1, "text": str(e)})
        return out
    for step in session["steps"]:
        name = step[0]
        try:
            if name == "ehlo":
                code, text = s.ehlo("client.test")
            elif name == "mail":
                code, text = s.mail(step[1])
            elif name == "rcpt":
                code, text = s.rcpt(step[1])
            elif name == "data":
                code, text = s.data(step[1].encode())
            elif name == "noop":
                code, text = s.noop()
            elif name == "rset":
                code, text = s.rset()
            elif name == "quit":
                code, text = s.docmd("QUIT")
            elif name == "raw":
                s.send(step[1].encode())
                code, text = s.getreply()
            elif name == "pipeline":
                s.send(step[1].encode())
                for _ in range(int(step[2]) - 1):
                    code, text = s.getreply()
                    out.append({"step": name, "code": code, "text": text.decode(errors="replace")})
                code, text = s.getreply()
            else:
                raise ValueError("unknown step " + name)
            out.append({"step": name, "code": code, "text": text.decode(errors="replace")})
        except smtplib.SMTPDataError as e:
            out.append({"step": name, "code": e.smtp_code, "text": e.smtp_error.decode(errors="replace")})
        except (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout) as e:
            out.append({"step": name, "code": -1, "text": str(e)})
            break
    s.close()
    return out


def main():
    spec = json.load(sys.stdin)
    result = {"sessions": [run(spec["host"], spec["port"], session) for session in spec["sessions"]]}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
