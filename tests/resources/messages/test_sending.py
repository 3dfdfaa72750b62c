"""Emails and SMS put in outbox or scheduled are sent by the worker at their time, into the
captured outbox (/api/leadbase/outbox/) by default."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from leadbase.core import clock as leadbase_clock
from leadbase.db import outbox as ledger
from tests.custom_data import events_of
from tests.resources.messages.outbox import OUTBOX, email, lead_with_contact, leadbase_api, outbox, run_worker
from tests.support import Api, Clock, error_of, validation_errors

Obj = dict[str, Any]
T0 = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


def test_an_outbox_email_goes_into_the_captured_outbox(api: Api) -> None:
    lead = lead_with_contact(api)
    queued = email(
        api,
        lead,
        status="outbox",
        cc=["cy@acme.test"],
        bcc=["audit@example.com"],
        body_html="<p>Hello <b>Ann</b></p>",
    )
    assert queued["status"] == "outbox" and outbox(api) == []
    run_worker(api)
    sent = api.ok("GET", f"activity/email/{queued['id']}/")
    assert sent["status"] == "sent" and sent["date_sent"] is not None
    assert sent["date_sent"] == sent["activity_at"]
    (message,) = outbox(api)
    assert sent["message_ids"] == [message["message_id"]] == [sent["envelope"]["message_id"]]
    assert message["message_id"].endswith("@example.com>")
    assert {
        k: message[k] for k in ("channel", "transport", "status", "activity_id", "lead_id", "contact_id")
    } == {
        "channel": "email",
        "transport": "captured",
        "status": "sent",
        "activity_id": queued["id"],
        "lead_id": lead["id"],
        "contact_id": lead["contacts"][0]["id"],
    }
    assert (message["from"], message["to"], message["cc"], message["bcc"]) == (
        '"Bo Sales" <bo@example.com>',
        ['"Ann" <ann@acme.test>'],
        ["cy@acme.test"],
        ["audit@example.com"],
    )
    assert (message["subject"], message["text"], message["html"]) == (
        "Your quote",
        "Hello Ann",
        "<p>Hello <b>Ann</b></p>",
    )
    headers = message["headers"]
    assert headers["Message-ID"] == message["message_id"] and headers["To"] == '"Ann" <ann@acme.test>'
    assert "Bcc" not in headers and headers["Subject"] == "Your quote"
    assert message["date_sent"] == sent["date_sent"]
    # Close's `sent` action follows the update that sent it.
    assert [e["action"] for e in events_of(api, queued["id"])] == ["created", "updated", "sent"]
    sent_event = events_of(api, queued["id"])[-1]
    assert sent_event["data"]["status"] == "sent" and sent_event["user_id"] == api.org.user_id
    # Running the worker again sends nothing twice.
    run_worker(api)
    assert len(outbox(api)) == 1


def test_send_in_delays_the_send_and_going_back_to_draft_undoes_it(api: Api, clock: Clock) -> None:
    clock.set(T0)
    lead = lead_with_contact(api)
    queued = email(api, lead, status="outbox", send_in=30)
    run_worker(api)
    assert api.ok("GET", f"activity/email/{queued['id']}/")["status"] == "outbox"
    undone = api.ok("PUT", f"activity/email/{queued['id']}/", json={"status": "draft"})
    assert undone["status"] == "draft"
    clock.set(T0 + timedelta(minutes=5))
    run_worker(api)
    assert api.ok("GET", f"activity/email/{queued['id']}/")["status"] == "draft" and outbox(api) == []
    # Sent again later, it goes once.
    api.ok("PUT", f"activity/email/{queued['id']}/", json={"status": "outbox"})
    run_worker(api)
    sent = api.ok("GET", f"activity/email/{queued['id']}/")
    assert sent["status"] == "sent" and sent["date_sent"] == leadbase_clock.iso(T0 + timedelta(minutes=5))
    assert len(outbox(api)) == 1


def test_a_scheduled_email_goes_out_at_its_time(api: Api, clock: Clock) -> None:
    clock.set(T0)
    lead = lead_with_contact(api)
    at = T0 + timedelta(hours=2)
    scheduled = email(api, lead, status="scheduled", date_scheduled=at.isoformat())
    clock.set(at - timedelta(seconds=1))
    run_worker(api)
    assert api.ok("GET", f"activity/email/{scheduled['id']}/")["status"] == "scheduled"
    assert outbox(api) == []
    clock.set(at)
    run_worker(api)
    sent = api.ok("GET", f"activity/email/{scheduled['id']}/")
    assert (sent["status"], sent["date_sent"]) == ("sent", leadbase_clock.iso(at))
    assert [m["activity_id"] for m in outbox(api)] == [scheduled["id"]]


def test_a_rescheduled_email_goes_out_once_at_its_new_time(api: Api, clock: Clock) -> None:
    clock.set(T0)
    lead = lead_with_contact(api)
    first, second = T0 + timedelta(hours=1), T0 + timedelta(hours=3)
    scheduled = email(api, lead, status="scheduled", date_scheduled=first.isoformat())
    url = f"activity/email/{scheduled['id']}/"
    api.ok("PUT", url, json={"status": "draft"})
    api.ok("PUT", url, json={"status": "scheduled", "date_scheduled": second.isoformat()})
    clock.set(first + timedelta(minutes=1))
    run_worker(api)
    assert api.ok("GET", url)["status"] == "scheduled" and outbox(api) == []
    clock.set(second)
    run_worker(api)
    assert api.ok("GET", url)["status"] == "sent" and len(outbox(api)) == 1


def test_deleting_a_waiting_email_cancels_it(api: Api, clock: Clock) -> None:
    clock.set(T0)
    lead = lead_with_contact(api)
    queued = email(api, lead, status="outbox", send_in=20)
    api.ok("DELETE", f"activity/email/{queued['id']}/")
    clock.set(T0 + timedelta(minutes=1))
    run_worker(api)
    assert outbox(api) == []


def test_drafts_and_logged_emails_are_not_sent(api: Api) -> None:
    lead = lead_with_contact(api)
    email(api, lead, status="draft")
    email(api, lead, status="sent")
    email(api, lead, status="inbox", sender="ann@acme.test")
    run_worker(api)
    assert outbox(api) == []


def test_an_unsubscribed_recipient_ends_the_email_in_error(api: Api) -> None:
    lead = lead_with_contact(api)
    api.ok("POST", "unsubscribe/email/", 201, json={"email": "Ann@Acme.test"})
    queued = email(api, lead, status="outbox", cc=["cy@acme.test"])
    run_worker(api)
    failed = api.ok("GET", f"activity/email/{queued['id']}/")
    assert (failed["status"], failed["date_sent"]) == ("error", None)
    (attempt,) = failed["send_attempts"]
    assert attempt["error_class"] == "RecipientUnsubscribed"
    assert attempt["error_message"] == "Not sent: ann@acme.test unsubscribed from emails."
    assert attempt["date"].endswith("+00:00")
    assert outbox(api) == []
    assert [e["action"] for e in events_of(api, queued["id"])] == ["created", "updated"]


def test_an_sms_goes_into_the_captured_outbox(api: Api) -> None:
    lead = lead_with_contact(api)
    queued = api.ok(
        "POST",
        "activity/sms/",
        json={
            "lead_id": lead["id"],
            "contact_id": lead["contacts"][0]["id"],
            "status": "outbox",
            "local_phone": "+14155550100",
            "remote_phone": "+14155550123",
            "text": "See you at 3",
        },
    )
    run_worker(api)
    sent = api.ok("GET", f"activity/sms/{queued['id']}/")
    assert (sent["status"], sent["error_message"]) == ("sent", None) and sent["date_sent"]
    (message,) = outbox(api, channel="sms")
    assert (message["from"], message["to"], message["text"], message["transport"]) == (
        "+14155550100",
        ["+14155550123"],
        "See you at 3",
        "captured",
    )
    assert [e["action"] for e in events_of(api, queued["id"])] == ["created", "updated", "sent"]


def test_an_sms_to_a_blocked_number_ends_in_error(api: Api) -> None:
    lead = lead_with_contact(api)
    api.ok("POST", "blocked_phone_number/", 201, json={"phone": "+14155550123", "reason": "Spam"})
    queued = api.ok(
        "POST",
        "activity/sms/",
        json={
            "lead_id": lead["id"],
            "status": "outbox",
            "local_phone": "+14155550100",
            "remote_phone": "+14155550123",
            "text": "Hi",
        },
    )
    run_worker(api)
    failed = api.ok("GET", f"activity/sms/{queued['id']}/")
    assert failed["status"] == "error"
    assert failed["error_message"] == "Not sent: +14155550123 is a blocked number."
    assert outbox(api) == []


def test_a_reply_carries_the_thread_headers(api: Api) -> None:
    lead = lead_with_contact(api)
    first = email(api, lead, status="outbox")
    run_worker(api)
    reply = email(api, lead, status="outbox", subject="Re: Your quote", in_reply_to_id=first["id"])
    run_worker(api)
    original, answer = sorted(outbox(api), key=lambda m: m["activity_id"] != first["id"])
    assert answer["headers"]["In-Reply-To"] == original["message_id"]
    assert answer["headers"]["References"] == original["message_id"]
    shown = api.ok("GET", f"activity/email/{reply['id']}/")
    assert shown["references"] == [original["message_id"]]
    assert shown["envelope"]["in_reply_to"] == original["message_id"]
    assert shown["thread_id"] == first["thread_id"]


def test_an_email_being_sent_can_no_longer_go_back_to_draft(api: Api) -> None:
    lead = lead_with_contact(api)
    queued = email(api, lead, status="outbox", send_in=30)
    # What the worker writes before handing the message to an SMTP server.
    with api.engine.begin() as conn:
        ledger.record(
            conn,
            api.org.organization_id,
            {
                "activity_id": queued["id"],
                "channel": "email",
                "transport": "smtp",
                "status": ledger.SENDING,
                "recipients": {"to": ["ann@acme.test"]},
                "parties": " ann@acme.test ",
            },
        )
    response = api.put(f"activity/email/{queued['id']}/", json={"status": "draft"})
    assert validation_errors(response) == {
        "status": "This Email is being sent and can no longer be canceled."
    }
    assert api.ok("GET", f"activity/email/{queued['id']}/")["status"] == "outbox"


def test_the_outbox_filters_shows_one_and_clears(api: Api, make_api: Callable[..., Api]) -> None:
    lead = lead_with_contact(api)
    other_lead = lead_with_contact(api, email="cy@beta.test", phone="+14155550124")
    email(api, lead, status="outbox")
    email(api, other_lead, status="outbox", to=["cy@beta.test"], contact_id=other_lead["contacts"][0]["id"])
    api.ok(
        "POST",
        "activity/sms/",
        json={
            "lead_id": lead["id"],
            "status": "outbox",
            "local_phone": "+14155550100",
            "remote_phone": "+14155550123",
        },
    )
    run_worker(api)
    assert len(outbox(api)) == 3
    assert [m["to"] for m in outbox(api, address="CY@beta.test")] == [["cy@beta.test"]]
    assert len(outbox(api, address="bo@example.com")) == 2  # the sender of both emails
    assert [m["channel"] for m in outbox(api, address="+14155550123")] == ["sms"]
    assert {m["lead_id"] for m in outbox(api, lead_id=lead["id"])} == {lead["id"]}
    assert len(outbox(api, lead_id=lead["id"])) == 2
    assert len(outbox(api, channel="email", status="sent")) == 2
    page = leadbase_api(api, "GET", OUTBOX, params={"_limit": 2}).json()
    assert len(page["data"]) == 2 and page["has_more"] is True
    assert validation_errors(leadbase_api(api, "GET", OUTBOX, params={"channel": "fax"})) == {
        "channel": "Not a valid choice: use email, sms."
    }

    one = outbox(api, channel="sms")[0]
    assert leadbase_api(api, "GET", f"{OUTBOX}{one['id']}/").json() == one
    # Another organization sees none of it.
    other = make_api()
    assert error_of(leadbase_api(other, "GET", f"{OUTBOX}{one['id']}/"), 404) == {
        "error": "Message not found."
    }
    assert leadbase_api(other, "DELETE", OUTBOX).json() == {"deleted": 0}
    assert len(outbox(api)) == 3
    assert api.client.get(OUTBOX).status_code == 401

    assert leadbase_api(api, "DELETE", f"{OUTBOX}{one['id']}/").json() == {}
    assert leadbase_api(api, "GET", f"{OUTBOX}{one['id']}/").status_code == 404
    assert leadbase_api(api, "DELETE", OUTBOX, params={"address": "cy@beta.test"}).json() == {"deleted": 1}
    assert leadbase_api(api, "DELETE", OUTBOX).json() == {"deleted": 1}
    assert outbox(api) == []
