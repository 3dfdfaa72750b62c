"""The event log, read newest first with opaque cursors."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Select

from leadbase.api.params import parse_filters, parse_int
from leadbase.core.errors import BadRequest, Invalid
from leadbase.db.filters import compile_filter
from leadbase.db.models import event
from leadbase.db.query import RANGE_OPERATORS, FilterSpec
from leadbase.db.repository import Row
from leadbase.db.service import Service

FILTERS = {
    "object_type": FilterSpec("object_type", "text"),
    "object_id": FilterSpec("object_id", "id"),
    "action": FilterSpec("action", "text"),
    "lead_id": FilterSpec("lead_id", "id"),
    "user_id": FilterSpec("user_id", "id"),
    "request_id": FilterSpec("request_id", "id"),
    "date_updated": FilterSpec("date_updated", "datetime", RANGE_OPERATORS),
}
MAX_LIMIT = 50


def naive(moment: Any) -> str | None:
    """Close's event envelope carries naive UTC datetimes (the data inside has offsets)."""
    if moment is None:
        return None
    return str(moment.replace(tzinfo=None).isoformat(timespec="microseconds"))


def empty_if_null(value: Any) -> Any:
    return {} if value is None else value


# Shown as Close shows them, never set by leadbase (it has no OAuth clients).
NOT_STORED: dict[str, Callable[[Row], Any]] = {
    "oauth_client_id": lambda _r: None,
    "oauth_scope": lambda _r: None,
}


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"s{seq}".encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> int:
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        if not text.startswith("s"):
            raise ValueError(text)
        seq = int(text[1:])
        if not 0 <= seq < 2**63:
            raise ValueError(text)
        return seq
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("Invalid _cursor: pass the cursor_next value of a previous page.") from exc


class EventService(Service):
    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        return [fields.render(r, NOT_STORED) for r in rows]

    def feed(self, params: Mapping[str, str]) -> dict[str, Any]:
        """One page of the log: newest first, `cursor_next` leads to older events."""
        limit = parse_int("_limit", params.get("_limit"), MAX_LIMIT, maximum=MAX_LIMIT)
        where = parse_filters(FILTERS, params, self.ctx.tz_offset)
        stmt: Select[Any] = self.repo.scoped(self.spec)
        if where is not None:
            stmt = stmt.where(compile_filter(self.ctx, self.spec, where))
        cursor = params.get("_cursor")
        if cursor:
            stmt = stmt.where(event.c.seq < decode_cursor(cursor))
        if limit == 0:
            raise Invalid({"_limit": "Must be at least 1."})
        rows = [
            dict(r)
            for r in self.ctx.conn.execute(stmt.order_by(event.c.seq.desc()).limit(limit + 1)).mappings()
        ]
        has_more = len(rows) > limit
        rows = rows[:limit]
        return {
            "data": self.render(rows),
            "cursor_next": encode_cursor(rows[-1]["seq"]) if has_more else None,
            "cursor_previous": None,
        }
