"""The date buckets the database computes agree with Python's, on the edges, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, Engine, literal, select

from leadbase.db.context import Actor, Context
from leadbase.db.types import UTCDateTime
from leadbase.resources.report.buckets import (
    UNITS,
    bucket_key,
    bucket_starts,
    parse_key,
    seconds_between,
    truncate,
)
from leadbase.resources.report.ranges import relative_range, same_days_before

MOMENTS = [
    datetime(2024, 3, 3, 23, 59, 59, 999999, tzinfo=UTC),  # a Sunday's last instant
    datetime(2024, 3, 4, 0, 0, tzinfo=UTC),  # Monday midnight
    datetime(2024, 2, 29, 12, 30, 15, tzinfo=UTC),  # leap day
    datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC),  # the year's last second
    datetime(2024, 1, 1, 0, 0, tzinfo=UTC),
    datetime(2024, 6, 30, 23, 0, tzinfo=UTC),  # a quarter's last hour
    datetime(2024, 7, 1, 0, 0, 1, tzinfo=UTC),
]


def _ctx(conn: object) -> Context:
    return Context(conn=conn, actor=Actor("orga_x", None, None, "admin"))  # type: ignore[arg-type]


def test_sql_buckets_match_python(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = _ctx(conn)
        for moment in MOMENTS:
            for unit in UNITS:
                key = conn.execute(select(bucket_key(ctx, literal(moment, UTCDateTime()), unit))).scalar_one()
                assert parse_key(key) == truncate(moment, unit), (moment, unit, key)
            day = moment.date()
            for unit in ("day", "week", "month", "quarter", "year"):
                key = conn.execute(
                    select(bucket_key(ctx, literal(day, Date()), unit, is_date=True))
                ).scalar_one()
                midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
                assert parse_key(key) == truncate(midnight, unit), (day, unit, key)


def test_seconds_between_on_the_database(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = _ctx(conn)
        a, b = MOMENTS[2], MOMENTS[2] + timedelta(days=3, seconds=7)
        found = conn.execute(
            select(seconds_between(ctx, literal(b, UTCDateTime()), literal(a, UTCDateTime())))
        ).scalar_one()
        assert round(float(found)) == 3 * 86400 + 7


def test_bucket_lists_and_ranges() -> None:
    starts = bucket_starts(datetime(2024, 1, 31, 5, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC), "month")
    assert [s.month for s in starts] == [1, 2, 3, 4]
    quarters = bucket_starts(datetime(2023, 11, 1, tzinfo=UTC), datetime(2024, 7, 1, tzinfo=UTC), "quarter")
    assert [(q.year, q.month) for q in quarters] == [(2023, 10), (2024, 1), (2024, 4)]
    now = datetime(2024, 5, 15, 9, tzinfo=UTC)
    assert relative_range("last-quarter", now).start == datetime(2024, 1, 1, tzinfo=UTC)
    assert relative_range("last-quarter", now).end == datetime(2024, 4, 1, tzinfo=UTC)
    assert relative_range("this-week", now).start == datetime(2024, 5, 13, tzinfo=UTC)
    assert relative_range("last-month", datetime(2024, 1, 10, tzinfo=UTC)).start == datetime(
        2023, 12, 1, tzinfo=UTC
    )
    assert relative_range("last-year", now).start == datetime(2023, 1, 1, tzinfo=UTC)
    base = relative_range("this-month", datetime(2024, 3, 31, tzinfo=UTC))
    back = same_days_before(base, "compared_datetime_range", "same-days-last-month")
    assert (back.start, back.end) == (datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC))
    week = same_days_before(base, "compared_datetime_range", "same-days-last-week")
    assert week.start == datetime(2024, 2, 23, tzinfo=UTC)
    assert date(2024, 2, 29) == truncate(MOMENTS[2], "day").date()
