#!/usr/bin/env python3
"""Reliability figures for RELIABILITY.md: `sluice serve` (a release build) on loopback, attacked
the way a hostile tester did. Everything stays on 127.0.0.1; delivery goes to a local smtp-sink.

Usage: bench/reliability.py [descriptors|slowloris|trickle|memory|diskfull|all] [--sluice PATH]

  descriptors  1,100 idle connections against a node limited to 1,024 descriptors: greetings,
               refusals, node CPU, `sluice show status` and a real message meanwhile
  slowloris    50 clients sending a command, then message content, one byte a second
  trickle      two clients trickling 30 MB messages in 100-byte writes: node CPU, against the
               same two messages sent at once
  memory       16 concurrent 24 MB messages: accepted and refused, peak and settled RSS
  diskfull     (root) a spool on a 64 MB tmpfs filled, then freed, then the node restarted
"""
import argparse, os, resource, shutil, signal, smtplib, socket, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class Node:
    """`sluice serve` with a generated configuration, a local smtp-sink as every route."""

    def __init__(self, sluice, extra="", descriptors=None, spool=None, workdir=None):
        self.dir = workdir or tempfile.mkdtemp(prefix="sluice-rel-")
        self.sink_port, self.port = free_port(), free_port()
        self.socket = os.path.join(self.dir, "control.sock")
        self.spool = spool or os.path.join(self.dir, "spool")
        self.sluice = sluice
        self.sink = subprocess.Popen(
            ["smtp-sink", "-c"] + (["-u", "nobody"] if os.geteuid() == 0 else [])
            + [f"127.0.0.1:{self.sink_port}", "1000"],
            stdout=open(os.path.join(self.dir, "sink.out"), "w"), stderr=subprocess.DEVNULL)
        with open(os.path.join(self.dir, "sluice.conf"), "w") as f:
            f.write(f"""host-name node.test
spool {self.spool}
control-socket {self.socket}
smtp-listener 127.0.0.1:{self.port}
{extra}
<source 127.0.0.1>
    always-allow-relaying yes
    max-message-size 64M
</source>
<domain *>
    route [127.0.0.1]:{self.sink_port}
    max-smtp-out 8
</domain>
""")
        self.descriptors = descriptors
        self.start()

    def start(self):
        command = f'exec "{self.sluice}" serve --config "{self.dir}/sluice.conf"'
        if self.descriptors:
            command = f"ulimit -n {self.descriptors} && " + command
        self.log = open(os.path.join(self.dir, "node.log"), "a")
        self.process = subprocess.Popen(["/bin/sh", "-c", command], stdout=subprocess.DEVNULL, stderr=self.log)
        try:
            wait_port(self.port, timeout=30)
        except RuntimeError:
            sys.stderr.write(open(os.path.join(self.dir, "node.log")).read()[-2000:])
            raise
        wait_port(self.sink_port)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def close(self):
        if self.process.poll() is None:
            self.stop()
        self.sink.kill()
        self.sink.wait()

    def status(self):
        started = time.time()
        out = subprocess.run([self.sluice, "show", "status", "--json", "--socket", self.socket],
                             capture_output=True, text=True, timeout=30)
        return out.returncode, time.time() - started

    def sink_messages(self):
        text = open(os.path.join(self.dir, "sink.out")).read()
        i = text.rfind("mesg=")
        return int("".join(c for c in text[i + 5:i + 15] if c.isdigit()) or 0) if i >= 0 else 0


def greeting(sock):
    data = b""
    sock.settimeout(10)
    try:
        while not data.endswith(b"\n"):
            chunk = sock.recv(512)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        return "(timeout)"
    return data.decode(errors="replace").strip()


