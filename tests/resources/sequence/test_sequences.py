"""/sequence/: steps with their ids, timezone and schedule, the template rules, edits, deletes."""

from __future__ import annotations

from collections.abc import Callable

from tests.resources.sequence.helpers import (
    DAY,
    email_template,
    lead_with_contact,
    new_sequence,
    sms_template,
    subscribe,
)
from tests.support import Api, error_of, validation_errors


def test_create_read_list_and_steps(api: Api) -> None:
    intro, ping = email_template(api), sms_template(api)
    sequence = new_sequence(
        api,
        [
            {"step_type": "email", "delay": 0, "email_template_id": intro["id"]},
            {"step_type": "sms", "delay": 2 * DAY, "sms_template_id": ping["id"]},
            {"step_type": "call", "delay": DAY, "required": False},
        ],
        schedule={"ranges": [{"weekday": 1, "start": "09:00", "end": "17:30"}]},
    )
    assert sequence["id"].startswith("seq_")
    assert (sequence["name"], sequence["status"], sequence["timezone"]) == (
        "Onboarding",
        "active",
        "America/New_York",
    )
    assert sequence["schedule"] == {"ranges": [{"weekday": 1, "start": "09:00:00", "end": "17:30:00"}]}
    assert (sequence["schedule_id"], sequence["trigger_query"], sequence["allow_manual_enrollment"]) == (
        None,
        None,
        True,
    )
    assert sequence["subscription_counts_by_status"] == {
        "active": 0,
        "paused": 0,
        "finished": 0,
        "goal": 0,
        "error": 0,
    }
    # Close shows a sequence's dates without an offset.
    assert "+" not in sequence["date_created"] and sequence["created_by_id"] == api.org.user_id
    email, sms, call = sequence["steps"]
    assert all(s["id"].startswith("seqstep_") for s in sequence["steps"])
    assert (email["threading"], email["sms_template_id"], email["required"]) == ("new_thread", None, True)
    assert (sms["delay"], sms["sms_template_id"], sms["email_template_id"], sms["threading"]) == (
        2 * DAY,
        ping["id"],
        None,
        None,
    )
    assert (call["step_type"], call["required"], call["step_allowed_delay"]) == ("call", False, None)
    assert api.ok("GET", f"sequence/{sequence['id']}/") == sequence
    assert api.ok("GET", "sequence/")["data"] == [sequence]
    assert api.ok("GET", "sequence/", params={"_fields": "id,name"})["data"] == [
        {"id": sequence["id"], "name": "Onboarding"}
    ]


def test_a_put_with_steps_keeps_those_named_and_removes_the_others(api: Api) -> None:
    intro, other = email_template(api), email_template(api, n=1)
    sequence = new_sequence(
        api,
        [
            {"step_type": "email", "delay": 0, "email_template_id": intro["id"]},
            {"step_type": "email", "delay": DAY, "email_template_id": other["id"]},
        ],
    )
    first, second = sequence["steps"]
    updated = api.ok(
        "PUT",
        f"sequence/{sequence['id']}/",
        json={"steps": [{"id": second["id"]}, {"step_type": "call", "delay": 3600}]},
    )
    kept, added = updated["steps"]
    assert kept == second and added["id"] not in (first["id"], second["id"])
    assert added["step_type"] == "call"
    # A PUT without steps leaves them.
    renamed = api.ok("PUT", f"sequence/{sequence['id']}/", json={"name": "Renamed", "status": "paused"})
    assert (renamed["name"], renamed["status"], renamed["steps"]) == ("Renamed", "paused", updated["steps"])
    events = api.events(object_id=sequence["id"])
    assert [e["action"] for e in events] == ["updated", "updated", "created"]
    assert "steps" in events[1]["changed_fields"] and "name" not in events[1]["changed_fields"]
    assert events[1]["previous_data"]["steps"] == sequence["steps"]


