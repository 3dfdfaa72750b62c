"""Emails (/activity/email/): statuses and the transitions Close allows, bodies, senders, attachments."""

from __future__ import annotations

from typing import Any

from tests.custom_data import contact, events_of, lead
from tests.resources.messages.helpers import announced, uploaded
from tests.support import Api, validation_errors

Obj = dict[str, Any]


def _email(api: Api, **body: Any) -> Obj:
    created: Obj = api.ok("POST", "activity/email/", json=body)
    return created


def _nothing_written(api: Api) -> None:
    assert api.ok("GET", "activity/email/")["data"] == []
    assert api.ok("GET", "activity/emailthread/")["data"] == []
    # The lead's own Created activity aside, no activity was written.
    written = [e for e in api.events() if e["object_type"].startswith("activity.")]
    assert [e for e in written if e["object_type"] != "activity.created"] == []


def test_a_logged_sent_email_has_closes_attributes(api: Api) -> None:
    holder = lead(api)
    ann = contact(api, holder["id"])
    created = _email(
        api,
        lead_id=holder["id"],
        contact_id=ann["id"],
        status="sent",
        subject="Proposal",
        to=['"Ann Smith" <ann@acme.test>'],
        cc=["boss@acme.test"],
        body_text="Hello Ann,\nhere it is.",
    )
    assert created["id"].startswith("acti_") and created["_type"] == "Email"
    assert (created["status"], created["direction"]) == ("sent", "outgoing")
    # A sent email without a sender is the user's.
    assert created["sender"].endswith("@example.com>") and created["user_id"] == api.org.user_id
    assert created["date_sent"] == created["activity_at"] == created["date_created"]
    assert created["body_html"] == "Hello Ann,<br>here it is."
    assert created["body_preview"] == "Hello Ann, here it is."
    assert created["envelope"]["to"] == [{"email": "ann@acme.test", "name": "Ann Smith"}]
    assert created["envelope"]["subject"] == "Proposal" and created["envelope"]["date"]
    assert (created["bcc"], created["attachments"], created["opens"], created["send_attempts"]) == (
        [],
        [],
        [],
        [],
    )
    assert created["thread_id"].startswith("acti_")
    assert api.ok("GET", f"activity/email/{created['id']}/") == created
    (event,) = events_of(api, created["id"])
    assert (event["object_type"], event["action"], event["lead_id"]) == (
        "activity.email",
        "created",
        holder["id"],
    )


def test_inbox_is_incoming_and_needs_a_sender(api: Api) -> None:
    holder = lead(api)
    body = {"lead_id": holder["id"], "status": "inbox", "subject": "Question"}
    assert validation_errors(api.post("activity/email/", json=body)) == {
        "sender": "A sender is required for an email with status inbox."
    }
    _nothing_written(api)
    received = _email(api, **body, sender='"Ann" <ann@acme.test>', activity_at="2024-05-01T09:00:00Z")
    assert received["direction"] == "incoming"
    assert received["date_sent"] == received["activity_at"] == "2024-05-01T09:00:00.000000+00:00"


def test_body_html_is_sanitized_and_fills_body_text(api: Api) -> None:
    holder = lead(api)
    created = _email(
        api,
        lead_id=holder["id"],
        status="draft",
        body_html='<p onclick="x()">Hi <b>Ann</b></p><script>alert(1)</script><a href="javascript:x()">y</a>',
    )
    assert created["body_html"] == "<p>Hi <b>Ann</b></p><a>y</a>"
    assert created["body_text"] == "Hi Ann\ny"
    # Both written: both kept (the HTML still sanitized).
    both = _email(
        api,
        lead_id=holder["id"],
        status="draft",
        body_text="plain",
        body_html="<i>rich</i><img src=x onerror=y>",
    )
    assert (both["body_text"], both["body_html"]) == ("plain", '<i>rich</i><img src="x">')
    # A draft's later text replaces both.
    changed = api.ok("PUT", f"activity/email/{created['id']}/", json={"body_text": "a < b"})
    assert (changed["body_text"], changed["body_html"]) == ("a < b", "a &lt; b")


