"""Workers together: never one attempt sent twice at once; in-flight transactions; the embedded worker."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from leadbase.app import create_app, start_embedded_worker
from leadbase.config import Settings
from leadbase.core import clock
from leadbase.core.ids import new_id
from leadbase.db.models import event
from leadbase.events.dispatch import DispatchSettings, dispatch
from leadbase.jobs.worker import Worker
from tests.resources.webhook.conftest import subscribe
from tests.resources.webhook.receiver import Receiver
from tests.support import Api, Clock


def test_two_workers_never_send_one_attempt_twice(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    subscribe(api, receiver.url, "lead:created", "lead:updated")
    leads = [api.ok("POST", "lead/", json={"name": f"Lead {n}"}) for n in range(30)]
    for lead in leads[:10]:
        api.ok("PUT", f"lead/{lead['id']}/", json={"name": lead["name"] + " again"})
    workers = [make_worker(batch=3) for _ in range(2)]
    start = threading.Barrier(len(workers))
    failures: list[BaseException] = []

    def work(worker: Worker) -> None:
        try:
            start.wait()
            # Rounds until both find nothing: each round claims a few, so they interleave.
            for _ in range(200):
                if not worker.run_once() and not _due_left(api):
                    return
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    sent = Counter(r.json["event"]["id"] for r in receiver.received)
    assert len(sent) == 40
    assert set(sent.values()) == {1}, [k for k, v in sent.items() if v > 1]
    # Each lead's events arrived in order.
    by_lead: dict[str, list[str]] = {}
    for got in receiver.events():
        by_lead.setdefault(got["object_id"], []).append(got["action"])
    assert all(actions[0] == "created" for actions in by_lead.values())


def _due_left(api: Api) -> bool:
    from sqlalchemy import func, select

    from leadbase.db.models import webhook_delivery

    with api.engine.connect() as conn:
        left = conn.execute(
            select(func.count())
            .select_from(webhook_delivery)
            .where(
                webhook_delivery.c.organization_id == api.org.organization_id,
                webhook_delivery.c.status == "pending",
            )
        ).scalar_one()
    return bool(left)


def test_an_event_committed_after_a_later_one_is_still_delivered(
    api: Api, receiver: Receiver, make_worker: Callable[..., Worker]
) -> None:
    if api.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: a later sequence number never commits first")
    subscribe(api, receiver.url, "lead:created", "note:created")
    settings = DispatchSettings(gap_seconds=300)
    with api.engine.connect() as slow:
        trans = slow.begin()
        # A transaction that takes its sequence number now and commits later.
        now = clock.now()
        slow.execute(
            insert(event).values(
                id=new_id("ev", 22),
                organization_id=api.org.organization_id,
                date_created=now,
                date_updated=now,
                object_type="note",
                object_id="note_slow",
                action="created",
                changed_fields=[],
                data={"id": "note_slow"},
                previous_data={},
                meta={},
            )
        )
        lead = api.ok("POST", "lead/", json={"name": "Fast"})
        dispatch(api.engine, settings)
        worker = make_worker()
        worker.run_until_idle()
        assert [e["object_id"] for e in receiver.events()] == [lead["id"]]
        trans.commit()
    dispatch(api.engine, settings)
    worker.run_until_idle()
    assert [e["object_id"] for e in receiver.events()] == [lead["id"], "note_slow"]


def test_the_worker_inside_the_server_delivers_without_being_asked(
    database_url: str, api: Api, receiver: Receiver
) -> None:
    from starlette.testclient import TestClient

    app = create_app(Settings(database_url=database_url, rate_limit="off", worker_poll_seconds=60))
    worker = start_embedded_worker(app)
    try:
        with TestClient(app) as client:
            served = Api(client, api.org)
            subscribe(served, receiver.url)
            served.ok("POST", "lead/", json={"name": "Embedded"})
            # The commit wakes the worker: no poll (a minute) stands between it and the receiver.
            assert receiver.arrived.wait(30), "the embedded worker did not deliver"
    finally:
        worker.stop()
        app.state.engine.dispose()
    assert receiver.events()[0]["data"]["name"] == "Embedded"


def test_a_worker_process_killed_mid_delivery_is_made_good_by_the_next(
    database_url: str, api: Api, receiver: Receiver, make_worker: Callable[..., Worker], clock: Clock
) -> None:
    sub = subscribe(api, receiver.url)
    api.ok("POST", "lead/", json={"name": "Killed"})
    receiver.hold = threading.Event()  # the receiver takes the request and does not answer
    env = {**os.environ, "LEADBASE_WEBHOOK_TIMEOUT_SECONDS": "30", "LEADBASE_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "leadbase.cli", "worker", "--poll-seconds", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert receiver.arrived.wait(60), f"no delivery (worker exit code {process.poll()})"
    finally:
        process.kill()  # SIGKILL: no chance to record anything
        process.wait(30)
    receiver.hold.set()
    receiver.hold = None
    assert len(receiver.received) == 1
    survivor = make_worker()
    survivor.run_until_idle()
    assert len(receiver.received) == 1  # the dead worker's lease still runs
    clock.set(clock_now() + timedelta(seconds=2 * 30 + 31))
    survivor.run_until_idle()
    assert len(receiver.received) == 2
    assert receiver.received[0].json == receiver.received[1].json
    (delivery,) = _deliveries(api, sub["id"])
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 2)


def clock_now():  # type: ignore[no-untyped-def]
    return clock.now()


def _deliveries(api: Api, sub_id: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from leadbase.db.models import webhook_delivery

    with api.engine.connect() as conn:
        rows = conn.execute(select(webhook_delivery).where(webhook_delivery.c.subscription_id == sub_id))
        return [dict(r) for r in rows.mappings()]
