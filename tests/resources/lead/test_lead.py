"""Leads: what the conformance suite cannot express from the spec alone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support import Api, Clock, all_events, error_of, validation_errors

ACME: dict[str, Any] = {
    "name": "Acme Widgets",
    "url": "https://acme.example",
    "description": "Makes widgets",
    "status": "Qualified",
    "addresses": [
        {
            "label": "business",
            "address_1": "1 Main St",
            "address_2": "Suite 2",
            "city": "Austin",
            "state": "TX",
            "zipcode": "73301",
            "country": "US",
        }
    ],
    "contacts": [
        {
            "name": "Ann Lee",
            "title": "CTO",
            "emails": [{"type": "office", "email": "ann@acme.example"}],
            "phones": [{"type": "mobile", "phone": "8004445555"}],
        },
        {"name": "Bob Ray", "urls": [{"url": "https://bob.example", "type": "url"}]},
    ],
}


def _status_ids(api: Api) -> dict[str, str]:
    return {s["label"]: s["id"] for s in api.ok("GET", "status/lead/")["data"]}


def test_create_with_nested_contacts_and_addresses(api: Api) -> None:
    lead = api.ok("POST", "lead/", json=ACME)
    assert lead["id"].startswith("lead_") and len(lead["id"]) == len("lead_") + 43
    assert lead["name"] == lead["display_name"] == "Acme Widgets"
    assert lead["status_label"] == "Qualified"
    assert lead["status_id"] == _status_ids(api)["Qualified"]
    # leadbase's own address (the test client's), never Close's site.
    assert lead["html_url"] == f"http://testserver/console/lead/{lead['id']}/"
    assert lead["organization_id"] == api.org.organization_id
    assert lead["created_by"] == lead["updated_by"] == api.org.user_id
    address = lead["addresses"][0]
    assert {k: address[k] for k in ACME["addresses"][0]} == ACME["addresses"][0]
    # Texas spans two zones: both listed, and no local time is certain (the phone is toll-free).
    assert address["tz_ids"] == ["America/Chicago", "America/Denver"]
    assert lead["localtime"] is None
    assert lead["primary_address_summary"] == "1 Main St, Suite 2, Austin, TX 73301, US"
    assert lead["contacts_summary"] == "Ann Lee, Bob Ray"
    assert lead["source"] == "api"
    ann, bob = lead["contacts"]
    assert [ann["name"], bob["name"]] == ["Ann Lee", "Bob Ray"]
    assert lead["contact_ids"] == [ann["id"], bob["id"]]
    assert all(c["lead_id"] == lead["id"] for c in lead["contacts"])
    assert ann["emails"] == [{"type": "office", "email": "ann@acme.example", "is_unsubscribed": False}]
    assert ann["phones"][0]["phone"] == "+18004445555"
    assert ann["phones"][0]["phone_formatted"] == "+1 800-444-5555"
    assert lead["primary_email"]["email"] == "ann@acme.example"
    assert lead["primary_phone"]["phone"] == "+18004445555"
    assert bob["urls"] == [{"url": "https://bob.example", "type": "url"}]
    for contact in lead["contacts"]:
        assert api.ok("GET", f"contact/{contact['id']}/") == contact
    assert api.ok("GET", f"lead/{lead['id']}/") == lead


def test_create_records_the_lead_and_each_contact_in_one_request(api: Api) -> None:
    lead = api.ok("POST", "lead/", json=ACME)
    events = all_events(api)
    assert len({e["request_id"] for e in events}) == 1
    by_object = {e["object_id"]: e for e in events}
    # The lead, its two contacts and its Created activity.
    assert len(events) == len(by_object) == 4
    (created,) = [e for e in events if e["object_type"] == "activity.created"]
    assert (created["action"], created["lead_id"]) == ("created", lead["id"])
    assert by_object[lead["id"]]["object_type"] == "lead"
    assert by_object[lead["id"]]["data"] == lead
    for contact in lead["contacts"]:
        event = by_object[contact["id"]]
        assert (event["object_type"], event["action"], event["lead_id"]) == ("contact", "created", lead["id"])
        assert event["data"] == contact


def test_minimal_lead_gets_the_first_status_and_empty_defaults(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={})
    first = api.ok("GET", "status/lead/")["data"][0]
    assert (lead["status_id"], lead["status_label"]) == (first["id"], first["label"])
    assert lead["name"] is None
    assert lead["display_name"] == ""
    assert lead["description"] == ""
    assert lead["contacts"] == [] and lead["contact_ids"] == [] and lead["addresses"] == []
    assert lead["primary_email"] is None and lead["primary_phone"] is None


def test_display_name_falls_back_to_the_first_contact(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"contacts": [{"emails": [{"email": "solo@example.com"}]}]})
    assert lead["name"] is None
    assert lead["display_name"] == lead["contacts"][0]["display_name"] == "solo@example.com"


def test_status_by_label_is_case_insensitive_and_by_id(api: Api) -> None:
    ids = _status_ids(api)
    assert api.ok("POST", "lead/", json={"status": "bad fit"})["status_id"] == ids["Bad Fit"]
    by_id = api.ok("POST", "lead/", json={"status_id": ids["Customer"]})
    assert by_id["status_label"] == "Customer"
    moved = api.ok("PUT", f"lead/{by_id['id']}/", json={"status": "Potential"})
    assert (moved["status_id"], moved["status_label"]) == (ids["Potential"], "Potential")


def test_unknown_status_is_400_on_status(api: Api) -> None:
    for body in ({"status": "Nope"}, {"status_id": "stat_nope"}, {"status_id": 7}, {"status": 7}):
        errors = validation_errors(api.post("lead/", json={"name": "x", **body}))
        assert set(errors) == {"status"}, body
    assert api.ok("GET", "lead/")["data"] == []
    lead = api.ok("POST", "lead/", json={"name": "ok"})
    errors = validation_errors(api.put(f"lead/{lead['id']}/", json={"status": "Nope"}))
    assert set(errors) == {"status"}


def test_another_organizations_status_is_not_a_valid_choice(api: Api, make_api: Any) -> None:
    theirs = make_api().ok("POST", "status/lead/", json={"label": "Theirs"})
    errors = validation_errors(api.post("lead/", json={"status_id": theirs["id"]}))
    assert "status" in errors


def test_invalid_fields_are_reported_together(api: Api) -> None:
    response = api.post(
        "lead/",
        json={
            "name": 5,
            "url": ["x"],
            "addresses": [{"city": 3}],
            "contacts": [{"name": "ok"}, {"emails": [{"email": "not-an-email"}]}],
        },
    )
    errors = validation_errors(response)
    assert {"name", "url", "addresses", "contacts"} <= set(errors)
    assert errors["addresses"]["errors"]["0"]["field-errors"] == {"city": "Not a valid string."}
    nested = errors["contacts"]["errors"]
    assert set(nested) == {"1"}
    assert set(nested["1"]) == {"errors", "field-errors"}
    assert "emails" in nested["1"]["field-errors"]
    assert response.json()["error"]
    assert api.ok("GET", "lead/")["data"] == [] and api.ok("GET", "contact/")["data"] == []


def test_put_is_partial(api: Api) -> None:
    lead = api.ok("POST", "lead/", json=ACME)
    updated = api.ok("PUT", f"lead/{lead['id']}/", json={"name": "Acme Inc"})
    assert updated["name"] == updated["display_name"] == "Acme Inc"
    untouched = {k: v for k, v in lead.items() if k not in {"name", "display_name", "date_updated"}}
    assert {k: updated[k] for k in untouched} == untouched
    assert updated["date_updated"] > lead["date_updated"]
    cleared = api.ok("PUT", f"lead/{lead['id']}/", json={"url": None, "addresses": []})
    assert cleared["url"] is None and cleared["addresses"] == []
    assert cleared["description"] == "Makes widgets"


def test_put_ignores_nested_contacts_and_read_only_keys(api: Api) -> None:
    lead = api.ok("POST", "lead/", json=ACME)
    updated = api.ok(
        "PUT",
        f"lead/{lead['id']}/",
        json={"contacts": [{"name": "Intruder"}], "id": "lead_other", "organization_id": "orga_other"},
    )
    assert updated == lead
    assert len(api.ok("GET", "contact/")["data"]) == 2


def test_delete_cascades_to_contacts_with_an_event_each(api: Api) -> None:
    lead = api.ok("POST", "lead/", json=ACME)
    other = api.ok("POST", "lead/", json={"name": "Other", "contacts": [{"name": "Stays"}]})
    before = {e["id"] for e in all_events(api)}
    assert api.ok("DELETE", f"lead/{lead['id']}/") == {}
    events = [e for e in all_events(api) if e["id"] not in before]
    assert len({e["request_id"] for e in events}) == 1
    deleted = sorted((e["object_type"], e["object_id"]) for e in events)
    # Its activities go with it (here its Created activity).
    (created,) = [e["object_id"] for e in events if e["object_type"] == "activity.created"]
    assert deleted == sorted(
        [("lead", lead["id"]), ("activity.created", created)]
        + [("contact", c["id"]) for c in lead["contacts"]]
    )
    assert all(e["action"] == "deleted" and e["data"] is None for e in events)
    by_object = {e["object_id"]: e for e in events}
    assert by_object[lead["id"]]["previous_data"] == lead
    for contact in lead["contacts"]:
        assert by_object[contact["id"]]["previous_data"] == contact
        assert by_object[contact["id"]]["lead_id"] == lead["id"]
        assert error_of(api.get(f"contact/{contact['id']}/"), 404) == {
            "error": "Empty query: Contact matching query does not exist."
        }
    assert error_of(api.get(f"lead/{lead['id']}/"), 404) == {
        "error": "Empty query: Lead matching query does not exist."
    }
    assert [c["name"] for c in api.ok("GET", "contact/")["data"]] == ["Stays"]
    assert api.ok("GET", f"lead/{other['id']}/") == other


def test_total_results_counts_every_match_not_the_page(api: Api) -> None:
    for n in range(5):
        api.ok("POST", "lead/", json={"name": f"Lead {n}"})
    page = api.ok("GET", "lead/", params={"_limit": 2})
    assert (len(page["data"]), page["has_more"], page["total_results"]) == (2, True, 5)
    last = api.ok("GET", "lead/", params={"_limit": 2, "_skip": 4})
    assert (len(last["data"]), last["has_more"], last["total_results"]) == (1, False, 5)
    empty = api.ok("GET", "lead/", params={"_limit": 0})
    assert (empty["data"], empty["total_results"]) == ([], 5)


def test_order_by(api: Api) -> None:
    for name in ("b", "c", "a"):
        api.ok("POST", "lead/", json={"name": name})
    names = [lead["name"] for lead in api.ok("GET", "lead/", params={"_order_by": "name"})["data"]]
    assert names == ["a", "b", "c"]
    names = [lead["name"] for lead in api.ok("GET", "lead/", params={"_order_by": "-name"})["data"]]
    assert names == ["c", "b", "a"]
    created = [lead["name"] for lead in api.ok("GET", "lead/")["data"]]
    assert created == ["b", "c", "a"]
    assert "_order_by" in validation_errors(api.get("lead/", params={"_order_by": "description"}))


def test_nested_contacts_keep_their_order_even_within_one_instant(api: Api, clock: Clock) -> None:
    # Scripts match contacts[i] of the response to contacts[i] of their request.
    clock.set(datetime(2024, 1, 1, tzinfo=UTC))
    names = [f"Contact {n}" for n in range(8)]
    lead = api.ok("POST", "lead/", json={"name": "Ordered", "contacts": [{"name": n} for n in names]})
    assert [c["name"] for c in lead["contacts"]] == names
    assert [c["name"] for c in api.ok("GET", f"lead/{lead['id']}/")["contacts"]] == names
    assert [c["name"] for c in api.ok("GET", "contact/", params={"lead_id": lead["id"]})["data"]] == names
