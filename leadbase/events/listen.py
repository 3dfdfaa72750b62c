"""`leadbase webhooks listen`: a subscription pointed at this machine, printing and forwarding.

Like `stripe listen`: it starts a small HTTP receiver on a local port, subscribes it through
the API (so it works against any leadbase server the key reaches), prints every delivery as it
arrives (with whether its signature checks out), forwards the same body and headers to the
`--forward-to` URL, and deletes the subscription when stopped.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import orjson

from leadbase.events.signing import signature

FORWARDED = ("content-type", "user-agent", "close-sig-hash", "close-sig-timestamp")


class Listener:
    def __init__(
        self,
        *,
        api_url: str,
        api_key: str,
        events: list[tuple[str, str]],
        forward_to: str | None,
        host: str = "127.0.0.1",
        port: int = 0,
        say: Callable[[str], None] = print,
    ) -> None:
        self.api = httpx.Client(base_url=api_url.rstrip("/") + "/", auth=(api_key, ""), timeout=30)
        self.events = events
        self.forward_to = forward_to
        self.forwarder = httpx.Client(timeout=30, follow_redirects=False)
        self.say = say
        self.key = ""
        self.subscription_id = ""
        self.received = 0
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                status = listener.handle(raw, {k.lower(): v for k, v in self.headers.items()})
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler

    def handle(self, raw: bytes, headers: dict[str, str]) -> int:
        self.received += 1
        stamp = headers.get("close-sig-timestamp", "")
        good = bool(self.key) and hmac.compare_digest(
            signature(self.key, stamp, raw), headers.get("close-sig-hash", "")
        )
        try:
            ev = orjson.loads(raw).get("event", {})
        except (orjson.JSONDecodeError, AttributeError):
            ev = {}
        line = (
            f"<-- {ev.get('object_type')} {ev.get('action')} {ev.get('object_id')} "
            f"[{ev.get('id')}] signature {'ok' if good else 'BAD'}"
        )
        if not self.forward_to:
            self.say(line)
            return 200
        try:
            answer = self.forwarder.post(
                self.forward_to, content=raw, headers={k: headers[k] for k in FORWARDED if k in headers}
            )
        except httpx.HTTPError as exc:
            self.say(f"{line}  --> {self.forward_to} failed: {exc}")
            return 502
        self.say(f"{line}  --> {self.forward_to} {answer.status_code}")
        # The forward's answer is the receiver's answer, so leadbase retries what the app refused.
        return answer.status_code if 200 <= answer.status_code < 600 else 502

    def subscribe(self) -> dict[str, Any]:
        body = {"url": self.url, "events": [{"object_type": o, "action": a} for o, a in self.events]}
        answer = self.api.post("webhook/", json=body)
        if answer.status_code != 201:
            raise RuntimeError(f"could not subscribe ({answer.status_code}): {answer.text}")
        made: dict[str, Any] = answer.json()
        self.key = made["signature_key"]
        self.subscription_id = made["id"]
        return made

    def serve(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve, daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        if self.subscription_id:
            self.api.delete(f"webhook/{self.subscription_id}/")
            self.subscription_id = ""
        self.server.shutdown()
        self.server.server_close()
        self.api.close()
        self.forwarder.close()
