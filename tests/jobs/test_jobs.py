"""The job queue: enqueued in the caller's transaction, run after commit, retried, reclaimed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from leadbase.core import clock
from leadbase.db import jobs
from leadbase.db.context import Actor, Context
from leadbase.jobs.registry import JobContext, JobKind, kinds, register
from leadbase.jobs.worker import Worker
from tests.support import Api, Clock

calls: list[dict[str, Any]] = []
failures: dict[str, int] = {}


def _record(job: JobContext) -> dict[str, Any]:
    calls.append({"id": job.row["id"], "attempt": job.attempt, **job.payload})
    left = failures.get(job.payload.get("name", ""), 0)
    if left:
        failures[job.payload["name"]] = left - 1
        raise RuntimeError("not yet")
    return {"done": job.payload.get("name")}


KIND = "test.record"


@pytest.fixture(autouse=True)
def _kind() -> Iterator[None]:
    register(
        JobKind(KIND, _record, max_attempts=3, first_retry=timedelta(seconds=5), lease=timedelta(minutes=1))
    )
    calls.clear()
    failures.clear()
    yield
    kinds.pop(KIND, None)


def _enqueue(api: Api, name: str, *, fail: bool = False) -> str:
    actor = Actor(api.org.organization_id, api.org.user_id, None, "admin")
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        trans = conn.begin()
        job_id = jobs.enqueue(Context(conn=conn, actor=actor), KIND, {"name": name})
        if fail:
            trans.rollback()
        else:
            trans.commit()
    return job_id


def _job(engine: Engine, job_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        found = jobs.find(conn, job_id)
    assert found is not None
    return found


def test_a_job_runs_once_after_its_transaction_commits(api: Api) -> None:
    job_id = _enqueue(api, "a")
    Worker(api.engine).run_until_idle()
    assert [c["name"] for c in calls if c["id"] == job_id] == ["a"]
    done = _job(api.engine, job_id)
    assert (done["status"], done["attempts"], done["result"]) == ("succeeded", 1, {"done": "a"})
    Worker(api.engine).run_until_idle()
    assert len([c for c in calls if c["id"] == job_id]) == 1


def test_a_rolled_back_transaction_leaves_no_job(api: Api) -> None:
    job_id = _enqueue(api, "ghost", fail=True)
    Worker(api.engine).run_until_idle()
    assert calls == []
    with api.engine.connect() as conn:
        assert jobs.find(conn, job_id) is None


def test_a_failing_job_is_retried_with_backoff_then_fails_for_good(api: Api, clock: Clock) -> None:
    moment = _future()
    clock.set(moment)
    failures["flaky"] = 10
    job_id = _enqueue(api, "flaky")
    worker = Worker(api.engine)
    worker.run_until_idle()
    first = _job(api.engine, job_id)
    assert (first["status"], first["attempts"]) == ("queued", 1)
    assert first["run_at"] == moment + timedelta(seconds=5)
    assert "not yet" in first["last_error"]
    clock.set(moment + timedelta(seconds=4))
    worker.run_until_idle()
    assert _job(api.engine, job_id)["attempts"] == 1  # not before its time
    clock.set(moment + timedelta(seconds=5))
    worker.run_until_idle()
    second = _job(api.engine, job_id)
    assert second["run_at"] == moment + timedelta(seconds=5 + 10)  # doubled
    clock.set(moment + timedelta(minutes=5))
    worker.run_until_idle()
    last = _job(api.engine, job_id)
    assert (last["status"], last["attempts"]) == ("failed", 3)


def test_a_job_recovers_after_failures(api: Api, clock: Clock) -> None:
    moment = _future()
    clock.set(moment)
    failures["twice"] = 1
    job_id = _enqueue(api, "twice")
    worker = Worker(api.engine)
    worker.run_until_idle()
    clock.set(moment + timedelta(minutes=1))
    worker.run_until_idle()
    assert _job(api.engine, job_id)["status"] == "succeeded"
    assert [c["attempt"] for c in calls if c["id"] == job_id] == [1, 2]


def test_a_job_whose_worker_died_is_claimed_again_after_its_lease(api: Api, clock: Clock) -> None:
    moment = _future()
    clock.set(moment)
    job_id = _enqueue(api, "orphan")
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            (claimed,) = jobs.claim(conn, [KIND], lease=timedelta(minutes=1))
    assert claimed["id"] == job_id  # ... and the worker that claimed it died here
    worker = Worker(api.engine)
    worker.run_until_idle()
    assert calls == []  # its lease still runs
    clock.set(moment + timedelta(minutes=1, seconds=1))
    worker.run_until_idle()
    assert [c["attempt"] for c in calls] == [2]
    assert _job(api.engine, job_id)["status"] == "succeeded"
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            # The dead attempt's late report is refused: its claim was replaced.
            assert not jobs.succeed(conn, job_id, claimed["claim"], {"late": True})
    assert _job(api.engine, job_id)["result"] == {"done": "orphan"}


def test_a_job_that_keeps_killing_its_workers_ends_failed(api: Api, clock: Clock) -> None:
    moment = _future()
    clock.set(moment)
    job_id = _enqueue(api, "poison")
    for attempt in range(3):
        clock.set(moment + attempt * timedelta(minutes=2))
        with api.engine.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                assert jobs.claim(conn, [KIND], lease=timedelta(minutes=1))
    clock.set(moment + timedelta(minutes=10))
    Worker(api.engine).run_until_idle()
    assert calls == []
    assert _job(api.engine, job_id)["status"] == "failed"


def _future():  # type: ignore[no-untyped-def]
    # Later than anything earlier tests queued, so their jobs are due first and out of the way.
    return clock.now().replace(microsecond=0) + timedelta(days=30)
