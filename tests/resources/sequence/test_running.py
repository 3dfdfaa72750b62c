"""A subscription driven through its steps on a controlled clock, the worker run in the test:
what each step makes, sending hours, pauses, replies and the other things that stop it."""

from __future__ import annotations

from datetime import UTC, datetime

from leadbase.db.context import Actor, Context
from leadbase.db.resource import resources
from leadbase.jobs.worker import Worker
from tests.resources.sequence.helpers import (
    DAY,
    advance,
    email_template,
    lead_with_contact,
    new_sequence,
    run_until,
    sequence_activities,
    sms_template,
    subscribe,
)
from tests.support import Api, Clock

# A Monday, 10:00 in New York.
MONDAY = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


def _subscription(api: Api, subscription: dict[str, object]) -> dict[str, object]:
    found: dict[str, object] = api.ok("GET", f"sequence_subscription/{subscription['id']}/")
    return found


def test_a_sequence_runs_email_sms_and_call_steps_then_finishes(api: Api, clock: Clock) -> None:
    clock.set(MONDAY)
    intro, ping = email_template(api), sms_template(api)
    api.ok(
        "POST",
        "phone_number/request/internal/",
        201,
        json={"country": "US", "sharing": "personal", "with_sms": True},
    )
    lead, contact = lead_with_contact(api, phone="+14155550123")
    sequence = new_sequence(
        api,
        [
            {"step_type": "email", "delay": 0, "email_template_id": intro["id"]},
            {"step_type": "sms", "delay": 2 * DAY, "sms_template_id": ping["id"]},
            {"step_type": "call", "delay": DAY},
        ],
    )
    subscription = subscribe(api, sequence, contact)
    assert subscription["id"].startswith("sub_")
    assert (subscription["status"], subscription["status_reason"], subscription["lead_id"]) == (
        "active",
        None,
        lead["id"],
    )
    assert subscription["contact_email"] == "ann@acme.test"
    assert subscription["calls_assigned_to"] == [api.org.user_id]
    # Nothing is made in the request: the step is a job, run by the worker.
    assert sequence_activities(api, lead, "email") == []
    Worker(api.engine).run_until_idle()
    (email,) = sequence_activities(api, lead, "email")
    # Made in outbox; the sending job (run by the same worker) may already have sent it.
    assert email["status"] in ("outbox", "sent")
    assert (email["subject"], email["to"]) == ("Hello Ann", ["ann@acme.test"])
    assert email["sender"] == '"Bob Seller" <bob@example.com>'
    assert "Hi Ann from Acme" in email["body_html"] and email["template_id"] == intro["id"]
    assert (email["sequence_id"], email["sequence_name"], email["sequence_subscription_id"]) == (
        sequence["id"],
        "Onboarding",
        subscription["id"],
    )
    now = advance(api, clock, MONDAY, 2 * DAY - 60)
    assert sequence_activities(api, lead, "sms") == []
    now = advance(api, clock, now, 60)
    (sms,) = sequence_activities(api, lead, "sms")
    assert sms["status"] in ("outbox", "sent")
    assert (sms["text"], sms["remote_phone"]) == ("Hi Ann!", "+14155550123")
    assert sms["local_phone"].startswith("+1")
    assert _subscription(api, subscription)["status"] == "active"
    advance(api, clock, now, DAY)
    tasks = api.ok("GET", "task/", params={"_type": "outgoing_call", "lead_id": lead["id"]})["data"]
    (task,) = tasks
    assert (task["contact_id"], task["assigned_to"], task["sequence_subscription_id"]) == (
        contact["id"],
        api.org.user_id,
        subscription["id"],
    )
    assert task["step_id"] == sequence["steps"][2]["id"]
    finished = _subscription(api, subscription)
    assert (finished["status"], finished["status_reason"]) == ("finished", None)
    counts = api.ok("GET", f"sequence/{sequence['id']}/")["subscription_counts_by_status"]
    assert (counts["finished"], counts["active"]) == (1, 0)
    events = api.events(object_id=subscription["id"])
    assert [e["action"] for e in events] == ["updated", "created"]
    assert events[0]["previous_data"]["status"] == "active" and events[0]["data"]["status"] == "finished"
    # Nothing more happens, however long one waits.
    advance(api, clock, now, 30 * DAY)
    assert len(sequence_activities(api, lead, "email")) == 1


