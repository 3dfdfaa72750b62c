"""POST /data/search/ over leads: every node type, the regular fields' conditions, relations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from leadbase.search import compiler, fulltext
from tests.search.helpers import (
    and_,
    between,
    field,
    fixed,
    id_set,
    ids,
    indexed_then_walked,
    of,
    or_,
    pages,
    related,
    search,
    text,
)
from tests.support import Api, Clock

Obj = dict[str, Any]


def _lead(api: Api, name: str, **extra: Any) -> Obj:
    return api.ok("POST", "lead/", json={"name": name, **extra})  # type: ignore[no-any-return]


def _statuses(api: Api) -> dict[str, str]:
    return {s["label"]: s["id"] for s in api.ok("GET", "status/lead/")["data"]}


def test_an_object_type_alone_answers_ids_and_object_types(api: Api) -> None:
    a, b = _lead(api, "Acme"), _lead(api, "Bolt")
    page = search(api, of("lead"))
    assert {hit["id"] for hit in page["data"]} == {a["id"], b["id"]}
    assert all(set(hit) == {"id", "__object_type"} and hit["__object_type"] == "lead" for hit in page["data"])
    assert page["cursor"] is None
    assert "count" not in page


def test_fields_are_rendered_per_object_type(api: Api) -> None:
    a = _lead(api, "Acme", description="Rockets")
    (hit,) = search(api, of("lead"), _fields={"lead": ["id", "display_name", "description", "status_label"]})[
        "data"
    ]
    assert hit == {
        "__object_type": "lead",
        "id": a["id"],
        "display_name": "Acme",
        "description": "Rockets",
        "status_label": a["status_label"],
    }


def test_text_modes_on_the_name(api: Api) -> None:
    acme = _lead(api, "Acme Rocket Works")
    bolt = _lead(api, "Bolt Works Rocket")
    _lead(api, "Cargo")

    def named(value: str, mode: str) -> set[str]:
        return id_set(api, of("lead", field("lead", "name", {"type": "text", "value": value, "mode": mode})))

    assert named("rocket works", "phrase") == {acme["id"]}
    assert named("works rocket", "full_words") == {acme["id"], bolt["id"]}
    assert named("roc wor", "beginning_of_words") == {acme["id"], bolt["id"]}
    assert named("ocket", "beginning_of_words") == set()
    assert named("acme rocket works", "exact_value") == {acme["id"]}
    assert named("acme rocket", "exact_value") == set()


def test_reference_term_and_exists_on_regular_fields(api: Api) -> None:
    statuses = _statuses(api)
    potential = _lead(api, "A", status_id=statuses["Potential"])
    bad_fit = _lead(api, "B", status_id=statuses["Bad Fit"], url="https://b.example")
    _lead(api, "C", status_id=statuses["Qualified"])
    reference = {"type": "reference", "reference_type": "status.lead", "object_ids": [statuses["Potential"]]}
    assert id_set(api, of("lead", field("lead", "status_id", reference))) == {potential["id"]}
    term = {"type": "term", "values": [statuses["Bad Fit"], statuses["Potential"]]}
    assert id_set(api, of("lead", field("lead", "status_id", term))) == {potential["id"], bad_fit["id"]}
    assert id_set(api, of("lead", field("lead", "url", {"type": "exists"}))) == {bad_fit["id"]}
    assert bad_fit["id"] not in id_set(api, of("lead", field("lead", "url", {"type": "exists"}, negate=True)))


def test_moment_ranges_fixed_and_relative(api: Api, clock: Clock) -> None:
    clock.set(datetime.fromisoformat("2024-05-01T12:00:00+00:00"))
    may = _lead(api, "May")
    clock.set(datetime.fromisoformat("2024-06-15T12:00:00+00:00"))
    june = _lead(api, "June")
    clock.set(datetime.fromisoformat("2024-06-20T08:00:00+00:00"))
    created = "date_created"
    in_may = between(fixed("2024-05-01T00:00:00Z"), fixed("2024-06-01T00:00:00Z"))
    assert id_set(api, of("lead", field("lead", created, in_may))) == {may["id"]}
    since_june = between(fixed("2024-06-01T00:00:00+00:00"))
    assert id_set(api, of("lead", field("lead", created, since_june))) == {june["id"]}
    local = between(
        {"type": "fixed_local_date", "value": "2024-05-01", "which": "start"},
        {"type": "fixed_local_date", "value": "2024-05-01", "which": "end"},
    )
    assert id_set(api, of("lead", field("lead", created, local))) == {may["id"]}
    # In UTC-14 the lead of May 1st, 12:00 UTC, was made on April 30th.
    assert (
        ids(api, of("lead", field("lead", created, local)), _limit=10)
        and api.ok(
            "POST",
            "data/search/",
            json={"query": of("lead", field("lead", created, local))},
            headers={"x-tz-offset": "14"},
        )["data"]
        == []
    )
    last_week = between(
        {
            "type": "offset",
            "direction": "past",
            "moment": {"type": "now"},
            "offset": {"days": 7},
            "which_day_end": "start",
        },
        {"type": "now"},
    )
    assert id_set(api, of("lead", field("lead", created, last_week))) == {june["id"]}
    this_month = between(
        {"type": "start_end_of_predefined_relative_period", "range": "this-month", "which": "start"},
        {"type": "start_end_of_predefined_relative_period", "range": "this-month", "which": "end"},
    )
    assert id_set(api, of("lead", field("lead", created, this_month))) == {june["id"]}
    last_month = between(
        {"type": "start_end_of_predefined_relative_period", "range": "last-month", "which": "start"},
        {"type": "start_end_of_predefined_relative_period", "range": "last-month", "which": "end"},
    )
    assert id_set(api, of("lead", field("lead", created, last_month))) == {may["id"]}


def test_and_or_negate_ids_and_match_all(api: Api) -> None:
    a, b, c = _lead(api, "Acme"), _lead(api, "Bolt"), _lead(api, "Cargo")
    one = {"type": "id", "value": a["id"]}
    two = {"type": "id", "value": b["id"]}
    assert id_set(api, of("lead", or_(one, two))) == {a["id"], b["id"]}
    assert id_set(api, of("lead", or_(one, two, negate=True))) == {c["id"]}
    assert id_set(api, of("lead", and_(one, two))) == set()
    assert id_set(api, of("lead", {"type": "match_all"})) == {a["id"], b["id"], c["id"]}
    assert id_set(api, {"type": "match_all"}) == {a["id"], b["id"], c["id"]}
    assert id_set(api, of("lead", {"type": "ids", "values": [c["id"]]})) == {c["id"]}


def test_has_related_contacts_emails_and_negated(api: Api) -> None:
    with_ada = _lead(api, "A", contacts=[{"name": "Ada", "emails": [{"email": "ada@example.org"}]}])
    with_bob = _lead(api, "B", contacts=[{"name": "Bob", "title": "VP Sales"}])
    alone = _lead(api, "C")
    email_is = field(
        "contact_email", "email", {"type": "text", "mode": "exact_value", "value": "ADA@example.org"}
    )
    query = of("lead", related("lead", "contact", related("contact", "contact_email", email_is)))
    assert id_set(api, query) == {with_ada["id"]}
    vp = field("contact", "title", {"type": "text", "mode": "full_words", "value": "vp"})
    assert id_set(api, of("lead", related("lead", "contact", vp))) == {with_bob["id"]}
    assert id_set(api, of("lead", related("lead", "contact", negate=True))) == {alone["id"]}


def _every_page(api: Api, query: dict[str, Any]) -> tuple[list[str], int]:
    """The ids of every page of two, cursor after cursor, and the count."""
    answer = pages(api, query, _limit=2, include_counts=True)
    return [hit["id"] for page in answer for hit in page["data"]], answer[-1]["count"]["total"]


def _pages_checking(statements: list[str], correlation: str) -> list[str]:
    """The page statements (not counts) that check each lead's children through `correlation`."""
    return [s for s in statements if correlation in s and "ORDER BY" in s and "count(" not in s.lower()]


