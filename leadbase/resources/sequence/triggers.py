"""What stops a subscription besides a PUT, observed on the event log's write path
(`db/observers.py`), in the transaction of the write that caused it:

- a reply: an incoming email (or SMS) created for the subscribed contact finishes its active and
  paused subscriptions (`finished`, `replied`);
- an unsubscribe: an address added to `/unsubscribe/email/` finishes the subscriptions sending to
  it (`finished`, `unsubscribed`);
- a bounce: a subscription's email that goes to status `error` stops it (`error`, `bounced`).

A deleted contact, lead or sequence deletes its subscriptions (their declared parents).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from leadbase.db.context import Context
from leadbase.db.models import sequence_subscription
from leadbase.db.observers import Event, observe
from leadbase.db.resource import resources
from leadbase.resources.sequence.subscriptions import RUNNING

REPLIED = "replied"
UNSUBSCRIBED = "unsubscribed"
BOUNCED = "bounced"


def _stop_where(ctx: Context, condition: Any, status: str, reason: str) -> None:
    """Stop the organization's running subscriptions matching `condition`: one query to find them."""
    table = sequence_subscription
    rows = ctx.conn.execute(
        select(table).where(
            table.c.organization_id == ctx.organization_id, table.c.status.in_(RUNNING), condition
        )
    ).mappings()
    found = [dict(r) for r in rows]
    if not found:
        return
    spec = resources.get("sequence_subscription")
    service: Any = spec.service(ctx, spec)
    with service.unit.operation():
        for row in found:
            service.stop(row, status, reason)


def _sender_address(data: dict[str, Any]) -> str | None:
    envelope = data.get("envelope") or {}
    senders = envelope.get("from") or []
    first = senders[0] if senders and isinstance(senders[0], dict) else {}
    address = first.get("email")
    return address.lower() if isinstance(address, str) else None


def replied(ctx: Context, events: list[Event]) -> None:
    contacts: set[str] = set()
    addresses: set[tuple[str, str]] = set()
    for event in events:
        data = event.get("data") or {}
        if data.get("direction") not in ("incoming", "inbound"):
            continue
        if data.get("contact_id"):
            contacts.add(data["contact_id"])
        address = _sender_address(data)
        if address and data.get("lead_id"):
            addresses.add((data["lead_id"], address))
    if not contacts and not addresses:
        return
    table = sequence_subscription
    conditions: list[ColumnElement[bool]] = [table.c.contact_id.in_(contacts)] if contacts else []
    conditions += [
        (table.c.lead_id == lead_id) & (func.lower(table.c.contact_email) == address)
        for lead_id, address in addresses
    ]
    _stop_where(ctx, or_(*conditions), "finished", REPLIED)


def unsubscribed(ctx: Context, events: list[Event]) -> None:
    emails = {str((e.get("data") or {}).get("email", "")).lower() for e in events}
    emails.discard("")
    if emails:
        _stop_where(
            ctx, func.lower(sequence_subscription.c.contact_email).in_(emails), "finished", UNSUBSCRIBED
        )


def bounced(ctx: Context, events: list[Event]) -> None:
    ids = {
        (e.get("data") or {}).get("sequence_subscription_id")
        for e in events
        if (e.get("data") or {}).get("status") == "error" and "status" in (e.get("changed_fields") or ())
    }
    ids.discard(None)
    if ids:
        _stop_where(ctx, sequence_subscription.c.id.in_(ids), "error", BOUNCED)


observe("activity.email", "created", replied)
observe("activity.sms", "created", replied)
observe("unsubscribed_email", "created", unsubscribed)
observe("activity.email", "updated", bounced)
