#!/usr/bin/env python3
"""HTTP/1.1 load client for shutdown-under-load.sh: THREADS workers POST a review to /mutate
over TLS on 127.0.0.1, reusing a connection until a response says `Connection: close`, and
record every request: the time its last byte was written, the outcome and the reason.
Bounded: stops after SECONDS, or once connections have been refused for 1 s in a row.

Usage: load_client.py PORT CA REVIEW THREADS SECONDS OUT.tsv
OUT.tsv lines: <unix time request written, or of the failed connect> <ok|refused|failed> <detail>
"""
import socket
import ssl
import sys
import threading
import time


def read_response(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed before the response head (%d bytes)" % len(data))
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and b"close" in value.lower():
            close = True
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed mid-body")
        body += chunk
    return status, close


def main():
    port, ca, review, threads, seconds, out = sys.argv[1:7]
    port, threads, seconds = int(port), int(threads), float(seconds)
    body = open(review, "rb").read()
    request = (b"POST /mutate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % len(body)) + body
    context = ssl.create_default_context(cafile=ca)
    context.set_alpn_protocols(["http/1.1"])
    records, lock = [], threading.Lock()
    end = time.time() + seconds
    refused_since = [None]

    def worker():
        sock = None
        while time.time() < end:
            if refused_since[0] is not None and time.time() - refused_since[0] > 1:
                break
            if sock is None:
                try:
                    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
                    sock = context.wrap_socket(raw, server_hostname="localhost")
                except ConnectionRefusedError:
                    with lock:
                        records.append((time.time(), "refused", "connect"))
                        if refused_since[0] is None:
                            refused_since[0] = time.time()
                    time.sleep(0.01)
                    continue
                except OSError as error:
                    with lock:
                        records.append((time.time(), "refused", "handshake:" + type(error).__name__))
                    sock = None
                    time.sleep(0.01)
                    continue
            try:
                sock.sendall(request)
                written = time.time()
            except OSError as error:
                with lock:
                    records.append((time.time(), "failed", "write:" + type(error).__name__))
                sock.close()
                sock = None
                continue
            try:
                status, close = read_response(sock)
                outcome = ("ok", str(status)) if status == 200 else ("failed", "status:%d" % status)
            except (OSError, EOFError, ValueError) as error:
                outcome, close = ("failed", "read:%s:%s" % (type(error).__name__, error)), True
            with lock:
                records.append((written,) + outcome)
            if close:
                sock.close()
                sock = None
        if sock is not None:
            sock.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    with open(out, "w") as f:
        for written, outcome, detail in sorted(records):
            f.write("%.6f\t%s\t%s\n" % (written, outcome, detail.replace("\t", " ").replace("\n", " ")))


if __name__ == "__main__":
    main()
