"""Inbound email and SMS injected through /api/leadbase/inbound/: incoming activities on the
contact's lead, threaded with what leadbase sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.custom_data import events_of
from tests.resources.messages.outbox import (
    INBOUND,
    email,
    lead_with_contact,
    leadbase_api,
    outbox,
    run_worker,
)
from tests.support import Api, validation_errors

Obj = dict[str, Any]


def inbound(api: Api, kind: str, body: Obj) -> Obj:
    response = leadbase_api(api, "POST", f"{INBOUND}{kind}/", json=body)
    assert response.status_code == 200, response.text
    created: Obj = response.json()
    return created


def test_a_reply_threads_with_the_email_it_answers(api: Api) -> None:
    lead = lead_with_contact(api)
    sent = email(api, lead, status="outbox")
    run_worker(api)
    (message,) = outbox(api)
    reply = inbound(
        api,
        "email",
        {
            "from": '"Ann" <Ann@Acme.test>',
            "to": ["bo@example.com"],
            "subject": "Re: Your quote",
            "body_text": "Looks good",
            "in_reply_to": message["message_id"],
            "message_id": "<reply-1@acme.test>",
        },
    )
    assert (reply["_type"], reply["status"], reply["direction"]) == ("Email", "inbox", "incoming")
    assert (reply["lead_id"], reply["contact_id"], reply["thread_id"]) == (
        lead["id"],
        lead["contacts"][0]["id"],
        sent["thread_id"],
    )
    assert reply["in_reply_to_id"] == sent["id"] and reply["user_id"] == sent["user_id"]
    assert reply["message_ids"] == ["<reply-1@acme.test>"]
    assert reply["envelope"]["in_reply_to"] == message["message_id"]
    assert reply["references"] == [message["message_id"]]
    assert api.ok("GET", f"activity/email/{reply['id']}/") == reply
    thread = api.ok("GET", f"activity/emailthread/{sent['thread_id']}/")
    assert [e["id"] for e in thread["emails"]] == [reply["id"], sent["id"]]
    # One `created` event, incoming: what a watcher of replies (sequences) looks for.
    (created,) = events_of(api, reply["id"])
    assert (created["object_type"], created["action"]) == ("activity.email", "created")
    assert (
        created["data"]["direction"] == "incoming"
        and created["data"]["contact_id"] == lead["contacts"][0]["id"]
    )
    # Nothing is sent back.
    run_worker(api)
    assert len(outbox(api)) == 1


def test_a_reply_by_activity_id_or_thread(api: Api) -> None:
    lead = lead_with_contact(api)
    sent = email(api, lead, status="sent")
    by_id = inbound(api, "email", {"from": "ann@acme.test", "subject": "Hm", "in_reply_to": sent["id"]})
    assert by_id["thread_id"] == sent["thread_id"] and by_id["in_reply_to_id"] == sent["id"]
    by_thread = inbound(
        api, "email", {"from": "ann@acme.test", "subject": "Also", "thread_id": sent["thread_id"]}
    )
    assert by_thread["thread_id"] == sent["thread_id"] and by_thread["in_reply_to_id"] == by_id["id"]
    assert by_thread["references"] == [by_id["message_ids"][0]]


def test_a_new_email_from_a_contact_goes_on_their_lead(api: Api) -> None:
    lead_with_contact(api, email="cy@beta.test")
    lead = lead_with_contact(api)
    received = inbound(
        api,
        "email",
        {"from": "ann@acme.test", "subject": "Hello", "body_html": "<p>Hi <script>x</script>there</p>"},
    )
    assert (received["lead_id"], received["contact_id"]) == (lead["id"], lead["contacts"][0]["id"])
    assert received["body_text"] == "Hi there" and received["user_id"] == api.org.user_id
    assert received["message_ids"][0].endswith("@acme.test>")


def test_bad_or_unknown_inbound_emails_are_400s(api: Api, make_api: Callable[..., Api]) -> None:
    lead = lead_with_contact(api)

    def errors(body: Obj) -> Obj:
        return validation_errors(leadbase_api(api, "POST", f"{INBOUND}email/", json=body))

    assert errors({}) == {"from": "This field is required."}
    assert errors({"from": "nobody"}) == {"from": "Enter a valid email address."}
    assert errors({"from": "ann@acme.test", "to": [1], "subject": 5}) == {
        "to": "A list of email addresses.",
        "subject": "Not a valid string.",
    }
    assert errors({"from": "zed@acme.test"}) == {
        "from": "No contact has the address zed@acme.test: add it to a contact first."
    }
    assert errors({"from": "ann@acme.test", "thread_id": "acti_nothing"}) == {
        "thread_id": "No email thread with this id."
    }
    # Another organization's messages are not answered: its contacts are unknown here.
    sent = email(api, lead, status="sent")
    other = make_api()
    response = leadbase_api(
        other, "POST", f"{INBOUND}email/", json={"from": "ann@acme.test", "in_reply_to": sent["id"]}
    )
    assert validation_errors(response) == {
        "from": "No contact has the address ann@acme.test: add it to a contact first."
    }
    assert other.ok("GET", "activity/email/")["data"] == []
    assert [e["id"] for e in api.ok("GET", "activity/email/")["data"]] == [sent["id"]]


def test_an_inbound_sms_answers_the_last_text_sent_to_the_number(api: Api) -> None:
    lead_with_contact(api)  # an older lead with the same number
    lead = lead_with_contact(api, email="cy@beta.test")
    api.ok(
        "POST",
        "activity/sms/",
        json={
            "lead_id": lead["id"],
            "contact_id": lead["contacts"][0]["id"],
            "status": "outbox",
            "local_phone": "+14155550100",
            "remote_phone": "+14155550123",
            "text": "Hi",
        },
    )
    run_worker(api)
    received = inbound(api, "sms", {"from": "+1 (415) 555-0123", "to": "+14155550100", "text": "Yes!"})
    assert (received["_type"], received["status"], received["direction"]) == ("SMS", "inbox", "inbound")
    assert (received["lead_id"], received["contact_id"]) == (lead["id"], lead["contacts"][0]["id"])
    assert (received["remote_phone"], received["local_phone"], received["text"]) == (
        "+14155550123",
        "+14155550100",
        "Yes!",
    )
    assert [e["action"] for e in events_of(api, received["id"])] == ["created"]


def test_inbound_sms_errors(api: Api) -> None:
    lead_with_contact(api)

    def errors(body: Obj) -> Obj:
        return validation_errors(leadbase_api(api, "POST", f"{INBOUND}sms/", json=body))

    assert set(errors({"text": 3})) == {"from", "to", "text"}
    assert errors({"from": "+14155550199", "to": "+14155550100"}) == {
        "from": "No contact has the number +14155550199: add it to a contact first."
    }
    api.ok("POST", "blocked_phone_number/", 201, json={"phone": "+14155550123", "reason": "Spam"})
    assert errors({"from": "+14155550123", "to": "+14155550100"}) == {
        "from": "+14155550123 is a blocked number: leadbase takes no text from it."
    }
    assert api.ok("GET", "activity/sms/")["data"] == []