def test_bad_bodies(api: Api) -> None:
    intro = email_template(api)
    errors = validation_errors(api.post("sequence/", json={"name": "X", "steps": []}))
    assert set(errors) == {"timezone", "steps"}
    errors = validation_errors(
        api.post(
            "sequence/",
            json={
                "name": "X",
                "timezone": "Mars/Olympus",
                "schedule": {"ranges": [{"weekday": 8, "start": "9am", "end": "10:00"}]},
                "steps": [
                    {"step_type": "email"},
                    {"step_type": "fax", "delay": -1},
                    {"step_type": "sms", "sms_template_id": intro["id"]},
                    {"step_type": "email", "email_template_id": intro["id"], "threading": "sideways"},
                ],
            },
        )
    )
    assert set(errors) == {"timezone", "schedule", "steps"}
    assert errors["schedule"] == {
        "ranges": {
            "0": {"weekday": errors["schedule"]["ranges"]["0"]["weekday"], "start": "A time of day as HH:MM."}
        }
    }
    assert set(errors["steps"]) == {"0", "1", "2", "3"}
    assert errors["steps"]["0"] == {"email_template_id": "This field is required."}
    assert set(errors["steps"]["1"]) == {"step_type", "delay"}
    assert errors["steps"]["2"] == {"sms_template_id": "Object does not exist."}
    assert set(errors["steps"]["3"]) == {"threading"}
    sequence = new_sequence(api, [{"step_type": "call"}])
    errors = validation_errors(
        api.put(f"sequence/{sequence['id']}/", json={"status": "archived", "steps": [{"id": "seqstep_nope"}]})
    )
    assert set(errors) == {"status", "steps"}
    assert api.ok("GET", f"sequence/{sequence['id']}/") == sequence
    assert api.ok("GET", "sequence/")["data"] == [sequence]


def test_templates_must_be_shared(api: Api) -> None:
    private = email_template(api, shared=False)
    response = api.post(
        "sequence/",
        json={
            "name": "X",
            "timezone": "UTC",
            "steps": [{"step_type": "email", "email_template_id": private["id"]}],
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [
        f'Template "{private["id"]}" cannot be used in Workflows because it is not shared.'
    ]
    assert body["field-errors"] == {}
    assert api.ok("GET", "sequence/")["data"] == []


def test_delete_and_the_running_subscriptions_rule(api: Api) -> None:
    sequence = new_sequence(api, [{"step_type": "email", "email_template_id": email_template(api)["id"]}])
    _lead, contact = lead_with_contact(api)
    subscription = subscribe(api, sequence, contact)
    response = api.delete(f"sequence/{sequence['id']}/")
    assert response.status_code == 400 and "active or paused" in response.json()["errors"][0]
    api.ok("PUT", f"sequence_subscription/{subscription['id']}/", json={"status": "finished"})
    counts = api.ok("GET", f"sequence/{sequence['id']}/")["subscription_counts_by_status"]
    assert (counts["finished"], counts["active"]) == (1, 0)
    assert api.delete(f"sequence/{sequence['id']}/").status_code == 200
    error_of(api.get(f"sequence/{sequence['id']}/"), 404)
    error_of(api.get(f"sequence_subscription/{subscription['id']}/"), 404)
    deleted = [e for e in api.events() if e["action"] == "deleted"]
    assert {e["object_type"] for e in deleted} == {"sequence", "sequence_subscription"}


def test_other_organizations_see_nothing(api: Api, make_api: Callable[..., Api]) -> None:
    sequence = new_sequence(api, [{"step_type": "call"}])
    stranger = make_api()
    error_of(stranger.get(f"sequence/{sequence['id']}/"), 404)
    error_of(stranger.put(f"sequence/{sequence['id']}/", json={"name": "Mine"}), 404)
    assert stranger.ok("GET", "sequence/")["data"] == []
    _lead, contact = lead_with_contact(stranger)
    errors = validation_errors(
        stranger.post(
            "sequence_subscription/", json={"sequence_id": sequence["id"], "contact_id": contact["id"]}
        )
    )
    assert errors == {"sequence_id": "Object does not exist."}
