"""The event actions beside created/updated/deleted that Close's log documents for activities and
tasks (search-events-automation.md §3.4): task `completed`, meeting `scheduled`/`started`/
`completed`/`canceled`, email and SMS `sent`. Call `answered`/`completed` never fire: Close sends
them only for calls placed through its own telephony, and every call leadbase holds is logged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from leadbase.core.errors import Invalid
from leadbase.db.context import Actor, Context
from leadbase.db.resource import resources
from leadbase.db.service import Service
from tests.custom_data import events_of, lead
from tests.resources.notes.test_meetings import synced_meeting
from tests.support import Api

Obj = dict[str, Any]


def actions(api: Api, object_id: str) -> list[str]:
    """The object's event actions, oldest first."""
    return [e["action"] for e in events_of(api, object_id)]


@contextmanager
def service_of(api: Api, path: str) -> Iterator[Service]:
    """The service of `path` in a committed transaction of the organization's admin (no request)."""
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            ctx = Context(conn=conn, actor=Actor(api.org.organization_id, api.org.user_id, None, "admin"))
            spec = resources.get(path)
            yield spec.service(ctx, spec)


def test_a_task_created_complete_is_created_then_completed(api: Api) -> None:
    holder = lead(api)
    task = api.ok("POST", "task/", json={"lead_id": holder["id"], "text": "Done", "is_complete": True})
    assert actions(api, task["id"]) == ["created", "completed"]
    completed = events_of(api, task["id"])[-1]
    assert (completed["object_type"], completed["lead_id"]) == ("task.lead", holder["id"])
    assert completed["data"]["is_complete"] is True and completed["previous_data"] == {}


def test_reopening_a_task_is_no_completion_and_bulk_completion_is(api: Api) -> None:
    holder = lead(api)
    task = api.ok("POST", "task/", json={"lead_id": holder["id"], "text": "Call"})
    api.ok("PUT", f"task/{task['id']}/", json={"is_complete": True})
    api.ok("PUT", f"task/{task['id']}/", json={"is_complete": False})
    assert actions(api, task["id"]) == ["created", "updated", "completed", "updated"]
    api.ok("PUT", "task/", params={"id": task["id"]}, json={"is_complete": True})
    assert actions(api, task["id"])[-2:] == ["updated", "completed"]


@pytest.mark.parametrize(
    ("status", "action"),
    [("in-progress", "started"), ("completed", "completed"), ("canceled", "canceled")],
)
def test_a_meeting_coming_to_a_status_logs_its_action(api: Api, status: str, action: str) -> None:
    meeting = synced_meeting(api, lead(api)["id"])
    assert actions(api, meeting["id"]) == ["created", "scheduled"]
    changed = api.ok("PUT", f"activity/meeting/{meeting['id']}/", json={"status": status})
    assert actions(api, meeting["id"]) == ["created", "scheduled", "updated", action]
    last = events_of(api, meeting["id"])[-1]
    assert (last["object_type"], last["data"]) == ("activity.meeting", changed)
    # The same status again changes nothing and announces nothing.
    api.ok("PUT", f"activity/meeting/{meeting['id']}/", json={"status": status, "title": "Renamed"})
    assert actions(api, meeting["id"])[-1] == "updated"
    assert actions(api, meeting["id"]).count(action) == 1


def test_a_declined_meeting_is_only_updated(api: Api) -> None:
    meeting = synced_meeting(api, lead(api)["id"], status="completed")
    assert actions(api, meeting["id"]) == ["created", "completed"]
    api.ok("PUT", f"activity/meeting/{meeting['id']}/", json={"status": "declined-by-lead"})
    assert actions(api, meeting["id"]) == ["created", "completed", "updated"]


def test_a_sent_email_is_updated_then_sent(api: Api) -> None:
    holder = lead(api)
    email = api.ok(
        "POST",
        "activity/email/",
        json={"lead_id": holder["id"], "status": "outbox", "sender": "me@acme.test", "to": ["ann@acme.test"]},
    )
    with service_of(api, "activity/email") as service:
        row = service.get(email["id"])
        service.mark_sent(row)  # type: ignore[attr-defined]
    shown = api.ok("GET", f"activity/email/{email['id']}/")
    assert shown["status"] == "sent" and shown["date_sent"] is not None
    assert shown["activity_at"] == shown["date_sent"]
    assert actions(api, email["id"]) == ["created", "updated", "sent"]
    sent = events_of(api, email["id"])[-1]
    assert (sent["object_type"], sent["data"]["status"]) == ("activity.email", "sent")


def test_a_sent_sms_is_updated_then_sent(api: Api) -> None:
    holder = lead(api)
    phones = {"local_phone": "+14155550100", "remote_phone": "+14155550101"}
    sms = api.ok(
        "POST", "activity/sms/", json={"lead_id": holder["id"], "status": "outbox", "text": "Hi", **phones}
    )
    with service_of(api, "activity/sms") as service:
        service.mark_sent(service.get(sms["id"]))  # type: ignore[attr-defined]
    assert api.ok("GET", f"activity/sms/{sms['id']}/")["status"] == "sent"
    assert actions(api, sms["id"]) == ["created", "updated", "sent"]


def test_only_messages_waiting_to_go_out_are_sent(api: Api) -> None:
    holder = lead(api)
    received = api.ok(
        "POST",
        "activity/email/",
        json={"lead_id": holder["id"], "status": "inbox", "sender": "ann@acme.test"},
    )
    with pytest.raises(Invalid), service_of(api, "activity/email") as service:
        service.mark_sent(service.get(received["id"]))  # type: ignore[attr-defined]
    assert actions(api, received["id"]) == ["created"]
    assert api.ok("GET", f"activity/email/{received['id']}/")["status"] == "inbox"


def test_logged_calls_are_never_answered_or_completed(api: Api) -> None:
    holder = lead(api)
    call = api.ok("POST", "activity/call/", json={"lead_id": holder["id"], "status": "in-progress"})
    api.ok("PUT", f"activity/call/{call['id']}/", json={"status": "completed", "disposition": "answered"})
    assert actions(api, call["id"]) == ["created", "updated"]
