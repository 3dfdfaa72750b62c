"""Migration e5a7c9d1b3f2 indexes the custom fields that existed before it, and its downgrade
drops them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from leadbase.core import clock
from leadbase.custom_fields.indexes import existing_indexes
from leadbase.db.migrate import upgrade
from tests.support import database_at, migrate

BEFORE = "9d4e6b1a3c57"
TWINS_BEFORE = "5e9a1c3b7d24"
FIELD = "cf_Renewal0Date0Field0000000000000000000000"
UNPLACED = "cf_Shared0Unused000000000000000000000000000"


def _statistics(conn: Connection) -> set[str]:
    return {
        row[0] for row in conn.execute(text("SELECT stxname FROM pg_statistic_ext WHERE stxname LIKE 'cfs%'"))
    }


@pytest.fixture
def old_engine(tmp_path: Path) -> Iterator[Engine]:
    with database_at(str(tmp_path), BEFORE) as engine:
        yield engine


def test_existing_fields_are_indexed(old_engine: Engine) -> None:
    now = clock.now()
    with old_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organization (id, name, date_created, date_updated)"
                " VALUES ('orga_old', 'Old', :d, :d)"
            ),
            {"d": now},
        )
        for field_id, kind, name in ((FIELD, "lead", "Renewal"), (UNPLACED, "shared", "Unused")):
            conn.execute(
                text(
                    "INSERT INTO custom_field (organization_id, id, name, name_key, type, kind,"
                    " accepts_multiple_values, date_created, date_updated)"
                    " VALUES ('orga_old', :i, :n, :k, 'date', :kind, false, :d, :d)"
                ),
                {"i": field_id, "n": name, "k": name.lower(), "kind": kind, "d": now},
            )
        conn.execute(
            text(
                "INSERT INTO custom_field_association (organization_id, id, field_id, object_type, type_id,"
                " name_key, required, editable_with_roles, position, date_created, date_updated)"
                " VALUES ('orga_old', 'cfa_one', :f, 'lead', '', 'renewal', false, '[]', 0, :d, :d)"
            ),
            {"f": FIELD, "d": now},
        )
    upgrade(old_engine)
    tail = FIELD.removeprefix("cf_")
    postgres = old_engine.dialect.name == "postgresql"
    both = {"cfx_lead_t_" + tail, "cfx_lead_ta_" + tail}
    with old_engine.connect() as conn:
        assert existing_indexes(conn, FIELD) == both
        assert existing_indexes(conn, UNPLACED) == set()
    # Migration a3c8e6f1d925 gives indexes made before it their twin (and statistics).
    migrate(old_engine, "downgrade", TWINS_BEFORE)
    with old_engine.connect() as conn:
        assert existing_indexes(conn, FIELD) == {"cfx_lead_t_" + tail}
        if postgres:
            assert _statistics(conn) == set()
    upgrade(old_engine)
    with old_engine.connect() as conn:
        assert existing_indexes(conn, FIELD) == both
        if postgres:
            assert _statistics(conn) == {"cfs_lead_t_" + tail}
    migrate(old_engine, "downgrade", BEFORE)
    with old_engine.connect() as conn:
        assert existing_indexes(conn, FIELD) == set()
