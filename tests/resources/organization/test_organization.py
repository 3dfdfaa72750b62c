"""GET and PUT /organization/{id}/: the caller's own organization only."""

from __future__ import annotations

from collections.abc import Callable

from tests.support import Api, error_of, validation_errors


def _url(api: Api) -> str:
    return f"organization/{api.org.organization_id}/"


def test_get_own_organization(api: Api) -> None:
    org = api.ok("GET", _url(api))
    assert org["id"] == api.org.organization_id
    assert org["name"].startswith("Org ")
    assert (org["currency"], org["currency_symbol"]) == ("USD", "$")
    statuses = api.ok("GET", "status/lead/")["data"]
    assert org["lead_statuses"] == [{"id": s["id"], "label": s["label"]} for s in statuses]
    (membership,) = org["memberships"]
    assert (membership["user_id"], membership["role_id"], membership["organization_id"]) == (
        api.org.user_id,
        "admin",
        api.org.organization_id,
    )
    assert org["inactive_memberships"] == []
    assert org["date_created"].endswith("+00:00")


def test_put_name_and_currency(api: Api) -> None:
    before = api.ok("GET", _url(api))
    new_name = before["name"] + " renamed"
    updated = api.ok("PUT", _url(api), json={"name": f"  {new_name} ", "currency": "eur"})
    assert (updated["name"], updated["currency"], updated["currency_symbol"]) == (new_name, "EUR", "€")
    assert updated["date_updated"] > before["date_updated"]
    assert updated["updated_by"] == api.org.user_id
    assert api.ok("GET", _url(api)) == updated
    assert api.ok("GET", "me/")["organizations"][0]["name"] == new_name


def test_put_is_partial_and_ignores_other_keys(api: Api) -> None:
    before = api.ok("GET", _url(api))
    after = api.ok("PUT", _url(api), json={"plan_type": "free", "id": "orga_other"})
    assert after == before


def test_invalid_values_are_400(api: Api) -> None:
    before = api.ok("GET", _url(api))
    for body, field in (
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"currency": "dollars"}, "currency"),
        ({"currency": 840}, "currency"),
        ({"lead_statuses": "Potential"}, "lead_statuses"),
    ):
        assert field in validation_errors(api.put(_url(api), json=body)), body
    assert api.ok("GET", _url(api)) == before


def test_reorder_lead_statuses(api: Api) -> None:
    statuses = api.ok("GET", "status/lead/")["data"]
    reordered = list(reversed(statuses))
    org = api.ok("PUT", _url(api), json={"lead_statuses": [{"id": s["id"]} for s in reordered]})
    assert [s["id"] for s in org["lead_statuses"]] == [s["id"] for s in reordered]
    assert api.ok("GET", "status/lead/")["data"] == reordered
    # The first status is the default of new leads.
    assert api.ok("POST", "lead/", json={})["status_id"] == reordered[0]["id"]


def test_reorder_must_name_every_status_once(api: Api, make_api: Callable[..., Api]) -> None:
    ids = [s["id"] for s in api.ok("GET", "status/lead/")["data"]]
    foreign = make_api().ok("GET", "status/lead/")["data"][0]["id"]
    for order in (ids[:-1], [*ids, ids[0]], [*ids[:-1], foreign], [*ids, "stat_nope"]):
        errors = validation_errors(api.put(_url(api), json={"lead_statuses": [{"id": i} for i in order]}))
        assert "lead_statuses" in errors
    assert [s["id"] for s in api.ok("GET", "status/lead/")["data"]] == ids


def test_non_admins_may_read_but_not_change(api: Api, make_api: Callable[..., Api]) -> None:
    name = api.ok("GET", _url(api))["name"]
    member = make_api(organization_name=name, role="user")
    assert member.org.organization_id == api.org.organization_id
    before = member.ok("GET", _url(api))
    ids = [s["id"] for s in before["lead_statuses"]]
    for body in ({"name": "Mine now"}, {"lead_statuses": [{"id": i} for i in reversed(ids)]}):
        assert "error" in error_of(member.put(_url(api), json=body), 403)
    assert api.ok("GET", _url(api)) == before


def test_another_organization_is_404(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    url = f"organization/{other.org.organization_id}/"
    not_found = {"error": "Empty query: Organization matching query does not exist."}
    assert error_of(api.get(url), 404) == not_found
    assert error_of(api.put(url, json={"name": "Taken over"}), 404) == not_found
    assert other.ok("GET", url)["name"] != "Taken over"


def test_renaming_to_another_organizations_name_is_allowed_and_reveals_nothing(
    api: Api, make_api: Callable[..., Api]
) -> None:
    other = make_api()
    taken = other.ok("GET", f"organization/{other.org.organization_id}/")["name"]
    renamed = api.ok("PUT", f"organization/{api.org.organization_id}/", json={"name": taken})
    assert renamed["name"] == taken
    assert other.ok("GET", f"organization/{other.org.organization_id}/")["name"] == taken
