"""Moments of a `moment_range` resolved to instants, in the caller's time zone (`x-tz-offset`).

A range is half-open, `[on_or_after, before)`, so the "end" of a day or period is the start
of the next one: `before: end of 2024-05-02` includes all of May 2nd and nothing after.
Weeks start on Monday (ISO weeks; Close's choice is unconfirmed, see docs/compatibility.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from leadbase.core.dates import parse_datetime, tz_from_offset
from leadbase.search.nodes import FixedLocalDate, FixedUTC, Moment, MomentRange, Now, Offset, PeriodEdge, bad

PERIODS = (
    "today",
    "yesterday",
    "tomorrow",
    "this-week",
    "last-week",
    "next-week",
    "this-month",
    "last-month",
    "next-month",
    "this-quarter",
    "last-quarter",
    "next-quarter",
    "this-year",
    "last-year",
    "next-year",
)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    # The same day of the month, or the month's last day (Jan 31 + 1 month = Feb 28/29).
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    return date(year, month, 28)


def _period(name: str, today: date, path: str) -> tuple[date, date]:
    """The first day of the period and the first day after it."""
    if name in ("today", "yesterday", "tomorrow"):
        day = today + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[name])
        return day, day + timedelta(days=1)
    which, _, unit = name.partition("-")
    shift = {"this": 0, "last": -1, "next": 1}.get(which)
    if shift is None or unit not in ("week", "month", "quarter", "year"):
        raise bad(f"{path}.range", "Unknown period: use one of " + ", ".join(PERIODS) + ".")
    if unit == "week":
        start = today - timedelta(days=today.weekday()) + timedelta(weeks=shift)
        return start, start + timedelta(weeks=1)
    if unit == "year":
        return date(today.year + shift, 1, 1), date(today.year + shift + 1, 1, 1)
    months = 1 if unit == "month" else 3
    first = date(today.year, today.month - (today.month - 1) % months, 1)
    start = _add_months(first, shift * months)
    return start, _add_months(start, months)


def range_instants(
    condition: MomentRange, now: datetime, tz_offset: float | None, path: str
) -> tuple[datetime | None, datetime | None]:
    """A range's `on_or_after` and `before` as instants (None where the range is open); `path`
    names the range in a 400 for a malformed moment."""
    start = end = None
    if condition.on_or_after is not None:
        start = resolve(condition.on_or_after, now, tz_offset, f"{path}.on_or_after")
    if condition.before is not None:
        end = resolve(condition.before, now, tz_offset, f"{path}.before")
    return start, end


def resolve(moment: Moment, now: datetime, tz_offset: float | None, path: str) -> datetime:
    """The instant (aware, UTC) a moment names."""
    zone = tz_from_offset(tz_offset)
    if isinstance(moment, Now):
        return now
    if isinstance(moment, FixedUTC):
        try:
            return parse_datetime(moment.value, tz_offset)
        except ValueError as exc:
            raise bad(f"{path}.value", "Not a valid ISO 8601 datetime.") from exc
    if isinstance(moment, FixedLocalDate):
        try:
            day = date.fromisoformat(moment.value)
        except ValueError as exc:
            raise bad(f"{path}.value", "Not a valid date: use YYYY-MM-DD.") from exc
        return _midnight(day + timedelta(days=1 if moment.which == "end" else 0), zone)
    if isinstance(moment, PeriodEdge):
        start, after = _period(moment.range, now.astimezone(zone).date(), path)
        return _midnight(after if moment.which == "end" else start, zone)
    return _offset(moment, now, tz_offset, path)


def _offset(moment: Offset, now: datetime, tz_offset: float | None, path: str) -> datetime:
    zone = tz_from_offset(tz_offset)
    base = resolve(moment.moment, now, tz_offset, f"{path}.moment").astimezone(zone)
    sign = 1 if moment.direction == "future" else -1
    amounts = dict(moment.amounts)
    months = amounts.get("years", 0) * 12 + amounts.get("months", 0)
    try:
        shifted_day = _add_months(base.date(), sign * months)
        base = datetime.combine(shifted_day, base.timetz())
        base += sign * timedelta(
            weeks=amounts.get("weeks", 0),
            days=amounts.get("days", 0),
            hours=amounts.get("hours", 0),
            minutes=amounts.get("minutes", 0),
            seconds=amounts.get("seconds", 0),
        )
    except (OverflowError, ValueError) as exc:
        raise bad(f"{path}.offset", "The offset leaves the calendar.") from exc
    if moment.which_day_end is not None:
        day = base.date() + timedelta(days=1 if moment.which_day_end == "end" else 0)
        return _midnight(day, zone)
    return base.astimezone(UTC)
