"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import JSON, BigInteger, DateTime, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from leadbase.core.clock import keep_iso

_from_iso = datetime.fromisoformat

# SQLite's stored text of a datetime, as SQLAlchemy writes it: "2025-03-02 10:20:00.123456".
_STORED_LENGTH = 26
# Stored texts read lately and the (immutable) datetimes they were parsed into: the rows of a
# page share many (a row's date_updated is often its date_created, a page's rows were often made
# together), and pages are read again. At `PARSED_KEPT` they are all dropped and kept anew.
_parsed: dict[str, datetime] = {}
PARSED_KEPT = 8_192


def keep_parsed(text: str, moment: datetime) -> None:
    """Remember a stored text's datetime, and its form in Close's answers for `iso`: the text
    with "T" between date and time and the offset UTC always has (SQLite keeps UTC)."""
    if len(_parsed) >= PARSED_KEPT:
        _parsed.clear()
    _parsed[text] = moment
    keep_iso(moment, text[:10] + "T" + text[11:] + "+00:00")


class UTCDateTime(TypeDecorator[datetime]):
    """Always aware UTC on the way out; SQLite otherwise hands back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # Stored naive in UTC so that text comparison equals time comparison.
            return value.replace(tzinfo=None)
        return value

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], datetime | None]:
        # In place of the decorator's process_result_value: one call a value where the decorator
        # makes three (its wrapper, the driver type's parser, that method); a page of whole leads
        # reads about 900 datetimes.
        parse = self.impl_instance.result_processor(dialect, coltype)
        if parse is None:
            return _as_utc

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            moment = cast(datetime, parse(value))
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

        if dialect.name != "sqlite":
            return process

        def process_sqlite_text(value: Any) -> datetime | None:
            # SQLite keeps naive UTC text: parsed with its offset appended, the value comes back
            # aware in one C call (`timezone.utc` itself, which is UTC), where parsing and then
            # `replace(tzinfo=UTC)` took 1 us, 0.8 of them in replace (a page of whole leads
            # reads about 900). Text that carries an offset already, written by hand, fails to
            # parse so, and a bare date parses naive: both take the general way.
            if value is None:
                return None
            known = _parsed.get(value)
            if known is not None:
                return known
            try:
                moment = _from_iso(value + "+00:00")
            except (TypeError, ValueError):
                return process(value)
            if moment.tzinfo is not UTC:
                return process(value)
            if len(value) == _STORED_LENGTH and value[10] == " " and value[19] == ".":
                keep_parsed(value, moment)
            return moment

        return process_sqlite_text


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class _SQLiteJSON(TypeDecorator[Any]):
    """SQLite's JSON text, read in one call a value (SQLAlchemy's JSON takes three: a page of
    whole leads reads about 1,200 documents). Written, and used in expressions, as JSON."""

    impl = JSON
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any]:
        return sqlite_json_value


def sqlite_json_value(value: Any) -> Any:
    """A JSON value as SQLite hands it back: text parsed; a number (a json_extract() of a
    scalar) as it is. db/prepared.py's row makers know this function and parse text inline."""
    return orjson.loads(value) if isinstance(value, (str, bytes)) else value


# JSONB on PostgreSQL (indexable, compact), plain JSON text on SQLite.
JSONDoc = JSON().with_variant(JSONB(), "postgresql").with_variant(_SQLiteJSON(), "sqlite")

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants 64 bits.
BigSerial = BigInteger().with_variant(Integer(), "sqlite")


def json_default(value: Any) -> Any:
    return value
