"""clock.iso: Close's datetime form, whichever way it is written."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from leadbase.core import clock
from leadbase.core.clock import iso, keep_iso


def test_iso_shows_microseconds_and_utc_offset_as_isoformat_does() -> None:
    # iso writes datetimes with a fraction through orjson: it must agree with isoformat to the byte.
    rng = random.Random(7)
    moments = [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2024, 2, 29, 12, 0, 0, 10, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ]
    start = datetime(1, 1, 1, tzinfo=UTC)
    span = (datetime(9999, 12, 31, tzinfo=UTC) - start) // timedelta(microseconds=1)
    moments += [start + timedelta(microseconds=rng.randrange(span)) for _ in range(2000)]
    for moment in moments:
        assert iso(moment) == moment.isoformat(timespec="microseconds")


def test_iso_turns_other_zones_and_naive_datetimes_to_utc() -> None:
    east = timezone(timedelta(hours=2))
    assert iso(datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=east)) == "2026-03-01T10:00:00.000005+00:00"
    assert iso(datetime(2026, 3, 1, 12, 0)) == "2026-03-01T12:00:00.000000+00:00"
    assert iso(None) is None


def test_a_kept_form_answers_for_that_very_datetime_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_forms", {})
    moment = datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=UTC)
    # A form nobody would compute: only a kept one can be the answer.
    keep_iso(moment, "kept")
    assert iso(moment) == "kept"
    # An equal datetime that is another object is worked out as ever.
    twin = moment.replace(microsecond=5)
    assert twin == moment and twin is not moment
    assert iso(twin) == "2026-03-01T12:00:00.000005+00:00"


def test_kept_forms_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_forms", {})
    monkeypatch.setattr(clock, "FORMS_KEPT", 2)
    moments = [datetime(2026, 3, 1, 12, 0, 0, n + 1, tzinfo=UTC) for n in range(3)]
    for number, moment in enumerate(moments):
        keep_iso(moment, f"kept {number}")
    # The third found two kept: they went, and it was kept alone.
    assert [iso(m) for m in moments] == [
        "2026-03-01T12:00:00.000001+00:00",
        "2026-03-01T12:00:00.000002+00:00",
        "kept 2",
    ]