def descriptors(sluice):
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, max(4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1])))
    node = Node(sluice, descriptors=1024)
    try:
        held, served, refused, silent = [], 0, 0, 0
        for _ in range(1100):
            s = socket.create_connection(("127.0.0.1", node.port))
            held.append(s)
            g = greeting(s)
            if g.startswith("220"):
                served += 1
            elif g.startswith("421 4.3.2"):
                refused += 1
            else:
                silent += 1
        print(f"descriptors: 1,100 connections to a 1,024-descriptor node: {served} served (220), "
              f"{refused} refused (421 4.3.2), {silent} without a greeting")
        before, started = cpu_seconds(node.process.pid), time.time()
        latencies, sent, turned_away = [], 0, 0
        while time.time() - started < 10:
            code, seconds = node.status()
            latencies.append(seconds if code == 0 else float("inf"))
            try:
                with smtplib.SMTP("127.0.0.1", node.port, timeout=10) as c:
                    c.sendmail("a@origin.test", ["b@example.test"], "Subject: t\r\n\r\nhello\r\n")
                    sent += 1
            except smtplib.SMTPException as e:
                if "4.3.2" not in str(e):
                    print("  a legitimate client failed:", e)
                turned_away += 1
            time.sleep(0.5)
        cpu = cpu_seconds(node.process.pid) - before
        wall = time.time() - started
        print(f"  node CPU while held: {100 * cpu / wall:.1f}% of a core over {wall:.1f} s; "
              f"`sluice show status` answered {len(latencies)}/{len(latencies)} times, "
              f"max {1000 * max(latencies):.0f} ms; a new client while full: {sent} served, {turned_away} got 421 4.3.2")
        for s in held:
            s.close()
    finally:
        node.close()


def trickle_client(port, body, chunk, pause_every, results, index):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = s.makefile("rb")
    def expect(prefix):
        while True:
            line = f.readline().decode()
            if line[3:4] != "-":
                if not line.startswith(prefix):
                    raise RuntimeError(f"expected {prefix}, got {line!r}")
                return line
    expect("220")
    s.sendall(b"EHLO trickle.test\r\n"); expect("250")
    s.sendall(b"MAIL FROM:<a@origin.test>\r\n"); expect("250")
    s.sendall(b"RCPT TO:<b@example.test>\r\n"); expect("250")
    s.sendall(b"DATA\r\n"); expect("354")
    if chunk is None:
        s.sendall(body)
    else:
        for n, i in enumerate(range(0, len(body), chunk)):
            s.send(body[i:i + chunk])
            if pause_every and n % pause_every == pause_every - 1:
                time.sleep(0.005)
    s.sendall(b".\r\n")
    results[index] = expect("")
    s.sendall(b"QUIT\r\n")
    s.close()


