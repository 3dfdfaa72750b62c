"""Custom field definitions of every kind: attributes, validation, rules for changing them, events."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.custom_data import activity_type, events_of, field, object_type
from tests.support import Api, error_of, validation_errors

REGULAR_KINDS = ("lead", "contact", "opportunity")


@pytest.mark.parametrize("kind", REGULAR_KINDS)
def test_regular_field_has_closes_attributes(api: Api, kind: str) -> None:
    created = field(api, kind, "Plan Tier", "choices", choices=["Basic", "Plus"], description="Tier sold")
    assert created["id"].startswith("cf_") and len(created["id"]) == 3 + 43
    assert created == {
        "id": created["id"],
        "name": "Plan Tier",
        "description": "Tier sold",
        "type": "choices",
        "choices": ["Basic", "Plus"],
        "accepts_multiple_values": False,
        "editable_with_roles": [],
        "referenced_custom_type_id": None,
        "back_reference_is_visible": None,
        "organization_id": api.org.organization_id,
        "created_by": api.org.user_id,
        "updated_by": api.org.user_id,
        "date_created": created["date_created"],
        "date_updated": created["date_created"],
    }
    assert api.ok("GET", f"custom_field/{kind}/{created['id']}/") == created
    assert api.ok("GET", f"custom_field/{kind}/")["data"] == [created]


def test_fields_of_one_kind_are_404_under_another(api: Api) -> None:
    lead_field = field(api, "lead", "Industry")
    response = api.get(f"custom_field/contact/{lead_field['id']}/")
    assert error_of(response, 404) == {
        "error": "Empty query: ContactCustomField matching query does not exist."
    }
    assert error_of(api.get("custom_field/lead/cf_nope/"), 404) == {
        "error": "Empty query: LeadCustomField matching query does not exist."
    }


def test_legacy_plural_paths_serve_the_same_fields(api: Api) -> None:
    created = api.ok("POST", "custom_fields/lead/", json={"name": "Industry", "type": "text"})
    assert api.ok("GET", "custom_fields/lead/")["data"] == [created]
    assert api.ok("GET", f"custom_field/lead/{created['id']}/") == created
    renamed = api.ok("PUT", f"custom_fields/lead/{created['id']}", json={"name": "Sector"})
    assert renamed["name"] == "Sector"
    assert api.ok("DELETE", f"custom_fields/lead/{created['id']}/") == {}
    assert api.ok("GET", "custom_field/lead/")["data"] == []
    shared = field(api, "shared", "Owner", "user")
    api.ok("POST", f"custom_fields/shared/{shared['id']}/association/", 201, json={"object_type": "lead"})


def test_activity_and_custom_object_fields_belong_to_their_type(api: Api) -> None:
    visit = activity_type(api)
    subscription = object_type(api)
    activity_field = field(api, "activity", "Outcome", custom_activity_type_id=visit["id"], required=True)
    assert activity_field["custom_activity_type_id"] == visit["id"]
    assert activity_field["required"] is True
    object_field = field(
        api, "custom_object_type", "Seats", "number", custom_object_type_id=subscription["id"]
    )
    assert object_field["custom_object_type_id"] == subscription["id"]
    assert object_field["required"] is False
    # Both endpoints list the fields of every type.
    assert api.ok("GET", "custom_field/activity/")["data"] == [activity_field]
    assert api.ok("GET", "custom_field/custom_object_type/")["data"] == [object_field]
    # Deleting a custom object field answers 204, as Close documents.
    assert api.delete(f"custom_field/custom_object_type/{object_field['id']}/").status_code == 204


@pytest.mark.parametrize(
    ("kind", "body", "error_key"),
    [
        ("lead", {"type": "text"}, "name"),
        ("lead", {"name": "   ", "type": "text"}, "name"),
        ("lead", {"name": "x" * 256, "type": "text"}, "name"),
        ("lead", {"name": "No type"}, "type"),
        ("lead", {"name": "Bad type", "type": "checkbox"}, "type"),
        ("lead", {"name": "Area", "type": "textarea"}, "type"),
        ("lead", {"name": "Choices", "type": "choices"}, "choices"),
        ("lead", {"name": "Choices", "type": "choices", "choices": []}, "choices"),
        ("lead", {"name": "Choices", "type": "choices", "choices": ["a", "a"]}, "choices"),
        ("lead", {"name": "Choices", "type": "choices", "choices": ["a", 3]}, "choices"),
        (
            "lead",
            {"name": "Multi", "type": "text", "accepts_multiple_values": True},
            "accepts_multiple_values",
        ),
        (
            "lead",
            {"name": "Flag", "type": "text", "accepts_multiple_values": "yes"},
            "accepts_multiple_values",
        ),
        ("lead", {"name": "Long", "type": "text", "description": "d" * 281}, "description"),
        ("lead", {"name": "Roles", "type": "text", "editable_with_roles": ["boss"]}, "editable_with_roles"),
        ("lead", {"name": "Roles", "type": "text", "editable_with_roles": "admin"}, "editable_with_roles"),
        ("lead", {"name": "Ref", "type": "custom_object"}, "referenced_custom_type_id"),
        (
            "lead",
            {"name": "Ref", "type": "custom_object", "referenced_custom_type_id": "cotype_nope"},
            "referenced_custom_type_id",
        ),
        (
            "lead",
            {"name": "Ref", "type": "text", "referenced_custom_type_id": "cotype_x"},
            "referenced_custom_type_id",
        ),
        ("activity", {"name": "No type id", "type": "text"}, "custom_activity_type_id"),
        (
            "activity",
            {"name": "Bad type id", "type": "text", "custom_activity_type_id": "actitype_x"},
            "custom_activity_type_id",
        ),
        ("custom_object_type", {"name": "No type id", "type": "text"}, "custom_object_type_id"),
        ("activity", {"name": "Req", "type": "text", "required": "yes"}, "required"),
    ],
)
def test_invalid_field_definitions_are_400_naming_the_attribute(
    api: Api, kind: str, body: dict[str, object], error_key: str
) -> None:
    errors = validation_errors(api.post(f"custom_field/{kind}/", json=body))
    assert error_key in errors, errors
    assert api.ok("GET", f"custom_field/{kind}/")["data"] == []


def test_textarea_is_offered_on_activity_object_and_shared_fields(api: Api) -> None:
    visit = activity_type(api)
    assert (
        field(api, "activity", "Notes", "textarea", custom_activity_type_id=visit["id"])["type"] == "textarea"
    )
    assert field(api, "shared", "Long notes", "textarea")["type"] == "textarea"


def test_names_are_unique_per_object_kind_ignoring_case(api: Api) -> None:
    field(api, "lead", "Industry")
    errors = validation_errors(api.post("custom_field/lead/", json={"name": "industry", "type": "text"}))
    assert "name" in errors
    # Another kind of object may use the name.
    field(api, "contact", "Industry")
    other = field(api, "lead", "Sector")
    assert "name" in validation_errors(
        api.put(f"custom_field/lead/{other['id']}/", json={"name": "INDUSTRY"})
    )


def test_only_admins_manage_fields(api: Api, make_api: Callable[..., Api]) -> None:
    created = field(api, "lead", "Industry")
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=organization, role="user")
    assert "error" in error_of(member.post("custom_field/lead/", json={"name": "X", "type": "text"}), 403)
    assert "error" in error_of(member.put(f"custom_field/lead/{created['id']}/", json={"name": "Y"}), 403)
    assert "error" in error_of(member.delete(f"custom_field/lead/{created['id']}/"), 403)
    # Everyone may read them.
    assert member.ok("GET", f"custom_field/lead/{created['id']}/") == created


def test_update_changes_only_what_is_sent_and_records_the_diff(api: Api) -> None:
    created = field(api, "lead", "Plan", "choices", choices=["Basic", "Plus"])
    role_id = api.ok("POST", "role/", 201, json={"name": "Sales", "permissions": ["view_all_leads"]})["id"]
    updated = api.ok(
        "PUT",
        f"custom_field/lead/{created['id']}/",
        json={
            "name": "Plan tier",
            "choices": ["Basic", "Plus", "Enterprise"],
            "accepts_multiple_values": True,
            "editable_with_roles": ["admin", role_id],
            "description": "Sold tier",
        },
    )
    assert updated["name"] == "Plan tier"
    assert updated["choices"] == ["Basic", "Plus", "Enterprise"]
    assert updated["accepts_multiple_values"] is True
    assert updated["editable_with_roles"] == ["admin", role_id]
    assert updated["type"] == "choices"
    created_event, updated_event = events_of(api, created["id"])
    assert created_event["object_type"] == "custom_fields.lead" and created_event["action"] == "created"
    assert updated_event["action"] == "updated"
    assert set(updated_event["changed_fields"]) == {
        "name",
        "choices",
        "accepts_multiple_values",
        "editable_with_roles",
        "description",
        "date_updated",
    }
    assert updated_event["previous_data"]["name"] == "Plan"


@pytest.mark.parametrize(
    ("kind", "make_body"),
    [
        ("activity", lambda api: {"custom_activity_type_id": activity_type(api)["id"]}),
        ("custom_object_type", lambda api: {"custom_object_type_id": object_type(api)["id"]}),
        ("shared", lambda api: {}),
    ],
)
def test_type_is_fixed_on_activity_object_and_shared_fields(
    api: Api, kind: str, make_body: Callable[[Api], dict[str, str]]
) -> None:
    created = field(api, kind, "Count", "number", **make_body(api))
    url = f"custom_field/{kind}/{created['id']}/"
    assert "type" in validation_errors(api.put(url, json={"type": "text"}))
    # Sending the same type back is fine.
    assert api.ok("PUT", url, json={"type": "number", "name": "Total"})["name"] == "Total"


def test_type_ids_and_reference_target_cannot_change(api: Api) -> None:
    first, second = object_type(api, "A"), object_type(api, "B")
    own = field(api, "custom_object_type", "Seats", "number", custom_object_type_id=first["id"])
    url = f"custom_field/custom_object_type/{own['id']}/"
    assert "custom_object_type_id" in validation_errors(
        api.put(url, json={"custom_object_type_id": second["id"]})
    )
    reference = field(api, "lead", "Main", "custom_object", referenced_custom_type_id=first["id"])
    assert reference["back_reference_is_visible"] is True
    ref_url = f"custom_field/lead/{reference['id']}/"
    errors = validation_errors(api.put(ref_url, json={"referenced_custom_type_id": second["id"]}))
    assert "referenced_custom_type_id" in errors
    hidden = api.ok("PUT", ref_url, json={"back_reference_is_visible": False})
    assert hidden["back_reference_is_visible"] is False


def test_references_cannot_be_converted(api: Api) -> None:
    created = field(api, "lead", "Owner contact", "contact")
    errors = validation_errors(api.put(f"custom_field/lead/{created['id']}/", json={"type": "text"}))
    assert "type" in errors
    text = field(api, "lead", "Notes")
    assert "type" in validation_errors(api.put(f"custom_field/lead/{text['id']}/", json={"type": "contact"}))


def test_changing_to_choices_needs_choices(api: Api) -> None:
    created = field(api, "lead", "Tier")
    url = f"custom_field/lead/{created['id']}/"
    assert "choices" in validation_errors(api.put(url, json={"type": "choices"}))
    changed = api.ok("PUT", url, json={"type": "choices", "choices": ["A", "B"]})
    assert changed["type"] == "choices" and changed["choices"] == ["A", "B"]
    back = api.ok("PUT", url, json={"type": "text"})
    assert back["choices"] is None


def test_a_body_copied_from_another_organization_creates_a_field(
    api: Api, make_api: Callable[..., Api]
) -> None:
    """Close's clone_organization script posts whole field objects read from another organization."""
    other = make_api()
    source = other.ok("POST", "custom_field/shared/", json={"name": "Owner", "type": "user"})
    other.ok("POST", f"custom_field/shared/{source['id']}/association/", 201, json={"object_type": "lead"})
    (from_schema,) = other.ok("GET", "custom_field_schema/lead/")["fields"]
    del from_schema["id"], from_schema["organization_id"]
    copied = api.ok("POST", "custom_field/shared//", json=from_schema)
    assert copied["name"] == "Owner" and copied["associations"] == []
    assert copied["id"] != source["id"]


