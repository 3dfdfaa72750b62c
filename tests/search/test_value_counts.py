"""Counts of a search on one custom field: PostgreSQL reads them from `custom_value`
(search/value_counts.py), which triggers keep beside every write. Each count is checked against
the objects the same search lists, and on PostgreSQL the rows against the objects' own values."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from sqlalchemy import text as sql_text

from tests.custom_data import field as make_field
from tests.custom_data import key
from tests.search.helpers import custom, id_set, of
from tests.support import Api, count_statements

Obj = dict[str, Any]

# The rows the objects' values call for (the migration's rule: strings of at most 2,000 bytes
# and numbers), and the rows there are, for one organization.
_WANTED = """
SELECT t.id, e.key,
       CASE WHEN jsonb_typeof(e.value) = 'string' THEN e.value #>> '{}' END,
       CASE WHEN jsonb_typeof(e.value) = 'number' THEN (e.value #>> '{}')::double precision END
FROM TABLE t, jsonb_each(t.custom) e
WHERE t.organization_id = :org AND (jsonb_typeof(e.value) = 'number'
      OR (jsonb_typeof(e.value) = 'string' AND octet_length(e.value #>> '{}') <= 2000))
"""
_KEPT = """
SELECT object_id, field_id, text_value, number_value FROM custom_value
WHERE organization_id = :org AND object_table = :table
"""


def _postgres(api: Api) -> bool:
    return api.engine.dialect.name == "postgresql"


def _rows_follow_the_values(api: Api) -> None:
    if not _postgres(api):
        return
    org = api.org.organization_id
    with api.engine.connect() as conn:
        for table in ("lead", "contact", "opportunity"):
            wanted = {tuple(r) for r in conn.execute(sql_text(_WANTED.replace("TABLE", table)), {"org": org})}
            kept = [tuple(r) for r in conn.execute(sql_text(_KEPT), {"org": org, "table": table})]
            assert sorted(kept, key=repr) == sorted(wanted, key=repr), table
            assert len(kept) == len(set(kept))


def _total(api: Api, query: str) -> int:
    found = api.ok("GET", f"lead/?_limit=0&query={quote(query)}")
    return int(found["total_results"])


def _lead(api: Api, name: str, **values: Any) -> Obj:
    return api.ok("POST", "lead/", json={"name": name, **values})  # type: ignore[no-any-return]


def test_counts_of_one_custom_field_are_the_objects_the_search_finds(
    api: Api, make_api: Callable[..., Api]
) -> None:
    revenue = make_field(api, "lead", "Revenue", "number")
    industry = make_field(api, "lead", "Industry", "choices", choices=["Fintech", "Retail"])
    founded = make_field(api, "lead", "Founded", "date")
    code = make_field(api, "lead", "Account code", "text")
    tags = make_field(api, "lead", "Tags", "choices", choices=["a", "b"], accepts_multiple_values=True)
    values = [
        (1_000_000, "Fintech", "2020-01-05", "AC-1", ["a"]),
        (1_050_000.5, "Fintech", "2021-03-01", "ac-2", ["a", "b"]),
        (1_100_000, "Retail", "2019-12-31", "AC-3", []),
        (999_999, None, None, None, ["b"]),
        (None, "Fintech", "2020-06-30", "AC-1", None),
    ]
    for i, (amount, sector, date, account, tag_list) in enumerate(values):
        body = {key(revenue): amount, key(industry): sector, key(founded): date, key(code): account}
        if tag_list is not None:
            body[key(tags)] = tag_list
        _lead(api, f"Firm {i}", **{k: v for k, v in body.items() if v is not None})
    # Another organization's values are never counted.
    other = make_api()
    other_field = make_field(other, "lead", "Revenue", "number")
    other.ok("POST", "lead/", json={"name": "Elsewhere", key(other_field): 1_000_000})

    side_read = {
        f"custom.{revenue['id']} >= 1000000 custom.{revenue['id']} < 1100000": 2,
        '"custom.Revenue" >= 1000000': 3,
        "custom.Industry:Fintech": 3,
        'custom.Industry:"Retail"': 1,
        'custom.Founded >= "2020-01-01" custom.Founded < "2021-01-01"': 2,
    }
    counted_as_before = {
        "custom.Tags:a": 2,  # a list: its elements have no rows
        "has:custom.Revenue": 4,  # presence
        "not custom.Industry:Fintech": 2,  # negated: the leads without a value too
        'custom.Industry:Fintech custom.Founded >= "2020-01-01"': 3,  # two fields
        '"custom.Account code":"AC"': 4,  # a phrase inside a value, case aside: LIKE
        # Case aside: the few leads the field's index of lowered values lists.
        '"custom.Account code" = "AC-1"': 2,
        '"custom.Account code" = "ac-2"': 1,
    }
    for query, expected in {**side_read, **counted_as_before}.items():
        with count_statements(api.engine) as counter:
            total = _total(api, query)
        assert total == expected, query
        read_side = any("custom_value" in s for s in counter.statements)
        assert read_side == (_postgres(api) and query in side_read), query
    # Advanced Filtering's include_counts counts the same way.
    in_range = custom(revenue["id"], {"type": "number_range", "gte": 1_000_000, "lt": 1_100_000})
    found = api.ok("POST", "data/search/", json={"query": of("lead", in_range), "include_counts": True})
    assert found["count"]["total"] == len(id_set(api, of("lead", in_range))) == 2
    # A text's term is an exact equality, which the rows answer.
    exact = of("lead", custom(code["id"], {"type": "term", "values": ["AC-1", "ac-2"]}))
    with count_statements(api.engine) as counter:
        found = api.ok("POST", "data/search/", json={"query": exact, "include_counts": True})
    assert found["count"]["total"] == len(id_set(api, exact)) == 3
    assert any("custom_value" in s for s in counter.statements) == _postgres(api)
    _rows_follow_the_values(api)


def test_rows_follow_every_write_and_long_strings_are_counted_from_the_objects(api: Api) -> None:
    code = make_field(api, "lead", "Account code", "text")
    size = make_field(api, "contact", "Size", "number")
    stage = make_field(api, "opportunity", "Stage code", "text")
    a = _lead(api, "A", **{key(code): "AC-1"}, contacts=[{"name": "Ann", key(size): 3}])
    b = _lead(api, "B", **{key(code): "AC-2"}, contacts=[{"name": "Bo", key(size): 3}])
    c = _lead(api, "C", **{key(code): "AC-1"})
    opportunity = api.ok("POST", "opportunity/", json={"lead_id": a["id"], key(stage): "S1"})
    _rows_follow_the_values(api)
    assert _total(api, '"custom.Account code" = "AC-1"') == 2

    api.ok("PUT", f"lead/{c['id']}/", json={key(code): "AC-2"})
    api.ok("PUT", f"lead/{a['id']}/", json={"name": "A2"})  # values unchanged
    api.ok("PUT", f"contact/{a['contacts'][0]['id']}/", json={key(size): 5})
    api.ok("PUT", f"opportunity/{opportunity['id']}/", json={key(stage): None})
    _rows_follow_the_values(api)
    assert _total(api, '"custom.Account code" = "AC-2"') == 2

    # A string too long for a b-tree entry has no row: equality with it counts the leads.
    long_code = secrets.token_hex(1500)
    _lead(api, "D", **{key(code): long_code})
    assert _total(api, f'"custom.Account code" = "{long_code}"') == 1
    assert _total(api, '"custom.Account code" = "AC-2"') == 2

    merged = api.ok("POST", "lead/merge/", json={"source": b["id"], "destination": c["id"]})
    assert merged is not None
    api.ok("DELETE", f"lead/{a['id']}/")
    _rows_follow_the_values(api)
    at_least_three = of("contact", custom(size["id"], {"type": "number_range", "gte": 3}))
    found = api.ok("POST", "data/search/", json={"query": at_least_three, "include_counts": True})
    assert found["count"]["total"] == 1  # B's contact, now C's; A's went with A
    assert _total(api, '"custom.Account code" = "AC-2"') == 1
