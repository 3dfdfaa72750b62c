"""Keyset cursors for search pages: where the last page ended, not how many rows it skipped.

A cursor carries the sort values of the last row returned and its id, so the next page is
"rows after that one in the search's order": rows inserted or deleted meanwhile do not shift
the rest, and a page deep in the chain costs what the index scan to it costs, not an OFFSET.
It also carries how many rows the chain has returned (Close's 10,000 ceiling), when it was
issued (Close's 30 seconds) and a digest of the organization, object type, query and sort it
belongs to. The whole is checksummed: an edited cursor, or one issued for another query or
organization, is a 400 under `cursor`. Cursors are not secrets: one names only a position in
a query its bearer may run anyway.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import and_, false, or_
from sqlalchemy.sql.elements import ColumnElement

from leadbase.core import clock
from leadbase.core.errors import Invalid

# Long text sort values make long cursors; beyond this a cursor is not one of ours.
MAX_CURSOR_CHARS = 16_384


@dataclass(frozen=True)
class SortKey:
    """One term of a search's order. `nullable` keys put rows without a value last."""

    expression: ColumnElement[Any]
    descending: bool
    nullable: bool = True
    # Rows without a value last through a leading `expression IS NULL` term rather than NULLS
    # LAST: the same order, and the one SQLite reads from an index on an ascending key (its
    # NULLs are the smallest values, so its NULLS LAST is a sort there).
    null_flag: bool = False

    def terms(self) -> list[Any]:
        ordered = self.expression.desc() if self.descending else self.expression.asc()
        if not self.nullable:
            return [ordered]
        if self.null_flag:
            return [self.expression.is_(None).asc(), ordered]
        return [ordered.nulls_last()]


@dataclass(frozen=True)
class Position:
    """Where a page ended: the last row's sort values (its id last), and how many rows came before."""

    values: tuple[Any, ...]
    served: int


def digest(*parts: Any) -> str:
    text = orjson.dumps(list(parts), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(text).hexdigest()[:16]


def _pack(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"cannot keep a sort value of type {type(value).__name__} in a cursor")


def _unpack(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((kind, text),) = value.items()
        if isinstance(text, str):
            if kind == "dt":
                return datetime.fromisoformat(text)
            if kind == "d":
                return date.fromisoformat(text)
            if kind == "n":
                return Decimal(text)
    if value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool)):
        return value
    raise ValueError("not a sort value")


def _checksum(body: bytes) -> str:
    return hashlib.sha256(b"leadbase search cursor\0" + body).hexdigest()[:16]


def encode(position: Position, owner: str) -> str:
    body = orjson.dumps(
        {
            "v": [_pack(v) for v in position.values],
            "n": position.served,
            "t": round(clock.now().timestamp(), 3),
            "q": owner,
        }
    )
    raw = orjson.dumps({"b": body.decode(), "s": _checksum(body)})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: Any, owner: str, keys: int, expires_after: float | None) -> Position | None:
    """The position a cursor names (None for no cursor: the first page). `keys` is how many sort
    values a cursor of this search holds; `expires_after` seconds, when cursors expire."""
    if cursor is None or cursor == "":
        return None
    invalid = Invalid({"cursor": "Invalid cursor: repeat the query and sort it was issued for."})
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_CHARS:
        raise invalid
    try:
        outer = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        body = str(outer["b"]).encode()
        if outer["s"] != _checksum(body):
            raise invalid
        data = orjson.loads(body)
        values = tuple(_unpack(v) for v in data["v"])
        served, issued, found_owner = int(data["n"]), float(data["t"]), str(data["q"])
    except (ValueError, KeyError, TypeError, AttributeError, orjson.JSONDecodeError):
        raise invalid from None
    if found_owner != owner or served < 0 or len(values) != keys:
        raise invalid
    if expires_after is not None and clock.now().timestamp() - issued > expires_after:
        raise Invalid({"cursor": "The cursor has expired: start the search again."})
    return Position(values, served)


def after(keys: list[SortKey], values: tuple[Any, ...]) -> ColumnElement[bool]:
    """Rows that come after the row with these sort values in the order of `keys` (the last key
    unique, such as the id): for each key, equal on the ones before and beyond on it."""
    alternatives: list[ColumnElement[bool]] = []
    equal_so_far: list[ColumnElement[bool]] = []
    for key, value in zip(keys, values, strict=True):
        expression = key.expression
        if value is None:
            # Rows without a value come last, in no order of their own: none is beyond this one.
            beyond: ColumnElement[bool] = false()
            same: ColumnElement[bool] = expression.is_(None)
        else:
            beyond = expression < value if key.descending else expression > value
            if key.nullable:
                beyond = or_(beyond, expression.is_(None))
            same = expression == value
        alternatives.append(and_(*equal_so_far, beyond))
        equal_so_far.append(same)
    return or_(*alternatives)
