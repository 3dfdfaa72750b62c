"""A lead list filtered by status and a range of date_created counts its total from the leads
kept per status and day (SQLite, db/day_counts.py), and so does a lead search of the same kind
(search/day_totals.py): the totals must be the leads the filter selects, counted here in Python
from the leads themselves, for every kind of bound and after every kind of write."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text, update

from leadbase.db.models import lead
from tests.support import Api, Clock, count_statements

START = datetime(2024, 1, 1, tzinfo=UTC)
# Hours into each day a lead is created at: midnight exactly, and the day's last microsecond.
HOURS = (timedelta(0), timedelta(hours=9, minutes=30), timedelta(hours=24, microseconds=-1))


def _statuses(api: Api) -> list[str]:
    return [s["id"] for s in api.ok("GET", "status/lead/")["data"]]


@pytest.fixture
def leads(api: Api, clock: Clock) -> Iterator[list[str]]:
    """Leads over eight days in two statuses (the clock set to each moment)."""
    first, second = _statuses(api)[:2]
    made = []
    for day in range(8):
        for n, hour in enumerate(HOURS):
            clock.set(START + timedelta(days=day) + hour)
            status = first if (day + n) % 3 else second
            made.append(api.ok("POST", "lead/", json={"name": f"Lead {day}.{n}", "status_id": status})["id"])
    clock.release()
    yield made


def _as_shown(api: Api) -> list[dict[str, Any]]:
    page = api.ok("GET", "lead/", params={"_limit": 100, "_fields": "id,status_id,date_created"})
    assert not page["has_more"]
    return list(page["data"])


def _param(moment: datetime) -> str:
    return moment.isoformat()


BOUND_CHECKS = {
    "date_created__gte": lambda created, bound: created >= bound,
    "date_created__gt": lambda created, bound: created > bound,
    "date_created__lt": lambda created, bound: created < bound,
    "date_created__lte": lambda created, bound: created <= bound,
}


def _expected(shown: list[dict[str, Any]], status: str | None, bounds: dict[str, datetime]) -> int:
    def selected(row: dict[str, Any]) -> bool:
        created = datetime.fromisoformat(row["date_created"])
        in_range = all(BOUND_CHECKS[name](created, bound) for name, bound in bounds.items())
        return in_range and (status is None or row["status_id"] == status)

    return sum(1 for row in shown if selected(row))


def _total(api: Api, status: str | None, bounds: dict[str, datetime], limit: int) -> int:
    params: dict[str, Any] = {"_limit": limit, **{name: _param(b) for name, b in bounds.items()}}
    if status is not None:
        params["status_id"] = status
    total: int = api.ok("GET", "lead/", params=params)["total_results"]
    return total


# Bounds on day boundaries, inside days, on a lead's own moment (gt and gte differ there), and
# given in another zone: midnight UTC, and a moment whose UTC day is the local day before.
MOMENTS = (
    START + timedelta(days=1),
    START + timedelta(days=1, hours=9, minutes=30),
    START + timedelta(days=6) - timedelta(microseconds=1),
    datetime.fromisoformat("2024-01-07T02:00:00+02:00"),
    datetime.fromisoformat("2024-01-04T01:00:00+02:00"),
    START + timedelta(days=30),
)


def _bound_sets() -> Iterator[dict[str, datetime]]:
    for low in (None, "date_created__gte", "date_created__gt"):
        for high in (None, "date_created__lt", "date_created__lte"):
            for a in MOMENTS if low else (None,):
                for b in MOMENTS if high else (None,):
                    bounds = {}
                    if low and a is not None:
                        bounds[low] = a
                    if high and b is not None:
                        bounds[high] = b
                    yield bounds


def _assert_totals_are_the_leads(api: Api) -> None:
    shown = _as_shown(api)
    checks = itertools.product((None, *_statuses(api)[:2]), _bound_sets())
    for n, (status, bounds) in enumerate(checks):
        # Without a page (`_limit=0`) and with one, whose total is counted another way.
        limit = n % 2
        assert _total(api, status, bounds, limit) == _expected(shown, status, bounds), (status, bounds, limit)


def test_totals_by_status_and_range_are_the_leads_the_filter_selects(api: Api, leads: list[str]) -> None:
    _assert_totals_are_the_leads(api)


def test_a_wide_range_reads_the_kept_days_and_a_narrow_one_counts_its_leads(
    api: Api, leads: list[str]
) -> None:
    status = _statuses(api)[0]
    wide = {"status_id": status, "date_created__gte": _param(START + timedelta(hours=5))}
    wide["date_created__lt"] = _param(START + timedelta(days=7, hours=5))
    narrow = {**wide, "date_created__lt": _param(START + timedelta(days=1, hours=5))}
    sqlite = api.engine.dialect.name == "sqlite"
    for params, reads_kept in ((wide, sqlite), (narrow, False)):
        with count_statements(api.engine) as statements:
            api.ok("GET", "lead/", params={**params, "_limit": 0})
        assert any("lead_day_count" in s for s in statements.statements) == reads_kept


def test_totals_follow_status_changes_deletes_merges_and_writes_behind_the_api(
    api: Api, leads: list[str]
) -> None:
    first, second, third = _statuses(api)[:3]
    api.ok("PUT", f"lead/{leads[4]}/", json={"status_id": second})
    api.ok("PUT", f"lead/{leads[10]}/", json={"status_id": third})
    api.ok("DELETE", f"lead/{leads[7]}/")
    api.ok("POST", "lead/merge/", json={"source": leads[13], "destination": leads[1]})
    with api.engine.begin() as conn:
        # Written by hand: moved to another day and status.
        conn.execute(
            update(lead)
            .where(lead.c.id == leads[16])
            .values(status_id=first, date_created=START + timedelta(days=3, hours=2))
        )
    _assert_totals_are_the_leads(api)


def test_other_organizations_leads_are_not_counted(api: Api, leads: list[str], make_api: Any) -> None:
    other = make_api()
    for n in range(3):
        other.ok("POST", "lead/", json={"name": f"Theirs {n}"})
    bounds = {
        "date_created__gte": START - timedelta(days=1),
        "date_created__lt": datetime.now(UTC) + timedelta(days=1),
    }
    assert _total(other, None, bounds, 0) == 3
    assert _total(api, None, bounds, 0) == len(leads)


def test_stored_text_that_is_not_the_usual_form_counts_as_the_filter_compares_it(
    api: Api, leads: list[str]
) -> None:
    """SQLite compares date_created as text: a date written by hand without a time, or with an
    offset, is counted from the kept days exactly as the list's own filter selects it."""
    if api.engine.dialect.name != "sqlite":
        pytest.skip("SQLite keeps datetimes as text; PostgreSQL keeps no day counts")
    status = _statuses(api)[0]
    odd = {
        leads[3]: "2024-01-03",
        leads[6]: "2024-01-02T23:00:00+02:00",
        leads[9]: "2024-01-06",
        leads[12]: "2024-01-06 ",
    }
    with api.engine.begin() as conn:
        for lead_id, stored in odd.items():
            conn.execute(
                text("UPDATE lead SET date_created = :d, status_id = :s WHERE id = :id"),
                {"d": stored, "s": status, "id": lead_id},
            )
    with api.engine.connect() as conn:
        for a, b in itertools.product(MOMENTS[:4], MOMENTS[2:]):
            by_hand = conn.execute(
                text(
                    "SELECT count(*) FROM lead WHERE organization_id = :o AND status_id = :s "
                    "AND date_created >= :a AND date_created < :b"
                ),
                {
                    "o": api.org.organization_id,
                    "s": status,
                    "a": a.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
                    "b": b.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
                },
            ).scalar_one()
            bounds = {"date_created__gte": a, "date_created__lt": b}
            assert _total(api, status, bounds, 0) == by_hand, (a, b)


