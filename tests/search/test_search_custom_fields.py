"""Custom fields in Advanced Filtering: each field type through its own condition, and sorting."""

from __future__ import annotations

from typing import Any

import pytest

from leadbase.search import compiler
from tests.custom_data import field as make_field
from tests.custom_data import key
from tests.search.helpers import between, custom, fixed, id_set, ids, indexed_then_walked, of, related
from tests.support import Api, count_statements, validation_errors

Obj = dict[str, Any]


def _lead(api: Api, name: str, **values: Any) -> Obj:
    return api.ok("POST", "lead/", json={"name": name, **values})  # type: ignore[no-any-return]


def test_text_fields(api: Api) -> None:
    notes = make_field(api, "lead", "Notes")
    code = make_field(api, "lead", "Code")
    a = _lead(api, "A", **{key(notes): "Loves green rockets", key(code): "AB-12"})
    b = _lead(api, "B", **{key(notes): "Hates rockets"})
    assert id_set(
        api, of("lead", custom(notes["id"], {"type": "text", "value": "rockets", "mode": "full_words"}))
    ) == {
        a["id"],
        b["id"],
    }
    phrase = {"type": "text", "value": "green rockets", "mode": "phrase"}
    assert id_set(api, of("lead", custom(notes["id"], phrase))) == {a["id"]}
    exact = {"type": "text", "value": "ab-12", "mode": "exact_value"}
    assert id_set(api, of("lead", custom(code["id"], exact))) == {a["id"]}
    assert id_set(api, of("lead", custom(code["id"], {"type": "exists"}))) == {a["id"]}
    assert id_set(api, of("lead", custom(code["id"], {"type": "exists"}, negate=True))) == {b["id"]}


def test_number_field_ranges_and_sort(api: Api) -> None:
    size = make_field(api, "lead", "Size", "number")
    small = _lead(api, "Small", **{key(size): 5})
    mid = _lead(api, "Mid", **{key(size): 50.5})
    big = _lead(api, "Big", **{key(size): 500})
    none = _lead(api, "None")
    assert id_set(api, of("lead", custom(size["id"], {"type": "number_range", "gte": 5, "lt": 500}))) == {
        small["id"],
        mid["id"],
    }
    assert id_set(api, of("lead", custom(size["id"], {"type": "number_range", "gt": 50.5}))) == {big["id"]}
    by_size = [{"direction": "desc", "field": {"type": "custom_field", "custom_field_id": size["id"]}}]
    # Numbers sort as numbers (500 > 50.5 > 5), and leads without a value come last.
    assert ids(api, of("lead"), sort=by_size) == [big["id"], mid["id"], small["id"], none["id"]]
    by_size[0]["direction"] = "asc"
    assert ids(api, of("lead"), sort=by_size) == [small["id"], mid["id"], big["id"], none["id"]]


def test_date_and_datetime_fields(api: Api) -> None:
    renewal = make_field(api, "lead", "Renewal", "date")
    seen = make_field(api, "lead", "Seen", "datetime")
    a = _lead(api, "A", **{key(renewal): "2024-03-31", key(seen): "2024-03-31T23:30:00+00:00"})
    b = _lead(api, "B", **{key(renewal): "2024-04-01", key(seen): "2024-04-01T00:30:00+00:00"})
    march = between(
        {"type": "fixed_local_date", "value": "2024-03-01", "which": "start"},
        {"type": "fixed_local_date", "value": "2024-03-31", "which": "end"},
    )
    assert id_set(api, of("lead", custom(renewal["id"], march))) == {a["id"]}
    assert id_set(api, of("lead", custom(seen["id"], march))) == {a["id"]}
    april = between(fixed("2024-04-01T00:00:00Z"))
    assert id_set(api, of("lead", custom(seen["id"], april))) == {b["id"]}
    assert id_set(api, of("lead", custom(renewal["id"], april))) == {b["id"]}
    by_seen = [{"direction": "desc", "field": {"type": "custom_field", "custom_field_id": seen["id"]}}]
    assert ids(api, of("lead"), sort=by_seen) == [b["id"], a["id"]]