def test_bad_input_names_the_field_and_writes_nothing(api: Api, make_api: Any) -> None:
    holder = lead(api)
    stranger = make_api()
    their_lead = lead(stranger)
    their_contact = contact(stranger, their_lead["id"])
    other_lead = lead(api, "Other")
    other_contact = contact(api, other_lead["id"])
    cases: list[tuple[Obj, str]] = [
        ({"lead_id": holder["id"]}, "status"),
        ({"lead_id": holder["id"], "status": "archived"}, "status"),
        ({"status": "draft"}, "lead"),
        ({"lead_id": their_lead["id"], "status": "draft"}, "lead"),
        ({"lead_id": holder["id"], "status": "draft", "contact_id": their_contact["id"]}, "contact"),
        ({"lead_id": holder["id"], "status": "draft", "contact_id": other_contact["id"]}, "contact"),
        ({"lead_id": holder["id"], "status": "draft", "user_id": stranger.org.user_id}, "user"),
        ({"lead_id": holder["id"], "status": "draft", "to": ["not an address"]}, "to"),
        ({"lead_id": holder["id"], "status": "draft", "sender": "nobody"}, "sender"),
        ({"lead_id": holder["id"], "status": "outbox"}, "sender"),
        ({"lead_id": holder["id"], "status": "error"}, "sender"),
        ({"lead_id": holder["id"], "status": "scheduled", "sender": "me@acme.test"}, "date_scheduled"),
        ({"lead_id": holder["id"], "status": "sent", "send_in": 30}, "send_in"),
        ({"lead_id": holder["id"], "status": "outbox", "sender": "me@acme.test", "send_in": 60}, "send_in"),
        ({"lead_id": holder["id"], "status": "draft", "followup_date": "2030-01-01"}, "followup_date"),
        ({"lead_id": holder["id"], "status": "draft", "date_scheduled": "soon"}, "date_scheduled"),
        ({"lead_id": holder["id"], "status": "draft", "in_reply_to_id": "acti_nothing"}, "in_reply_to_id"),
        ({"lead_id": holder["id"], "status": "draft", "opens": [{"who": "x"}]}, "opens"),
    ]
    for body, key in cases:
        errors = validation_errors(api.post("activity/email/", json=body))
        assert key in errors, (body, errors)
    _nothing_written(api)


def test_a_draft_is_sent_now_or_later_and_cancelled_back_to_draft(api: Api) -> None:
    holder = lead(api)
    draft = _email(api, lead_id=holder["id"], status="draft", subject="Draft")
    assert (draft["status"], draft["sender"], draft["date_sent"]) == ("draft", None, None)
    url = f"activity/email/{draft['id']}/"
    # Sending needs a sender; scheduling a date.
    assert "sender" in validation_errors(api.put(url, json={"status": "outbox"}))
    errors = validation_errors(api.put(url, json={"status": "scheduled", "sender": "me@acme.test"}))
    assert errors == {"date_scheduled": "A scheduled email needs date_scheduled."}
    edited = api.ok("PUT", url, json={"subject": "Final", "to": ["ann@acme.test"]})
    assert (edited["subject"], edited["to"]) == ("Final", ["ann@acme.test"])
    scheduled = api.ok(
        "PUT",
        url,
        json={"status": "scheduled", "sender": "me@acme.test", "date_scheduled": "2030-01-01T10:00:00Z"},
    )
    assert scheduled["status"] == "scheduled"
    assert scheduled["date_scheduled"] == scheduled["activity_at"] == "2030-01-01T10:00:00.000000+00:00"
    # No mail leaves leadbase: a scheduled email stays scheduled, unsent.
    assert scheduled["date_sent"] is None
    # Only drafts change; a scheduled email goes back to draft first.
    assert validation_errors(api.put(url, json={"subject": "Changed"})) == {
        "subject": "Only draft emails can be changed; this one is scheduled."
    }
    assert validation_errors(api.put(url, json={"status": "sent"})) == {
        "status": "An email cannot go from scheduled to sent."
    }
    cancelled = api.ok("PUT", url, json={"status": "draft"})
    assert cancelled["status"] == "draft"
    queued = api.ok("PUT", url, json={"status": "outbox", "send_in": 10})
    assert queued["status"] == "outbox" and queued["date_sent"] is None
    back = api.ok("PUT", url, json={"status": "draft", "subject": "Fixed"})
    assert (back["status"], back["subject"]) == ("draft", "Fixed")
    actions = [e["action"] for e in events_of(api, draft["id"])]
    assert actions == ["created", "updated", "updated", "updated", "updated", "updated"]


