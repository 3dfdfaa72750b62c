"""POST /lead/merge/: everything on the source moves to the destination, then the source goes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.custom_data import activity_type, custom_object, field, key, object_type
from tests.support import Api, all_events, error_of, validation_errors

Obj = dict[str, Any]


def merge(api: Api, source: str, destination: str) -> Any:
    return api.post("lead/merge/", json={"source": source, "destination": destination})


def two_leads(api: Api) -> tuple[Obj, Obj]:
    source = api.ok(
        "POST",
        "lead/",
        json={
            "name": "Acme (duplicate)",
            "description": "Met at the fair",
            "url": "https://acme.example.com",
            "addresses": [{"label": "business", "city": "Springfield", "country": "US"}],
            "contacts": [{"name": "Ann", "emails": [{"email": "ann@acme.test", "type": "office"}]}],
        },
    )
    destination = api.ok(
        "POST",
        "lead/",
        json={
            "name": "Acme",
            "addresses": [{"label": "business", "city": "Shelbyville", "country": "US"}],
            "contacts": [{"name": "Bob"}],
        },
    )
    return source, destination


def test_everything_on_the_source_moves_and_the_source_goes(api: Api) -> None:
    source, destination = two_leads(api)
    deal = api.ok("POST", "opportunity/", json={"lead_id": source["id"], "value": 5000})
    task = api.ok("POST", "task/", json={"lead_id": source["id"], "text": "Call Ann"})
    plan_type = object_type(api, "Plan")
    plan = custom_object(api, plan_type["id"], source["id"], "Pro")
    visit_type = activity_type(api, "Visit")
    visit = api.ok(
        "POST",
        "activity/custom/",
        json={"lead_id": source["id"], "custom_activity_type_id": visit_type["id"]},
    )

    assert merge(api, source["id"], destination["id"]).json() == {}

    assert api.get(f"lead/{source['id']}/").status_code == 404
    lead = api.ok("GET", f"lead/{destination['id']}/")
    # Contacts keep their creation order: the source's Ann was made first.
    assert [c["name"] for c in lead["contacts"]] == ["Ann", "Bob"]
    assert [o["id"] for o in lead["opportunities"]] == [deal["id"]]
    assert [t["id"] for t in lead["tasks"]] == [task["id"]]
    assert api.ok("GET", f"task/{task['id']}/")["lead_id"] == destination["id"]
    assert api.ok("GET", f"custom_object/{plan['id']}/")["lead_id"] == destination["id"]
    assert api.ok("GET", f"activity/custom/{visit['id']}/")["lead_id"] == destination["id"]
    # The destination keeps its name and takes what it lacked; addresses are united.
    assert lead["name"] == "Acme"
    assert lead["description"] == "Met at the fair"
    assert lead["url"] == "https://acme.example.com"
    assert [a["city"] for a in lead["addresses"]] == ["Shelbyville", "Springfield"]


def test_custom_values_the_destination_keeps_and_takes(api: Api) -> None:
    tier = field(api, "lead", "Tier", "choices", choices=["Gold", "Silver"])
    notes = field(api, "lead", "Notes")
    tags = field(api, "lead", "Tags", "choices", choices=["a", "b", "c"], accepts_multiple_values=True)
    source = api.ok(
        "POST",
        "lead/",
        json={"name": "S", key(tier): "Silver", key(notes): "from source", key(tags): ["a", "b"]},
    )
    destination = api.ok("POST", "lead/", json={"name": "D", key(tier): "Gold", key(tags): ["c", "a"]})
    merge(api, source["id"], destination["id"])
    lead = api.ok("GET", f"lead/{destination['id']}/")
    assert lead[key(tier)] == "Gold"
    assert lead[key(notes)] == "from source"
    assert lead[key(tags)] == ["c", "a", "b"]


def test_the_events_of_a_merge(api: Api) -> None:
    source, destination = two_leads(api)
    before = {e["id"] for e in all_events(api)}
    merge(api, source["id"], destination["id"])
    events = [e for e in all_events(api) if e["id"] not in before]
    meta = {"merge_source_lead_id": source["id"], "merge_destination_lead_id": destination["id"]}
    for event in events:
        assert {k: event["meta"][k] for k in meta} == meta, event
    assert len({e["request_id"] for e in events}) == 1
    oldest_first = list(reversed(events))
    merged = oldest_first[0]
    assert (merged["object_type"], merged["action"], merged["object_id"]) == (
        "lead",
        "merged",
        destination["id"],
    )
    assert merged["lead_id"] == destination["id"]
    assert merged["data"]["contact_ids"] == [c["id"] for c in source["contacts"] + destination["contacts"]]
    actions = {(e["object_type"], e["action"], e["object_id"]) for e in oldest_first[1:]}
    moved = source["contacts"][0]["id"]
    assert ("contact", "updated", moved) in actions
    assert ("lead", "updated", destination["id"]) in actions
    assert ("lead", "deleted", source["id"]) in actions
    contact_event = next(e for e in events if e["object_id"] == moved)
    assert "lead_id" in contact_event["changed_fields"]
    assert contact_event["previous_data"]["lead_id"] == source["id"]


def test_comments_on_the_source_join_the_destination(api: Api) -> None:
    source, destination = two_leads(api)
    on_source = api.ok(
        "POST", "comment/", 201, json={"object_id": source["id"], "body": "<body>first</body>"}
    )
    on_destination = api.ok(
        "POST", "comment/", 201, json={"object_id": destination["id"], "body": "<body>second</body>"}
    )
    merge(api, source["id"], destination["id"])
    listed = api.ok("GET", "comment/", params={"object_id": destination["id"]})["data"]
    assert {c["id"] for c in listed} == {on_source["id"], on_destination["id"]}
    assert {c["thread_id"] for c in listed} == {on_destination["thread_id"]}
    assert api.get(f"comment_thread/{on_source['thread_id']}/").status_code == 404


def test_a_thread_moves_whole_when_the_destination_has_none(api: Api) -> None:
    source, destination = two_leads(api)
    comment = api.ok("POST", "comment/", 201, json={"object_id": source["id"], "body": "<body>hi</body>"})
    merge(api, source["id"], destination["id"])
    thread = api.ok("GET", f"comment_thread/{comment['thread_id']}/")
    assert (thread["object_id"], thread["lead_id"]) == (destination["id"], destination["id"])


def test_bad_bodies_change_nothing(api: Api, make_api: Callable[..., Api]) -> None:
    source, destination = two_leads(api)
    assert validation_errors(api.post("lead/merge/", json={})) == {
        "source": "This field is required.",
        "destination": "This field is required.",
    }
    assert validation_errors(
        api.post("lead/merge/", json={"source": 7, "destination": destination["id"]})
    ) == {"source": "Not a valid lead id."}
    same = error_of(merge(api, source["id"], source["id"]), 400)
    assert same["errors"] == ["The source and the destination must be two different leads."]
    assert validation_errors(merge(api, "lead_doesnotexist", destination["id"])) == {
        "source": "Object does not exist."
    }
    # Another organization's lead is as unknown as one that does not exist.
    theirs = make_api().ok("POST", "lead/", json={"name": "Theirs"})
    assert validation_errors(merge(api, theirs["id"], destination["id"])) == {
        "source": "Object does not exist."
    }
    assert validation_errors(merge(api, source["id"], theirs["id"])) == {
        "destination": "Object does not exist."
    }
    assert api.ok("GET", f"lead/{source['id']}/")["contacts"] == source["contacts"]


def test_merging_needs_the_merge_leads_permission(api: Api, make_api: Callable[..., Api]) -> None:
    source, destination = two_leads(api)
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    restricted = make_api(organization_name=name, role="restricteduser")
    refused = merge(restricted, source["id"], destination["id"])
    assert refused.status_code == 403
    assert api.get(f"lead/{source['id']}/").status_code == 200
    member = make_api(organization_name=name, role="user")
    assert merge(member, source["id"], destination["id"]).status_code == 200
