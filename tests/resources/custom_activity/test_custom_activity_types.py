"""Custom activity types: attributes, their fields and order, and what deleting one does."""

from __future__ import annotations

from collections.abc import Callable

from tests.custom_data import activity_type, events_of, field, key, lead
from tests.support import Api, error_of, validation_errors


def test_create_has_closes_attributes(api: Api) -> None:
    created = activity_type(api, "Site Visit", description="On-site visit", editable_with_roles=["admin"])
    assert created["id"].startswith("actitype_") and len(created["id"]) == len("actitype_") + 22
    assert created == {
        "id": created["id"],
        "name": "Site Visit",
        "description": "On-site visit",
        "api_create_only": False,
        "editable_with_roles": ["admin"],
        "is_archived": False,
        "fields": [],
        "organization_id": api.org.organization_id,
        "created_by": api.org.user_id,
        "updated_by": api.org.user_id,
        "date_created": created["date_created"],
        "date_updated": created["date_created"],
    }
    assert api.ok("GET", "custom_activity/") == {"data": [created]}
    assert "name" in validation_errors(api.post("custom_activity/", json={"description": "no name"}))


def test_a_type_copied_from_another_organization_is_created_without_its_fields(
    api: Api, make_api: Callable[..., Api]
) -> None:
    other = make_api()
    source = activity_type(other, "Demo")
    field(other, "activity", "Outcome", custom_activity_type_id=source["id"])
    copied_body = other.ok("GET", f"custom_activity/{source['id']}/")
    del copied_body["organization_id"]
    copied = api.ok("POST", "custom_activity", 201, json=copied_body)
    assert copied["id"] != source["id"] and copied["name"] == "Demo" and copied["fields"] == []


def test_update_sets_attributes_and_field_order(api: Api) -> None:
    visit = activity_type(api)
    one = field(api, "activity", "One", custom_activity_type_id=visit["id"])
    two = field(api, "activity", "Two", custom_activity_type_id=visit["id"])
    url = f"custom_activity/{visit['id']}/"
    updated = api.ok(
        "PUT",
        url,
        json={"name": "Visit", "api_create_only": True, "is_archived": True, "fields": [{"id": two["id"]}]},
    )
    assert (
        updated["name"] == "Visit" and updated["api_create_only"] is True and updated["is_archived"] is True
    )
    assert [f["id"] for f in updated["fields"]] == [two["id"], one["id"]]
    event = events_of(api, visit["id"])[-1]
    assert {"name", "fields", "is_archived", "api_create_only"} <= set(event["changed_fields"])
    assert "fields" in validation_errors(api.put(url, json={"fields": [{"id": "cf_unknown"}]}))


def test_deleting_a_type_deletes_its_activities_and_fields(api: Api) -> None:
    visit = activity_type(api)
    outcome = field(api, "activity", "Outcome", custom_activity_type_id=visit["id"])
    shared = field(api, "shared", "Owner", "user")
    api.ok(
        "POST",
        f"custom_field/shared/{shared['id']}/association/",
        201,
        json={"object_type": "custom_activity_type", "custom_activity_type_id": visit["id"]},
    )
    holder = lead(api)
    made = api.ok(
        "POST",
        "activity/custom/",
        json={"custom_activity_type_id": visit["id"], "lead_id": holder["id"], key(outcome): "Won"},
    )
    assert api.delete(f"custom_activity/{visit['id']}/").status_code == 204
    assert error_of(api.get(f"custom_activity/{visit['id']}/"), 404) == {
        "error": "Empty query: CustomActivityType matching query does not exist."
    }
    assert error_of(api.get(f"activity/custom/{made['id']}/"), 404)
    assert error_of(api.get(f"custom_field/activity/{outcome['id']}/"), 404)
    assert api.ok("GET", f"custom_field/shared/{shared['id']}/")["associations"] == []
    assert events_of(api, made["id"])[-1]["action"] == "deleted"
    assert events_of(api, outcome["id"])[-1]["action"] == "deleted"
    assert events_of(api, visit["id"])[-1]["action"] == "deleted"


def test_only_admins_manage_types(api: Api, make_api: Callable[..., Api]) -> None:
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=organization, role="user")
    assert "error" in error_of(member.post("custom_activity/", json={"name": "X"}), 403)
