"""Time ranges of the reports: Close's relative range names, explicit ranges, and the
comparison periods the funnel reports take.

Every range is a half-open interval [start, end) in UTC; `start` None means "since the
beginning" (`all-time`). Ranges are computed in UTC: leadbase does not read x-tz-offset here
(documented in docs/compatibility.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_
from sqlalchemy.sql import ColumnElement

from leadbase.core import clock
from leadbase.core.dates import parse_datetime
from leadbase.core.errors import Invalid

RELATIVE = (
    "today",
    "this-week",
    "this-month",
    "this-quarter",
    "this-year",
    "yesterday",
    "last-week",
    "last-month",
    "last-quarter",
    "last-year",
    "all-time",
)
SAME_DAYS = ("same-days-last-week", "same-days-last-month", "same-days-last-quarter", "same-days-last-year")


@dataclass(frozen=True)
class Range:
    start: datetime | None
    end: datetime

    def contains_sql(self, column: Any) -> ColumnElement[bool]:
        """The SQL condition `column` in [start, end)."""
        if self.start is None:
            condition: ColumnElement[bool] = column < self.end
        else:
            condition = and_(column >= self.start, column < self.end)
        return condition


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _month_start(year: int, month: int) -> datetime:
    # month may run past 12 or below 1: normalize it into the year.
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=UTC)


def relative_range(name: str, now: datetime | None = None) -> Range:
    """The range a relative name means at `now` (the whole current period for `this-*`)."""
    now = (now or clock.now()).astimezone(UTC)
    today = _midnight(now.date())
    week = today - timedelta(days=today.weekday())  # weeks start on Monday
    quarter_month = (now.month - 1) // 3 * 3 + 1
    spans: dict[str, tuple[datetime | None, datetime]] = {
        "today": (today, today + timedelta(days=1)),
        "yesterday": (today - timedelta(days=1), today),
        "this-week": (week, week + timedelta(days=7)),
        "last-week": (week - timedelta(days=7), week),
        "this-month": (_month_start(now.year, now.month), _month_start(now.year, now.month + 1)),
        "last-month": (_month_start(now.year, now.month - 1), _month_start(now.year, now.month)),
        "this-quarter": (_month_start(now.year, quarter_month), _month_start(now.year, quarter_month + 3)),
        "last-quarter": (_month_start(now.year, quarter_month - 3), _month_start(now.year, quarter_month)),
        "this-year": (_month_start(now.year, 1), _month_start(now.year + 1, 1)),
        "last-year": (_month_start(now.year - 1, 1), _month_start(now.year, 1)),
        # Everything up to now: nothing recorded later can exist yet.
        "all-time": (None, now + timedelta(microseconds=1)),
    }
    start, end = spans[name]
    return Range(start, end)


def moment(value: Any, name: str, *, end: bool = False) -> datetime:
    """A datetime from a request value; a date alone as an `end` includes that whole day."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid.field(name, "Not a valid datetime.")
    try:
        parsed = parse_datetime(value)
    except ValueError as exc:
        raise Invalid.field(name, "Not a valid datetime.") from exc
    if end and len(value.strip()) == 10:
        parsed += timedelta(days=1)
    return parsed


def datetime_range(value: Any, name: str) -> Range:
    """`{"start": ISO, "end": ISO}` (start inclusive, end exclusive; a date-only end is inclusive)."""
    if not isinstance(value, dict):
        raise Invalid.field(name, 'Must be an object with "start" and "end".')
    errors: dict[str, str] = {}
    bounds: dict[str, datetime] = {}
    for key in ("start", "end"):
        if value.get(key) is None:
            errors[key] = "This field is required."
            continue
        try:
            bounds[key] = moment(value[key], key, end=key == "end")
        except Invalid as exc:
            errors.update(exc.field_errors)
    if errors:
        raise Invalid({name: errors})
    if bounds["end"] <= bounds["start"]:
        raise Invalid({name: {"end": "Must be after start."}})
    return Range(bounds["start"], bounds["end"])


def named_range(value: Any, name: str, now: datetime | None = None) -> Range:
    if not isinstance(value, str) or value not in RELATIVE:
        raise Invalid.field(name, f"Not a valid choice. Choose one of: {', '.join(RELATIVE)}.")
    return relative_range(value, now)


def same_days_before(base: Range, name: str, value: Any) -> Range:
    """The comparison period of a `compared_datetime_range`: the base range moved back."""
    if not isinstance(value, str) or value not in SAME_DAYS:
        raise Invalid.field(name, f"Not a valid choice. Choose one of: {', '.join(SAME_DAYS)}.")
    assert base.start is not None
    if value == "same-days-last-week":
        shift = timedelta(days=7)
        return Range(base.start - shift, base.end - shift)
    months = {"same-days-last-month": 1, "same-days-last-quarter": 3, "same-days-last-year": 12}[value]
    return Range(_months_back(base.start, months), _months_back(base.end, months))


def _months_back(moment_: datetime, months: int) -> datetime:
    first = _month_start(moment_.year, moment_.month - months)
    # Clamp the day to the target month's length (March 31 -> February 28).
    following = _month_start(first.year, first.month + 1)
    day = min(moment_.day, (following - first).days)
    return moment_.replace(year=first.year, month=first.month, day=day)
