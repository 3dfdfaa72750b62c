"""Bulk delete: the selected leads go with their children, one event each, seen by webhooks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, update

from leadbase.db.models import webhook_subscription
from tests.resources.bulk_action.conftest import LEADS_QUERY, count_events, leads_named, load_leads
from tests.resources.webhook.receiver import Receiver, running_receiver
from tests.support import Api, error_of

N = 1500


@pytest.fixture
def receiver(engine: Engine) -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r
    # Keep this test's subscription from waiting on a receiver that is gone.
    with engine.begin() as conn:
        conn.execute(
            update(webhook_subscription)
            .where(webhook_subscription.c.url == r.url)
            .values(status="paused", pause_reason="test")
        )


def _bodies(n: int, prefix: str) -> list[dict[str, Any]]:
    return [{"name": f"{prefix} {i}", "contacts": [{"name": f"Person {i}"}]} for i in range(n)]


def test_delete_thousands_of_leads_with_their_contacts(
    api: Api, engine: Engine, jobs: Callable[[], None]
) -> None:
    load_leads(api, engine, _bodies(N, "Gone") + _bodies(50, "Kept"))
    action = api.ok(
        "POST", "bulk_action/delete/", json={"s_query": leads_named("Gone"), "send_done_email": False}
    )
    assert action["id"].startswith("bulkdelete_")
    assert (action["bulk_object_type"], action["send_done_email"], action["status"]) == (
        "lead",
        False,
        "created",
    )

    jobs()

    done = api.ok("GET", f"bulk_action/delete/{action['id']}/")
    assert (done["status"], done["n_leads"], done["n_leads_processed"], done["n_objects_processed"]) == (
        "done",
        N,
        N,
        N,
    )
    left = api.ok("GET", "lead/", params={"_limit": 100, "_fields": "name"})
    assert left["total_results"] == 50
    assert {x["name"].split()[0] for x in left["data"]} == {"Kept"}
    assert len(api.ok("GET", "contact/", params={"_limit": 200})["data"]) == 50
    org = api.org.organization_id
    assert count_events(engine, org, "lead", "deleted") == N
    assert count_events(engine, org, "contact", "deleted") == N
    deleted = api.events(object_type="lead", action="deleted", _limit=1)[0]
    assert deleted["meta"]["bulk_action_id"] == action["id"]


def test_a_webhook_subscription_hears_each_deleted_lead(
    api: Api, engine: Engine, receiver: Receiver, jobs: Callable[[], None]
) -> None:
    load_leads(api, engine, _bodies(120, "Hook"))
    api.ok(
        "POST",
        "webhook/",
        201,
        json={
            "url": receiver.url,
            "events": [
                {"object_type": "lead", "action": "deleted"},
                {"object_type": "bulk_action.delete", "action": "completed"},
            ],
        },
    )
    action = api.ok("POST", "bulk_action/delete/", json={"s_query": LEADS_QUERY})
    jobs()
    got = receiver.events()
    deleted = [e for e in got if e["object_type"] == "lead"]
    assert len(deleted) == 120
    assert len({e["object_id"] for e in deleted}) == 120
    assert {e["meta"]["bulk_action_id"] for e in deleted} == {action["id"]}
    (completed,) = [e for e in got if e["object_type"] == "bulk_action.delete"]
    assert completed["object_id"] == action["id"]
    assert completed["data"]["status"] == "done"


def test_a_member_without_bulk_delete_gets_403(
    api: Api, make_api: Callable[..., Api], engine: Engine, jobs: Callable[[], None]
) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    restricted = make_api(organization_name=name, role="restricteduser")
    load_leads(api, engine, _bodies(3, "Safe"))
    response = restricted.post("bulk_action/delete/", json={"s_query": LEADS_QUERY})
    assert "error" in error_of(response, 403)
    jobs()
    assert api.ok("GET", "lead/", params={"_limit": 1})["total_results"] == 3


def test_another_organizations_smart_view_is_404(
    api: Api, make_api: Callable[..., Api], engine: Engine, jobs: Callable[[], None]
) -> None:
    other = make_api()
    view = other.ok(
        "POST", "saved_search/", json={"name": "Theirs", "is_shared": True, "s_query": {"query": LEADS_QUERY}}
    )
    load_leads(api, engine, _bodies(3, "Mine"))
    for body in (
        {"saved_search_id": view["id"]},
        {"s_query": {"type": "saved_search", "saved_search_id": view["id"]}},
    ):
        assert "error" in error_of(api.post("bulk_action/delete/", json=body), 404)
    assert "error" in error_of(api.get(f"bulk_action/delete/{'bulkdelete_' + 'x' * 22}/"), 404)
    jobs()
    assert api.ok("GET", "lead/", params={"_limit": 1})["total_results"] == 3
    assert api.ok("GET", "bulk_action/delete/")["data"] == []


def test_a_smart_view_selects_and_another_org_cannot_read_the_action(
    api: Api, make_api: Callable[..., Api], engine: Engine, jobs: Callable[[], None]
) -> None:
    load_leads(api, engine, _bodies(10, "View") + _bodies(5, "Else"))
    view = api.ok("POST", "saved_search/", json={"name": "Views", "s_query": {"query": leads_named("View")}})
    action = api.ok("POST", "bulk_action/delete/", json={"saved_search_id": view["id"]})
    assert action["s_query"] == {"type": "saved_search", "saved_search_id": view["id"]}
    assert "error" in error_of(make_api().get(f"bulk_action/delete/{action['id']}/"), 404)
    jobs()
    assert api.ok("GET", f"bulk_action/delete/{action['id']}/")["n_leads"] == 10
    assert api.ok("GET", "lead/", params={"_limit": 1})["total_results"] == 5


def test_the_selection_is_made_when_the_job_starts(
    api: Api, engine: Engine, jobs: Callable[[], None]
) -> None:
    load_leads(api, engine, _bodies(4, "Early"))
    action = api.ok("POST", "bulk_action/delete/", json={"s_query": leads_named("Early")})
    load_leads(api, engine, _bodies(2, "Early late"))
    jobs()
    assert api.ok("GET", f"bulk_action/delete/{action['id']}/")["n_leads"] == 6
