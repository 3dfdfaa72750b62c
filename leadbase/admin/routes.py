"""The admin API, outside Close's namespace: /api/leadbase/admin/.

Off unless the server has an admin token (LEADBASE_ADMIN_TOKEN): without one every path here is
a 404 saying how to turn it on; with one, a request must carry `Authorization: Bearer TOKEN`
(a 401 otherwise). Organizations' API keys are never accepted here, nor this token under /api/v1/.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import orjson
from fastapi import APIRouter
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from leadbase.admin import operations
from leadbase.api.journal import Journal
from leadbase.api.middleware import ADMIN_PREFIX
from leadbase.api.params import MAX_SKIP, parse_int
from leadbase.api.responses import json_response
from leadbase.core import clock
from leadbase.core.errors import BadRequest, Invalid, NotFound, Unauthorized

router = APIRouter(prefix=ADMIN_PREFIX, include_in_schema=False)
T = TypeVar("T")

OFF = "The admin API is off: start the server with LEADBASE_ADMIN_TOKEN set to turn it on."
BAD_TOKEN = "The admin API needs the header Authorization: Bearer <LEADBASE_ADMIN_TOKEN>."


def _check_token(request: Request) -> None:
    expected: str | None = request.app.state.admin_token
    if not expected:
        raise NotFound(OFF)
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise Unauthorized(BAD_TOKEN)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc.msg}.") from exc
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


def _transaction(engine: Engine, work: Callable[[Connection], T], *, writes: bool) -> T:
    with engine.connect() as conn:
        if writes:
            # On SQLite a writer takes the write lock when it begins (db/engine.py); a read
            # (a GET) begins a plain transaction and never waits for, or holds up, the API's writes.
            conn.execution_options(writes=True)
        with conn.begin():
            return work(conn)


async def _run(request: Request, work: Callable[[Connection], T]) -> T:
    _check_token(request)
    writes = request.method not in ("GET", "HEAD")
    return await run_in_threadpool(_transaction, request.app.state.engine, work, writes=writes)


def _journal(request: Request) -> Journal | None:
    journal: Journal | None = request.app.state.journal
    return journal


# A page of organizations, as Close's lists: `_limit` up to 100 (the default), `_skip` from 0.
PAGE_LIMIT = 100


@router.get("/organizations/")
async def list_organizations(request: Request) -> Response:
    """`{"data": [...], "has_more": bool}`: a page of organizations, oldest first."""
    _check_token(request)
    params = request.query_params
    limit = parse_int("_limit", params.get("_limit"), PAGE_LIMIT, minimum=1, maximum=PAGE_LIMIT)
    skip = parse_int("_skip", params.get("_skip"), 0, maximum=MAX_SKIP)
    data, has_more = await _run(request, lambda conn: operations.list_page(conn, skip=skip, limit=limit))
    return json_response({"data": data, "has_more": has_more})


@router.post("/organizations/")
async def create_organization(request: Request) -> Response:
    _check_token(request)
    body = await _body(request)
    name = operations.organization_name(body.get("name"))
    members = operations.parse_members(body.get("users"))
    made = await _run(request, lambda conn: operations.create(conn, name, members))
    return json_response(made, status_code=201)


@router.post("/organizations/{organization_id}/members/")
async def add_members(request: Request, organization_id: str) -> Response:
    """{"users": [{email, role?, first_name?, last_name?}]}: members of an existing organization."""
    _check_token(request)
    members = operations.parse_members((await _body(request)).get("users"))
    added = await _run(request, lambda conn: operations.add_members(conn, organization_id, members))
    return json_response({"id": organization_id, "users": added}, status_code=201)


@router.get("/organizations/{organization_id}/")
async def get_organization(request: Request, organization_id: str) -> Response:
    return json_response(await _run(request, lambda conn: operations.show(conn, organization_id)))


@router.delete("/organizations/{organization_id}/")
async def delete_organization(request: Request, organization_id: str) -> Response:
    await _run(request, lambda conn: operations.delete(conn, organization_id))
    journal = _journal(request)
    if journal is not None:
        journal.clear(organization_id)
    return json_response(None, status_code=204)


@router.post("/organizations/{organization_id}/reset/")
async def reset_organization(request: Request, organization_id: str) -> Response:
    removed = await _run(request, lambda conn: operations.reset(conn, organization_id))
    journal = _journal(request)
    if journal is not None:
        journal.clear(organization_id)
    return json_response({"id": organization_id, "rows_removed": removed})


@router.get("/organizations/{organization_id}/snapshots/")
async def list_snapshots(request: Request, organization_id: str) -> Response:
    data = await _run(request, lambda conn: operations.snapshots(conn, organization_id))
    return json_response({"data": data})


@router.post("/organizations/{organization_id}/snapshots/")
async def take_snapshot(request: Request, organization_id: str) -> Response:
    _check_token(request)
    name = (await _body(request)).get("name")
    if name is not None and not isinstance(name, str):
        raise Invalid({"name": "Must be a string."})
    made = await _run(request, lambda conn: operations.snapshot(conn, organization_id, name))
    return json_response(made, status_code=201)


@router.delete("/organizations/{organization_id}/snapshots/{snapshot_id}/")
async def delete_snapshot(request: Request, organization_id: str, snapshot_id: str) -> Response:
    await _run(request, lambda conn: operations.delete_snapshot(conn, organization_id, snapshot_id))
    return json_response(None, status_code=204)


@router.post("/organizations/{organization_id}/restore/")
async def restore_snapshot(request: Request, organization_id: str) -> Response:
    _check_token(request)
    snapshot_id = (await _body(request)).get("snapshot_id")
    written = await _run(request, lambda conn: operations.restore(conn, organization_id, snapshot_id))
    return json_response({"id": organization_id, "snapshot_id": snapshot_id, "rows_restored": written})


@router.post("/organizations/{organization_id}/fork/")
async def fork_organization(request: Request, organization_id: str) -> Response:
    _check_token(request)
    body = await _body(request)
    name = operations.organization_name(body["name"]) if body.get("name") is not None else None
    with_data = body.get("with_data", False)
    if not isinstance(with_data, bool):
        raise Invalid({"with_data": "Must be true or false."})
    snapshot_id = body.get("snapshot_id")
    if snapshot_id is not None and not isinstance(snapshot_id, str):
        raise Invalid({"snapshot_id": "Must be a snapshot id."})
    made = await _run(
        request,
        lambda conn: operations.fork(
            conn, organization_id, name=name, with_data=with_data, snapshot_id=snapshot_id
        ),
    )
    return json_response(made, status_code=201)


@router.post("/organizations/{organization_id}/keys/")
async def issue_member_key(request: Request, organization_id: str) -> Response:
    """A new API key of the organization's first admin: how the console acts as the organization."""
    made = await _run(request, lambda conn: operations.member_key(conn, organization_id))
    return json_response(made, status_code=201)


