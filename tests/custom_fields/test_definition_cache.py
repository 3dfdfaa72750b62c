"""Definitions are read once per organization and version, not once per field or per request."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, insert, update

from leadbase.core import clock
from leadbase.custom_fields.definitions import definitions_changed, load_definitions, org_definitions
from leadbase.db.context import Actor, Context
from leadbase.db.models import custom_field, organization
from leadbase.db.orgcache import CACHE
from tests.custom_data import field, key, lead
from tests.support import Api, count_statements


def _ctx(api: Api, conn: Connection) -> Context:
    return Context(conn=conn, actor=Actor(api.org.organization_id, api.org.user_id, None, "admin"))


def test_reading_a_lead_costs_the_same_with_one_field_or_forty(api: Api) -> None:
    engine = api.engine
    first = field(api, "lead", "Field 0")
    one = lead(api, "One", **{key(first): "v"})
    api.ok("GET", f"lead/{one['id']}/")
    with count_statements(engine) as with_one:
        api.ok("GET", f"lead/{one['id']}/")
    values = {key(field(api, "lead", f"Field {n}", "number")): n for n in range(1, 40)}
    many = lead(api, "Many", **values)
    assert len([k for k in many if k.startswith("custom.")]) == 39
    api.ok("GET", f"lead/{many['id']}/")
    with count_statements(engine) as with_forty:
        body = api.ok("GET", f"lead/{many['id']}/")
    assert len(body["custom"]) == 39
    assert len(with_forty) == len(with_one)


def test_a_warm_request_does_not_read_the_definitions(api: Api) -> None:
    engine = api.engine
    industry = field(api, "lead", "Industry")
    holder = lead(api, **{key(industry): "IT"})
    api.ok("GET", f"lead/{holder['id']}/")
    with count_statements(engine) as statements:
        page = api.ok("GET", "lead/")
    assert page["data"][0][key(industry)] == "IT"
    assert not [s for s in statements.statements if "custom_field" in s and "organization" not in s]
    # Only the version is looked up.
    assert [s for s in statements.statements if "settings_version" in s]


def test_a_change_made_elsewhere_is_seen_on_the_next_request(api: Api) -> None:
    """Another process writes a field: only the committed version tells this one."""
    engine = api.engine
    lead(api)
    api.ok("GET", "lead/")
    now = clock.now()
    with engine.begin() as conn:
        conn.execute(
            insert(custom_field).values(
                organization_id=api.org.organization_id,
                id="cf_elsewhere",
                kind="shared",
                name="Written elsewhere",
                name_key="written elsewhere",
                type="text",
                accepts_multiple_values=False,
                date_created=now,
                date_updated=now,
            )
        )
    # Without a new version the cached definitions are still served...
    with engine.connect() as conn:
        assert "cf_elsewhere" not in org_definitions(_ctx(api, conn)).rows
    # ...and a new version (what every definition write commits) makes every reader reload.
    with engine.begin() as conn:
        conn.execute(
            update(organization)
            .where(organization.c.id == api.org.organization_id)
            .values(settings_version="v2")
        )
    with engine.connect() as conn:
        assert "cf_elsewhere" in org_definitions(_ctx(api, conn)).rows


def test_a_rolled_back_change_is_never_cached(api: Api) -> None:
    engine = api.engine
    field(api, "lead", "Kept")
    with engine.connect() as conn:
        transaction = conn.begin()
        ctx = _ctx(api, conn)
        now = clock.now()
        conn.execute(
            insert(custom_field).values(
                organization_id=api.org.organization_id,
                id="cf_phantom",
                kind="shared",
                name="Phantom",
                name_key="phantom",
                type="text",
                accepts_multiple_values=False,
                date_created=now,
                date_updated=now,
            )
        )
        definitions_changed(ctx)
        assert "cf_phantom" in org_definitions(ctx).rows
        transaction.rollback()
    with engine.connect() as conn:
        definitions = org_definitions(_ctx(api, conn))
        assert "cf_phantom" not in definitions.rows
        assert [d.name for d in load_definitions(_ctx(api, conn), "lead")] == ["Kept"]


def test_the_cache_is_per_organization(api: Api, make_api: Callable[..., Api]) -> None:
    field(api, "lead", "Mine")
    other = make_api()
    field(other, "lead", "Theirs")
    assert [f["name"] for f in api.ok("GET", "custom_field_schema/lead/")["fields"]] == ["Mine"]
    assert [f["name"] for f in other.ok("GET", "custom_field_schema/lead/")["fields"]] == ["Theirs"]
    CACHE.clear()
    assert [f["name"] for f in api.ok("GET", "custom_field_schema/lead/")["fields"]] == ["Mine"]
