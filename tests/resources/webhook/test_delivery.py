"""Delivery: committed events reach a real receiver, signed, filtered, retried, paused, in order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from leadbase.core import clock
from leadbase.db import webhooks
from leadbase.db.models import webhook_delivery
from leadbase.jobs.worker import Worker
from tests.resources.webhook.conftest import subscribe
from tests.resources.webhook.receiver import Receiver, verify
from tests.support import Api, Clock

LOG = "/api/leadbase/webhook_delivery/"


def log(api: Api, path: str = "", method: str = "GET", **kwargs: object) -> dict:  # type: ignore[type-arg]
    response = api.client.request(method, LOG + path, headers=api.headers, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_created_lead_is_posted_signed_after_commit(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    sub = subscribe(api, receiver.url, "lead:created")
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    assert receiver.received == []  # nothing is sent by the request itself
    make_worker().run_until_idle()
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.path == "/hook"
    assert got.headers["content-type"] == "application/json"
    assert verify(sub["signature_key"], got)
    assert got.json["subscription_id"] == sub["id"]
    ev = got.json["event"]
    assert (ev["object_type"], ev["action"], ev["object_id"]) == ("lead", "created", lead["id"])
    assert ev["data"]["name"] == "Acme"
    # The same event the log shows, id included: the key a receiver deduplicates on.
    (logged,) = api.events(object_type="lead", object_id=lead["id"])
    assert ev == logged


def test_a_tampered_body_fails_the_independent_check(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    sub = subscribe(api, receiver.url)
    api.ok("POST", "lead/", json={"name": "Acme"})
    make_worker().run_until_idle()
    got = receiver.received[0]
    got.body = got.body.replace(b"Acme", b"Acmf")
    assert not verify(sub["signature_key"], got)


def test_only_subscribed_pairs_and_filters_are_delivered(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    won_filter = {
        "type": "field_accessor",
        "field": "data",
        "filter": {"type": "field_accessor", "field": "name", "filter": {"type": "contains", "value": "VIP"}},
    }
    changed_filter = {
        "type": "field_accessor",
        "field": "changed_fields",
        "filter": {"type": "contains", "value": "description"},
    }
    api.ok(
        "POST",
        "webhook/",
        201,
        json={
            "url": receiver.url,
            "events": [
                {"object_type": "lead", "action": "created", "extra_filter": won_filter},
                {"object_type": "lead", "action": "updated", "extra_filter": changed_filter},
            ],
        },
    )
    plain = api.ok("POST", "lead/", json={"name": "Plain"})
    vip = api.ok("POST", "lead/", json={"name": "VIP Corp"})
    api.ok("PUT", f"lead/{plain['id']}/", json={"name": "Renamed"})
    api.ok("PUT", f"lead/{plain['id']}/", json={"description": "now described"})
    api.ok("POST", "contact/", json={"lead_id": vip["id"], "name": "Not subscribed"})
    make_worker().run_until_idle()
    # Different objects go out side by side: compare without their order.
    got = {(e["action"], e["object_id"]): e["changed_fields"] for e in receiver.events()}
    assert set(got) == {("created", vip["id"]), ("updated", plain["id"])}
    assert "description" in got[("updated", plain["id"])]


def test_other_organizations_events_never_reach_a_subscription(
    api: Api, make_api: Callable[..., Api], receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    subscribe(api, receiver.url)
    make_api().ok("POST", "lead/", json={"name": "Elsewhere"})
    make_worker().run_until_idle()
    assert receiver.received == []


def test_a_rolled_back_request_delivers_nothing(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    subscribe(api, receiver.url, "lead:created", "contact:created")
    # A contact on a lead of no one: the request fails as a whole, its events with it.
    response = api.post("lead/", json={"name": "Half", "contacts": [{"emails": [{"email": "not an email"}]}]})
    assert response.status_code == 400
    make_worker().run_until_idle()
    assert receiver.received == []


def test_500_is_retried_with_backoff_until_it_succeeds(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker], clock: Clock
) -> None:
    start = clock_now()
    clock.set(start)
    sub = subscribe(api, receiver.url)
    api.ok("POST", "lead/", json={"name": "Retry"})
    receiver.answers = [500, 503]
    worker = make_worker()
    worker.run_until_idle()
    assert len(receiver.received) == 1
    (delivery,) = log(api, params={"subscription_id": sub["id"]})["data"]
    assert delivery["status"] == "pending"
    assert delivery["response"]["status_code"] == 500
    first_wait = _due(delivery) - start
    assert first_wait == timedelta(seconds=10)
    clock.set(start + first_wait - timedelta(seconds=1))
    worker.run_until_idle()
    assert len(receiver.received) == 1  # not before its time
    clock.set(start + first_wait)
    worker.run_until_idle()
    assert len(receiver.received) == 2
    (delivery,) = log(api, params={"subscription_id": sub["id"]})["data"]
    assert _due(delivery) - (start + first_wait) == timedelta(seconds=20)  # doubled
    assert api.ok("GET", f"webhook/{sub['id']}/")["health_status"] == "unhealthy"
    clock.set(start + timedelta(seconds=30))
    worker.run_until_idle()
    assert len(receiver.received) == 3
    (delivery,) = log(api, params={"subscription_id": sub["id"]})["data"]
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 3)
    assert api.ok("GET", f"webhook/{sub['id']}/")["health_status"] == "healthy"
    ids = {r.json["event"]["id"] for r in receiver.received}
    assert len(ids) == 1  # the same event each time: a receiver can deduplicate


def test_a_receiver_that_does_not_answer_in_time_is_retried(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker], clock: Clock
) -> None:
    import threading

    start = clock_now()
    clock.set(start)
    sub = subscribe(api, receiver.url)
    api.ok("POST", "lead/", json={"name": "Slow"})
    receiver.hold = threading.Event()
    worker = make_worker(timeout_seconds=0.3)
    worker.run_until_idle()
    (delivery,) = log(api, params={"subscription_id": sub["id"]})["data"]
    assert delivery["status"] == "pending"
    assert "no answer within 0.3s" in delivery["response"]["error"]
    receiver.hold.set()
    receiver.hold = None
    clock.set(start + timedelta(seconds=10))
    worker.run_until_idle()
    (delivery,) = log(api, params={"subscription_id": sub["id"]})["data"]
    assert delivery["status"] == "succeeded"


def test_gives_up_after_72_hours_and_pauses_after_3_days_of_failures(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker], clock: Clock
) -> None:
    start = clock_now()
    clock.set(start)
    sub = subscribe(api, receiver.url)
    api.ok("POST", "lead/", json={"name": "Doomed"})
    receiver.answers = [500] * 1000
    worker = make_worker()
    moment = start
    for _ in range(400):
        worker.run_until_idle()
        (delivery,) = log(api, params={"subscription_id": sub["id"]})["data"]
        if delivery["status"] != "pending":
            break
        moment = _due(delivery)
        clock.set(moment)
    assert delivery["status"] == "failed"
    waits = [b - a for a, b in zip(_times(receiver)[:-1], _times(receiver)[1:], strict=True)]
    assert max(waits) <= 20 * 60 + 1  # the interval is capped at 20 minutes
    assert moment - start >= timedelta(hours=72)
    after = api.ok("GET", f"webhook/{sub['id']}/")
    assert (after["status"], after["pause_reason"]) == ("paused", "failing")
    assert after["latest_error"]["status_code"] == 500


def test_a_paused_subscription_holds_its_deliveries_until_resumed(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    sub = subscribe(api, receiver.url, "lead:created", "lead:updated")
    lead = api.ok("POST", "lead/", json={"name": "Before pause"})
    worker = make_worker()
    from leadbase.events.dispatch import dispatch

    dispatch(api.engine, worker.settings.dispatch)  # matched, not yet sent
    api.ok("PUT", f"webhook/{sub['id']}/", json={"status": "paused"})
    api.ok("PUT", f"lead/{lead['id']}/", json={"name": "While paused"})
    worker.run_until_idle()
    assert receiver.received == []
    api.ok("PUT", f"webhook/{sub['id']}/", json={"status": "active"})
    worker.run_until_idle()
    # What was queued before the pause goes out; what happened while paused was not queued.
    assert [e["data"]["name"] for e in receiver.events()] == ["Before pause"]


def test_events_of_one_object_arrive_in_order_even_across_retries(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker], clock: Clock
) -> None:
    start = clock_now()
    clock.set(start)
    subscribe(api, receiver.url, "lead:created", "lead:updated")
    lead = api.ok("POST", "lead/", json={"name": "v1"})
    other = api.ok("POST", "lead/", json={"name": "other"})
    api.ok("PUT", f"lead/{lead['id']}/", json={"name": "v2"})
    api.ok("PUT", f"lead/{lead['id']}/", json={"name": "v3"})
    receiver.failing[lead["id"]] = 1  # the first delivery of the lead (v1) fails once
    worker = make_worker()
    worker.run_until_idle()
    # The other lead is not held up; v2 and v3 wait behind v1.
    assert sorted(e["data"]["name"] for e in receiver.events()) == ["other", "v1"]
    clock.set(start + timedelta(minutes=1))
    worker.run_until_idle()
    names = [e["data"]["name"] for e in receiver.events() if e["object_id"] == lead["id"]]
    assert names == ["v1", "v1", "v2", "v3"]
    assert other["id"] in {e["object_id"] for e in receiver.events()}


def test_a_worker_killed_mid_delivery_leaves_it_to_another(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker], clock: Clock
) -> None:
    start = clock_now()
    clock.set(start)
    sub = subscribe(api, receiver.url)
    api.ok("POST", "lead/", json={"name": "Survivor"})
    worker = make_worker()
    from leadbase.events.dispatch import dispatch

    dispatch(api.engine, worker.settings.dispatch)
    # A worker claims the delivery, sends it, and dies before recording the answer.
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            (claimed,) = webhooks.claim_deliveries(conn, lease=worker.settings.delivery.lease, limit=10)
    # The dead worker's send, without its record of the answer:
    dead = make_worker()
    dead.sender._send(_sub_row(api, sub["id"]), _event_row(api, claimed["event_id"]), claimed)
    assert len(receiver.received) == 1
    # While its lease runs nobody else sends it.
    survivor = make_worker()
    survivor.run_until_idle()
    assert len(receiver.received) == 1
    clock.set(start + worker.settings.delivery.lease + timedelta(seconds=1))
    survivor.run_until_idle()
    assert len(receiver.received) == 2  # at least once: sent again, never lost
    assert receiver.received[0].json == receiver.received[1].json
    with api.engine.connect() as conn:
        status = conn.execute(
            select(webhook_delivery.c.status).where(webhook_delivery.c.id == claimed["id"])
        ).scalar()
    assert status == "succeeded"
    # The dead worker's late report changes nothing.
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            assert not webhooks.record_attempt(conn, claimed, {"last_error": "late"})


def test_the_delivery_log_shows_the_request_and_redelivers(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    sub = subscribe(api, receiver.url)
    api.ok("POST", "lead/", json={"name": "Logged"})
    worker = make_worker()
    worker.run_until_idle()
    (summary,) = log(api, params={"subscription_id": sub["id"]})["data"]
    assert summary["status"] == "succeeded"
    assert summary["response"]["status_code"] == 200
    assert summary["response"]["body"] == '{"ok": true}'
    one = log(api, f"{summary['id']}/")
    sent = receiver.received[0]
    assert one["request"]["url"] == receiver.url
    assert one["request"]["body"] == sent.json
    assert one["request"]["headers"]["close-sig-hash"] == sent.headers["close-sig-hash"]
    again = log(api, f"{summary['id']}/redeliver/", method="POST")
    assert again["status"] == "pending"
    worker.run_until_idle()
    assert len(receiver.received) == 2
    assert receiver.received[1].json == sent.json
    assert log(api, f"{summary['id']}/")["attempts"] == 2


def test_the_delivery_log_is_private_to_the_organization(
    api: Api, make_api: Callable[..., Api], receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    subscribe(api, receiver.url)
    api.ok("POST", "lead/", json={"name": "Mine"})
    make_worker().run_until_idle()
    (summary,) = log(api)["data"]
    other = make_api()
    assert log(other)["data"] == []
    response = other.client.get(LOG + f"{summary['id']}/", headers=other.headers)
    assert response.status_code == 404
    response = other.client.post(LOG + f"{summary['id']}/redeliver/", headers=other.headers)
    assert response.status_code == 404
    assert api.client.get(LOG).status_code == 401


@pytest.mark.parametrize("blocked", [False, True])
def test_private_targets_are_refused_only_under_the_setting(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker], blocked: bool
) -> None:
    sub = subscribe(api, receiver.url)
    api.ok("POST", "lead/", json={"name": "Local"})
    make_worker(block_private=blocked).run_until_idle()
    (delivery,) = log(api, params={"subscription_id": sub["id"]})["data"]
    if blocked:
        assert receiver.received == []
        assert delivery["status"] == "pending"
        assert "private, loopback or reserved" in delivery["response"]["error"]
    else:
        assert len(receiver.received) == 1


def test_redirects_are_not_followed(api: Api, receiver: Receiver, make_worker: Callable[..., Worker]) -> None:
    sub = subscribe(api, receiver.url)
    receiver.answers = [302]
    api.ok("POST", "lead/", json={"name": "Moved"})
    make_worker().run_until_idle()
    (delivery,) = log(api, params={"subscription_id": sub["id"]})["data"]
    assert len(receiver.received) == 1
    assert (delivery["status"], delivery["response"]["status_code"]) == ("pending", 302)


# ---- helpers ---------------------------------------------------------------------------------


def clock_now():  # type: ignore[no-untyped-def]
    return clock.now().replace(microsecond=0) + timedelta(days=1)


def _due(delivery: dict) -> object:  # type: ignore[type-arg]
    from datetime import datetime

    return datetime.fromisoformat(delivery["next_attempt_at"])


def _times(receiver: Receiver) -> list[int]:
    return [int(r.headers["close-sig-timestamp"]) for r in receiver.received]


def _sub_row(api: Api, sub_id: str) -> dict:  # type: ignore[type-arg]
    from leadbase.db.models import webhook_subscription

    with api.engine.connect() as conn:
        return dict(
            conn.execute(select(webhook_subscription).where(webhook_subscription.c.id == sub_id))
            .mappings()
            .one()
        )


def _event_row(api: Api, event_id: str) -> dict:  # type: ignore[type-arg]
    from leadbase.db.models import event

    with api.engine.connect() as conn:
        return dict(conn.execute(select(event).where(event.c.id == event_id)).mappings().one())
