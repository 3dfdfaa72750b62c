"""The activities leadbase records by itself, read by Close's official client and synced by
tap-closeio's `activities` stream."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from closeio_api import API, APIError

from tests.clients.live import bootstrap
from tests.clients.test_tap_closeio import run_tap, select


def _history(close: API) -> dict[str, Any]:
    """A lead created, its status changed, an opportunity won, a task completed."""
    statuses = close.get("status/lead")["data"]
    lead = close.post("lead", {"name": "Acme", "status_id": statuses[0]["id"], "contacts": [{"name": "Ann"}]})
    close.put(f"lead/{lead['id']}", {"status_id": statuses[1]["id"]})
    pipeline = close.get("pipeline")["data"][0]
    active, won = pipeline["statuses"][0], pipeline["statuses"][1]
    deal = close.post("opportunity", {"lead_id": lead["id"], "status_id": active["id"], "value": 1000})
    close.put(f"opportunity/{deal['id']}", {"status_id": won["id"]})
    task = close.post("task", {"lead_id": lead["id"], "text": "Send pricing"})
    close.put(f"task/{task['id']}", {"is_complete": True})
    return {"lead": lead, "statuses": statuses, "deal": deal, "won": won, "task": task}


def test_the_official_client_reads_imports_and_deletes_automatic_activities(
    live_server: str, database_url: str
) -> None:
    account = bootstrap(database_url)
    close = API(base_url=live_server + "/api/v1/", api_key=account["api_key"])
    made = _history(close)
    lead_id = made["lead"]["id"]

    feed = close.get("activity", params={"lead_id": lead_id})["data"]
    assert sorted(a["_type"] for a in feed) == [
        "Created",
        "LeadStatusChange",
        "OpportunityStatusChange",
        "TaskCompleted",
    ]
    (created,) = close.get("activity/created", params={"lead_id": lead_id})["data"]
    assert created["source"] == "api"
    (change,) = close.get("activity/status_change/lead", params={"lead_id": lead_id})["data"]
    assert change["new_status_id"] == made["statuses"][1]["id"]
    (deal_change,) = close.get(
        "activity/status_change/opportunity", params={"opportunity_id": made["deal"]["id"]}
    )["data"]
    assert deal_change["new_status_id"] == made["won"]["id"]
    (done,) = close.get("activity/task_completed", params={"lead_id": lead_id})["data"]
    assert done["task_id"] == made["task"]["id"]

    # History imported through the API, then a mistaken entry taken out of the feed.
    imported = close.post(
        "activity/status_change/lead",
        {
            "lead_id": lead_id,
            "old_status_id": made["statuses"][1]["id"],
            "new_status_id": made["statuses"][0]["id"],
            "date_created": "2019-06-01T10:00:00+00:00",
        },
    )
    assert imported["date_created"].startswith("2019-06-01T10:00:00")
    assert close.get(f"lead/{lead_id}")["status_id"] == made["statuses"][1]["id"]
    assert close.delete(f"activity/status_change/lead/{imported['id']}") == {}
    try:
        close.post("activity/status_change/lead", {"lead_id": lead_id, "new_status_id": "stat_nope"})
    except APIError as exc:
        assert "new_status_id" in exc.response.json()["field-errors"]
    else:
        raise AssertionError("an unknown status was imported")

    smart = close.get(f"lead/{lead_id}", params={"_fields": "id,num_notes,last_call_date"})
    assert smart == {"id": lead_id, "num_notes": 0, "last_call_date": None}


def test_tap_syncs_the_automatic_activities(live_server: str, database_url: str, tmp_path: Path) -> None:
    account = bootstrap(database_url)
    close = API(base_url=live_server + "/api/v1/", api_key=account["api_key"])
    made = _history(close)

    start = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (tmp_path / "config.json").write_text(json.dumps({"api_key": account["api_key"], "start_date": start}))
    base_url = live_server + "/api/v1"
    (catalog,) = run_tap(base_url, tmp_path, "--discover")
    (tmp_path / "catalog.json").write_text(json.dumps(select(catalog, {"activities"})))
    messages = run_tap(base_url, tmp_path, "--catalog", str(tmp_path / "catalog.json"))

    records = [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == "activities"]
    by_type = {r["_type"]: r for r in records}
    assert set(by_type) == {"Created", "LeadStatusChange", "OpportunityStatusChange", "TaskCompleted"}
    assert len(records) == 4
    assert all(r["lead_id"] == made["lead"]["id"] for r in records)
    assert by_type["TaskCompleted"]["task_id"] == made["task"]["id"]
    states = [m for m in messages if m["type"] == "STATE"]
    assert states and states[-1]["value"]["currently_syncing"] is None
