#!/usr/bin/env python3
"""Connection-storm client for connection-storm.sh. Traffic only to 127.0.0.1; bounded by
its arguments.

storm.py cycles PORT CA tcp|tls COUNT THREADS
    COUNT connect/close cycles (tcp: connect and close; tls: connect, full handshake, close).
    Prints: RESULT cycles ok=N failed=M seconds=S
storm.py idle PORT CA COUNT DIR
    Opens COUNT TLS connections, each answering one GET /livez (keep-alive), and holds them.
    Connections the server refuses (closed at once: handshake or request fails) are counted.
    Then writes DIR/ready, waits (at most 120 s) for DIR/go, sends GET /readyz on every held
    connection, prints RESULT idle opened=N refused=M served=K, and closes them all.
"""
import os
import socket
import ssl
import sys
import threading
import time

REQUEST = b"GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n"


def context(ca):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def read_response(sock):
    """Reads one small HTTP/1.1 response with Content-Length; returns its status or None."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            return None
        body += chunk
    return int(head.split(b" ")[1])


def cycles(port, ca, mode, count, threads):
    ctx = context(ca)
    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()
    errors = {}

    def worker(n):
        ok = failed = 0
        for _ in range(n):
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                if mode == "tls":
                    sock = ctx.wrap_socket(sock, server_hostname="localhost")
                sock.close()
                ok += 1
            except OSError as error:
                failed += 1
                with lock:
                    errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
        with lock:
            counts["ok"] += ok
            counts["failed"] += failed

    start = time.monotonic()
    pool = [threading.Thread(target=worker, args=(count // threads + (1 if i < count % threads else 0),))
            for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    print("RESULT cycles mode=%s ok=%d failed=%d seconds=%.1f errors=%s"
          % (mode, counts["ok"], counts["failed"], time.monotonic() - start, errors or "none"))


def idle(port, ca, count, directory):
    ctx = context(ca)
    held = []
    refused = 0
    lock = threading.Lock()

    def opener(n):
        nonlocal refused
        for _ in range(n):
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                tls = ctx.wrap_socket(sock, server_hostname="localhost")
                tls.sendall(REQUEST % b"/livez")
                if read_response(tls) != 200:
                    raise OSError("no answer")
                with lock:
                    held.append(tls)
            except OSError:
                with lock:
                    refused += 1

    threads = 4
    pool = [threading.Thread(target=opener, args=(count // threads + (1 if i < count % threads else 0),))
            for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    open(os.path.join(directory, "ready"), "w").write("%d %d\n" % (len(held), refused))
    deadline = time.monotonic() + 120
    while not os.path.exists(os.path.join(directory, "go")) and time.monotonic() < deadline:
        time.sleep(0.1)
    served = 0
    for tls in held:
        try:
            tls.sendall(REQUEST % b"/readyz")
            if read_response(tls) == 200:
                served += 1
        except OSError:
            pass
    print("RESULT idle opened=%d refused=%d served=%d" % (len(held), refused, served))
    for tls in held:
        tls.close()


def main():
    mode, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "cycles":
        cycles(port, ca, sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    else:
        idle(port, ca, int(sys.argv[4]), sys.argv[5])


if __name__ == "__main__":
    main()
