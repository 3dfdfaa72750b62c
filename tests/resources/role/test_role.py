"""Roles: Close's built-in roles, custom roles with their permission sets, and their rules."""

from __future__ import annotations

from collections.abc import Callable

from tests.support import Api, all_events, error_of, validation_errors

BUILT_IN = ["admin", "superuser", "user", "restricteduser"]


def member_of(api: Api, make_api: Callable[..., Api], role: str) -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def custom_role(api: Api, name: str = "Sales", permissions: list[str] | None = None) -> dict:
    body = {"name": name, "permissions": permissions if permissions is not None else ["view_all_leads"]}
    return api.ok("POST", "role/", 201, json=body)


def test_the_built_in_roles_are_listed_first_and_not_editable(api: Api) -> None:
    created = custom_role(api)
    page = api.ok("GET", "role/")
    assert [r["id"] for r in page["data"]] == [*BUILT_IN, created["id"]]
    assert page["has_more"] is False
    by_id = {r["id"]: r for r in page["data"]}
    assert [by_id[i]["name"] for i in BUILT_IN] == ["Admin", "Super User", "User", "Restricted User"]
    assert all(by_id[i]["editable"] is False for i in BUILT_IN)
    assert by_id[created["id"]]["editable"] is True
    assert "manage_organization" in by_id["admin"]["permissions"]
    assert "manage_organization" not in by_id["superuser"]["permissions"]
    assert "manage_customizations" in by_id["superuser"]["permissions"]
    assert "manage_customizations" not in by_id["user"]["permissions"]
    assert "delete_leads" in by_id["user"]["permissions"]
    assert "delete_leads" not in by_id["restricteduser"]["permissions"]
    assert api.ok("GET", "role/admin/") == by_id["admin"]


def test_built_in_roles_cannot_be_changed_or_deleted(api: Api) -> None:
    before = api.ok("GET", "role/user/")
    assert error_of(api.put("role/user/", json={"name": "Rep"}), 400)["errors"]
    assert error_of(api.delete("role/user/"), 400)["errors"]
    assert api.ok("GET", "role/user/") == before
    assert not [e for e in all_events(api) if e["object_type"] == "role"]


def test_create_a_custom_role(api: Api) -> None:
    created = api.ok(
        "POST",
        "role/",
        201,
        json={
            "name": " Sales reps ",
            "permissions": ["calling", "delete_leads", "calling"],
            "visibility_user_lcf_ids": [],
            "visibility_user_lcf_behavior": "allow_unassigned",
        },
    )
    assert created["id"].startswith("role_")
    assert created["name"] == "Sales reps"
    assert created["permissions"] == ["calling", "delete_leads"]
    assert created["visibility_user_lcf_behavior"] == "allow_unassigned"
    assert created["organization_id"] == api.org.organization_id
    assert created["editable"] is True
    assert api.ok("GET", f"role/{created['id']}/") == created
    (event,) = [e for e in all_events(api) if e["object_id"] == created["id"]]
    assert (event["object_type"], event["action"]) == ("role", "created")


def test_permissions_must_be_known(api: Api) -> None:
    errors = validation_errors(
        api.post("role/", json={"name": "X", "permissions": ["fly", "view_all_leads"]})
    )
    assert "fly" in errors["permissions"]
    assert validation_errors(api.post("role/", json={"name": "X", "permissions": "calling"}))["permissions"]
    assert validation_errors(api.post("role/", json={"permissions": ["view_all_leads"]}))["name"]
    assert validation_errors(api.post("role/", json={"name": "X", "permissions": {"calling": 1}}))[
        "permissions"
    ]
    not_a_list = {"name": "X", "permissions": ["calling"], "visibility_user_lcf_ids": {"cf_a": 1}}
    assert validation_errors(api.post("role/", json=not_a_list))["visibility_user_lcf_ids"]
    assert [r["id"] for r in api.ok("GET", "role/")["data"]] == BUILT_IN


def test_lead_visibility_is_set_exactly_when_the_role_cannot_view_all_leads(api: Api) -> None:
    both = {
        "name": "X",
        "permissions": ["view_all_leads"],
        "visibility_user_lcf_behavior": "allow_unassigned",
    }
    assert validation_errors(api.post("role/", json=both))["visibility_user_lcf_behavior"]
    ids = {"name": "X", "permissions": ["view_all_leads"], "visibility_user_lcf_ids": ["cf_abc"]}
    assert validation_errors(api.post("role/", json=ids))["visibility_user_lcf_ids"]
    neither = {"name": "X", "permissions": ["calling"]}
    assert validation_errors(api.post("role/", json=neither))["visibility_user_lcf_behavior"]
    bad_behavior = {**neither, "visibility_user_lcf_behavior": "sometimes"}
    assert validation_errors(api.post("role/", json=bad_behavior))["visibility_user_lcf_behavior"]
    ok = {
        **neither,
        "visibility_user_lcf_behavior": "require_assignment",
        "visibility_user_lcf_ids": ["cf_x"],
    }
    assert api.ok("POST", "role/", 201, json=ok)["visibility_user_lcf_ids"] == ["cf_x"]
    # Dropping view_all_leads later needs the visibility settings too.
    role = custom_role(api, "Viewer")
    assert validation_errors(api.put(f"role/{role['id']}/", json={"permissions": []}))[
        "visibility_user_lcf_behavior"
    ]


def test_update_is_partial_and_recorded(api: Api) -> None:
    role = custom_role(api)
    updated = api.ok("PUT", f"role/{role['id']}/", json={"permissions": ["view_all_leads", "export"]})
    assert updated["name"] == "Sales"
    assert updated["permissions"] == ["view_all_leads", "export"]
    events = [e for e in all_events(api) if e["object_id"] == role["id"]]
    assert [e["action"] for e in events] == ["updated", "created"]
    assert "permissions" in events[0]["changed_fields"] and "name" not in events[0]["changed_fields"]


def test_a_role_with_members_cannot_be_deleted(api: Api, make_api: Callable[..., Api]) -> None:
    role = custom_role(api)
    member = member_of(api, make_api, "user")
    membership_id = member.org.membership_id
    api.ok("PUT", f"membership/{membership_id}/", json={"role_id": role["id"]})
    assert error_of(api.delete(f"role/{role['id']}/"), 400)["errors"]
    assert api.ok("GET", f"role/{role['id']}/") == role
    api.ok("PUT", f"membership/{membership_id}/", json={"role_id": "user"})
    assert api.ok("DELETE", f"role/{role['id']}/") == {}
    error_of(api.get(f"role/{role['id']}/"), 404)


def test_only_roles_that_manage_the_organization_manage_roles(api: Api, make_api: Callable[..., Api]) -> None:
    role = custom_role(api)
    superuser = member_of(api, make_api, "superuser")
    # Anyone may read the roles.
    assert [r["id"] for r in superuser.ok("GET", "role/")["data"]] == [*BUILT_IN, role["id"]]
    error_of(superuser.post("role/", json={"name": "Mine", "permissions": ["view_all_leads"]}), 403)
    error_of(superuser.put(f"role/{role['id']}/", json={"name": "Renamed"}), 403)
    error_of(superuser.delete(f"role/{role['id']}/"), 403)
    assert api.ok("GET", "role/")["data"][-1] == role


def test_another_organizations_role_is_not_found(api: Api, make_api: Callable[..., Api]) -> None:
    role = custom_role(api)
    other = make_api()
    error_of(other.get(f"role/{role['id']}/"), 404)
    assert [r["id"] for r in other.ok("GET", "role/")["data"]] == BUILT_IN