def _range_query(status: str | None, start: datetime | None, before: datetime | None) -> dict[str, Any]:
    """Advanced Filtering's form of a status and a creation range: `status_id` in, a moment range."""
    conditions: list[dict[str, Any]] = [{"type": "object_type", "object_type": "lead"}]
    if status is not None:
        conditions.append(_lead_field("status_id", {"type": "term", "values": [status]}))
    if start is not None or before is not None:
        moment = {
            "type": "moment_range",
            "on_or_after": {"type": "fixed_utc", "value": start.isoformat()} if start else None,
            "before": {"type": "fixed_utc", "value": before.isoformat()} if before else None,
        }
        conditions.append(_lead_field("date_created", moment))
    return {"type": "and", "queries": conditions}


def _lead_field(name: str, condition: dict[str, Any]) -> dict[str, Any]:
    field = {"type": "regular_field", "object_type": "lead", "field_name": name}
    return {"type": "field_condition", "field": field, "condition": condition}


def test_a_searchs_count_of_statuses_and_a_creation_range_is_the_leads_it_selects(
    api: Api, leads: list[str]
) -> None:
    # Advanced Filtering's `include_counts` and the query string's total count these searches
    # from the kept days too (search/day_totals.py): on_or_after is `gte`, before is `lt`.
    shown = _as_shown(api)
    for n, (status, start, before) in enumerate(
        itertools.product((None, *_statuses(api)[:2]), (None, *MOMENTS), (None, *MOMENTS))
    ):
        bounds = {"date_created__gte": start, "date_created__lt": before}
        expected = _expected(shown, status, {k: v for k, v in bounds.items() if v is not None})
        query = _range_query(status, start, before)
        counted = api.ok(
            "POST", "data/search/", json={"query": query, "include_counts": True, "_limit": n % 2}
        )
        assert counted["count"]["total"] == expected, (status, start, before)
        assert len(counted["data"]) == min(n % 2, expected)


