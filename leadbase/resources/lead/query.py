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

from leadbase.core.dates import parse_datetime
from leadbase.core.errors import BadRequest
from leadbase.db.filters import Filter, Operator, Term, all_of
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
    terms: list[Filter] = field(default_factory=list)
    order_by: list[Ordering] = field(default_factory=list)

    @property
    def where(self) -> Filter | None:
        """Every term must hold: the query as one filter tree."""
        return all_of(self.terms)


def _tokens(text: str) -> list[str]:
    # Glue `field >= "value"` into one token before shell-style splitting.
    text = re.sub(r"\s*(>=|<=|>|<)\s*", r"\1", text)
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise BadRequest(f"Cannot parse the query {text!r}: {exc}.") from exc


# ---- parsing: text -> (field, operator, value) terms -----------------------------------------


def parse_lead_query(text: str, tz_offset: float | None) -> LeadQuery:
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
        result.terms.append(term_filter(name, op, value, tz_offset))
    return result


# ---- compiling: one term -> the filter tree ---------------------------------------------------

_COMPARISONS: dict[str, Operator] = {">=": "gte", "<=": "lte", ">": "gt", "<": "lt", "=": "eq", ":": "eq"}


def term_filter(name: str, op: str, value: str, tz_offset: float | None) -> Filter:
    """One `field op value` term of the query as a node of the filter tree."""
    if name in ("date_created", "date_updated", "created", "updated"):
        try:
            moment = parse_datetime(value, tz_offset)
        except ValueError as exc:
            raise BadRequest(f"Not a valid date in the query: {value!r}.") from exc
        return Term("date_" + name.removeprefix("date_"), _COMPARISONS[op], moment)
    if name in ("name", "lead_name", "company") and op in (":", "="):
        return Term("name", "istartswith", value)
    if name in ("status", "lead_status") and op in (":", "="):
        return Term("status.label", "ieq", value)
    raise BadRequest(f"leadbase cannot answer the query term {name}{op}{value!r} yet.")
