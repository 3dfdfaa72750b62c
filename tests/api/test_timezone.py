"""x-tz-offset: date-only filter values are midnights in the caller's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support import Api, Clock


@pytest.fixture
def leads(api: Api, clock: Clock) -> None:
    # Created at 23:00 UTC on June 1st and at 01:00 UTC on June 2nd.
    for moment, name in (
        (datetime(2024, 6, 1, 23, tzinfo=UTC), "late"),
        (datetime(2024, 6, 2, 1, tzinfo=UTC), "early"),
    ):
        clock.set(moment)
        api.ok("POST", "lead/", json={"name": name})


def _names(api: Api, offset: str | None, **params: str) -> list[str]:
    headers = {"x-tz-offset": offset} if offset is not None else {}
    return [lead["name"] for lead in api.ok("GET", "lead/", params=params, headers=headers)["data"]]


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(None, ["early"]), ("0", ["early"]), ("-0.0", ["early"]), ("2", ["late", "early"]), ("-2", [])],
)
def test_date_only_filter_is_a_local_midnight(
    api: Api, leads: None, offset: str | None, expected: list[str]
) -> None:
    # June 2nd starts at 22:00 UTC on June 1st at +2, at 02:00 UTC at -2.
    assert _names(api, offset, date_created__gte="2024-06-02") == expected


def test_values_with_an_offset_ignore_the_header(api: Api, leads: None) -> None:
    for offset in (None, "2", "-2"):
        assert _names(api, offset, date_created__gte="2024-06-02T00:00:00Z") == ["early"]
        assert _names(api, offset, date_created__lt="2024-06-02T01:00:00+01:00") == ["late"]


def test_naive_datetimes_are_utc_whatever_the_header(api: Api, leads: None) -> None:
    for offset in (None, "2", "-2", "5.5"):
        assert _names(api, offset, date_created__gte="2024-06-02T00:00:00") == ["early"]
        assert _names(api, offset, query='date_created<"2024-06-02T00:00"') == ["late"]


def test_the_header_applies_to_the_lead_query_too(api: Api, leads: None) -> None:
    assert _names(api, None, query='date_created>="2024-06-02"') == ["early"]
    assert _names(api, "2", query='date_created>="2024-06-02"') == ["late", "early"]


def test_a_header_out_of_range_is_ignored(api: Api, leads: None) -> None:
    assert _names(api, "99", date_created__gte="2024-06-02") == ["early"]