def test_search_counts_read_the_kept_days_only_for_statuses_and_a_creation_range(
    api: Api, leads: list[str]
) -> None:
    first, second = _statuses(api)[:2]
    wide = _range_query(first, START + timedelta(hours=5), START + timedelta(days=7, hours=5))
    either = {"type": "term", "values": [first, second]}
    wide_either = {
        **wide,
        "queries": [*wide["queries"][:1], _lead_field("status_id", either), wide["queries"][2]],
    }
    negated = {**wide, "queries": [*wide["queries"][:2], {**wide["queries"][2], "negate": True}]}
    named = {**wide, "queries": [*wide["queries"], _lead_field("name", {"type": "exists"})]}
    kept_expected = api.engine.dialect.name == "sqlite"
    shown = _as_shown(api)
    for query, kept in (
        (wide, kept_expected),
        (wide_either, kept_expected),
        (negated, False),
        (named, False),
    ):
        with count_statements(api.engine) as counter:
            counted = api.ok(
                "POST", "data/search/", json={"query": query, "include_counts": True, "_limit": 0}
            )
        assert any("lead_day_count" in s for s in counter.statements) == kept, query
        if query is wide:
            bounds = {
                "date_created__gte": START + timedelta(hours=5),
                "date_created__lt": START + timedelta(days=7, hours=5),
            }
            assert counted["count"]["total"] == _expected(shown, first, bounds)
    # The query string's total: `status:<label>` and a comparison on the creation date.
    label = next(s["label"] for s in api.ok("GET", "status/lead/")["data"] if s["id"] == first)
    text = f'status:"{label}" created >= "{(START + timedelta(hours=5)).isoformat()}"'
    with count_statements(api.engine) as counter:
        page = api.ok("GET", "lead/", params={"query": text, "_limit": 0})
    assert page["total_results"] == _expected(shown, first, {"date_created__gte": START + timedelta(hours=5)})
    assert any("lead_day_count" in s for s in counter.statements) == kept_expected
