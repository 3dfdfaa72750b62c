"""Issue 11: GET /lead/?query= answers the query-string language real clients send, through the
Advanced Filtering engine (search/query_string.py translates, the engine compiles)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import Api, Clock, count_statements, error_of

Obj = dict[str, Any]


def _names(api: Api, query: str, **params: object) -> list[str]:
    page = api.ok("GET", "lead/", params={"query": query, **params})
    return [lead["name"] for lead in page["data"]]


def _sorted(api: Api, query: str) -> list[str]:
    return sorted(_names(api, query))


@pytest.fixture
def world(api: Api, clock: Clock) -> dict[str, Obj]:
    """Three leads with contacts, custom values, calls, notes and opportunities."""
    source = api.ok(
        "POST",
        "custom_field/lead/",
        json={"name": "Lead Source", "type": "choices", "choices": ["Web", "Referral"]},
    )
    size = api.ok("POST", "custom_field/lead/", json={"name": "Size", "type": "number"})
    renewal = api.ok("POST", "custom_field/lead/", json={"name": "Renewal", "type": "date"})
    clock.set(datetime(2024, 5, 1, 9, 0, tzinfo=UTC))
    acme = api.ok(
        "POST",
        "lead/",
        json={
            "name": "Acme Rockets",
            "status": "Qualified",
            "description": "Big rocket maker",
            f"custom.{source['id']}": "Web",
            f"custom.{size['id']}": 50,
            f"custom.{renewal['id']}": "2024-09-01",
            "addresses": [{"city": "Boston"}, {"city": "Denver"}],
            "contacts": [
                {
                    "name": "Ada Lovelace",
                    "title": "CEO",
                    "emails": [{"email": "ada@acme.example", "type": "office"}],
                    "phones": [{"phone": "+14155550100", "type": "office"}],
                },
                {"name": "Bob Stone", "title": "Engineer"},
            ],
        },
    )
    clock.set(datetime(2024, 5, 2, 9, 0, tzinfo=UTC))
    globex = api.ok(
        "POST",
        "lead/",
        json={
            "name": "Globex",
            "status": "Customer",
            f"custom.{source['id']}": "Referral",
            "contacts": [{"name": "Carl Hank", "emails": [{"email": "carl@globex.example"}]}],
        },
    )
    clock.set(datetime(2024, 5, 3, 9, 0, tzinfo=UTC))
    initech = api.ok("POST", "lead/", json={"name": "Initech", f"custom.{size['id']}": 5})
    clock.set(datetime(2024, 5, 4, 9, 0, tzinfo=UTC))
    api.ok(
        "POST",
        "activity/call/",
        json={
            "lead_id": acme["id"],
            "direction": "outbound",
            "duration": 120,
            "activity_at": "2024-05-04T09:00:00+00:00",
        },
    )
    api.ok("POST", "activity/note/", json={"lead_id": initech["id"], "note": "Met at a fair"})
    won = next(s for s in api.ok("GET", "status/opportunity/")["data"] if s["type"] == "won")
    active = next(s for s in api.ok("GET", "status/opportunity/")["data"] if s["type"] == "active")
    api.ok(
        "POST",
        "opportunity/",
        json={"lead_id": acme["id"], "status_id": won["id"], "value": 500000, "date_won": "2024-05-04"},
    )
    api.ok("POST", "opportunity/", json={"lead_id": globex["id"], "status_id": active["id"], "value": 1000})
    clock.release()
    return {"acme": acme, "globex": globex, "initech": initech, "source": source, "size": size}


ALL = ["Acme Rockets", "Globex", "Initech"]


def test_tap_incremental_query_and_total_results(api: Api, world: dict[str, Obj]) -> None:
    query = 'date_updated>="2024-05-02T09:00" sort:date_updated'
    assert _names(api, query) == ["Globex", "Initech"]
    page = api.ok("GET", "lead/", params={"query": query, "_limit": 1})
    assert ([lead["name"] for lead in page["data"]], page["has_more"], page["total_results"]) == (
        ["Globex"],
        True,
        2,
    )
    empty = api.ok("GET", "lead/", params={"query": query, "_limit": 0})
    assert (empty["data"], empty["total_results"]) == ([], 2)


def test_fields_phrases_and_full_text(api: Api, world: dict[str, Obj]) -> None:
    assert _names(api, "name:acm") == ["Acme Rockets"]
    assert _names(api, 'name:"Acme Rockets"') == ["Acme Rockets"]
    assert _names(api, 'company:"Rockets Acme"') == []
    assert _names(api, "description:rocket") == ["Acme Rockets"]
    assert _names(api, "lovelace") == ["Acme Rockets"]  # a contact's name, by full text
    assert _sorted(api, "*") == ALL


def test_status_by_label(api: Api, world: dict[str, Obj]) -> None:
    assert _names(api, "status:qualified") == ["Acme Rockets"]
    assert _names(api, 'lead_status:"Customer"') == ["Globex"]
    # A new lead takes the first status.
    assert _sorted(api, "status:customer or status:potential") == ["Globex", "Initech"]
    assert _names(api, "status:nosuch") == []


def test_custom_fields_by_name_and_id(api: Api, world: dict[str, Obj]) -> None:
    source, size = world["source"]["id"], world["size"]["id"]
    assert _names(api, '"custom.Lead Source":Web') == ["Acme Rockets"]
    assert _names(api, f"custom.{source}:Referral") == ["Globex"]
    assert _sorted(api, '"custom.Lead Source":*') == ["Acme Rockets", "Globex"]
    assert _names(api, 'not "custom.Lead Source":*') == ["Initech"]
    assert _names(api, "custom.Size > 10") == ["Acme Rockets"]
    assert _names(api, f"custom.{size} <= 10") == ["Initech"]
    assert _names(api, 'custom.Renewal >= "2024-08-01"') == ["Acme Rockets"]


def test_dates_absolute_and_relative(api: Api, world: dict[str, Obj]) -> None:
    assert _names(api, "created:2024-05-02") == ["Globex"]
    assert _names(api, 'date_created < "2024-05-02" ') == ["Acme Rockets"]
    assert _sorted(api, 'created > "2024-05-01"') == ["Globex", "Initech"]
    assert _names(api, 'created >= "2 weeks ago"') == []
    assert _sorted(api, 'created < "2 weeks ago"') == ALL
    assert _names(api, "created:today") == []


def test_has_counts_and_sub_queries(api: Api, world: dict[str, Obj]) -> None:
    assert _names(api, "has:calls") == ["Acme Rockets"]
    assert _sorted(api, "not has:calls") == ["Globex", "Initech"]
    assert _names(api, "has:notes") == ["Initech"]
    assert _names(api, "num_calls > 0") == ["Acme Rockets"]
    assert _names(api, "addresses > 1") == ["Acme Rockets"]
    assert _names(api, 'call(date >= "2024-05-01" direction:outbound duration > 60)') == ["Acme Rockets"]
    assert _names(api, "call(duration > 600)") == []
    assert _names(api, "call(direction:inbound)") == []
    assert _names(api, "note(note:fair)") == ["Initech"]
    assert _names(api, 'call(date < "2024-05-01")') == []
    assert _names(api, "contact(title:ceo)") == ["Acme Rockets"]
    assert _names(api, 'opportunity(status:won date_won >= "2024-05-01")') == ["Acme Rockets"]
    assert _names(api, "opportunity(value < 5000)") == ["Globex"]


def test_email_and_phone_reach_contacts(api: Api, world: dict[str, Obj]) -> None:
    assert _names(api, 'email_address:"carl@globex.example"') == ["Globex"]
    assert _sorted(api, "has:email_address") == ["Acme Rockets", "Globex"]
    assert _names(api, "phone:+14155550100") == ["Acme Rockets"]


def test_boolean_structure(api: Api, world: dict[str, Obj]) -> None:
    assert _names(api, "(name:acme or name:initech) not has:calls") == ["Initech"]
    assert _sorted(api, "not (name:acme or name:initech)") == ["Globex"]


def test_sorts(api: Api, world: dict[str, Obj]) -> None:
    assert _names(api, "sort:-created") == ["Initech", "Globex", "Acme Rockets"]
    assert _names(api, "sort:name") == ALL
    assert _names(api, "sort:-custom.Size") == ["Acme Rockets", "Initech", "Globex"]
    # An explicit _order_by wins over the query's sort.
    assert _names(api, "sort:-created", _order_by="name") == ALL


def _referrals_view(api: Api, world: dict[str, Obj]) -> Obj:
    view: Obj = api.ok(
        "POST",
        "saved_search/",
        json={
            "name": "Referrals",
            "type": "lead",
            "s_query": {
                "query": {
                    "type": "and",
                    "queries": [
                        {"type": "object_type", "object_type": "lead"},
                        {
                            "type": "field_condition",
                            "field": {"type": "custom_field", "custom_field_id": world["source"]["id"]},
                            "condition": {"type": "term", "values": ["Referral"]},
                        },
                    ],
                }
            },
        },
    )
    return view


def test_smart_view_by_name_and_id(api: Api, world: dict[str, Obj]) -> None:
    view = _referrals_view(api, world)
    assert _names(api, 'in:"Referrals"') == ["Globex"]
    assert _names(api, f"in:{view['id']}") == ["Globex"]
    assert "Nope" in error_of(api.get("lead/", params={"query": 'in:"Nope"'}), 400)["error"]


def test_not_in_a_smart_view_includes_leads_without_the_value(api: Api, world: dict[str, Obj]) -> None:
    _referrals_view(api, world)
    assert _sorted(api, 'not in:"Referrals"') == ["Acme Rockets", "Initech"]
    assert _sorted(api, 'not "custom.Lead Source":Referral') == [
        "Acme Rockets",
        "Initech",
    ]


def test_another_organizations_names_are_not_found(
    api: Api, make_api: Callable[..., Api], world: dict[str, Obj]
) -> None:
    other = make_api()
    other.ok("POST", "lead/", json={"name": "Theirs"})
    body = error_of(other.get("lead/", params={"query": '"custom.Lead Source":Web'}), 400)
    assert "Lead Source" in body["error"]
    assert _names(other, "*") == ["Theirs"]
    # Another organization's smart view: by id a 404, by name no such view.
    view = _referrals_view(api, world)
    error_of(other.get("lead/", params={"query": f"in:{view['id']}"}), 404)
    error_of(other.get("lead/", params={"query": 'in:"Referrals"'}), 400)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("colour:red", "character 1"),
        ('name:a "custom.Nope":x', "character 8"),
        ("name:a fax(x:1)", "character 8"),
        ('name:"Acme', "character 6"),
        ("created >= soonish", "soonish"),
        ("sort:colour", "colour"),
        ("contacts > many", "many"),
    ],
)
def test_bad_queries_are_400_saying_what_and_where(api: Api, query: str, fragment: str) -> None:
    body = error_of(api.get("lead/", params={"query": query}), 400)
    assert fragment in body["error"]


def test_more_forms_real_clients_send(api: Api, world: dict[str, Obj]) -> None:
    assert _sorted(api, "contacts > 0") == ["Acme Rockets", "Globex"]
    assert _names(api, "contacts:0") == ["Initech"]
    assert _names(api, "email_address:globex.example") == ["Globex"]
    assert _names(api, "contact(email:ada@acme.example)") == ["Acme Rockets"]
    assert _names(api, "has:phone_number") == ["Acme Rockets"]
    assert _names(api, "city:boston") == ["Acme Rockets"]
    assert _sorted(api, "created_by:me") == ALL
    assert _names(api, "opportunity_status:won") == ["Acme Rockets"]
    assert _names(api, "not has:opportunities") == ["Initech"]
    assert _names(api, "sort:-num_calls sort:name") == ["Acme Rockets", "Globex", "Initech"]


def test_opportunity_query_and_lead_query(api: Api, world: dict[str, Obj]) -> None:
    def deals(**params: str) -> list[str]:
        return [o["lead_name"] for o in api.ok("GET", "opportunity/", params=params)["data"]]

    assert deals(query="value > 2000") == ["Acme Rockets"]
    assert deals(query="status:won") == ["Acme Rockets"]
    assert deals(query="sort:value") == ["Globex", "Acme Rockets"]
    assert deals(lead_query="has:calls") == ["Acme Rockets"]
    assert deals(lead_query='"custom.Lead Source":Referral', query="value < 5000") == ["Globex"]
    page = api.ok("GET", "opportunity/", params={"lead_query": "name:globex", "_limit": 0})
    assert (page["data"], page["total_results"]) == ([], 1)
    body = error_of(api.get("opportunity/", params={"query": "colour:red"}), 400)
    assert "colour" in body["error"]


def test_a_query_is_one_page_statement(api: Api, world: dict[str, Obj]) -> None:
    query = 'status:qualified call(date >= "2024-05-01") "custom.Lead Source":Web sort:-custom.Size'
    with count_statements(api.engine) as counter:
        page = api.ok("GET", "lead/", params={"query": query})
    assert [lead["name"] for lead in page["data"]] == ["Acme Rockets"]
    pages = [s for s in counter.statements if "FROM lead" in s and "ORDER BY" in s]
    # Each term is a condition of the one page statement, never a statement of its own.
    assert len(pages) == 1
    # The call sub-query is part of it: a semi-join (EXISTS on PostgreSQL, an IN list on SQLite).
    assert ("EXISTS" if api.engine.dialect.name == "postgresql" else " IN (SELECT") in pages[0]


def test_counts_and_last_activity_are_part_of_the_page_statement(api: Api, world: dict[str, Obj]) -> None:
    with count_statements(api.engine) as counter:
        page = api.ok("GET", "lead/", params={"query": "contacts > 1 opportunities > 0 sort:-activities"})
    assert [lead["name"] for lead in page["data"]] == ["Acme Rockets"]
    pages = [s for s in counter.statements if "FROM lead" in s and "ORDER BY" in s]
    assert len(pages) == 1
    assert "count(" in pages[0].lower() and "lead_activity_count" in pages[0]


QUERY_PIECES = st.sampled_from(
    [
        *list("()\"' :<>=*-ab1"),
        "and ",
        "or ",
        "not ",
        "sort:",
        "status:",
        "call(",
        "contact(",
        "has:",
        "custom.Size",
        '"custom.Lead Source"',
        "contacts",
        "created",
        "in:",
        "today",
        "email:",
        "2024-05-01",
        "2 weeks ago",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_PIECES, max_size=25).map("".join))
def test_any_query_string_is_an_answer_or_a_400(api: Api, text: str) -> None:
    response = api.get("lead/", params={"query": text})
    assert response.status_code in (200, 400), (text, response.text)
    if response.status_code == 400:
        assert response.json()["error"]


def test_child_counts_compare_and_sort(api: Api, world: dict[str, Obj]) -> None:
    # Acme has two contacts and one opportunity, Globex one and one, Initech none.
    assert _names(api, "contacts > 1") == ["Acme Rockets"]
    assert _sorted(api, "contacts = 1 or contacts_count = 0") == ["Globex", "Initech"]
    assert _sorted(api, "opportunities >= 1") == ["Acme Rockets", "Globex"]
    api.ok("POST", "task/", json={"lead_id": world["initech"]["id"], "text": "Call back"})
    assert _names(api, "tasks > 0") == ["Initech"]
    assert _names(api, "* sort:-contacts") == ["Acme Rockets", "Globex", "Initech"]


def test_sort_by_last_activity(api: Api, clock: Clock, world: dict[str, Obj]) -> None:
    # Acme's call and Initech's note are of 2024-05-04; Globex's note comes a month later.
    clock.set(datetime(2024, 6, 4, 9, 0, tzinfo=UTC))
    api.ok("POST", "activity/note/", json={"lead_id": world["globex"]["id"], "note": "Renewal"})
    clock.release()
    assert _names(api, "sort:-activities")[0] == "Globex"
    assert _names(api, "sort:-last_activity_date")[0] == "Globex"
    assert _names(api, 'last_activity_date > "2024-05-20"') == ["Globex"]
    assert _sorted(api, 'last_activity_date < "2024-05-20"') == ["Acme Rockets", "Initech"]


def test_lead_status_change_by_new_and_old_status(api: Api, world: dict[str, Obj]) -> None:
    api.ok("PUT", f"lead/{world['globex']['id']}/", json={"status": "Qualified"})
    assert _names(api, 'lead_status_change(new_status:"Qualified")') == ["Globex"]
    assert _names(api, "lead_status_change(old_status:Customer)") == ["Globex"]
    assert _names(api, "lead_status_change(new_status:Customer)") == []
    assert _names(api, 'last_lead_status_change_date > "2020-01-01"') == ["Globex"]


def test_a_view_kept_as_a_query_string_runs_as_a_node(api: Api, world: dict[str, Obj]) -> None:
    legacy = api.ok(
        "POST", "saved_search/", json={"name": "Big", "query": 'custom.Size > 10 or status:"Customer"'}
    )
    assert legacy["s_query"] is None
    assert _sorted(api, 'in:"Big"') == ["Acme Rockets", "Globex"]
    assert _names(api, 'not in:"Big"') == ["Initech"]
    found = api.ok(
        "POST", "data/search/", json={"query": {"type": "saved_search", "saved_search_id": legacy["id"]}}
    )
    assert sorted(row["id"] for row in found["data"]) == sorted([world["acme"]["id"], world["globex"]["id"]])
    # A stored string the translator refuses is a 400 naming the view, not a 500.
    broken = api.ok("POST", "saved_search/", json={"name": "Broken", "query": "colour:red"})
    body = error_of(api.get("lead/", params={"query": 'in:"Broken"'}), 400)
    assert broken["id"] in str(body) and "colour" in str(body)
    # A view whose string refers to itself is a loop, refused.
    api.ok("POST", "saved_search/", json={"name": "Self", "query": 'in:"Self"'})
    assert "loop" in str(error_of(api.get("lead/", params={"query": 'in:"Self"'}), 400))


def test_a_query_that_only_sorts_counts_from_the_kept_count(api: Api, world: dict[str, Obj]) -> None:
    # No condition: the total is the organization's kept lead count, not a count of the table.
    with count_statements(api.engine) as counter:
        page = api.ok("GET", "lead/", params={"query": "sort:-custom.Size"})
    leads = api.ok("GET", "lead/")["data"]
    assert page["total_results"] == len(leads)
    assert sorted(lead["id"] for lead in page["data"]) == sorted(lead["id"] for lead in leads)
    assert not [s for s in counter.statements if "count(" in s.lower() and "FROM lead" in s]
    assert [s for s in counter.statements if "object_count" in s]
