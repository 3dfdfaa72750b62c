"""Custom field schemas: all fields of one kind of object, in display order, and reordering."""

from __future__ import annotations

from collections.abc import Callable

from tests.custom_data import activity_type, events_of, field, object_type
from tests.support import Api, error_of, validation_errors


def _ids(schema: dict[str, object]) -> list[str]:
    fields = schema["fields"]
    assert isinstance(fields, list)
    return [f["id"] for f in fields]


def test_lead_schema_lists_regular_and_shared_fields_in_order(api: Api) -> None:
    first = field(api, "lead", "First")
    shared = field(api, "shared", "Shared")
    api.ok("POST", f"custom_field/shared/{shared['id']}/association/", 201, json={"object_type": "lead"})
    last = field(api, "lead", "Last")
    field(api, "contact", "Contact only")
    schema = api.ok("GET", "custom_field_schema/lead/")
    assert schema["object_type"] == "lead" and schema["name"] == "Lead"
    assert schema["organization_id"] == api.org.organization_id
    assert _ids(schema) == [first["id"], shared["id"], last["id"]]
    by_id = {f["id"]: f for f in schema["fields"]}
    assert by_id[first["id"]]["is_shared"] is False and by_id[shared["id"]]["is_shared"] is True
    assert by_id[shared["id"]]["associations"][0]["object_type"] == "lead"
    assert by_id[first["id"]]["organization_id"] == api.org.organization_id
    # The organization lists the same lead fields.
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")
    assert [f["id"] for f in organization["lead_custom_fields"]] == _ids(schema)


def test_reorder_puts_omitted_fields_last_in_their_previous_order(api: Api) -> None:
    a, b, c, d = (field(api, "contact", name) for name in "ABCD")
    reordered = api.ok(
        "PUT", "custom_field_schema/contact/", json={"fields": [{"id": c["id"]}, {"id": a["id"]}]}
    )
    assert _ids(reordered) == [c["id"], a["id"], b["id"], d["id"]]
    assert _ids(api.ok("GET", "custom_field_schema/contact/")) == _ids(reordered)
    # Order is display only: values and field objects are unchanged.
    assert api.ok("GET", f"custom_field/contact/{a['id']}/") == a


def test_reorder_cannot_add_or_repeat_fields(api: Api) -> None:
    a = field(api, "lead", "A")
    elsewhere = field(api, "contact", "Elsewhere")
    assert "fields" in validation_errors(
        api.put("custom_field_schema/lead/", json={"fields": [{"id": elsewhere["id"]}]})
    )
    assert "fields" in validation_errors(
        api.put("custom_field_schema/lead/", json={"fields": [{"id": a["id"]}, {"id": a["id"]}]})
    )
    assert "fields" in validation_errors(api.put("custom_field_schema/lead/", json={"fields": "A"}))


def test_activity_and_custom_object_schemas(api: Api) -> None:
    visit, subscription = activity_type(api, "Visit"), object_type(api, "Subscription")
    one = field(api, "activity", "One", custom_activity_type_id=visit["id"], required=True)
    two = field(api, "activity", "Two", custom_activity_type_id=visit["id"])
    seats = field(api, "custom_object_type", "Seats", "number", custom_object_type_id=subscription["id"])
    schema = api.ok("GET", f"custom_field_schema/activity/{visit['id']}/")
    assert schema["name"] == "Visit" and _ids(schema) == [one["id"], two["id"]]
    assert schema["fields"][0]["required"] is True
    assert _ids(api.ok("GET", f"custom_field_schema/custom_object/{subscription['id']}/")) == [seats["id"]]
    api.ok("PUT", f"custom_field_schema/activity/{visit['id']}/", json={"fields": [{"id": two["id"]}]})
    assert [f["id"] for f in api.ok("GET", f"custom_activity/{visit['id']}/")["fields"]] == [
        two["id"],
        one["id"],
    ]
    assert "fields" in events_of(api, visit["id"])[-1]["changed_fields"]


def test_unknown_schemas_are_404(api: Api, make_api: Callable[..., Api]) -> None:
    other_org_type = activity_type(make_api())
    for path in (
        "task",
        "activity",
        f"activity/{other_org_type['id']}",
        "custom_object/cotype_nope",
        "lead/x",
    ):
        assert error_of(api.get(f"custom_field_schema/{path}/"), 404)["error"].startswith("Empty query: ")


def test_only_admins_reorder(api: Api, make_api: Callable[..., Api]) -> None:
    a = field(api, "lead", "A")
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=organization, role="user")
    response = member.put("custom_field_schema/lead/", json={"fields": [{"id": a["id"]}]})
    assert "error" in error_of(response, 403)
    assert _ids(member.ok("GET", "custom_field_schema/lead/")) == [a["id"]]
