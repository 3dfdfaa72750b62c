"""The legacy /api_key/ endpoints scripts use to learn their organization."""

from __future__ import annotations

from collections.abc import Callable

from leadbase.resources.organization.provision import Provisioned
from tests.support import Api, error_of, new_organization


def test_list_shows_the_callers_keys_without_secrets(api: Api, engine: object) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    email = api.ok("GET", "me/")["email"]
    second: Provisioned = new_organization(engine, organization_name=name, email=email)  # type: ignore[arg-type]
    page = api.ok("GET", "api_key/")
    assert page["has_more"] is False
    assert [k["id"] for k in page["data"]] == [api.org.api_key_id, second.api_key_id]
    for key in page["data"]:
        assert key["organization_id"] == api.org.organization_id
        assert key["user_id"] == api.org.user_id
        text = str(key)
        assert api.org.api_key not in text and second.api_key not in text
        assert "key_hash" not in key


def test_other_users_keys_are_not_listed(api: Api, make_api: Callable[..., Api]) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    colleague = make_api(organization_name=name)
    stranger = make_api()
    assert [k["id"] for k in api.ok("GET", "api_key/")["data"]] == [api.org.api_key_id]
    for other in (colleague, stranger):
        assert error_of(api.get(f"api_key/{other.org.api_key_id}/"), 404)["error"]


def test_get_one_key_by_id_or_by_secret(api: Api) -> None:
    by_id = api.ok("GET", f"api_key/{api.org.api_key_id}/")
    assert by_id["id"] == api.org.api_key_id
    assert api.ok("GET", f"api_key/{api.org.api_key}/") == by_id
    assert error_of(api.get("api_key/api_nope/"), 404) == {
        "error": "Empty query: ApiKey matching query does not exist."
    }
