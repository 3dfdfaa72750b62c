"""Bulk edit over thousands of leads: the counts, one event per changed lead, the checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from tests.resources.bulk_action.conftest import LEADS_QUERY, count_events, leads_named, load_leads
from tests.support import Api, validation_errors

N = 2000


def _leads(n: int, prefix: str = "Bulk") -> list[dict[str, Any]]:
    return [{"name": f"{prefix} {i}", "contacts": [{"name": f"Person {i}"}]} for i in range(n)]


def test_set_lead_status_on_thousands_of_leads(api: Api, engine: Engine, jobs: Callable[[], None]) -> None:
    load_leads(api, engine, _leads(N) + _leads(300, "Other"))
    status = api.ok("POST", "status/lead/", json={"label": "Bulk Done"})
    action = api.ok(
        "POST",
        "bulk_action/edit/",
        json={"type": "set_lead_status", "lead_status_id": status["id"], "s_query": leads_named("Bulk")},
    )
    assert action["id"].startswith("bulkedit_")
    assert (action["status"], action["n_leads"], action["n_leads_processed"]) == ("created", None, 0)
    assert action["lead_status_id"] == status["id"]
    assert api.ok("GET", f"bulk_action/edit/{action['id']}/") == action

    jobs()

    done = api.ok("GET", f"bulk_action/edit/{action['id']}/")
    assert (done["status"], done["n_leads"], done["n_leads_processed"]) == ("done", N, N)
    assert (done["n_objects"], done["n_objects_processed"]) == (N, N)
    changed = api.ok("GET", "lead/", params={"status_id": status["id"], "_limit": 1, "_fields": "id"})
    assert changed["total_results"] == N
    org = api.org.organization_id
    assert count_events(engine, org, "lead", "updated") == N
    assert count_events(engine, org, "activity.lead_status_change", "created") == N
    assert count_events(engine, org, "bulk_action.edit", "completed") == 1
    sample = api.events(object_type="lead", action="updated", _limit=1)[0]
    assert sample["meta"]["bulk_action_id"] == action["id"]
    assert "status_id" in sample["changed_fields"]
    assert sample["data"]["status_id"] == status["id"]
    listed = api.ok("GET", "bulk_action/edit/")
    assert listed == {"data": [done], "has_more": False}


def test_set_and_clear_a_custom_field(api: Api, engine: Engine, jobs: Callable[[], None]) -> None:
    load_leads(api, engine, _leads(250))
    tier = api.ok(
        "POST", "custom_field/lead/", json={"name": "Tier", "type": "choices", "choices": ["Gold", "Silver"]}
    )
    key = f"custom.{tier['id']}"
    action = api.ok(
        "POST",
        "bulk_action/edit/",
        json={
            "type": "set_custom_field",
            "custom_field_name": "Tier",
            "custom_field_value": "Gold",
            "s_query": LEADS_QUERY,
            "results_limit": 100,
            "sort": [{"field": {"type": "regular_field", "object_type": "lead", "field_name": "name"}}],
        },
    )
    assert (action["custom_field_name"], action["custom_field_value"]) == ("Tier", "Gold")
    jobs()
    done = api.ok("GET", f"bulk_action/edit/{action['id']}/")
    assert (done["status"], done["n_leads"], done["n_leads_processed"]) == ("done", 100, 100)
    gold = api.ok("GET", "lead/", params={"query": "custom.Tier:Gold", "_limit": 200, "_fields": "name"})
    names = sorted(x["name"] for x in gold["data"])
    # The first hundred in name order.
    assert names == sorted(sorted(f"Bulk {i}" for i in range(250))[:100])

    api.ok(
        "POST",
        "bulk_action/edit/",
        json={"type": "clear_custom_field", "custom_field_id": tier["id"], "s_query": LEADS_QUERY},
    )
    jobs()
    leads = api.ok("GET", "lead/", params={"_limit": 200, "_fields": f"id,{key}"})["data"]
    assert all(key not in lead for lead in leads)


def test_a_multi_value_field_takes_add_and_remove(api: Api, engine: Engine, jobs: Callable[[], None]) -> None:
    load_leads(api, engine, [{"name": "Solo"}])
    tags = api.ok(
        "POST",
        "custom_field/lead/",
        json={"name": "Tags", "type": "choices", "choices": ["a", "b", "c"], "accepts_multiple_values": True},
    )
    key = f"custom.{tags['id']}"
    body = {"type": "set_custom_field", "custom_field_id": tags["id"], "s_query": LEADS_QUERY}
    api.ok("POST", "bulk_action/edit/", json={**body, "custom_field_values": ["a", "b"]})
    jobs()
    api.ok(
        "POST",
        "bulk_action/edit/",
        json={**body, "custom_field_values": ["c"], "custom_field_operation": "add"},
    )
    jobs()
    api.ok(
        "POST",
        "bulk_action/edit/",
        json={**body, "custom_field_values": ["a"], "custom_field_operation": "remove"},
    )
    jobs()
    (lead,) = api.ok("GET", "lead/")["data"]
    assert lead[key] == ["b", "c"]


def test_a_contact_field_is_set_on_every_contact_of_the_leads(
    api: Api, engine: Engine, jobs: Callable[[], None]
) -> None:
    load_leads(
        api, engine, [{"name": f"Two {i}", "contacts": [{"name": "A"}, {"name": "B"}]} for i in range(30)]
    )
    role = api.ok("POST", "custom_field/contact/", json={"name": "Role", "type": "text"})
    action = api.ok(
        "POST",
        "bulk_action/edit/",
        json={
            "type": "set_contact_custom_field",
            "custom_field_id": role["id"],
            "custom_field_value": "Buyer",
            "s_query": LEADS_QUERY,
        },
    )
    jobs()
    done = api.ok("GET", f"bulk_action/edit/{action['id']}/")
    assert (done["n_leads"], done["n_objects"], done["n_objects_processed"]) == (30, 60, 60)
    contacts = api.ok("GET", "contact/", params={"_limit": 100})["data"]
    assert {c[f"custom.{role['id']}"] for c in contacts} == {"Buyer"}
    assert count_events(engine, api.org.organization_id, "contact", "updated") == 60


def test_bad_edits_are_400s_and_queue_nothing(api: Api, engine: Engine, jobs: Callable[[], None]) -> None:
    number = api.ok("POST", "custom_field/lead/", json={"name": "Size", "type": "number"})
    base = {"s_query": LEADS_QUERY}
    size = {"type": "set_custom_field", "custom_field_id": number["id"]}
    value = "custom_field_value"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"type": "paint_it_blue"}, "type"),
        ({"type": "set_lead_status", "lead_status_id": "stat_missing"}, "lead_status_id"),
        ({**size, "custom_field_id": "cf_missing", value: 1}, "custom_field_id"),
        ({**size, value: "lots"}, value),
        (size, value),
        ({**size, value: 1, "custom_field_operation": "add"}, value),
        ({**size, value: 1, "custom_field_operation": "swap"}, "custom_field_operation"),
        ({"type": "set_activity_custom_field", "custom_field_id": number["id"]}, "type"),
    ]
    for body, key in cases:
        assert key in validation_errors(api.post("bulk_action/edit/", json={**base, **body})), body
    status_id = api.ok("GET", "status/lead/")["data"][0]["id"]
    ok = {"type": "set_lead_status", "lead_status_id": status_id}
    nope = {"type": "regular_field", "object_type": "lead", "field_name": "nope"}
    targeting: list[tuple[dict[str, Any], str]] = [
        ({}, "s_query"),
        ({"s_query": {"type": "nonsense"}}, "s_query.type"),
        ({"s_query": {"type": "object_type", "object_type": "contact"}}, "s_query"),
        ({"s_query": LEADS_QUERY, "results_limit": -1}, "results_limit"),
        ({"s_query": LEADS_QUERY, "sort": [{"field": nope}]}, "sort[0].field.field_name"),
        ({"query": "nosuchfield:1"}, "query"),
    ]
    for body, key in targeting:
        assert key in validation_errors(api.post("bulk_action/edit/", json={**ok, **body})), body
    assert api.ok("GET", "bulk_action/edit/")["data"] == []


def test_a_query_that_matches_nothing_is_done_with_zero(
    api: Api, engine: Engine, jobs: Callable[[], None]
) -> None:
    load_leads(api, engine, _leads(5))
    status_id = api.ok("GET", "status/lead/")["data"][0]["id"]
    action = api.ok(
        "POST",
        "bulk_action/edit/",
        json={"type": "set_lead_status", "lead_status_id": status_id, "query": 'name:"No such lead"'},
    )
    jobs()
    done = api.ok("GET", f"bulk_action/edit/{action['id']}/")
    assert (done["status"], done["n_leads"], done["n_leads_processed"], done["n_objects_processed"]) == (
        "done",
        0,
        0,
        0,
    )
    assert count_events(engine, api.org.organization_id, "lead", "updated") == 0


def test_pausing_is_not_served_close_documents_no_method_for_it(api: Api) -> None:
    status = api.ok("POST", "status/lead/", json={"label": "Never paused"})
    body = {"type": "set_lead_status", "lead_status_id": status["id"], "s_query": leads_named("Nobody")}
    action = api.ok("POST", "bulk_action/edit/", json=body)
    response = api.put(f"bulk_action/edit/{action['id']}/", json={"status": "paused"})
    assert response.status_code == 405
    assert "PUT" not in response.headers["allow"]
    assert api.ok("GET", f"bulk_action/edit/{action['id']}/")["status"] == "created"