@router.delete("/organizations/{organization_id}/keys/{key_id}/")
async def revoke_member_key(request: Request, organization_id: str, key_id: str) -> Response:
    await _run(request, lambda conn: operations.revoke_key(conn, organization_id, key_id))
    return json_response(None, status_code=204)


@router.get("/organizations/{organization_id}/journal/")
async def read_journal(request: Request, organization_id: str) -> Response:
    await _run(request, lambda conn: operations.find(conn, organization_id))
    journal = _journal(request)
    entries = journal.entries(organization_id) if journal is not None else []
    return json_response({"data": [e.as_dict() for e in entries], "size": journal.size if journal else 0})


@router.delete("/organizations/{organization_id}/journal/")
async def clear_journal(request: Request, organization_id: str) -> Response:
    _check_token(request)
    journal = _journal(request)
    if journal is not None:
        journal.clear(organization_id)
    return json_response(None, status_code=204)


def _clock_state() -> dict[str, Any]:
    state = clock.state()
    return {"now": clock.iso(state.now), "frozen": state.frozen, "offset_seconds": state.offset_seconds}


def _moment(raw: Any) -> datetime:
    if not isinstance(raw, str):
        raise Invalid({"now": "Give an ISO 8601 date and time, as 2026-12-01T09:00:00+00:00."})
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid({"now": f"Not an ISO 8601 date and time: {raw!r}."}) from exc


@router.get("/clock/")
async def read_clock(request: Request) -> Response:
    _check_token(request)
    return json_response(_clock_state())


@router.put("/clock/")
async def set_clock(request: Request) -> Response:
    """{"now": ISO, "frozen": bool}: freeze at, or run from, a moment; either key alone works."""
    _check_token(request)
    body = await _body(request)
    frozen = body.get("frozen", clock.state().frozen if "now" not in body else True)
    if not isinstance(frozen, bool):
        raise Invalid({"frozen": "Must be true or false."})
    moment = _moment(body["now"]) if "now" in body else clock.now()
    if frozen:
        clock.freeze(moment)
    else:
        clock.travel(moment)
    return json_response(_clock_state())


UNITS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0}


@router.post("/clock/advance/")
async def advance_clock(request: Request) -> Response:
    """{"seconds"|"minutes"|"hours"|"days": n}: move the clock, frozen or running."""
    _check_token(request)
    body = await _body(request)
    total = 0.0
    for unit, factor in UNITS.items():
        value = body.get(unit)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid({unit: "Must be a number."})
        total += value * factor
    if not any(unit in body for unit in UNITS):
        raise Invalid({"seconds": "Give seconds, minutes, hours or days to advance by."})
    clock.advance(timedelta(seconds=total))
    return json_response(_clock_state())


@router.delete("/clock/")
async def reset_clock(request: Request) -> Response:
    _check_token(request)
    clock.reset()
    return json_response(_clock_state())
