"""Searching contacts, opportunities, activities, tasks and custom objects, and reaching them from leads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy import text as sql_text

from leadbase.db.context import Actor, Context
from leadbase.db.models import lead as lead_table
from leadbase.search import compile_query
from tests.custom_data import activity_type, custom_object, key, object_type
from tests.custom_data import field as make_field
from tests.resources.sequence.helpers import email_template, new_sequence, subscribe
from tests.search.helpers import and_, between, custom, field, id_set, of, plan_of, related, search, text
from tests.support import Api, count_statements

Obj = dict[str, Any]


def _lead(api: Api, name: str, **extra: Any) -> Obj:
    return api.ok("POST", "lead/", json={"name": name, **extra})  # type: ignore[no-any-return]


def _status(api: Api, kind: str) -> str:
    return next(s["id"] for s in api.ok("GET", "status/opportunity/")["data"] if s["type"] == kind)


def test_contacts_by_name_title_and_email_count(api: Api) -> None:
    lead = _lead(
        api,
        "A",
        contacts=[
            {"name": "Ada Lovelace", "title": "CTO", "emails": [{"email": "a@x.org"}, {"email": "b@x.org"}]},
            {"name": "Bob", "title": "Intern"},
        ],
    )
    ada, bob = lead["contact_ids"]
    assert id_set(
        api, of("contact", field("contact", "name", {"type": "text", "value": "love", "mode": "full_words"}))
    ) == {ada}
    assert id_set(
        api, of("contact", field("contact", "emails_count", {"type": "number_range", "gte": 2}))
    ) == {ada}
    assert id_set(
        api, of("contact", field("contact", "emails_count", {"type": "number_range", "lt": 1}))
    ) == {bob}
    by_lead = field("contact", "lead_id", {"type": "reference", "object_ids": [lead["id"]]})
    found = search(api, of("contact", by_lead), _fields={"contact": ["name", "title", "lead_id"]})
    assert sorted((h["name"], h["title"], h["lead_id"]) for h in found["data"]) == [
        ("Ada Lovelace", "CTO", lead["id"]),
        ("Bob", "Intern", lead["id"]),
    ]


def test_opportunities_by_value_status_type_and_won_date(api: Api) -> None:
    lead = _lead(api, "A")
    won = api.ok(
        "POST",
        "opportunity/",
        json={"lead_id": lead["id"], "value": 2_000_000, "status_id": _status(api, "won")},
    )
    small = api.ok("POST", "opportunity/", json={"lead_id": lead["id"], "value": 5_000})
    assert id_set(
        api, of("opportunity", field("opportunity", "value", {"type": "number_range", "gte": 1_000_000}))
    ) == {won["id"]}
    status_type = field("opportunity", "status_type", {"type": "term", "values": ["won"]})
    assert id_set(api, of("opportunity", status_type)) == {won["id"]}
    assert id_set(api, of("opportunity", field("opportunity", "date_won", {"type": "exists"}))) == {won["id"]}
    active = field("opportunity", "status_type", {"type": "term", "values": ["active"]})
    assert id_set(api, of("opportunity", active)) == {small["id"]}
    other = _lead(api, "B")
    api.ok("POST", "opportunity/", json={"lead_id": other["id"], "value": 10})
    assert id_set(api, of("lead", related("lead", "opportunity", status_type))) == {lead["id"]}
    assert id_set(
        api,
        of(
            "opportunity",
            related(
                "opportunity",
                "lead",
                field("lead", "name", {"type": "text", "value": "b", "mode": "exact_value"}),
            ),
        ),
    ) != {won["id"]}
    assert id_set(api, of("opportunity", field("opportunity", "user_id", {"type": "current_user"}))) >= {
        won["id"],
        small["id"],
    }
    page = search(
        api, of("opportunity", status_type), _fields={"opportunity": ["value", "status_type", "lead_id"]}
    )
    assert page["data"] == [
        {
            "__object_type": "opportunity",
            "id": won["id"],
            "value": 2_000_000,
            "status_type": "won",
            "lead_id": lead["id"],
        }
    ]


def test_activities_by_type_direction_and_their_leads(api: Api) -> None:
    a, b = _lead(api, "A"), _lead(api, "B")
    call = api.ok(
        "POST", "activity/call/", json={"lead_id": a["id"], "direction": "outbound", "duration": 60}
    )
    api.ok("POST", "activity/call/", json={"lead_id": b["id"], "direction": "inbound", "duration": 5})
    note = api.ok("POST", "activity/note/", json={"lead_id": b["id"], "note": "Budget approved"})
    outbound = field("activity.call", "direction", {"type": "term", "values": ["outbound"]})
    found = search(api, of("activity.call", outbound), _fields={"activity.call": ["_type", "lead_id"]})
    assert found["data"] == [
        {"__object_type": "activity.call", "id": call["id"], "_type": "Call", "lead_id": a["id"]}
    ]
    assert id_set(api, of("activity.note", text("budget"))) == {note["id"]}
    assert id_set(api, of("lead", related("lead", "activity.call", outbound))) == {a["id"]}
    assert id_set(api, of("lead", related("lead", "activity.note", negate=True))) == {a["id"]}
    assert id_set(
        api, of("activity.note", related("activity.note", "lead", {"type": "id", "value": b["id"]}))
    ) == {note["id"]}


def test_custom_activities_with_their_fields(api: Api) -> None:
    visit = activity_type(api)
    outcome = make_field(
        api, "activity", "Outcome", "choices", choices=["Won", "Lost"], custom_activity_type_id=visit["id"]
    )
    a, b = _lead(api, "A"), _lead(api, "B")
    won = api.ok(
        "POST",
        "activity/custom/",
        json={"custom_activity_type_id": visit["id"], "lead_id": a["id"], key(outcome): "Won"},
    )
    api.ok(
        "POST",
        "activity/custom/",
        json={"custom_activity_type_id": visit["id"], "lead_id": b["id"], key(outcome): "Lost"},
    )
    is_won = custom(outcome["id"], {"type": "term", "values": ["Won"]})
    assert id_set(api, of("activity.custom_activity", is_won)) == {won["id"]}
    assert id_set(api, of("lead", related("lead", "activity.custom_activity", is_won))) == {a["id"]}


def test_custom_objects_and_tasks(api: Api) -> None:
    plan = object_type(api)
    seats = make_field(api, "custom_object_type", "Seats", "number", custom_object_type_id=plan["id"])
    a, b = _lead(api, "A"), _lead(api, "B")
    big = custom_object(api, plan["id"], a["id"], "Enterprise", **{key(seats): 500})
    custom_object(api, plan["id"], b["id"], "Starter", **{key(seats): 3})
    many = custom(seats["id"], {"type": "number_range", "gte": 100})
    assert id_set(api, of("custom_object", many)) == {big["id"]}
    assert id_set(api, of("lead", related("lead", "custom_object", many))) == {a["id"]}
    named = field("custom_object", "name", {"type": "text", "value": "start", "mode": "beginning_of_words"})
    assert id_set(api, of("lead", related("lead", "custom_object", named))) == {b["id"]}
    task = api.ok("POST", "task/", json={"lead_id": a["id"], "text": "Send the contract"})
    open_task = field("task", "is_complete", {"type": "boolean", "value": False})
    assert id_set(api, of("task", open_task)) == {task["id"]}
    assert id_set(api, of("lead", related("lead", "task", open_task))) == {a["id"]}
    assert id_set(api, of("task", text("contract"))) == {task["id"]}


def test_leads_with_a_contact_in_a_sequence(api: Api) -> None:
    """Close's own script (export_sequence_subscriptions_public) counts the leads in any
    sequence with `contact(sequence_subscription(sequence:*))`; Advanced Filtering reaches
    the subscriptions through the contact the same way."""
    step = {"step_type": "email", "delay": 3600, "email_template_id": email_template(api)["id"]}
    sequence = new_sequence(api, [step])
    subscribed = _lead(
        api, "In a sequence", contacts=[{"name": "Ann", "emails": [{"email": "ann@acme.test"}]}]
    )
    paused = _lead(api, "Paused", contacts=[{"name": "Bea", "emails": [{"email": "bea@acme.test"}]}])
    _lead(api, "Never subscribed", contacts=[{"name": "Cy", "emails": [{"email": "cy@acme.test"}]}])
    _lead(api, "No contacts")
    for lead in (subscribed, paused):
        made = subscribe(api, sequence, {"id": lead["contact_ids"][0]})
    api.ok("PUT", f"sequence_subscription/{made['id']}/", json={"status": "paused"})

    query = {"query": "contact(sequence_subscription(sequence:*))", "_limit": 0}
    assert api.ok("GET", "lead/", params=query)["total_results"] == 2
    listed = api.ok("GET", "lead/", params={"query": query["query"], "_fields": "id"})["data"]
    assert {lead["id"] for lead in listed} == {subscribed["id"], paused["id"]}

    active = field("sequence_subscription", "status", {"type": "term", "values": ["active"]})
    in_sequence = related("contact", "sequence_subscription", active)
    assert id_set(api, of("lead", related("lead", "contact", in_sequence))) == {subscribed["id"]}
    assert id_set(api, of("contact", in_sequence)) == {subscribed["contact_ids"][0]}
    # Not an object type a search returns, as in Close.
    refused = api.post("data/search/", json={"query": of("sequence_subscription")})
    assert refused.status_code == 400
    assert "Cannot search 'sequence_subscription'" in refused.json()["error"]


def test_phone_numbers_typed_in_any_usual_notation(api: Api) -> None:
    """Phones are stored in E.164; a number searched as people write it is read the same way,
    in the organization's region when it has no country code."""
    ann = _lead(api, "Acme", contacts=[{"name": "Ann", "phones": [{"phone": "+1 415 555 0100"}]}])
    _lead(api, "Other", contacts=[{"name": "Bob", "phones": [{"phone": "+44 20 7946 0958"}]}])
    for query in (
        'phone:"(415) 555-0100"',
        'phone:"415.555.0100"',
        "phone:4155550100",
        'phone_number:"+1 415-555-0100"',
        "phone:+14155550100",
    ):
        with count_statements(api.engine) as counter:
            found = api.ok("GET", "lead/", params={"query": query, "_fields": "id"})
        assert [lead["id"] for lead in found["data"]] == [ann["id"]], query
        # The number's digits are a word of the contact's row in the full-text index: the
        # contacts holding it are looked up there, not every contact's phones read.
        reading = [s for s in counter.statements if "json_each" in s or "jsonb_array" in s]
        assert reading and all("text_index" in s for s in reading), query
    assert api.ok("GET", "lead/", params={"query": 'phone:"(415) 555-0199"'})["data"] == []
    uk = api.ok("GET", "lead/", params={"query": 'phone:"+44 20 7946 0958"', "_fields": "display_name"})
    assert [lead["display_name"] for lead in uk["data"]] == ["Other"]

    def by_phone(mode: str, value: str) -> set[str]:
        typed = {"type": "text", "mode": mode, "value": value}
        return id_set(
            api, of("contact", related("contact", "contact_phone", field("contact_phone", "phone", typed)))
        )

    assert by_phone("exact_value", "(415) 555-0100") == set(ann["contact_ids"])
    # The start of a number (through the index), a part from inside one (read as typed).
    assert by_phone("beginning_of_words", "+1415") == set(ann["contact_ids"])
    assert by_phone("phrase", "55501") == set(ann["contact_ids"])
    assert by_phone("phrase", "7946") != set(ann["contact_ids"])