def test_delete_answers_like_close_per_kind(api: Api) -> None:
    for kind in (*REGULAR_KINDS, "shared"):
        created = field(api, kind, f"Gone {kind}")
        assert api.ok("DELETE", f"custom_field/{kind}/{created['id']}/") == {}
        (event,) = [e for e in api.events(object_id=created["id"]) if e["action"] == "deleted"]
        assert event["object_type"] == f"custom_fields.{kind}"
        assert event["data"] is None and event["previous_data"]["name"] == f"Gone {kind}"


def test_field_changes_show_on_the_types_they_belong_to(api: Api) -> None:
    visit = activity_type(api)
    created = field(api, "activity", "Outcome", custom_activity_type_id=visit["id"])
    shown = api.ok("GET", f"custom_activity/{visit['id']}/")
    assert [f["id"] for f in shown["fields"]] == [created["id"]]
    type_events = events_of(api, visit["id"])
    assert [e["action"] for e in type_events] == ["created", "updated"]
    assert "fields" in type_events[-1]["changed_fields"]


def test_values_are_restricted_by_choices_not_by_a_restricted_values_attribute(api: Api) -> None:
    """Close has no `restricted_values`: a choices field restricts values; the key is ignored."""
    free = field(api, "lead", "Free text", restricted_values=["only this"])
    assert "restricted_values" not in free
    assert (
        api.ok("POST", "lead/", json={f"custom.{free['id']}": "anything"})[f"custom.{free['id']}"]
        == "anything"
    )
    limited = field(api, "lead", "Limited", "choices", choices=["only this"])
    assert f"custom.{limited['id']}" in validation_errors(
        api.post("lead/", json={f"custom.{limited['id']}": "other"})
    )
