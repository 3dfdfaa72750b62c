"""Calls (/activity/call/): logging external calls, their fields and limits, outcomes, events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from leadbase.db.models import activity
from tests.custom_data import events_of, lead
from tests.support import Api, validation_errors


def _call(api: Api, **body: Any) -> dict[str, Any]:
    created: dict[str, Any] = api.ok("POST", "activity/call/", json=body)
    return created


def _count(api: Api) -> int:
    with api.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(activity)).scalar_one())


def test_logging_an_external_call(api: Api) -> None:
    holder = lead(api)
    outcome = api.ok("POST", "outcome/", 201, json={"name": "Booked"})
    created = _call(
        api,
        lead_id=holder["id"],
        direction="outbound",
        duration=125,
        phone="(415) 555-0100",
        recording_url="https://recordings.example/1.mp3",
        recording_duration=120,
        disposition="answered",
        note_html="<p>Talked <script>x</script>budget</p>",
        outcome_id=outcome["id"],
    )
    assert created["_type"] == "Call" and created["id"].startswith("acti_")
    assert (created["status"], created["source"], created["direction"]) == (
        "completed",
        "External",
        "outbound",
    )
    assert created["phone"] == created["remote_phone"] == "+14155550100"
    assert created["remote_phone_formatted"] == "+1 415-555-0100" and created["remote_country_iso"] == "US"
    assert (created["duration"], created["recording_duration"], created["has_recording"]) == (125, 120, True)
    assert (created["voicemail_url"], created["voicemail_duration"]) == (None, None)
    assert created["note_html"] == "<body><p>Talked budget</p></body>" and created["note"] == "Talked budget"
    assert created["outcome_id"] == outcome["id"] and created["disposition"] == "answered"
    assert api.ok("GET", f"activity/call/{created['id']}/") == created
    assert events_of(api, created["id"])[0]["object_type"] == "activity.call"
    feed = api.ok("GET", "activity/", params={"lead_id": holder["id"]})["data"]
    assert [(a["_type"], a["id"]) for a in feed if a["_type"] != "Created"] == [("Call", created["id"])]


def test_defaults(api: Api) -> None:
    created = _call(api, lead_id=lead(api)["id"])
    assert (created["status"], created["duration"], created["note"], created["note_html"]) == (
        "completed",
        0,
        "",
        "",
    )
    assert (created["direction"], created["phone"], created["has_recording"]) == (None, None, False)


def test_bad_input_names_the_field_and_writes_nothing(api: Api) -> None:
    holder = lead(api)["id"]
    before = _count(api)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"status": "ringing"}, "status"),
        ({"direction": "sideways"}, "direction"),
        ({"disposition": "maybe"}, "disposition"),
        ({"duration": -1}, "duration"),
        ({"duration": "long"}, "duration"),
        ({"recording_url": "http://insecure.example/1.mp3"}, "recording_url"),
        ({"voicemail_url": "ftp://x"}, "voicemail_url"),
        ({"phone": "not a number"}, "phone"),
        ({"outcome_id": "outcome_nope"}, "outcome_id"),
    ]
    for extra, key in cases:
        assert key in validation_errors(api.post("activity/call/", json={"lead_id": holder, **extra})), extra
    assert validation_errors(api.post("activity/call/", json={"direction": "inbound"})) == {
        "lead": "This field is required."
    }
    assert _count(api) == before


def test_deleted_outcomes_cannot_be_set(api: Api) -> None:
    outcome = api.ok("POST", "outcome/", 201, json={"name": "Gone soon"})
    call = _call(api, lead_id=lead(api)["id"], outcome_id=outcome["id"])
    api.ok("DELETE", f"outcome/{outcome['id']}/")
    # The reference stays on the call, but it cannot be set again.
    assert api.ok("GET", f"activity/call/{call['id']}/")["outcome_id"] == outcome["id"]
    other = _call(api, lead_id=lead(api)["id"])
    assert validation_errors(
        api.put(f"activity/call/{other['id']}/", json={"outcome_id": outcome["id"]})
    ) == {"outcome_id": "Object does not exist."}


def test_updates_of_external_and_close_calls(api: Api) -> None:
    outcome = api.ok("POST", "outcome/", 201, json={"name": "Callback"})
    call = _call(api, lead_id=lead(api)["id"], direction="inbound", duration=10)
    url = f"activity/call/{call['id']}/"
    changed = api.ok("PUT", url, json={"duration": 20, "status": "no-answer", "note": "left a message"})
    assert (changed["duration"], changed["status"], changed["note_html"]) == (
        20,
        "no-answer",
        "<body>left a message</body>",
    )
    # A call placed through Close's telephony keeps its status, duration and direction.
    with api.engine.begin() as conn:
        conn.execute(update(activity).where(activity.c.id == call["id"]).values(source="Close.io"))
    errors = validation_errors(api.put(url, json={"duration": 99, "direction": "outbound"}))
    assert set(errors) == {"duration", "direction"}
    kept = api.ok("PUT", url, json={"outcome_id": outcome["id"], "note_html": "<b>Done</b>"})
    assert (kept["outcome_id"], kept["note"], kept["duration"]) == (outcome["id"], "Done", 20)
    assert [e["action"] for e in events_of(api, call["id"])] == ["created", "updated", "updated"]
