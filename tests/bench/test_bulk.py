"""The bulk path writes the rows and events the API writes for the same bodies."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import Engine, select

from leadbase.api.auth import KeyResolver
from leadbase.config import Settings
from leadbase.db.models import contact, event, lead
from leadbase.resources.bulk import BulkInvalid, load
from tests.support import Api

BODY = {
    "name": "Acme Bulk",
    "description": "Anvils",
    "status": "Qualified",
    "addresses": [{"label": "business", "city": "Springfield", "country": "US"}],
    "contacts": [
        {"name": "Ann", "emails": [{"email": "ann@acme.example"}], "phones": [{"phone": "+14155550123"}]},
        {"name": "Bob", "title": "CTO"},
    ],
}
_ID = re.compile(r"\b([a-z]+)_[A-Za-z0-9]{20,43}\b")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")


_LOCALTIME = re.compile(r"'localtime': '[^']*'")


def _masked(value: Any) -> str:
    # A loaded lead says it was imported where the API's says "api", and its local time is the
    # time of its own writing: the differences allowed.
    text = repr(value).replace("'source': 'import'", "'source': 'api'")
    text = _LOCALTIME.sub("'localtime': 'L'", text)
    return _TIME.sub("T", _ID.sub(r"\1_X", text))


def _events(engine: Engine, organization_id: str) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(event.c.object_type, event.c.action, event.c.data)
            .where(event.c.organization_id == organization_id)
            .order_by(event.c.seq)
        ).all()
    return [(r.object_type, r.action, _masked(r.data)) for r in rows]


def test_bulk_load_writes_what_the_api_writes(make_api: Any, engine: Engine) -> None:
    # One user in both organizations, so the names in the events match too.
    email = f"bulk-{uuid.uuid4().hex[:8]}@example.com"
    by_api: Api = make_api(email=email)
    by_bulk: Api = make_api(email=email)
    by_api.ok("POST", "lead/", json=BODY)
    actor = KeyResolver(engine, 0).resolve(by_bulk.org.api_key)

    # html_url: a load has no request to take leadbase's address from; given the address the API
    # requests used, it writes the same links.
    settings = Settings(html_base_url="http://testserver")
    report = load(engine, actor, "lead", [BODY, {**BODY, "name": "Second"}], batch_size=1, settings=settings)

    assert (report.created, report.batches) == (2, 2)
    api_events = _events(engine, by_api.org.organization_id)
    bulk_events = _events(engine, by_bulk.org.organization_id)
    assert [(t, a) for t, a, _ in api_events] == [
        ("contact", "created"),
        ("contact", "created"),
        ("activity.created", "created"),
        ("lead", "created"),
    ]
    assert bulk_events[:4] == api_events  # `source` masked: the loaded ones say import
    assert len(bulk_events) == 8
    leads = by_bulk.ok("GET", "lead/", params={"_order_by": "date_created"})["data"]
    assert [x["name"] for x in leads] == ["Acme Bulk", "Second"]
    assert {x["source"] for x in leads} == {"import"}
    created = by_bulk.ok("GET", "activity/created/")["data"]
    assert sorted(a["lead_id"] for a in created) == sorted(x["id"] for x in leads)
    assert {a["source"] for a in created} == {"import"}
    assert [c["name"] for c in leads[0]["contacts"]] == ["Ann", "Bob"]
    assert _masked(leads[0]) == _masked(by_api.ok("GET", "lead/")["data"][0])


def test_an_invalid_body_names_its_position_and_keeps_earlier_batches(make_api: Any, engine: Engine) -> None:
    api: Api = make_api()
    actor = KeyResolver(engine, 0).resolve(api.org.api_key)
    bodies = [BODY, {"name": "Bad", "contacts": [{"emails": [{"email": "not an email"}]}]}]

    try:
        load(engine, actor, "lead", bodies, batch_size=1)
    except BulkInvalid as exc:
        assert exc.index == 1
        assert "contacts" in exc.field_errors
    else:
        raise AssertionError("the invalid body was loaded")
    with engine.connect() as conn:
        names = conn.execute(
            select(lead.c.name).where(lead.c.organization_id == api.org.organization_id)
        ).all()
        contacts = conn.execute(
            select(contact.c.id).where(contact.c.organization_id == api.org.organization_id)
        ).all()
    assert [n.name for n in names] == ["Acme Bulk"]
    assert len(contacts) == 2
