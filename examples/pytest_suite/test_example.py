"""How a suite tests code written for Close against leadbase, with the plugin's fixtures.

`leadbase_api` is the official closeio client for a brand-new organization; `leadbase_org` is
that organization (events, webhook deliveries, the captured outbox, the journal, snapshots);
`leadbase_clock` moves the server's time; `@pytest.mark.leadbase_seed(FILE)` fills the
organization from a fixture file first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


def sign_up(api, company: str, email: str) -> str:
    """The code under test: what an integration would do against Close."""
    lead = api.post("lead", data={"name": company, "contacts": [{"emails": [{"email": email}]}]})
    api.post("task", data={"lead_id": lead["id"], "text": "Call back", "date": "2030-01-15"})
    return lead["id"]


def test_the_code_writes_a_lead_and_its_events(leadbase_api, leadbase_org):
    lead_id = sign_up(leadbase_api, "Acme", "ann@example.com")

    assert leadbase_api.get(f"lead/{lead_id}")["name"] == "Acme"
    created = {(e["object_type"], e["action"]) for e in leadbase_org.events()}
    assert {("lead", "created"), ("contact", "created"), ("task.lead", "created")} <= created


def test_each_test_has_its_own_organization(leadbase_api):
    assert leadbase_api.get("lead")["data"] == []


def test_the_clock_dates_what_is_written(leadbase_api, leadbase_clock):
    leadbase_clock.freeze(datetime(2030, 1, 1, 9, 0, tzinfo=UTC))
    lead = leadbase_api.post("lead", data={"name": "Frozen"})
    assert lead["date_created"] == "2030-01-01T09:00:00.000000+00:00"

    leadbase_clock.advance(days=2)
    updated = leadbase_api.put(f"lead/{lead['id']}", data={"description": "two days later"})
    assert updated["date_updated"] == "2030-01-03T09:00:00.000000+00:00"


def test_a_refused_webhook_is_retried_when_the_clock_moves(
    leadbase_api, leadbase_org, leadbase_clock, receiver
):
    url, state = receiver
    state.refuse_first = 1
    leadbase_clock.freeze()
    leadbase_api.post("webhook", data={"url": url, "events": [{"object_type": "lead", "action": "created"}]})
    leadbase_api.post("lead", data={"name": "Hooked"})

    def refused():  # the first attempt made and its answer recorded
        return [
            d for d in leadbase_org.webhook_deliveries() if (d["response"] or {}).get("status_code") == 500
        ]

    first = leadbase_org.wait_for(refused)
    assert first and first[0]["status"] == "pending" and state.received == []

    leadbase_clock.advance(minutes=1)  # past the retry's due time
    leadbase_org.wait_for(lambda: state.received)
    assert state.received[0]["event"]["data"]["name"] == "Hooked"


def test_snapshot_and_restore(leadbase_api, leadbase_org):
    leadbase_api.post("lead", data={"name": "Kept"})
    snapshot = leadbase_org.snapshot("one lead")
    leadbase_api.post("lead", data={"name": "Dropped"})

    leadbase_org.restore(snapshot)
    assert [lead["name"] for lead in leadbase_api.get("lead")["data"]] == ["Kept"]


def test_the_journal_shows_what_the_client_sent(leadbase_api, leadbase_org):
    leadbase_api.post("lead", data={"name": "Journaled"})
    sent = leadbase_org.journal()[-1]
    assert (sent["method"], sent["path"], sent["status"]) == ("POST", "/api/v1/lead/", 200)
    assert '"Journaled"' in sent["request_body"]


def qualify(api, lead_id: str, follow_up: datetime) -> None:
    """More code under test: qualify a lead, book a call and schedule a follow-up email."""
    status = next(s for s in api.get("status/lead")["data"] if s["label"] == "Qualified")
    lead = api.put(f"lead/{lead_id}", data={"status_id": status["id"]})
    contact = lead["contacts"][0]
    api.post("task", data={"lead_id": lead_id, "text": "Call Ann", "date": follow_up.date().isoformat()})
    api.post(
        "activity/email",
        data={
            "lead_id": lead_id,
            "contact_id": contact["id"],
            "status": "scheduled",
            "date_scheduled": follow_up.isoformat(),
            "sender": "sales@example.com",
            "to": [contact["emails"][0]["email"]],
            "subject": "Following up",
            "body_text": "Hello again",
        },
    )


@pytest.mark.leadbase_seed("fixtures/acme.yaml")
def test_a_seeded_organization_driven_through_time(leadbase_api, leadbase_org, leadbase_clock):
    start = leadbase_clock.freeze(datetime(2030, 3, 4, 9, 0, tzinfo=UTC))
    acme = leadbase_org.seeded.lead_id("Acme")
    assert leadbase_api.get(f"lead/{acme}")["status_label"] == "Potential"
    assert leadbase_api.get("opportunity", params={"lead_id": acme})["data"][0]["value"] == 500000

    qualify(leadbase_api, acme, follow_up=start + timedelta(days=2))

    changed = [e for e in leadbase_org.events(lead_id=acme) if e["action"] == "updated"]
    assert any(e["object_type"] == "lead" and "status_id" in e["changed_fields"] for e in changed)
    assert leadbase_org.outbox() == []  # scheduled, not sent
    tasks = leadbase_api.get("task", params={"lead_id": acme, "view": "inbox"})["data"]
    assert tasks == []  # due in two days: not in today's inbox yet

    leadbase_clock.advance(days=2)
    tasks = leadbase_api.get("task", params={"lead_id": acme, "view": "inbox"})["data"]
    assert [t["text"] for t in tasks] == ["Call Ann"]  # due today now
    sent = leadbase_org.wait_for(leadbase_org.outbox)  # the worker sends it now that it is due
    assert [(m["channel"], m["status"], m["subject"]) for m in sent] == [("email", "sent", "Following up")]
    assert sent[0]["to"] == ["ann@acme.test"]
    assert datetime.fromisoformat(sent[0]["date_sent"]) == start + timedelta(days=2)


@pytest.mark.leadbase_seed("fixtures/acme.yaml")
def test_each_seeded_test_starts_from_the_file(leadbase_api, leadbase_org):
    names = sorted(lead["name"] for lead in leadbase_api.get("lead")["data"])
    assert names == ["Acme", "Globex"] == sorted(leadbase_org.seeded.leads)
    members = {user["email"] for user in leadbase_api.get("user")["data"]}
    assert members == {"ann@example.com", "bob@example.com"}
    acme = leadbase_org.seeded.lead_id("Acme")
    emails = leadbase_api.get("activity/email", params={"lead_id": acme})["data"]
    assert [e["subject"] for e in emails] == ["Pricing?"]