def test_choices_single_and_multiple(api: Api) -> None:
    tier = make_field(api, "lead", "Tier", "choices", choices=["Gold", "Silver", "Bronze"])
    tags = make_field(
        api, "lead", "Tags", "choices", choices=["red", "green", "blue"], accepts_multiple_values=True
    )
    gold = _lead(api, "G", **{key(tier): "Gold", key(tags): ["red", "green"]})
    silver = _lead(api, "S", **{key(tier): "Silver", key(tags): ["blue"]})
    assert id_set(api, of("lead", custom(tier["id"], {"type": "term", "values": ["Gold", "Bronze"]}))) == {
        gold["id"]
    }
    assert id_set(api, of("lead", custom(tags["id"], {"type": "term", "values": ["green"]}))) == {gold["id"]}
    assert id_set(api, of("lead", custom(tags["id"], {"type": "term", "values": ["blue", "red"]}))) == {
        gold["id"],
        silver["id"],
    }
    assert id_set(api, of("lead", custom(tags["id"], {"type": "term", "values": ["red"]}, negate=True))) == {
        silver["id"]
    }


def test_user_field_reference_and_current_user(api: Api) -> None:
    owner = make_field(api, "lead", "Owner", "user")
    me = api.ok("GET", "me/")["id"]
    mine = _lead(api, "Mine", **{key(owner): me})
    _lead(api, "Nobody's")
    reference = {"type": "reference", "reference_type": "user", "object_ids": [me]}
    assert id_set(api, of("lead", custom(owner["id"], reference))) == {mine["id"]}
    assert id_set(api, of("lead", custom(owner["id"], {"type": "current_user"}))) == {mine["id"]}


def test_contact_field_and_hidden_field(api: Api) -> None:
    champion = make_field(api, "lead", "Champion", "contact")
    flag = make_field(api, "lead", "Synced", "hidden")
    lead = _lead(api, "A", contacts=[{"name": "Ann"}])
    (contact_id,) = lead["contact_ids"]
    api.ok("PUT", f"lead/{lead['id']}/", json={key(champion): contact_id, key(flag): True})
    other = _lead(api, "B", **{key(flag): False})
    reference = {"type": "reference", "reference_type": "contact", "object_ids": [contact_id]}
    assert id_set(api, of("lead", custom(champion["id"], reference))) == {lead["id"]}
    assert id_set(api, of("lead", custom(flag["id"], {"type": "boolean", "value": True}))) == {lead["id"]}
    assert id_set(api, of("lead", custom(flag["id"], {"type": "boolean", "value": False}))) == {other["id"]}


def test_contact_and_opportunity_custom_fields_through_relations(api: Api) -> None:
    seniority = make_field(api, "contact", "Seniority", "choices", choices=["VP", "IC"])
    source = make_field(api, "opportunity", "Source", "text")
    vp = _lead(api, "A", contacts=[{"name": "Ann", key(seniority): "VP"}])
    _lead(api, "B", contacts=[{"name": "Bo", key(seniority): "IC"}])
    assert id_set(
        api,
        of("lead", related("lead", "contact", custom(seniority["id"], {"type": "term", "values": ["VP"]}))),
    ) == {vp["id"]}
    assert id_set(api, of("contact", custom(seniority["id"], {"type": "term", "values": ["VP"]}))) == set(
        vp["contact_ids"]
    )
    deal = api.ok("POST", "opportunity/", json={"lead_id": vp["id"], key(source): "Referral partner"})
    referral = custom(source["id"], {"type": "text", "value": "referral", "mode": "beginning_of_words"})
    assert id_set(api, of("opportunity", referral)) == {deal["id"]}
    assert id_set(api, of("lead", related("lead", "opportunity", referral))) == {vp["id"]}


def test_shared_field_on_leads(api: Api) -> None:
    shared = make_field(api, "shared", "Region")
    api.ok("POST", f"custom_field/shared/{shared['id']}/association/", 201, json={"object_type": "lead"})
    eu = _lead(api, "EU", **{key(shared): "Europe"})
    _lead(api, "US", **{key(shared): "Americas"})
    exact = {"type": "text", "value": "europe", "mode": "exact_value"}
    assert id_set(api, of("lead", custom(shared["id"], exact))) == {eu["id"]}


def test_an_unknown_field_or_a_wrong_value_is_a_400_naming_the_place(api: Api) -> None:
    size = make_field(api, "lead", "Size", "number")
    tier = make_field(api, "lead", "Tier", "choices", choices=["Gold"])
    unknown = api.post("data/search/", json={"query": of("lead", custom("cf_nope", {"type": "exists"}))})
    assert "query.queries[1].field.custom_field_id" in validation_errors(unknown)
    wrong = api.post(
        "data/search/",
        json={"query": of("lead", custom(tier["id"], {"type": "term", "values": ["Platinum"]}))},
    )
    assert "query.queries[1].condition" in validation_errors(wrong)
    not_a_number = api.post(
        "data/search/", json={"query": of("lead", custom(size["id"], {"type": "number_range", "gte": "big"}))}
    )
    assert "query.queries[1].condition.gte" in validation_errors(not_a_number)
    contact_field = make_field(api, "contact", "Nick")
    on_lead = api.post(
        "data/search/", json={"query": of("lead", custom(contact_field["id"], {"type": "exists"}))}
    )
    assert "query.queries[1].field.custom_field_id" in validation_errors(on_lead)


