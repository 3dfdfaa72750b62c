"""Migration b7e2c9d4a1f6: `lead_day_count` holds the leads there are, by organization, status
and day, and its triggers keep it from then on (SQLite); its downgrade takes both away.
PostgreSQL gets the table alone, which stays empty."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, inspect, text

from leadbase.db.migrate import upgrade
from tests.support import database_at, migrate

BEFORE = "a4d8f1c6e2b7"
LEADS = (
    # (organization, lead, status, date_created as SQLite stores it)
    ("orga_a", "lead_1", "stat_open", "2024-01-01 00:00:00.000000"),
    ("orga_a", "lead_2", "stat_open", "2024-01-01 23:59:59.999999"),
    ("orga_a", "lead_3", "stat_won", "2024-01-01 12:00:00.000000"),
    ("orga_a", "lead_4", "stat_open", "2024-01-02 08:00:00.000000"),
    ("orga_b", "lead_5", "stat_theirs", "2024-01-01 09:00:00.000000"),
)


@pytest.fixture
def old_engine(tmp_path: Path) -> Iterator[Engine]:
    with database_at(str(tmp_path), BEFORE) as engine:
        yield engine


def _write(engine: Engine, *statements: tuple[str, tuple[str, ...]]) -> None:
    """Statements on the driver with foreign keys off (no organizations or statuses needed),
    which SQLite allows only outside a transaction."""
    raw = engine.raw_connection()
    try:
        raw.execute("PRAGMA foreign_keys = OFF")
        for sql, values in statements:
            raw.execute(sql, values)
    finally:
        raw.execute("PRAGMA foreign_keys = ON")
        raw.close()


def _lead(organization: str, lead_id: str, status: str, created: str) -> tuple[str, tuple[str, ...]]:
    return (
        "INSERT INTO lead (organization_id, id, status_id, addresses, custom, date_created, date_updated) "
        "VALUES (?, ?, ?, '[]', '{}', ?, ?)",
        (organization, lead_id, status, created, created),
    )


def _kept(conn: Connection) -> set[tuple[str, str, str, int]]:
    rows = conn.execute(text("SELECT organization_id, status_id, day, n FROM lead_day_count WHERE n != 0"))
    return {(r[0], r[1], r[2], r[3]) for r in rows}


def test_the_leads_there_are_are_counted_and_kept_counted_then_the_downgrade_removes_it(
    old_engine: Engine,
) -> None:
    if old_engine.dialect.name != "sqlite":
        upgrade(old_engine)
        assert "lead_day_count" in inspect(old_engine).get_table_names()
        return
    _write(old_engine, *(_lead(*row) for row in LEADS))
    upgrade(old_engine)
    with old_engine.connect() as conn:
        assert _kept(conn) == {
            ("orga_a", "stat_open", "2024-01-01", 2),
            ("orga_a", "stat_won", "2024-01-01", 1),
            ("orga_a", "stat_open", "2024-01-02", 1),
            ("orga_b", "stat_theirs", "2024-01-01", 1),
        }
    _write(
        old_engine,
        _lead("orga_a", "lead_6", "stat_won", "2024-01-02 10:00:00.000000"),
        ("UPDATE lead SET status_id = 'stat_won' WHERE id = 'lead_1'", ()),
        ("DELETE FROM lead WHERE id = 'lead_5'", ()),
    )
    with old_engine.connect() as conn:
        assert _kept(conn) == {
            ("orga_a", "stat_open", "2024-01-01", 1),
            ("orga_a", "stat_won", "2024-01-01", 2),
            ("orga_a", "stat_open", "2024-01-02", 1),
            ("orga_a", "stat_won", "2024-01-02", 1),
        }
    migrate(old_engine, "downgrade", BEFORE)
    assert "lead_day_count" not in inspect(old_engine).get_table_names()
    # No trigger is left to write to the table that went.
    _write(old_engine, _lead("orga_a", "lead_7", "stat_won", "2024-01-03 10:00:00.000000"))
