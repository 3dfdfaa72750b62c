"""Field declarations: one description drives validation, rendering, filters, sorts and schemas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from leadbase.core.clock import iso
from leadbase.core.errors import Invalid
from leadbase.db.fields import BOOL, DATETIME, EQUAL, ID, RANGE, TEXT, Field, Fields, shown

WIDGET = Fields(
    (
        shown("id", filter_operators=EQUAL),
        Field(
            "name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=6, sortable=True
        ),
        Field("note", TEXT, default=""),
        Field("active", BOOL, default=True),
        Field("owner_id", ID, column="user_id", filter_operators=EQUAL),
        Field("label", TEXT, write_only=True),
        shown("size", TEXT, computed=True),
        shown("date_created", DATETIME, filter_operators=RANGE, sortable=True),
    )
)


def _errors(body: dict[str, object], *, creating: bool = True) -> dict[str, object]:
    with pytest.raises(Invalid) as caught:
        WIDGET.clean(body, creating=creating)
    return caught.value.field_errors


def test_a_create_fills_defaults_and_ignores_read_only_and_unknown_keys() -> None:
    values = WIDGET.clean({"name": " Acme ", "id": "x", "size": "L", "whatever": 1}, creating=True)
    assert values == {"name": "Acme", "note": "", "active": True, "user_id": None, "label": None}


def test_an_update_takes_only_what_the_body_names() -> None:
    assert WIDGET.clean({"active": False}, creating=False) == {"active": False}
    assert WIDGET.clean({}, creating=False) == {}


def test_every_problem_is_reported_at_once_under_its_name() -> None:
    assert _errors({"active": "yes", "note": 5}) == {
        "name": "This field is required.",
        "note": "Not a valid string.",
        "active": "Must be true or false.",
    }
    assert _errors({"name": "   "}) == {"name": "This field may not be blank."}
    assert _errors({"name": None}, creating=False) == {"name": "This field may not be blank."}
    assert _errors({"name": "toolong"}) == {"name": "Longer than the maximum of 6 characters."}


def test_rendering_reads_columns_and_asks_for_computed_fields() -> None:
    row = {"id": "w_1", "name": "Acme", "note": "", "active": 1, "user_id": "user_1", "label": "x"}
    row["date_created"] = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    shown_fields = WIDGET.render(row, lambda f, r: f"{f.name} of {r['id']}")
    assert shown_fields == {
        "id": "w_1",
        "name": "Acme",
        "note": "",
        "active": True,
        "owner_id": "user_1",
        "size": "size of w_1",
        "date_created": "2026-01-02T03:04:05.000000+00:00",
    }


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 678),
        datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=timezone(timedelta(hours=-5))),
        None,
    ],
)
def test_the_generated_renderers_show_datetimes_as_iso_does(moment: datetime | None) -> None:
    # The generated renderers write `iso` out for an aware UTC value with a fraction: every
    # value shows as `iso` shows it, by any renderer.
    row = {"id": "w_1", "name": "Acme", "note": "", "active": 1, "user_id": None, "date_created": moment}
    expected = iso(moment)
    assert WIDGET.render(row, {"size": lambda r: "L"})["date_created"] == expected
    assert WIDGET.render_values(row, {"size": "L"})["date_created"] == expected
    pair = WIDGET.renderer_for(frozenset({"id", "date_created"}))
    assert pair(row, {}) == {"id": "w_1", "date_created": expected}


def test_filters_and_orderings_come_from_the_declaration() -> None:
    filters = WIDGET.filters()
    assert set(filters) == {"id", "owner_id", "date_created"}
    assert (filters["owner_id"].column, filters["owner_id"].kind) == ("user_id", "id")
    assert filters["date_created"].operators == RANGE and filters["date_created"].kind == "datetime"
    assert WIDGET.orderings() == {"name": "name", "date_created": "date_created"}


def test_schemas_say_what_is_required_writable_and_shown() -> None:
    request = WIDGET.request_schema(creating=True)
    assert request["required"] == ["name"]
    assert set(request["properties"]) == {"name", "note", "active", "owner_id", "label"}
    assert "required" not in WIDGET.request_schema(creating=False)
    response = WIDGET.response_schema()
    assert set(response["properties"]) == {"id", "name", "note", "active", "owner_id", "size", "date_created"}
    assert response["properties"]["name"] == {"type": "string", "maxLength": 6}
    assert response["properties"]["note"] == {"type": "string", "nullable": True}
    assert response["properties"]["id"] == {"type": "string", "readOnly": True}
