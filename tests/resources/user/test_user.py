"""/user/ and /user/{id}/: the users who share the caller's organization."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support import Api, error_of, new_organization, validation_errors


def _org_name(api: Api) -> str:
    name: str = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return name


def test_list_holds_the_members_only(api: Api, make_api: Callable[..., Api]) -> None:
    member = make_api(organization_name=_org_name(api), role="user")
    stranger = make_api()
    page = api.ok("GET", "user/")
    assert page["has_more"] is False
    ids = [u["id"] for u in page["data"]]
    assert sorted(ids) == sorted([api.org.user_id, member.org.user_id])
    assert stranger.org.user_id not in ids
    me = next(u for u in page["data"] if u["id"] == api.org.user_id)
    assert me["organizations"] == [api.org.organization_id]
    assert me["email"].endswith("@example.com")
    assert me["date_created"].endswith("+00:00")


def test_get_one_user_and_another_organizations_user_is_404(api: Api, make_api: Callable[..., Api]) -> None:
    member = make_api(organization_name=_org_name(api))
    got = api.ok("GET", f"user/{member.org.user_id}/")
    assert got["id"] == member.org.user_id
    assert got == member.ok("GET", f"user/{member.org.user_id}/")
    stranger = make_api()
    assert error_of(api.get(f"user/{stranger.org.user_id}/"), 404) == {
        "error": "Empty query: User matching query does not exist."
    }


def test_a_user_in_two_organizations_shows_only_the_shared_one(
    api: Api, make_api: Callable[..., Api], engine: object
) -> None:
    other = make_api()
    email = api.ok("GET", "me/")["email"]
    # The same person joins the other organization too.
    both = new_organization(engine, email=email, organization_name=_org_name(other))  # type: ignore[arg-type]
    assert both.user_id == api.org.user_id
    seen_by_other = other.ok("GET", f"user/{api.org.user_id}/")
    assert seen_by_other["organizations"] == [other.org.organization_id]
    assert api.ok("GET", f"user/{api.org.user_id}/")["organizations"] == [api.org.organization_id]


@pytest.mark.parametrize(
    ("order", "key"),
    [
        ("last_name,first_name", lambda u: (u["last_name"], u["first_name"])),
        ("first_name,last_name", lambda u: (u["first_name"], u["last_name"])),
    ],
)
def test_order_by_names(api: Api, engine: object, order: str, key: object) -> None:
    name = _org_name(api)
    for first, last in (("Zoe", "Adams"), ("Adam", "Young"), ("Mia", "Adams")):
        new_organization(engine, organization_name=name, email=f"{first}.{last}.{id(order)}@example.com")  # type: ignore[arg-type]
    users = api.ok("GET", "user/", params={"_order_by": order})["data"]
    assert len(users) == 4
    assert users == sorted(users, key=key)  # type: ignore[arg-type]
    assert "_order_by" in validation_errors(api.get("user/", params={"_order_by": "email"}))


def test_paging(api: Api, make_api: Callable[..., Api]) -> None:
    name = _org_name(api)
    for _ in range(2):
        make_api(organization_name=name)
    first = api.ok("GET", "user/", params={"_limit": 2})
    rest = api.ok("GET", "user/", params={"_limit": 2, "_skip": 2})
    assert (len(first["data"]), first["has_more"], len(rest["data"]), rest["has_more"]) == (2, True, 1, False)
    assert {u["id"] for u in first["data"]}.isdisjoint(u["id"] for u in rest["data"])
