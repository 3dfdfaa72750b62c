"""Issue 8, finding 4: inputs that used to raise inside leadbase (OverflowError, RecursionError,
orjson's depth limit) are 400s in Close's shape."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadbase.api.middleware import MAX_JSON_DEPTH
from tests.custom_data import field, key
from tests.support import Api, error_of, validation_errors

OVERRIDE = {"x-http-method-override": "GET", "content-type": "application/json"}


def nested(depth: int, bottom: Any) -> Any:
    value = bottom
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def nested_bytes(depth: int, bottom: str = '"x"') -> bytes:
    """JSON nested `depth` levels, written by hand: orjson cannot write past 254 levels."""
    return ('{"a":' * depth + bottom + "}" * depth).encode()


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"date_created__gt": "9999-12-31T23:59:59-12:00"}, {}),
        ({"date_updated__lt": "0001-01-01T00:00:00+14:00"}, {}),
        ({"date_created__gte": "0001-01-01"}, {"x-tz-offset": "14"}),
    ],
)
def test_datetimes_outside_utc_years_in_filters_are_400(
    api: Api, params: dict[str, str], headers: dict[str, str]
) -> None:
    errors = validation_errors(api.get("lead/", params=params, headers=headers))
    assert set(errors) == set(params)


@pytest.mark.parametrize(
    "query", ["date_created>9999-12-31T23:59:59-12:00", "date_updated<=0001-01-01T00:00:00+14:00"]
)
def test_datetimes_outside_utc_years_in_the_lead_query_are_400(api: Api, query: str) -> None:
    assert "date" in error_of(api.get("lead/", params={"query": query}), 400)["error"]


def test_event_filters_with_datetimes_outside_utc_years_are_not_5xx(api: Api) -> None:
    for name in ("date_created__gt", "date_updated__lt"):
        response = api.get("event/", params={name: "9999-12-31T23:59:59-12:00"})
        assert response.status_code < 500, response.text


@pytest.mark.parametrize(
    ("value", "headers"),
    [
        ("0001-01-01T00:00:00+14:00", {}),
        ("9999-12-31T23:59:59-12:00", {}),
        ("0001-01-01T00:00:00", {"x-tz-offset": "14"}),
        ("0001-01-01", {"x-tz-offset": "14"}),
    ],
)
def test_datetime_custom_values_outside_utc_years_are_400(
    api: Api, value: str, headers: dict[str, str]
) -> None:
    when = field(api, "lead", "When", "datetime")
    response = api.post("lead/", json={"name": "x", key(when): value}, headers=headers)
    assert key(when) in validation_errors(response)
    assert api.ok("GET", "lead/")["data"] == []


def test_a_deeply_nested_body_with_a_nul_at_the_bottom_is_400(api: Api) -> None:
    body = nested_bytes(900, '"\\u0000"')
    response = api.post("lead/", content=body, headers={"content-type": "application/json"})
    assert error_of(response, 400)["error"]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 300, 1000, 5000])
def test_bodies_nested_past_the_limit_are_400_naming_it(api: Api, depth: int) -> None:
    response = api.post("lead/", content=nested_bytes(depth), headers={"content-type": "application/json"})
    assert error_of(response, 400)["error"]
    if depth < 1000:  # orjson's own parser stops at 1024 levels: "not valid JSON" there
        assert str(MAX_JSON_DEPTH) in response.json()["error"]


def test_a_body_at_the_depth_limit_is_accepted_as_far_as_nesting_goes(api: Api) -> None:
    body = {"name": "deep", "description": nested(MAX_JSON_DEPTH - 1, "x")}
    # description must be text: a field error, not the nesting refusal.
    assert "description" in validation_errors(api.post("lead/", json=body))


@pytest.mark.parametrize("depth", [100, 255, 600])
def test_params_nested_past_the_limit_are_400(api: Api, depth: int) -> None:
    body = b'{"_params": {"query": ' + nested_bytes(depth) + b"}}"
    response = api.post("lead/", content=body, headers=OVERRIDE)
    assert str(MAX_JSON_DEPTH) in error_of(response, 400)["error"]


def test_params_with_a_nested_object_within_the_limit_still_work(api: Api) -> None:
    response = api.post("lead/", json={"_params": {"_limit": 1, "x": nested(10, "y")}}, headers=OVERRIDE)
    assert response.status_code == 200, response.text


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DATETIMES = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.builds(
        lambda d, h, m: f"{d.isoformat()}{'+' if h >= 0 else '-'}{abs(h):02d}:{m:02d}",
        st.datetimes(),
        st.integers(-23, 23),
        st.sampled_from([0, 30, 45]),
    ),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31T23:59:59.999999-23:59", "0001-01-01T00:00:00+23:59", "0001-01-01"]),
)
OFFSETS = st.one_of(
    st.none(),
    st.sampled_from(["14", "-14", "13.99", "-12", "1e308", "nan", "inf", "-inf", "x", "14.0000001"]),
    st.floats().map(str),
)


@FUZZ
@given(moment=DATETIMES, offset=OFFSETS, depth=st.integers(1, 400), nul=st.booleans())
def test_fuzzed_datetimes_offsets_and_nesting_never_5xx(
    api: Api, moment: str, offset: str | None, depth: int, nul: bool
) -> None:
    headers = {"x-tz-offset": offset} if offset is not None else {}
    for params in (
        {"date_created__gt": moment},
        {"date_updated__lte": moment},
        {"query": f"date_created>={moment}"},
    ):
        assert api.get("lead/", params=params, headers=headers).status_code < 500
    assert api.get("event/", params={"date_created__lt": moment}, headers=headers).status_code < 500
    bottom = orjson.dumps("a\x00" if nul else moment).decode()
    body = nested_bytes(depth, bottom)
    for content, extra in ((body, {}), (b'{"_params": {"q": ' + body + b"}}", OVERRIDE)):
        response = api.post("lead/", content=content, headers={"content-type": "application/json", **extra})
        assert response.status_code < 500, response.text


@pytest.mark.parametrize("raw", [str(2**63), str(-(2**63) - 1), "9" * 40])
def test_integer_filters_outside_64_bits_are_400(raw: str) -> None:
    from leadbase.api.params import parse_conditions
    from leadbase.core.errors import Invalid
    from leadbase.db.query import FilterSpec

    with pytest.raises(Invalid) as caught:
        parse_conditions({"count": FilterSpec("count", "int")}, {"count": raw}, None)
    assert "count" in caught.value.field_errors