def test_a_page_of_leads_with_a_contact_at_a_common_domain_walks_the_pages_order_with_the_same_answer(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite reads a page of leads having a contact with an email at a domain many contacts of
    # the organization use in the page's order, keeping the leads that own one of the word's
    # rows and checking only their contacts (fulltext.OWNER_WALK_FACTOR); PostgreSQL reads them
    # in order too, looking each up in the hashed list of such contacts' leads. Pages, cursors
    # and counts stay those of the list of every such lead.
    for i in range(7):
        domain = "acme.test" if i % 3 else "example.com"
        _lead(api, f"Firm {i}", contacts=[{"name": f"Ann {i}", "emails": [{"email": f"ann{i}@{domain}"}]}])
    _lead(api, "No contact")
    # Mentions the domain, but not as an email address: the index finds it, the check does not.
    _lead(api, "Decoy", contacts=[{"name": "Acme", "title": "Test lead"}])
    at_acme = field("contact_email", "email", {"type": "text", "mode": "phrase", "value": "@acme.test"})
    query = of("lead", related("lead", "contact", related("contact", "contact_email", at_acme)))

    expected, listed, walked = indexed_then_walked(
        api, monkeypatch, fulltext, "OWNER_WALK_FACTOR", "OWNER_WALK_FACTOR", lambda: _every_page(api, query)
    )
    assert len(expected[0]) == 4 and expected[1] == 4

    if api.engine.dialect.name == "sqlite":
        assert not _pages_checking(listed, "|| '') IN")
        # The two pages; never the count, which reads every match anyway.
        walks = _pages_checking(walked, "|| '') IN")
        assert len(walks) == 2 and all("contact.lead_id = lead.id" in s for s in walks)
    else:
        # PostgreSQL reads the page's leads in order, each looked up in the hashed list of the
        # contacts' leads: a sublink in an expression, never pulled up into a join.
        assert not _pages_checking(walked, "|| '') IN")
        assert not _pages_checking(listed, ") IS true")
        assert len(_pages_checking(walked, ") IS true")) == 2


def test_a_page_of_leads_mostly_having_an_opportunity_checks_them_in_order_with_the_same_answer(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relation no word finds (an opportunity of a status): SQLite samples the first leads of
    # the page's order and, when enough of them have one (compiler.RELATED_WALK_FACTOR), checks
    # each lead's opportunities in that order instead of listing every lead that has one.
    won = api.ok("GET", "status/opportunity/")["data"]
    active = next(s["id"] for s in won if s["type"] == "active")
    for i in range(7):
        lead = _lead(api, f"Deal {i}")
        if i % 3:
            deal = {"lead_id": lead["id"], "status_id": active, "value": 100 * i}
            api.ok("POST", "opportunity/", json=deal)
    _lead(api, "No deal")
    of_status = field("opportunity", "status_id", {"type": "reference", "object_ids": [active]})
    query = of("lead", related("lead", "opportunity", of_status))

    expected, listed, walked = indexed_then_walked(
        api, monkeypatch, compiler, "RELATED_WALK_MIN", "RELATED_WALK_FACTOR", lambda: _every_page(api, query)
    )
    assert len(expected[0]) == 4 and expected[1] == 4
    checked = "opportunity.lead_id = lead.id"
    if api.engine.dialect.name == "sqlite":
        assert not _pages_checking(listed, checked)
        assert len(_pages_checking(walked, checked)) == 2
        # The sample: the first leads of the page's order, once per page compiled.
        assert len([s for s in walked if "LIMIT" in s and checked in s and "count(" in s.lower()]) == 2
    else:
        # PostgreSQL's planner chooses between the two itself: no sample is taken.
        assert len(_pages_checking(walked, checked)) == len(_pages_checking(listed, checked))


def test_contacts_reach_their_lead(api: Api) -> None:
    statuses = _statuses(api)
    hot = _lead(api, "Hot", status_id=statuses["Qualified"], contacts=[{"name": "Ann"}, {"name": "Al"}])
    _lead(api, "Cold", contacts=[{"name": "Cy"}])
    qualified = field("lead", "status_id", {"type": "reference", "object_ids": [statuses["Qualified"]]})
    found = search(api, of("contact", related("contact", "lead", qualified)), _fields={"contact": ["name"]})
    assert {(h["__object_type"], h["name"]) for h in found["data"]} == {("contact", "Ann"), ("contact", "Al")}
    assert {h["id"] for h in found["data"]} == set(hot["contact_ids"])


def test_address_phone_and_url_elements(api: Api) -> None:
    sf = _lead(
        api,
        "SF",
        addresses=[{"city": "San Francisco", "country": "US"}],
        contacts=[
            {"name": "P", "phones": [{"phone": "+14155550100"}], "urls": [{"url": "https://p.example"}]}
        ],
    )
    _lead(api, "NY", addresses=[{"city": "New York"}])
    city = field("address", "city", {"type": "text", "mode": "phrase", "value": "san francisco"})
    assert id_set(api, of("lead", related("lead", "address", city))) == {sf["id"]}
    phone = field("contact_phone", "phone", {"type": "text", "mode": "exact_value", "value": "+14155550100"})
    assert id_set(
        api, of("lead", related("lead", "contact", related("contact", "contact_phone", phone)))
    ) == {sf["id"]}
    url = related("contact", "contact_url", field("contact_url", "url", {"type": "exists"}))
    assert id_set(api, of("contact", url)) == set(sf["contact_ids"])
    counted = field("lead", "addresses_count", {"type": "number_range", "gte": 1})
    assert len(id_set(api, of("lead", counted))) == 2


def test_text_node_reads_names_contacts_and_emails(api: Api) -> None:
    acme = _lead(
        api, "Acme", contacts=[{"name": "Jonathan Swift", "emails": [{"email": "swift@gulliver.example"}]}]
    )
    _lead(api, "Other", contacts=[{"name": "Ann"}])
    assert id_set(api, of("lead", text("jon", "beginning_of_words"))) == {acme["id"]}
    assert id_set(api, of("lead", text("gulliver"))) == {acme["id"]}
    assert id_set(api, of("contact", text("swift", "beginning_of_words"))) == set(acme["contact_ids"])


def test_text_node_reads_notes(api: Api) -> None:
    noted = _lead(api, "Noted")
    _lead(api, "Quiet")
    api.ok("POST", "activity/note/", json={"lead_id": noted["id"], "note": "Wants the platinum tier"})
    assert id_set(api, of("lead", text("platinum"))) == {noted["id"]}


def test_current_user_and_created_by(api: Api) -> None:
    mine = _lead(api, "Mine")
    query = of("lead", field("lead", "created_by", {"type": "current_user"}))
    assert id_set(api, query) == {mine["id"]}
    other = {"type": "reference", "reference_type": "user", "object_ids": ["user_nobody"]}
    assert id_set(api, of("lead", field("lead", "created_by", other))) == set()


def test_activity_smart_fields(api: Api) -> None:
    called = _lead(api, "Called")
    _lead(api, "Silent")
    api.ok("POST", "activity/call/", json={"lead_id": called["id"], "direction": "outbound", "duration": 30})
    query = of("lead", field("lead", "num_calls", {"type": "number_range", "gte": 1}))
    assert id_set(api, query) == {called["id"]}
    none = of("lead", field("lead", "num_calls", {"type": "number_range", "lt": 1}))
    assert called["id"] not in id_set(api, none)
    last = of("lead", field("lead", "last_call_date", {"type": "exists"}))
    assert id_set(api, last) == {called["id"]}
    has_calls = of("lead", related("lead", "activity.call"))
    assert id_set(api, has_calls) == {called["id"]}
