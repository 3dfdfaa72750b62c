"""Opportunity statuses: types, their pipeline and order, labels, and what may be deleted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support import Api, error_of, validation_errors


def _sales(api: Api) -> dict[str, Any]:
    return api.ok("GET", "pipeline/")["data"][0]  # type: ignore[no-any-return]


def _labels(api: Api) -> list[str]:
    return [s["label"] for s in api.ok("GET", "status/opportunity/")["data"]]


def test_create_appends_to_its_pipeline(api: Api) -> None:
    sales = _sales(api)
    created = api.ok(
        "POST",
        "status/opportunity/",
        json={"label": " Negotiation ", "type": "active", "pipeline_id": sales["id"]},
    )
    assert created == {
        "id": created["id"],
        "label": "Negotiation",
        "type": "active",
        "pipeline_id": sales["id"],
        "organization_id": api.org.organization_id,
    }
    assert created["id"].startswith("stat_") and len(created["id"]) == len("stat_") + 43
    assert _labels(api) == ["Active", "Won", "Lost", "Negotiation"]
    assert api.ok("GET", f"status/opportunity/{created['id']}/") == created
    (event,) = api.events(object_id=created["id"])
    assert (event["object_type"], event["action"]) == ("status.opportunity", "created")


def test_without_a_pipeline_a_status_joins_the_first(api: Api) -> None:
    created = api.ok("POST", "status/opportunity/", json={"label": "Demo", "type": "active"})
    assert created["pipeline_id"] == _sales(api)["id"]


def test_status_type_is_accepted_for_type(api: Api) -> None:
    created = api.ok("POST", "status/opportunity/", json={"label": "Signed", "status_type": "won"})
    assert created["type"] == "won"


def test_lists_go_pipeline_by_pipeline_each_in_its_order(api: Api) -> None:
    renewals = api.ok("POST", "pipeline/", expected=201, json={"name": "Renewals"})
    api.ok(
        "POST",
        "status/opportunity/",
        json={"label": "Renewing", "type": "active", "pipeline_id": renewals["id"]},
    )
    api.ok("POST", "status/opportunity/", json={"label": "Late", "type": "active"})
    assert _labels(api) == ["Active", "Won", "Lost", "Late", "Renewing"]


def test_bad_bodies_are_400_and_write_nothing(api: Api, make_api: Callable[..., Api]) -> None:
    foreign_pipeline = _sales(make_api())["id"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"type": "active"}, "label"),
        ({"label": "  ", "type": "active"}, "label"),
        ({"label": "X"}, "type"),
        ({"label": "X", "type": "pending"}, "type"),
        ({"label": "X", "type": None}, "type"),
        ({"label": "X", "type": "won", "pipeline_id": "pipe_nope"}, "pipeline_id"),
        ({"label": "X", "type": "won", "pipeline_id": foreign_pipeline}, "pipeline_id"),
        ({"label": "won", "type": "won"}, "label"),
    ]
    for body, key in cases:
        assert key in validation_errors(api.post("status/opportunity/", json=body)), body
    assert _labels(api) == ["Active", "Won", "Lost"]


def test_put_renames_and_keeps_the_type(api: Api) -> None:
    won = api.ok("GET", "status/opportunity/")["data"][1]
    renamed = api.ok("PUT", f"status/opportunity/{won['id']}/", json={"label": "Closed", "type": "lost"})
    assert (renamed["label"], renamed["type"]) == ("Closed", "won")
    assert "label" in validation_errors(api.put(f"status/opportunity/{won['id']}/", json={"label": "ACTIVE"}))
    lead = api.ok("POST", "lead/", json={})
    deal = api.ok("POST", "opportunity/", json={"lead_id": lead["id"], "status_id": won["id"]})
    assert deal["status_label"] == "Closed"


def test_a_status_in_use_cannot_be_deleted(api: Api) -> None:
    statuses = api.ok("GET", "status/opportunity/")["data"]
    lost = statuses[2]
    lead = api.ok("POST", "lead/", json={})
    deal = api.ok("POST", "opportunity/", json={"lead_id": lead["id"], "status_id": lost["id"]})
    body = error_of(api.delete(f"status/opportunity/{lost['id']}/"), 400)
    assert body["errors"] and body["field-errors"] == {}
    api.ok("PUT", f"opportunity/{deal['id']}/", json={"status_id": statuses[0]["id"]})
    assert api.ok("DELETE", f"status/opportunity/{lost['id']}/") == {}
    assert _labels(api) == ["Active", "Won"]
    assert api.get(f"status/opportunity/{lost['id']}/").status_code == 404
    pipeline = _sales(api)
    assert [s["label"] for s in pipeline["statuses"]] == ["Active", "Won"]


def test_the_last_status_cannot_be_deleted(api: Api) -> None:
    active, won, lost = api.ok("GET", "status/opportunity/")["data"]
    api.ok("DELETE", f"status/opportunity/{won['id']}/")
    api.ok("DELETE", f"status/opportunity/{lost['id']}/")
    error_of(api.delete(f"status/opportunity/{active['id']}/"), 400)
    assert _labels(api) == ["Active"]


def test_only_admins_manage_statuses(api: Api, make_api: Callable[..., Api]) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="user")
    assert member.post("status/opportunity/", json={"label": "Mine", "type": "active"}).status_code == 403
    active = member.ok("GET", "status/opportunity/")["data"][0]
    assert member.put(f"status/opportunity/{active['id']}/", json={"label": "Mine"}).status_code == 403
    assert member.delete(f"status/opportunity/{active['id']}/").status_code == 403
    assert _labels(api) == ["Active", "Won", "Lost"]
