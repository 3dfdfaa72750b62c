"""Bulk sequence subscription: subscribe the selected leads' contacts, then pause and resume them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from leadbase.db.context import Actor
from leadbase.resources.bulk import load
from tests.resources.bulk_action.conftest import LEADS_QUERY, count_events, leads_named, load_leads
from tests.resources.sequence.helpers import email_template, new_sequence
from tests.support import Api, validation_errors

N = 120
SENDER = {"sender_name": "Bob Seller", "sender_email": "bob@example.com"}


def _account(api: Api) -> str:
    """A connected account to send from: recorded through the loader, as a mailbox sync would."""
    org = api.org
    actor = Actor(org.organization_id, org.user_id, None, "admin")
    load(
        api.engine,
        actor,
        "connected_account",
        [{"_type": "google", "user_id": org.user_id, "email": "bob@example.com"}],
    )
    account_id: str = api.ok("GET", "connected_account/")["data"][0]["id"]
    return account_id


def _lead(i: int) -> dict[str, Any]:
    return {
        "name": f"Acme {i}",
        "contacts": [
            {"name": f"Ann {i}", "emails": [{"email": f"ann{i}@acme.test"}]},
            {"name": f"Bob {i}", "emails": [{"email": f"bob{i}@acme.test"}]},
            {"name": f"Cy {i}"},
        ],
    }


def _sequence(api: Api) -> dict[str, Any]:
    template = email_template(api)
    return new_sequence(
        api, [{"step_type": "email", "delay": 3 * 24 * 3600, "email_template_id": template["id"]}]
    )


def _subscriptions(api: Api, sequence_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        page = api.ok(
            "GET", "sequence_subscription/", params={"sequence_id": sequence_id, "_skip": len(found)}
        )
        found += page["data"]
        if not page["has_more"]:
            return found


def _bulk(api: Api, jobs: Callable[[], None], body: dict[str, Any]) -> dict[str, Any]:
    made = api.ok("POST", "bulk_action/sequence_subscription/", json=body)
    assert made["id"].startswith("bulkseqsub_") and made["status"] == "created"
    jobs()
    done: dict[str, Any] = api.ok("GET", f"bulk_action/sequence_subscription/{made['id']}/")
    assert done["status"] == "done"
    return done


def test_subscribe_then_pause_and_resume(api: Api, engine: Engine, jobs: Callable[[], None]) -> None:
    load_leads(api, engine, [_lead(i) for i in range(N)])
    api.ok("POST", "unsubscribe/email/", 201, json={"email": "ann3@acme.test"})
    sequence = _sequence(api)
    body = {
        "action_type": "subscribe",
        "sequence_id": sequence["id"],
        "contact_preference": "lead",
        "sender_account_id": _account(api),
        **SENDER,
    }

    done = _bulk(api, jobs, {**body, "s_query": LEADS_QUERY})
    assert (done["n_leads"], done["n_leads_processed"]) == (N, N)
    assert (done["n_objects"], done["n_objects_processed"], done["n_objects_skipped"]) == (N, N - 1, 1)
    subscriptions = _subscriptions(api, sequence["id"])
    assert len(subscriptions) == N - 1
    assert {s["contact_email"][:3] for s in subscriptions} == {"ann"}
    assert {s["status"] for s in subscriptions} == {"active"}
    assert {(s["sender_name"], s["sender_email"]) for s in subscriptions} == {
        ("Bob Seller", "bob@example.com")
    }
    org = api.org.organization_id
    assert count_events(engine, org, "sequence_subscription", "created") == N - 1
    assert count_events(engine, org, "bulk_action.sequence_subscription", "completed") == 1

    # Every contact this time: the first contacts already have one and are skipped.
    again = _bulk(api, jobs, {**body, "contact_preference": "contact", "s_query": LEADS_QUERY})
    assert (again["n_objects"], again["n_objects_processed"], again["n_objects_skipped"]) == (2 * N, N, N)
    assert len(_subscriptions(api, sequence["id"])) == 2 * N - 1

    paused = _bulk(
        api, jobs, {"action_type": "pause", "sequence_id": sequence["id"], "s_query": leads_named("Acme")}
    )
    assert paused["n_objects_processed"] == 2 * N - 1
    statuses = {(s["status"], s["pause_reason"]) for s in _subscriptions(api, sequence["id"])}
    assert statuses == {("paused", "manual")}

    # Resume without a sequence: every sequence's paused subscriptions of the selected leads.
    one_lead = {
        "type": "and",
        "queries": [
            LEADS_QUERY,
            {
                "type": "field_condition",
                "field": {"type": "regular_field", "object_type": "lead", "field_name": "name"},
                "condition": {"type": "text", "mode": "exact_value", "value": "Acme 7"},
            },
        ],
    }
    resumed = _bulk(api, jobs, {"action_type": "resume", "s_query": one_lead})
    assert (resumed["n_leads"], resumed["n_objects"], resumed["n_objects_processed"]) == (1, 2, 2)
    active = [s for s in _subscriptions(api, sequence["id"]) if s["status"] == "active"]
    assert sorted(s["contact_email"] for s in active) == ["ann7@acme.test", "bob7@acme.test"]


def test_bad_bodies_change_nothing(api: Api, make_api: Callable[..., Api]) -> None:
    response = api.post(
        "bulk_action/sequence_subscription/", json={"action_type": "subscribe", "s_query": LEADS_QUERY}
    )
    assert response.status_code == 400
    assert set(validation_errors(response)) >= {
        "sequence_id",
        "sender_name",
        "sender_email",
        "contact_preference",
    }
    for bad in ({"action_type": "reassign"}, {"action_type": "wave"}, {}):
        response = api.post("bulk_action/sequence_subscription/", json={**bad, "s_query": LEADS_QUERY})
        assert response.status_code == 400
        assert "action_type" in validation_errors(response)
    other = make_api()
    theirs = _sequence(other)
    response = api.post(
        "bulk_action/sequence_subscription/",
        json={"action_type": "pause", "sequence_id": theirs["id"], "s_query": LEADS_QUERY},
    )
    assert response.status_code == 400
    assert "sequence_id" in validation_errors(response)
    response = api.post(
        "bulk_action/sequence_subscription/",
        json={"action_type": "resume", "sender_account_id": "emailacct_nope", "s_query": LEADS_QUERY},
    )
    assert "sender_account_id" in validation_errors(response)
    assert api.ok("GET", "bulk_action/sequence_subscription/")["data"] == []
