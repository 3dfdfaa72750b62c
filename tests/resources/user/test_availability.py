"""GET /user/availability/: every active member, with no connected client (leadbase has no apps)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update

from leadbase.db.models import membership
from tests.support import Api, error_of


def test_every_active_member_is_listed_without_clients(api: Api, make_api: Callable[..., Api]) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="user")
    gone = make_api(organization_name=name, role="user")
    with api.engine.connect() as conn, conn.begin():
        conn.execute(
            update(membership).where(membership.c.id == gone.org.membership_id).values(is_active=False)
        )
    make_api()  # someone in another organization
    answer = api.ok("GET", "user/availability/")
    assert answer == {
        "data": [
            {"user_id": api.org.user_id, "availability": []},
            {"user_id": member.org.user_id, "availability": []},
        ]
    }
    assert api.ok("GET", "user/availability/", params={"organization_id": api.org.organization_id}) == answer
    assert member.ok("GET", "user/availability/") == answer


def test_another_organization_is_not_found(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    error_of(api.get("user/availability/", params={"organization_id": other.org.organization_id}), 404)