def test_a_reply_stops_the_sequence(api: Api, clock: Clock) -> None:
    clock.set(MONDAY)
    intro = email_template(api)
    lead, contact = lead_with_contact(api)
    steps = [{"step_type": "email", "email_template_id": intro["id"]}] * 2
    sequence = new_sequence(api, [{**steps[0], "delay": 0}, {**steps[1], "delay": DAY}])
    subscription = subscribe(api, sequence, contact)
    Worker(api.engine).run_until_idle()
    assert len(sequence_activities(api, lead, "email")) == 1
    api.ok(
        "POST",
        "activity/email/",
        json={
            "lead_id": lead["id"],
            "contact_id": contact["id"],
            "status": "inbox",
            "sender": "Ann Smith <ann@acme.test>",
            "to": ["bob@example.com"],
            "subject": "Re: Hello Ann",
            "body_text": "Tell me more",
        },
    )
    stopped = _subscription(api, subscription)
    assert (stopped["status"], stopped["status_reason"], stopped["pause_reason"]) == (
        "finished",
        "replied",
        None,
    )
    advance(api, clock, MONDAY, 3 * DAY)
    assert len(sequence_activities(api, lead, "email")) == 1


def test_a_step_due_outside_the_sending_hours_waits_for_the_next_window(api: Api, clock: Clock) -> None:
    # Friday 16:00 in New York; the first step is due two hours later, after the window closed.
    friday = datetime(2026, 1, 9, 21, 0, tzinfo=UTC)
    clock.set(friday)
    weekdays = [{"weekday": day, "start": "09:00", "end": "17:00"} for day in range(1, 6)]
    lead, contact = lead_with_contact(api)
    sequence = new_sequence(
        api,
        [{"step_type": "email", "delay": 7200, "email_template_id": email_template(api)["id"]}],
        schedule={"ranges": weekdays},
    )
    subscribe(api, sequence, contact)
    # Saturday, Sunday, and Monday before 09:00 in New York (14:00 UTC): nothing.
    run_until(api, clock, datetime(2026, 1, 12, 13, 59, tzinfo=UTC))
    assert sequence_activities(api, lead, "email") == []
    run_until(api, clock, datetime(2026, 1, 12, 14, 0, tzinfo=UTC))
    (email,) = sequence_activities(api, lead, "email")
    assert email["date_created"].startswith("2026-01-12T14:00:00")


def test_pause_and_resume(api: Api, clock: Clock) -> None:
    clock.set(MONDAY)
    lead, contact = lead_with_contact(api)
    sequence = new_sequence(
        api, [{"step_type": "email", "delay": DAY, "email_template_id": email_template(api)["id"]}]
    )
    subscription = subscribe(api, sequence, contact)
    paused = api.ok("PUT", f"sequence_subscription/{subscription['id']}/", json={"status": "paused"})
    assert (paused["status"], paused["status_reason"], paused["pause_reason"]) == (
        "paused",
        "manual",
        "manual",
    )
    now = advance(api, clock, MONDAY, 3 * DAY)
    assert sequence_activities(api, lead, "email") == []
    resumed = api.ok("PUT", f"sequence_subscription/{subscription['id']}/", json={"status": "active"})
    assert (resumed["status"], resumed["status_reason"]) == ("active", None)
    # Its step was due long ago: it goes at once.
    Worker(api.engine).run_until_idle()
    assert len(sequence_activities(api, lead, "email")) == 1
    assert _subscription(api, subscription)["status"] == "finished"
    response = api.put(f"sequence_subscription/{subscription['id']}/", json={"status": "paused"})
    assert response.status_code == 400 and "status" in response.json()["field-errors"]
    assert now  # the clock moved


def test_a_paused_sequence_holds_its_subscriptions_until_active_again(api: Api, clock: Clock) -> None:
    clock.set(MONDAY)
    lead, contact = lead_with_contact(api)
    sequence = new_sequence(
        api, [{"step_type": "email", "delay": DAY, "email_template_id": email_template(api)["id"]}]
    )
    subscribe(api, sequence, contact)
    api.ok("PUT", f"sequence/{sequence['id']}/", json={"status": "paused"})
    now = advance(api, clock, MONDAY, 2 * DAY)
    assert sequence_activities(api, lead, "email") == []
    api.ok("PUT", f"sequence/{sequence['id']}/", json={"status": "active"})
    advance(api, clock, now, 1)
    assert len(sequence_activities(api, lead, "email")) == 1


