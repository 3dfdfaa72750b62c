"""Custom objects (instances): on leads, validated against their type, with events."""

from __future__ import annotations

from collections.abc import Callable

from tests.custom_data import custom_object, events_of, field, key, lead, object_type
from tests.support import Api, error_of, validation_errors


def test_create_get_update_delete(api: Api) -> None:
    subscription = object_type(api)
    seats = field(api, "custom_object_type", "Seats", "number", custom_object_type_id=subscription["id"])
    holder = lead(api)
    created = custom_object(api, subscription["id"], holder["id"], "Pro plan", **{key(seats): 25})
    assert created["id"].startswith("custobj_") and len(created["id"]) == len("custobj_") + 43
    assert created == {
        "id": created["id"],
        "custom_object_type_id": subscription["id"],
        "lead_id": holder["id"],
        "name": "Pro plan",
        key(seats): 25,
        "organization_id": api.org.organization_id,
        "created_by": api.org.user_id,
        "updated_by": api.org.user_id,
        "date_created": created["date_created"],
        "date_updated": created["date_created"],
    }
    url = f"custom_object/{created['id']}/"
    assert api.ok("GET", url) == created
    updated = api.ok("PUT", url, json={"name": "Enterprise", key(seats): None})
    assert updated["name"] == "Enterprise" and key(seats) not in updated
    assert api.delete(url).status_code == 204
    assert error_of(api.get(url), 404) == {
        "error": "Empty query: CustomObject matching query does not exist."
    }
    actions = [(e["object_type"], e["action"], e["lead_id"]) for e in events_of(api, created["id"])]
    assert actions == [
        (a, b, holder["id"])
        for a, b in [("custom_object", "created"), ("custom_object", "updated"), ("custom_object", "deleted")]
    ]


def test_list_needs_a_lead_and_filters_by_type(api: Api) -> None:
    subscription, invoice = object_type(api, "Subscription"), object_type(api, "Invoice")
    mine, other = lead(api, "Mine"), lead(api, "Other")
    a = custom_object(api, subscription["id"], mine["id"], "A")
    b = custom_object(api, invoice["id"], mine["id"], "B")
    custom_object(api, subscription["id"], other["id"], "C")
    assert validation_errors(api.get("custom_object/")) == {"lead_id": "This field is required."}
    listed = api.ok("GET", "custom_object/", params={"lead_id": mine["id"]})
    assert [o["id"] for o in listed["data"]] == [a["id"], b["id"]] and listed["has_more"] is False
    by_type = api.ok(
        "GET", "custom_object/", params={"lead_id": mine["id"], "custom_object_type_id": invoice["id"]}
    )
    assert [o["id"] for o in by_type["data"]] == [b["id"]]


def test_create_requires_type_lead_and_name(api: Api, make_api: Callable[..., Api]) -> None:
    subscription = object_type(api)
    holder = lead(api)
    errors = validation_errors(api.post("custom_object/", json={}))
    assert set(errors) == {"custom_object_type_id", "lead_id", "name"}
    foreign_lead = lead(make_api())
    errors = validation_errors(
        api.post(
            "custom_object/",
            json={"custom_object_type_id": subscription["id"], "lead_id": foreign_lead["id"], "name": "X"},
        )
    )
    assert errors == {"lead_id": "Object does not exist."}
    foreign_type = object_type(make_api())
    errors = validation_errors(
        api.post(
            "custom_object/",
            json={"custom_object_type_id": foreign_type["id"], "lead_id": holder["id"], "name": "X"},
        )
    )
    assert errors == {"custom_object_type_id": "Object does not exist."}
    assert api.ok("GET", "custom_object/", params={"lead_id": holder["id"]})["data"] == []


def test_required_fields_must_hold_a_value_on_every_save(api: Api) -> None:
    subscription = object_type(api)
    seats = field(
        api, "custom_object_type", "Seats", "number", custom_object_type_id=subscription["id"], required=True
    )
    holder = lead(api)
    body = {"custom_object_type_id": subscription["id"], "lead_id": holder["id"], "name": "Pro"}
    assert validation_errors(api.post("custom_object/", json=body)) == {key(seats): "This field is required."}
    created = custom_object(api, subscription["id"], holder["id"], **{key(seats): 3})
    url = f"custom_object/{created['id']}/"
    assert validation_errors(api.put(url, json={key(seats): None})) == {key(seats): "This field is required."}
    assert api.ok("GET", url)[key(seats)] == 3


