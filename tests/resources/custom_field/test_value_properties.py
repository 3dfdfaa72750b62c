"""Property tests through the API: every field type's values round-trip on a lead, and bad
values are a 400 naming the field that writes nothing."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.custom_data import field, key, lead
from tests.support import Api, validation_errors

API_SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CHOICES = ["Basic", "Plus", "Enterprise"]
# PostgreSQL cannot store U+0000, and leadbase refuses it in every request (400).
TEXT = st.text(alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), min_size=1)
MOMENTS = st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2100, 1, 1),
    timezones=st.integers(-12 * 60, 12 * 60).map(lambda m: timezone(timedelta(minutes=m))),
)


def _check(api: Api, type_name: str, sent: Any, expected: Any, **extra: Any) -> None:
    target = field(
        api, "lead", f"F {type_name} {len(api.ok('GET', 'custom_field/lead/')['data'])}", type_name, **extra
    )
    created = lead(api, **{key(target): sent})
    assert created[key(target)] == expected
    assert api.ok("GET", f"lead/{created['id']}/")[key(target)] == expected
    # Writing back what was read changes nothing.
    again = api.ok("PUT", f"lead/{created['id']}/", json={key(target): created[key(target)]})
    assert again == api.ok("GET", f"lead/{created['id']}/")
    assert [e["action"] for e in api.events(object_id=created["id"])] == ["created"]


@API_SETTINGS
@given(value=TEXT)
def test_text(api: Api, value: str) -> None:
    _check(api, "text", value, value)


@API_SETTINGS
@given(value=st.integers(-(2**62), 2**62) | st.floats(min_value=-(2.0**62), max_value=2.0**62))
def test_number(api: Api, value: float) -> None:
    _check(api, "number", value, value)


@API_SETTINGS
@given(value=st.dates(min_value=datetime(1, 1, 1).date()))
def test_date(api: Api, value: Any) -> None:
    _check(api, "date", value.isoformat(), value.isoformat())


@API_SETTINGS
@given(moment=MOMENTS)
def test_datetime(api: Api, moment: datetime) -> None:
    expected = moment.astimezone(UTC).isoformat(timespec="microseconds")
    _check(api, "datetime", moment.isoformat(), expected)


@API_SETTINGS
@given(values=st.lists(st.sampled_from(CHOICES), min_size=1, max_size=3, unique=True))
def test_choices(api: Api, values: list[str]) -> None:
    _check(api, "choices", values[0], values[0], choices=CHOICES)
    _check(api, "choices", values, values, choices=CHOICES, accepts_multiple_values=True)


@API_SETTINGS
@given(value=TEXT | st.booleans() | st.integers(-(2**62), 2**62))
def test_hidden(api: Api, value: Any) -> None:
    _check(api, "hidden", value, value)


def _finite_number(text: str) -> bool:
    try:
        return math.isfinite(float(text)) and "_" not in text
    except ValueError:
        return False


BAD_VALUES: dict[str, Any] = {
    "text": st.booleans() | st.lists(TEXT, min_size=1, max_size=2) | st.dictionaries(TEXT, TEXT, min_size=1),
    "number": TEXT.filter(lambda t: not _finite_number(t)) | st.booleans(),
    "date": TEXT.filter(lambda t: len(t.strip()) != 10),
    "datetime": st.text(min_size=1, alphabet="abcxyz !?"),
    "choices": TEXT.filter(lambda t: t not in CHOICES),
    "user": st.text(min_size=1, alphabet="abcdefgh_"),
    "contact": st.text(min_size=1, alphabet="abcdefgh_"),
    "hidden": st.lists(st.integers(), min_size=1, max_size=3),
}


@API_SETTINGS
@given(data=st.data())
def test_bad_values_are_400_and_write_nothing(api: Api, data: st.DataObject) -> None:
    type_name = data.draw(st.sampled_from(sorted(BAD_VALUES)))
    bad = data.draw(BAD_VALUES[type_name])
    extra = {"choices": CHOICES} if type_name == "choices" else {}
    count = len(api.ok("GET", "custom_field/lead/")["data"])
    target = field(api, "lead", f"Bad {type_name} {count}", type_name, **extra)
    holder = lead(api, "Holder")
    before = api.ok("GET", f"lead/{holder['id']}/")
    errors = validation_errors(api.put(f"lead/{holder['id']}/", json={key(target): bad, "name": "Changed"}))
    assert list(errors) == [key(target)]
    assert api.ok("GET", f"lead/{holder['id']}/") == before
