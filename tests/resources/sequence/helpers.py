"""What the sequence tests share: templates, a sequence, a lead with a contact, the worker."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from leadbase.jobs.worker import Worker
from tests.support import Api, Clock

Obj = dict[str, Any]
DAY = 24 * 3600


def email_template(api: Api, *, shared: bool = True, n: int = 0) -> Obj:
    body = {
        "name": f"Intro {n}",
        "subject": "Hello {{ contact.first_name }}",
        "body": "<p>Hi {{ contact.first_name }} from {{ lead.display_name }}</p>",
        "is_shared": shared,
    }
    made: Obj = api.ok("POST", "email_template/", json=body)
    return made


def sms_template(api: Api, *, shared: bool = True) -> Obj:
    made: Obj = api.ok(
        "POST",
        "sms_template/",
        201,
        json={"name": "Ping", "text": "Hi {{ contact.first_name }}!", "is_shared": shared},
    )
    return made


def lead_with_contact(api: Api, *, email: str = "ann@acme.test", phone: str | None = None) -> tuple[Obj, Obj]:
    contact: Obj = {"name": "Ann Smith", "emails": [{"email": email, "type": "office"}]}
    if phone:
        contact["phones"] = [{"phone": phone, "type": "mobile"}]
    lead: Obj = api.ok("POST", "lead/", json={"name": "Acme", "contacts": [contact]})
    return lead, lead["contacts"][0]


def new_sequence(api: Api, steps: list[Obj], **extra: Any) -> Obj:
    body = {"name": "Onboarding", "timezone": "America/New_York", "steps": steps, **extra}
    made: Obj = api.ok("POST", "sequence/", json=body)
    return made


def subscribe(api: Api, sequence: Obj, contact: Obj, **extra: Any) -> Obj:
    body = {
        "sequence_id": sequence["id"],
        "contact_id": contact["id"],
        "sender_name": "Bob Seller",
        "sender_email": "bob@example.com",
        **extra,
    }
    made: Obj = api.ok("POST", "sequence_subscription/", 201, json=body)
    return made


def run_until(api: Api, clock: Clock, moment: datetime) -> None:
    """Move the clock to `moment` and run every job due by then."""
    clock.set(moment)
    Worker(api.engine).run_until_idle()


def advance(api: Api, clock: Clock, now: datetime, seconds: float) -> datetime:
    later = now + timedelta(seconds=seconds)
    run_until(api, clock, later)
    return later


def sequence_activities(api: Api, lead: Obj, kind: str) -> list[Obj]:
    data: list[Obj] = api.ok("GET", f"activity/{kind}/", params={"lead_id": lead["id"]})["data"]
    return [a for a in data if a.get("sequence_subscription_id")]
