"""Every activity list is newest first by its declaration (`default_order=("-date_created", "id")`),
with `_order_by` still choosing another order, and one query per page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leadbase.api.params import default_ordering, parse_order
from leadbase.db.query import Ordering
from leadbase.db.resource import resources
from tests.custom_data import activity_type, contact, lead
from tests.support import Api, count_statements

Obj = dict[str, Any]
OLD, NEW = "2020-03-01T10:00:00+00:00", "2021-03-01T10:00:00+00:00"


def _note(api: Api, lead_id: str) -> Obj:
    return {"note": "n"}


def _call(api: Api, lead_id: str) -> Obj:
    return {"direction": "outbound"}


def _email(api: Api, lead_id: str) -> Obj:
    return {"status": "inbox", "sender": "ann@acme.test", "subject": "Hi"}


def _sms(api: Api, lead_id: str) -> Obj:
    return {"status": "inbox", "text": "Hi", "remote_phone": "+14155550101"}


def _whatsapp(api: Api, lead_id: str) -> Obj:
    return {
        "contact_id": contact(api, lead_id)["id"],
        "direction": "incoming",
        "external_whatsapp_message_id": f"wamid.{len(api.ok('GET', 'activity/whatsapp_message/')['data'])}",
        "message_markdown": "Hi",
        "local_phone": "+14155550100",
        "remote_phone": "+14155550101",
        "activity_at": OLD,
    }


def _status_change(api: Api, lead_id: str) -> Obj:
    status_id = api.ok("GET", "status/lead/")["data"][0]["id"]
    return {"new_status_id": status_id}


def _custom(api: Api, lead_id: str) -> Obj:
    types = api.ok("GET", "custom_activity/")["data"]
    type_id = types[0]["id"] if types else activity_type(api)["id"]
    return {"custom_activity_type_id": type_id}


KINDS: list[tuple[str, Callable[[Api, str], Obj]]] = [
    ("activity/note", _note),
    ("activity/call", _call),
    ("activity/email", _email),
    ("activity/sms", _sms),
    ("activity/whatsapp_message", _whatsapp),
    ("activity/status_change/lead", _status_change),
    ("activity/custom", _custom),
]


@pytest.mark.parametrize(("path", "body"), KINDS, ids=[k[0] for k in KINDS])
def test_each_kind_lists_newest_first(api: Api, path: str, body: Callable[[Api, str], Obj]) -> None:
    holder = lead(api)["id"]
    # The older one is written first, so neither insertion order nor ids explain the answer.
    older = api.ok("POST", f"{path}/", json={"lead_id": holder, "date_created": OLD, **body(api, holder)})
    newer = api.ok("POST", f"{path}/", json={"lead_id": holder, "date_created": NEW, **body(api, holder)})
    params = {"lead_id": holder}
    if path == "activity/custom":
        params["custom_activity_type_id"] = older["custom_activity_type_id"]
    listed = [a["id"] for a in api.ok("GET", f"{path}/", params=params)["data"]]
    assert listed == [newer["id"], older["id"]]
    oldest = api.ok("GET", f"{path}/", params={**params, "_order_by": "date_created"})["data"]
    assert [a["id"] for a in oldest] == [older["id"], newer["id"]]


def test_the_feed_is_newest_first_in_one_query(api: Api) -> None:
    holder = lead(api)["id"]
    created = api.ok("GET", "activity/", params={"lead_id": holder})["data"]
    old = api.ok("POST", "activity/note/", json={"lead_id": holder, "note": "a", "date_created": OLD})
    new = api.ok("POST", "activity/call/", json={"lead_id": holder, "date_created": NEW})
    with count_statements(api.engine) as statements:
        feed = api.ok("GET", "activity/", params={"lead_id": holder})["data"]
    assert [a["id"] for a in feed] == [created[0]["id"], new["id"], old["id"]]
    pages = [s for s in statements.statements if "FROM activity" in s and "LIMIT" in s]
    assert len(pages) == 1
    again = api.ok("GET", "activity/", params={"lead_id": holder, "_order_by": "date_created"})["data"]
    assert [a["id"] for a in again] == [old["id"], new["id"], created[0]["id"]]


def test_a_leading_minus_in_default_order_is_descending() -> None:
    note = resources.get("activity/note")
    assert note.default_order == ("-date_created", "id")
    assert default_ordering(note) == [Ordering("date_created", descending=True)]
    assert parse_order(note, {}) == [Ordering("date_created", descending=True)]
    assert parse_order(note, {"_order_by": "activity_at"}) == [Ordering("activity_at")]
    # Resources that keep the ascending default are unchanged.
    assert default_ordering(resources.get("lead")) == [Ordering("date_created")]
