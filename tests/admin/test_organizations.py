"""Snapshots, restores, forks, resets and deletes of whole organizations (admin API and db/tenants)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from leadbase.db import tenants
from leadbase.db.models import metadata
from tests.admin.conftest import Admin
from tests.conformance.factories import World, make
from tests.conformance.specs import with_verbs
from tests.search.helpers import assert_lead_words_follow_the_index, counted_by_words
from tests.support import Api, error_of


def dump(engine: Engine, organization_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        tables: dict[str, Any] = tenants.dump(conn, organization_id)["tables"]
        return tables


def populate(world: World, n: int = 0) -> None:
    """One object (the n-th) of every registered resource, made as the conformance suite does."""
    for param in with_verbs("get"):
        make(world, param.values[0], n)


@pytest.fixture
def full_world(api: Api, make_api: Callable[..., Api]) -> World:
    world = World(api, make_api)
    populate(world)
    return world


def test_every_tenant_table_has_a_role_and_is_in_a_snapshot(api: Api) -> None:
    with_organization = {
        t.name
        for t in metadata.sorted_tables
        if "organization_id" in t.c and t.info.get("tenancy") != "outside"
    }
    assert {t.name for t in tenants.tenant_tables()} == with_organization
    assert set(tenants.ROLES) == with_organization, "give each new tenant table a role in db/tenants.ROLES"
    assert set(dump(api.engine, api.org.organization_id)) == with_organization


def test_a_restored_snapshot_equals_the_original_in_every_table(admin: Admin, full_world: World) -> None:
    api = full_world.api
    org_id = api.org.organization_id
    before = dump(api.engine, org_id)
    assert sum(1 for rows in before.values() if rows) >= 25, "the world should fill most tables"
    snap = admin.ok("POST", f"organizations/{org_id}/snapshots/", 201, json={"name": "full"})
    assert snap["rows"] == sum(len(rows) for rows in before.values())

    populate(full_world, 1)  # more of everything, then remove a lead
    lead_id = api.ok("GET", "lead/")["data"][0]["id"]
    api.ok("DELETE", f"lead/{lead_id}/")
    assert dump(api.engine, org_id) != before

    admin.ok("POST", f"organizations/{org_id}/restore/", json={"snapshot_id": snap["id"]})
    after = dump(api.engine, org_id)
    for table, rows in before.items():
        assert after[table] == rows, table
    assert api.ok("GET", f"lead/{lead_id}/")["id"] == lead_id
    assert [s["id"] for s in admin.ok("GET", f"organizations/{org_id}/snapshots/")["data"]] == [snap["id"]]


def test_a_fork_is_independent_of_its_source(admin: Admin, full_world: World) -> None:
    api = full_world.api
    org_id = api.org.organization_id
    source_before = dump(api.engine, org_id)
    fork = admin.ok("POST", f"organizations/{org_id}/fork/", 201, json={"with_data": True, "name": "Fork"})
    forked = admin.api(fork)
    copied = dump(api.engine, fork["id"])

    # Same records, none of the source's ids: every row and reference was given a new id.
    for table in ("lead", "contact", "opportunity", "custom_field", "custom_object", "lead_status"):
        assert len(copied[table]) == len(source_before[table]), table
    source_ids = {
        row["id"] for rows in source_before.values() for row in rows if isinstance(row.get("id"), str)
    }
    source_ids.add(org_id)
    user_ids = {row["user_id"] for row in source_before["membership"]}
    text = repr(copied)
    assert not [i for i in source_ids - user_ids if i in text]
    assert copied["event"] == [] and copied["webhook_delivery"] == []
    assert {r["id"] for r in copied["api_key"]} == {u["api_key_id"] for u in fork["users"]}

    # Custom values came along under the new field ids, and the fork's API serves them.
    leads = forked.ok("GET", "lead/", params={"_fields": "id,name,custom"})["data"]
    source_leads = api.ok("GET", "lead/", params={"_fields": "id,name,custom"})["data"]
    assert sorted(lead["name"] for lead in leads) == sorted(lead["name"] for lead in source_leads)
    assert sorted(len(lead["custom"]) for lead in leads) == sorted(
        len(lead["custom"]) for lead in source_leads
    )

    # Writes to either side leave the other alone.
    forked.ok("PUT", f"lead/{leads[0]['id']}/", json={"name": "Changed in the fork"})
    forked.ok("DELETE", f"lead/{leads[-1]['id']}/")
    api.ok("POST", "lead/", json={"name": "Added to the source"})
    names = {lead["name"] for lead in api.ok("GET", "lead/")["data"]}
    assert "Changed in the fork" not in names
    assert len(api.ok("GET", "lead/")["data"]) == len(source_leads) + 1
    assert error_of(api.get(f"lead/{leads[0]['id']}/"), 404)


def test_a_configuration_fork_has_no_records(admin: Admin, full_world: World) -> None:
    api = full_world.api
    fork = admin.ok("POST", f"organizations/{api.org.organization_id}/fork/", 201, json={})
    forked = admin.api(fork)
    assert forked.ok("GET", "lead/")["data"] == []
    fields = forked.ok("GET", "custom_field/lead/")["data"]
    assert [f["name"] for f in fields] == [f["name"] for f in api.ok("GET", "custom_field/lead/")["data"]]
    assert not {f["id"] for f in fields} & {f["id"] for f in api.ok("GET", "custom_field/lead/")["data"]}


def test_reset_empties_and_keeps_members_and_keys(admin: Admin, full_world: World) -> None:
    api = full_world.api
    org_id = api.org.organization_id
    admin.ok("POST", f"organizations/{org_id}/reset/")
    after = dump(api.engine, org_id)
    kept = {"membership", "api_key", "role", "lead_status", "pipeline", "opportunity_status", "object_count"}
    assert {t for t, rows in after.items() if rows} <= kept
    assert api.ok("GET", "lead/")["data"] == []  # the key still works
    assert api.events() == []
    assert [s["label"] for s in api.ok("GET", "status/lead/")["data"]] == [
        "Potential",
        "Bad Fit",
        "Qualified",
        "Customer",
    ]
    api.ok("POST", "lead/", json={"name": "After the reset"})


def test_delete_removes_every_row_and_the_keys(admin: Admin, api: Api) -> None:
    org_id = api.org.organization_id
    api.ok("POST", "lead/", json={"name": "Doomed"})
    admin.ok("POST", f"organizations/{org_id}/snapshots/", 201)
    admin.ok("DELETE", f"organizations/{org_id}/", 204)
    assert not any(dump_rows for dump_rows in _rows_left(api.engine, org_id))
    assert error_of(api.get("lead/"), 401)
    assert error_of(admin.request("GET", f"organizations/{org_id}/"), 404)


def _rows_left(engine: Engine, organization_id: str) -> list[Any]:
    from sqlalchemy import func, select

    from leadbase.db.models import org_snapshot

    with engine.connect() as conn:
        counts = [
            conn.execute(
                select(func.count()).select_from(t).where(t.c.organization_id == organization_id)
            ).scalar()
            for t in [*tenants.tenant_tables(), org_snapshot]
        ]
    return counts


def test_lead_words_follow_snapshots_forks_resets_and_deletes(admin: Admin, api: Api) -> None:
    """The words by lead (`lead_word` on PostgreSQL, `lead_text` on SQLite: kept by triggers on
    `text_index`, outside the tenant tables) stay the words of the index whatever an operator
    does to a whole organization."""
    org_id = api.org.organization_id
    contacts = [{"name": "Ann Dingo", "emails": [{"email": "ann@acme.test"}]}]
    lead = api.ok("POST", "lead/", json={"name": "Dingo Works", "contacts": contacts})
    snap = admin.ok("POST", f"organizations/{org_id}/snapshots/", 201, json={"name": "dingo"})
    api.ok("PUT", f"lead/{lead['id']}/", json={"name": "Emu Works"})
    api.ok("POST", "lead/", json={"name": "Dingo Again"})
    admin.ok("POST", f"organizations/{org_id}/restore/", json={"snapshot_id": snap["id"]})
    assert_lead_words_follow_the_index(api)
    assert counted_by_words(api, "dingo") == (1, 1, True)
    made = admin.ok("POST", f"organizations/{org_id}/fork/", 201, json={"with_data": True, "name": "Fork"})
    fork = admin.api(made)
    assert_lead_words_follow_the_index(api)
    assert counted_by_words(fork, "dingo") == (1, 1, True)
    admin.ok("POST", f"organizations/{org_id}/reset/")
    assert_lead_words_follow_the_index(api)
    assert counted_by_words(api, "dingo") == (0, 0, True)
    admin.ok("DELETE", f"organizations/{fork.org.organization_id}/", 204)
    assert_lead_words_follow_the_index(api)
