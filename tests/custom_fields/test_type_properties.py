"""Properties of every field type: valid input round-trips, cleaning is idempotent, bad input is a
ValueProblem (never another exception)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from leadbase.custom_fields.definitions import FieldDefinition
from leadbase.custom_fields.types import FIELD_TYPES, ValueProblem, WriteEnv, field_type

JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text())
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
CHOICES = ("Basic", "Plus", "Enterprise", "10")


def definition(type_name: str, **extra: Any) -> FieldDefinition:
    return FieldDefinition(id="cf_test", name="Test", type=type_name, **extra)


def clean(type_name: str, value: Any, env: WriteEnv | None = None, **extra: Any) -> Any:
    kind = field_type(type_name)
    return kind.clean(definition(type_name, **extra), [value], env or WriteEnv())[0]


def round_trip(type_name: str, value: Any, env: WriteEnv | None = None, **extra: Any) -> Any:
    """Clean, read back, and check that cleaning what was read changes nothing."""
    env = env or WriteEnv()
    d = definition(type_name, **extra)
    kind = field_type(type_name)
    stored = kind.clean(d, [value], env)[0]
    shown = kind.read(d, stored)
    assert shown == stored
    assert kind.clean(d, [shown], env)[0] == stored
    return stored


def rejects(type_name: str, value: Any, env: WriteEnv | None = None, **extra: Any) -> bool:
    try:
        clean(type_name, value, env, **extra)
    except ValueProblem as problem:
        assert problem.message
        return True
    return False


def test_every_close_type_has_a_class() -> None:
    assert set(FIELD_TYPES) == {
        "text",
        "textarea",
        "number",
        "date",
        "datetime",
        "choices",
        "user",
        "contact",
        "hidden",
        "custom_object",
    }
    assert {name for name, kind in FIELD_TYPES.items() if kind.multiple} == {
        "choices",
        "user",
        "contact",
        "custom_object",
    }


@pytest.mark.parametrize("type_name", sorted(FIELD_TYPES))
@given(value=JSON_VALUES)
def test_any_json_value_is_cleaned_or_rejected_never_crashes(type_name: str, value: Any) -> None:
    env = WriteEnv(lead_id="lead_x", lookups=FakeLookups())
    try:
        stored = clean(type_name, value, env, choices=CHOICES, referenced_custom_type_id="cotype_a")
    except ValueProblem:
        return
    d = definition(type_name, choices=CHOICES, referenced_custom_type_id="cotype_a")
    assert FIELD_TYPES[type_name].read(d, stored) is not None


# ---- text, textarea, hidden -------------------------------------------------------------


@pytest.mark.parametrize("type_name", ["text", "textarea"])
@given(value=st.text())
def test_text_round_trips_any_string(type_name: str, value: str) -> None:
    assert round_trip(type_name, value) == value


@given(value=st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False))
def test_text_writes_numbers_down(value: int | float) -> None:
    stored = round_trip("text", value)
    assert isinstance(stored, str) and float(stored) == value


@pytest.mark.parametrize("type_name", ["text", "textarea"])
@given(
    value=st.booleans() | st.lists(st.text(), max_size=2) | st.dictionaries(st.text(), st.text(), max_size=2)
)
def test_text_rejects_what_is_not_text(type_name: str, value: Any) -> None:
    assert rejects(type_name, value)


@given(
    value=st.text()
    | st.booleans()
    | st.integers(-(2**62), 2**62)
    | st.floats(min_value=-(2.0**62), max_value=2.0**62)
)
def test_hidden_round_trips_any_scalar(value: Any) -> None:
    assert round_trip("hidden", value) == value


@given(
    value=st.lists(st.text(), min_size=1, max_size=3)
    | st.dictionaries(st.text(), st.text(), min_size=1)
    | st.sampled_from([math.inf, math.nan, 2**64, 1e300])
)
def test_hidden_rejects_lists_objects_and_numbers_out_of_range(value: Any) -> None:
    assert rejects("hidden", value)


# ---- numbers ----------------------------------------------------------------------------


@given(value=st.integers(-(2**63) + 1, 2**63 - 1))
def test_integers_round_trip_as_given_and_as_text(value: int) -> None:
    assert round_trip("number", value) == value
    assert round_trip("number", str(value)) == value


@given(value=st.floats(min_value=-(2.0**62), max_value=2.0**62))
def test_floats_round_trip_as_given_and_as_text(value: float) -> None:
    assert round_trip("number", value) == value
    assert clean("number", repr(value)) == value
    # Whole numbers are stored as integers, which both databases give back exactly.
    assert isinstance(clean("number", value), int) == value.is_integer()


@given(value=st.text().filter(lambda t: not _numeric(t)))
def test_numbers_reject_non_numeric_text(value: str) -> None:
    assert rejects("number", value)


@pytest.mark.parametrize(
    "value", [True, False, math.inf, -math.inf, math.nan, "nan", "inf", 2**63, -(2**64), 1e300, "1e19", [1]]
)
def test_numbers_reject_booleans_infinities_and_huge_integers(value: Any) -> None:
    assert rejects("number", value)


def _numeric(text: str) -> bool:
    # Number fields strip surrounding whitespace first, as str.strip() does (which also takes
    # control characters such as \x1f for whitespace, where float() does not).
    try:
        return math.isfinite(float(text.strip()))
    except ValueError:
        return False


# ---- dates and datetimes ----------------------------------------------------------------


@given(value=st.dates())
def test_dates_round_trip_in_iso_form(value: Any) -> None:
    assert round_trip("date", value.isoformat()) == value.isoformat()


@given(value=st.text())
def test_dates_reject_other_text(value: str) -> None:
    try:
        valid = len(value.strip()) == 10 and datetime.strptime(value.strip(), "%Y-%m-%d") is not None
    except ValueError:
        valid = False
    assume(not valid)
    assert rejects("date", value)


OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2999, 12, 30), timezones=OFFSETS)
)
def test_datetimes_are_stored_as_the_same_instant_in_utc(moment: datetime) -> None:
    stored = round_trip("datetime", moment.isoformat())
    assert stored.endswith("+00:00") and len(stored) == len("2024-01-01T00:00:00.000000+00:00")
    assert datetime.fromisoformat(stored) == moment


@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2999, 12, 30)),
    offset=st.sampled_from([-8.0, -4.5, 0.0, 5.5, 9.0]),
)
def test_naive_datetimes_are_read_in_the_request_offset(moment: datetime, offset: float) -> None:
    stored = clean("datetime", moment.isoformat(), WriteEnv(tz_offset=offset))
    expected = moment.replace(tzinfo=timezone(timedelta(hours=offset))).astimezone(UTC)
    assert datetime.fromisoformat(stored) == expected


@given(value=st.text().filter(lambda t: not any(ch.isdigit() for ch in t)))
def test_datetimes_reject_text_without_a_date(value: str) -> None:
    assert rejects("datetime", value)


# ---- choices ----------------------------------------------------------------------------


@given(value=st.sampled_from(CHOICES))
def test_choices_accept_exactly_the_listed_values(value: str) -> None:
    assert round_trip("choices", value, choices=CHOICES) == value


@given(value=st.text().filter(lambda t: t not in CHOICES))
def test_choices_reject_anything_else(value: str) -> None:
    assert rejects("choices", value, choices=CHOICES)


def test_choices_compare_case_sensitively_and_take_numbers_for_numeric_choices() -> None:
    assert rejects("choices", "basic", choices=CHOICES)
    assert clean("choices", 10, choices=CHOICES) == "10"
    assert clean("choices", 10.0, choices=CHOICES) == "10"
    d = definition("choices", choices=("A",))
    assert FIELD_TYPES["choices"].read(d, "B") is None


# ---- references -------------------------------------------------------------------------

IDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


class FakeLookups:
    def __init__(
        self,
        users: Sequence[str] = (),
        names: dict[str, str] | None = None,
        contacts: dict[str, str] | None = None,
        objects: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        self.users = set(users)
        self.names = names or {}
        self.contacts = contacts or {}
        self.objects = objects or {}

    def user_ids(self, values: Sequence[str]) -> dict[str, str]:
        found = {v: v for v in values if v in self.users}
        found.update({v: self.names[v] for v in values if v in self.names})
        return found

    def contact_leads(self, ids: Sequence[str]) -> dict[str, str]:
        return {i: self.contacts[i] for i in ids if i in self.contacts}

    def custom_objects(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        return {i: self.objects[i] for i in ids if i in self.objects}


@given(members=st.lists(IDS, min_size=1, max_size=5, unique=True), other=IDS)
def test_users_are_members_by_id_or_full_name(members: list[str], other: str) -> None:
    env = WriteEnv(
        lookups=FakeLookups(users=[f"user_{m}" for m in members], names={"Ann Lee": "user_" + members[0]})
    )
    for member in members:
        assert round_trip("user", f"user_{member}", env) == f"user_{member}"
    assert clean("user", "Ann Lee", env) == "user_" + members[0]
    assume(other not in members)
    assert rejects("user", f"user_{other}", env)
    assert rejects("user", 42, env)


@given(mine=st.lists(IDS, min_size=1, max_size=4, unique=True), theirs=IDS)
def test_contacts_must_be_on_the_same_lead(mine: list[str], theirs: str) -> None:
    assume(theirs not in mine and "missing" not in mine and theirs != "missing")
    contacts = {f"cont_{c}": "lead_mine" for c in mine} | {f"cont_{theirs}": "lead_other"}
    env = WriteEnv(lead_id="lead_mine", lookups=FakeLookups(contacts=contacts))
    d = definition("contact", accepts_multiple_values=True)
    assert FIELD_TYPES["contact"].clean(d, [f"cont_{c}" for c in mine], env) == [f"cont_{c}" for c in mine]
    assert rejects("contact", f"cont_{theirs}", env)
    assert rejects("contact", "cont_missing", env)
    assert rejects(
        "contact", f"cont_{mine[0]}", WriteEnv(lead_id=None, lookups=FakeLookups(contacts=contacts))
    )


@given(name=IDS)
def test_custom_objects_must_match_the_referenced_type_and_the_lead(name: str) -> None:
    assume(name != "missing")  # "custobj_missing" is the id below that must not exist
    objects = {
        f"custobj_{name}": ("cotype_a", "lead_mine"),
        f"custobj_{name}_other_type": ("cotype_b", "lead_mine"),
        f"custobj_{name}_other_lead": ("cotype_a", "lead_other"),
    }
    env = WriteEnv(lead_id="lead_mine", lookups=FakeLookups(objects=objects))
    assert (
        round_trip("custom_object", f"custobj_{name}", env, referenced_custom_type_id="cotype_a")
        == f"custobj_{name}"
    )
    for bad in (f"custobj_{name}_other_type", f"custobj_{name}_other_lead", "custobj_missing", ""):
        assert rejects("custom_object", bad, env, referenced_custom_type_id="cotype_a")


# ---- conversions ------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["text", "textarea", "number", "date", "datetime", "hidden"])
@given(value=JSON_SCALARS)
def test_conversion_keeps_a_valid_value_or_drops_it(target: str, value: Any) -> None:
    kind = field_type(target)
    d = definition(target)
    converted = kind.convert(d, value, WriteEnv())
    if converted is not None:
        assert kind.read(d, converted) == converted
        assert kind.clean(d, [converted], WriteEnv())[0] == converted


# A value of every JSON class, valid and not for each type.
STORED_SAMPLES = ("", "Basic", "2024-02-29", "user_1", 0, 7, -2.5, 1e20, True, False, [], ["Basic"], {})


@pytest.mark.parametrize("type_name", sorted(FIELD_TYPES))
def test_what_a_type_shows_as_stored_is_what_its_read_shows(type_name: str) -> None:
    # Rendering skips `read` for the classes a type declares shown as stored
    # (custom_fields/values.py): for them `read` must give the very value back.
    kind = field_type(type_name)
    d = definition(type_name, choices=list(CHOICES)) if type_name == "choices" else definition(type_name)
    checked = 0
    for value in STORED_SAMPLES:
        if value.__class__ in kind.shown_as_stored:
            assert kind.read(d, value) is value, value
            checked += 1
    assert checked or not kind.shown_as_stored
