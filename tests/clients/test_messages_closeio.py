"""Emails, threads, SMS and WhatsApp messages through Close's official client against a live server."""

from __future__ import annotations

from typing import Any

import requests
from closeio_api import API, ValidationError

from tests.clients.live import bootstrap


def test_log_and_send_messages_the_way_close_documents(live_server: str, database_url: str) -> None:
    account: dict[str, Any] = bootstrap(database_url)
    close = API(base_url=live_server + "/api/v1/", api_key=account["api_key"])
    lead = close.post(
        "lead", data={"name": "Acme", "contacts": [{"name": "Ann", "emails": [{"email": "ann@acme.test"}]}]}
    )
    contact_id = lead["contacts"][0]["id"]

    # An attachment is a download URL of POST /files/upload/.
    answer = close.post("files/upload", data={"filename": "quote.pdf", "content_type": "application/pdf"})
    stored = requests.post(
        answer["upload"]["url"],
        data=answer["upload"]["fields"],
        files={"file": ("quote.pdf", b"%PDF")},
        timeout=10,
    )
    assert stored.status_code == 201
    draft = close.post(
        "activity/email",
        data={
            "lead_id": lead["id"],
            "contact_id": contact_id,
            "status": "draft",
            "subject": "Your quote",
            "to": ["ann@acme.test"],
            "body_html": "<p>Attached.</p>",
            "attachments": [{"url": answer["download"]["url"], "filename": "quote.pdf", "size": 4}],
        },
    )
    assert draft["body_text"] == "Attached." and draft["attachments"][0]["size"] == 4
    # Sending needs a sender: the client raises Close's validation error.
    try:
        close.put(f"activity/email/{draft['id']}", data={"status": "outbox"})
    except ValidationError as error:
        assert "sender" in error.field_errors
    else:
        raise AssertionError("an email without a sender went to outbox")
    queued = close.put(f"activity/email/{draft['id']}", data={"status": "outbox", "sender": "me@example.com"})
    assert queued["status"] == "outbox"
    reply = close.post(
        "activity/email",
        data={
            "lead_id": lead["id"],
            "status": "inbox",
            "subject": "Re: Your quote",
            "sender": "ann@acme.test",
        },
    )
    thread = close.get(f"activity/emailthread/{reply['thread_id']}")
    assert [e["id"] for e in thread["emails"]] == [reply["id"], draft["id"]]

    sms = close.post(
        "activity/sms",
        data={"lead_id": lead["id"], "status": "inbox", "text": "ok", "remote_phone": "+14155550100"},
    )
    whatsapp = close.post(
        "activity/whatsapp_message",
        data={
            "lead_id": lead["id"],
            "contact_id": contact_id,
            "direction": "incoming",
            "external_whatsapp_message_id": "wamid.42",
            "message_markdown": "*Thanks*",
            "local_phone": "+14155550100",
            "remote_phone": "+14155550101",
            "activity_at": "2024-06-01T12:00:00+00:00",
        },
    )
    feed = close.get("activity", params={"lead_id": lead["id"]})["data"]
    # Besides the lead's own Created activity.
    assert {a["id"] for a in feed if a["_type"] != "Created"} == {
        draft["id"],
        reply["id"],
        sms["id"],
        whatsapp["id"],
    }
    threads = close.get("activity", params={"lead_id": lead["id"], "thread_emails": "only"})["data"]
    assert [t["id"] for t in threads] == [thread["id"]]
    close.delete(f"activity/emailthread/{thread['id']}")
    assert close.get("activity/email", params={"lead_id": lead["id"]})["data"] == []
