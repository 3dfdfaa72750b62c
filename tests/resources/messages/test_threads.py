"""Email threads (/activity/emailthread/): grouping, reading, deleting; `thread_emails` on GET /activity/."""

from __future__ import annotations

from typing import Any

from tests.custom_data import events_of, lead
from tests.support import Api

Obj = dict[str, Any]


def _email(api: Api, lead_id: str, subject: str, **body: Any) -> Obj:
    created: Obj = api.ok(
        "POST", "activity/email/", json={"lead_id": lead_id, "status": "sent", "subject": subject, **body}
    )
    return created


def test_emails_of_a_lead_with_one_subject_share_a_thread(api: Api) -> None:
    holder, other = lead(api), lead(api, "Other")
    first = _email(api, holder["id"], "Pricing", to=["ann@acme.test"], activity_at="2024-01-01T10:00:00Z")
    reply = _email(
        api,
        holder["id"],
        "RE:  Re: pricing",
        sender='"Ann" <ann@acme.test>',
        activity_at="2024-01-02T10:00:00Z",
    )
    elsewhere = _email(api, other["id"], "Pricing")
    unrelated = _email(api, holder["id"], "Contract")
    # A reply named by in_reply_to_id joins its original's thread whatever its subject.
    answered = _email(api, holder["id"], "Something else", in_reply_to_id=unrelated["id"])
    assert reply["thread_id"] == first["thread_id"]
    assert len({first["thread_id"], elsewhere["thread_id"], unrelated["thread_id"]}) == 3
    assert answered["thread_id"] == unrelated["thread_id"]
    thread = api.ok("GET", f"activity/emailthread/{first['thread_id']}/")
    assert thread["_type"] == "EmailThread" and thread["lead_id"] == holder["id"]
    assert (thread["n_emails"], thread["latest_normalized_subject"]) == (2, "pricing")
    # Newest first, in full.
    assert [e["id"] for e in thread["emails"]] == [reply["id"], first["id"]]
    assert thread["emails"][0]["body_text"] == reply["body_text"]
    assert thread["activity_at"] == reply["activity_at"]
    assert {p["email"] for p in thread["participants"]} >= {"ann@acme.test"}
    listed = api.ok("GET", "activity/emailthread/", params={"lead_id": holder["id"]})["data"]
    assert {t["id"] for t in listed} == {first["thread_id"], unrelated["thread_id"]}
    (event, *_rest) = events_of(api, first["thread_id"])
    assert (event["object_type"], event["action"]) == ("activity.email_thread", "created")


def test_threads_are_read_and_deleted_only(api: Api) -> None:
    holder = lead(api)
    email = _email(api, holder["id"], "Hello")
    assert api.post("activity/emailthread/", json={"lead_id": holder["id"]}).status_code == 405
    assert api.put(f"activity/emailthread/{email['thread_id']}/", json={}).status_code == 405


def test_deleting_a_thread_deletes_its_emails(api: Api) -> None:
    holder = lead(api)
    first = _email(api, holder["id"], "Hello")
    second = _email(api, holder["id"], "Re: Hello")
    kept = _email(api, holder["id"], "Other")
    assert api.ok("DELETE", f"activity/emailthread/{first['thread_id']}/") == {}
    assert [e["id"] for e in api.ok("GET", "activity/email/")["data"]] == [kept["id"]]
    for gone in (first, second):
        assert [e["action"] for e in events_of(api, gone["id"])] == ["created", "deleted"]
    assert events_of(api, first["thread_id"])[-1]["action"] == "deleted"


def test_the_thread_of_a_lone_email_goes_with_it(api: Api) -> None:
    holder = lead(api)
    first = _email(api, holder["id"], "Hello")
    second = _email(api, holder["id"], "Re: Hello")
    api.ok("DELETE", f"activity/email/{first['id']}/")
    assert api.ok("GET", f"activity/emailthread/{first['thread_id']}/")["n_emails"] == 1
    api.ok("DELETE", f"activity/email/{second['id']}/")
    assert api.get(f"activity/emailthread/{first['thread_id']}/").status_code == 404


def test_thread_emails_on_the_activity_feed(api: Api) -> None:
    holder = lead(api)
    first = _email(api, holder["id"], "Hello", body_text="long body")
    second = _email(api, holder["id"], "Re: Hello")
    sms = api.ok("POST", "activity/sms/", json={"lead_id": holder["id"], "status": "inbox", "text": "hi"})

    def types(**params: str) -> list[tuple[str, str]]:
        data = api.ok("GET", "activity/", params={"lead_id": holder["id"], **params})["data"]
        # The lead's own Created activity aside.
        return [(a["_type"], a["id"]) for a in data if a["_type"] != "Created"]

    # Absent: one Email per message, no threads.
    assert types() == [("SMS", sms["id"]), ("Email", second["id"]), ("Email", first["id"])]
    # true: threads in place of the emails, their emails stripped down.
    assert types(thread_emails="true") == [("SMS", sms["id"]), ("EmailThread", first["thread_id"])]
    thread = api.ok("GET", "activity/", params={"thread_emails": "true"})["data"][1]
    assert [e["id"] for e in thread["emails"]] == [second["id"], first["id"]]
    assert "body_text" not in thread["emails"][1] and thread["emails"][1]["body_preview"] == "long body"
    # only: threads alone, in full.
    assert types(thread_emails="only") == [("EmailThread", first["thread_id"])]
    only = api.ok("GET", "activity/", params={"thread_emails": "only"})["data"][0]
    assert only["emails"][1]["body_text"] == "long body"
    # A _type naming threads shows them without thread_emails.
    assert types(_type="EmailThread") == [("EmailThread", first["thread_id"])]
    response = api.get("activity/", params={"thread_emails": "sometimes"})
    assert response.status_code == 400 and "thread_emails" in response.json()["field-errors"]


def test_a_lead_merge_moves_emails_and_threads(api: Api) -> None:
    source, destination = lead(api, "Source"), lead(api, "Destination")
    moved = _email(api, source["id"], "Hello")
    api.ok("POST", "lead/merge/", json={"source": source["id"], "destination": destination["id"]})
    assert api.ok("GET", f"activity/email/{moved['id']}/")["lead_id"] == destination["id"]
    thread = api.ok("GET", f"activity/emailthread/{moved['thread_id']}/")
    assert thread["lead_id"] == destination["id"] and thread["n_emails"] == 1
    # A later email of the destination with that subject joins the moved thread.
    assert _email(api, destination["id"], "Re: hello")["thread_id"] == moved["thread_id"]
