#!/usr/bin/env python3
"""The far side of a fleet soak (docs/fleet.md "Soak"): an SMTP sink that counts, second by
second, the messages it accepts and the connections open at once (fleet-wide and per source
address), and an offerer that injects RATE messages a second into each node for SECONDS.

Usage: fleet-peer.py SPEC, SPEC a JSON object:
  {"sink": {"host": "127.0.0.1", "port": P}, "nodes": [{"host": "127.0.0.20", "port": P}, ...],
   "rate": 30, "seconds": 300, "domain": "gmail.com", "out": "/path/status.json"}

Every half second (and when it stops, on SIGTERM) it writes OUT: {"elapsed", "offering",
"injected" (per node, answered 250), "failures", "accepted", "active", "delivered" (per second
since the offer began), "peak" (most connections open at once, per second), "peakBySource"
and "deliveredBySource" (the same per source address)}. Loopback only: every address must be in
127.0.0.0/8.
"""
import json, os, signal, smtplib, socketserver, sys, threading, time


def loopback(host):
    if not host.startswith("127."):
        sys.exit(f"fleet-peer: {host} is not a loopback address")
    return host


class Figures:
    """What the sink saw, by whole second since the offer began."""

    def __init__(self, nodes):
        self.lock = threading.Lock()
        self.t0 = time.monotonic()
        self.active = 0
        self.active_by = {}
        self.accepted = 0
        self.delivered = []
        self.peak = []
        self.delivered_by = {}
        self.peak_by = {}
        self.injected = [0] * nodes
        self.failures = 0
        self.offering = True

    def _second(self, series, default=0):
        index = max(0, int(time.monotonic() - self.t0))
        while len(series) <= index:
            series.append(default)
        return index

    def _open_now(self, series, count, before):
        """Records `count` open in this second's peak; the seconds since the last change had
        `before` open throughout."""
        i = self._second(series, before)
        series[i] = max(series[i], count, before)

    def opened(self, source):
        with self.lock:
            self.active += 1
            self.active_by[source] = self.active_by.get(source, 0) + 1
            self._open_now(self.peak, self.active, self.active - 1)
            self._open_now(self.peak_by.setdefault(source, []), self.active_by[source], self.active_by[source] - 1)

    def closed(self, source):
        with self.lock:
            self.active -= 1
            self.active_by[source] -= 1
            self._open_now(self.peak, self.active, self.active + 1)
            self._open_now(self.peak_by.setdefault(source, []), self.active_by[source], self.active_by[source] + 1)

    def accept(self, source):
        with self.lock:
            self.accepted += 1
            i = self._second(self.delivered)
            self.delivered[i] += 1
            series = self.delivered_by.setdefault(source, [])
            i = self._second(series)
            series[i] += 1

    def snapshot(self):
        with self.lock:
            return {"elapsed": time.monotonic() - self.t0, "offering": self.offering, "injected": list(self.injected),
                    "failures": self.failures, "accepted": self.accepted, "active": self.active,
                    "delivered": list(self.delivered), "peak": list(self.peak),
                    "deliveredBySource": {k: list(v) for k, v in self.delivered_by.items()},
                    "peakBySource": {k: list(v) for k, v in self.peak_by.items()}}


class Sink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, figures):
        self.figures = figures
        super().__init__(address, Session)

    def handle_error(self, request, client_address):
        pass  # A node that drops a connection mid-session: nothing to report.


class Session(socketserver.StreamRequestHandler):
    def handle(self):
        figures, source = self.server.figures, self.client_address[0]
        figures.opened(source)
        try:
            self.converse(figures, source)
        finally:
            figures.closed(source)

    def converse(self, figures, source):
        def say(line):
            self.wfile.write(line.encode() + b"\r\n")
            self.wfile.flush()
        say("220 sink.test ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"EHLO":
                say("250-sink.test\r\n250 PIPELINING")
            elif verb == b"HELO":
                say("250 sink.test")
            elif verb == b"MAIL":
                say("250 2.1.0 Ok")
            elif verb == b"RCPT":
                say("250 2.1.5 Ok")
            elif verb == b"DATA":
                say("354 go ahead")
                while True:
                    data = self.rfile.readline()
                    if not data:
                        return
                    if data in (b".\r\n", b".\n"):
                        break
                figures.accept(source)
                say("250 2.0.0 Ok: queued")
            elif verb == b"QUIT":
                say("221 2.0.0 Bye")
                return
            else:
                say("250 Ok")


def offer(figures, index, node, rate, seconds, domain, stop):
    """Sends message i at t0 + i/rate over one connection (reopened after an error, the same
    message tried again) until `seconds` have passed."""
    client, i = None, 0
    while not stop.is_set():
        due = figures.t0 + i / rate
        if due - figures.t0 >= seconds:
            break
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            if client is None:
                client = smtplib.SMTP(node["host"], node["port"], timeout=30)
                client.ehlo("offer.test")
            body = f"Subject: soak {index}-{i}\r\nMessage-ID: <{index}-{i}@offer.test>\r\n\r\nsoak\r\n"
            client.sendmail("soak@offer.test", [f"n{index}-{i}@{domain}"], body)
            with figures.lock:
                figures.injected[index] += 1
            i += 1
        except (OSError, smtplib.SMTPException):
            with figures.lock:
                figures.failures += 1
            try:
                if client is not None:
                    client.close()
            except OSError:
                pass
            client = None
            time.sleep(0.1)
    if client is not None:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            pass


def main():
    spec = json.loads(sys.argv[1])
    for address in [spec["sink"]] + spec["nodes"]:
        loopback(address["host"])
    figures = Figures(len(spec["nodes"]))
    sink = Sink((spec["sink"]["host"], spec["sink"]["port"]), figures)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    stop = threading.Event()
    terminated = []
    # A parent that blocks SIGTERM (a Swift service group does) passes its mask on: unblock it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, lambda *_: terminated.append(True))  # Event.set() here could deadlock.
    figures.t0 = time.monotonic()
    offerers = [threading.Thread(target=offer, args=(figures, n, node, spec["rate"], spec["seconds"], spec["domain"], stop),
                                 daemon=True) for n, node in enumerate(spec["nodes"])]
    for thread in offerers:
        thread.start()

    def write():
        with open(spec["out"] + ".tmp", "w") as f:
            json.dump(figures.snapshot(), f)
        os.replace(spec["out"] + ".tmp", spec["out"])

    while not terminated:
        time.sleep(0.5)
        if figures.offering and not any(t.is_alive() for t in offerers):
            with figures.lock:
                figures.offering = False
        write()
    stop.set()
    write()


if __name__ == "__main__":
    main()
