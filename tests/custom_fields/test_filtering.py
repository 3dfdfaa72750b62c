"""Each field type's filter conditions, run as SQL on the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select

from leadbase.core.errors import Invalid
from leadbase.custom_fields.filtering import custom_condition
from leadbase.db.context import Actor, Context
from leadbase.db.models import lead
from tests.custom_data import field, key
from tests.custom_data import lead as make_lead
from tests.support import Api


def _names(api: Api, engine: Engine, reference: str, operator: str, operand: Any) -> set[str]:
    with engine.connect() as conn:
        ctx = Context(conn=conn, actor=Actor(api.org.organization_id, api.org.user_id, None, "admin"))
        condition = custom_condition(ctx, lead, "lead", reference, operator, operand)
        rows = conn.execute(
            select(lead.c.name).where(lead.c.organization_id == api.org.organization_id, condition)
        )
        return {r.name for r in rows}


@pytest.fixture
def leads(api: Api) -> dict[str, dict[str, Any]]:
    fields = {
        "text": field(api, "lead", "Industry"),
        "number": field(api, "lead", "Seats", "number"),
        "date": field(api, "lead", "Renewal", "date"),
        "datetime": field(api, "lead", "Seen", "datetime"),
        "choices": field(
            api, "lead", "Tags", "choices", choices=["a", "b", "c"], accepts_multiple_values=True
        ),
        "user": field(api, "lead", "Owner", "user"),
        "hidden": field(api, "lead", "External id", "hidden"),
    }
    rows = {
        "small": {
            "text": "Software",
            "number": 5,
            "date": "2024-01-10",
            "datetime": "2024-01-10T08:00:00Z",
            "choices": ["a"],
            "user": api.org.user_id,
            "hidden": 7,
        },
        "large": {
            "text": "Retail",
            "number": 250.5,
            "date": "2024-06-01",
            "datetime": "2024-06-01T20:00:00+02:00",
            "choices": ["b", "c"],
            "hidden": "x-7",
        },
        "empty": {},
    }
    for name, values in rows.items():
        make_lead(api, name, **{key(fields[t]): v for t, v in values.items()})
    return fields


def test_equality_and_membership(api: Api, engine: Engine, leads: dict[str, dict[str, Any]]) -> None:
    assert _names(api, engine, key(leads["text"]), "eq", "Retail") == {"large"}
    assert _names(api, engine, key(leads["text"]), "in", ["Retail", "Software", "Other"]) == {
        "small",
        "large",
    }
    assert _names(api, engine, "custom.Industry", "eq", "Software") == {"small"}
    assert _names(api, engine, key(leads["number"]), "eq", 5) == {"small"}
    assert _names(api, engine, key(leads["number"]), "eq", "250.5") == {"large"}
    assert _names(api, engine, key(leads["user"]), "eq", api.org.user_id) == {"small"}
    assert _names(api, engine, key(leads["hidden"]), "eq", 7) == {"small"}
    assert _names(api, engine, key(leads["hidden"]), "eq", "x-7") == {"large"}


def test_multi_value_fields_match_any_element(
    api: Api, engine: Engine, leads: dict[str, dict[str, Any]]
) -> None:
    assert _names(api, engine, key(leads["choices"]), "eq", "c") == {"large"}
    assert _names(api, engine, key(leads["choices"]), "in", ["a", "c"]) == {"small", "large"}


def test_ranges_compare_numbers_dates_and_instants(
    api: Api, engine: Engine, leads: dict[str, dict[str, Any]]
) -> None:
    assert _names(api, engine, key(leads["number"]), "gt", 10) == {"large"}
    assert _names(api, engine, key(leads["number"]), "lte", 5) == {"small"}
    assert _names(api, engine, key(leads["date"]), "gte", "2024-02-01") == {"large"}
    assert _names(api, engine, key(leads["date"]), "lt", "2024-02-01") == {"small"}
    # 20:00 at +02:00 is 18:00 UTC.
    assert _names(api, engine, key(leads["datetime"]), "gt", "2024-06-01T18:00:00Z") == set()
    assert _names(api, engine, key(leads["datetime"]), "gte", "2024-06-01T18:00:00Z") == {"large"}


def test_exists(api: Api, engine: Engine, leads: dict[str, dict[str, Any]]) -> None:
    assert _names(api, engine, key(leads["user"]), "exists", True) == {"small"}
    assert _names(api, engine, key(leads["user"]), "exists", False) == {"large", "empty"}


def test_unknown_fields_and_bad_operands_are_400(
    api: Api, engine: Engine, leads: dict[str, dict[str, Any]]
) -> None:
    with pytest.raises(Invalid) as unknown:
        _names(api, engine, "custom.Nope", "eq", 1)
    assert "custom.Nope" in unknown.value.field_errors
    with pytest.raises(Invalid):
        _names(api, engine, key(leads["number"]), "gt", "many")
    with pytest.raises(Invalid):
        _names(api, engine, key(leads["choices"]), "eq", "z")
    with pytest.raises(Invalid):
        _names(api, engine, key(leads["text"]), "like", "x")
