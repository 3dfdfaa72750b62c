"""Sending deliveries: claim, POST the signed payload, record the answer, schedule retries.

A worker claims a batch of due deliveries in a short transaction (each gets a lease and a claim
token), sends them with no transaction open, and records each outcome with its token. A worker
that dies mid-send leaves its leases to expire, after which the deliveries are claimed again:
the receiver may get an event twice (at-least-once; `event.id` is the key to deduplicate on),
never zero times. The lease outlasts the request timeout, so an attempt is never sent by two
workers at once.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import Connection, Engine, select

from leadbase.core import clock
from leadbase.db import webhooks
from leadbase.db.models import event, webhook_subscription
from leadbase.events import payload, signing
from leadbase.events.dispatch import Handoff
from leadbase.events.targets import TargetRefused, resolve

log = logging.getLogger("leadbase.webhooks")

Row = dict[str, Any]
RESPONSE_KEPT = 2000  # characters of the receiver's answer kept in the log


@dataclass(frozen=True)
class DeliverySettings:
    timeout_seconds: float = 10.0
    block_private: bool = False
    batch: int = 50
    # Requests of one batch in flight at once.
    concurrency: int = 8
    # Close: exponential backoff with the interval capped at 20 minutes, for 72 hours.
    first_retry_seconds: float = 10.0
    max_retry_seconds: float = 20 * 60
    retry_window: timedelta = timedelta(hours=72)
    # Close pauses a subscription whose deliveries have all failed for 3 days.
    failing_window: timedelta = timedelta(days=3)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.timeout_seconds * 2 + 30)


def retry_delay(settings: DeliverySettings, attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: doubling, capped."""
    return float(min(settings.max_retry_seconds, settings.first_retry_seconds * 2 ** max(0, attempts - 1)))