def test_leads_with_an_opportunity_won_in_a_period_are_listed_from_the_won_index(api: Api) -> None:
    won, active = _status(api, "won"), _status(api, "active")
    in_period = _lead(api, "Won in July")
    api.ok(
        "POST", "opportunity/", json={"lead_id": in_period["id"], "status_id": won, "date_won": "2026-07-14"}
    )
    before = _lead(api, "Won in June")
    api.ok("POST", "opportunity/", json={"lead_id": before["id"], "status_id": won, "date_won": "2026-06-30"})
    # A date won on an opportunity that is not won (set by hand) does not make it won.
    open_one = _lead(api, "Still open")
    api.ok(
        "POST",
        "opportunity/",
        json={"lead_id": open_one["id"], "status_id": active, "date_won": "2026-08-01"},
    )
    query = of(
        "lead",
        related(
            "lead",
            "opportunity",
            and_(
                field("opportunity", "status_type", {"type": "term", "values": ["won"]}),
                field(
                    "opportunity",
                    "date_won",
                    between(
                        {"type": "fixed_local_date", "value": "2026-07-01", "which": "start"},
                        {"type": "fixed_local_date", "value": "2026-10-01", "which": "start"},
                    ),
                ),
            ),
        ),
    )
    assert id_set(api, query) == {in_period["id"]}

    # The opportunities of the period are read from one index holding their status and lead:
    # SQLite reads none of their rows (at a million leads, the 7,600 rows of a quarter cost a
    # quarter of the search). PostgreSQL weighs indexes by its statistics, which a table of three
    # rows leaves to chance: there, the index is looked for in the catalog.
    index = "ix_opportunity_organization_id_date_won_status_id_lead_id"
    with api.engine.connect() as conn, conn.begin():
        if api.engine.dialect.name == "postgresql":
            found = conn.execute(
                sql_text(
                    "SELECT indexdef FROM pg_indexes "
                    "WHERE indexname = :name AND schemaname = current_schema()"
                ),
                {"name": index},
            ).scalar_one()
            assert "(organization_id, date_won, status_id, lead_id)" in found
            return
        ctx = Context(conn=conn, actor=Actor(api.org.organization_id, api.org.user_id, None, "admin"))
        plan = plan_of(conn, select(lead_table.c.id).where(compile_query(ctx, "lead", query)))
    assert f"USING COVERING INDEX {index}" in plan, plan
