"""Webhook subscriptions: a URL, the (object_type, action) pairs it hears, optional filters.

The subscription is an ordinary resource; what it causes (deliveries) is the worker's business
(events/dispatch.py, events/delivery.py). Admins manage every subscription of the organization,
other members only their own, as in Close.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from leadbase.core.errors import FieldErrors, Forbidden, Invalid
from leadbase.db.fields import Problem
from leadbase.db.filters import Filter, Term
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.events.filters import FilterError, check
from leadbase.events.signing import new_key
from leadbase.events.targets import check_url_syntax

# Close: 40 subscriptions per organization (500 for a few automation platforms).
MAX_SUBSCRIPTIONS = 40
MAX_URL = 2048
STATUSES = ("active", "paused")
OTHERS = "Only admins may change or delete another member's webhook subscriptions."


def clean_url(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Problem("This field may not be blank." if isinstance(value, str) else "Not a valid string.")
    url = value.strip()
    if len(url) > MAX_URL:
        raise Problem(f"Longer than the maximum of {MAX_URL} characters.")
    problem = check_url_syntax(url)
    if problem:
        raise Problem(problem)
    return url


def clean_events(value: Any) -> list[dict[str, Any]]:
    """[{object_type, action, extra_filter?}], each pair once, filters well formed."""
    if not isinstance(value, list) or not value:
        raise Problem('Give a non-empty list of events: [{"object_type": ..., "action": ...}].')
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    for index, entry in enumerate(value):
        where = f"events[{index}]"
        if not isinstance(entry, dict):
            raise Problem(f"{where}: expected an object with object_type and action.")
        unknown = sorted(set(entry) - {"object_type", "action", "extra_filter"})
        if unknown:
            raise Problem(f"{where}: unknown key {', '.join(unknown)}.")
        object_type, action = entry.get("object_type"), entry.get("action")
        for name, given in (("object_type", object_type), ("action", action)):
            if not isinstance(given, str) or not given.strip():
                raise Problem(f"{where}: {name} is required (a string).")
        assert isinstance(object_type, str) and isinstance(action, str)
        if (object_type, action) in seen:
            raise Problem(f"{where}: {object_type}/{action} is listed twice.")
        seen.add((object_type, action))
        cleaned: dict[str, Any] = {"object_type": object_type, "action": action}
        extra = entry.get("extra_filter")
        if extra is not None:
            try:
                check(extra, f"{where}.extra_filter")
            except FilterError as exc:
                raise Problem(str(exc)) from exc
            cleaned["extra_filter"] = extra
        out.append(cleaned)
    return out


def clean_status(value: Any) -> str:
    if value not in STATUSES:
        raise Problem("Not a valid choice: use active or paused.")
    return str(value)


class WebhookService(Service):
    def authorize(self, action: str, row: Row | None) -> None:
        actor = self.ctx.actor
        if row is not None and not actor.is_admin and row.get("created_by") != actor.user_id:
            raise Forbidden(OTHERS)

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        # Members see their own subscriptions; admins see the organization's.
        if self.ctx.actor.is_admin:
            return None
        return Term("created_by", "eq", self.ctx.actor.user_id)

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        computed = {
            "health_status": lambda r: "healthy" if not r["consecutive_failures"] else "unhealthy",
            "recent_consecutive_fail_buckets_cnt": lambda r: r["consecutive_failures"],
            "counters": lambda _r: {},
        }
        return [fields.render(r, computed) for r in rows]

    def validate_create(self, body: dict[str, Any]) -> Row:
        body = {k: v for k, v in body.items() if k != "event_filter"}
        values = self._fields().clean(body, creating=True)
        table = self.spec.table
        count = self.ctx.conn.execute(
            select(func.count()).select_from(table).where(table.c.organization_id == self.ctx.organization_id)
        ).scalar_one()
        if count >= MAX_SUBSCRIPTIONS:
            raise Invalid(
                errors=[f"An organization may have at most {MAX_SUBSCRIPTIONS} webhook subscriptions."]
            )
        values.update(
            signature_key=new_key(),
            pause_reason="api" if values.get("status") == "paused" else None,
            consecutive_failures=0,
            failing_since=None,
            latest_error=None,
        )
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(
            {k: v for k, v in body.items() if k != "event_filter"}, creating=False, errors=errors
        )
        errors.raise_if_any()
        status = values.get("status")
        if status == "paused" and row["status"] != "paused":
            values["pause_reason"] = "api"
        elif status == "active" and row["status"] != "active":
            # Resumed by hand: a fresh start for the health counters.
            values.update(pause_reason=None, consecutive_failures=0, failing_since=None, latest_error=None)
        return values
