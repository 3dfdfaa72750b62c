"""Date bucketing that gives the same answer on SQLite and PostgreSQL.

`bucket_key(ctx, column, unit)` is an SQL expression naming the start of the bucket a value
falls in, as text `YYYY-MM-DDTHH:MM:SS` (UTC); grouping by it is one GROUP BY on either
database. `bucket_starts` enumerates the buckets of a range in Python, so a series shows empty
buckets too. Weeks start on Monday (ISO, PostgreSQL's date_trunc).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Integer, cast, func, literal_column, text
from sqlalchemy.sql import ColumnElement

from leadbase.db.context import Context

UNITS = ("hour", "day", "week", "month", "quarter", "year")
KEY_FORMAT = "%Y-%m-%dT%H:%M:%S"

_SQLITE_FORMATS = {
    "hour": "%Y-%m-%dT%H:00:00",
    "day": "%Y-%m-%dT00:00:00",
    "month": "%Y-%m-01T00:00:00",
    "year": "%Y-01-01T00:00:00",
}


def is_postgres(ctx: Context) -> bool:
    return ctx.conn.dialect.name == "postgresql"


def bucket_key(ctx: Context, column: Any, unit: str, *, is_date: bool = False) -> ColumnElement[Any]:
    """The start of `column`'s bucket of size `unit`, as `YYYY-MM-DDTHH:MM:SS` text."""
    if unit not in UNITS:
        raise ValueError(unit)
    if is_postgres(ctx):
        # A timestamptz is cut in UTC, whatever the session's zone; a date has no zone.
        value = cast(column, DateTime()) if is_date else column.op("AT TIME ZONE")(text("'UTC'"))
        truncated = func.date_trunc(unit, value)
        return func.to_char(truncated, 'YYYY-MM-DD"T"HH24:MI:SS')
    # SQLite keeps UTC datetimes as naive text and dates as YYYY-MM-DD: strftime reads both. Its
    # clock has milliseconds, so 23:59:59.9999 would round into the next day: cut the fraction.
    column = func.substr(column, 1, 19)
    if unit in _SQLITE_FORMATS:
        return func.strftime(_SQLITE_FORMATS[unit], column)
    if unit == "week":
        # 'weekday 0' moves forward to the next Sunday (or stays on one); six days back is Monday.
        return func.strftime("%Y-%m-%dT00:00:00", column, "weekday 0", "-6 days")
    # quarter: the year, then the first month of the quarter.
    quarter_month = (cast(func.strftime("%m", column), Integer) - 1) // 3 * 3 + 1
    return (
        func.strftime("%Y-", column)
        .op("||")(func.printf("%02d", quarter_month))
        .op("||")(literal_column("'-01T00:00:00'"))
    )


def parse_key(key: str) -> datetime:
    return datetime.strptime(key, KEY_FORMAT).replace(tzinfo=UTC)


def truncate(moment: datetime, unit: str) -> datetime:
    """The start of `moment`'s bucket, computed in Python the way bucket_key does in SQL."""
    m = moment.astimezone(UTC)
    if unit == "hour":
        return m.replace(minute=0, second=0, microsecond=0)
    day = m.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=(m.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def following(start: datetime, unit: str) -> datetime:
    """The start of the bucket after the one starting at `start`."""
    if unit == "hour":
        return start + timedelta(hours=1)
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    month = start.month - 1 + months
    return start.replace(year=start.year + month // 12, month=month % 12 + 1)


def bucket_starts(start: datetime, end: datetime, unit: str, limit: int = 10_000) -> list[datetime]:
    """Every bucket start from `start`'s bucket up to (excluding) `end`."""
    out: list[datetime] = []
    current = truncate(start, unit)
    while current < end and len(out) < limit:
        out.append(current)
        current = following(current, unit)
    return out


def auto_unit(start: datetime, end: datetime, *, hours: bool = True) -> str:
    """The bucket size for a range when the caller leaves it to us: about 2 to 100 buckets."""
    span = end - start
    if hours and span <= timedelta(days=2):
        return "hour"
    if span <= timedelta(days=62):
        return "day"
    if span <= timedelta(days=366):
        return "week"
    if span <= timedelta(days=366 * 5):
        return "month"
    return "year"


def seconds_between(ctx: Context, later: Any, earlier: Any) -> ColumnElement[Any]:
    """`later - earlier` in seconds (a float), on either database."""
    if is_postgres(ctx):
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0
