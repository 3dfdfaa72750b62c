"""The one place leadbase reads the time, so tests and the admin API can control it.

The clock is virtual per process: it is either the wall clock moved by an offset (`travel`,
`advance` while running) or frozen at one moment (`freeze`, `advance` while frozen). Everything
that dates a row, decides a job or a webhook retry is due, or expires a search cursor reads
`now()`, so moving this clock moves all of them. Rate-limit windows are counted by the `limits`
package on the wall clock and do not move with it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson

_lock = threading.Lock()
_frozen: datetime | None = None
_offset = timedelta(0)


@dataclass(frozen=True)
class State:
    """What the clock says and why: frozen or running, and how far from the wall clock."""

    now: datetime
    frozen: bool
    offset_seconds: float


def now() -> datetime:
    """Current UTC time, timezone-aware, with microseconds."""
    frozen = _frozen
    return frozen if frozen is not None else datetime.now(UTC) + _offset


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def freeze(moment: datetime | None) -> None:
    """Pin the clock at `moment`; None lets it run again (at its offset)."""
    global _frozen
    with _lock:
        _frozen = _aware(moment) if moment is not None else None


def travel(moment: datetime) -> None:
    """Let the clock run from `moment` on (an offset from the wall clock)."""
    global _frozen, _offset
    with _lock:
        _frozen = None
        _offset = _aware(moment) - datetime.now(UTC)


def advance(delta: timedelta) -> datetime:
    """Move the clock forward (or back, with a negative delta), frozen or running."""
    global _frozen, _offset
    with _lock:
        if _frozen is not None:
            _frozen = _frozen + delta
        else:
            _offset = _offset + delta
    return now()


def reset() -> None:
    """Back to the wall clock."""
    global _frozen, _offset
    with _lock:
        _frozen = None
        _offset = timedelta(0)


def state() -> State:
    frozen = _frozen
    moment = now()
    offset = (moment - datetime.now(UTC)).total_seconds() if frozen is not None else _offset.total_seconds()
    return State(now=moment, frozen=frozen is not None, offset_seconds=offset)


_dumps = orjson.dumps

# Forms `iso` need not work out: per datetime object (by identity, never by value: hashing an
# aware datetime costs about what formatting it does), the text a caller already had. SQLite's
# rows hand theirs over (db/types.py): a page of whole leads shows ~1,000 stored datetimes, and
# `iso` was a sixteenth of its time. Each entry holds its datetime, so no other object can take
# its id while the entry lives; at `FORMS_KEPT` entries they are all dropped and kept anew.
_forms: dict[int, tuple[datetime, str]] = {}
FORMS_KEPT = 16_384


def keep_iso(moment: datetime, form: str) -> None:
    """Let `iso(moment)` answer `form`, which must be what it would work out for this object."""
    if len(_forms) >= FORMS_KEPT:
        _forms.clear()
    _forms[id(moment)] = (moment, form)


def iso(moment: datetime | None) -> str | None:
    """Close's datetime form: ISO 8601, microseconds, explicit +00:00."""
    if moment is None:
        return None
    kept = _forms.get(id(moment))
    if kept is not None and kept[0] is moment:
        return kept[1]
    # Stored datetimes come back in UTC already (a page of leads shows nearly a thousand).
    if moment.tzinfo is not UTC:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if moment.microsecond:
        # orjson writes an aware UTC datetime that has a fraction exactly as isoformat does
        # (tests/core/test_clock.py), in a quarter of the work: 3,400 instructions against
        # 14,000 (valgrind), whose formatting was a sixth of a page of whole leads.
        return _dumps(moment)[1:-1].decode()
    # A whole second: orjson would leave the fraction out, Close shows it.
    return moment.isoformat(timespec="microseconds")
