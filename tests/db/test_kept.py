"""Kept renderings (leadbase/db/kept.py): a second read answers what a fresh rendering would,
whatever changed in between, in the row or around it.

Every server of the test suite also compares each kept answer with a fresh rendering
(LEADBASE_CHECK_KEPT_RENDERINGS, tests/conftest.py), so these tests fail both on what they
assert and on any difference that check finds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text, update

from leadbase.db.kept import Kept, Key, kept
from leadbase.db.models import contact, lead, user
from leadbase.resources.contact import channels
from tests.support import SQLITE, Api, Clock

LEAD_BODY = {
    "name": "Acme",
    "addresses": [{"address_1": "1 Main St", "city": "Springfield", "state": "IL", "country": "US"}],
    "contacts": [
        {"name": "Ann", "emails": [{"email": "ann@acme.test", "type": "office"}]},
        {"name": "Bob", "phones": [{"phone": "+16505551234", "type": "mobile"}]},
    ],
}


def _page(api: Api, **params: Any) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = api.ok("GET", "lead/", params=params)["data"]
    return data


def _on_sqlite(api: Api) -> bool:
    return api.engine.dialect.name == SQLITE


def test_a_second_read_answers_from_what_the_first_kept(api: Api) -> None:
    api.ok("POST", "lead/", json=LEAD_BODY)
    first = _page(api)
    leads, contacts = kept("lead"), kept("contact")
    hits_before = (leads.hits, contacts.hits)
    assert _page(api) == first
    if _on_sqlite(api):
        # One lead and its two contacts, each found kept (the check compared each with a fresh one).
        assert (leads.hits - hits_before[0], contacts.hits - hits_before[1]) == (1, 2)


def test_a_write_behind_the_api_is_shown_at_once(api: Api) -> None:
    made = api.ok("POST", "lead/", json=LEAD_BODY)
    _page(api)
    ann = made["contacts"][0]
    # Changed in SQL, date_updated left as it was: the row's stored tuple is another key.
    with api.engine.begin() as conn:
        conn.execute(update(lead).where(lead.c.id == made["id"]).values(description="Written by hand"))
        conn.execute(update(contact).where(contact.c.id == ann["id"]).values(title="CEO"))
    (again,) = _page(api)
    assert again["description"] == "Written by hand"
    assert again["date_updated"] == made["date_updated"]
    assert {c["id"]: c["title"] for c in again["contacts"]}[ann["id"]] == "CEO"


def test_what_the_request_adds_follows_its_own_changes(api: Api) -> None:
    made = api.ok("POST", "lead/", json=LEAD_BODY)
    ann = made["contacts"][0]
    _page(api)
    # A status renamed, the creator renamed, a call logged and an address unsubscribed: none of
    # them changes the lead's or the contacts' rows.
    status_id = made["status_id"]
    api.ok("PUT", f"status/lead/{status_id}/", json={"label": "Warm"})
    with api.engine.begin() as conn:
        renamed = update(user).where(user.c.id == made["created_by"])
        conn.execute(renamed.values(first_name="Zed", last_name="Z"))
    call = api.ok("POST", "activity/call/", json={"lead_id": made["id"], "contact_id": ann["id"]})
    api.ok("POST", "unsubscribe/email/", 201, json={"email": "ann@acme.test"})
    (again,) = _page(api)
    assert again["status_label"] == "Warm"
    assert again["created_by_name"] == "Zed Z"
    assert [c["id"] for c in again["recent_calls"]] == [call["id"]]
    by_id = {c["id"]: c for c in again["contacts"]}
    assert [c["id"] for c in by_id[ann["id"]]["recent_calls"]] == [call["id"]]
    assert by_id[ann["id"]]["emails"][0]["is_unsubscribed"] is True
    assert by_id[ann["id"]]["created_by_name"] == "Zed Z"


def test_a_custom_field_renamed_or_deleted_is_shown_at_once(api: Api) -> None:
    field = api.ok("POST", "custom_field/lead/", json={"name": "Plan", "type": "text"})
    made = api.ok("POST", "lead/", json={"name": "Acme", f"custom.{field['id']}": "Gold"})
    (first,) = _page(api)
    assert first["custom"] == {"Plan": "Gold"} and first[f"custom.{field['id']}"] == "Gold"
    api.ok("PUT", f"custom_field/lead/{field['id']}/", json={"name": "Tier"})
    (renamed,) = _page(api)
    assert renamed["custom"] == {"Tier": "Gold"}
    api.ok("DELETE", f"custom_field/lead/{field['id']}/")
    (deleted,) = _page(api)
    assert deleted["id"] == made["id"]
    assert deleted["custom"] == {} and f"custom.{field['id']}" not in deleted


def test_a_zone_that_depends_on_the_moment_is_worked_out_at_each_read(
    api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A number ringing in Denver and Phoenix, which show the same time in winter only.
    details = channels._phone_details

    def two_zones(phone: str) -> tuple[str, str | None, tuple[str, ...]]:
        if phone == "+15055550123":
            return "+1 505-555-0123", "US", ("America/Denver", "America/Phoenix")
        return details(phone)

    monkeypatch.setattr(channels, "_phone_details", two_zones)
    clock.set(datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    made = api.ok(
        "POST", "lead/", json={"name": "Acme", "contacts": [{"phones": [{"phone": "+15055550123"}]}]}
    )
    assert _page(api)[0]["contacts"][0]["timezone"] == "America/Denver"
    clock.set(datetime(2026, 7, 15, 12, 0, tzinfo=UTC))
    (summer,) = _page(api)
    assert summer["id"] == made["id"] and summer["contacts"][0]["timezone"] is None
    clock.set(datetime(2026, 1, 16, 12, 0, tzinfo=UTC))
    assert _page(api)[0]["contacts"][0]["timezone"] == "America/Denver"


def test_a_read_of_some_fields_keeps_nothing(api: Api) -> None:
    made = api.ok("POST", "lead/", json={"name": "Acme"})

    def kept_for_it() -> list[Any]:
        return [slot for slot in kept("lead")._entries if slot[1] == made["id"]]

    assert _page(api, _fields="id,name") == [{"id": made["id"], "name": "Acme"}]
    assert kept_for_it() == []
    _page(api)
    assert len(kept_for_it()) == (1 if _on_sqlite(api) else 0)


def test_another_organization_never_gets_anothers_rendering(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    mine = api.ok("POST", "lead/", json={"name": "Acme"})
    theirs = other.ok("POST", "lead/", json={"name": "Acme"})
    assert [d["id"] for d in _page(api)] == [mine["id"]]
    assert [d["id"] for d in _page(other)] == [theirs["id"]]
    assert [d["id"] for d in _page(api)] == [mine["id"]]


def test_an_answer_changed_by_its_reader_leaves_the_kept_one_alone(api: Api) -> None:
    api.ok("POST", "lead/", json=LEAD_BODY)
    (first,) = _page(api)
    leads = kept("lead")
    found = [entry for _, entry in leads._entries.values() if entry["id"] == first["id"]]
    if not _on_sqlite(api):
        # PostgreSQL's driver hands back no stored text to key by: nothing is kept there.
        assert found == []
        return
    (kept_one,) = found
    # A consumer writing into an answer's top level: answers are copies.
    (answer,) = _page(api)
    answer["name"] = "Changed"
    assert kept_one["name"] == "Acme"
    # Writing into a shared nested value is what the check catches.
    kept_one["addresses"][0]["city"] = "Shelbyville"
    with pytest.raises(AssertionError, match="changed after it was kept"):
        _page(api)
    kept_one["addresses"][0]["city"] = "Springfield"
    assert _page(api) == [first]


def test_the_oldest_are_dropped_past_the_size() -> None:
    store = Kept("thing")
    keys: list[Key] = [(("v", f"thing_{n}"), (f"thing_{n}", n)) for n in range(5)]
    for n, key in enumerate(keys):
        store.keep(key, {"n": n}, 3, checking=False)
    assert len(store) == 3
    assert store.get(keys[0]) is None and store.get(keys[4]) == {"n": 4}
    # Another stored version of a kept row is not answered from the kept one.
    assert store.get((("v", "thing_4"), ("thing_4", 5))) is None


def test_a_kept_lead_is_answered_for_the_text_sqlite_stores(api: Api) -> None:
    """What a kept lead is found by: the very text SQLite stores (JSON and datetimes included)."""
    made = api.ok("POST", "lead/", json=LEAD_BODY)
    _page(api)
    kept_stored = [entry[0] for slot, entry in kept("lead")._entries.items() if slot[1] == made["id"]]
    if not _on_sqlite(api):
        assert kept_stored == []
        return
    columns = ", ".join(c.name for c in lead.columns)
    with api.engine.connect() as conn:
        stored = conn.execute(text(f"SELECT {columns} FROM lead WHERE id = :id"), {"id": made["id"]}).one()
    assert kept_stored == [tuple(stored)]
