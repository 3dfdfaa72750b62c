"""When a sequence may send: its timezone and its weekly schedule of sending hours.

A schedule is null (any time) or `{"ranges": [{"weekday": 1-7, "start": "HH:MM", "end": "HH:MM"}]}`
with Monday = 1, read in the sequence's timezone. A step that falls due outside every range waits
for the next range's start; one due inside a range goes at once. Times are shown as `HH:MM:SS`, the
form Close echoes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadbase.db.fields import Problem

WEEKDAYS = range(1, 8)


def clean_timezone(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Problem("This field is required.")
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Problem(f"Unknown timezone: {name!r} (use an IANA name such as America/New_York).") from exc
    return name


def _clock_time(value: Any) -> time:
    if not isinstance(value, str):
        raise ValueError(value)
    parts = value.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() and len(p) == 2 for p in parts):
        raise ValueError(value)
    hour, minute, second = (int(p) for p in (*parts, "00")[:3])
    return time(hour, minute, second)


def clean_schedule(value: Any) -> dict[str, Any] | None:
    """The stored schedule, or Problem naming the range at fault (`ranges.N.key`)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("ranges"), list):
        raise Problem('Expected null or {"ranges": [{"weekday": 1, "start": "09:00", "end": "17:00"}]}.')
    problems: dict[str, Any] = {}
    ranges: list[dict[str, Any]] = []
    for index, entry in enumerate(value["ranges"]):
        if not isinstance(entry, dict):
            problems[str(index)] = "Expected an object with weekday, start and end."
            continue
        mistakes: dict[str, str] = {}
        weekday = entry.get("weekday")
        if not isinstance(weekday, int) or isinstance(weekday, bool) or weekday not in WEEKDAYS:
            mistakes["weekday"] = "A weekday from 1 (Monday) to 7 (Sunday)."
        bounds: dict[str, time] = {}
        for key in ("start", "end"):
            try:
                bounds[key] = _clock_time(entry.get(key))
            except ValueError:
                mistakes[key] = "A time of day as HH:MM."
        if len(bounds) == 2 and bounds["start"] >= bounds["end"]:
            mistakes["end"] = "The end must come after the start."
        if mistakes:
            problems[str(index)] = mistakes
            continue
        ranges.append(
            {"weekday": weekday, "start": bounds["start"].isoformat(), "end": bounds["end"].isoformat()}
        )
    if problems:
        raise Problem({"ranges": problems})
    return {"ranges": ranges}


def _windows(day: date, zone: ZoneInfo, ranges: list[dict[str, Any]]) -> list[tuple[datetime, datetime]]:
    """The sending windows of one local day, as UTC moments."""
    out = []
    for entry in ranges:
        if entry["weekday"] != day.isoweekday():
            continue
        start = datetime.combine(day, time.fromisoformat(entry["start"]), zone).astimezone(UTC)
        end = datetime.combine(day, time.fromisoformat(entry["end"]), zone).astimezone(UTC)
        out.append((start, end))
    return sorted(out)


def next_sending_moment(moment: datetime, timezone: str, schedule: dict[str, Any] | None) -> datetime:
    """The first moment at or after `moment` inside the schedule (`moment` itself when there is none)."""
    ranges = (schedule or {}).get("ranges") or []
    if not ranges:
        return moment
    zone = ZoneInfo(timezone)
    local_day = moment.astimezone(zone).date()
    # Every weekday comes round within a week; one more day covers a window that ends today.
    for offset in range(8):
        for start, end in _windows(local_day + timedelta(days=offset), zone, ranges):
            if moment < end:
                return max(moment, start)
    return moment
