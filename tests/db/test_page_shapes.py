"""A list page whose filter is plain comparisons on the table's own columns (db/filters.py,
`BoundFilter`) is read by a select built once per shape (db/repository.py, `_prepared_page`):
its pages must be the rows the filter selects, in the asked order, counted here in Python from
the leads themselves; the select must be one text for any values of the shape; and every other
filter keeps the general way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leadbase.db.filters import And, Not, Or, Term, bound_filter
from leadbase.db.repository import _PAGES
from leadbase.resources.lead.spec import LEAD
from tests.support import Api, Clock, count_statements

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
NAMES = ("Okafor Labs", "Acme", "Northwind", "Bluth", "Zeta", "Initech", "Globex", "Acme")


@pytest.fixture
def leads(api: Api, clock: Clock) -> Iterator[list[dict[str, Any]]]:
    """Eight leads a day apart (two of them named alike), in two statuses, some with a url."""
    first, second = [s["id"] for s in api.ok("GET", "status/lead/")["data"]][:2]
    for n, name in enumerate(NAMES):
        clock.set(START + timedelta(days=n, microseconds=n))
        body = {"name": name, "status_id": first if n % 3 else second}
        if n % 2:
            body["url"] = f"https://{name.split()[0].lower()}.example.com"
        api.ok("POST", "lead/", json=body)
    clock.release()
    page = api.ok("GET", "lead/", params={"_limit": 100, "_fields": "id,name,status_id,url,date_created"})
    assert len(page["data"]) == len(NAMES)
    yield list(page["data"])


def _moment(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


def _when(lead: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(lead["date_created"])


Check = Callable[[dict[str, Any]], bool]


def _cases(leads: list[dict[str, Any]]) -> list[tuple[dict[str, str], Check]]:
    first, second = leads[1]["status_id"], leads[0]["status_id"]
    some = leads[3]["id"]
    return [
        ({}, lambda lead: True),
        ({"status_id": first}, lambda lead: lead["status_id"] == first),
        ({"status_id__in": f"{first},{second}"}, lambda lead: True),
        ({"status_id__in": second}, lambda lead: lead["status_id"] == second),
        ({"id": some}, lambda lead: lead["id"] == some),
        (
            {"date_created__gte": _moment(2), "date_created__lt": _moment(6)},
            lambda lead: START + timedelta(days=2) <= _when(lead) < START + timedelta(days=6),
        ),
        (
            {"date_created__gt": _moment(2), "date_created__lte": _moment(6), "status_id": first},
            lambda lead: (
                START + timedelta(days=2) < _when(lead) <= START + timedelta(days=6)
                and lead["status_id"] == first
            ),
        ),
        ({"date_created__lt": _moment(0)}, lambda lead: False),
    ]


ORDERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "": lambda lead: (lead["date_created"], lead["id"]),
    "name": lambda lead: (lead["name"], lead["id"]),
    "-date_created": lambda lead: (-_when(lead).timestamp(), lead["id"]),
}


def test_plain_filters_answer_the_rows_they_select_in_every_order_and_window(
    api: Api, leads: list[dict[str, Any]]
) -> None:
    for params, check in _cases(leads):
        matching = [lead for lead in leads if check(lead)]
        for order, key in ORDERS.items():
            expected = [lead["id"] for lead in sorted(matching, key=key)]
            for skip, limit in ((0, 100), (0, 3), (2, 3), (7, 5)):
                query = {**params, "_skip": str(skip), "_limit": str(limit), "_fields": "id"}
                if order:
                    query["_order_by"] = order
                page = api.ok("GET", "lead/", params=query)
                assert [o["id"] for o in page["data"]] == expected[skip : skip + limit], query
                assert page["total_results"] == len(expected), query
                assert page["has_more"] == (skip + limit < len(expected)), query


def test_pages_of_one_shape_run_one_statement_whatever_their_values(
    api: Api, leads: list[dict[str, Any]]
) -> None:
    first, second = leads[1]["status_id"], leads[0]["status_id"]
    texts = []
    kept = []
    for status, low, high, limit in ((first, 1, 5, 2), (second, 0, 7, 10)):
        params = {
            "status_id": status,
            "date_created__gte": _moment(low),
            "date_created__lt": _moment(high),
            "_limit": str(limit),
        }
        with count_statements(api.engine) as seen:
            api.ok("GET", "lead/", params=params)
        kept.append(len(_PAGES))
        texts.append([s for s in seen.statements if "FROM lead " in s and "ORDER BY" in s])
    # The second request's shape is the first's: no new select was kept, the same one ran.
    assert kept[0] == kept[1]
    assert len(texts[0]) == 1 and texts[0] == texts[1]
    # The values are parameters, not part of the text.
    assert first not in texts[0][0] and second not in texts[0][0]


def test_only_plain_comparisons_of_the_table_s_own_columns_are_bound() -> None:
    status = Term("status_id", "eq", "stat_1")
    bound = bound_filter(LEAD, And((status, Term("date_created", "gte", START), Term("url", "eq", None))))
    assert bound is not None
    assert bound.shape == (("status_id", "eq", None), ("date_created", "gte", None), ("url", "eq", "null"))
    assert bound.values == {"filter_0": "stat_1", "filter_1": START}
    assert bound_filter(LEAD, None) == bound_filter(LEAD, And(()))
    for other in (
        Or((status, status)),
        Not(status),
        And((status, Or((status,)))),
        Term("contact.name", "eq", "Ann"),
        Term("custom.cf_x", "eq", 1),
        Term("name", "istartswith", "Ac"),
        Term("name", "text", ("phrase", "Acme")),
        Term("status_id", "in", [1, 2]),
        Term("contacts", "eq", "x"),
    ):
        assert bound_filter(LEAD, other) is None, other
