"""GET /me/: the key's user, its membership and its organization."""

from __future__ import annotations

from collections.abc import Callable

from tests.support import Api


def test_me(api: Api) -> None:
    me = api.ok("GET", "me/")
    assert me["id"] == api.org.user_id
    assert me["email"].endswith("@example.com")
    (org,) = me["organizations"]
    assert org["id"] == api.org.organization_id
    assert [s["label"] for s in org["lead_statuses"]] == ["Potential", "Bad Fit", "Qualified", "Customer"]
    (membership,) = me["memberships"]
    assert (membership["id"], membership["role_id"], membership["organization_id"]) == (
        api.org.membership_id,
        "admin",
        api.org.organization_id,
    )
    assert me["email_accounts"] == [] and me["phone_numbers"] == []
    assert org == api.ok("GET", f"organization/{api.org.organization_id}/")


def test_me_fields(api: Api) -> None:
    assert api.ok("GET", "me/", params={"_fields": "id,email,nope"}) == {
        "id": api.org.user_id,
        "email": api.ok("GET", "me/")["email"],
    }


def test_me_of_a_member_shows_its_role_and_only_its_membership(
    api: Api, make_api: Callable[..., Api]
) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="restricteduser")
    me = member.ok("GET", "me/")
    assert me["id"] == member.org.user_id != api.org.user_id
    assert [(m["user_id"], m["role_id"]) for m in me["memberships"]] == [
        (member.org.user_id, "restricteduser")
    ]
    assert len(me["organizations"][0]["memberships"]) == 2
