"""The dispatch pass hands the first deliveries it makes to its own worker, already claimed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from leadbase.core import clock as wall
from leadbase.db.models import webhook_delivery
from leadbase.events.dispatch import Handoff, dispatch
from leadbase.jobs.worker import Worker
from tests.resources.webhook.conftest import subscribe
from tests.resources.webhook.receiver import Receiver
from tests.support import Api, Clock


def _deliveries(api: Api, sub: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The subscription's delivery rows, by id."""
    stmt = select(webhook_delivery).where(webhook_delivery.c.subscription_id == sub["id"])
    with api.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return {r["id"]: r for r in rows}


def test_new_deliveries_are_claimed_for_the_worker_but_not_past_an_earlier_one_of_the_object(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    sub = subscribe(api, receiver.url, "lead:created", "lead:updated")
    worker = make_worker()
    waiting = api.ok("POST", "lead/", json={"name": "W1"})
    dispatch(api.engine, worker.settings.dispatch)  # pending, unclaimed, not sent
    api.ok("PUT", f"lead/{waiting['id']}/", json={"name": "W2"})
    first = api.ok("POST", "lead/", json={"name": "A1"})
    api.ok("PUT", f"lead/{first['id']}/", json={"name": "A2"})

    passed = dispatch(api.engine, worker.settings.dispatch, worker.sender.handoff)

    # Only A1: A2 follows A1 in the same pass, W2 follows W1 still pending from before.
    (claimed,) = passed.claimed.deliveries
    assert claimed["object_id"] == first["id"]
    stored = _deliveries(api, sub)[claimed["id"]]
    assert (stored["attempts"], stored["claim"]) == (1, claimed["claim"])
    assert stored["lease_until"] > wall.now()
    # Nobody else may claim it while the lease runs; the others wait their turn.
    assert make_worker().sender.run_once() == 1  # W1 only
    assert [e["data"]["name"] for e in receiver.events()] == ["W1"]

    assert worker.sender.send(passed.claimed) == 1
    assert [e["data"]["name"] for e in receiver.events()] == ["W1", "A1"]
    assert _deliveries(api, sub)[claimed["id"]]["status"] == "succeeded"
    worker.run_until_idle()
    names = [e["data"]["name"] for e in receiver.events()]
    assert names[:2] == ["W1", "A1"] and sorted(names[2:]) == ["A2", "W2"]


def test_the_handoff_takes_at_most_its_limit(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    sub = subscribe(api, receiver.url, "lead:created")
    for n in range(3):
        api.ok("POST", "lead/", json={"name": f"L{n}"})
    worker = make_worker()
    handoff = Handoff(lease=worker.settings.delivery.lease, limit=2)
    passed = dispatch(api.engine, worker.settings.dispatch, handoff)
    assert len(passed.claimed.deliveries) == 2
    assert sorted(passed.claimed.events) == sorted(d["event_id"] for d in passed.claimed.deliveries)
    assert sum(1 for d in _deliveries(api, sub).values() if d["claim"] is None) == 1


def test_a_worker_dying_before_sending_its_handoff_leaves_it_to_another(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker], clock: Clock
) -> None:
    start = wall.now().replace(microsecond=0) + timedelta(days=1)
    clock.set(start)
    subscribe(api, receiver.url)
    api.ok("POST", "lead/", json={"name": "Orphan"})
    dead = make_worker()
    passed = dispatch(api.engine, dead.settings.dispatch, dead.sender.handoff)
    assert len(passed.claimed.deliveries) == 1  # committed as claimed; the worker never sends it
    survivor = make_worker()
    survivor.run_until_idle()
    assert receiver.received == []
    clock.set(start + dead.settings.delivery.lease + timedelta(seconds=1))
    survivor.run_until_idle()
    assert [e["data"]["name"] for e in receiver.events()] == ["Orphan"]
