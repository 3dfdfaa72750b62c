"""The delivery log, outside Close's namespace: /api/leadbase/webhook_delivery/.

What each delivery sent (the signed request, rebuilt from the event and the attempt's
timestamp: the same bytes), what the receiver answered, when the next try is due; and
`POST .../{id}/redeliver/` to send one again now. Authenticated by API key like /api/v1/.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter
from sqlalchemy import Select, select
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.middleware import EXTRA_PREFIX
from leadbase.api.params import parse_int
from leadbase.api.responses import json_response
from leadbase.api.unit import run
from leadbase.core import clock
from leadbase.core.errors import Invalid, NotFound
from leadbase.db import signals, webhooks
from leadbase.db.context import Context
from leadbase.db.models import event, webhook_delivery, webhook_subscription
from leadbase.events import payload, signing

router = APIRouter()
public_router = APIRouter()

BASE = EXTRA_PREFIX + "/webhook_delivery/"
STATUSES = {webhooks.PENDING, webhooks.SUCCEEDED, webhooks.FAILED, webhooks.DROPPED}
d = webhook_delivery
s = webhook_subscription


def _visible(ctx: Context) -> Select[Any]:
    """Deliveries of the subscriptions the caller may see (a member: their own)."""
    stmt = (
        select(d, s.c.url, s.c.signature_key)
        .join(s, s.c.id == d.c.subscription_id)
        .where(d.c.organization_id == ctx.organization_id)
    )
    if not ctx.actor.is_admin:
        stmt = stmt.where(s.c.created_by == ctx.actor.user_id)
    return stmt


def _render(row: dict[str, Any], ev: dict[str, Any] | None, *, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row["id"],
        "subscription_id": row["subscription_id"],
        "event_id": row["event_id"],
        "object_id": row["object_id"],
        "status": row["status"],
        "attempts": row["attempts"],
        "date_created": clock.iso(row["date_created"]),
        "last_attempt_at": clock.iso(row["last_attempt_at"]),
        "next_attempt_at": clock.iso(row["next_attempt_at"]) if row["status"] == webhooks.PENDING else None,
        "date_delivered": clock.iso(row["date_delivered"]),
        "response": {
            "status_code": row["last_status_code"],
            "body": row["last_response"],
            "duration_ms": row["last_duration_ms"],
            "error": row["last_error"],
        },
    }
    if full:
        request: dict[str, Any] = {"method": "POST", "url": row["url"], "headers": None, "body": None}
        if ev is not None:
            raw = payload.body(row["subscription_id"], payload.event_document(ev))
            request["body"] = orjson.loads(raw)
            if row["sent_timestamp"]:
                request["headers"] = signing.headers(row["signature_key"], row["sent_timestamp"], raw)
        out["request"] = request
    return out


def _events(ctx: Context, ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = ctx.conn.execute(
        select(event).where(event.c.id.in_(ids), event.c.organization_id == ctx.organization_id)
    )
    return {r["id"]: dict(r) for r in rows.mappings()}


@public_router.get(BASE, include_in_schema=False)
def list_deliveries(request: Request) -> Response:
    params = request.query_params
    limit = parse_int("_limit", params.get("_limit"), 50, minimum=1, maximum=200)
    skip = parse_int("_skip", params.get("_skip"), 0)
    status = params.get("status")
    if status is not None and status not in STATUSES:
        raise Invalid({"status": f"Not a valid choice: use {', '.join(sorted(STATUSES))}."})

    def work(ctx: Context) -> dict[str, Any]:
        stmt = _visible(ctx)
        for name in ("subscription_id", "event_id", "object_id"):
            if params.get(name):
                stmt = stmt.where(d.c[name] == params[name])
        if status is not None:
            stmt = stmt.where(d.c.status == status)
        rows = [
            dict(r)
            for r in ctx.conn.execute(
                stmt.order_by(d.c.date_created.desc(), d.c.event_seq.desc()).offset(skip).limit(limit + 1)
            ).mappings()
        ]
        return {"data": [_render(r, None, full=False) for r in rows[:limit]], "has_more": len(rows) > limit}

    return json_response(run(request, work, writes=False))


def _one(ctx: Context, delivery_id: str) -> dict[str, Any]:
    row = ctx.conn.execute(_visible(ctx).where(d.c.id == delivery_id)).mappings().first()
    if row is None:
        raise NotFound("Delivery not found.")
    found = dict(row)
    return _render(found, _events(ctx, [found["event_id"]]).get(found["event_id"]), full=True)


@public_router.get(BASE + "{delivery_id}/", include_in_schema=False)
def get_delivery(request: Request, delivery_id: str) -> Response:
    return json_response(run(request, lambda ctx: _one(ctx, delivery_id), writes=False))


@public_router.post(BASE + "{delivery_id}/redeliver/", include_in_schema=False)
def redeliver(request: Request, delivery_id: str) -> Response:
    def work(ctx: Context) -> dict[str, Any]:
        _one(ctx, delivery_id)  # 404 unless the caller may see it
        webhooks.redeliver(ctx.conn, ctx.organization_id, delivery_id)
        signals.after_commit(ctx)
        return _one(ctx, delivery_id)

    return json_response(run(request, work, writes=True))
