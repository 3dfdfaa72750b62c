"""SMS (/activity/sms/): statuses, directions, phones, MMS attachments, the draft transitions."""

from __future__ import annotations

from typing import Any

from tests.custom_data import events_of, lead
from tests.resources.messages.helpers import uploaded
from tests.support import Api, validation_errors

Obj = dict[str, Any]


def _sms(api: Api, **body: Any) -> Obj:
    created: Obj = api.ok("POST", "activity/sms/", json=body)
    return created


def test_logged_sms_have_closes_attributes(api: Api) -> None:
    holder = lead(api)
    received = _sms(api, lead_id=holder["id"], status="inbox", text="Call me", remote_phone="+1 415 555 0100")
    assert received["_type"] == "SMS" and received["direction"] == "inbound"
    assert received["remote_phone"] == "+14155550100"
    assert (received["remote_phone_formatted"], received["remote_country_iso"]) == ("+1 415-555-0100", "US")
    assert (received["local_phone"], received["cost"], received["source"]) == (None, None, "External")
    assert received["date_sent"] == received["activity_at"]
    assert api.ok("GET", f"activity/sms/{received['id']}/") == received
    sent = _sms(api, lead_id=holder["id"], status="sent", text="Sure", local_phone="+442071838750")
    assert (sent["direction"], sent["local_country_iso"]) == ("outbound", "GB")
    # An explicit direction wins over the status's default.
    assert _sms(api, lead_id=holder["id"], status="inbox", direction="outbound")["direction"] == "outbound"
    (event,) = events_of(api, received["id"])
    assert (event["object_type"], event["action"], event["lead_id"]) == (
        "activity.sms",
        "created",
        holder["id"],
    )


def test_bad_input_names_the_field_and_writes_nothing(api: Api, make_api: Any) -> None:
    holder = lead(api)
    theirs = lead(make_api())
    cases: list[tuple[Obj, str]] = [
        ({"lead_id": holder["id"]}, "status"),
        ({"lead_id": holder["id"], "status": "delivered"}, "status"),
        ({"status": "inbox"}, "lead"),
        ({"lead_id": theirs["id"], "status": "inbox"}, "lead"),
        ({"lead_id": holder["id"], "status": "inbox", "direction": "incoming"}, "direction"),
        ({"lead_id": holder["id"], "status": "inbox", "remote_phone": "call me"}, "remote_phone"),
        ({"lead_id": holder["id"], "status": "inbox", "source": "Carrier pigeon"}, "source"),
        ({"lead_id": holder["id"], "status": "outbox", "remote_phone": "+14155550100"}, "local_phone"),
        ({"lead_id": holder["id"], "status": "outbox", "local_phone": "+14155550100"}, "remote_phone"),
        (
            {
                "lead_id": holder["id"],
                "status": "scheduled",
                "local_phone": "+14155550100",
                "remote_phone": "+14155550101",
            },
            "date_scheduled",
        ),
        ({"lead_id": holder["id"], "status": "sent", "send_in": 5}, "send_in"),
        ({"lead_id": holder["id"], "status": "inbox", "text": 5}, "text"),
    ]
    for body, key in cases:
        errors = validation_errors(api.post("activity/sms/", json=body))
        assert key in errors, (body, errors)
    assert api.ok("GET", "activity/sms/")["data"] == []
    assert [e for e in api.events() if e["object_type"] == "activity.sms"] == []


def test_mms_attachments_take_closes_media_types(api: Api) -> None:
    holder = lead(api)
    image = uploaded(api, "photo.png", "image/png", b"\x89PNG....")
    created = _sms(
        api, lead_id=holder["id"], status="inbox", attachments=[{"url": image, "filename": "photo.png"}]
    )
    assert created["attachments"] == [
        {
            "url": image,
            "filename": "photo.png",
            "content_type": "image/png",
            "size": None,
            "media_id": None,
            "thumbnail_url": None,
        }
    ]
    archive = uploaded(api, "files.zip", "application/zip")
    errors = validation_errors(
        api.post(
            "activity/sms/",
            json={
                "lead_id": holder["id"],
                "status": "inbox",
                "attachments": [{"url": archive, "filename": "files.zip"}],
            },
        )
    )
    assert errors == {
        "attachments": {"errors": {"0": {"content_type": "This content type cannot be attached here."}}}
    }


def test_drafts_are_sent_or_scheduled_and_cancelled(api: Api) -> None:
    holder = lead(api)
    draft = _sms(api, lead_id=holder["id"], status="draft", text="Hi")
    url = f"activity/sms/{draft['id']}/"
    assert set(validation_errors(api.put(url, json={"status": "outbox"}))) == {"local_phone", "remote_phone"}
    phones = {"local_phone": "+14155550100", "remote_phone": "+14155550101"}
    scheduled = api.ok(
        "PUT", url, json={"status": "scheduled", "date_scheduled": "2030-02-02T08:00:00Z", **phones}
    )
    assert scheduled["status"] == "scheduled" and scheduled["activity_at"] == scheduled["date_scheduled"]
    assert validation_errors(api.put(url, json={"text": "Changed"})) == {
        "text": "Only draft SMS can be changed; this one is scheduled."
    }
    assert "status" in validation_errors(api.put(url, json={"status": "sent"}))
    assert api.ok("PUT", url, json={"status": "draft"})["status"] == "draft"
    queued = api.ok("PUT", url, json={"status": "outbox", "text": "Hi there"})
    assert (queued["status"], queued["text"], queued["date_sent"]) == ("outbox", "Hi there", None)
    sent = _sms(api, lead_id=holder["id"], status="sent", text="Done")
    assert "status" in validation_errors(api.put(f"activity/sms/{sent['id']}/", json={"status": "draft"}))
    assert api.ok("DELETE", url) == {}
    assert [e["id"] for e in api.ok("GET", "activity/sms/")["data"]] == [sent["id"]]