def message_body(size):
    line = b"x" * 998 + b"\r\n"
    return b"Subject: large\r\n\r\n" + line * (size // len(line))


def trickle(sluice):
    node = Node(sluice)
    try:
        body = message_body(30 << 20)
        for label, chunk, pause in [("at once", None, 0), ("trickled, 100-byte writes", 100, 50)]:
            results = [None, None]
            before, started = cpu_seconds(node.process.pid), time.time()
            threads = [threading.Thread(target=trickle_client, args=(node.port, body, chunk, pause, results, i))
                       for i in range(2)]
            for t in threads: t.start()
            for t in threads: t.join()
            cpu, wall = cpu_seconds(node.process.pid) - before, time.time() - started
            print(f"trickle: two 30 MB messages {label}: {wall:.1f} s, node CPU {cpu:.2f} s "
                  f"= {100 * cpu / wall:.1f}% of a core; replies {[r.strip()[:12] for r in results]}")
    finally:
        node.close()


def memory(sluice):
    node = Node(sluice)
    try:
        body = message_body(24 << 20)
        results = [None] * 16
        base = memory_kib(node.process.pid, "VmRSS")
        def send(i):
            try:
                trickle_client(node.port, body, None, 0, results, i)
            except RuntimeError as e:
                results[i] = str(e)
        threads = [threading.Thread(target=send, args=(i,)) for i in range(16)]
        started = time.time()
        for t in threads: t.start()
        for t in threads: t.join()
        accepted = sum(1 for r in results if r and r.startswith("250"))
        refused = sum(1 for r in results if r and "452 4.3.1" in r)
        deadline = time.time() + 120
        while node.sink_messages() < accepted and time.time() < deadline:
            time.sleep(0.5)
        time.sleep(5)
        peak = memory_kib(node.process.pid, "VmHWM")
        settled = memory_kib(node.process.pid, "VmRSS")
        print(f"memory: 16 concurrent 24 MB messages in {time.time() - started:.1f} s: {accepted} accepted (250), "
              f"{refused} refused (452 4.3.1); RSS before {base // 1024} MiB, peak {peak // 1024} MiB, "
              f"settled {settled // 1024} MiB after {node.sink_messages()} delivered")
    finally:
        node.close()


def slowloris(sluice):
    node = Node(sluice, extra="smtp-in-command-timeout 10s")
    try:
        def loris(in_data, results, i):
            s = socket.create_connection(("127.0.0.1", node.port))
            f = s.makefile("rb")
            f.readline()
            if in_data:
                s.sendall(b"EHLO l.test\r\nMAIL FROM:<a@origin.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n")
                while not f.readline().startswith(b"354"):
                    pass
            started = time.time()
            s.settimeout(1.2)
            reply = b""
            while time.time() - started < 300:
                try:
                    s.send(b"x")
                    data = s.recv(512)
                    if not data:
                        break
                    reply += data
                    if b"\n" in data:
                        break
                except socket.timeout:
                    continue
                except OSError:
                    break
            results[i] = (time.time() - started, reply.decode(errors="replace").strip())
            s.close()
        for in_data, label in [(False, "a command at 1 byte/s (smtp-in-command-timeout 10s)"),
                               (True, "message content at 1 byte/s (smtp-in-min-data-rate 256 B/s over 30 s)")]:
            results = [None] * 50
            threads = [threading.Thread(target=loris, args=(in_data, results, i)) for i in range(50)]
            for t in threads: t.start()
            for t in threads: t.join()
            times = sorted(r[0] for r in results)
            print(f"slowloris: 50 clients sending {label}: closed after {times[0]:.1f}-{times[-1]:.1f} s "
                  f"with {results[0][1][:40]!r}")
    finally:
        node.close()


def send_many(port, n, tag):
    codes = {}
    for i in range(n):
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as c:
                c.sendmail("a@origin.test", [f"{tag}{i}@example.test"], "Subject: t\r\n\r\n" + "y" * 20000)
                codes["250"] = codes.get("250", 0) + 1
        except smtplib.SMTPResponseException as e:
            key = f"{e.smtp_code} {e.smtp_error.decode()[:5]}"
            codes[key] = codes.get(key, 0) + 1
    return codes


def diskfull(sluice):
    if os.geteuid() != 0:
        print("diskfull: needs root to mount a tmpfs; skipped")
        return
    for size in (20, 256):
        work = tempfile.mkdtemp(prefix="sluice-rel-")
        spool = os.path.join(work, "spool")
        os.makedirs(spool)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}m", "tmpfs", spool], check=True)
        node = None
        try:
            node = Node(sluice, spool=spool, workdir=work)
            print(f"diskfull: {size} MB tmpfs spool, default settings (64 MB segments, min-free-space 64M): "
                  f"{send_many(node.port, 20, 'a')}")
            if size < 64:
                line = next((l.strip() for l in open(os.path.join(work, "node.log")) if "min-free-space" in l), "")
                print(f"  start-up line: {line[line.find('spool:'):]}")
                continue
            ballast = os.path.join(spool, "ballast")
            subprocess.run(["dd", "if=/dev/zero", f"of={ballast}", "bs=1M", "count=1000"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(f"  file system filled by another writer: {send_many(node.port, 20, 'c')}")
            os.remove(ballast)
            print(f"  space freed, no restart: {send_many(node.port, 20, 'd')}")
            deadline = time.time() + 60
            while node.sink_messages() < 40 and time.time() < deadline:
                time.sleep(0.2)
            delivered = node.sink_messages()
            node.stop()
            node.start()
            time.sleep(3)
            print(f"  delivered before the restart: {delivered}; after the restart: {node.sink_messages()}")
        finally:
            if node:
                node.close()
            subprocess.run(["umount", "-l", spool])
            shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", nargs="?", default="all", choices=["descriptors", "slowloris", "trickle", "memory", "diskfull", "all"])
    parser.add_argument("--sluice", default=os.path.join(ROOT, ".build/release/sluice"))
    args = parser.parse_args()
    for name in ["descriptors", "slowloris", "trickle", "memory", "diskfull"]:
        if args.what in (name, "all"):
            globals()[name](args.sluice)


if __name__ == "__main__":
    main()
