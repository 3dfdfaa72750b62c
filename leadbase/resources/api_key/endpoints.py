"""The legacy /api_key/ listing: the caller's keys (never their secrets)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.auth import hash_key
from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, envelope
from leadbase.api.unit import run
from leadbase.core.errors import NotFound
from leadbase.db.context import Context
from leadbase.db.fields import DATETIME, TEXT, Fields, shown
from leadbase.db.models import api_key

router = APIRouter()


# What a key shows (never its secret): declared, so its rendering and its schema agree.
FIELDS = Fields(
    (
        shown("id"),
        shown("organization_id"),
        shown("user_id"),
        shown("name", TEXT, nullable=True),
        shown("date_created", DATETIME),
    )
)


def _render(row: Any) -> dict[str, Any]:
    return FIELDS.render(row._mapping)


def _own_keys(ctx: Context) -> list[Any]:
    return list(
        ctx.conn.execute(
            select(api_key)
            .where(api_key.c.organization_id == ctx.organization_id, api_key.c.user_id == ctx.actor.user_id)
            .order_by(api_key.c.date_created)
        )
    )


KEY = {
    **FIELDS.response_schema(),
    "description": "One of your API keys; the key itself is never shown again.",
}


@router.get(
    "/api_key/",
    summary="List your API keys (legacy)",
    operation_id="api_key_list",
    tags=["users"],
    openapi_extra={"responses": answer(envelope(KEY))},
)
def list_keys(request: Request) -> Response:
    return json_response(
        run(
            request,
            lambda ctx: {"data": [_render(r) for r in _own_keys(ctx)], "has_more": False},
            writes=False,
        )
    )


@router.get(
    "/api_key/{key}/",
    summary="Get one of your API keys (legacy)",
    operation_id="api_key_get",
    tags=["users"],
    openapi_extra={"responses": answer(KEY)},
)
def get_key(request: Request, key: str) -> Response:
    def work(ctx: Context) -> dict[str, Any]:
        for row in _own_keys(ctx):
            if key in (row.id,) or hash_key(key) == row.key_hash:
                return _render(row)
        raise NotFound.for_model("ApiKey")

    return json_response(run(request, work, writes=False))
