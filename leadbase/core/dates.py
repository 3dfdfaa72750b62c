"""Parsing the date and datetime values that clients send in filters and fields."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def tz_from_offset(offset_hours: float | None) -> timezone:
    if not offset_hours:
        return UTC
    return timezone(timedelta(hours=offset_hours))


def parse_offset_header(value: str | None) -> float | None:
    """The x-tz-offset header: hours as a float (`-4`, `5.5`); junk means no offset."""
    if value is None:
        return None
    try:
        hours = float(value)
    except ValueError:
        return None
    if not -14 <= hours <= 14:
        return None
    return hours


def parse_datetime(
    value: str, offset_hours: float | None = None, *, naive_in_offset: bool = False
) -> datetime:
    """A date, a naive datetime or one with an offset, as an aware UTC datetime.

    A date alone means its midnight in the x-tz-offset zone (UTC without the header), as
    Close documents for date-only values. A naive datetime is UTC unless `naive_in_offset`:
    in filters, Close's Python client sends its machine's offset on every request, and reading
    naive values in that zone would move the same filter from one machine to the next; a
    value typed for a datetime field is the writer's wall time. Raises ValueError otherwise,
    including for an instant that falls outside years 1-9999 once moved to UTC.
    """
    try:
        return _parse_datetime(value, offset_hours, naive_in_offset)
    except OverflowError as exc:
        # 9999-12-31T23:59:59-12:00 is a valid text whose UTC instant does not exist.
        raise ValueError("the instant is outside years 1-9999 in UTC") from exc


def _parse_datetime(value: str, offset_hours: float | None, naive_in_offset: bool) -> datetime:
    text = value.strip()
    if _DATE.match(text):
        moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        return moment.replace(tzinfo=tz_from_offset(offset_hours)).astimezone(UTC)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Accept +0000 as well as +00:00 (some clients send the compact form).
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz_from_offset(offset_hours) if naive_in_offset else UTC)
    return moment.astimezone(UTC)


def parse_date(value: str) -> date:
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        raise ValueError("not a YYYY-MM-DD date")
    return date.fromisoformat(value.strip())
