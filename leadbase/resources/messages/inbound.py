"""Inbound email and SMS injected through /api/leadbase/inbound/ (what a mail or SMS provider's
webhook would bring): the message becomes an incoming activity on the lead of the contact it
comes from, threaded with what leadbase sent.

An email finds its lead through what it answers first (`in_reply_to`: a Message-ID leadbase
sent, or an email activity's id; `thread_id`: an email thread), then through the contact whose
address sent it. It is created by the email service like any `inbox` email, so its `created`
event (`direction: incoming`) is the one a watcher of replies sees.
"""

from __future__ import annotations

from email.utils import make_msgid, parseaddr
from typing import Any

from sqlalchemy import Text, cast, func, select

from leadbase.core.emails import EmailNotValidError, normalized_email
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db.context import Context
from leadbase.db.fields import Problem
from leadbase.db.models import activity, contact, outbox_message
from leadbase.db.repository import Row
from leadbase.db.resource import resources
from leadbase.resources.messages.base import MessageService
from leadbase.resources.messages.email import EMAIL_PATH
from leadbase.resources.outreach import blocked_among, e164

SMS_PATH = "activity/sms"
# Contacts whose channels mention the address are read to find the one that holds it exactly.
CANDIDATES = 50


def _like(value: str) -> str:
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contact_holding(ctx: Context, column: str, key: str, value: str) -> Row | None:
    """The most recently updated contact of the organization with `value` among its
    `emails`/`phones` (`key` of each entry), compared without case."""
    source = contact.c[column]
    rows = ctx.conn.execute(
        select(contact.c.id, contact.c.lead_id, source)
        .where(
            contact.c.organization_id == ctx.organization_id,
            func.lower(cast(source, Text)).like(_like(value), escape="\\"),
        )
        .order_by(contact.c.date_updated.desc(), contact.c.id)
        .limit(CANDIDATES)
    ).mappings()
    for row in rows:
        entries = row[column] or []
        if any(isinstance(e, dict) and str(e.get(key, "")).lower() == value.lower() for e in entries):
            return dict(row)
    return None


def _text(body: dict[str, Any], name: str, errors: FieldErrors) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        errors.add(name, "Not a valid string.")
        return None
    return value


def _address_list(body: dict[str, Any], name: str, errors: FieldErrors) -> list[str]:
    value = body.get(name)
    items = [value] if isinstance(value, str) else value
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        errors.add(name, "A list of email addresses.")
        return []
    return items


def _sender(body: dict[str, Any], errors: FieldErrors) -> tuple[str, str]:
    raw = body.get("from")
    if not isinstance(raw, str) or not raw.strip():
        errors.add("from", "This field is required.")
        return "", ""
    try:
        return raw.strip(), normalized_email(parseaddr(raw)[1])
    except EmailNotValidError:
        errors.add("from", "Enter a valid email address.")
        return "", ""


def _replied_email(ctx: Context, service: MessageService, body: dict[str, Any]) -> Row | None:
    """The email this one answers: by Message-ID, by activity id, or the latest of a thread."""
    spec = service.spec
    target = body.get("in_reply_to")
    if isinstance(target, str) and target.strip():
        target = target.strip()
        if target.startswith("acti_"):
            return service.repo.find(spec, target)
        found = ctx.conn.execute(
            select(outbox_message.c.activity_id)
            .where(
                outbox_message.c.organization_id == ctx.organization_id, outbox_message.c.message_id == target
            )
            .order_by(outbox_message.c.date_created.desc())
            .limit(1)
        ).first()
        if found is not None:
            return service.repo.find(spec, found.activity_id)
    thread_id = body.get("thread_id")
    if isinstance(thread_id, str) and thread_id:
        latest = ctx.conn.execute(
            select(activity.c.id)
            .where(
                activity.c.organization_id == ctx.organization_id,
                activity.c.type == spec.model_name,
                activity.c.thread_id == thread_id,
            )
            .order_by(activity.c.activity_at.desc(), activity.c.date_created.desc())
            .limit(1)
        ).first()
        if latest is None:
            raise Invalid.field("thread_id", "No email thread with this id.")
        return service.repo.find(spec, latest.id)
    return None


