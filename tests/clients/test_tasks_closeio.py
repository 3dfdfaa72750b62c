"""Close's official Python client (`closeio`) with tasks, comments and integration links."""

from __future__ import annotations

from typing import Any

import pytest
from closeio_api import API, APIError

from tests.clients.live import bootstrap


@pytest.fixture
def account(database_url: str) -> dict[str, Any]:
    return bootstrap(database_url)


@pytest.fixture
def close(live_server: str, account: dict[str, Any]) -> API:
    return API(base_url=live_server + "/api/v1/", api_key=account["api_key"])


def test_tasks_assigned_bulk_updated_completed_and_read_on_the_lead(
    close: API, account: dict[str, Any], database_url: str, live_server: str
) -> None:
    me = close.get("me")
    colleague = bootstrap(database_url, organization=me["organizations"][0]["name"], role="user")
    lead = close.post("lead", {"name": "Acme", "contacts": [{"name": "Ann"}]})
    task = close.post(
        "task", {"lead_id": lead["id"], "text": "Send pricing", "date": "2026-12-01", "assigned_to": me["id"]}
    )
    assert (task["_type"], task["date"], task["assigned_to"], task["is_complete"]) == (
        "lead",
        "2026-12-01",
        me["id"],
        False,
    )
    other = close.post("task", {"lead_id": lead["id"], "text": "Follow up"})
    assigned = close.put(f"task/{task['id']}", {"assigned_to": colleague["user_id"]})
    assert assigned["assigned_to"] == colleague["user_id"]
    # Bulk update: every open task of the lead moves to a new date.
    close.put("task", {"date": "2026-12-24"}, params={"lead_id": lead["id"], "is_complete": "false"})
    dates = {t["id"]: t["date"] for t in close.get("task", params={"lead_id": lead["id"]})["data"]}
    assert dates == {task["id"]: "2026-12-24", other["id"]: "2026-12-24"}
    done = close.put(f"task/{task['id']}", {"is_complete": True})
    assert (done["is_complete"], done["view"]) == (True, "archive")
    assert [t["id"] for t in close.get(f"lead/{lead['id']}")["tasks"]] == [other["id"]]
    assert [t["id"] for t in close.get("task", params={"assigned_to": colleague["user_id"]})["data"]] == [
        task["id"]
    ]
    # The colleague reads the same tasks with their own key.
    theirs = API(base_url=live_server + "/api/v1/", api_key=colleague["api_key"])
    assert theirs.get(f"task/{task['id']}")["is_complete"] is True
    assert close.delete(f"task/{other['id']}") == {}
    with pytest.raises(APIError) as raised:
        close.get(f"task/{other['id']}")
    assert raised.value.response.status_code == 404


def test_comments_and_integration_links(close: API) -> None:
    close.post(
        "integration_link",
        {"name": "Search", "url": "https://search.example/?q={{ lead.display_name }}", "type": "lead"},
    )
    lead = close.post("lead", {"name": "Acme Widgets"})
    assert lead["integration_links"] == [
        {"name": "Search", "url": "https://search.example/?q=Acme%20Widgets"}
    ]
    comment = close.post("comment", {"object_id": lead["id"], "body": "<body><p>Call them</p></body>"})
    thread = close.get(f"comment_thread/{comment['thread_id']}")
    assert (thread["object_id"], thread["num_comments"]) == (lead["id"], 1)
    assert close.get("comment", params={"object_id": lead["id"]})["data"] == [comment]
    close.delete(f"comment/{comment['id']}")
    with pytest.raises(APIError):
        close.get(f"comment_thread/{comment['thread_id']}")
