"""GET /organization/{id}/?_expand=memberships__user nests the user instead of user_* keys."""

from __future__ import annotations

from tests.support import Api


def test_expand_memberships_user(api: Api) -> None:
    org_id = api.org.organization_id
    flat = api.ok("GET", f"organization/{org_id}/")["memberships"][0]
    assert flat["user_id"] == api.org.user_id
    assert "user_email" in flat and "user" not in flat
    nested = api.ok("GET", f"organization/{org_id}/", params={"_expand": "memberships__user"})["memberships"][
        0
    ]
    assert nested["user"]["id"] == api.org.user_id
    assert nested["user"]["email"] == flat["user_email"]
    assert "user_email" not in nested
