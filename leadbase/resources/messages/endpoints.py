"""leadbase's own API for what messages did, outside Close's namespace (/api/leadbase/),
authenticated by API key like /api/v1/:

- `GET /api/leadbase/outbox/`: what went out (or was tried), newest first; filters `lead_id`,
  `contact_id`, `activity_id`, `address` (an email address or E.164 number among sender and
  recipients), `channel` (email, sms), `status` (sending, sent, error); `_skip`, `_limit`.
- `GET /api/leadbase/outbox/{id}/`: one message; `DELETE` forgets it.
- `DELETE /api/leadbase/outbox/` (same filters): forgets the organization's messages (tests).
- `POST /api/leadbase/inbound/email/` and `/inbound/sms/`: inject a received message (inbound.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import ColumnElement, and_, select, true
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.middleware import EXTRA_PREFIX
from leadbase.api.params import parse_int
from leadbase.api.responses import json_response
from leadbase.api.unit import body_of, run
from leadbase.core import clock
from leadbase.core.errors import Invalid, NotFound
from leadbase.db import outbox as ledger
from leadbase.db.context import Context
from leadbase.db.models import outbox_message
from leadbase.resources.messages.inbound import receive_email, receive_sms

router = APIRouter()
public_router = APIRouter()

OUTBOX = EXTRA_PREFIX + "/outbox/"
INBOUND = EXTRA_PREFIX + "/inbound/"
CHANNELS = {"email", "sms"}
STATUSES = {ledger.SENDING, ledger.SENT, ledger.ERROR}
m = outbox_message


def render(row: dict[str, Any]) -> dict[str, Any]:
    recipients = row["recipients"] or {}
    return {
        "id": row["id"],
        "channel": row["channel"],
        "transport": row["transport"],
        "status": row["status"],
        "error": row["error"],
        "activity_id": row["activity_id"],
        "lead_id": row["lead_id"],
        "contact_id": row["contact_id"],
        "user_id": row["user_id"],
        "from": row["sender"],
        "to": recipients.get("to", []),
        "cc": recipients.get("cc", []),
        "bcc": recipients.get("bcc", []),
        "subject": row["subject"],
        "text": row["body_text"],
        "html": row["body_html"],
        "attachments": row["attachments"],
        "headers": row["headers"],
        "message_id": row["message_id"],
        "date_created": clock.iso(row["date_created"]),
        "date_sent": clock.iso(row["date_sent"]),
    }


def _filters(params: Any) -> ColumnElement[bool]:
    """The list's (and the clear's) conditions from the query string; bad values are 400s."""
    conditions: list[ColumnElement[bool]] = []
    for name in ("lead_id", "contact_id", "activity_id"):
        if params.get(name):
            conditions.append(m.c[name] == params[name])
    for name, allowed in (("channel", CHANNELS), ("status", STATUSES)):
        value = params.get(name)
        if value is not None:
            if value not in allowed:
                raise Invalid({name: f"Not a valid choice: use {', '.join(sorted(allowed))}."})
            conditions.append(m.c[name] == value)
    address = (params.get("address") or "").strip().lower()
    if address:
        escaped = address.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(m.c.parties.like(f"% {escaped} %", escape="\\"))
    return and_(true(), *conditions)


@public_router.get(OUTBOX, include_in_schema=False)
def list_outbox(request: Request) -> Response:
    params = request.query_params
    limit = parse_int("_limit", params.get("_limit"), 100, minimum=1, maximum=200)
    skip = parse_int("_skip", params.get("_skip"), 0)
    where = _filters(params)

    def work(ctx: Context) -> dict[str, Any]:
        rows = ctx.conn.execute(
            select(m)
            .where(m.c.organization_id == ctx.organization_id, where)
            .order_by(m.c.date_created.desc(), m.c.id.desc())
            .offset(skip)
            .limit(limit + 1)
        ).mappings()
        found = [dict(r) for r in rows]
        return {"data": [render(r) for r in found[:limit]], "has_more": len(found) > limit}

    return json_response(run(request, work, writes=False))


@public_router.delete(OUTBOX, include_in_schema=False)
def clear_outbox(request: Request) -> Response:
    where = _filters(request.query_params)
    deleted = run(request, lambda ctx: ledger.clear(ctx.conn, ctx.organization_id, where), writes=True)
    return json_response({"deleted": deleted})


def _one(ctx: Context, message_id: str) -> dict[str, Any]:
    row = (
        ctx.conn.execute(select(m).where(m.c.organization_id == ctx.organization_id, m.c.id == message_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("Message not found.")
    return dict(row)


@public_router.get(OUTBOX + "{message_id}/", include_in_schema=False)
def get_outbox_message(request: Request, message_id: str) -> Response:
    return json_response(run(request, lambda ctx: render(_one(ctx, message_id)), writes=False))


@public_router.delete(OUTBOX + "{message_id}/", include_in_schema=False)
def delete_outbox_message(request: Request, message_id: str) -> Response:
    def work(ctx: Context) -> dict[str, Any]:
        _one(ctx, message_id)
        ledger.clear(ctx.conn, ctx.organization_id, m.c.id == message_id)
        return {}

    return json_response(run(request, work, writes=True))


@public_router.post(INBOUND + "email/", include_in_schema=False)
def inbound_email(request: Request) -> Response:
    body = body_of(request)
    return json_response(run(request, lambda ctx: receive_email(ctx, body), writes=True))


@public_router.post(INBOUND + "sms/", include_in_schema=False)
def inbound_sms(request: Request) -> Response:
    body = body_of(request)
    return json_response(run(request, lambda ctx: receive_sms(ctx, body), writes=True))
