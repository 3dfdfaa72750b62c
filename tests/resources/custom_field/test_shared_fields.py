"""Shared fields: one definition serving several kinds of object through associations."""

from __future__ import annotations

from collections.abc import Callable

from tests.custom_data import activity_type, contact, events_of, field, key, lead, object_type
from tests.support import Api, error_of, validation_errors


def _associate(api: Api, shared_id: str, **body: object) -> dict[str, object]:
    created: dict[str, object] = api.ok(
        "POST", f"custom_field/shared/{shared_id}/association/", 201, json=body
    )
    return created


def test_a_new_shared_field_applies_nowhere_until_associated(api: Api) -> None:
    owner = field(api, "shared", "Account owner", "user")
    assert owner["associations"] == []
    assert "editable_with_roles" not in owner and "required" not in owner
    errors = validation_errors(api.post("lead/", json={key(owner): api.org.user_id}))
    assert key(owner) in errors
    association = _associate(api, owner["id"], object_type="lead")
    assert association == {"object_type": "lead", "editable_with_roles": [], "required": False}
    created = lead(api, **{key(owner): api.org.user_id})
    assert created[key(owner)] == api.org.user_id
    assert api.ok("GET", f"custom_field/shared/{owner['id']}/")["associations"] == [association]


def test_one_shared_field_on_leads_contacts_and_custom_types(api: Api) -> None:
    owner = field(api, "shared", "Account owner", "user")
    visit, subscription = activity_type(api), object_type(api)
    _associate(api, owner["id"], object_type="lead")
    _associate(api, owner["id"], object_type="contact", editable_with_roles=["admin"])
    on_activity = _associate(
        api,
        owner["id"],
        object_type="custom_activity_type",
        custom_activity_type_id=visit["id"],
        required=True,
    )
    assert on_activity == {
        "object_type": "custom_activity_type",
        "custom_activity_type_id": visit["id"],
        "editable_with_roles": [],
        "required": True,
    }
    _associate(api, owner["id"], object_type="custom_object_type", custom_object_type_id=subscription["id"])
    holder = lead(api, **{key(owner): api.org.user_id})
    person = api.ok("POST", "contact/", json={"lead_id": holder["id"], key(owner): api.org.user_id})
    assert person[key(owner)] == api.org.user_id
    instance = api.ok(
        "POST",
        "custom_object/",
        201,
        json={
            "custom_object_type_id": subscription["id"],
            "lead_id": holder["id"],
            "name": "Pro",
            key(owner): api.org.user_id,
        },
    )
    assert instance[key(owner)] == api.org.user_id
    # Required only on the activity type: a published activity needs it, a lead did not.
    errors = validation_errors(
        api.post("activity/custom/", json={"custom_activity_type_id": visit["id"], "lead_id": holder["id"]})
    )
    assert errors == {key(owner): "This field is required."}
    shown = api.ok("GET", f"custom_activity/{visit['id']}/")["fields"]
    assert [(f["id"], f["is_shared"], f["required"]) for f in shown] == [(owner["id"], True, True)]


def test_association_get_update_and_paths(api: Api) -> None:
    owner = field(api, "shared", "Owner", "user")
    visit = activity_type(api)
    _associate(api, owner["id"], object_type="lead")
    _associate(api, owner["id"], object_type="custom_activity_type", custom_activity_type_id=visit["id"])
    base = f"custom_field/shared/{owner['id']}/association"
    assert api.ok("GET", f"{base}/lead/")["object_type"] == "lead"
    typed = api.ok("GET", f"{base}/custom_activity_type/{visit['id']}/")
    assert typed["custom_activity_type_id"] == visit["id"]
    updated = api.ok(
        "PUT",
        f"{base}/custom_activity_type/{visit['id']}/",
        json={"required": True, "editable_with_roles": ["user"]},
    )
    assert updated["required"] is True and updated["editable_with_roles"] == ["user"]
    # Only required and editable_with_roles change; lead associations cannot be required.
    assert "required" in validation_errors(api.put(f"{base}/lead/", json={"required": True}))
    for missing in (
        "contact",
        "opportunity",
        "custom_activity_type/actitype_nope",
        "custom_object_type",
        "nonsense",
    ):
        assert error_of(api.get(f"{base}/{missing}/"), 404)["error"].startswith("Empty query: ")
    event = events_of(api, owner["id"])[-1]
    assert event["object_type"] == "custom_fields.shared" and "associations" in event["changed_fields"]