class Sender:
    """Sends due deliveries over pooled HTTP connections (one client per verify_ssl setting)."""

    def __init__(self, engine: Engine, settings: DeliverySettings) -> None:
        self.engine = engine
        self.settings = settings
        self._clients: dict[bool, httpx.Client] = {}
        self._threads: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def client(self, verify: bool) -> httpx.Client:
        with self._lock:  # the batch's threads ask at once: make one client, not one each
            return self._client(verify)

    def _client(self, verify: bool) -> httpx.Client:
        if verify not in self._clients:
            self._clients[verify] = httpx.Client(
                verify=verify,
                follow_redirects=False,
                timeout=httpx.Timeout(self.settings.timeout_seconds),
                limits=httpx.Limits(max_keepalive_connections=20),
            )
        return self._clients[verify]

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown()
            self._threads = None
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    @property
    def handoff(self) -> Handoff:
        """What the dispatcher may claim for this sender to send at once (one batch's worth)."""
        return Handoff(lease=self.settings.lease, limit=self.settings.batch)

    def run_once(self) -> int:
        """Claim and send one batch of due deliveries; the number attempted."""
        return self.send(self._claim())

    def _claim(self) -> webhooks.Claimed:
        with self.engine.connect() as conn:
            with conn.begin():
                if not webhooks.any_due(conn):
                    return webhooks.Claimed()
            conn.execution_options(writes=True)
            with conn.begin():
                claimed = webhooks.claim_deliveries(
                    conn, lease=self.settings.lease, limit=self.settings.batch
                )
                if not claimed:
                    return webhooks.Claimed()
                subs = {
                    r["id"]: dict(r)
                    for r in conn.execute(
                        select(webhook_subscription).where(
                            webhook_subscription.c.id.in_({c["subscription_id"] for c in claimed})
                        )
                    ).mappings()
                }
                events = {
                    r["id"]: dict(r)
                    for r in conn.execute(
                        select(event).where(event.c.id.in_({c["event_id"] for c in claimed}))
                    ).mappings()
                }
        return webhooks.Claimed(claimed, subs, events)

    def send(self, batch: webhooks.Claimed) -> int:
        """Send deliveries this worker holds the claims of and record each outcome; how many."""
        claimed, subs, events = batch.deliveries, batch.subscriptions, batch.events
        if not claimed:
            return 0

        def outcome(delivery: Row) -> dict[str, Any]:
            sub, ev = subs.get(delivery["subscription_id"]), events.get(delivery["event_id"])
            return self._send(sub, ev, delivery) if sub is not None and ev is not None else _gone(ev)

        # A batch holds at most one delivery per (subscription, object) (claim_deliveries and
        # the dispatcher's handoff), so its requests are independent: they go out side by side
        # over the pooled connections.
        many = len(claimed) > 1
        outcomes = list(self._pool().map(outcome, claimed)) if many else [outcome(claimed[0])]
        with self.engine.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                for delivery, result in zip(claimed, outcomes, strict=True):
                    self._record(conn, delivery, subs.get(delivery["subscription_id"]), result)
        return len(claimed)

    def _pool(self) -> ThreadPoolExecutor:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(
                self.settings.concurrency, thread_name_prefix="leadbase-webhook"
            )
        return self._threads

    def _send(self, sub: Row, ev: Row, delivery: Row) -> dict[str, Any]:
        body = payload.body(sub["id"], payload.event_document(ev))
        timestamp = str(int(clock.now().timestamp()))
        headers = signing.headers(sub["signature_key"], timestamp, body)
        outcome: dict[str, Any] = {"sent_timestamp": timestamp, "last_attempt_at": clock.now()}
        started = time.monotonic()
        try:
            target = resolve(sub["url"], block_private=self.settings.block_private)
            extensions: dict[str, Any] = {}
            if target.host_header:
                headers["host"] = target.host_header
            if target.server_name:
                extensions["sni_hostname"] = target.server_name
            request = self.client(bool(sub["verify_ssl"])).build_request(
                "POST", target.url, content=body, headers=headers, extensions=extensions
            )
            response = self.client(bool(sub["verify_ssl"])).send(request)
            outcome["last_status_code"] = response.status_code
            outcome["last_response"] = response.text[:RESPONSE_KEPT]
            outcome["ok"] = 200 <= response.status_code < 300
            if not outcome["ok"]:
                outcome["last_error"] = f"the receiver answered {response.status_code}"
            else:
                outcome["last_error"] = None
        except TargetRefused as exc:
            outcome.update(ok=False, last_status_code=None, last_error=f"refused: {exc}", last_response=None)
        except httpx.TimeoutException:
            outcome.update(
                ok=False,
                last_status_code=None,
                last_error=f"no answer within {self.settings.timeout_seconds:g}s",
                last_response=None,
            )
        except httpx.HTTPError as exc:
            outcome.update(
                ok=False, last_status_code=None, last_error=f"{type(exc).__name__}: {exc}", last_response=None
            )
        outcome["last_duration_ms"] = int((time.monotonic() - started) * 1000)
        return outcome

    def _record(self, conn: Connection, delivery: Row, sub: Row | None, outcome: dict[str, Any]) -> None:
        ok = bool(outcome.pop("ok"))
        final = bool(outcome.pop("final", False))
        now = clock.now()
        values = dict(outcome)
        if ok:
            values.update(status=webhooks.SUCCEEDED, date_delivered=now, next_attempt_at=None)
        elif (
            final
            or sub is None
            or now >= webhooks.first_attempt_deadline(delivery, self.settings.retry_window)
        ):
            values.update(status=webhooks.FAILED, next_attempt_at=None)
        else:
            delay = retry_delay(self.settings, delivery["attempts"])
            values.update(next_attempt_at=now + timedelta(seconds=delay))
        if not webhooks.record_attempt(conn, delivery, values):
            return  # reclaimed by another worker meanwhile: its outcome stands
        if sub is None:
            return
        if ok:
            webhooks.subscription_succeeded(conn, sub["id"])
            return
        error = {
            "delivery_id": delivery["id"],
            "date": clock.iso(now),
            "status_code": values.get("last_status_code"),
            "message": values.get("last_error"),
        }
        after = webhooks.subscription_failed(conn, sub["id"], error)
        since = after["failing_since"] if after is not None else None
        if since is not None and now - since >= self.settings.failing_window:
            log.warning("webhook %s paused: every delivery failed for 3 days", sub["id"])
            webhooks.pause(conn, sub["id"], "failing")


def _gone(ev: Row | None) -> dict[str, Any]:
    reason = "the subscription was deleted" if ev is not None else "the event is no longer in the log"
    return {"ok": False, "final": True, "last_error": reason, "last_attempt_at": clock.now()}
