#!/usr/bin/env python3
"""Test client for SluiceSMTP's end-to-end tests. Reads one JSON spec from stdin, prints one
JSON result on stdout. Loopback only.

Modes:
  send: smtplib session (EHLO, optional STARTTLS/AUTH, sendmail) -> per-recipient outcome.
  raw:  raw socket: read the greeting, send each chunk (base64) with optional pauses (or wait for
        the text wait_for[i] after chunk i), then read
        until the server closes or read_timeout passes -> everything received.
"""
import base64
import json
import smtplib
import socket
import ssl
import sys
import time


def send(spec):
    result = {}
    s = smtplib.SMTP(spec["host"], spec["port"], local_hostname="client.test", timeout=spec.get("timeout", 10),
                     source_address=(spec.get("source", "127.0.0.1"), 0))
    try:
        s.ehlo("client.test")
        if spec.get("starttls"):
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            s.starttls(context=context)
            s.ehlo("client.test")
        if "auth" in spec:
            s.login(spec["auth"][0], spec["auth"][1])
            result["auth"] = "ok"
        refused = s.sendmail(spec["from"], spec["to"], spec["body"].encode(),
                             mail_options=spec.get("mail_options", []), rcpt_options=spec.get("rcpt_options", []))
        result.update(result="ok", refused={k: [v[0], v[1].decode()] for k, v in refused.items()})
        final = s.noop()
        result["noop"] = final[0]
    except smtplib.SMTPRecipientsRefused as e:
        result.update(result="recipients_refused", refused={k: [v[0], v[1].decode()] for k, v in e.recipients.items()})
    except smtplib.SMTPSenderRefused as e:
        result.update(result="sender_refused", code=e.smtp_code, message=e.smtp_error.decode())
    except smtplib.SMTPDataError as e:
        result.update(result="data_error", code=e.smtp_code, message=e.smtp_error.decode())
    except smtplib.SMTPAuthenticationError as e:
        result.update(result="auth_error", code=e.smtp_code, message=e.smtp_error.decode())
    except smtplib.SMTPNotSupportedError as e:
        result.update(result="not_supported", message=str(e))
    except smtplib.SMTPServerDisconnected as e:
        result.update(result="disconnected", message=str(e))
    finally:
        try:
            s.quit()
        except Exception:
            s.close()
    return result


def raw(spec):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((spec.get("source", "127.0.0.1"), 0))
    sock.settimeout(spec.get("read_timeout", 5))
    sock.connect((spec["host"], spec["port"]))
    received = b""
    closed = False

    def read_some(deadline, lines=None, marker=None):
        nonlocal received, closed
        while not closed and not (marker and marker in received):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            sock.settimeout(remaining)
            try:
                data = sock.recv(65536)
            except socket.timeout:
                return
            except ConnectionResetError:
                closed = True
                return
            if not data:
                closed = True
                return
            received += data
            if lines and received.count(b"\r\n") >= lines:
                return

    read_some(time.monotonic() + 2, 1)  # greeting
    markers = spec.get("wait_for", [])
    for index, chunk in enumerate(spec.get("chunks", [])):
        try:
            sock.sendall(base64.b64decode(chunk))
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        if index < len(markers) and markers[index]:
            # wait (generously, the machine may be loaded) until the server has answered this chunk
            read_some(time.monotonic() + 30, None, markers[index].encode())
        elif spec.get("pause"):
            read_some(time.monotonic() + spec["pause"], spec.get("stop_after"))
    if spec.get("abort"):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()
        return {"received": received.decode("latin-1"), "closed": False}
    read_some(time.monotonic() + spec.get("read_timeout", 5), spec.get("stop_after"))
    sock.close()
    return {"received": received.decode("latin-1"), "closed": closed}


def main():
    spec = json.load(sys.stdin)
    result = send(spec) if spec["mode"] == "send" else raw(spec)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
