"""Memberships: adding members by email, their roles and settings, bulk updates, pinned views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from leadbase.db.models import membership, user
from leadbase.resources.api_key.admin import deactivate_member
from tests.support import Api, all_events, error_of, validation_errors

ATTRIBUTES = {
    "id",
    "organization_id",
    "user_id",
    "role_id",
    "role",
    "permissions_granted",
    "is_active",
    "auto_record_calls",
    "track_email_opens",
    "default_caller_id",
    "default_caller_id_mode",
    "hangup_recording_url",
    "may_workflows_impersonate",
    "primary_personal_number",
    "is_free",
    "onboarding_status",
    "user_email",
    "user_first_name",
    "user_last_name",
    "user_full_name",
    "user_image",
    "user_phone",
    "user_phone_formatted",
    "date_created",
    "date_updated",
}


def member_of(api: Api, make_api: Callable[..., Api], role: str) -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def add(api: Api, email: str, role_id: str = "user") -> dict[str, Any]:
    added: dict[str, Any] = api.ok("POST", "membership/", json={"email": email, "role_id": role_id})
    return added


def users_with(api: Api, email: str) -> int:
    with api.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(user).where(user.c.email == email)).scalar_one()
        )


def test_adding_an_unknown_email_makes_the_user_and_the_membership(api: Api) -> None:
    added = add(api, "Ann@Acme.test")
    assert set(added) == ATTRIBUTES
    assert added["id"].startswith("memb_") and added["user_id"].startswith("user_")
    assert (added["organization_id"], added["role_id"], added["role"]) == (
        api.org.organization_id,
        "user",
        "user",
    )
    assert added["user_email"] == "ann@acme.test"
    assert added["is_active"] is True
    assert (added["auto_record_calls"], added["default_caller_id_mode"]) == ("unset", "auto")
    assert added["track_email_opens"] is True and added["may_workflows_impersonate"] is False
    assert (
        "delete_leads" in added["permissions_granted"]
        and "manage_organization" not in added["permissions_granted"]
    )
    # The new user shares the organization, and shows up in it.
    assert api.ok("GET", f"user/{added['user_id']}/")["email"] == "ann@acme.test"
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")
    (row,) = [m for m in organization["memberships"] if m["id"] == added["id"]]
    assert row == added
    (event,) = [e for e in all_events(api) if e["object_id"] == added["id"]]
    assert (event["object_type"], event["action"]) == ("membership", "created")


def test_adding_a_known_user_reuses_them(api: Api, make_api: Callable[..., Api]) -> None:
    elsewhere = make_api(email="bob@example.local")
    added = add(api, "bob@example.local", "restricteduser")
    assert added["user_id"] == elsewhere.org.user_id
    assert users_with(api, "bob@example.local") == 1
    # Adding again keeps one membership, with the role given.
    again = add(api, "bob@example.local", "superuser")
    assert (again["id"], again["role_id"]) == (added["id"], "superuser")


def test_a_deactivated_member_is_reactivated(api: Api) -> None:
    added = add(api, "carl@acme.test")
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            deactivate_member(conn, api.org.organization_id, "carl@acme.test")
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")
    assert added["id"] in [m["id"] for m in organization["inactive_memberships"]]
    again = add(api, "carl@acme.test")
    assert (again["id"], again["is_active"]) == (added["id"], True)
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")
    assert added["id"] in [m["id"] for m in organization["memberships"]]


def test_bad_additions_are_400_and_write_nothing(api: Api) -> None:
    assert validation_errors(api.post("membership/", json={"email": "dan@acme.test", "role_id": "admin"}))[
        "role_id"
    ]
    assert validation_errors(
        api.post("membership/", json={"email": "dan@acme.test", "role_id": "role_nope"})
    )["role_id"]
    assert validation_errors(api.post("membership/", json={"email": "not an address", "role_id": "user"}))[
        "email"
    ]
    errors = validation_errors(api.post("membership/", json={}))
    assert set(errors) == {"email", "role_id"}
    assert users_with(api, "dan@acme.test") == 0


def test_a_custom_role_that_manages_the_organization_cannot_be_given_on_adding(api: Api) -> None:
    role = api.ok(
        "POST", "role/", 201, json={"name": "Boss", "permissions": ["view_all_leads", "manage_organization"]}
    )
    assert validation_errors(api.post("membership/", json={"email": "eve@acme.test", "role_id": role["id"]}))[
        "role_id"
    ]
    plain = api.ok("POST", "role/", 201, json={"name": "Rep", "permissions": ["view_all_leads"]})
    added = add(api, "eve@acme.test", plain["id"])
    assert (added["role_id"], added["permissions_granted"]) == (plain["id"], ["view_all_leads"])


def test_only_organization_managers_add_members(api: Api, make_api: Callable[..., Api]) -> None:
    superuser = member_of(api, make_api, "superuser")
    error_of(superuser.post("membership/", json={"email": "fay@acme.test", "role_id": "user"}), 403)
    assert users_with(api, "fay@acme.test") == 0


def test_update_role_and_settings(api: Api) -> None:
    added = add(api, "gil@acme.test")
    role = api.ok("POST", "role/", 201, json={"name": "Rep", "permissions": ["view_all_leads", "calling"]})
    updated = api.ok(
        "PUT",
        f"membership/{added['id']}/",
        json={
            "role_id": role["id"],
            "auto_record_calls": "enabled",
            "default_caller_id_mode": "fixed",
            "default_caller_id": "phon_1",
            "hangup_recording_url": "https://files.example/drop.mp3",
            "may_workflows_impersonate": True,
            "track_email_opens": False,
            "is_active": False,
        },
    )
    assert updated["role_id"] == updated["role"] == role["id"]
    assert sorted(updated["permissions_granted"]) == ["calling", "view_all_leads"]
    assert (updated["auto_record_calls"], updated["default_caller_id_mode"]) == ("enabled", "fixed")
    assert updated["default_caller_id"] == "phon_1"
    assert updated["hangup_recording_url"] == "https://files.example/drop.mp3"
    assert updated["may_workflows_impersonate"] is True and updated["track_email_opens"] is False
    assert updated["is_active"] is True  # not writable
    events = [e for e in all_events(api) if e["object_id"] == added["id"]]
    assert [e["action"] for e in events] == ["updated", "created"]
    assert {"role_id", "auto_record_calls", "permissions_granted"} <= set(events[0]["changed_fields"])


def test_bad_updates_are_400_and_change_nothing(api: Api) -> None:
    added = add(api, "hal@acme.test")
    for body, key in (
        ({"auto_record_calls": "sometimes"}, "auto_record_calls"),
        ({"default_caller_id_mode": "manual"}, "default_caller_id_mode"),
        ({"track_email_opens": "yes"}, "track_email_opens"),
        ({"role_id": "role_nope"}, "role_id"),
        ({"role_id": None}, "role_id"),
    ):
        assert key in validation_errors(api.put(f"membership/{added['id']}/", json=body))
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")
    assert [m for m in organization["memberships"] if m["id"] == added["id"]] == [added]


def test_the_last_admin_keeps_the_organization(api: Api) -> None:
    own = api.org.membership_id
    assert validation_errors(api.put(f"membership/{own}/", json={"role_id": "superuser"}))["role_id"]
    second = add(api, "ida@acme.test")
    api.ok("PUT", f"membership/{second['id']}/", json={"role_id": "admin"})
    assert api.ok("PUT", f"membership/{own}/", json={"role_id": "superuser"})["role_id"] == "superuser"


def test_members_change_their_own_settings_but_not_their_role(api: Api, make_api: Callable[..., Api]) -> None:
    member = member_of(api, make_api, "user")
    own = member.org.membership_id
    assert member.ok("PUT", f"membership/{own}/", json={"auto_record_calls": "disabled"})[
        "auto_record_calls"
    ] == ("disabled")
    error_of(member.put(f"membership/{own}/", json={"role_id": "superuser"}), 403)
    error_of(member.put(f"membership/{api.org.membership_id}/", json={"auto_record_calls": "enabled"}), 403)
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")
    rows = {m["id"]: m for m in organization["memberships"]}
    assert rows[own]["role_id"] == "user"
    assert rows[api.org.membership_id]["auto_record_calls"] == "unset"


def test_bulk_update(api: Api) -> None:
    first = add(api, "jo@acme.test")
    second = add(api, "kim@acme.test")
    answer = api.ok(
        "PUT",
        "membership/",
        json={"_params": {"id__in": f"{first['id']},{second['id']}"}, "role_id": "restricteduser"},
    )
    assert answer == {"count": 2}
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")
    roles = {m["id"]: m["role_id"] for m in organization["memberships"]}
    assert (roles[first["id"]], roles[second["id"]], roles[api.org.membership_id]) == (
        "restricteduser",
        "restricteduser",
        "admin",
    )


def test_bulk_update_is_all_or_nothing(api: Api) -> None:
    first = add(api, "lou@acme.test")
    error_of(
        api.put(
            "membership/", json={"_params": {"id__in": f"{first['id']},memb_nope"}, "role_id": "superuser"}
        ),
        404,
    )
    bad = api.put("membership/", json={"_params": {"id__in": first["id"]}, "auto_record_calls": "maybe"})
    assert validation_errors(bad)["auto_record_calls"]
    assert error_of(api.put("membership/", json={"role_id": "user"}), 400)["errors"]
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")
    (row,) = [m for m in organization["memberships"] if m["id"] == first["id"]]
    assert (row["role_id"], row["auto_record_calls"]) == ("user", "unset")


def test_pinned_views(api: Api, make_api: Callable[..., Api]) -> None:
    member = member_of(api, make_api, "user")
    own = member.org.membership_id
    assert member.ok("GET", f"membership/{own}/pinned_views/") == {"saved_view_ids": []}
    views = ["save_b2", "save_a1"]
    assert member.ok("PUT", f"membership/{own}/pinned_views/", json={"saved_view_ids": views}) == {
        "saved_view_ids": views
    }
    assert member.ok("GET", f"membership/{own}/pinned_views/") == {"saved_view_ids": views}
    # The admin may read and set anyone's; a member only their own.
    assert api.ok("GET", f"membership/{own}/pinned_views/") == {"saved_view_ids": views}
    error_of(member.get(f"membership/{api.org.membership_id}/pinned_views/"), 403)
    error_of(
        member.put(f"membership/{api.org.membership_id}/pinned_views/", json={"saved_view_ids": []}), 403
    )
    for bad in (["lead_x"], "save_a1", [1], ["save_a1", "save_a1"], None):
        assert validation_errors(member.put(f"membership/{own}/pinned_views/", json={"saved_view_ids": bad}))[
            "saved_view_ids"
        ]
    assert member.ok("GET", f"membership/{own}/pinned_views/") == {"saved_view_ids": views}
    error_of(make_api().get(f"membership/{own}/pinned_views/"), 404)


def test_another_organizations_membership_is_not_found(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    error_of(other.put(f"membership/{api.org.membership_id}/", json={"auto_record_calls": "enabled"}), 404)
    error_of(
        other.put("membership/", json={"_params": {"id__in": api.org.membership_id}, "role_id": "user"}), 404
    )


def test_memberships_rows_in_me_carry_the_attributes(api: Api) -> None:
    (row,) = api.ok("GET", "me/")["memberships"]
    assert set(row) == ATTRIBUTES
    assert row["permissions_granted"] == sorted(row["permissions_granted"])
    assert "manage_organization" in row["permissions_granted"]
    with api.engine.connect() as conn:
        assert (
            conn.execute(select(membership.c.role_id).where(membership.c.id == row["id"])).scalar_one()
            == "admin"
        )
