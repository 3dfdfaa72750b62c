"""The activities leadbase records by itself, and what activities feed back into leads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert

from leadbase.core import clock as real_clock
from leadbase.core.ids import new_id
from leadbase.db.models import activity
from tests.custom_data import lead
from tests.support import Api, validation_errors

Obj = dict[str, Any]


def _of_type(api: Api, path: str, **params: Any) -> list[Obj]:
    data: list[Obj] = api.ok("GET", f"activity/{path}/", params=params)["data"]
    return data


def _statuses(api: Api) -> list[Obj]:
    data: list[Obj] = api.ok("GET", "status/lead/")["data"]
    return data


def _activity_events(api: Api, object_type: str) -> list[Obj]:
    return [e for e in api.events(object_type=object_type)]


# ---- Created -------------------------------------------------------------------------------


def test_a_lead_created_records_one_created_activity_with_its_source(api: Api) -> None:
    acme = lead(api, "Acme")
    created = _of_type(api, "created", lead_id=acme["id"])
    assert len(created) == 1
    one = created[0]
    assert one["_type"] == "Created" and one["lead_id"] == acme["id"] and one["source"] == "api"
    assert one["import_id"] is None and one["users"] == [] and one["contact_id"] is None
    assert one["activity_at"] == acme["date_created"] and one["user_id"] == api.org.user_id
    assert one["user_name"]
    assert api.ok("GET", f"activity/created/{one['id']}/") == one
    events = _activity_events(api, "activity.created")
    assert [e["object_id"] for e in events] == [one["id"]] and events[0]["action"] == "created"
    assert events[0]["lead_id"] == acme["id"]
    # In the family's feed as well.
    feed = api.ok("GET", "activity/", params={"lead_id": acme["id"]})["data"]
    assert [a["id"] for a in feed] == [one["id"]]


def test_created_is_read_only(api: Api) -> None:
    acme = lead(api, "Acme")
    one = _of_type(api, "created", lead_id=acme["id"])[0]
    assert api.post("activity/created/", json={"lead_id": acme["id"]}).status_code == 405
    assert api.delete(f"activity/created/{one['id']}/").status_code == 405
    assert api.put(f"activity/created/{one['id']}/", json={}).status_code == 405


def test_a_contact_or_opportunity_posted_without_a_lead_records_the_lead_created(api: Api) -> None:
    ann = api.ok("POST", "contact/", json={"name": "Ann"})
    deal = api.ok("POST", "opportunity/", json={})
    for lead_id in (ann["lead_id"], deal["lead_id"]):
        assert [a["lead_id"] for a in _of_type(api, "created", lead_id=lead_id)] == [lead_id]


# ---- lead status changes -------------------------------------------------------------------


def test_a_lead_status_change_is_recorded_with_both_statuses_and_who(api: Api) -> None:
    first, second = _statuses(api)[:2]
    acme = lead(api, "Acme", status_id=first["id"])
    api.ok("PUT", f"lead/{acme['id']}/", json={"status_id": second["id"]})
    api.ok("PUT", f"lead/{acme['id']}/", json={"name": "Acme Inc"})  # no status change: nothing
    changes = _of_type(api, "status_change/lead", lead_id=acme["id"])
    assert len(changes) == 1
    change = changes[0]
    assert change["_type"] == "LeadStatusChange"
    assert (change["old_status_id"], change["old_status_label"]) == (first["id"], first["label"])
    assert (change["new_status_id"], change["new_status_label"]) == (second["id"], second["label"])
    assert change["user_id"] == api.org.user_id and change["created_by"] == api.org.user_id
    events = _activity_events(api, "activity.lead_status_change")
    assert [e["object_id"] for e in events] == [change["id"]]


def test_a_status_change_fails_with_its_lead_update(api: Api) -> None:
    acme = lead(api, "Acme")
    bad = api.put(f"lead/{acme['id']}/", json={"status_id": "stat_nope"})
    assert "status" in validation_errors(bad)
    assert _of_type(api, "status_change/lead", lead_id=acme["id"]) == []


def test_lead_status_changes_can_be_imported_without_changing_the_lead(api: Api) -> None:
    first, second = _statuses(api)[:2]
    acme = lead(api, "Acme", status_id=first["id"])
    body = {
        "lead_id": acme["id"],
        "old_status_id": second["id"],
        "new_status_id": first["id"],
        "date_created": "2020-01-02T03:04:05+00:00",
    }
    made = api.ok("POST", "activity/status_change/lead/", json=body)
    assert made["new_status_label"] == first["label"] and made["old_status_label"] == second["label"]
    assert made["date_created"].startswith("2020-01-02T03:04:05")
    assert made["activity_at"].startswith("2020-01-02T03:04:05")
    assert api.ok("GET", f"lead/{acme['id']}/")["status_id"] == first["id"]
    assert api.ok("GET", f"activity/status_change/lead/{made['id']}/") == made
    # Deleting it removes the feed entry only.
    assert api.ok("DELETE", f"activity/status_change/lead/{made['id']}/") == {}
    assert api.get(f"activity/status_change/lead/{made['id']}/").status_code == 404
    assert api.ok("GET", f"lead/{acme['id']}/")["status_id"] == first["id"]


def test_bad_status_change_imports_are_400_naming_the_field(api: Api, make_api: Callable[..., Api]) -> None:
    acme = lead(api, "Acme")
    first = _statuses(api)[0]
    other = make_api()
    foreign = lead(other, "Foreign")
    cases = [
        ({"new_status_id": first["id"]}, "lead_id"),
        ({"lead_id": acme["id"]}, "new_status_id"),
        ({"lead_id": acme["id"], "new_status_id": "stat_nope"}, "new_status_id"),
        ({"lead_id": foreign["id"], "new_status_id": first["id"]}, "lead_id"),
        ({"lead_id": acme["id"], "new_status_id": _statuses(other)[0]["id"]}, "new_status_id"),
        ({"lead_id": acme["id"], "new_status_id": first["id"], "date_created": "soon"}, "date_created"),
        ({"lead_id": acme["id"], "new_status_id": {"id": first["id"]}}, "new_status_id"),
        ({"lead_id": acme["id"], "new_status_id": first["id"], "contact_id": {}}, "contact_id"),
        ({"lead_id": acme["id"], "new_status_id": first["id"], "user_id": ["x"]}, "user_id"),
        ({"lead_id": ["x"], "new_status_id": first["id"]}, "lead_id"),
    ]
    for body, name in cases:
        assert name in validation_errors(api.post("activity/status_change/lead/", json=body)), body
    assert _of_type(api, "status_change/lead") == []


# ---- opportunity status changes ------------------------------------------------------------


def _opportunity_statuses(api: Api) -> list[Obj]:
    pipelines = api.ok("GET", "pipeline/")["data"]
    statuses: list[Obj] = pipelines[0]["statuses"]
    return statuses


def test_an_opportunity_status_change_is_recorded(api: Api) -> None:
    active, won = _opportunity_statuses(api)[:2]
    acme = lead(api, "Acme")
    deal = api.ok(
        "POST", "opportunity/", json={"lead_id": acme["id"], "status_id": active["id"], "value": 5000}
    )
    api.ok("PUT", f"opportunity/{deal['id']}/", json={"status_id": won["id"]})
    changes = _of_type(api, "status_change/opportunity", opportunity_id=deal["id"])
    assert len(changes) == 1
    change = changes[0]
    assert change["_type"] == "OpportunityStatusChange" and change["lead_id"] == acme["id"]
    assert change["opportunity_id"] == deal["id"]
    assert (change["old_status_id"], change["new_status_id"]) == (active["id"], won["id"])
    assert (change["old_status_type"], change["new_status_type"]) == (active["type"], won["type"])
    pipeline = api.ok("GET", "pipeline/")["data"][0]
    assert (change["new_pipeline_id"], change["new_pipeline_name"]) == (pipeline["id"], pipeline["name"])
    assert change["opportunity_value"] == 5000 and change["opportunity_value_formatted"]
    assert change["opportunity_date_won"] is not None
    events = _activity_events(api, "activity.opportunity_status_change")
    assert [e["object_id"] for e in events] == [change["id"]]
    imported = api.ok(
        "POST",
        "activity/status_change/opportunity/",
        json={"opportunity_id": deal["id"], "old_status_id": won["id"], "new_status_id": active["id"]},
    )
    assert imported["lead_id"] == acme["id"] and imported["new_status_label"] == active["label"]
    assert api.ok("GET", f"opportunity/{deal['id']}/")["status_id"] == won["id"]
    bad = api.post("activity/status_change/opportunity/", json={"new_status_id": active["id"]})
    assert "opportunity_id" in validation_errors(bad)
    bad = api.post(
        "activity/status_change/opportunity/", json={"opportunity_id": deal["id"], "new_status_id": "stat_x"}
    )
    assert "new_status_id" in validation_errors(bad)


# ---- task completions ----------------------------------------------------------------------


def test_completing_a_task_records_task_completed_and_reopening_removes_it(api: Api) -> None:
    acme = lead(api, "Acme")
    task = api.ok("POST", "task/", json={"lead_id": acme["id"], "text": "Call back"})
    done = api.ok("PUT", f"task/{task['id']}/", json={"is_complete": True})
    completions = _of_type(api, "task_completed", lead_id=acme["id"])
    assert len(completions) == 1
    one = completions[0]
    assert one["_type"] == "TaskCompleted" and one["task_id"] == task["id"]
    assert one["task_text"] == "Call back" and one["task_assigned_to"] == task["assigned_to"]
    assert done["object_id"] == one["id"]
    assert api.ok("GET", f"task/{task['id']}/")["object_id"] == one["id"]
    assert [e["object_id"] for e in _activity_events(api, "activity.task_completed")] == [one["id"]]
    api.ok("PUT", f"task/{task['id']}/", json={"is_complete": False})
    assert _of_type(api, "task_completed", lead_id=acme["id"]) == []
    assert api.ok("GET", f"task/{task['id']}/")["object_id"] is None
    # Deleting the activity does not reopen the task.
    api.ok("PUT", f"task/{task['id']}/", json={"is_complete": True})
    again = _of_type(api, "task_completed", lead_id=acme["id"])[0]
    assert api.ok("DELETE", f"activity/task_completed/{again['id']}/") == {}
    assert api.ok("GET", f"task/{task['id']}/")["is_complete"] is True
    assert api.post("activity/task_completed/", json={"lead_id": acme["id"]}).status_code == 405


def test_a_task_created_complete_records_its_completion(api: Api) -> None:
    acme = lead(api, "Acme")
    task = api.ok("POST", "task/", json={"lead_id": acme["id"], "text": "Done", "is_complete": True})
    (one,) = _of_type(api, "task_completed", lead_id=acme["id"])
    assert one["task_id"] == task["id"]


# ---- form submissions and lead merges ------------------------------------------------------


def _insert_activity(api: Api, lead_id: str, type_name: str, **values: Any) -> str:
    now = real_clock.now()
    activity_id = new_id("acti")
    row = {
        "organization_id": api.org.organization_id,
        "id": activity_id,
        "type": type_name,
        "lead_id": lead_id,
        "activity_at": now,
        "payload": {},
        "custom": {},
        "date_created": now,
        "date_updated": now,
        **values,
    }
    with api.engine.begin() as conn:
        conn.execute(insert(activity), row)
    return activity_id


def test_form_submissions_are_listed_read_and_deleted(api: Api) -> None:
    acme = lead(api, "Acme")
    payload = {"form_name": "Contact us", "values": {"formfld_a": "hi"}, "ip_address": "10.0.0.1"}
    made = _insert_activity(api, acme["id"], "FormSubmission", form_id="form_1", payload=payload)
    listed = _of_type(api, "form_submission", form_id="form_1")
    assert [a["id"] for a in listed] == [made]
    assert listed[0]["form_name"] == "Contact us" and listed[0]["values"] == {"formfld_a": "hi"}
    assert _of_type(api, "form_submission", form_id="form_2") == []
    assert api.post("activity/form_submission/", json={"lead_id": acme["id"]}).status_code == 405
    assert api.ok("DELETE", f"activity/form_submission/{made}/") == {}
    assert _of_type(api, "form_submission") == []


def test_lead_merges_are_read_only(api: Api) -> None:
    acme = lead(api, "Acme")
    payload = {"source_lead_id": "lead_gone", "destination_lead_id": acme["id"], "merge_status": "completed"}
    made = _insert_activity(api, acme["id"], "LeadMerge", payload=payload)
    shown = api.ok("GET", f"activity/lead_merge/{made}/")
    assert shown["merge_status"] == "completed" and shown["destination_lead_id"] == acme["id"]
    assert api.delete(f"activity/lead_merge/{made}/").status_code == 405


# ---- the lead's smart fields ---------------------------------------------------------------


def test_smart_fields_count_activities_by_type_only_when_asked(api: Api) -> None:
    acme = lead(api, "Acme")
    plain = api.ok("GET", f"lead/{acme['id']}/")
    assert "num_calls" not in plain and "last_call_date" not in plain
    asked = api.ok("GET", f"lead/{acme['id']}/", params={"_fields": "id,num_calls,last_call_date"})
    assert asked == {"id": acme["id"], "num_calls": 0, "last_call_date": None}
    _insert_activity(api, acme["id"], "Call")
    second = _insert_activity(api, acme["id"], "Call", status="completed")
    _insert_activity(api, acme["id"], "Note")
    everything = api.ok("GET", f"lead/{acme['id']}/", params={"_fields": "_all"})
    assert everything["num_calls"] == 2 and everything["num_notes"] == 1 and everything["num_emails"] == 0
    assert everything["last_call_date"] is not None and everything["last_email_date"] is None
    assert "name" in everything and "contacts" in everything
    listed = api.ok("GET", "lead/", params={"_fields": "id,num_calls"})["data"]
    assert {"id": acme["id"], "num_calls": 2} in listed
    with api.engine.begin() as conn:
        conn.execute(activity.delete().where(activity.c.id == second))
    assert api.ok("GET", f"lead/{acme['id']}/", params={"_fields": "num_calls"}) == {"num_calls": 1}
    # The lead's own events never carry them.
    api.ok("PUT", f"lead/{acme['id']}/", json={"name": "Acme Inc"})
    assert all("num_calls" not in e["data"] for e in api.events(object_type="lead") if e["data"])


# ---- recent_calls --------------------------------------------------------------------------


def test_recent_calls_on_leads_and_contacts(api: Api) -> None:
    acme = api.ok("POST", "lead/", json={"name": "Acme", "contacts": [{"name": "Ann"}, {"name": "Bob"}]})
    ann, bob = acme["contacts"]
    assert acme["recent_calls"] == [] and ann["recent_calls"] == []
    old = real_clock.now() - timedelta(days=3)
    _insert_activity(api, acme["id"], "Call", contact_id=ann["id"], date_created=old, activity_at=old)
    call = _insert_activity(
        api,
        acme["id"],
        "Call",
        contact_id=ann["id"],
        status="completed",
        payload={"duration": 90, "dialer_id": "dial_1"},
    )
    _insert_activity(api, acme["id"], "Note", contact_id=ann["id"])
    lead_now = api.ok("GET", f"lead/{acme['id']}/")
    (recent,) = lead_now["recent_calls"]
    assert recent["id"] == call and recent["duration"] == 90 and recent["dialer_id"] == "dial_1"
    assert recent["status"] == "completed" and recent["finish_timestamp"]
    by_id = {c["id"]: c for c in lead_now["contacts"]}
    assert by_id[ann["id"]]["recent_calls"] == [recent] and by_id[bob["id"]]["recent_calls"] == []
    assert api.ok("GET", f"contact/{ann['id']}/")["recent_calls"] == [recent]
    assert api.ok("GET", f"contact/{bob['id']}/")["recent_calls"] == []
    listed = api.ok("GET", "contact/", params={"lead_id": acme["id"], "_fields": "id,recent_calls"})["data"]
    assert {c["id"]: c["recent_calls"] for c in listed} == {ann["id"]: [recent], bob["id"]: []}


def test_deleting_the_opportunity_keeps_its_history_and_the_lead_takes_everything(api: Api) -> None:
    active, won = _opportunity_statuses(api)[:2]
    first, second = _statuses(api)[:2]
    acme = lead(api, "Acme", status_id=first["id"])
    deal = api.ok("POST", "opportunity/", json={"lead_id": acme["id"], "status_id": active["id"]})
    api.ok("PUT", f"opportunity/{deal['id']}/", json={"status_id": won["id"]})
    api.ok("DELETE", f"opportunity/{deal['id']}/")
    assert len(_of_type(api, "status_change/opportunity", lead_id=acme["id"])) == 1
    api.ok("PUT", f"lead/{acme['id']}/", json={"status_id": second["id"]})
    task = api.ok("POST", "task/", json={"lead_id": acme["id"], "text": "Call", "is_complete": True})
    feed = api.ok("GET", "activity/", params={"lead_id": acme["id"]})["data"]
    assert len(feed) == 4
    api.ok("DELETE", f"lead/{acme['id']}/")
    assert api.ok("GET", "activity/")["data"] == []
    deleted = [e for e in api.events(action="deleted") if e["object_type"].startswith("activity.")]
    assert sorted(e["object_id"] for e in deleted) == sorted(a["id"] for a in feed)
    assert api.get(f"task/{task['id']}/").status_code == 404


def test_counts_follow_activities_moved_between_leads(api: Api) -> None:
    acme, globex = lead(api, "Acme"), lead(api, "Globex")
    call = _insert_activity(api, acme["id"], "Call")
    with api.engine.begin() as conn:
        conn.execute(activity.update().where(activity.c.id == call).values(lead_id=globex["id"]))

    def calls(lead_id: str) -> Any:
        return api.ok("GET", f"lead/{lead_id}/", params={"_fields": "num_calls,last_call_date"})

    assert calls(acme["id"]) == {"num_calls": 0, "last_call_date": None}
    moved = calls(globex["id"])
    assert moved["num_calls"] == 1 and moved["last_call_date"] is not None


def test_another_organization_cannot_read_or_delete_them(api: Api, make_api: Callable[..., Api]) -> None:
    acme = lead(api, "Acme")
    (created,) = _of_type(api, "created", lead_id=acme["id"])
    stranger = make_api()
    assert stranger.get(f"activity/created/{created['id']}/").status_code == 404
    assert _of_type(stranger, "created") == []
    first = _statuses(api)[0]
    body = {"lead_id": acme["id"], "new_status_id": first["id"]}
    made = api.ok("POST", "activity/status_change/lead/", json=body)
    assert stranger.delete(f"activity/status_change/lead/{made['id']}/").status_code == 404
    assert api.ok("GET", f"activity/status_change/lead/{made['id']}/")["id"] == made["id"]


def test_a_lead_merge_records_its_lead_merge_on_the_destination(api: Api) -> None:
    source = api.ok("POST", "lead/", json={"name": "Old Acme", "contacts": [{"name": "Ann"}]})
    destination = lead(api, "Acme")
    first = _statuses(api)[1]
    api.ok("PUT", f"lead/{source['id']}/", json={"status_id": first["id"]})
    api.ok("POST", "lead/merge/", json={"source": source["id"], "destination": destination["id"]})
    (merge,) = _of_type(api, "lead_merge", lead_id=destination["id"])
    assert merge["_type"] == "LeadMerge" and merge["merge_status"] == "completed"
    assert (merge["source_lead_id"], merge["source_display_name"]) == (source["id"], "Old Acme")
    assert (merge["destination_lead_id"], merge["destination_display_name"]) == (destination["id"], "Acme")
    assert merge["error_message"] is None and merge["user_id"] == api.org.user_id
    assert api.ok("GET", f"activity/lead_merge/{merge['id']}/") == merge
    events = _activity_events(api, "activity.lead_merge")
    assert [(e["object_id"], e["action"]) for e in events] == [(merge["id"], "created")]
    # The source's activities moved with it, and the destination's counts follow.
    feed = api.ok("GET", "activity/", params={"lead_id": destination["id"]})["data"]
    assert sorted(a["_type"] for a in feed) == ["Created", "Created", "LeadMerge", "LeadStatusChange"]


def test_a_logged_call_shows_in_recent_calls_and_counts(api: Api) -> None:
    acme = api.ok("POST", "lead/", json={"name": "Acme", "contacts": [{"name": "Ann"}]})
    (ann,) = acme["contacts"]
    call = api.ok(
        "POST",
        "activity/call/",
        json={"lead_id": acme["id"], "contact_id": ann["id"], "direction": "outbound", "duration": 42},
    )
    lead_now = api.ok("GET", f"lead/{acme['id']}/", params={"_fields": "id,recent_calls,num_calls,contacts"})
    (recent,) = lead_now["recent_calls"]
    assert (recent["id"], recent["duration"]) == (call["id"], 42)
    assert lead_now["num_calls"] == 1
    assert lead_now["contacts"][0]["recent_calls"] == [recent]
    api.ok("DELETE", f"activity/call/{call['id']}/")
    after = api.ok("GET", f"lead/{acme['id']}/", params={"_fields": "recent_calls,num_calls"})
    assert (after["recent_calls"], after["num_calls"]) == ([], 0)
