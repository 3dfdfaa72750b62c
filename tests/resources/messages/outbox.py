"""What the sending tests share: the captured outbox's API and a worker run."""

from __future__ import annotations

from typing import Any

import httpx

from leadbase.jobs.worker import Worker, WorkerSettings
from tests.support import Api

Obj = dict[str, Any]
OUTBOX = "/api/leadbase/outbox/"
INBOUND = "/api/leadbase/inbound/"


def leadbase_api(api: Api, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A request to leadbase's own namespace, with the organization's key."""
    return api.client.request(method, path, headers=api.headers, **kwargs)


def outbox(api: Api, **params: Any) -> list[Obj]:
    response = leadbase_api(api, "GET", OUTBOX, params=params)
    assert response.status_code == 200, response.text
    data: list[Obj] = response.json()["data"]
    return data


def run_worker(api: Api, settings: Any = None) -> None:
    """Every due job, delivery and dispatch of the database, until none is left."""
    Worker(api.engine, WorkerSettings(job_settings=settings)).run_until_idle()


def lead_with_contact(api: Api, email: str = "ann@acme.test", phone: str = "+14155550123") -> Obj:
    lead: Obj = api.ok(
        "POST",
        "lead/",
        json={
            "name": "Acme",
            "contacts": [{"name": "Ann", "emails": [{"email": email}], "phones": [{"phone": phone}]}],
        },
    )
    return lead


def email(api: Api, lead: Obj, **body: Any) -> Obj:
    created: Obj = api.ok(
        "POST",
        "activity/email/",
        json={
            "lead_id": lead["id"],
            "contact_id": lead["contacts"][0]["id"],
            "sender": '"Bo Sales" <bo@example.com>',
            "to": ['"Ann" <ann@acme.test>'],
            "subject": "Your quote",
            "body_text": "Hello Ann",
            **body,
        },
    )
    return created
