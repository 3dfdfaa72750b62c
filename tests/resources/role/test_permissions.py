"""Roles enforced on the resources that exist: a member without the permission gets 403 and
nothing changes (no row, no event); a role that has it may."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import Api, all_events, error_of, validation_errors


def member_of(api: Api, make_api: Callable[..., Api], role: str = "user") -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def with_role(api: Api, make_api: Callable[..., Api], permissions: list[str]) -> tuple[Api, dict[str, Any]]:
    """A new member whose role is a new custom role with `permissions` (and view_all_leads)."""
    role = api.ok(
        "POST", "role/", 201, json={"name": "Custom", "permissions": ["view_all_leads", *permissions]}
    )
    member = member_of(api, make_api)
    api.ok("PUT", f"membership/{member.org.membership_id}/", json={"role_id": role["id"]})
    return member, role


@pytest.mark.parametrize(
    ("role", "allowed"), [("admin", True), ("superuser", True), ("user", True), ("restricteduser", False)]
)
def test_deleting_leads_per_built_in_role(
    api: Api, make_api: Callable[..., Api], role: str, allowed: bool
) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    member = api if role == "admin" else member_of(api, make_api, role)
    events = len(all_events(api))
    if allowed:
        assert member.ok("DELETE", f"lead/{lead['id']}/") == {}
        error_of(api.get(f"lead/{lead['id']}/"), 404)
    else:
        assert "error" in error_of(member.delete(f"lead/{lead['id']}/"), 403)
        assert api.ok("GET", f"lead/{lead['id']}/") == lead
        assert len(all_events(api)) == events
    # Everyone may still create and change leads.
    assert member.ok(
        "PUT", "lead/" + api.ok("POST", "lead/", json={"name": "B"})["id"] + "/", json={"name": "C"}
    )


def test_a_custom_role_is_enforced_and_its_changes_apply_at_once(
    api: Api, make_api: Callable[..., Api]
) -> None:
    member, role = with_role(api, make_api, ["calling"])
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    error_of(member.delete(f"lead/{lead['id']}/"), 403)
    api.ok("PUT", f"role/{role['id']}/", json={"permissions": ["view_all_leads", "delete_leads"]})
    assert member.ok("DELETE", f"lead/{lead['id']}/") == {}
    # Back to a built-in role: the member's permissions follow.
    api.ok("PUT", f"membership/{member.org.membership_id}/", json={"role_id": "restricteduser"})
    other = api.ok("POST", "lead/", json={"name": "Other"})
    error_of(member.delete(f"lead/{other['id']}/"), 403)


@pytest.mark.parametrize(
    ("role", "allowed"), [("superuser", True), ("user", False), ("restricteduser", False)]
)
def test_managing_customizations_per_role(
    api: Api, make_api: Callable[..., Api], role: str, allowed: bool
) -> None:
    member = member_of(api, make_api, role)
    field = {"name": "Tier", "type": "text"}
    status = {"label": "Warm"}
    if allowed:
        created = member.ok("POST", "custom_field/lead/", json=field)
        member.ok("DELETE", f"custom_field/lead/{created['id']}/")
        member.ok("POST", "status/lead/", json=status)
    else:
        error_of(member.post("custom_field/lead/", json=field), 403)
        error_of(member.post("status/lead/", json=status), 403)
        error_of(member.post("custom_object_type/", json={"name": "Plan", "name_plural": "Plans"}), 403)
        assert api.ok("GET", "custom_field/lead/")["data"] == []
        assert "Warm" not in [s["label"] for s in api.ok("GET", "status/lead/")["data"]]


def test_a_custom_role_may_manage_customizations(api: Api, make_api: Callable[..., Api]) -> None:
    member, _ = with_role(api, make_api, ["manage_customizations"])
    assert member.ok("POST", "custom_field/lead/", json={"name": "Tier", "type": "text"})["name"] == "Tier"
    plain, _ = with_role(api, make_api, [])
    error_of(plain.post("custom_field/lead/", json={"name": "Size", "type": "text"}), 403)


@pytest.mark.parametrize("role", ["superuser", "user"])
def test_only_organization_managers_change_the_organization(
    api: Api, make_api: Callable[..., Api], role: str
) -> None:
    member = member_of(api, make_api, role)
    before = api.ok("GET", f"organization/{api.org.organization_id}/")
    error_of(member.put(f"organization/{api.org.organization_id}/", json={"name": "Mine"}), 403)
    assert api.ok("GET", f"organization/{api.org.organization_id}/")["name"] == before["name"]


def _activity(api: Api, user_id: str) -> dict[str, Any]:
    type_id = api.ok("POST", "custom_activity/", 201, json={"name": "Visit"})["id"]
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    body = {
        "custom_activity_type_id": type_id,
        "lead_id": lead["id"],
        "user_id": user_id,
        "status": "published",
    }
    created: dict[str, Any] = api.ok("POST", "activity/custom/", json=body)
    return created


def test_other_users_activities_need_manage_others(api: Api, make_api: Callable[..., Api]) -> None:
    restricted = member_of(api, make_api, "restricteduser")
    others = _activity(api, api.org.user_id)
    error_of(restricted.put(f"activity/custom/{others['id']}/", json={"pinned": True}), 403)
    error_of(restricted.delete(f"activity/custom/{others['id']}/"), 403)
    assert api.ok("GET", f"activity/custom/{others['id']}/") == others
    # Their own activity they may change and delete (delete_own_activities).
    own = _activity(api, restricted.org.user_id)
    assert restricted.ok("PUT", f"activity/custom/{own['id']}/", json={"pinned": True})["pinned"] is True
    restricted.ok("DELETE", f"activity/custom/{own['id']}/")
    # A user (manage_others_activities) may change someone else's.
    user = member_of(api, make_api, "user")
    assert user.ok("PUT", f"activity/custom/{others['id']}/", json={"pinned": True})["pinned"] is True


def test_deleting_ones_own_activity_needs_delete_own(api: Api, make_api: Callable[..., Api]) -> None:
    member, _ = with_role(api, make_api, [])
    own = _activity(api, member.org.user_id)
    error_of(member.delete(f"activity/custom/{own['id']}/"), 403)
    assert api.ok("GET", f"activity/custom/{own['id']}/") == own


def test_editable_with_roles_names_existing_roles(api: Api, make_api: Callable[..., Api]) -> None:
    body = {"name": "Plan", "name_plural": "Plans", "editable_with_roles": ["role_doesnotexist"]}
    assert validation_errors(api.post("custom_object_type/", json=body))["editable_with_roles"]
    member, role = with_role(api, make_api, [])
    object_type = api.ok(
        "POST", "custom_object_type/", 201, json={**body, "editable_with_roles": [role["id"]]}
    )
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    instance = {"custom_object_type_id": object_type["id"], "lead_id": lead["id"], "name": "Gold"}
    # The custom role named by the type may edit its objects; a user may not.
    created = member.ok("POST", "custom_object/", 201, json=instance)
    user = member_of(api, make_api, "user")
    error_of(user.post("custom_object/", json=instance), 403)
    error_of(user.delete(f"custom_object/{created['id']}/"), 403)
    assert member.delete(f"custom_object/{created['id']}/").status_code in (200, 204)
    field_body = {"name": "Tier", "type": "text", "editable_with_roles": ["role_doesnotexist"]}
    assert validation_errors(api.post("custom_field/lead/", json=field_body))["editable_with_roles"]


def _opportunity(api: Api, user_id: str) -> dict[str, Any]:
    lead = api.ok("POST", "lead/", json={"name": "Deal lead"})
    body = {"lead_id": lead["id"], "user_id": user_id, "value": 1000, "note": "pilot"}
    created: dict[str, Any] = api.ok("POST", "opportunity/", json=body)
    return created


def test_other_users_opportunities_need_manage_others(api: Api, make_api: Callable[..., Api]) -> None:
    restricted = member_of(api, make_api, "restricteduser")
    others = _opportunity(api, api.org.user_id)
    error_of(restricted.put(f"opportunity/{others['id']}/", json={"note": "mine now"}), 403)
    error_of(restricted.delete(f"opportunity/{others['id']}/"), 403)
    assert api.ok("GET", f"opportunity/{others['id']}/")["note"] == "pilot"
    own = _opportunity(api, restricted.org.user_id)
    assert restricted.ok("PUT", f"opportunity/{own['id']}/", json={"note": "called"})["note"] == "called"
    restricted.ok("DELETE", f"opportunity/{own['id']}/")
    user = member_of(api, make_api, "user")
    assert user.ok("PUT", f"opportunity/{others['id']}/", json={"note": "helped"})["note"] == "helped"
    # A custom role without delete_own_opportunities may not delete even its own.
    member, _ = with_role(api, make_api, [])
    theirs = _opportunity(api, member.org.user_id)
    error_of(member.delete(f"opportunity/{theirs['id']}/"), 403)


@pytest.mark.parametrize(("role", "allowed"), [("superuser", True), ("user", False)])
def test_pipelines_are_customizations(
    api: Api, make_api: Callable[..., Api], role: str, allowed: bool
) -> None:
    member = member_of(api, make_api, role)
    response = member.post("pipeline/", json={"name": "Renewals"})
    if allowed:
        assert response.status_code == 201, response.text
    else:
        error_of(response, 403)
        assert "Renewals" not in [p["name"] for p in api.ok("GET", "pipeline/")["data"]]


def _task(api: Api, assigned_to: str) -> dict[str, Any]:
    lead = api.ok("POST", "lead/", json={"name": "Task lead"})
    body = {"lead_id": lead["id"], "text": "Call back", "assigned_to": assigned_to}
    created: dict[str, Any] = api.ok("POST", "task/", json=body)
    return created


def test_other_users_tasks_need_manage_others(api: Api, make_api: Callable[..., Api]) -> None:
    restricted = member_of(api, make_api, "restricteduser")
    others = _task(api, api.org.user_id)
    error_of(restricted.put(f"task/{others['id']}/", json={"is_complete": True}), 403)
    error_of(restricted.delete(f"task/{others['id']}/"), 403)
    assert api.ok("GET", f"task/{others['id']}/")["is_complete"] is False
    own = _task(api, restricted.org.user_id)
    assert restricted.ok("PUT", f"task/{own['id']}/", json={"is_complete": True})["is_complete"] is True
    restricted.ok("DELETE", f"task/{own['id']}/")
    user = member_of(api, make_api, "user")
    assert user.ok("PUT", f"task/{others['id']}/", json={"text": "Call again"})["text"] == "Call again"


def test_integration_links_are_customizations(api: Api, make_api: Callable[..., Api]) -> None:
    body = {"name": "Search", "url": "https://search.example/?q={{ lead.display_name }}", "type": "lead"}
    superuser = member_of(api, make_api, "superuser")
    link = superuser.ok("POST", "integration_link/", json=body)
    user = member_of(api, make_api, "user")
    error_of(user.put(f"integration_link/{link['id']}/", json={"name": "Mine"}), 403)
    assert api.ok("GET", f"integration_link/{link['id']}/")["name"] == "Search"