def test_a_step_removed_meanwhile_is_skipped(api: Api, clock: Clock) -> None:
    clock.set(MONDAY)
    lead, contact = lead_with_contact(api)
    sequence = new_sequence(
        api,
        [
            {"step_type": "email", "delay": DAY, "email_template_id": email_template(api)["id"]},
            {"step_type": "call", "delay": DAY},
        ],
    )
    subscription = subscribe(api, sequence, contact)
    _email, call = sequence["steps"]
    api.ok("PUT", f"sequence/{sequence['id']}/", json={"steps": [{"id": call["id"]}]})
    advance(api, clock, MONDAY, DAY)
    assert sequence_activities(api, lead, "email") == []
    (task,) = api.ok("GET", "task/", params={"_type": "outgoing_call", "lead_id": lead["id"]})["data"]
    assert task["step_id"] == call["id"]
    assert _subscription(api, subscription)["status"] == "finished"


def test_an_unsubscribe_finishes_the_subscription_and_bars_new_ones(api: Api, clock: Clock) -> None:
    clock.set(MONDAY)
    lead, contact = lead_with_contact(api)
    sequence = new_sequence(
        api, [{"step_type": "email", "delay": DAY, "email_template_id": email_template(api)["id"]}]
    )
    subscription = subscribe(api, sequence, contact)
    api.ok("POST", "unsubscribe/email/", 201, json={"email": "Ann@Acme.test"})
    stopped = _subscription(api, subscription)
    assert (stopped["status"], stopped["status_reason"]) == ("finished", "unsubscribed")
    advance(api, clock, MONDAY, 2 * DAY)
    assert sequence_activities(api, lead, "email") == []
    response = api.post(
        "sequence_subscription/",
        json={"sequence_id": sequence["id"], "contact_id": contact["id"], "sender_email": "bob@example.com"},
    )
    assert response.status_code == 400 and "contact_email" in response.json()["field-errors"]


def test_a_deleted_template_stops_the_subscription_with_an_error(api: Api, clock: Clock) -> None:
    clock.set(MONDAY)
    lead, contact = lead_with_contact(api)
    template = email_template(api)
    sequence = new_sequence(api, [{"step_type": "email", "delay": 60, "email_template_id": template["id"]}])
    subscription = subscribe(api, sequence, contact)
    assert api.delete(f"email_template/{template['id']}/").status_code in (200, 204)
    advance(api, clock, MONDAY, 120)
    failed = _subscription(api, subscription)
    assert (failed["status"], failed["status_reason"]) == ("error", "template_missing")
    assert sequence_activities(api, lead, "email") == []


def test_deleting_the_contact_deletes_its_subscriptions(api: Api, clock: Clock) -> None:
    clock.set(MONDAY)
    _lead, contact = lead_with_contact(api)
    sequence = new_sequence(api, [{"step_type": "call", "delay": DAY}])
    subscription = subscribe(api, sequence, contact)
    api.ok("DELETE", f"contact/{contact['id']}/")
    response = api.get(f"sequence_subscription/{subscription['id']}/")
    assert response.status_code == 404
    (deleted,) = [e for e in api.events(object_id=subscription["id"]) if e["action"] == "deleted"]
    assert deleted["previous_data"]["contact_id"] == contact["id"]
    advance(api, clock, MONDAY, 2 * DAY)


def test_a_sequence_email_that_fails_stops_the_subscription(api: Api, clock: Clock) -> None:
    """What the sender does when an email bounces (status `error`): the subscription stops."""
    clock.set(MONDAY)
    lead, contact = lead_with_contact(api)
    template = email_template(api)
    sequence = new_sequence(
        api,
        [
            {"step_type": "email", "delay": 0, "email_template_id": template["id"]},
            {"step_type": "email", "delay": DAY, "email_template_id": template["id"]},
        ],
    )
    subscription = subscribe(api, sequence, contact)
    Worker(api.engine).run_until_idle()
    (email,) = sequence_activities(api, lead, "email")
    org = api.org
    with api.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            ctx = Context(conn=conn, actor=Actor(org.organization_id, org.user_id, None, "admin"))
            spec = resources.get("activity/email")
            service = spec.service(ctx, spec)
            with ctx.unit.operation():
                row = ctx.unit.changing(spec, service.get(email["id"]))
                service.change(row, {"status": "error"})
    failed = _subscription(api, subscription)
    assert (failed["status"], failed["status_reason"]) == ("error", "bounced")
    advance(api, clock, MONDAY, 2 * DAY)
    assert len(sequence_activities(api, lead, "email")) == 1
