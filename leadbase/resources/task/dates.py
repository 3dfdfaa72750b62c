"""A task's `date`: a calendar date or an instant, and the views (inbox, future) relative to today.

A date-only task is stored as its date's midnight in UTC with `date_only` set, so that it
means the same calendar day whoever reads it; a timed task is an instant. "Today" is the
caller's: the day of the x-tz-offset header's zone (UTC without it), as Close documents for
the task views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from leadbase.core import clock
from leadbase.core.clock import iso
from leadbase.core.dates import parse_datetime, tz_from_offset
from leadbase.db.filters import And, Filter, Not, Or, Term, all_of

_DATE_LENGTH = len("2024-05-01")


@dataclass(frozen=True)
class Due:
    """When a task is due, as stored: an instant, and whether only its date counts."""

    at: datetime
    date_only: bool

    @classmethod
    def parse(cls, value: str, tz_offset: float | None) -> Due:
        """A YYYY-MM-DD date or an ISO 8601 datetime (naive: the writer's x-tz-offset wall time)."""
        text = value.strip()
        if len(text) == _DATE_LENGTH:
            day = date.fromisoformat(text)
            return cls(datetime.combine(day, time.min, tzinfo=UTC), True)
        return cls(parse_datetime(text, tz_offset, naive_in_offset=True), False)

    @classmethod
    def today(cls, tz_offset: float | None) -> Due:
        return cls(datetime.combine(today(tz_offset), time.min, tzinfo=UTC), True)

    def render(self) -> str | None:
        return self.at.date().isoformat() if self.date_only else iso(self.at)


def today(tz_offset: float | None) -> date:
    return clock.now().astimezone(tz_from_offset(tz_offset)).date()


def day_start(day: date, tz_offset: float | None) -> tuple[datetime, datetime]:
    """The start of `day` for date-only tasks (midnight UTC) and for timed ones (the caller's midnight)."""
    naive = datetime.combine(day, time.min, tzinfo=UTC)
    local = datetime.combine(day, time.min, tzinfo=tz_from_offset(tz_offset)).astimezone(UTC)
    return naive, local


def before_day(day: date, tz_offset: float | None) -> Filter:
    """Tasks due before `day` begins, for the caller."""
    naive, local = day_start(day, tz_offset)
    return Or(
        (
            And((Term("date_only", "eq", True), Term("due_at", "lt", naive))),
            And((Term("date_only", "eq", False), Term("due_at", "lt", local))),
        )
    )


def inbox_ends(tz_offset: float | None) -> tuple[datetime, datetime]:
    """When the inbox ends for the caller: tomorrow's start for date-only tasks and for timed ones."""
    return day_start(today(tz_offset) + timedelta(days=1), tz_offset)


def view_of(row: dict[str, Any], ends: tuple[datetime, datetime]) -> str:
    """The view a task is in, given `inbox_ends` (worked out once for a page of tasks)."""
    if row["is_complete"]:
        return "archive"
    naive, local = ends
    return "inbox" if row["due_at"] < (naive if row["date_only"] else local) else "future"


def view_filter(view: str, tz_offset: float | None) -> Filter | None:
    """The tasks of one view: inbox (open, due by the end of today), future (open, later), archive."""
    if view == "archive":
        return Term("is_complete", "eq", True)
    tomorrow = today(tz_offset) + timedelta(days=1)
    due = before_day(tomorrow, tz_offset)
    open_ = Term("is_complete", "eq", False)
    if view == "inbox":
        return And((open_, due))
    if view == "future":
        return And((open_, Not(due)))
    return None


def date_filter(operator: str, value: str, tz_offset: float | None) -> Filter:
    """`date`, `date__lt`... with a date (a whole day, the caller's for timed tasks) or an instant."""
    text = value.strip()
    if len(text) != _DATE_LENGTH:
        moment = parse_datetime(text, tz_offset)
        if operator == "eq":
            return Term("due_at", "eq", moment)
        return Term("due_at", operator, moment)  # type: ignore[arg-type]
    day = date.fromisoformat(text)
    starts = before_day(day, tz_offset)
    ends = before_day(day + timedelta(days=1), tz_offset)
    conditions: dict[str, Filter] = {
        "lt": starts,
        "gte": Not(starts),
        "lte": ends,
        "gt": Not(ends),
    }
    if operator == "eq":
        return all_of([Not(starts), ends]) or ends
    return conditions[operator]
