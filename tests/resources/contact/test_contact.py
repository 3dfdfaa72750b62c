"""Contacts: channels, the lead they hang on, and the lead events they cause."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support import Api, all_events, error_of, validation_errors


def _lead(api: Api, name: str = "Acme", **body: Any) -> dict[str, Any]:
    lead: dict[str, Any] = api.ok("POST", "lead/", json={"name": name, **body})
    return lead


def _new_events(api: Api, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = {e["id"] for e in before}
    return [e for e in all_events(api) if e["id"] not in seen]


def test_emails_phones_and_urls_are_normalized(api: Api) -> None:
    lead = _lead(api)
    contact = api.ok(
        "POST",
        "contact/",
        json={
            "lead_id": lead["id"],
            "name": "Ann",
            "emails": [{"email": " Ann@Example.COM ", "type": "home"}, {"email": "ann@work.example"}],
            "phones": [
                {"phone": "8004445555", "type": "office"},
                {"phone": "(415) 555-0100"},
                {"phone": "+44 20 7946 0958", "type": "mobile"},
            ],
            "urls": [{"url": " https://ann.example "}],
        },
    )
    assert [(e["email"], e["type"]) for e in contact["emails"]] == [
        ("Ann@example.com", "home"),
        ("ann@work.example", "office"),
    ]
    assert all(e["is_unsubscribed"] is False for e in contact["emails"])
    us, sf, uk = contact["phones"]
    assert (us["phone"], us["phone_formatted"], us["type"], us["country"]) == (
        "+18004445555",
        "+1 800-444-5555",
        "office",
        "US",
    )
    assert (sf["phone"], sf["type"]) == ("+14155550100", "office")
    assert (uk["phone"], uk["phone_formatted"], uk["country"]) == ("+442079460958", "+44 20 7946 0958", "GB")
    assert contact["urls"] == [{"url": "https://ann.example", "type": "url"}]
    assert api.ok("GET", f"contact/{contact['id']}/") == contact


def test_channel_errors_nest_per_entry(api: Api) -> None:
    lead = _lead(api)
    errors = validation_errors(
        api.post(
            "contact/",
            json={
                "lead_id": lead["id"],
                "emails": [{"email": "ok@example.com"}, {"email": "nope"}],
                "phones": [{"phone": "not a number"}],
                "urls": [{"url": ""}],
            },
        )
    )
    assert set(errors) == {"emails", "phones", "urls"}
    for name, index, key in (("emails", "1", "email"), ("phones", "0", "phone"), ("urls", "0", "url")):
        nested = errors[name]["errors"]
        assert set(nested) == {index}, name
        assert nested[index]["errors"] == []
        assert set(nested[index]["field-errors"]) == {key}
    for bad in ({"emails": "a@b.c"}, {"phones": {"phone": "1"}}, {"urls": 3}):
        assert set(validation_errors(api.post("contact/", json={"lead_id": lead["id"], **bad}))) == set(bad)
    assert api.ok("GET", "contact/")["data"] == []


def test_special_use_domains_are_valid_emails(api: Api) -> None:
    lead = _lead(api)
    emails = [{"email": "ann@acme.test"}, {"email": "bob@example.com"}, {"email": "eve@sub.example.org"}]
    contact = api.ok("POST", "contact/", json={"lead_id": lead["id"], "emails": emails})
    assert [e["email"] for e in contact["emails"]] == [
        "ann@acme.test",
        "bob@example.com",
        "eve@sub.example.org",
    ]


def test_put_replaces_whole_lists_and_is_partial_otherwise(api: Api) -> None:
    lead = _lead(api)
    contact = api.ok(
        "POST",
        "contact/",
        json={
            "lead_id": lead["id"],
            "name": "Ann",
            "title": "CTO",
            "emails": [{"email": "a@example.com"}, {"email": "b@example.com"}],
            "phones": [{"phone": "+14155550100"}],
        },
    )
    updated = api.ok("PUT", f"contact/{contact['id']}/", json={"emails": [{"email": "c@example.com"}]})
    assert [e["email"] for e in updated["emails"]] == ["c@example.com"]
    assert updated["phones"] == contact["phones"]
    assert (updated["name"], updated["title"]) == ("Ann", "CTO")
    cleared = api.ok("PUT", f"contact/{contact['id']}/", json={"phones": [], "title": None})
    assert cleared["phones"] == [] and cleared["title"] == ""


def test_display_name_falls_back_to_email_then_phone(api: Api) -> None:
    lead = _lead(api)
    named = api.ok("POST", "contact/", json={"lead_id": lead["id"], "name": "Ann"})
    by_email = api.ok(
        "POST", "contact/", json={"lead_id": lead["id"], "emails": [{"email": "x@example.com"}]}
    )
    by_phone = api.ok("POST", "contact/", json={"lead_id": lead["id"], "phones": [{"phone": "+14155550100"}]})
    nothing = api.ok("POST", "contact/", json={"lead_id": lead["id"]})
    assert [c["display_name"] for c in (named, by_email, by_phone, nothing)] == [
        "Ann",
        "x@example.com",
        "+14155550100",
        "",
    ]


def test_missing_lead_id_creates_a_lead_named_after_the_contact(api: Api) -> None:
    contact = api.ok("POST", "contact/", json={"name": "Walk-in", "emails": [{"email": "w@example.com"}]})
    lead = api.ok("GET", f"lead/{contact['lead_id']}/")
    assert lead["name"] == lead["display_name"] == "Walk-in"
    assert lead["contact_ids"] == [contact["id"]]
    nameless = api.ok("POST", "contact/", json={"emails": [{"email": "anon@example.com"}]})
    assert api.ok("GET", f"lead/{nameless['lead_id']}/")["name"] == "anon@example.com"
    assert nameless["lead_id"] != contact["lead_id"]


def test_missing_lead_id_records_the_new_lead_with_its_contact(api: Api) -> None:
    contact = api.ok("POST", "contact/", json={"name": "Walk-in"})
    events = all_events(api)
    assert len({e["request_id"] for e in events}) == 1
    lead_events = [e for e in events if e["object_type"] == "lead"]
    assert lead_events and all(e["object_id"] == contact["lead_id"] for e in lead_events)
    # Whatever the sequence, the newest lead event holds the lead as it now is.
    assert lead_events[0]["data"] == api.ok("GET", f"lead/{contact['lead_id']}/")
    assert lead_events[-1]["action"] == "created"
    (contact_event,) = [e for e in events if e["object_type"] == "contact"]
    assert (contact_event["action"], contact_event["lead_id"]) == ("created", contact["lead_id"])


def test_unknown_or_foreign_lead_id_is_400_on_lead(api: Api, make_api: Callable[..., Api]) -> None:
    foreign = _lead(make_api())
    for lead_id in ("lead_doesnotexist", foreign["id"], 12, ""):
        errors = validation_errors(api.post("contact/", json={"lead_id": lead_id, "name": "x"}))
        assert errors == {"lead": "Object does not exist."}, lead_id
    assert api.ok("GET", "contact/")["data"] == [] and api.ok("GET", "lead/")["data"] == []


def test_contact_create_and_delete_update_the_lead_contact_ids(api: Api) -> None:
    lead = _lead(api)
    first = api.ok("POST", "contact/", json={"lead_id": lead["id"], "name": "First"})
    before = all_events(api)
    second = api.ok("POST", "contact/", json={"lead_id": lead["id"], "name": "Second"})
    events = _new_events(api, before)
    assert len({e["request_id"] for e in events}) == 1
    assert sorted((e["object_type"], e["action"]) for e in events) == [
        ("contact", "created"),
        ("lead", "updated"),
    ]
    (lead_event,) = [e for e in events if e["object_type"] == "lead"]
    assert lead_event["object_id"] == lead_event["lead_id"] == lead["id"]
    assert "contact_ids" in lead_event["changed_fields"]
    assert lead_event["previous_data"]["contact_ids"] == [first["id"]]
    assert lead_event["data"]["contact_ids"] == [first["id"], second["id"]]
    assert lead_event["data"] == api.ok("GET", f"lead/{lead['id']}/")

    before = all_events(api)
    api.ok("DELETE", f"contact/{first['id']}/")
    events = _new_events(api, before)
    assert sorted((e["object_type"], e["action"]) for e in events) == [
        ("contact", "deleted"),
        ("lead", "updated"),
    ]
    (lead_event,) = [e for e in events if e["object_type"] == "lead"]
    assert lead_event["previous_data"]["contact_ids"] == [first["id"], second["id"]]
    assert lead_event["data"]["contact_ids"] == [second["id"]]


def test_editing_a_contact_does_not_update_its_lead(api: Api) -> None:
    lead = _lead(api, contacts=[{"name": "Ann"}])
    contact_id = lead["contact_ids"][0]
    before = all_events(api)
    api.ok("PUT", f"contact/{contact_id}/", json={"title": "CEO"})
    events = _new_events(api, before)
    assert [(e["object_type"], e["action"], e["changed_fields"]) for e in events] == [
        ("contact", "updated", ["title", "date_updated"])
    ]
    assert events[0]["previous_data"] == {"title": "", "date_updated": lead["contacts"][0]["date_updated"]}


def test_moving_a_contact_updates_both_leads(api: Api) -> None:
    source = _lead(api, "Source", contacts=[{"name": "Mover"}])
    target = _lead(api, "Target")
    contact_id = source["contact_ids"][0]
    before = all_events(api)
    moved = api.ok("PUT", f"contact/{contact_id}/", json={"lead_id": target["id"]})
    assert moved["lead_id"] == target["id"]
    assert api.ok("GET", f"lead/{source['id']}/")["contact_ids"] == []
    assert api.ok("GET", f"lead/{target['id']}/")["contact_ids"] == [contact_id]
    events = _new_events(api, before)
    lead_updates = {e["object_id"]: e for e in events if e["object_type"] == "lead"}
    assert set(lead_updates) == {source["id"], target["id"]}
    assert all("contact_ids" in e["changed_fields"] for e in lead_updates.values())
    errors = validation_errors(api.put(f"contact/{contact_id}/", json={"lead_id": "lead_nope"}))
    assert errors == {"lead": "Object does not exist."}


def test_lead_id_filter(api: Api) -> None:
    one = _lead(api, "One", contacts=[{"name": "a"}, {"name": "b"}])
    _lead(api, "Two", contacts=[{"name": "c"}])
    names = [c["name"] for c in api.ok("GET", "contact/", params={"lead_id": one["id"]})["data"]]
    assert names == ["a", "b"]


def test_unknown_contact_is_404(api: Api) -> None:
    assert error_of(api.get("contact/cont_nope/"), 404) == {
        "error": "Empty query: Contact matching query does not exist."
    }
