"""The one place leadbase reads the time, so tests can control it."""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """Current UTC time, timezone-aware, with microseconds."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(moment: datetime | None) -> None:
    """Pin the clock (tests); None unpins it."""
    global _frozen
    _frozen = moment


def iso(moment: datetime | None) -> str | None:
    """Close's datetime form: ISO 8601, microseconds, explicit +00:00."""
    if moment is None:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")
