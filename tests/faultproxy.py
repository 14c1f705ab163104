"""A fault-injecting HTTP proxy on 127.0.0.1, in front of a real SQS server (moto).

One request per connection: the proxy reads the request, then does what `mode` says, then closes
the connection, so `requests` counts every attempt the dashboard made (retries included).

Modes: pass, slow (wait `delay`, then pass), refuse (close at once, unread), hang (accept, never
answer), reset (pass, but cut the answer halfway with a TCP reset), and canned answers: 503 (a
load balancer's HTML page), throttle (SQS's JSON throttling error), malformed (a 200 whose body
is not JSON), html (a 200 that is a proxy's login page), empty (a 200 with no body). A mode
that reads the request can be kept to one SQS action (`only`): the others pass.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from urllib.parse import urlsplit

MODES = (
    "pass",
    "slow",
    "refuse",
    "hang",
    "reset",
    "503",
    "throttle",
    "malformed",
    "html",
    "empty",
)


def _answer(status: str, content_type: str, body: bytes, extra: str = "") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        f"{extra}Connection: close\r\n\r\n"
    )
    return head.encode() + body


_THROTTLE = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
CANNED = {
    "503": _answer(
        "503 Service Unavailable",
        "text/html",
        b"<html><body><h1>503 Service Temporarily Unavailable</h1><hr>nginx</body></html>",
    ),
    "throttle": _answer(
        "400 Bad Request",
        "application/x-amz-json-1.0",
        _THROTTLE,
        "x-amzn-query-error: ThrottlingException;Sender\r\n",
    ),
    "malformed": _answer("200 OK", "application/x-amz-json-1.0", b"QueueUrl=not-json; ok=1"),
    "html": _answer(
        "200 OK",
        "text/html",
        b"<!doctype html><html><body><form>Sign in to the corporate proxy</form></body></html>",
    ),
    "empty": _answer("200 OK", "application/x-amz-json-1.0", b""),
}


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.mode = "pass"
        self.delay = 0.0
        self.only = ""
        self.requests = 0  # connections accepted: one per attempt
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def set(self, mode: str, delay: float = 0.0, *, only: str = "") -> None:
        """`only`: an SQS action (ChangeMessageVisibilityBatch, say) whose requests alone get
        `mode`; refuse and hang act before a request is read, on every one."""
        assert mode in MODES, mode
        assert not (only and mode in ("refuse", "hang")), mode
        self.mode, self.delay, self.only = mode, delay, only

    def count(self) -> int:
        with self._lock:
            return self.requests

    def reset_count(self) -> None:
        with self._lock:
            self.requests = 0

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._listener.close()
        with self._lock:
            for conn in self._held:
                conn.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.requests += 1
            serve = threading.Thread(target=self._serve, args=(conn, self.mode, self.only))
            serve.daemon = True
            serve.start()

    def _serve(self, conn: socket.socket, mode: str, only: str = "") -> None:
        try:
            if mode == "refuse":
                conn.close()
                return
            if mode == "hang":
                with self._lock:
                    self._held.append(conn)
                return
            request = _read_request(conn)
            if only and _action(request) != only:
                mode = "pass"
            if mode in CANNED:
                conn.sendall(CANNED[mode])
            else:
                if mode == "slow":
                    time.sleep(self.delay)
                answer = self._forward(request)
                if mode == "reset":
                    conn.sendall(answer[: len(answer) // 2])
                    # SO_LINGER 0: close sends a TCP reset, not a polite end of stream.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                else:
                    conn.sendall(answer)
            conn.close()
        except OSError:
            conn.close()

    def _forward(self, request: bytes) -> bytes:
        head, _, body = request.partition(b"\r\n\r\n")
        lines = [
            line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")
        ]
        with socket.create_connection(self._upstream, timeout=30) as upstream:
            upstream.sendall(b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body)
            chunks = []
            while chunk := upstream.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def _action(request: bytes) -> str:
    """The SQS action of a request in the JSON protocol (X-Amz-Target: AmazonSQS.<action>)."""
    head = request.partition(b"\r\n\r\n")[0]
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"x-amz-target":
            return value.strip().decode().rpartition(".")[2]
    return ""


def _read_request(conn: socket.socket) -> bytes:
    conn.settimeout(30)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body
