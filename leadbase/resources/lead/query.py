"""The legacy `query` parameter of GET /lead/, in the subset real clients send.

Close deprecated it for Advanced Filtering in 2022, but the Singer tap and Close's own
scripts still page leads with `date_updated>="..." sort:date_updated`. This understands
date comparisons on date_created/date_updated, `name:`, `status:`, `*`, and `sort:`;
anything else is a clear 400 rather than a silently wrong answer.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, func

from leadbase.core.dates import parse_datetime
from leadbase.core.errors import BadRequest
from leadbase.db.context import Context
from leadbase.db.models import lead, lead_status
from leadbase.db.query import Ordering

_COMPARISON = re.compile(r"^(?P<field>[a-z_]+)\s*(?P<op>>=|<=|>|<|=|:)\s*(?P<value>.+)$")
_SORTS = {
    "created": "date_created",
    "date_created": "date_created",
    "updated": "date_updated",
    "date_updated": "date_updated",
    "name": "name",
}


@dataclass
class LeadQuery:
    conditions: list[ColumnElement[bool]] = field(default_factory=list)
    order_by: list[Ordering] = field(default_factory=list)

    def apply(self, stmt: Select[object]) -> Select[object]:
        return stmt.where(*self.conditions) if self.conditions else stmt


def _tokens(text: str) -> list[str]:
    # Glue `field >= "value"` into one token before shell-style splitting.
    text = re.sub(r"\s*(>=|<=|>|<)\s*", r"\1", text)
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise BadRequest(f"Cannot parse the query {text!r}: {exc}.") from exc


def parse_lead_query(ctx: Context, text: str) -> LeadQuery:
    result = LeadQuery()
    for token in _tokens(text):
        if token in ("*", ""):
            continue
        if token.startswith("sort:"):
            key = token[len("sort:") :]
            descending = key.startswith("-")
            column = _SORTS.get(key.lstrip("-"))
            if column is None:
                raise BadRequest(f"Unsupported sort {key!r}: use created, updated or name.")
            result.order_by.append(Ordering(column, descending))
            continue
        match = _COMPARISON.match(token)
        if match is None:
            raise BadRequest(
                f"leadbase cannot answer the query term {token!r} yet; use POST /data/search/ "
                "or the date_created/date_updated/name/status terms."
            )
        name, op, value = match["field"], match["op"], match["value"]
        result.conditions.append(_condition(ctx, name, op, value))
    return result


def _condition(ctx: Context, name: str, op: str, value: str) -> ColumnElement[bool]:
    if name in ("date_created", "date_updated", "created", "updated"):
        column = lead.c["date_" + name.removeprefix("date_")]
        try:
            moment = parse_datetime(value, ctx.tz_offset)
        except ValueError as exc:
            raise BadRequest(f"Not a valid date in the query: {value!r}.") from exc
        comparisons = {
            ">=": column >= moment,
            "<=": column <= moment,
            ">": column > moment,
            "<": column < moment,
            "=": column == moment,
            ":": column == moment,
        }
        return comparisons[op]
    if name in ("name", "lead_name", "company") and op in (":", "="):
        return lead.c.name.ilike(value.replace("%", r"\%").replace("_", r"\_") + "%", escape="\\")
    if name in ("status", "lead_status") and op in (":", "="):
        labels = lead_status.c.label
        return lead.c.status_id.in_(
            lead_status.select()
            .with_only_columns(lead_status.c.id)
            .where(lead_status.c.organization_id == ctx.organization_id, func.lower(labels) == value.lower())
            .scalar_subquery()
        )
    raise BadRequest(f"leadbase cannot answer the query term {name}{op}{value!r} yet.")
