"""The CRM core end to end with Close's official client: a deal won in a new pipeline, a task
assigned and completed, and two leads merged, read back through the client."""

from __future__ import annotations

import pytest
from closeio_api import API, APIError

from tests.clients.live import bootstrap


@pytest.fixture
def close(live_server: str, database_url: str) -> API:
    account = bootstrap(database_url)
    return API(base_url=live_server + "/api/v1/", api_key=account["api_key"])


def test_deal_task_and_merge(close: API) -> None:
    pipeline = close.post("pipeline", {"name": "Partners"})
    open_status = close.post(
        "status/opportunity", {"label": "Talking", "type": "active", "pipeline_id": pipeline["id"]}
    )
    won = close.post("status/opportunity", {"label": "Signed", "type": "won", "pipeline_id": pipeline["id"]})

    duplicate = close.post(
        "lead",
        {
            "name": "Initech (old)",
            "contacts": [{"name": "Peter", "emails": [{"email": "peter@initech.test"}]}],
        },
    )
    keeper = close.post("lead", {"name": "Initech", "contacts": [{"name": "Milton"}]})
    deal = close.post(
        "opportunity", {"lead_id": duplicate["id"], "status_id": open_status["id"], "value": 120000}
    )
    deal = close.put(f"opportunity/{deal['id']}", {"status_id": won["id"]})
    assert deal["status_type"] == "won" and deal["date_won"] is not None

    me = close.get("me")
    task = close.post(
        "task", {"lead_id": duplicate["id"], "text": "Send the contract", "assigned_to": me["id"]}
    )
    close.put(f"task/{task['id']}", {"is_complete": True})

    assert close.post("lead/merge", {"source": duplicate["id"], "destination": keeper["id"]}) == {}

    with pytest.raises(APIError):
        close.get(f"lead/{duplicate['id']}")
    lead = close.get(f"lead/{keeper['id']}")
    assert sorted(c["name"] for c in lead["contacts"]) == ["Milton", "Peter"]
    assert [o["id"] for o in lead["opportunities"]] == [deal["id"]]
    assert lead["tasks"] == []  # the completed task moved too, and is not an open task
    assert close.get(f"task/{task['id']}")["lead_id"] == keeper["id"]
    merged = close.get("event", params={"object_type": "lead", "action": "merged"})["data"]
    assert merged[0]["meta"]["merge_source_lead_id"] == duplicate["id"]
    assert merged[0]["data"]["id"] == keeper["id"]
