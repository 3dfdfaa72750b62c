"""Bulk email: a template filled in per recipient, emails left in the outbox, unsubscribed skipped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from tests.resources.bulk_action.conftest import LEADS_QUERY, count_events, load_leads
from tests.resources.messages.outbox import outbox
from tests.support import Api, error_of, validation_errors

N = 300


def _template(api: Api) -> dict[str, Any]:
    made: dict[str, Any] = api.ok(
        "POST",
        "email_template/",
        json={
            "name": "Hello",
            "subject": "Hi {{ contact.first_name }} at {{ lead.display_name }}",
            "body": "<p>Dear {{ contact.first_name }},</p>",
            "is_shared": True,
        },
    )
    return made


def _lead(i: int) -> dict[str, Any]:
    return {
        "name": f"Acme {i}",
        "contacts": [
            {"name": f"Ann {i}", "emails": [{"email": f"ann{i}@acme.test"}, {"email": f"ann{i}@home.test"}]},
            {"name": f"Bob {i}", "emails": [{"email": f"bob{i}@acme.test"}]},
            {"name": f"Cy {i}"},
        ],
    }


def test_one_outbox_email_per_lead_skipping_the_unsubscribed(
    api: Api, engine: Engine, jobs: Callable[[], None]
) -> None:
    load_leads(api, engine, [_lead(i) for i in range(N)] + [{"name": "Nobody to write to"}])
    for i in range(5):
        api.ok("POST", "unsubscribe/email/", 201, json={"email": f"ann{i}@acme.test"})
    template = _template(api)
    action = api.ok(
        "POST", "bulk_action/email/", json={"template_id": template["id"], "s_query": LEADS_QUERY}
    )
    assert action["id"].startswith("bulkemail_")
    assert (action["contact_preference"], action["template_id"]) == ("lead", template["id"])
    assert action["sender"] and "@" in action["sender"]

    jobs()

    done = api.ok("GET", f"bulk_action/email/{action['id']}/")
    assert (done["status"], done["n_leads"], done["n_leads_processed"]) == ("done", N + 1, N + 1)
    assert (done["n_objects"], done["n_objects_processed"], done["n_objects_skipped"]) == (N, N - 5, 5)
    emails = api.ok("GET", "activity/email/", params={"_limit": 200})["data"]
    assert len(emails) == 200
    # Made in the outbox, then sent by the same worker run into the captured outbox.
    assert {e["status"] for e in emails} == {"sent"}
    assert {e["template_id"] for e in emails} == {template["id"]}
    sample = next(e for e in emails if e["to"] == ["ann7@acme.test"])
    captured = outbox(api, address="ann7@acme.test")
    assert [(m["activity_id"], m["subject"]) for m in captured] == [(sample["id"], "Hi Ann at Acme 7")]
    assert sample["subject"] == "Hi Ann at Acme 7"
    assert "Dear Ann," in sample["body_html"]
    assert sample["sender"] == done["sender"]
    assert all(not e["to"][0].startswith(("ann0@", "ann1@", "ann2@", "ann3@", "ann4@")) for e in emails)
    org = api.org.organization_id
    assert count_events(engine, org, "activity.email", "created") == N - 5
    assert count_events(engine, org, "bulk_action.email", "completed") == 1
    # Created by the bulk action (its id in the meta), then sent by the sending job.
    history = api.events(object_type="activity.email", object_id=sample["id"])
    (created,) = [e for e in history if e["action"] == "created"]
    assert created["meta"]["bulk_action_id"] == action["id"]
    assert "sent" in {e["action"] for e in history}


def test_contact_preferences(api: Api, engine: Engine, jobs: Callable[[], None]) -> None:
    load_leads(api, engine, [_lead(i) for i in range(3)])
    template = _template(api)
    expected = {"contact": 6, "all": 9}
    for preference, count in expected.items():
        action = api.ok(
            "POST",
            "bulk_action/email/",
            json={"template_id": template["id"], "query": "*", "contact_preference": preference},
        )
        jobs()
        done = api.ok("GET", f"bulk_action/email/{action['id']}/")
        assert (done["n_objects"], done["n_objects_processed"]) == (count, count), preference
    listed = api.ok("GET", "bulk_action/email/", params={"template_id": template["id"]})["data"]
    assert [a["contact_preference"] for a in listed] == ["all", "contact"]  # newest first
    assert api.ok("GET", "bulk_action/email/", params={"template_id": "tmpl_other"})["data"] == []


def test_bad_email_actions(api: Api, make_api: Callable[..., Api], engine: Engine) -> None:
    template = _template(api)
    ok = {"template_id": template["id"], "s_query": LEADS_QUERY}
    assert "template_id" in validation_errors(api.post("bulk_action/email/", json={"s_query": LEADS_QUERY}))
    for key, value in (("contact_preference", "everyone"), ("sender", "not an address")):
        assert key in validation_errors(api.post("bulk_action/email/", json={**ok, key: value}))
    theirs = _template(make_api())
    assert "error" in error_of(api.post("bulk_action/email/", json={**ok, "template_id": theirs["id"]}), 404)
    assert api.ok("GET", "bulk_action/email/")["data"] == []
