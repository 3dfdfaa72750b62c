"""Migration b7d2e4f6a810 gives every existing organization Close's default pipeline and statuses,
and puts the new tables under the settings version's triggers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, select, text, update

from leadbase.core import clock
from leadbase.db.engine import build_engine
from leadbase.db.migrate import alembic_config, upgrade
from leadbase.db.models import opportunity_status, organization, pipeline
from tests.support import requested_database_url, scratch_database

BEFORE = "f1a2b3c4d5e6"  # the revision before b7d2e4f6a810


@pytest.fixture
def old_engine(tmp_path: Path) -> Iterator[Engine]:
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


def _version(engine: Engine, org_id: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(select(organization.c.settings_version).where(organization.c.id == org_id)).scalar()
        )


def test_existing_organizations_get_the_sales_pipeline(old_engine: Engine) -> None:
    now = clock.now()
    with old_engine.begin() as conn:
        for org_id in ("orga_one", "orga_two"):
            conn.execute(
                text(
                    "INSERT INTO organization (id, name, date_created, date_updated) "
                    "VALUES (:i, 'Old', :d, :d)"
                ),
                {"i": org_id, "d": now},
            )
    upgrade(old_engine)
    with old_engine.connect() as conn:
        pipes = conn.execute(select(pipeline.c.organization_id, pipeline.c.name, pipeline.c.id)).all()
        assert sorted((p.organization_id, p.name) for p in pipes) == [
            ("orga_one", "Sales"),
            ("orga_two", "Sales"),
        ]
        statuses = conn.execute(
            select(opportunity_status).order_by(
                opportunity_status.c.organization_id, opportunity_status.c.position
            )
        ).all()
        assert [(s.organization_id, s.label, s.type) for s in statuses] == [
            (org, label, kind)
            for org in ("orga_one", "orga_two")
            for label, kind in (("Active", "active"), ("Won", "won"), ("Lost", "lost"))
        ]
        by_org = {p.organization_id: p.id for p in pipes}
        assert all(s.pipeline_id == by_org[s.organization_id] for s in statuses)
    # Writes to the new tables, and a currency change, replace the organization's settings version.
    before = _version(old_engine, "orga_one")
    with old_engine.begin() as conn:
        conn.execute(update(pipeline).where(pipeline.c.id == by_org["orga_one"]).values(name="Renamed"))
    after_pipeline = _version(old_engine, "orga_one")
    assert after_pipeline != before
    with old_engine.begin() as conn:
        conn.execute(update(organization).where(organization.c.id == "orga_one").values(currency="EUR"))
    assert _version(old_engine, "orga_one") != after_pipeline
