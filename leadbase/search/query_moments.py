"""Dates written in a lead query string, as Advanced Filtering moments.

A value names either an instant (`2024-05-02T09:30:00Z`, `now`, `3 hours ago`) or a span of time
(`2024-05-02`, `today`, `last week`, `2 weeks ago` = that whole day). Both are read as a pair
(start, end): the end is exclusive, and an instant's "end" is the next microsecond, so one rule
serves every comparison:

    >= v  ->  on_or_after start        <  v  ->  before start
    >  v  ->  on_or_after end          <= v  ->  before end
    :  v  ->  on_or_after start, before end

Absolute values become `fixed_utc` moments here (a date alone is its midnight in the
x-tz-offset zone, a naive datetime is UTC, as everywhere else in leadbase); relative ones stay
relative (`now`, `offset`, `start_end_of_predefined_relative_period`), for the engine to resolve
at request time in the caller's zone.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from leadbase.core.dates import parse_datetime

Moment = dict[str, Any]

_MICROSECOND = timedelta(microseconds=1)
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERIODS = ("today", "yesterday", "week", "month", "quarter", "year")
_RELATIVE = re.compile(
    r"(?:(?P<in>in)\s+)?(?P<count>\d{1,4})\s*(?P<unit>second|minute|hour|day|week|month|year)s?"
    r"(?:\s+(?P<dir>ago|from\s+now|later))?"
)
_CALENDAR_UNITS = ("day", "week", "month", "year")


def _now() -> Moment:
    return {"type": "now"}


def _period(name: str, which: str) -> Moment:
    return {"type": "start_end_of_predefined_relative_period", "range": name, "which": which}


def _offset(direction: str, base: Moment, unit: str, count: int, day_end: str | None) -> Moment:
    moment: Moment = {
        "type": "offset",
        "direction": direction,
        "moment": base,
        "offset": {u + "s": (count if u == unit else 0) for u in _UNITS},
    }
    if day_end is not None:
        moment["which_day_end"] = day_end
    return moment


_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")


def _fixed(moment: datetime) -> Moment:
    return {"type": "fixed_utc", "value": moment.isoformat()}


def span(value: str, tz_offset: float | None) -> tuple[Moment, Moment] | None:
    """(start, exclusive end) of what `value` names, or None when it names no time."""
    text = " ".join(value.lower().split())
    if text == "now":
        return _now(), _now()
    if text in ("today", "yesterday"):
        return _period(text, "start"), _period(text, "end")
    if text == "tomorrow":
        return (
            _offset("future", _period("today", "start"), "day", 1, None),
            _offset("future", _period("today", "end"), "day", 1, None),
        )
    words = text.split(" ")
    if len(words) == 2 and words[0] in ("this", "last") and words[1] in _PERIODS[2:]:
        name = f"{words[0]}-{words[1]}"
        return _period(name, "start"), _period(name, "end")
    relative = _RELATIVE.fullmatch(text)
    if relative is not None:
        if (relative["in"] and relative["dir"]) or not (relative["in"] or relative["dir"]):
            return None  # "in 2 days ago" or a bare "2 days" names no moment
        direction = "past" if relative["dir"] == "ago" else "future"
        unit, count = relative["unit"], int(relative["count"])
        if unit in _CALENDAR_UNITS:
            # "2 weeks ago" is that calendar day, as a date would be.
            return (
                _offset(direction, _now(), unit, count, "start"),
                _offset(direction, _now(), unit, count, "end"),
            )
        moment = _offset(direction, _now(), unit, count, None)
        return moment, moment
    try:
        start = parse_datetime(value, tz_offset)
    except ValueError:
        return None
    if _DATE_ONLY.fullmatch(value.strip()):
        return _fixed(start), _fixed(start + timedelta(days=1))
    return _fixed(start), _fixed(start + _MICROSECOND)


def moment_range(op: str, value: str, tz_offset: float | None) -> dict[str, Any] | None:
    """The `moment_range` condition for `field <op> value`, or None when value is no date."""
    bounds = span(value, tz_offset)
    if bounds is None:
        return None
    start, end = bounds
    condition: dict[str, Any] = {"type": "moment_range"}
    if op in (":", "="):
        condition["on_or_after"], condition["before"] = start, end
    elif op == ">=":
        condition["on_or_after"] = start
    elif op == ">":
        condition["on_or_after"] = end
    elif op == "<":
        condition["before"] = start
    else:  # "<="
        condition["before"] = end
    return condition
