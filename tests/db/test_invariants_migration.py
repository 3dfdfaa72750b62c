"""Migration 5d1c8a7e2f40 on a database that the old rules let go wrong.

Before it, look-alike labels could both be saved and a race could leave a contact on a deleted
lead. Upgrading must keep every distinct row it can, make the rest fit, and leave the
constraints in force.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import IntegrityError

from leadbase.core import clock
from leadbase.db.engine import build_engine
from leadbase.db.migrate import alembic_config, upgrade
from leadbase.db.models import contact, custom_field, custom_field_association, lead, lead_status
from tests.support import new_organization, requested_database_url, scratch_database

BEFORE = "a3c9e5d1f7b2"  # the revision before 5d1c8a7e2f40


@pytest.fixture
def old_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database at the revision before the invariants, with an organization in it."""
    with scratch_database(requested_database_url(str(tmp_path))) as url:
        engine = build_engine(url, pool_size=1)
        config = alembic_config()
        with engine.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, BEFORE)
        try:
            yield engine
        finally:
            engine.dispose()


def _audit(org_id: str, row_id: str, **values: Any) -> dict[str, Any]:
    now = clock.now()
    return {"organization_id": org_id, "id": row_id, "date_created": now, "date_updated": now, **values}


def _old_rows(engine: Engine) -> str:
    """An organization written with raw SQL (the old tables have no key columns); its id."""
    org_id, now = "orga_old", clock.now()
    statuses = (("stat_first", "Potential", 0), ("stat_a", "Hot", 10), ("stat_b", "\uff28\uff2f\uff34", 11))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organization (id, name, date_created, date_updated) VALUES (:i, 'Old', :d, :d)"
            ),
            {"i": org_id, "n": "Old", "d": now},
        )
        for row_id, label, position in statuses:
            conn.execute(
                text(
                    "INSERT INTO lead_status (organization_id, id, label, position, date_created,"
                    " date_updated) VALUES (:o, :i, :l, :p, :d, :d)"
                ),
                {"o": org_id, "i": row_id, "l": label, "p": position, "d": now},
            )
        lead_sql = text(
            "INSERT INTO lead (organization_id, id, name, status_id, addresses, custom, date_created,"
            " date_updated) VALUES (:o, :i, 'x', :s, '[]', '{}', :d, :d)"
        )
        conn.execute(lead_sql, {"o": org_id, "i": "lead_kept", "s": "stat_a", "d": now})
        conn.execute(lead_sql, {"o": org_id, "i": "lead_lost_status", "s": "stat_gone", "d": now})
        contact_sql = text(
            "INSERT INTO contact (organization_id, id, lead_id, emails, phones, urls, custom, date_created,"
            " date_updated) VALUES (:o, :i, :l, '[]', '[]', '[]', '{}', :d, :d)"
        )
        conn.execute(contact_sql, {"o": org_id, "i": "cont_kept", "l": "lead_kept", "d": now})
        conn.execute(contact_sql, {"o": org_id, "i": "cont_orphan", "l": "lead_gone", "d": now})
    return org_id


def _triggers(engine: Engine) -> set[tuple[str, str]]:
    """(table, trigger) of every trigger leadbase made (the settings version, the counts)."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            found = conn.execute(text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"))
        else:
            found = conn.execute(
                text("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
            )
        return {(str(table), str(name)) for table, name in found}


def test_upgrading_keeps_distinct_rows_and_makes_the_rest_fit(old_engine: Engine) -> None:
    _old_rows(old_engine)
    triggers = _triggers(old_engine)
    assert ("lead", "lead_count_insert") in triggers or ("lead", "lead_count") in triggers

    upgrade(old_engine)

    # SQLite copies a table to add a foreign key: the copy must keep the table's triggers (later
    # revisions add tables with triggers of their own).
    tables = {table for table, _ in triggers}
    # Later revisions may add triggers to those tables too (the full-text index's, text_index_*;
    # the custom values', custom_value_*; the leads by status and day, lead_day_count_*).
    later = ("text_index_", "custom_value_", "lead_day_count_")
    kept = {t for t in _triggers(old_engine) if t[0] in tables and not t[1].startswith(later)}
    assert kept == triggers

    with old_engine.connect() as conn:
        keys = dict(conn.execute(select(lead_status.c.id, lead_status.c.label_key)).all())
        assert keys["stat_a"] == "hot"
        assert keys["stat_b"] == "hot#stat_b"  # the newer look-alike keeps its label, not the key
        moved = conn.execute(select(lead.c.status_id).where(lead.c.id == "lead_lost_status")).scalar_one()
        assert moved == "stat_first"
        assert set(conn.execute(select(contact.c.id)).scalars()) == {"cont_kept"}


def test_after_upgrading_the_database_refuses_what_the_rules_forbid(old_engine: Engine) -> None:
    upgrade(old_engine)
    org = new_organization(old_engine)
    org_id = org.organization_id
    with old_engine.begin() as conn:
        taken = conn.execute(
            select(lead_status.c.label_key).where(lead_status.c.organization_id == org_id)
        ).scalars()
        label_key = next(iter(taken))
    refused: list[tuple[Any, dict[str, Any]]] = [
        (lead_status, _audit(org_id, "stat_twin", label="x", label_key=label_key, position=99)),
        (
            lead,
            _audit(org_id, "lead_x", name="x", status_id="stat_none", addresses=[], custom={}),
        ),
        (contact, _audit(org_id, "cont_x", lead_id="lead_none", emails=[], phones=[], urls=[], custom={})),
        (
            custom_field_association,
            _audit(
                org_id,
                "cfa_x",
                field_id="cf_none",
                object_type="lead",
                type_id="",
                name_key="k",
                required=False,
                editable_with_roles=[],
                position=0,
            ),
        ),
    ]
    for table, row in refused:
        with pytest.raises(IntegrityError), old_engine.begin() as conn:
            conn.execute(insert(table), row)
    shared = {"kind": "shared", "type": "text", "accepts_multiple_values": False}
    with old_engine.begin() as conn:
        conn.execute(
            insert(custom_field), _audit(org_id, "cf_one", name="Région", name_key="région", **shared)
        )
    with pytest.raises(IntegrityError), old_engine.begin() as conn:
        conn.execute(
            insert(custom_field), _audit(org_id, "cf_two", name="REGION", name_key="région", **shared)
        )