def test_invalid_associations(api: Api) -> None:
    owner = field(api, "shared", "Owner", "user")
    base = f"custom_field/shared/{owner['id']}/association/"
    assert "object_type" in validation_errors(api.post(base, json={}))
    assert "object_type" in validation_errors(api.post(base, json={"object_type": "task"}))
    errors = validation_errors(api.post(base, json={"object_type": "custom_object_type"}))
    assert "custom_object_type_id" in errors
    errors = validation_errors(
        api.post(
            base, json={"object_type": "custom_activity_type", "custom_activity_type_id": "actitype_nope"}
        )
    )
    assert "custom_activity_type_id" in errors
    assert "required" in validation_errors(api.post(base, json={"object_type": "lead", "required": True}))
    _associate(api, owner["id"], object_type="lead")
    assert "object_type" in validation_errors(api.post(base, json={"object_type": "lead"}))
    # A lead field with the same name already exists on contacts.
    field(api, "contact", "owner")
    assert "object_type" in validation_errors(api.post(base, json={"object_type": "contact"}))
    regular = field(api, "lead", "Regular")
    response = api.post(f"custom_field/shared/{regular['id']}/association/", json={"object_type": "contact"})
    assert error_of(response, 404) == {
        "error": "Empty query: SharedCustomField matching query does not exist."
    }


def test_editable_with_roles_is_per_association(api: Api, make_api: Callable[..., Api]) -> None:
    note = field(api, "shared", "Note")
    _associate(api, note["id"], object_type="lead", editable_with_roles=["admin"])
    _associate(api, note["id"], object_type="contact")
    holder = lead(api)
    person = contact(api, holder["id"])
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    user = make_api(organization_name=organization, role="user")
    assert "error" in error_of(user.put(f"lead/{holder['id']}/", json={key(note): "x"}), 403)
    assert user.ok("PUT", f"contact/{person['id']}/", json={key(note): "x"})[key(note)] == "x"


def test_disassociating_deletes_the_values_there_only(api: Api) -> None:
    note = field(api, "shared", "Note")
    _associate(api, note["id"], object_type="lead")
    _associate(api, note["id"], object_type="contact")
    holder = lead(api, **{key(note): "on lead"})
    person = api.ok("POST", "contact/", json={"lead_id": holder["id"], key(note): "on contact"})
    response = api.delete(f"custom_field/shared/{note['id']}/association/lead/")
    assert response.status_code == 204
    assert key(note) not in api.ok("GET", f"lead/{holder['id']}/")
    assert api.ok("GET", f"contact/{person['id']}/")[key(note)] == "on contact"
    assert key(note) in events_of(api, holder["id"])[-1]["changed_fields"]
    assert [
        a["object_type"] for a in api.ok("GET", f"custom_field/shared/{note['id']}/")["associations"]
    ] == ["contact"]
    # Associating again starts empty.
    _associate(api, note["id"], object_type="lead")
    assert key(note) not in api.ok("GET", f"lead/{holder['id']}/")


def test_deleting_a_shared_field_removes_it_everywhere(api: Api) -> None:
    note = field(api, "shared", "Note")
    subscription = object_type(api)
    _associate(api, note["id"], object_type="lead")
    _associate(api, note["id"], object_type="custom_object_type", custom_object_type_id=subscription["id"])
    holder = lead(api, **{key(note): "x"})
    instance = api.ok(
        "POST",
        "custom_object/",
        201,
        json={
            "custom_object_type_id": subscription["id"],
            "lead_id": holder["id"],
            "name": "I",
            key(note): "y",
        },
    )
    assert api.ok("DELETE", f"custom_field/shared/{note['id']}/") == {}
    assert key(note) not in api.ok("GET", f"lead/{holder['id']}/")
    assert key(note) not in api.ok("GET", f"custom_object/{instance['id']}/")
    assert api.ok("GET", f"custom_object_type/{subscription['id']}/")["fields"] == []
    assert error_of(api.get(f"custom_field/shared/{note['id']}/association/lead/"), 404)


def test_shared_field_updates(api: Api) -> None:
    tier = field(api, "shared", "Tier", "choices", choices=["A", "B"])
    url = f"custom_field/shared/{tier['id']}/"
    assert "type" in validation_errors(api.put(url, json={"type": "text"}))
    renamed = api.ok("PUT", url, json={"name": "Plan", "choices": ["A", "B", "C"], "description": "x"})
    assert (renamed["name"], renamed["choices"], renamed["description"]) == ("Plan", ["A", "B", "C"], "x")
    field(api, "shared", "Other")
    assert "name" in validation_errors(
        api.post("custom_field/shared/", json={"name": "plan", "type": "text"})
    )
