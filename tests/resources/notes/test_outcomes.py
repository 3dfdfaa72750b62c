"""Outcomes (/outcome/): the five operations, types, applies_to, and their use on calls and meetings."""

from __future__ import annotations

from tests.custom_data import events_of
from tests.support import Api, error_of, validation_errors


def test_five_operations(api: Api) -> None:
    created = api.ok("POST", "outcome/", 201, json={"name": "Interested", "description": "Wants a demo"})
    assert created["id"].startswith("outcome_")
    assert (created["type"], created["applies_to"]) == ("custom", ["calls", "meetings"])
    assert created["organization_id"] == api.org.organization_id and created["created_by"] == api.org.user_id
    url = f"outcome/{created['id']}/"
    assert api.ok("GET", url) == created
    assert [o["id"] for o in api.ok("GET", "outcome/")["data"]] == [created["id"]]
    updated = api.ok("PUT", url, json={"name": "Very interested", "type": "vm-dropped"})
    assert (updated["name"], updated["applies_to"]) == ("Very interested", ["calls"])
    assert api.ok("DELETE", url) == {}
    error_of(api.get(url), 404)
    assert [e["action"] for e in events_of(api, created["id"])] == ["created", "updated", "deleted"]


def test_bad_input(api: Api, make_api: object) -> None:
    assert validation_errors(api.post("outcome/", json={"description": "no name"})) == {
        "name": "This field is required."
    }
    assert "type" in validation_errors(api.post("outcome/", json={"name": "x", "type": "automatic"}))
    assert api.ok("GET", "outcome/")["data"] == []


def test_users_may_not_manage_outcomes(api: Api, make_api: object) -> None:
    member = make_api(
        organization_name=api.ok("GET", f"organization/{api.org.organization_id}/")["name"], role="user"
    )  # type: ignore[operator]
    error_of(member.post("outcome/", json={"name": "Mine"}), 403)
