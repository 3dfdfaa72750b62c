"""Pipelines: the default of a new organization, ordering and moving statuses, deletion rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.support import Api, all_events, error_of, validation_errors

NAIVE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")


def _statuses(api: Api, pipeline_id: str) -> list[tuple[str, str]]:
    pipeline = api.ok("GET", f"pipeline/{pipeline_id}/")
    return [(s["label"], s["type"]) for s in pipeline["statuses"]]


def _sales(api: Api) -> dict[str, Any]:
    (sales,) = api.ok("GET", "pipeline/")["data"]
    return sales  # type: ignore[no-any-return]


def test_a_new_organization_has_the_sales_pipeline_with_active_won_lost(api: Api) -> None:
    page = api.ok("GET", "pipeline/")
    assert page["has_more"] is False
    (sales,) = page["data"]
    assert sales["name"] == "Sales"
    assert sales["id"].startswith("pipe_") and len(sales["id"]) == len("pipe_") + 22
    assert [(s["label"], s["type"]) for s in sales["statuses"]] == [
        ("Active", "active"),
        ("Won", "won"),
        ("Lost", "lost"),
    ]
    assert set(sales["statuses"][0]) == {"id", "label", "type"}
    assert set(sales) == {
        "id",
        "name",
        "organization_id",
        "statuses",
        "created_by",
        "updated_by",
        "date_created",
        "date_updated",
    }
    # Close shows pipeline timestamps without an offset.
    assert NAIVE.match(sales["date_created"]) and NAIVE.match(sales["date_updated"])
    statuses = api.ok("GET", "status/opportunity/")["data"]
    assert [s["id"] for s in statuses] == [s["id"] for s in sales["statuses"]]
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")
    assert organization["pipelines"] == [{k: sales[k] for k in ("id", "name", "organization_id", "statuses")}]
    assert organization["opportunity_statuses"] == sales["statuses"]


def test_create_is_201_with_a_location_and_no_statuses(api: Api) -> None:
    response = api.post("pipeline/", json={"name": "  Renewals "})
    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "Renewals" and created["statuses"] == []
    assert response.headers["location"].endswith(f"/api/v1/pipeline/{created['id']}/")
    assert [p["name"] for p in api.ok("GET", "pipeline/")["data"]] == ["Sales", "Renewals"]
    (event,) = api.events(object_id=created["id"])
    assert (event["object_type"], event["action"]) == ("pipeline", "created")


def test_name_is_required_and_not_blank(api: Api) -> None:
    assert validation_errors(api.post("pipeline/", json={})) == {"name": "This field is required."}
    assert "name" in validation_errors(api.post("pipeline/", json={"name": "  "}))
    assert "name" in validation_errors(api.put(f"pipeline/{_sales(api)['id']}/", json={"name": ""}))
    assert len(api.ok("GET", "pipeline/")["data"]) == 1


def test_rename(api: Api) -> None:
    sales = _sales(api)
    renamed = api.ok("PUT", f"pipeline/{sales['id']}/", json={"name": "New business"})
    assert renamed["name"] == "New business" and renamed["statuses"] == sales["statuses"]
    lead = api.ok("POST", "lead/", json={})
    opportunity = api.ok("POST", "opportunity/", json={"lead_id": lead["id"]})
    assert opportunity["pipeline_name"] == "New business"


def test_put_statuses_reorders_them(api: Api) -> None:
    sales = _sales(api)
    active, won, lost = (s["id"] for s in sales["statuses"])
    body = {"statuses": [{"id": lost}, {"id": active}, {"id": won}]}
    updated = api.ok("PUT", f"pipeline/{sales['id']}/", json=body)
    assert [s["id"] for s in updated["statuses"]] == [lost, active, won]
    assert [s["id"] for s in api.ok("GET", "status/opportunity/")["data"]] == [lost, active, won]
    # The first status is the default of new opportunities.
    lead = api.ok("POST", "lead/", json={})
    assert api.ok("POST", "opportunity/", json={"lead_id": lead["id"]})["status_label"] == "Lost"
    events = api.events(object_id=sales["id"])
    assert events[0]["action"] == "updated" and "statuses" in events[0]["changed_fields"]


def test_statuses_left_out_of_the_list_follow_the_listed_ones(api: Api) -> None:
    sales = _sales(api)
    active, won, lost = (s["id"] for s in sales["statuses"])
    updated = api.ok("PUT", f"pipeline/{sales['id']}/", json={"statuses": [{"id": won}]})
    assert [s["id"] for s in updated["statuses"]] == [won, active, lost]


def test_naming_a_status_of_another_pipeline_moves_it(api: Api) -> None:
    sales = _sales(api)
    won = sales["statuses"][1]
    renewals = api.ok("POST", "pipeline/", expected=201, json={"name": "Renewals"})
    kept = api.ok(
        "POST",
        "status/opportunity/",
        json={"label": "Renewing", "type": "active", "pipeline_id": renewals["id"]},
    )
    lead = api.ok("POST", "lead/", json={})
    deal = api.ok("POST", "opportunity/", json={"lead_id": lead["id"], "status_id": won["id"]})
    assert deal["pipeline_id"] == sales["id"]

    moved = api.ok(
        "PUT", f"pipeline/{renewals['id']}/", json={"statuses": [{"id": won["id"]}, {"id": kept["id"]}]}
    )
    assert [s["id"] for s in moved["statuses"]] == [won["id"], kept["id"]]
    assert _statuses(api, sales["id"]) == [("Active", "active"), ("Lost", "lost")]
    assert api.ok("GET", f"status/opportunity/{won['id']}/")["pipeline_id"] == renewals["id"]
    after = api.ok("GET", f"opportunity/{deal['id']}/")
    assert (after["pipeline_id"], after["pipeline_name"]) == (renewals["id"], "Renewals")
    # The status and both pipelines are recorded as updated.
    (status_event, *_) = api.events(object_id=won["id"])
    assert (status_event["object_type"], status_event["action"]) == ("status.opportunity", "updated")
    assert status_event["changed_fields"] == ["pipeline_id"]
    assert api.events(object_id=sales["id"])[0]["action"] == "updated"
    assert api.events(object_id=renewals["id"])[0]["action"] == "updated"


def test_unknown_or_repeated_statuses_are_400_and_change_nothing(
    api: Api, make_api: Callable[..., Api]
) -> None:
    sales = _sales(api)
    before = api.ok("GET", f"pipeline/{sales['id']}/")
    foreign = _sales(make_api())["statuses"][0]["id"]
    first = sales["statuses"][0]["id"]
    for body in (
        {"statuses": [{"id": "stat_nope"}]},
        {"statuses": [{"id": foreign}]},
        {"statuses": [{"id": first}, {"id": first}]},
        {"statuses": "all", "name": "Changed"},
    ):
        assert "statuses" in validation_errors(api.put(f"pipeline/{sales['id']}/", json=body)), body
    assert api.ok("GET", f"pipeline/{sales['id']}/") == before


def test_a_pipeline_with_statuses_cannot_be_deleted(api: Api) -> None:
    sales = _sales(api)
    body = error_of(api.delete(f"pipeline/{sales['id']}/"), 400)
    assert body["errors"] and body["field-errors"] == {}
    assert api.get(f"pipeline/{sales['id']}/").status_code == 200


def test_an_empty_pipeline_is_deleted_with_204(api: Api) -> None:
    sales = _sales(api)
    spare = api.ok("POST", "pipeline/", expected=201, json={"name": "Spare"})
    status = api.ok(
        "POST", "status/opportunity/", json={"label": "Maybe", "type": "active", "pipeline_id": spare["id"]}
    )
    # Moving its only status away empties it.
    api.ok("PUT", f"pipeline/{sales['id']}/", json={"statuses": [{"id": status["id"]}]})
    response = api.delete(f"pipeline/{spare['id']}/")
    assert response.status_code == 204 and response.content == b""
    assert api.get(f"pipeline/{spare['id']}/").status_code == 404
    actions = [e["action"] for e in all_events(api, object_id=spare["id"])]
    assert actions[0] == "deleted"


def test_only_admins_manage_pipelines(api: Api, make_api: Callable[..., Api]) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="user")
    assert member.ok("GET", "pipeline/")["data"][0]["name"] == "Sales"
    assert member.post("pipeline/", json={"name": "Mine"}).status_code == 403
    sales_id = member.ok("GET", "pipeline/")["data"][0]["id"]
    assert member.put(f"pipeline/{sales_id}/", json={"name": "Mine"}).status_code == 403
    assert _sales(api)["name"] == "Sales"


def test_another_organizations_pipeline_is_404(api: Api, make_api: Callable[..., Api]) -> None:
    other = _sales(make_api())
    assert error_of(api.get(f"pipeline/{other['id']}/"), 404)["error"]
    assert api.put(f"pipeline/{other['id']}/", json={"name": "Mine"}).status_code == 404
    assert api.delete(f"pipeline/{other['id']}/").status_code == 404