def test_sent_and_received_emails_are_final(api: Api) -> None:
    holder = lead(api)
    ann = contact(api, holder["id"])
    sent = _email(api, lead_id=holder["id"], status="sent", subject="Done")
    url = f"activity/email/{sent['id']}/"
    for body, key in (
        ({"status": "draft"}, "status"),
        ({"status": "outbox"}, "status"),
        ({"subject": "Rewritten"}, "subject"),
        ({"body_text": "Rewritten"}, "body_text"),
        ({"lead_id": lead(api, "Elsewhere")["id"]}, "lead"),
    ):
        assert key in validation_errors(api.put(url, json=body)), body
    assert api.ok("GET", url) == sent
    # Who it is about may still be set.
    assert api.ok("PUT", url, json={"contact_id": ann["id"]})["contact_id"] == ann["id"]
    inbox = _email(api, lead_id=holder["id"], status="inbox", sender="ann@acme.test")
    assert "status" in validation_errors(api.put(f"activity/email/{inbox['id']}/", json={"status": "draft"}))


def test_attachments_are_this_organizations_uploads(api: Api, make_api: Any) -> None:
    holder = lead(api)
    url = uploaded(api, "deck.pdf", "application/pdf", b"%PDF-1.4")
    created = _email(
        api,
        lead_id=holder["id"],
        status="draft",
        attachments=[{"url": url, "filename": "deck.pdf", "content_id": "c1", "inline_only": False}],
    )
    assert created["attachments"] == [
        {
            "url": url,
            "filename": "deck.pdf",
            "content_type": "application/pdf",
            "size": 8,
            "content_id": "c1",
            "inline_only": False,
        }
    ]
    theirs = uploaded(make_api())
    for attachments, message in (
        ([{"url": theirs, "filename": "deck.pdf"}], "Not a file uploaded to this organization."),
        ([{"url": announced(api), "filename": "later.pdf"}], "The file's upload has not completed."),
        (
            [{"url": "https://example.com/file.pdf", "filename": "x.pdf"}],
            "Not a download URL of a file uploaded through /files/upload/.",
        ),
        ([{"url": url}], "This field is required."),
    ):
        errors = validation_errors(
            api.post(
                "activity/email/",
                json={"lead_id": holder["id"], "status": "draft", "attachments": attachments},
            )
        )
        assert list(errors) == ["attachments"]
        assert message in str(errors["attachments"]), errors
    assert len(api.ok("GET", "activity/email/")["data"]) == 1


def test_lists_filter_and_deleting_the_lead_deletes_its_emails(api: Api) -> None:
    first, second = lead(api, "First"), lead(api, "Second")
    a = _email(api, lead_id=first["id"], status="draft", subject="A")
    b = _email(api, lead_id=second["id"], status="sent", subject="B")
    assert [e["id"] for e in api.ok("GET", "activity/email/")["data"]] == [b["id"], a["id"]]
    assert [e["id"] for e in api.ok("GET", "activity/email/", params={"lead_id": first["id"]})["data"]] == [
        a["id"]
    ]
    assert [e["id"] for e in api.ok("GET", "activity/email/", params={"status": "sent"})["data"]] == [b["id"]]
    api.ok("DELETE", f"lead/{first['id']}/")
    assert [e["id"] for e in api.ok("GET", "activity/email/")["data"]] == [b["id"]]
    assert [t["id"] for t in api.ok("GET", "activity/emailthread/")["data"]] == [b["thread_id"]]
    assert [e["action"] for e in events_of(api, a["id"])] == ["created", "deleted"]


def test_deleting_an_email(api: Api) -> None:
    holder = lead(api)
    created = _email(api, lead_id=holder["id"], status="draft")
    assert api.ok("DELETE", f"activity/email/{created['id']}/") == {}
    assert api.get(f"activity/email/{created['id']}/").status_code == 404
    assert api.delete(f"activity/email/{created['id']}/").status_code == 404
