"""Webhook delivery's writes: the dispatcher's cursor, delivery rows, attempts and subscription health.

Subscriptions themselves are written by their resource's service like any Close object (with
events); what the workers write here is their bookkeeping, which Close records no events for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from leadbase.core import clock
from leadbase.core.ids import SHORT, new_id
from leadbase.db.models import event, webhook_cursor, webhook_delivery, webhook_subscription

Row = dict[str, Any]

PENDING = "pending"
SUCCEEDED = "succeeded"
FAILED = "failed"
DROPPED = "dropped"
CURSOR_ID = "events"

d = webhook_delivery


# ---- the dispatcher's place in the event log -------------------------------------------------


def lock_cursor(conn: Connection) -> Row | None:
    """The cursor, locked for this transaction; None when another dispatcher holds it.

    Created at the log's current end the first time (a new server delivers no history).
    """
    stmt = select(webhook_cursor).where(webhook_cursor.c.id == CURSOR_ID)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    row = conn.execute(stmt).mappings().first()
    if row is not None:
        return dict(row)
    high = conn.execute(select(func.coalesce(func.max(event.c.seq), 0))).scalar_one()
    values = {"id": CURSOR_ID, "high": high, "gaps": {}, "date_updated": clock.now()}
    conn.execute(_insert_ignoring_duplicates(conn, webhook_cursor), [values])
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None


def save_cursor(conn: Connection, high: int, gaps: dict[str, Any]) -> None:
    conn.execute(
        update(webhook_cursor)
        .where(webhook_cursor.c.id == CURSOR_ID)
        .values(high=high, gaps=gaps, date_updated=clock.now())
    )


# ---- deliveries ------------------------------------------------------------------------------


def _insert_ignoring_duplicates(conn: Connection, table: Any) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


@dataclass
class Claimed:
    """Deliveries claimed by one worker, with the subscriptions and events they need to be sent."""

    deliveries: list[Row] = field(default_factory=list)
    subscriptions: dict[str, Row] = field(default_factory=dict)
    events: dict[str, Row] = field(default_factory=dict)


def add_deliveries(
    conn: Connection, pairs: list[tuple[Row, Row]], *, lease: timedelta | None = None, claim: int = 0
) -> list[Row]:
    """A pending delivery per (subscription, event) pair; one already made is left as it is.

    With `claim`, up to that many of the new deliveries are made already claimed by the caller
    (attempt 1, leased for `lease`), who sends them right after the commit: no poll and no claim
    stand between an event and its first attempt. Only the first delivery of an object to a
    subscription with nothing of that object pending is taken, so the order per object holds.
    The claimed rows are returned (a pair whose delivery existed already is never among them).
    """
    if not pairs:
        return []
    now = clock.now()
    rows = [
        {
            "id": new_id("whdel", SHORT),
            "organization_id": sub["organization_id"],
            "subscription_id": sub["id"],
            "event_id": ev["id"],
            "event_seq": ev["seq"],
            "object_id": ev["object_id"],
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "lease_until": None,
            "claim": None,
            "date_created": now,
        }
        for sub, ev in pairs
    ]
    taken = _first_of_each_object(conn, rows, claim) if claim and lease is not None else []
    for row in taken:
        row.update(attempts=1, lease_until=now + (lease or timedelta()), claim=new_id("claim", SHORT))
    if not taken:
        conn.execute(_insert_ignoring_duplicates(conn, webhook_delivery), rows)
        return []
    inserted = set(
        conn.execute(_insert_ignoring_duplicates(conn, webhook_delivery).returning(d.c.id), rows).scalars()
    )
    return [row for row in taken if row["id"] in inserted]


def _first_of_each_object(conn: Connection, rows: list[Row], limit: int) -> list[Row]:
    """Up to `limit` of `rows` (in order) that are the first of their (subscription, object) in the
    list and have no delivery of that object pending for that subscription already."""
    first: dict[tuple[str, str], Row] = {}
    for row in rows:
        key = (row["subscription_id"], row["object_id"])
        if key not in first:
            first[key] = row
            if len(first) == limit:
                break
    waiting = conn.execute(
        select(d.c.subscription_id, d.c.object_id)
        .where(
            d.c.status == PENDING,
            d.c.subscription_id.in_({k[0] for k in first}),
            d.c.object_id.in_({k[1] for k in first}),
        )
        .distinct()
    )
    for sub_id, object_id in waiting:
        first.pop((sub_id, object_id), None)
    return list(first.values())


def any_due(conn: Connection) -> bool:
    """Whether a delivery may be due (a read that takes no write lock, for idle polls)."""
    now = clock.now()
    due = select(d.c.id).where(d.c.status == PENDING, d.c.next_attempt_at <= now).limit(1)
    return conn.execute(due).first() is not None


def claim_deliveries(conn: Connection, *, lease: timedelta, limit: int) -> list[Row]:
    """Claim due deliveries of active subscriptions (inside the caller's write transaction).

    A delivery waits while an earlier delivery of the same object to the same subscription is
    still pending, so each receiver gets an object's events in the order they happened.
    """
    now = clock.now()
    earlier = d.alias("earlier")
    due = (
        select(d.c.id)
        .join(webhook_subscription, webhook_subscription.c.id == d.c.subscription_id)
        .where(
            d.c.status == PENDING,
            d.c.next_attempt_at <= now,
            (d.c.lease_until.is_(None)) | (d.c.lease_until < now),
            webhook_subscription.c.status == "active",
            ~exists().where(
                and_(
                    earlier.c.subscription_id == d.c.subscription_id,
                    earlier.c.object_id == d.c.object_id,
                    earlier.c.status == PENDING,
                    earlier.c.event_seq < d.c.event_seq,
                )
            ),
        )
        .order_by(d.c.next_attempt_at, d.c.event_seq)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(of=d, skip_locked=True)
    ids = list(conn.execute(due).scalars())
    claimed = []
    for delivery_id in ids:
        row = (
            conn.execute(
                update(d)
                .where(d.c.id == delivery_id)
                .values(lease_until=now + lease, claim=new_id("claim", SHORT), attempts=d.c.attempts + 1)
                .returning(*d.c)
            )
            .mappings()
            .one()
        )
        claimed.append(dict(row))
    return claimed


def record_attempt(conn: Connection, delivery: Row, values: dict[str, Any]) -> bool:
    """Store an attempt's outcome; False (nothing written) when the claim was lost meanwhile."""
    done = conn.execute(
        update(d)
        .where(d.c.id == delivery["id"], d.c.claim == delivery["claim"], d.c.status == PENDING)
        .values(lease_until=None, claim=None, **values)
    )
    return done.rowcount == 1


def redeliver(conn: Connection, organization_id: str, delivery_id: str) -> bool:
    """Send a delivery again as soon as a worker can, whatever became of it."""
    done = conn.execute(
        update(d)
        .where(d.c.id == delivery_id, d.c.organization_id == organization_id)
        .values(status=PENDING, next_attempt_at=clock.now(), lease_until=None, claim=None)
    )
    return done.rowcount == 1


# ---- subscription health ---------------------------------------------------------------------


def subscription_succeeded(conn: Connection, subscription_id: str) -> None:
    conn.execute(
        update(webhook_subscription)
        .where(
            webhook_subscription.c.id == subscription_id,
            webhook_subscription.c.consecutive_failures > 0,
        )
        .values(consecutive_failures=0, failing_since=None)
    )


def subscription_failed(conn: Connection, subscription_id: str, error: dict[str, Any]) -> Row | None:
    """Count a failed attempt; the subscription as it now stands."""
    now = clock.now()
    sub = webhook_subscription
    conn.execute(
        update(sub)
        .where(sub.c.id == subscription_id)
        .values(
            consecutive_failures=sub.c.consecutive_failures + 1,
            failing_since=func.coalesce(sub.c.failing_since, now),
            latest_error=error,
        )
    )
    row = conn.execute(select(sub).where(sub.c.id == subscription_id)).mappings().first()
    return dict(row) if row is not None else None


def pause(conn: Connection, subscription_id: str, reason: str) -> None:
    """Pause a subscription on the system's account and clear its queue, as Close does."""
    now = clock.now()
    conn.execute(
        update(webhook_subscription)
        .where(webhook_subscription.c.id == subscription_id)
        .values(status="paused", pause_reason=reason, date_updated=now)
    )
    drop_pending(conn, subscription_id)


def drop_pending(conn: Connection, subscription_id: str) -> None:
    conn.execute(
        update(d)
        .where(d.c.subscription_id == subscription_id, d.c.status == PENDING)
        .values(status=DROPPED, lease_until=None, claim=None, next_attempt_at=None)
    )


def pending_count(conn: Connection, subscription_id: str, cap: int) -> int:
    """Pending deliveries of a subscription, counted up to `cap` (enough to compare)."""
    inner = (
        select(d.c.id)
        .where(d.c.subscription_id == subscription_id, d.c.status == PENDING)
        .limit(cap)
        .subquery()
    )
    return int(conn.execute(select(func.count()).select_from(inner)).scalar_one())


def first_attempt_deadline(row: Row, window: timedelta) -> datetime:
    created: datetime = row["date_created"]
    return created + window
