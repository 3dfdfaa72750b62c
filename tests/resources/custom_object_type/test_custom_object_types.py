"""Custom object types: attributes, fields and back references, and what deleting one does."""

from __future__ import annotations

from collections.abc import Callable

from tests.custom_data import activity_type, custom_object, events_of, field, key, lead, object_type
from tests.support import Api, error_of, validation_errors


def test_create_has_closes_attributes(api: Api) -> None:
    created = object_type(api, "Subscription", description="Paid plan", api_create_only=True)
    assert created["id"].startswith("cotype_") and len(created["id"]) == len("cotype_") + 22
    assert created == {
        "id": created["id"],
        "name": "Subscription",
        "name_plural": "Subscriptions",
        "description": "Paid plan",
        "api_create_only": True,
        "editable_with_roles": [],
        "is_archived": False,
        "fields": [],
        "back_reference_fields": [],
        "organization_id": api.org.organization_id,
        "created_by": api.org.user_id,
        "updated_by": api.org.user_id,
        "date_created": created["date_created"],
        "date_updated": created["date_created"],
    }
    response = api.post("custom_object_type/", json={"name": "Invoice", "name_plural": "Invoices"})
    assert response.status_code == 201
    assert response.headers["location"].endswith(f"/api/v1/custom_object_type/{response.json()['id']}/")
    # The list has no paging: every type at once, without has_more.
    assert set(api.ok("GET", "custom_object_type/")) == {"data"}


def test_name_and_plural_are_required(api: Api) -> None:
    assert set(validation_errors(api.post("custom_object_type/", json={}))) == {"name", "name_plural"}
    assert "name_plural" in validation_errors(
        api.post("custom_object_type/", json={"name": "X", "name_plural": ""})
    )
    roles = {"name": "X", "name_plural": "Xs", "editable_with_roles": ["nobody"]}
    assert "editable_with_roles" in validation_errors(api.post("custom_object_type/", json=roles))


def test_update_and_archive(api: Api) -> None:
    created = object_type(api)
    url = f"custom_object_type/{created['id']}/"
    updated = api.ok(
        "PUT",
        url,
        json={"name": "Plan", "name_plural": "Plans", "editable_with_roles": ["admin"], "is_archived": True},
    )
    assert (updated["name"], updated["name_plural"], updated["is_archived"]) == ("Plan", "Plans", True)
    # A payload read back and sent again (fields and all) changes nothing.
    assert api.ok("PUT", url, json=updated) == updated
    event = events_of(api, created["id"])[-1]
    assert event["object_type"] == "custom_object_type" and "is_archived" in event["changed_fields"]


def test_fields_and_back_reference_fields(api: Api) -> None:
    subscription = object_type(api, "Subscription")
    seats = field(api, "custom_object_type", "Seats", "number", custom_object_type_id=subscription["id"])
    main = field(
        api, "lead", "Main subscription", "custom_object", referenced_custom_type_id=subscription["id"]
    )
    visit = activity_type(api)
    sold = field(
        api,
        "activity",
        "Sold",
        "custom_object",
        custom_activity_type_id=visit["id"],
        referenced_custom_type_id=subscription["id"],
    )
    shown = api.ok("GET", f"custom_object_type/{subscription['id']}/")
    assert [f["id"] for f in shown["fields"]] == [seats["id"]]
    assert shown["fields"][0] == {
        "id": seats["id"],
        "name": "Seats",
        "description": None,
        "type": "number",
        "choices": None,
        "accepts_multiple_values": False,
        "editable_with_roles": [],
        "required": False,
        "referenced_custom_type_id": None,
        "back_reference_is_visible": None,
        "is_shared": False,
        "converting_to_type": None,
    }
    back = {f["id"]: f for f in shown["back_reference_fields"]}
    assert set(back) == {main["id"], sold["id"]}
    assert back[main["id"]]["object_type"] == "lead"
    assert back[sold["id"]]["custom_activity_type_id"] == visit["id"]
    assert api.ok("GET", "custom_object_type/")["data"] == [shown]


def test_deleting_a_type_deletes_its_instances_fields_and_references(api: Api) -> None:
    subscription = object_type(api, "Subscription")
    keep = object_type(api, "Invoice")
    seats = field(api, "custom_object_type", "Seats", "number", custom_object_type_id=subscription["id"])
    main = field(
        api, "lead", "Main subscription", "custom_object", referenced_custom_type_id=subscription["id"]
    )
    unrelated = field(api, "lead", "Industry")
    shared = field(api, "shared", "Note")
    api.ok(
        "POST",
        f"custom_field/shared/{shared['id']}/association/",
        201,
        json={"object_type": "custom_object_type", "custom_object_type_id": subscription["id"]},
    )
    holder = lead(api)
    instance = custom_object(api, subscription["id"], holder["id"], **{key(seats): 5})
    other = custom_object(api, keep["id"], holder["id"], "Invoice 1")
    api.ok("PUT", f"lead/{holder['id']}/", json={key(main): instance["id"], key(unrelated): "IT"})

    assert api.delete(f"custom_object_type/{subscription['id']}/").status_code == 204

    assert error_of(api.get(f"custom_object_type/{subscription['id']}/"), 404)
    assert error_of(api.get(f"custom_object/{instance['id']}/"), 404)
    assert api.ok("GET", f"custom_object/{other['id']}/")["name"] == "Invoice 1"
    assert error_of(api.get(f"custom_field/custom_object_type/{seats['id']}/"), 404)
    assert error_of(api.get(f"custom_field/lead/{main['id']}/"), 404)
    assert api.ok("GET", f"custom_field/shared/{shared['id']}/")["associations"] == []
    now = api.ok("GET", f"lead/{holder['id']}/")
    assert key(main) not in now and now[key(unrelated)] == "IT"
    # Each removal was an event: the instance, both fields, the shared field, the lead, the type.
    assert events_of(api, instance["id"])[-1]["action"] == "deleted"
    assert events_of(api, seats["id"])[-1]["action"] == "deleted"
    assert events_of(api, main["id"])[-1]["action"] == "deleted"
    assert "associations" in events_of(api, shared["id"])[-1]["changed_fields"]
    assert key(main) in events_of(api, holder["id"])[-1]["changed_fields"]
    deleted = events_of(api, subscription["id"])[-1]
    assert deleted["action"] == "deleted" and deleted["previous_data"]["name"] == "Subscription"


def test_only_admins_manage_types(api: Api, make_api: Callable[..., Api]) -> None:
    created = object_type(api)
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    # Users do not manage customizations (super users do, as in Close).
    member = make_api(organization_name=organization, role="user")
    body = {"name": "X", "name_plural": "Xs"}
    assert "error" in error_of(member.post("custom_object_type/", json=body), 403)
    assert "error" in error_of(member.put(f"custom_object_type/{created['id']}/", json={"name": "Y"}), 403)
    assert "error" in error_of(member.delete(f"custom_object_type/{created['id']}/"), 403)
    assert member.ok("GET", f"custom_object_type/{created['id']}/") == created
