"""Meetings (/activity/meeting/): made by calendar sync (here the import path, `leadbase load`),
read, updated (notes, outcome, attendees), deleted, and their third-party integration tabs."""

from __future__ import annotations

from typing import Any

from leadbase.db.context import Actor
from leadbase.resources.bulk import load
from tests.custom_data import events_of, lead
from tests.support import Api, error_of, validation_errors


def synced_meeting(api: Api, lead_id: str, **extra: Any) -> dict[str, Any]:
    """A meeting as calendar sync would bring it (through `leadbase load activity/meeting`)."""
    body = {
        "lead_id": lead_id,
        "title": "Demo",
        "starts_at": "2026-05-01T15:00:00+00:00",
        "ends_at": "2026-05-01T15:45:00+00:00",
        "location": "Zoom",
        "attendees": [{"email": "Ann@Acme.test", "name": "Ann", "status": "yes", "is_organizer": True}],
        **extra,
    }
    org = api.org
    load(api.engine, Actor(org.organization_id, org.user_id, None, "admin"), "activity/meeting", [body])
    found: list[dict[str, Any]] = api.ok("GET", "activity/meeting/", params={"lead_id": lead_id})["data"]
    return found[0]


def test_a_synced_meeting(api: Api) -> None:
    holder = lead(api)
    meeting = synced_meeting(api, holder["id"])
    assert meeting["_type"] == "Meeting" and meeting["id"].startswith("acti_")
    assert (meeting["status"], meeting["source"], meeting["duration"]) == ("upcoming", "calendar", 2700)
    assert meeting["activity_at"] == meeting["starts_at"] == "2026-05-01T15:00:00.000000+00:00"
    assert meeting["attendees"] == [
        {
            "email": "Ann@acme.test",
            "name": "Ann",
            "contact_id": None,
            "user_id": None,
            "is_organizer": True,
            "status": "yes",
        }
    ]
    assert (meeting["user_note"], meeting["user_note_html"], meeting["integrations"]) == ("", "", [])
    assert api.ok("GET", f"activity/meeting/{meeting['id']}/") == meeting
    feed = api.ok("GET", "activity/", params={"lead_id": holder["id"]})["data"]
    assert [a["_type"] for a in feed] == ["Meeting", "Created"]
    assert events_of(api, meeting["id"])[0]["object_type"] == "activity.meeting"


def test_the_api_does_not_create_meetings(api: Api) -> None:
    response = api.post("activity/meeting/", json={"lead_id": lead(api)["id"], "starts_at": "2026-05-01"})
    assert response.status_code == 405


def test_notes_and_outcome_on_a_meeting(api: Api) -> None:
    meeting = synced_meeting(api, lead(api)["id"])
    outcome = api.ok("POST", "outcome/", 201, json={"name": "Qualified"})
    url = f"activity/meeting/{meeting['id']}/"
    updated = api.ok(
        "PUT",
        url,
        json={"user_note_html": "<p>Next: <script>x</script>pricing</p>", "outcome_id": outcome["id"]},
    )
    assert updated["user_note_html"] == "<body><p>Next: pricing</p></body>"
    assert updated["user_note"] == "Next: pricing" and updated["user_note_date_updated"] is not None
    assert updated["outcome_id"] == outcome["id"]
    assert [e["action"] for e in events_of(api, meeting["id"])] == ["created", "scheduled", "updated"]
    vm_only = api.ok("POST", "outcome/", 201, json={"name": "VM", "type": "vm-dropped"})
    assert validation_errors(api.put(url, json={"outcome_id": vm_only["id"]})) == {
        "outcome_id": "This outcome does not apply to meetings."
    }
    assert "status" in validation_errors(api.put(url, json={"status": "postponed"}))
    assert "ends_at" in validation_errors(api.put(url, json={"ends_at": "2026-04-01T00:00:00+00:00"}))
    assert "attendees" in validation_errors(api.put(url, json={"attendees": [{"email": "nope"}]}))
    assert api.ok("PUT", url, json={"status": "completed"})["status"] == "completed"


def test_integration_tabs(api: Api, make_api: Any) -> None:
    meeting = synced_meeting(api, lead(api)["id"])
    url = f"activity/meeting/{meeting['id']}/integration/"
    meeting_url = f"activity/meeting/{meeting['id']}/"
    # An empty body does nothing.
    assert api.ok("POST", url, json={}) == {}
    assert api.ok("GET", meeting_url) == meeting
    assert api.ok("POST", url, json={"title": "Recorder", "summary_html": "<p>Went well</p>"}) == {}
    first = api.ok("GET", meeting_url)
    assert len(first["integrations"]) == 1 and first["integrations"][0]["title"] == "Recorder"
    # The same application again replaces its tab; each application has one.
    api.ok("POST", url, json={"title": "Recorder v2"})
    assert [t["title"] for t in api.ok("GET", meeting_url)["integrations"]] == ["Recorder v2"]
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    second_app = make_api(organization_name=name, role="admin")
    second_app.ok("POST", url, json={"title": "Notetaker"})
    titles = [t["title"] for t in api.ok("GET", meeting_url)["integrations"]]
    assert titles == ["Recorder v2", "Notetaker"]
    assert [e["action"] for e in events_of(api, meeting["id"])] == [
        "created",
        "scheduled",
        "updated",
        "updated",
        "updated",
    ]
    error_of(api.post("activity/meeting/acti_nope/integration/", json={"title": "x"}), 404)


def test_delete_and_other_organizations(api: Api, make_api: Any) -> None:
    meeting = synced_meeting(api, lead(api)["id"])
    other = make_api()
    error_of(other.get(f"activity/meeting/{meeting['id']}/"), 404)
    error_of(other.post(f"activity/meeting/{meeting['id']}/integration/", json={"title": "x"}), 404)
    assert api.ok("DELETE", f"activity/meeting/{meeting['id']}/") == {}
    error_of(api.get(f"activity/meeting/{meeting['id']}/"), 404)