def test_a_common_choice_on_a_page_is_read_in_the_pages_order_with_the_same_answer(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite reads a page of a value many leads hold in the page's order, not through the
    # value's index (compiler.VALUE_WALK_FACTOR); answers, pages and counts stay the same.
    tier = make_field(api, "lead", "Tier", "choices", choices=["Gold", "Silver"])
    tags = make_field(api, "lead", "Labels", "choices", choices=["red", "blue"], accepts_multiple_values=True)
    for i in range(7):
        _lead(api, f"Firm {i}", **{key(tier): "Gold" if i % 3 else "Silver", key(tags): ["red"]})
    gold = of("lead", custom(tier["id"], {"type": "term", "values": ["Gold"]}))
    red = of("lead", custom(tags["id"], {"type": "term", "values": ["red"]}))

    def answers() -> tuple[list[str], list[str], int, set[str]]:
        paged = ids(api, gold, _limit=2)
        listed = api.ok("GET", "lead/", params={"query": f"custom.{tier['id']}:Gold", "_limit": 3})
        return paged, [lead["id"] for lead in listed["data"]], listed["total_results"], id_set(api, red)

    expected, indexed, walked = indexed_then_walked(
        api, monkeypatch, compiler, "VALUE_WALK_MIN", "VALUE_WALK_FACTOR", answers
    )
    assert len(expected[0]) == 4 and len(expected[1]) == 3 and set(expected[1]) < set(expected[0])
    assert expected[2] == 4
    assert len(expected[3]) == 7

    def read_in_order(statements: list[str]) -> list[str]:
        return [s for s in statements if ") IS 1" in s]

    sqlite = api.engine.dialect.name == "sqlite"
    assert not read_in_order(indexed)
    # Pages only (two of the search, one of the list), never a count, a multi-value field or PostgreSQL.
    assert len(read_in_order(walked)) == (3 if sqlite else 0)
    assert not [s for s in read_in_order(walked) if "count(" in s.lower() or "json_each" in s]


def _sizes_and_spring_dates(api: Api, name: str, year: int) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Seven leads `name 0..6` sized 0, 10, .. 60 and dated the 15th of January to July of `year`:
    a search of the sizes in [10, 60) (five leads), one of the dates from February to June (four),
    and the query string of the sizes."""
    size = make_field(api, "lead", f"{name} size", "number")
    founded = make_field(api, "lead", f"{name} opened", "date")
    for i in range(7):
        _lead(api, f"{name} {i}", **{key(size): 10 * i, key(founded): f"{year}-0{i + 1}-15"})
    some = of("lead", custom(size["id"], {"type": "number_range", "gte": 10, "lt": 60}))
    spring = of("lead", custom(founded["id"], between(fixed(f"{year}-02-01"), fixed(f"{year}-06-01"))))
    return some, spring, f"custom.{size['id']} >= 10 custom.{size['id']} < 60"


def test_a_common_range_on_a_page_is_read_in_the_pages_order_with_the_same_answer(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a common choice: bounds many leads' values fall within are checked in the page's
    # order on SQLite (a number and a date field); answers, pages and counts stay the same.
    some, spring, query = _sizes_and_spring_dates(api, "Shop", 2020)

    def answers() -> tuple[list[str], list[str], int]:
        paged = ids(api, some, _limit=2)
        listed = api.ok("GET", "lead/", params={"query": query, "_limit": 3})
        return paged + ids(api, spring), [lead["id"] for lead in listed["data"]], listed["total_results"]

    expected, indexed, walked = indexed_then_walked(
        api, monkeypatch, compiler, "VALUE_WALK_MIN", "VALUE_WALK_FACTOR", answers
    )
    assert len(expected[0]) == 5 + 4 and len(expected[1]) == 3 and expected[2] == 5

    def read_in_order(statements: list[str]) -> list[str]:
        return [s for s in statements if ") IS 1" in s]

    assert not read_in_order(indexed)
    # Pages only (three of the search, one of the dates, one of the list), never a count.
    assert len(read_in_order(walked)) == (5 if api.engine.dialect.name == "sqlite" else 0)
    assert not [s for s in read_in_order(walked) if "count(" in s.lower()]


def test_a_range_held_by_some_leads_is_read_by_membership_in_the_pages_order_with_the_same_answer(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Between the values a walk finds soon and those the index lists cheaply, SQLite lists the
    # matches' row ids from the value's index and walks the page's order looking each row up
    # (compiler.VALUE_MEMBERS_FACTOR); answers, pages and counts stay the same.
    some, spring, query = _sizes_and_spring_dates(api, "Mill", 2021)

    def answers() -> tuple[list[str], list[str], int, list[str]]:
        paged = ids(api, some, _limit=2)
        listed = api.ok("GET", "lead/", params={"query": query, "_limit": 3})
        second = api.ok("GET", "lead/", params={"query": query, "_limit": 3, "_skip": 3})
        ids_of = [lead["id"] for lead in listed["data"] + second["data"]]
        return paged + ids(api, spring), ids_of, listed["total_results"], ids(api, spring, _limit=1)

    expected, indexed, by_membership = indexed_then_walked(
        api, monkeypatch, compiler, "VALUE_MEMBERS_MIN", "VALUE_MEMBERS_FACTOR", answers
    )
    assert len(expected[0]) == 5 + 4 and len(expected[1]) == 5 and expected[2] == 5
    assert len(set(expected[1])) == 5

    def looked_up(statements: list[str]) -> list[str]:
        return [s for s in statements if "lead.rowid + 0 IN (SELECT lead.rowid" in s]

    assert not looked_up(indexed)
    sqlite = api.engine.dialect.name == "sqlite"
    # Pages only (the range's three, the dates' one and four, the list's two), never a count,
    # never a walk.
    assert len(looked_up(by_membership)) == (10 if sqlite else 0)
    assert not [s for s in looked_up(by_membership) if "count(" in s.lower()]
    assert not [s for s in by_membership if ") IS 1" in s]


def test_bounds_on_one_field_written_apart_answer_as_one_range(api: Api) -> None:
    size = make_field(api, "lead", "Desks", "number")
    opened = make_field(api, "lead", "Opened on", "date")
    by_size = {
        i: _lead(api, f"Desk {i}", **{key(size): i, key(opened): f"2022-0{i}-10"})["id"] for i in range(1, 8)
    }

    def found(*conditions: dict[str, Any]) -> set[str]:
        return id_set(api, of("lead", *conditions))

    def sized(**bounds: float) -> dict[str, Any]:
        return custom(size["id"], {"type": "number_range", **bounds})

    assert found(sized(gte=2), sized(lt=5)) == {by_size[i] for i in (2, 3, 4)}
    assert found(sized(gt=2), sized(lte=5), sized(lt=7)) == {by_size[i] for i in (3, 4, 5)}
    # The same bound twice: both hold (the stricter decides), not the last alone.
    assert found(sized(gte=2), sized(gte=4)) == {by_size[i] for i in (4, 5, 6, 7)}
    assert found(sized(gte=4), sized(gte=2)) == {by_size[i] for i in (4, 5, 6, 7)}
    # A bound and a negated bound; a range with no bound (the value exists).
    negated = custom(size["id"], {"type": "number_range", "gte": 6}, negate=True)
    assert found(sized(gte=2), negated) == {by_size[i] for i in (2, 3, 4, 5)}
    assert found(sized(), sized(lt=3)) == {by_size[i] for i in (1, 2)}
    dated = [
        custom(opened["id"], between(fixed("2022-03-01"))),
        custom(opened["id"], between(before=fixed("2022-05-01"))),
    ]
    assert found(*dated) == {by_size[i] for i in (3, 4)}
    query = f"custom.{size['id']} >= 3 custom.{size['id']} < 6 custom.{size['id']} > 3"
    with count_statements(api.engine) as counter:
        listed = api.ok("GET", "lead/", params={"query": query, "_limit": 10})
    assert {lead["id"] for lead in listed["data"]} == {by_size[i] for i in (4, 5)}
    assert listed["total_results"] == 2
    if api.engine.dialect.name == "sqlite":
        # The page's plan is chosen once, for the range: one count of its matches (up to where
        # a walk wins), where each bound alone would have been counted.
        planned = [s for s in counter.statements if "count(*)" in s and "LIMIT" in s]
        assert len(planned) == 1, planned
