"""Tasks through the HTTP API: types, dates, views, filters, bulk update, the lead's open tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support import Api, Clock, error_of, validation_errors

NOON = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def lead(api: Api) -> dict[str, Any]:
    lead: dict[str, Any] = api.ok(
        "POST", "lead/", json={"name": "Acme Widgets", "contacts": [{"name": "Ann Buyer"}]}
    )
    return lead


def _task(api: Api, lead: dict[str, Any], **body: Any) -> dict[str, Any]:
    task: dict[str, Any] = api.ok("POST", "task/", json={"lead_id": lead["id"], "text": "Call", **body})
    return task


def test_a_dateless_lead_task_is_due_today_and_assigned_to_its_creator(
    api: Api, lead: dict[str, Any], clock: Clock
) -> None:
    clock.set(NOON)
    task = api.ok("POST", "task/", json={"lead_id": lead["id"], "text": "Send pricing"})
    assert task["id"].startswith("task_")
    assert task["_type"] == "lead"
    assert (task["lead_name"], task["text"]) == ("Acme Widgets", "Send pricing")
    assert (task["date"], task["is_dateless"], task["is_complete"], task["view"]) == (
        "2024-05-01",
        True,
        False,
        "inbox",
    )
    assert task["assigned_to"] == api.org.user_id and task["assigned_to_name"]
    assert (task["object_type"], task["object_id"], task["contact_id"]) == (None, None, None)
    assert api.ok("GET", f"task/{task['id']}/") == task


def test_date_only_and_timed_tasks(api: Api, lead: dict[str, Any], clock: Clock) -> None:
    clock.set(NOON)
    dated = _task(api, lead, date="2024-05-03")
    assert (dated["date"], dated["is_dateless"], dated["view"]) == ("2024-05-03", False, "future")
    timed = _task(api, lead, date="2024-05-01T15:30:00+02:00")
    assert timed["date"] == "2024-05-01T13:30:00.000000+00:00"
    assert timed["view"] == "inbox"
    # The deprecated due_date is read as date, and mirrors it.
    old = _task(api, lead, due_date="2024-04-30")
    assert (old["date"], old["due_date"]) == ("2024-04-30", "2024-04-30")


def test_bad_bodies_are_refused_with_close_field_errors(api: Api, lead: dict[str, Any]) -> None:
    assert validation_errors(api.post("task/", json={"lead_id": "lead_nope", "text": "x"})) == {
        "lead": "Object does not exist."
    }
    errors = validation_errors(api.post("task/", json={"lead_id": lead["id"]}))
    assert set(errors) == {"text"}
    errors = validation_errors(
        api.post(
            "task/",
            json={
                "lead_id": lead["id"],
                "text": "x",
                "date": "soon",
                "assigned_to": "user_nobody",
                "is_complete": "yes",
                "priority": "urgent",
            },
        )
    )
    assert set(errors) == {"date", "assigned_to", "is_complete", "priority"}
    assert api.ok("GET", "task/")["data"] == []


def test_system_types_are_not_created_through_the_api(api: Api, lead: dict[str, Any]) -> None:
    for kind in ("missed_call", "incoming_email", "voicemail", "opportunity_due"):
        errors = validation_errors(api.post("task/", json={"_type": kind, "lead_id": lead["id"]}))
        assert "_type" in errors
    assert "_type" in validation_errors(api.post("task/", json={"_type": "chore", "lead_id": lead["id"]}))


def test_outgoing_call_tasks_need_a_contact_of_the_lead(api: Api, lead: dict[str, Any]) -> None:
    errors = validation_errors(api.post("task/", json={"_type": "outgoing_call", "lead_id": lead["id"]}))
    assert "contact" in errors
    contact_id = lead["contacts"][0]["id"]
    call = api.ok(
        "POST", "task/", json={"_type": "outgoing_call", "lead_id": lead["id"], "contact_id": contact_id}
    )
    assert (call["_type"], call["contact_id"], call["contact_name"]) == (
        "outgoing_call",
        contact_id,
        "Ann Buyer",
    )
    other = api.ok("POST", "lead/", json={"name": "Other", "contacts": [{"name": "Bob"}]})
    errors = validation_errors(
        api.post("task/", json={"lead_id": lead["id"], "text": "x", "contact_id": other["contacts"][0]["id"]})
    )
    assert "contact" in errors
    # Listing without _type shows lead tasks only; _type=all or _type__in shows the others.
    assert api.ok("GET", "task/")["data"] == []
    assert [t["id"] for t in api.ok("GET", "task/", params={"_type": "all"})["data"]] == [call["id"]]
    assert [t["id"] for t in api.ok("GET", "task/", params={"_type__in": "lead,outgoing_call"})["data"]] == [
        call["id"]
    ]


def test_views_follow_the_callers_today(api: Api, lead: dict[str, Any], clock: Clock) -> None:
    clock.set(NOON)
    overdue = _task(api, lead, date="2024-04-20")
    today = _task(api, lead, date="2024-05-01")
    tonight = _task(api, lead, date="2024-05-01T23:30:00+00:00")
    tomorrow = _task(api, lead, date="2024-05-02")
    done = _task(api, lead, date="2024-04-01", is_complete=True)

    def view(name: str, **headers: str) -> list[str]:
        data = api.ok("GET", "task/", params={"view": name, "_order_by": "date"}, headers=headers)["data"]
        return [t["id"] for t in data]

    assert view("inbox") == [overdue["id"], today["id"], tonight["id"]]
    assert view("future") == [tomorrow["id"]]
    assert view("archive") == [done["id"]]
    # At UTC+14 it is already 2 May 02:00: tomorrow's date-only task is in today's inbox now,
    # and so is a timed task of 2 May 01:00 local.
    assert view("inbox", **{"x-tz-offset": "14"}) == [
        overdue["id"],
        today["id"],
        tonight["id"],
        tomorrow["id"],
    ]
    # The view is part of each task's representation.
    assert api.ok("GET", f"task/{tomorrow['id']}/")["view"] == "future"
    # inbox overrides date__gte (Close documents it).
    data = api.ok("GET", "task/", params={"view": "inbox", "date__gte": "2024-05-01"})["data"]
    assert {t["id"] for t in data} == {overdue["id"], today["id"], tonight["id"]}
    assert "view" in validation_errors(api.get("task/", params={"view": "someday"}))


def test_date_filters_and_order(api: Api, lead: dict[str, Any]) -> None:
    a = _task(api, lead, date="2024-05-01T09:00:00+00:00")
    b = _task(api, lead, date="2024-05-01")
    c = _task(api, lead, date="2024-05-02")

    def ids(**params: str) -> list[str]:
        return [t["id"] for t in api.ok("GET", "task/", params=params)["data"]]

    # A date-only task comes before the timed tasks of its day.
    assert ids(_order_by="date") == [b["id"], a["id"], c["id"]]
    assert ids(_order_by="-date") == [c["id"], a["id"], b["id"]]
    assert set(ids(date="2024-05-01")) == {a["id"], b["id"]}
    assert ids(date__gte="2024-05-02") == [c["id"]]
    assert set(ids(date__lt="2024-05-02")) == {a["id"], b["id"]}
    assert set(ids(date__gt="2024-05-01")) == {c["id"]}
    assert ids(date__lte="2024-04-30") == []
    assert ids(date__gt="2024-05-01T10:00:00+00:00") == [c["id"]]
    assert "date__lt" in validation_errors(api.get("task/", params={"date__lt": "tomorrow"}))
    assert "_order_by" in validation_errors(api.get("task/", params={"_order_by": "text"}))


def test_filters_by_assignee_lead_completion_and_id(
    api: Api, lead: dict[str, Any], make_api: Callable[..., Api]
) -> None:
    org_name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    colleague = make_api(organization_name=org_name, role="user")
    mine = _task(api, lead)
    theirs = _task(api, lead, assigned_to=colleague.org.user_id, is_complete=True)
    other_lead = api.ok("POST", "lead/", json={"name": "Other"})
    elsewhere = _task(api, other_lead)

    def ids(**params: str) -> set[str]:
        return {t["id"] for t in api.ok("GET", "task/", params=params)["data"]}

    assert ids(assigned_to=colleague.org.user_id) == {theirs["id"]}
    assert ids(lead_id=lead["id"]) == {mine["id"], theirs["id"]}
    assert ids(is_complete="false") == {mine["id"], elsewhere["id"]}
    assert ids(is_complete="True") == {theirs["id"]}
    assert ids(id__in=f"{mine['id']},{elsewhere['id']}") == {mine["id"], elsewhere["id"]}
    # A colleague sees the organization's tasks too.
    assert {t["id"] for t in colleague.ok("GET", "task/")["data"]} == {
        mine["id"],
        theirs["id"],
        elsewhere["id"],
    }


def test_update_complete_and_reopen(api: Api, lead: dict[str, Any]) -> None:
    task = _task(api, lead, date="2024-05-01")
    updated = api.ok("PUT", f"task/{task['id']}/", json={"text": "Call back", "date": "2024-06-01T10:00:00"})
    assert (updated["text"], updated["date"]) == ("Call back", "2024-06-01T10:00:00.000000+00:00")
    done = api.ok("PUT", f"task/{task['id']}/", json={"is_complete": True})
    assert (done["is_complete"], done["view"]) == (True, "archive")
    events = api.events(object_id=task["id"])
    # Newest first: completing it is an update, then Close's `completed` with the task as it is now.
    assert [e["action"] for e in events] == ["completed", "updated", "updated", "created"]
    assert all(e["object_type"] == "task.lead" and e["lead_id"] == lead["id"] for e in events)
    assert events[0]["data"] == done and events[0]["changed_fields"] == []
    assert {"is_complete", "view"} <= set(events[1]["changed_fields"])
    assert events[1]["previous_data"]["view"] == "inbox"  # overdue (2024) until completed
    reopened = api.ok("PUT", f"task/{task['id']}/", json={"is_complete": False})
    assert reopened["is_complete"] is False
    assert "lead" in validation_errors(api.put(f"task/{task['id']}/", json={"lead_id": "lead_other"}))
    assert "date" in validation_errors(api.put(f"task/{task['id']}/", json={"date": None}))


def test_only_lead_tasks_have_an_editable_text(api: Api, lead: dict[str, Any]) -> None:
    call = api.ok(
        "POST",
        "task/",
        json={"_type": "outgoing_call", "lead_id": lead["id"], "contact_id": lead["contacts"][0]["id"]},
    )
    assert "text" in validation_errors(api.put(f"task/{call['id']}/", json={"text": "hello"}))
    moved = api.ok("PUT", f"task/{call['id']}/", json={"date": "2024-07-01"})
    assert moved["date"] == "2024-07-01"


def test_bulk_update_changes_every_matching_task(
    api: Api, lead: dict[str, Any], make_api: Callable[..., Api]
) -> None:
    org_name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    colleague = make_api(organization_name=org_name, role="user")
    a, b = _task(api, lead), _task(api, lead)
    untouched = _task(api, api.ok("POST", "lead/", json={"name": "Else"}))
    answer = api.ok(
        "PUT",
        "task/",
        params={"lead_id": lead["id"]},
        json={"assigned_to": colleague.org.user_id, "date": "2024-09-01"},
    )
    assert answer == {"ok": True}
    for task in (a, b):
        now = api.ok("GET", f"task/{task['id']}/")
        assert (now["assigned_to"], now["date"]) == (colleague.org.user_id, "2024-09-01")
    assert api.ok("GET", f"task/{untouched['id']}/")["assigned_to"] == api.org.user_id
    # A filter the update takes tasks out of still updates them all.
    api.ok("PUT", "task/", params={"is_complete": "false", "lead_id": lead["id"]}, json={"is_complete": True})
    assert {t["id"] for t in api.ok("GET", "task/", params={"view": "archive"})["data"]} == {a["id"], b["id"]}
    # One event per task changed.
    assert len([e for e in api.events(object_id=a["id"]) if e["action"] == "updated"]) == 2
    assert "text" in validation_errors(api.put("task/", params={"id": a["id"]}, json={"text": "no"}))
    # A bad body is refused even when no task matches.
    assert "date" in validation_errors(api.put("task/", params={"id": "task_none"}, json={"date": "soon"}))
    assert "assigned_to" in validation_errors(
        api.put("task/", params={"id": a["id"]}, json={"assigned_to": "user_nobody"})
    )


def test_open_tasks_are_embedded_in_the_lead(api: Api, lead: dict[str, Any]) -> None:
    open_task = _task(api, lead)
    done = _task(api, lead)
    api.ok("PUT", f"task/{done['id']}/", json={"is_complete": True})
    shown = api.ok("GET", f"lead/{lead['id']}/")["tasks"]
    assert [t["id"] for t in shown] == [open_task["id"]]
    assert shown[0] == api.ok("GET", f"task/{open_task['id']}/")
    listed = api.ok("GET", "lead/", params={"_fields": "id,tasks"})["data"]
    assert listed == [{"id": lead["id"], "tasks": shown}]


def test_deleting_a_task_and_its_lead(api: Api, lead: dict[str, Any]) -> None:
    a, b = _task(api, lead), _task(api, lead)
    assert api.ok("DELETE", f"task/{a['id']}/") == {}
    error_of(api.get(f"task/{a['id']}/"), 404)
    api.ok("DELETE", f"lead/{lead['id']}/")
    error_of(api.get(f"task/{b['id']}/"), 404)
    deleted = [e for e in api.events(object_type="task.lead", action="deleted")]
    assert {e["object_id"] for e in deleted} == {a["id"], b["id"]}


def test_tasks_of_another_organization_are_not_found(
    api: Api, lead: dict[str, Any], make_api: Callable[..., Api]
) -> None:
    task = _task(api, lead)
    stranger = make_api()
    error_of(stranger.get(f"task/{task['id']}/"), 404)
    assert stranger.ok("GET", "task/", params={"_type": "all"})["data"] == []
    assert "lead" in validation_errors(stranger.post("task/", json={"lead_id": lead["id"], "text": "x"}))
    stranger.ok("PUT", "task/", params={"id": task["id"]}, json={"is_complete": True})
    assert api.ok("GET", f"task/{task['id']}/")["is_complete"] is False


def test_system_tasks_made_by_leadbase_list_and_log_as_their_type(api: Api, lead: dict[str, Any]) -> None:
    from leadbase.db.context import Actor, Context
    from leadbase.resources.task.service import TaskService, new_system_task
    from leadbase.resources.task.spec import TASK

    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            ctx = Context(conn=conn, actor=Actor(api.org.organization_id, None, None, "admin"))
            service = TaskService(ctx, TASK)
            with ctx.unit.operation():
                row = service.insert(
                    new_system_task(
                        "missed_call",
                        {
                            "lead_id": lead["id"],
                            "assigned_to": api.org.user_id,
                            "due_at": NOON,
                            "payload": {"phone": "+14155550100", "phone_formatted": "+1 415-555-0100"},
                        },
                    )
                )
    task = api.ok("GET", f"task/{row['id']}/")
    assert task["id"].startswith("noti_")
    assert (task["_type"], task["phone"], task["date"]) == (
        "missed_call",
        "+14155550100",
        "2024-05-01T12:00:00.000000+00:00",
    )
    assert api.ok("GET", "task/")["data"] == []
    assert [t["id"] for t in api.ok("GET", "task/", params={"_type": "missed_call"})["data"]] == [task["id"]]
    (created,) = api.events(object_id=task["id"])
    assert created["object_type"] == "task.missed_call"
    assert "text" in validation_errors(api.put(f"task/{task['id']}/", json={"text": "x"}))
    assert api.ok("PUT", f"task/{task['id']}/", json={"is_complete": True})["view"] == "archive"
    assert api.events(object_type="task.missed_call", action="updated")


def test_imports_may_give_the_creation_date_and_author(
    api: Api, lead: dict[str, Any], make_api: Callable[..., Api]
) -> None:
    org_name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    colleague = make_api(organization_name=org_name, role="user")
    task = _task(api, lead, date_created="2020-01-02T03:04:05+00:00", created_by=colleague.org.user_id)
    assert (task["date_created"], task["created_by"]) == (
        "2020-01-02T03:04:05.000000+00:00",
        colleague.org.user_id,
    )
    errors = validation_errors(
        api.post(
            "task/", json={"lead_id": lead["id"], "text": "x", "date_created": "then", "created_by": "nobody"}
        )
    )
    assert set(errors) == {"date_created", "created_by"}


def test_a_deleted_contact_is_no_longer_the_tasks_contact(api: Api, lead: dict[str, Any]) -> None:
    contact_id = lead["contacts"][0]["id"]
    task = _task(api, lead, contact_id=contact_id)
    assert (task["contact_id"], task["contact_name"]) == (contact_id, "Ann Buyer")
    api.ok("DELETE", f"contact/{contact_id}/")
    assert (api.ok("GET", f"task/{task['id']}/")["contact_id"]) is None
