"""Close's official Python client (`closeio`) with notes, calls, outcomes and meetings."""

from __future__ import annotations

from typing import Any

import pytest
from closeio_api import API, APIError
from sqlalchemy.engine import Engine

from leadbase.db.context import Actor
from leadbase.resources import load_all
from leadbase.resources.bulk import load
from tests.clients.live import bootstrap


@pytest.fixture
def account(database_url: str) -> dict[str, Any]:
    return bootstrap(database_url)


@pytest.fixture
def close(live_server: str, account: dict[str, Any]) -> API:
    return API(base_url=live_server + "/api/v1/", api_key=account["api_key"])


def test_notes_calls_and_outcomes(close: API) -> None:
    me = close.get("me")
    lead = close.post("lead", {"name": "Acme", "contacts": [{"name": "Ann"}]})
    note = close.post(
        "activity/note",
        {
            "lead_id": lead["id"],
            "note_html": '<body><p onclick="x()">Budget <script>x</script>approved</p></body>',
        },
    )
    assert (note["_type"], note["note"], note["note_html"]) == (
        "Note",
        "Budget approved",
        "<body><p>Budget approved</p></body>",
    )
    pinned = close.put(f"activity/note/{note['id']}", {"pinned": True})
    assert pinned["pinned"] is True and pinned["user_id"] == me["id"]
    outcome = close.post("outcome", {"name": "Demo booked"})
    assert outcome["applies_to"] == ["calls", "meetings"]
    call = close.post(
        "activity/call",
        {
            "lead_id": lead["id"],
            "contact_id": lead["contacts"][0]["id"],
            "direction": "outbound",
            "duration": 300,
            "phone": "+14155550100",
            "note": "Discussed the rollout",
            "outcome_id": outcome["id"],
        },
    )
    assert (call["_type"], call["source"], call["status"], call["outcome_id"]) == (
        "Call",
        "External",
        "completed",
        outcome["id"],
    )
    comment = close.post("comment", {"object_id": call["id"], "body": "<body>Nice call</body>"})
    assert close.get(f"activity/call/{call['id']}")["comment_summary"]["thread_id"] == comment["thread_id"]
    feed = close.get("activity", params={"lead_id": lead["id"]})["data"]
    assert {(a["_type"], a["id"]) for a in feed} == {
        ("Note", note["id"]),
        ("Call", call["id"]),
        ("Created", next(a["id"] for a in feed if a["_type"] == "Created")),
    }
    notes = close.get("activity/note", params={"lead_id": lead["id"]})["data"]
    assert [n["id"] for n in notes] == [note["id"]]
    with pytest.raises(APIError) as raised:
        close.post("activity/call", {"lead_id": lead["id"], "status": "ringing"})
    assert raised.value.response.status_code == 400
    assert "status" in raised.value.response.json()["field-errors"]
    assert close.delete(f"activity/note/{note['id']}") == {}
    assert close.delete(f"outcome/{outcome['id']}") == {}


def test_synced_meetings(close: API, account: dict[str, Any], engine: Engine) -> None:
    lead = close.post("lead", {"name": "Globex"})
    actor = Actor(account["organization_id"], account["user_id"], None, "admin")
    body = {"lead_id": lead["id"], "title": "Kickoff", "starts_at": "2026-06-01T09:00:00Z"}
    load_all()  # as `leadbase load activity/meeting FILE` does
    load(engine, actor, "activity/meeting", [body])
    (meeting,) = close.get("activity/meeting", params={"lead_id": lead["id"]})["data"]
    assert (meeting["title"], meeting["status"]) == ("Kickoff", "upcoming")
    updated = close.put(f"activity/meeting/{meeting['id']}", {"user_note_html": "<p>Great start</p>"})
    assert updated["user_note"] == "Great start"
    assert close.post(f"activity/meeting/{meeting['id']}/integration", {"title": "Recorder"}) == {}
    assert [t["title"] for t in close.get(f"activity/meeting/{meeting['id']}")["integrations"]] == [
        "Recorder"
    ]
    assert close.delete(f"activity/meeting/{meeting['id']}") == {}
