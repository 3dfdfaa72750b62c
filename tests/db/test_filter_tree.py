"""The one filter tree: and/or/not, paths through custom fields and related objects, on both databases."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from leadbase.core.errors import Invalid
from leadbase.db.context import Actor, Context
from leadbase.db.filters import And, Filter, Not, Or, Term
from leadbase.db.query import ListQuery
from leadbase.db.repository import Repository
from leadbase.db.resource import resources
from leadbase.resources import load_all
from tests.support import Api

load_all()


def _names(engine: Engine, api: Api, path: str, where: Filter, key: str = "name") -> list[str]:
    actor = Actor(api.org.organization_id, api.org.user_id, None, "admin")
    with engine.connect() as conn:
        ctx = Context(conn=conn, actor=actor)
        page = Repository(ctx).list_page(resources.get(path), ListQuery(where=where, limit=100))
    return sorted(str(row[key]) for row in page.rows)


@pytest.fixture
def crm(api: Api) -> Api:
    tier = api.ok("POST", "custom_field/lead/", json={"name": "Tier", "type": "text"})["id"]
    seats = api.ok("POST", "custom_field/lead/", json={"name": "Seats", "type": "number"})["id"]
    for name, status, contacts, values in (
        ("Acme", "Qualified", ["Ann", "Bob"], {tier: "gold", seats: 50}),
        ("Acorn", "Potential", ["Cid"], {tier: "silver", seats: 5}),
        ("Bolt", "Qualified", [], {seats: 12}),
    ):
        body = {"name": name, "status": status, "contacts": [{"name": c} for c in contacts]}
        api.ok("POST", "lead/", json={**body, **{f"custom.{k}": v for k, v in values.items()}})
    return api


Check = Callable[[str, Filter], list[str]]


@pytest.fixture
def leads(crm: Api, engine: Engine) -> Check:
    return lambda path, where: _names(engine, crm, path, where)


def test_and_or_not_over_declared_fields(leads: Check) -> None:
    acme_or_bolt = Or((Term("name", "eq", "Acme"), Term("name", "eq", "Bolt")))
    assert leads("lead", acme_or_bolt) == ["Acme", "Bolt"]
    assert leads("lead", And((acme_or_bolt, Not(Term("name", "istartswith", "ac"))))) == ["Bolt"]
    assert leads("lead", Not(acme_or_bolt)) == ["Acorn"]
    assert leads("lead", Or(())) == [] and leads("lead", And(())) == ["Acme", "Acorn", "Bolt"]


def test_paths_through_custom_fields_by_name_or_id(leads: Check, crm: Api) -> None:
    assert leads("lead", Term("custom.Tier", "eq", "gold")) == ["Acme"]
    assert leads("lead", Term("custom.Seats", "gte", 12)) == ["Acme", "Bolt"]
    assert leads("lead", Not(Term("custom.Tier", "exists", True))) == ["Bolt"]
    tier = next(f["id"] for f in crm.ok("GET", "custom_field/lead/")["data"] if f["name"] == "Tier")
    assert leads("lead", Term(f"custom.{tier}", "in", ["gold", "silver"])) == ["Acme", "Acorn"]


def test_paths_through_related_objects(leads: Check) -> None:
    # Children (a lead's contacts), a referenced object (its status), a parent (a contact's lead).
    assert leads("lead", Term("contact.name", "eq", "Cid")) == ["Acorn"]
    assert leads("lead", Not(Term("contact.name", "exists", True))) == ["Bolt"]
    assert leads("lead", Term("status.label", "ieq", "qualified")) == ["Acme", "Bolt"]
    assert leads("contact", Term("lead.name", "eq", "Acme")) == ["Ann", "Bob"]
    both = And((Term("lead.status.label", "ieq", "QUALIFIED"), Term("lead.custom.Tier", "eq", "gold")))
    assert leads("contact", both) == ["Ann", "Bob"]


def test_unknown_paths_are_400_naming_the_path(leads: Check) -> None:
    for path in ("no_such_field", "contact_ids", "opportunity.name", "custom.No Such Field"):
        with pytest.raises(Invalid) as caught:
            leads("lead", Term(path, "eq", "x"))
        assert caught.value.field_errors, path


def test_list_parameters_and_the_lead_query_build_the_same_tree(crm: Api) -> None:
    by_query = crm.ok("GET", "lead/", params={"query": 'status:"qualified" name:ac'})["data"]
    assert [lead["name"] for lead in by_query] == ["Acme"]
    status_id = by_query[0]["status_id"]
    by_params = crm.ok("GET", "lead/", params={"status_id": status_id, "query": "name:ac"})["data"]
    assert [lead["name"] for lead in by_params] == ["Acme"]
