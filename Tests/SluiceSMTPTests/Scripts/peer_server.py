#!/usr/bin/env python3
"""A scripted SMTP peer for SluiceSMTP's delivery-client tests, on 127.0.0.1 (loopback only).

Prints {"port": N} first, then one JSON line per received command:
{"conn": connection number, "peer": client address, "read": number of the recv() that completed
the line (equal numbers = sent together, i.e. pipelined), "line": the command}.

Replies depend on the envelope:
  MAIL FROM:<reject@...>            553 5.7.1 Sender refused
  RCPT TO:<temp...@...>             451 4.2.1 Mailbox busy, try later
  RCPT TO:<perm...@...>             550-5.1.1 No such user / 550 5.1.1 here (two lines)
  RCPT TO:<bye...@...>              421 4.7.0 Too busy, closing (and close)
  content containing DROP-CONNECTION  connection closed before the end of data
  content containing DEFER-DATA       452 4.3.1 Insufficient storage after the dot
  content containing SILENT-DATA      no reply after the dot (until the client goes)
Options: --no-pipelining, --no-ehlo (EHLO gets 502), --size N, --greeting "CODE text".
"""
import json
import socket
import socketserver
import sys
import threading

OPTIONS = {"pipelining": True, "ehlo": True, "size": None, "greeting": "220 peer.test ESMTP"}
LOCK = threading.Lock()
COUNTER = [0]


def log(**event):
    with LOCK:
        print(json.dumps(event), flush=True)


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        with LOCK:
            COUNTER[0] += 1
            self.conn = COUNTER[0]
        self.buffer = b""
        self.reads = 0

    def send(self, text):
        self.request.sendall(text.encode())

    def line(self):
        while b"\n" not in self.buffer:
            data = self.request.recv(65536)
            if not data:
                return None
            self.reads += 1
            self.buffer += data
        raw, self.buffer = self.buffer.split(b"\n", 1)
        return raw.rstrip(b"\r").decode("latin-1")

    def handle(self):
        peer = self.client_address[0]
        self.send(OPTIONS["greeting"] + "\r\n")
        if not OPTIONS["greeting"].startswith("220"):
            self.line()
            return
        rcpts = 0
        while True:
            line = self.line()
            if line is None:
                return
            log(conn=self.conn, peer=peer, read=self.reads, line=line)
            verb = line[:4].upper()
            if verb == "EHLO":
                if not OPTIONS["ehlo"]:
                    self.send("502 5.5.1 EHLO not implemented\r\n")
                    continue
                ext = ["peer.test", "8BITMIME", "ENHANCEDSTATUSCODES", "DSN"]
                if OPTIONS["pipelining"]:
                    ext.append("PIPELINING")
                if OPTIONS["size"] is not None:
                    ext.append("SIZE %d" % OPTIONS["size"])
                self.send("".join("250-%s\r\n" % e for e in ext[:-1]) + "250 %s\r\n" % ext[-1])
            elif verb == "HELO":
                self.send("250 peer.test\r\n")
            elif verb == "MAIL":
                rcpts = 0
                if "<reject@" in line:
                    self.send("553 5.7.1 Sender refused\r\n")
                else:
                    self.send("250 2.1.0 Ok\r\n")
            elif verb == "RCPT":
                local = line.split("<", 1)[1]
                if local.startswith("temp"):
                    self.send("451 4.2.1 Mailbox busy, try later\r\n")
                elif local.startswith("perm"):
                    self.send("550-5.1.1 No such user\r\n550 5.1.1 here\r\n")
                elif local.startswith("bye"):
                    self.send("421 4.7.0 Too busy, closing\r\n")
                    return
                else:
                    rcpts += 1
                    self.send("250 2.1.5 Ok\r\n")
            elif verb == "DATA":
                if rcpts == 0:
                    self.send("554 5.5.1 No valid recipients\r\n")
                    continue
                self.send("354 go ahead\r\n")
                content = []
                while True:
                    data_line = self.line()
                    if data_line is None:
                        return
                    if data_line == ".":
                        break
                    content.append(data_line)
                    if "DROP-CONNECTION" in data_line:
                        log(conn=self.conn, peer=peer, read=self.reads, line="<dropped>")
                        self.request.shutdown(socket.SHUT_RDWR)
                        return
                log(conn=self.conn, peer=peer, read=self.reads, line="<content>", content=content)
                if any("SILENT-DATA" in c for c in content):
                    while self.line() is not None:
                        pass
                    return
                if any("DEFER-DATA" in c for c in content):
                    self.send("452 4.3.1 Insufficient storage\r\n")
                else:
                    self.send("250 2.0.0 Ok: queued as X%d\r\n" % self.conn)
            elif verb == "RSET":
                rcpts = 0
                self.send("250 2.0.0 Ok\r\n")
            elif verb == "QUIT":
                self.send("221 2.0.0 Bye\r\n")
                return
            else:
                self.send("502 5.5.1 Unknown\r\n")


def main():
    args = sys.argv[1:]
    while args:
        arg = args.pop(0)
        if arg == "--no-pipelining":
            OPTIONS["pipelining"] = False
        elif arg == "--no-ehlo":
            OPTIONS["ehlo"] = False
        elif arg == "--size":
            OPTIONS["size"] = int(args.pop(0))
        elif arg == "--greeting":
            OPTIONS["greeting"] = args.pop(0)
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    # Exit when the test closes our stdin (or terminates us).
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()


if __name__ == "__main__":
    main()