def receive_email(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    spec = resources.get(EMAIL_PATH)
    service = spec.service(ctx, spec)
    assert isinstance(service, MessageService)
    errors = FieldErrors()
    sender, address = _sender(body, errors)
    to = _address_list(body, "to", errors)
    cc = _address_list(body, "cc", errors)
    for name in ("subject", "body_text", "body_html", "message_id", "in_reply_to", "thread_id", "date"):
        _text(body, name, errors)
    errors.raise_if_any()
    replied = _replied_email(ctx, service, body)
    holder = contact_holding(ctx, "emails", "email", address)
    if replied is not None:
        lead_id = replied["lead_id"]
        contact_id = holder["id"] if holder and holder["lead_id"] == lead_id else replied.get("contact_id")
        user_id = replied.get("user_id")
    elif holder is not None:
        lead_id, contact_id, user_id = holder["lead_id"], holder["id"], None
    else:
        raise Invalid.field("from", f"No contact has the address {address}: add it to a contact first.")
    original = service.merged(replied) if replied is not None else {}
    message_id = body.get("message_id") or make_msgid(domain=address.rpartition("@")[2])
    in_reply_to = original.get("message_id") or (body.get("in_reply_to") if replied is None else None)
    create: dict[str, Any] = {
        "lead_id": lead_id,
        "contact_id": contact_id,
        "status": "inbox",
        "sender": sender,
        "to": to,
        "cc": cc,
        "subject": body.get("subject") or "",
        "in_reply_to_id": replied["id"] if replied is not None else None,
    }
    for key in ("body_text", "body_html"):
        if body.get(key) is not None:
            create[key] = body[key]
    if user_id:
        create["user_id"] = user_id
    if body.get("date"):
        create["activity_at"] = body["date"]
    headers = {
        "message_id": message_id,
        "in_reply_to": in_reply_to,
        "references": [*(original.get("references") or []), *([in_reply_to] if in_reply_to else [])],
    }
    return _create_with(service, create, headers)


def receive_sms(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    spec = resources.get(SMS_PATH)
    service = spec.service(ctx, spec)
    assert isinstance(service, MessageService)
    errors = FieldErrors()
    numbers: dict[str, str] = {}
    for name in ("from", "to"):
        try:
            numbers[name] = e164(body.get(name))
        except Problem as problem:
            errors.add(name, str(problem.message))
    text = _text(body, "text", errors)
    _text(body, "date", errors)
    errors.raise_if_any()
    if blocked_among(ctx, [numbers["from"]]):
        raise Invalid.field("from", f"{numbers['from']} is a blocked number: leadbase takes no text from it.")
    last_sent = ctx.conn.execute(
        select(outbox_message.c.lead_id, outbox_message.c.contact_id)
        .where(
            outbox_message.c.organization_id == ctx.organization_id,
            outbox_message.c.channel == "sms",
            outbox_message.c.parties.like(_like(f" {numbers['from']} "), escape="\\"),
        )
        .order_by(outbox_message.c.date_created.desc())
        .limit(1)
    ).first()
    holder = contact_holding(ctx, "phones", "phone", numbers["from"])
    if (
        last_sent is not None
        and last_sent.lead_id
        and service.repo.find(spec.parent("lead_id"), last_sent.lead_id)
    ):
        lead_id, contact_id = last_sent.lead_id, last_sent.contact_id
    elif holder is not None:
        lead_id, contact_id = holder["lead_id"], holder["id"]
    else:
        raise Invalid.field(
            "from", f"No contact has the number {numbers['from']}: add it to a contact first."
        )
    create: dict[str, Any] = {
        "lead_id": lead_id,
        "contact_id": contact_id,
        "status": "inbox",
        "direction": "inbound",
        "local_phone": numbers["to"],
        "remote_phone": numbers["from"],
        "text": text or "",
    }
    if body.get("date"):
        create["activity_at"] = body["date"]
    return _create_with(service, create, {})


def _create_with(service: MessageService, body: dict[str, Any], kept: Row) -> dict[str, Any]:
    """Create the activity, with what only a received message has (its headers) kept in its
    payload, in one operation: one `created` event showing them."""
    with service.unit.operation():
        created = service.create(body)
        if kept:
            row = service.unit.changing(service.spec, service.repo.get(service.spec, created["id"]))
            service.change(row, service.split(kept, row))
    return service.unit.result(service.spec, service.repo.get(service.spec, created["id"]))