def test_lead_and_type_cannot_change(api: Api) -> None:
    subscription, invoice = object_type(api, "Subscription"), object_type(api, "Invoice")
    holder, other = lead(api), lead(api, "Other")
    created = custom_object(api, subscription["id"], holder["id"])
    url = f"custom_object/{created['id']}/"
    assert "lead_id" in validation_errors(api.put(url, json={"lead_id": other["id"]}))
    assert "custom_object_type_id" in validation_errors(
        api.put(url, json={"custom_object_type_id": invoice["id"]})
    )
    assert api.ok("PUT", url, json={"lead_id": holder["id"], "name": "Same lead"})["name"] == "Same lead"


def test_archived_types_take_no_new_instances(api: Api) -> None:
    subscription = object_type(api, is_archived=True)
    holder = lead(api)
    body = {"custom_object_type_id": subscription["id"], "lead_id": holder["id"], "name": "X"}
    assert "custom_object_type_id" in validation_errors(api.post("custom_object/", json=body))


def test_api_create_only_types_take_instances_from_the_api(api: Api) -> None:
    subscription = object_type(api, api_create_only=True)
    assert custom_object(api, subscription["id"], lead(api)["id"])["name"] == "Pro plan"


def test_editable_with_roles_restricts_instances(api: Api, make_api: Callable[..., Api]) -> None:
    subscription = object_type(api, editable_with_roles=["superuser"])
    holder = lead(api)
    created = custom_object(api, subscription["id"], holder["id"])
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    user = make_api(organization_name=organization, role="user")
    superuser = make_api(organization_name=organization, role="superuser")
    body = {"custom_object_type_id": subscription["id"], "lead_id": holder["id"], "name": "By user"}
    assert "error" in error_of(user.post("custom_object/", json=body), 403)
    assert "error" in error_of(user.put(f"custom_object/{created['id']}/", json={"name": "No"}), 403)
    assert "error" in error_of(user.delete(f"custom_object/{created['id']}/"), 403)
    assert user.ok("GET", f"custom_object/{created['id']}/")["name"] == "Pro plan"
    assert superuser.ok("PUT", f"custom_object/{created['id']}/", json={"name": "Yes"})["name"] == "Yes"
    superuser.ok("POST", "custom_object/", 201, json=body)


def test_deleting_an_instance_removes_references_to_it_with_events(api: Api) -> None:
    subscription = object_type(api)
    main = field(api, "lead", "Main", "custom_object", referenced_custom_type_id=subscription["id"])
    every = field(
        api,
        "lead",
        "All",
        "custom_object",
        referenced_custom_type_id=subscription["id"],
        accepts_multiple_values=True,
    )
    holder = lead(api)
    first = custom_object(api, subscription["id"], holder["id"], "First")
    second = custom_object(api, subscription["id"], holder["id"], "Second")
    api.ok(
        "PUT", f"lead/{holder['id']}/", json={key(main): first["id"], key(every): [first["id"], second["id"]]}
    )
    api.ok("DELETE", f"custom_object/{first['id']}/", 204)
    now = api.ok("GET", f"lead/{holder['id']}/")
    assert key(main) not in now and now[key(every)] == [second["id"]]
    event = events_of(api, holder["id"])[-1]
    assert {key(main), key(every)} <= set(event["changed_fields"])


def test_deleting_a_lead_deletes_its_instances(api: Api) -> None:
    subscription = object_type(api)
    holder = lead(api)
    created = custom_object(api, subscription["id"], holder["id"])
    api.ok("DELETE", f"lead/{holder['id']}/")
    assert error_of(api.get(f"custom_object/{created['id']}/"), 404)
    deleted = events_of(api, created["id"])[-1]
    assert deleted["action"] == "deleted" and deleted["previous_data"]["name"] == "Pro plan"
