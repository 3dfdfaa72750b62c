"""Call and meeting transcripts (crm-core.md §8.2, §8.7): stored when the API gives them, shown only
when `_fields` names them; the telephony fields an external call cannot have, present with Close's
empty values."""

from __future__ import annotations

from typing import Any

from tests.custom_data import events_of, lead
from tests.resources.notes.test_meetings import synced_meeting
from tests.support import Api, validation_errors

Obj = dict[str, Any]

SAID = {"speaker_label": "Ann", "speaker_side": "contact", "start": 0, "end": 2.5, "text": "Hello?"}
TRANSCRIPT = {
    "utterances": [
        SAID,
        {**SAID, "speaker_label": "Bob", "speaker_side": "close-user", "start": 3, "end": 4},
    ],
    "summary_html": "<p>Ann <b>agreed</b></p><script>x()</script>",
}
STORED = {
    "utterances": [
        {"speaker_label": "Ann", "speaker_side": "contact", "start": 0, "end": 2.5, "text": "Hello?"},
        {"speaker_label": "Bob", "speaker_side": "close-user", "start": 3, "end": 4, "text": "Hello?"},
    ],
    "summary_text": "Ann agreed",
    "summary_html": "<p>Ann <b>agreed</b></p>",
}
BOTH = "id,recording_transcript,voicemail_transcript"


def test_call_transcripts_show_only_when_asked_for(api: Api) -> None:
    holder = lead(api)["id"]
    call = api.ok("POST", "activity/call/", json={"lead_id": holder, "recording_transcript": TRANSCRIPT})
    assert "recording_transcript" not in call and "voicemail_transcript" not in call
    url = f"activity/call/{call['id']}/"
    assert "recording_transcript" not in api.ok("GET", url)
    asked = api.ok("GET", url, params={"_fields": BOTH})
    assert asked == {"id": call["id"], "recording_transcript": STORED, "voicemail_transcript": None}
    listed = api.ok("GET", "activity/call/", params={"lead_id": holder, "_fields": "recording_transcript"})
    assert listed["data"] == [{"recording_transcript": STORED}]
    # The feed renders each type with its own service: the same answer there.
    feed = api.ok(
        "GET", "activity/", params={"lead_id": holder, "_type": "Call", "_fields": "recording_transcript"}
    )
    assert feed["data"] == [{"recording_transcript": STORED}]
    # Events carry what a plain GET shows.
    assert "recording_transcript" not in events_of(api, call["id"])[0]["data"]


def test_call_transcripts_are_updated_and_cleared(api: Api) -> None:
    call = api.ok("POST", "activity/call/", json={"lead_id": lead(api)["id"]})
    url = f"activity/call/{call['id']}/"
    api.ok(
        "PUT", url, json={"voicemail_transcript": {"utterances": [SAID], "summary_text": "Left a message"}}
    )
    asked = api.ok("GET", url, params={"_fields": BOTH})
    assert asked["voicemail_transcript"] == {
        "utterances": [SAID],
        "summary_text": "Left a message",
        "summary_html": None,
    }
    assert asked["recording_transcript"] is None
    api.ok("PUT", url, json={"voicemail_transcript": None})
    assert api.ok("GET", url, params={"_fields": BOTH})["voicemail_transcript"] is None


def test_bad_transcripts_name_the_field_and_write_nothing(api: Api) -> None:
    holder = lead(api)["id"]
    for bad in (
        "text",
        {"utterances": "many"},
        {"utterances": [{**SAID, "speaker_side": "robot"}]},
        {"utterances": [{**SAID, "start": 5, "end": 1}]},
        {"utterances": [{**SAID, "text": None}]},
        {"utterances": [], "summary_html": 5},
    ):
        errors = validation_errors(
            api.post("activity/call/", json={"lead_id": holder, "recording_transcript": bad})
        )
        assert list(errors) == ["recording_transcript"], (bad, errors)
    errors = validation_errors(
        api.post("activity/call/", json={"lead_id": holder, "voicemail_transcript": {"utterances": [1]}})
    )
    assert errors == {
        "voicemail_transcript": {
            "utterances": {"errors": {"0": {"non_field_errors": "Invalid data. Expected a dictionary."}}}
        }
    }
    assert api.ok("GET", "activity/call/", params={"lead_id": holder})["data"] == []


def test_an_external_call_shows_the_telephony_fields_empty(api: Api) -> None:
    call = api.ok("POST", "activity/call/", json={"lead_id": lead(api)["id"], "phone": "+14155550100"})
    assert call["source"] == "External"
    empty = {
        "cost": None,
        "date_answered": None,
        "recording_url": None,
        "recording_duration": None,
        "recording_expires_at": None,
        "has_recording": False,
        "voicemail_url": None,
        "voicemail_duration": None,
        "transferred_from": None,
        "transferred_to": None,
        "transferred_from_user_id": None,
        "transferred_to_user_id": None,
        "is_forwarded": False,
        "forwarded_to": None,
        "is_to_group_number": False,
        "is_joinable": False,
        "dialer_id": None,
        "dialer_saved_search_id": None,
        "coach_legs": [],
        "call_method": None,
        "disposition": None,
        "local_phone": None,
        "local_phone_formatted": None,
        "local_country_iso": None,
        "sequence_id": None,
        "sequence_name": None,
        "sequence_subscription_id": None,
    }
    assert {k: call[k] for k in empty} == empty
    assert (call["remote_phone"], call["remote_country_iso"]) == ("+14155550100", "US")


def test_meeting_transcripts_show_only_when_asked_for(api: Api) -> None:
    holder = lead(api)["id"]
    meeting = synced_meeting(api, holder, transcripts=[TRANSCRIPT])
    assert "transcripts" not in meeting
    url = f"activity/meeting/{meeting['id']}/"
    assert api.ok("GET", url, params={"_fields": "id,transcripts"}) == {
        "id": meeting["id"],
        "transcripts": [STORED],
    }
    bare = synced_meeting(api, lead(api)["id"])
    assert api.ok("GET", f"activity/meeting/{bare['id']}/", params={"_fields": "transcripts"}) == {
        "transcripts": []
    }
    errors = validation_errors(api.put(url, json={"transcripts": [{"utterances": [{**SAID, "end": -1}]}]}))
    assert list(errors) == ["transcripts"]
    api.ok("PUT", url, json={"transcripts": []})
    assert api.ok("GET", url, params={"_fields": "transcripts"}) == {"transcripts": []}


def test_a_meeting_shows_closes_reasoning_fields_empty(api: Api) -> None:
    meeting = synced_meeting(api, lead(api)["id"])
    for key in (
        "outcome_reason",
        "outcome_autofill_confidence",
        "outcome_autofill_reasoning",
        "playbook_reason",
        "conversation_type_reason",
    ):
        assert meeting[key] is None
