"""The job: a stop between batches resumes after the last committed one; failures end in error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from leadbase.jobs.registry import JobContext, JobLost
from leadbase.resources.bulk_action import runner
from tests.resources.bulk_action.conftest import LEADS_QUERY, count_events, load_leads
from tests.support import Api


class StoppingJob(JobContext):
    """A job context whose lease is lost after `batches` renewals (its worker stopped)."""

    def __init__(self, engine: Engine, payload: dict[str, Any], batches: int | None) -> None:
        super().__init__(engine, {"payload": payload, "attempts": 1, "id": "job_x"}, timedelta(minutes=5))
        self.left = batches

    def keep_alive(self) -> None:
        if self.left is not None:
            self.left -= 1
            if self.left < 0:
                raise JobLost("job_x")


def _payload(api: Api, action: dict[str, Any], kind: str) -> dict[str, Any]:
    return {
        "bulk_action_id": action["id"],
        "kind": kind,
        "organization_id": api.org.organization_id,
        "user_id": api.org.user_id,
        "api_key_id": api.org.api_key_id,
        "role_id": "admin",
    }


def test_a_stopped_job_resumes_after_its_last_committed_batch(
    api: Api, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "BATCH_SIZE", 10)
    load_leads(api, engine, [{"name": f"Resume {i}"} for i in range(45)])
    status = api.ok("POST", "status/lead/", json={"label": "Resumed"})
    action = api.ok(
        "POST",
        "bulk_action/edit/",
        json={"type": "set_lead_status", "lead_status_id": status["id"], "s_query": LEADS_QUERY},
    )
    payload = _payload(api, action, "edit")
    # The selection and two batches commit; the renewal after the second finds the lease lost.
    with pytest.raises(JobLost):
        runner.run(StoppingJob(engine, payload, batches=2))
    midway = api.ok("GET", f"bulk_action/edit/{action['id']}/")
    assert (midway["status"], midway["n_leads"], midway["n_leads_processed"]) == ("processing", 45, 20)
    assert count_events(engine, api.org.organization_id, "lead", "updated") == 20

    runner.run(StoppingJob(engine, payload, batches=None))
    done = api.ok("GET", f"bulk_action/edit/{action['id']}/")
    assert (done["status"], done["n_leads_processed"], done["n_objects_processed"]) == ("done", 45, 45)
    # Each lead changed once: no batch was applied twice.
    assert count_events(engine, api.org.organization_id, "lead", "updated") == 45
    assert api.ok("GET", "lead/", params={"status_id": status["id"], "_limit": 1})["total_results"] == 45


def test_a_status_deleted_before_the_job_ends_the_action_in_error(
    api: Api, engine: Engine, jobs: Callable[[], None]
) -> None:
    load_leads(api, engine, [{"name": "Waiting"}])
    status = api.ok("POST", "status/lead/", json={"label": "Short lived"})
    action = api.ok(
        "POST",
        "bulk_action/edit/",
        json={"type": "set_lead_status", "lead_status_id": status["id"], "s_query": LEADS_QUERY},
    )
    api.ok("DELETE", f"status/lead/{status['id']}/")
    jobs()
    failed = api.ok("GET", f"bulk_action/edit/{action['id']}/")
    assert (failed["status"], failed["n_leads_processed"]) == ("error", 0)
    assert count_events(engine, api.org.organization_id, "lead", "updated") == 0
