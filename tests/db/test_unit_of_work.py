"""The unit of work: each object a request touches is rendered, diffed and recorded once."""

from __future__ import annotations

from typing import Any

from tests.support import Api, all_events


def _new(api: Api, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events since `before`, oldest first (the order they were written)."""
    seen = {e["id"] for e in before}
    return [e for e in reversed(all_events(api)) if e["id"] not in seen]


def test_an_object_changed_twice_in_one_request_has_one_event(api: Api) -> None:
    # Deleting a contact changes its lead twice: contact_ids, and a contact field that named it.
    champion = api.ok("POST", "custom_field/lead/", json={"name": "Champion", "type": "contact"})["id"]
    lead = api.ok("POST", "lead/", json={"name": "Acme", "contacts": [{"name": "Ann"}, {"name": "Bob"}]})
    ann = lead["contact_ids"][0]
    lead = api.ok("PUT", f"lead/{lead['id']}/", json={f"custom.{champion}": ann})
    before = all_events(api)
    api.ok("DELETE", f"contact/{ann}/")
    events = _new(api, before)
    assert [(e["object_type"], e["action"]) for e in events] == [("contact", "deleted"), ("lead", "updated")]
    lead_event = events[1]
    assert {"contact_ids", f"custom.{champion}"} <= set(lead_event["changed_fields"])
    assert lead_event["previous_data"]["contact_ids"] == lead["contact_ids"]
    assert lead_event["previous_data"][f"custom.{champion}"] == ann
    assert lead_event["data"] == api.ok("GET", f"lead/{lead['id']}/")


def test_a_lead_made_for_a_contact_is_recorded_once_with_it(api: Api) -> None:
    contact = api.ok("POST", "contact/", json={"name": "Walk-in"})
    events = _new(api, [])
    # The lead (with its contact) last, after the objects on it: the contact and the lead's
    # Created activity.
    assert [(e["object_type"], e["action"]) for e in events] == [
        ("activity.created", "created"),
        ("contact", "created"),
        ("lead", "created"),
    ]
    assert events[2]["data"]["contact_ids"] == [contact["id"]]
    assert events[2]["data"] == api.ok("GET", f"lead/{contact['lead_id']}/")


def test_objects_are_recorded_after_what_they_contain(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme", "contacts": [{"name": "Ann"}, {"name": "Bob"}]})
    created = _new(api, [])
    # The lead's Created activity is on the lead too: recorded before it.
    (activity,) = [e["object_id"] for e in created if e["object_type"] == "activity.created"]
    assert [e["object_id"] for e in created] == [*lead["contact_ids"], activity, lead["id"]]
    before = all_events(api)
    api.ok("DELETE", f"lead/{lead['id']}/")
    deleted = _new(api, before)
    assert sorted((e["object_id"], e["action"]) for e in deleted[:3]) == sorted(
        [(lead["contact_ids"][0], "deleted"), (lead["contact_ids"][1], "deleted"), (activity, "deleted")]
    )
    assert (deleted[3]["object_id"], deleted[3]["action"]) == (lead["id"], "deleted")
    # The lead is recorded as deleted as it was, not also as updated by each contact leaving it.
    assert deleted[3]["previous_data"] == lead


def test_a_cascade_deletes_children_of_every_declared_parent(api: Api) -> None:
    cotype = api.ok(
        "POST", "custom_object_type/", expected=201, json={"name": "Plan", "name_plural": "Plans"}
    )
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    body = {"custom_object_type_id": cotype["id"], "lead_id": lead["id"], "name": "Gold"}
    instance = api.ok("POST", "custom_object/", expected=201, json=body)
    before = all_events(api)
    api.ok("DELETE", f"custom_object_type/{cotype['id']}/", expected=204)
    events = _new(api, before)
    assert [(e["object_type"], e["object_id"], e["action"]) for e in events] == [
        ("custom_object", instance["id"], "deleted"),
        ("custom_object_type", cotype["id"], "deleted"),
    ]
    assert events[0]["previous_data"] == instance
    assert api.get(f"custom_object/{instance['id']}/").status_code == 404
    assert api.ok("GET", f"lead/{lead['id']}/")["id"] == lead["id"]


def test_a_failed_write_records_nothing(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    before = all_events(api)
    response = api.post("contact/", json={"lead_id": lead["id"], "emails": [{"email": "not an email"}]})
    assert response.status_code == 400
    assert _new(api, before) == []
    assert api.ok("GET", f"lead/{lead['id']}/") == lead
