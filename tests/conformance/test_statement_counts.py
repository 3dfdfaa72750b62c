"""A list page costs the same number of SQL statements whatever its size: related rows
are loaded in batches, never per row."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from leadbase.db.resource import ResourceSpec
from tests.conformance.factories import World, list_params, make
from tests.conformance.specs import with_verbs
from tests.support import count_statements

SIZES = (1, 2, 6)


def _statements_per_page(world: World, spec: ResourceSpec, **params: Any) -> dict[int, int]:
    engine: Engine = world.api.client.app.state.engine  # type: ignore[attr-defined]
    # A first request warms the API-key cache, which would otherwise count once.
    params = {**list_params(world, spec), **params}
    world.api.ok("GET", f"{spec.path}/", params={"_limit": 1, **params})
    counts: dict[int, int] = {}
    for size in SIZES:
        with count_statements(engine) as statements:
            page = world.api.ok("GET", f"{spec.path}/", params={"_limit": size, **params})
        assert len(page["data"]) == size
        counts[size] = len(statements)
    return counts


@pytest.mark.parametrize("spec", with_verbs("list"))
def test_list_page_statement_count_does_not_grow_with_limit(world: World, spec: ResourceSpec) -> None:
    for n in range(max(SIZES)):
        make(world, spec, n)
    counts = _statements_per_page(world, spec)
    assert len(set(counts.values())) == 1, counts


def test_leads_with_contacts_cost_a_constant_number_of_statements(world: World) -> None:
    for n in range(max(SIZES)):
        world.api.ok(
            "POST",
            "lead/",
            json={
                "name": f"Lead {n}",
                "contacts": [
                    {
                        "name": f"A{n}",
                        "emails": [{"email": f"a{n}@example.com"}],
                        "phones": [{"phone": "+14155550100"}],
                    },
                    {"name": f"B{n}", "urls": [{"url": "https://b.example"}]},
                ],
            },
        )
    from leadbase.db.resource import resources
    from leadbase.resources import load_all

    load_all()
    lead = resources.get("lead")
    counts = _statements_per_page(world, lead)
    assert len(set(counts.values())) == 1, counts
    with_query = _statements_per_page(world, lead, query="name:Lead sort:-created")
    assert len(set(with_query.values())) == 1, with_query
    page = world.api.ok("GET", "lead/", params={"_limit": max(SIZES)})
    assert all(len(lead["contacts"]) == 2 for lead in page["data"])


def test_children_embedded_in_a_lead_page_name_their_leads_from_the_page(world: World) -> None:
    """Opportunities and tasks show their lead's name, and a contact's: inside a page of leads
    they take them from the rows the page already read, never from a second read of `lead`."""
    for n in range(3):
        lead = world.api.ok("POST", "lead/", json={"name": f"Acme {n}", "contacts": [{"name": f"Ann {n}"}]})
        contact_id = lead["contacts"][0]["id"]
        world.api.ok(
            "POST", "opportunity/", json={"lead_id": lead["id"], "contact_id": contact_id, "value": 100}
        )
        world.api.ok("POST", "task/", json={"lead_id": lead["id"], "text": f"Call Ann {n}"})
    engine: Engine = world.api.client.app.state.engine  # type: ignore[attr-defined]
    world.api.ok("GET", "lead/", params={"_limit": 1})
    with count_statements(engine) as statements:
        page = world.api.ok("GET", "lead/", params={"_limit": 10})
    reads_of_leads = [s for s in statements.statements if " FROM lead " in f"{s} ".replace("\n", " ")]
    assert len(reads_of_leads) == 1, reads_of_leads
    for lead in page["data"]:
        assert [o["lead_name"] for o in lead["opportunities"]] == [lead["name"]]
        assert [o["contact_name"] for o in lead["opportunities"]] == [lead["contacts"][0]["name"]]
        assert [t["lead_name"] for t in lead["tasks"]] == [lead["name"]]
