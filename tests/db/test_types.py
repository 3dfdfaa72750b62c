"""The column types leadbase reads rows through (db/types.py), on the session's database."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    func,
    insert,
    select,
    text,
    type_coerce,
)

from leadbase.core.clock import iso
from leadbase.db import types
from leadbase.db.types import JSONDoc, UTCDateTime

metadata = MetaData()
sample = Table(
    "types_sample",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("moment", UTCDateTime),
    Column("doc", JSONDoc),
)


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    # DDL is transactional on both databases: the table goes with the rollback.
    with engine.connect() as conn, conn.begin() as transaction:
        metadata.create_all(conn)
        yield conn
        transaction.rollback()


def test_datetimes_come_back_aware_in_utc_whatever_zone_they_were_written_in(conn: Connection) -> None:
    two_hours_east = timezone(timedelta(hours=2))
    conn.execute(
        insert(sample),
        [
            {"id": 1, "moment": datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=two_hours_east)},
            {"id": 2, "moment": datetime(2026, 3, 1, 12, 0)},  # naive: taken as UTC
            {"id": 3, "moment": None},
        ],
    )
    read = dict(conn.execute(select(sample.c.id, sample.c.moment).order_by(sample.c.id)).all())
    assert read == {
        1: datetime(2026, 3, 1, 10, 0, 0, 5, tzinfo=UTC),
        2: datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        3: None,
    }
    assert read[1].tzinfo is UTC and read[2].tzinfo is UTC


def test_a_datetime_written_by_hand_with_an_offset_is_read_in_utc(conn: Connection) -> None:
    # What a load in SQL may leave: text with an offset on SQLite, a timestamptz on PostgreSQL.
    conn.execute(text("INSERT INTO types_sample (id, moment) VALUES (1, '2026-03-01 12:00:00+02:00')"))
    moment = conn.execute(select(sample.c.moment)).scalar_one()
    assert moment == datetime(2026, 3, 1, 10, 0, tzinfo=UTC) and moment.tzinfo is UTC


def test_datetimes_written_by_hand_in_other_forms_are_read_aware_in_utc(conn: Connection) -> None:
    # SQLite's text is read by appending UTC's offset to the stored form: text in another form
    # (no fraction, a T, an offset of zero or a Z, a bare date) must come back as the general
    # parser reads it, aware in UTC.
    written = {
        1: "2026-03-01 12:00:00",
        2: "2026-03-01T12:00:00.250000",
        3: "2026-03-01 12:00:00+00:00",
        4: "2026-03-01 12:00:00Z",
        5: "2026-03-01",
    }
    insert_text = text("INSERT INTO types_sample (id, moment) VALUES (:id, :moment)")
    for key, value in written.items():
        conn.execute(insert_text, {"id": key, "moment": value})
    read = dict(conn.execute(select(sample.c.id, sample.c.moment).order_by(sample.c.id)).all())
    assert read == {
        1: datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        2: datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC),
        3: datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        4: datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        5: datetime(2026, 3, 1, tzinfo=UTC),
    }
    assert all(moment.tzinfo is UTC for moment in read.values())


def test_stored_datetimes_read_again_are_the_same_object_and_show_as_they_always_did(
    conn: Connection,
) -> None:
    # SQLite: a stored text read again is the datetime it was parsed into, whose form in
    # Close's answers is the text made ISO. Every form must be what iso works out afresh.
    moments = [
        datetime(2026, 3, 1, 12, 0, tzinfo=UTC),  # a whole second: the fraction still shown
        datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2024, 2, 29, 0, 0, 0, 123456, tzinfo=UTC),
    ]
    rng = random.Random(11)
    start = datetime(1, 1, 1, tzinfo=UTC)
    span = (datetime(9999, 12, 31, tzinfo=UTC) - start) // timedelta(microseconds=1)
    moments += [start + timedelta(microseconds=rng.randrange(span)) for _ in range(300)]
    conn.execute(insert(sample), [{"id": n, "moment": m} for n, m in enumerate(moments)])
    query = select(sample.c.moment).order_by(sample.c.id)
    first = list(conn.execute(query).scalars())
    again = list(conn.execute(query).scalars())
    assert first == again == moments
    for read, read_again, written in zip(first, again, moments, strict=True):
        if conn.dialect.name == "sqlite":
            assert read_again is read
        assert iso(read) == iso(read_again) == written.isoformat(timespec="microseconds")


def test_stored_datetimes_kept_are_bounded_and_dropped_together(
    conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    if conn.dialect.name != "sqlite":
        pytest.skip("PostgreSQL hands back datetimes, not stored text")
    monkeypatch.setattr(types, "PARSED_KEPT", 3)
    monkeypatch.setattr(types, "_parsed", {})
    start = datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=UTC)
    moments = [start + timedelta(seconds=n) for n in range(4)]
    conn.execute(insert(sample), [{"id": n, "moment": m} for n, m in enumerate(moments)])
    read = list(conn.execute(select(sample.c.moment).order_by(sample.c.id)).scalars())
    # The fourth text found three kept: they went, and it was kept alone.
    assert list(types._parsed.values()) == [read[3]]
    assert [iso(m) for m in read] == [m.isoformat(timespec="microseconds") for m in moments]


def test_json_documents_round_trip_and_a_scalar_read_out_of_one_stays_a_number(conn: Connection) -> None:
    doc = {"n": 5, "words": ["ann", "acme"], "nested": {"ok": True}, "none": None}
    conn.execute(
        insert(sample), [{"id": 1, "doc": doc}, {"id": 2, "doc": [1, "two"]}, {"id": 3, "doc": None}]
    )
    assert dict(conn.execute(select(sample.c.id, sample.c.doc).order_by(sample.c.id)).all()) == {
        1: doc,
        2: [1, "two"],
        3: None,
    }
    if conn.dialect.name == "sqlite":
        # SQLite hands json_extract's numbers back as numbers, not JSON text.
        extracted = type_coerce(func.json_extract(sample.c.doc, "$.n"), JSONDoc)
    else:
        extracted = type_coerce(sample.c.doc["n"], JSONDoc)
    assert conn.execute(select(extracted).where(sample.c.id == 1)).scalar_one() == 5
