#!/usr/bin/env python3
"""Kill-restart soak for RELIABILITY.md: `sluice serve` (release build) relays steady traffic to a
recording sink on loopback while it is killed with SIGKILL and restarted every 2-5 minutes.

At the end every message the node answered 250 must have reached the sink (lost: 0); a message
the sink got twice is a duplicate (a delivery whose progress the kill prevented from being
recorded, so the restarted node sends it again); resident memory is read before each kill.

Usage: bench/soak.py [--minutes 30] [--rate 100] [--sluice PATH] [--seed N]
"""
import argparse, collections, os, random, shutil, signal, smtplib, socket, socketserver, subprocess, sys, tempfile
import threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reliability import free_port, memory_kib, wait_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kib(pid):
    try:
        return memory_kib(pid, "VmRSS")
    except OSError:
        return 0


class RecordingSink(socketserver.ThreadingTCPServer):
    """A minimal SMTP receiver that counts, per recipient, the messages it accepted."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.received = collections.Counter()
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), SinkSession)

    def handle_error(self, request, client_address):
        pass  # A killed node resets its delivery connections: expected, nothing to report.


class SinkSession(socketserver.StreamRequestHandler):
    def handle(self):
        def say(line):
            self.wfile.write(line.encode() + b"\r\n")
            self.wfile.flush()
        say("220 sink.test ESMTP")
        recipients = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                say("250-sink.test\r\n250 PIPELINING" if verb == b"EHLO" else "250 sink.test")
            elif verb == b"MAIL":
                recipients = []
                say("250 2.1.0 Ok")
            elif verb == b"RCPT":
                recipients.append(line[line.index(b"<") + 1:line.rindex(b">")].decode().lower())
                say("250 2.1.5 Ok")
            elif verb == b"DATA":
                say("354 go ahead")
                while True:
                    data = self.rfile.readline()
                    if not data or data == b".\r\n":
                        break
                if not data:
                    return
                with self.server.lock:
                    self.server.received.update(recipients)
                say("250 2.0.0 Ok: queued")
            elif verb == b"QUIT":
                say("221 2.0.0 Bye")
                return
            else:
                say("250 2.0.0 Ok")


class Injector(threading.Thread):
    """One client injecting messages with unique recipients at its share of the rate; a message
    counts as injected once the node answered 250."""

    def __init__(self, index, port, rate, stop, injected, lock):
        super().__init__(daemon=True)
        self.index, self.port, self.interval, self.stop = index, port, 1.0 / rate, stop
        self.injected, self.lock, self.refused = injected, lock, 0

    def run(self):
        n, client, body = 0, None, "Subject: soak\r\n\r\n" + ("z" * 76 + "\r\n") * 25
        next_at = time.time()
        while not self.stop.is_set():
            address = f"s{self.index}-{n}@soak.test"
            try:
                if client is None:
                    client = smtplib.SMTP("127.0.0.1", self.port, timeout=30)
                client.sendmail("soak@origin.test", [address], body)
                with self.lock:
                    self.injected.add(address)
                n += 1
            except (OSError, smtplib.SMTPException):
                # Killed under us (or mid-reply): not injected; the same address is tried again.
                self.refused += 1
                try:
                    if client:
                        client.close()
                except OSError:
                    pass
                client = None
                time.sleep(0.2)
            next_at += self.interval
            time.sleep(max(0.0, next_at - time.time()))
        if client:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, default=100, help="messages per second, in all")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sluice", default=os.path.join(ROOT, ".build/release/sluice"))
    args = parser.parse_args()
    random.seed(args.seed)
    work = tempfile.mkdtemp(prefix="sluice-soak-")
    sink = RecordingSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    port = free_port()
    with open(os.path.join(work, "sluice.conf"), "w") as f:
        f.write(f"""host-name soak.node.test
spool {work}/spool
control-socket {work}/control.sock
smtp-listener 127.0.0.1:{port}
<source 127.0.0.1>
    always-allow-relaying yes
</source>
<domain *>
    route [127.0.0.1]:{sink.server_address[1]}
    max-smtp-out 8
</domain>
""")
    log = open(os.path.join(work, "node.log"), "a")

    def start():
        process = subprocess.Popen([args.sluice, "serve", "--config", f"{work}/sluice.conf"],
                                   stdout=subprocess.DEVNULL, stderr=log)
        wait_port(port, timeout=120)
        return process

    node = start()
    started_rss = None
    stop, lock, injected = threading.Event(), threading.Lock(), set()
    injectors = [Injector(i, port, args.rate / args.clients, stop, injected, lock) for i in range(args.clients)]
    for injector in injectors:
        injector.start()
    end = time.time() + args.minutes * 60
    kills, memory = [], []
    time.sleep(30)
    started_rss = rss_kib(node.pid)
    while True:
        wait = random.uniform(120, 300)
        if time.time() + wait >= end:
            break
        time.sleep(wait)
        with lock, sink.lock:
            in_flight = len(injected) - sum(1 for a in injected if sink.received[a])
        rss = rss_kib(node.pid)
        node.send_signal(signal.SIGKILL)
        node.wait()
        kills.append((time.strftime("%H:%M:%S"), in_flight, rss))
        node = start()
    time.sleep(max(0.0, end - time.time()))
    stop.set()
    for injector in injectors:
        injector.join()
    final_rss = rss_kib(node.pid)
    # Drain: every injected message reaches the sink (retries after a kill included).
    deadline = time.time() + 600
    while time.time() < deadline:
        with sink.lock:
            missing = [a for a in injected if not sink.received[a]]
        if not missing:
            break
        time.sleep(1)
    node.send_signal(signal.SIGTERM)
    node.wait(timeout=120)
    with sink.lock:
        received = dict(sink.received)
    lost = [a for a in injected if not received.get(a)]
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    unasked = [a for a in received if a not in injected]
    print(f"soak: {args.minutes:g} min at {args.rate:g} msg/s from {args.clients} clients, {len(kills)} kill -9 + restart")
    for when, in_flight, rss in kills:
        print(f"  kill at {when}: {in_flight} answered-250 message(s) not yet at the sink, RSS {rss // 1024} MiB")
    print(f"  injected (answered 250): {len(injected)}; refused or cut by a kill and retried: {sum(i.refused for i in injectors)}")
    print(f"  delivered: {sum(1 for a in injected if received.get(a))}; lost: {len(lost)}; duplicates: {duplicates}; "
          f"delivered without a 250 to the client (accepted as the node died): {len(unasked)}")
    print(f"  RSS: {started_rss // 1024 if started_rss else 0} MiB 30 s after the first start, "
          f"{final_rss // 1024} MiB at the end of traffic")
    if lost:
        print(f"  LOST: {sorted(lost)[:20]}")
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
