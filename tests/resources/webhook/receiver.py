"""A real HTTP receiver for webhook tests: a threaded server recording every request."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    # Statuses to answer, in order; 200 once they run out.
    answers: list[int] = field(default_factory=list)
    # Object ids whose deliveries are answered 500, and how many times.
    failing: dict[str, int] = field(default_factory=dict)
    # Set to hold every request until released (a receiver that does not answer in time).
    hold: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def events(self) -> list[dict[str, Any]]:
        return [r.json["event"] for r in self.received]


def verify(key_hex: str, received: Received) -> bool:
    """Close's scheme, written independently of leadbase's code."""
    message = received.headers["close-sig-timestamp"].encode() + received.body
    expected = hmac.new(bytes.fromhex(key_hex), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["close-sig-hash"])


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            receiver = state["r"]
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            with receiver.lock:
                receiver.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, raw)
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                object_id = receiver.received[-1].json.get("event", {}).get("object_id")
                if receiver.failing.get(object_id):
                    receiver.failing[object_id] -= 1
                    status = 500
            receiver.arrived.set()
            if receiver.hold is not None:
                receiver.hold.wait(10)
            body = b'{"ok": true}'
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up (timed out, or was killed)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["r"] = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state["r"]
    finally:
        if state["r"].hold is not None:
            state["r"].hold.set()
        server.shutdown()
        server.server_close()
