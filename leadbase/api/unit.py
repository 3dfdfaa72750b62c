"""The request owns the transaction: one unit of work per request, committed once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.requests import Request

from leadbase.api.params import MAX_SKIP
from leadbase.core.dates import parse_offset_header
from leadbase.core.errors import ClientGone, Invalid
from leadbase.db.context import Actor, Context
from leadbase.db.engine import Cancellation

T = TypeVar("T")


def actor_of(request: Request) -> Actor:
    actor: Actor = request.state.actor
    return actor


def tz_offset_of(request: Request) -> float | None:
    return parse_offset_header(request.state.tz_header)


def max_skip_of(request: Request) -> int:
    """The deepest `_skip` this server accepts (Close's in Close-strict mode)."""
    settings = getattr(request.app.state, "settings", None)
    return int(getattr(settings, "max_skip", MAX_SKIP))


def body_of(request: Request) -> dict[str, Any]:
    """The parsed JSON body, which must be an object."""
    body = request.state.json
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise Invalid(errors=["The request body must be a JSON object."])
    return body


def run(request: Request, work: Callable[[Context], T], *, writes: bool) -> T:
    """Run `work` in one transaction: commit if it returns, roll back if it raises."""
    engine = request.app.state.engine
    cancellation = getattr(request.state, "cancellation", None) or Cancellation()
    if cancellation.cancelled:
        raise ClientGone()
    with engine.connect() as conn, cancellation.watching(conn):
        conn.execution_options(writes=writes)
        ctx = Context(
            conn=conn,
            actor=actor_of(request),
            request_id=request.state.request_id,
            meta={"request_method": request.method, "request_path": request.url.path},
            tz_offset=tz_offset_of(request),
            params=request.query_params,
            # A read may count on connections of its own; a write's counts must see its writes.
            aside=None if writes else getattr(request.app.state, "aside", None),
        )
        try:
            with conn.begin():
                ctx.memo["settings"] = request.app.state.settings
                ctx.memo["base_url"] = str(request.base_url).rstrip("/")
                resolver = getattr(request.app.state, "key_resolver", None)
                if resolver is not None:
                    ctx.actor = resolver.confirm(ctx)
                result = work(ctx)
                # Whatever a write registered outside an operation is recorded before the commit.
                ctx.flush()
            for callback in ctx.after_commit:
                callback()
        finally:
            # What the memo holds refers back to the context (a CustomValues keeps its ctx, and
            # through it the connection): a cycle only the collector frees. Emptied here, the
            # request's objects go when the last reference does, and in steady serving no
            # collection runs at all; before, every ~40th request of whole-lead pages paid for
            # one, 5-11 ms (bench/RESULTS.md).
            ctx.memo.clear()
        return result
