#!/usr/bin/env python3
"""Mixed HTTP/1.1 traffic for leaks.sh: good reviews and every error path, over TLS to
127.0.0.1, ROUNDS times. Each case checks the status it gets.

Usage: mixed.py PORT CA REVIEW ROUNDS
Prints: RESULT cases=N unexpected=M [first unexpected ones]
Cases: 200 (/mutate, /validate, chunked, pipelined, keep-alive), 400 (request line, JSON),
404, 405, 411, 413, 415, 431, 408 (a request left incomplete: the server must run with a
short --request-timeout, 2 s), and resets: a handshake cut by RST, a request cut by RST, a
connection closed mid-body.
"""
import socket
import ssl
import struct
import sys
import time

port, ca, review, rounds = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
body = open(review, "rb").read()
context = ssl.create_default_context(cafile=ca)
context.set_alpn_protocols(["http/1.1"])


def connect():
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return context.wrap_socket(raw, server_hostname="localhost")


def post(path, payload, content_type="application/json", extra=b""):
    return (b"POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n"
            % (path, content_type.encode(), len(payload), extra)) + payload


def statuses(sock, count):
    """Reads `count` responses (Content-Length bodies); returns their statuses."""
    data, found = b"", []
    while len(found) < count:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return found
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ")[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return found
            rest += chunk
        if status != 100:
            found.append(status)
        data = rest[length:]
    return found


def exchange(raw_request, count=1):
    sock = connect()
    try:
        sock.sendall(raw_request)
        return statuses(sock, count)
    finally:
        sock.close()


def rst(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 1000]), body[i:i + 1000]) for i in range(0, len(body), 1000)) + b"0\r\n\r\n"
CASES = [
    ("mutate", lambda: exchange(post(b"/mutate", body)), [200]),
    ("validate", lambda: exchange(post(b"/validate", body)), [200]),
    ("chunked", lambda: exchange(b"POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                 b"Transfer-Encoding: chunked\r\n\r\n" + chunked), [200]),
    ("pipelined", lambda: exchange(post(b"/mutate", body) * 3 + b"GET /livez HTTP/1.1\r\nHost: localhost\r\n\r\n", 4), [200] * 4),
    ("http/1.0", lambda: exchange(b"GET /readyz HTTP/1.0\r\n\r\n"), [200]),
    ("bad request line", lambda: exchange(b"GARBAGE\r\n\r\n"), [400]),
    ("bad json", lambda: exchange(post(b"/mutate", b'{"kind":')), [400]),
    ("not a review", lambda: exchange(post(b"/validate", b'{"kind":"Pod"}')), [400]),
    ("unknown path", lambda: exchange(post(b"/nope", body)), [404]),
    ("wrong method", lambda: exchange(b"GET /mutate HTTP/1.1\r\nHost: localhost\r\n\r\n"), [405]),
    ("no length", lambda: exchange(b"POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\r\n"), [411]),
    ("too large", lambda: exchange(b"POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                   b"Content-Length: 99999999\r\n\r\n"), [413]),
    ("media type", lambda: exchange(post(b"/mutate", body, "text/plain")), [415]),
    ("huge head", lambda: exchange(b"GET /livez HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n"), [431]),
]


def incomplete():
    sock = connect()
    sock.sendall(b"POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
    try:
        return statuses(sock, 1)
    finally:
        sock.close()


def resets():
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    rst(raw)  # before the handshake
    sock = connect()
    sock.sendall(post(b"/mutate", body)[:200])
    rst(sock)  # mid-request
    sock = connect()
    sock.sendall(post(b"/mutate", body)[: len(body) // 2])
    sock.close()  # mid-body, orderly
    sock = connect()
    sock.sendall(post(b"/mutate", body) * 20)
    rst(sock)  # while responses are being written
    return [0]


def main():
    cases = unexpected = 0
    report = []
    for r in range(rounds):
        for name, run, expected in CASES + [("resets", resets, [0])] + ([("408", incomplete, [408])] if r == 0 else []):
            cases += 1
            try:
                got = run()
            except OSError as error:
                got = [type(error).__name__]
            if got != expected:
                unexpected += 1
                if len(report) < 5:
                    report.append("%s: got %s, expected %s" % (name, got, expected))
    print("RESULT cases=%d unexpected=%d %s" % (cases, unexpected, "; ".join(report)))


if __name__ == "__main__":
    main()
