"""Matching committed events to subscriptions: the event log's `seq` is the dispatcher's cursor.

One dispatcher runs at a time (it locks the cursor row; others skip). A pass reads the events
after the cursor, makes a pending delivery for each (active subscription, matching event) pair
and moves the cursor, all in one transaction: a crash before the commit leaves the cursor where
it was, and the next pass reads the same events again, whose deliveries a unique index keeps
from being made twice. So every committed event is matched, after its commit, at least once.

On PostgreSQL a sequence number is taken at insert, not at commit: a reader can see seq 12
while 11 belongs to a transaction still running. Such holes are remembered as gaps (ranges,
with the time first seen) and looked for again on each pass until they are older than the gap
window (longer than any transaction that writes events), after which they are taken for rolled
back. SQLite has one writer at a time, so a hole there is never a transaction in flight.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from leadbase.core import clock
from leadbase.db import webhooks
from leadbase.db.models import event, webhook_cursor, webhook_subscription
from leadbase.events.filters import matches
from leadbase.events.payload import event_document

log = logging.getLogger("leadbase.webhooks")

Row = dict[str, Any]
Gap = tuple[int, int, str]  # first and last missing seq, when first seen (ISO)


@dataclass(frozen=True)
class DispatchSettings:
    gap_seconds: float = 300.0
    batch: int = 500
    # A subscription with this many deliveries waiting is paused and its queue cleared (Close).
    backlog_limit: int = 100_000


@dataclass(frozen=True)
class Handoff:
    """What the caller can send right after a pass commits: up to `limit` of the deliveries it
    makes are claimed by it in the pass (leased for `lease`) and returned with what they need."""

    lease: timedelta
    limit: int


@dataclass
class Dispatched:
    matched: int = 0
    claimed: webhooks.Claimed = field(default_factory=webhooks.Claimed)


def _nothing_new(conn: Connection) -> bool:
    """Whether the log holds nothing past the cursor and no gap is open (one round trip)."""
    newest = select(func.coalesce(func.max(event.c.seq), 0)).scalar_subquery()
    state = conn.execute(select(webhook_cursor.c.high, webhook_cursor.c.gaps, newest)).first()
    if state is None:
        return False
    return bool(state[2] <= state.high and not state.gaps)


def dispatch(engine: Engine, settings: DispatchSettings, handoff: Handoff | None = None) -> Dispatched:
    """One pass: how many events it matched (0 when there was nothing to do) and, with `handoff`,
    the deliveries it claimed for the caller to send now."""
    with engine.connect() as conn:
        with conn.begin():
            if _nothing_new(conn):
                return Dispatched()
        conn.execution_options(writes=True)
        with conn.begin():
            state = webhooks.lock_cursor(conn)
            if state is None:
                return Dispatched()  # another worker is dispatching
            return _pass(conn, state, settings, handoff)


def _pass(conn: Connection, state: Row, settings: DispatchSettings, handoff: Handoff | None) -> Dispatched:
    now = clock.now()
    high: int = state["high"]
    gaps: list[Gap] = [(g[0], g[1], g[2]) for g in (state["gaps"] or {}).get("ranges", [])]
    postgres = conn.dialect.name == "postgresql"
    if not conn.execute(
        select(webhook_subscription.c.id).where(webhook_subscription.c.status == "active").limit(1)
    ).first():
        # Nobody listens: skip to the end of the log without reading it.
        newest = conn.execute(select(func.coalesce(func.max(event.c.seq), 0))).scalar_one()
        webhooks.save_cursor(conn, max(high, newest), {})
        return Dispatched()
    fresh = [
        dict(r)
        for r in conn.execute(
            select(event).where(event.c.seq > high).order_by(event.c.seq).limit(settings.batch)
        ).mappings()
    ]
    found: list[Row] = []
    kept: list[Gap] = []
    for lo, hi, seen in gaps:
        rows = [
            dict(r)
            for r in conn.execute(
                select(event).where(event.c.seq.between(lo, hi)).order_by(event.c.seq).limit(settings.batch)
            ).mappings()
        ]
        found += rows
        kept += _still_missing(lo, hi, seen, [r["seq"] for r in rows])
    expected = high + 1
    for row in fresh:
        if row["seq"] > expected and postgres:
            kept.append((expected, row["seq"] - 1, now.isoformat()))
        expected = row["seq"] + 1
    if fresh:
        high = fresh[-1]["seq"]
    window = timedelta(seconds=settings.gap_seconds)
    kept = [g for g in kept if now - datetime.fromisoformat(g[2]) < window]
    events = found + fresh
    claimed = _match(conn, events, settings, handoff)
    webhooks.save_cursor(conn, high, {"ranges": [list(g) for g in kept]} if kept else {})
    return Dispatched(len(events), claimed)


def _still_missing(lo: int, hi: int, seen: str, present: list[int]) -> list[Gap]:
    """The parts of [lo, hi] not in `present` (sorted; a read cut short leaves the rest missing)."""
    out: list[Gap] = []
    start = lo
    for seq in present:
        if seq > start:
            out.append((start, seq - 1, seen))
        start = seq + 1
    if start <= hi:
        out.append((start, hi, seen))
    return out


def _match(
    conn: Connection, events: list[Row], settings: DispatchSettings, handoff: Handoff | None
) -> webhooks.Claimed:
    if not events:
        return webhooks.Claimed()
    orgs = sorted({e["organization_id"] for e in events})
    subs: dict[str, list[Row]] = {}
    stmt = select(webhook_subscription).where(
        webhook_subscription.c.status == "active", webhook_subscription.c.organization_id.in_(orgs)
    )
    for found in conn.execute(stmt).mappings():
        subs.setdefault(found["organization_id"], []).append(dict(found))
    pairs: list[tuple[Row, Row]] = []
    for ev in events:
        candidates = subs.get(ev["organization_id"])
        if not candidates:
            continue
        document: dict[str, Any] | None = None
        for sub in candidates:
            # A subscription hears of what happened after it was made, not the log before it.
            if ev["date_created"] < sub["date_created"]:
                continue
            for entry in sub["events"]:
                if entry.get("object_type") != ev["object_type"] or entry.get("action") != ev["action"]:
                    continue
                condition = entry.get("extra_filter")
                if condition:
                    document = document or event_document(ev)
                    if not matches(condition, document):
                        continue
                pairs.append((sub, ev))
                break
    taken = webhooks.add_deliveries(
        conn, pairs, lease=handoff.lease if handoff else None, claim=handoff.limit if handoff else 0
    )
    paused = set()
    for sub_id in {sub["id"] for sub, _ in pairs}:
        if webhooks.pending_count(conn, sub_id, settings.backlog_limit) >= settings.backlog_limit:
            log.warning("webhook %s paused: %d deliveries waiting", sub_id, settings.backlog_limit)
            webhooks.pause(conn, sub_id, "backlog")
            paused.add(sub_id)
    taken = [row for row in taken if row["subscription_id"] not in paused]  # dropped by the pause
    subs_by_id = {sub["id"]: sub for sub, _ in pairs}
    events_by_id = {ev["id"]: ev for ev in events}
    return webhooks.Claimed(
        taken,
        {row["subscription_id"]: subs_by_id[row["subscription_id"]] for row in taken},
        {row["event_id"]: events_by_id[row["event_id"]] for row in taken},
    )
