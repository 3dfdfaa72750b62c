"""Every declared filter of every list, checked against the same rule applied to the full list.

Each case must both keep something and drop something, so a filter that is ignored fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from leadbase.db.query import FilterSpec
from leadbase.db.resource import ResourceSpec
from tests.conformance.factories import World, factory_for, list_params, make
from tests.conformance.specs import ALL
from tests.support import Clock, validation_errors

Obj = dict[str, Any]

# Three objects one per ten days, at noon UTC.
MOMENTS = [datetime(2024, 3, d, 12, 0, tzinfo=UTC) for d in (10, 20, 30)]
MIDDLE = MOMENTS[1]

# One boundary per range operator, each written in a different form clients send.
RANGE_CASES: dict[str, tuple[str, datetime, str]] = {
    # a date alone: its midnight (UTC without x-tz-offset)
    "gte": ("2024-03-15", datetime(2024, 3, 15, tzinfo=UTC), "date"),
    # a naive datetime
    "lt": ("2024-03-20T12:00:00", MIDDLE, "naive datetime"),
    # Z
    "lte": ("2024-03-20T12:00:00Z", MIDDLE, "Z datetime"),
    # an explicit offset: 14:00 at +02:00 is noon UTC
    "gt": ("2024-03-20T14:00:00+02:00", MIDDLE, "offset datetime"),
}
COMPARE: dict[str, Callable[[datetime, datetime], bool]] = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _cases(*kinds: str) -> list[Any]:
    return [
        pytest.param(spec, f, id=f"{spec.path}-{f.name}")
        for spec in ALL
        if "list" in spec.verbs
        for f in spec.filters.values()
        if f.kind in kinds
    ]


def _everything(world: World, spec: ResourceSpec, **params: Any) -> list[Obj]:
    body = world.api.ok(
        "GET", f"{spec.path}/", params={"_limit": spec.max_limit, **list_params(world, spec), **params}
    )
    assert body.get("has_more", False) is False
    data: list[Obj] = body["data"]
    return data


def _ids(objects: list[Obj]) -> list[str]:
    return [o["id"] for o in objects]


def _check(world: World, spec: ResourceSpec, params: dict[str, str], keep: Callable[[Obj], bool]) -> None:
    everything = _everything(world, spec)
    expected = [o for o in everything if keep(o)]
    assert expected, f"{params} should keep something of {len(everything)} objects"
    assert len(expected) < len(everything), f"{params} should drop something"
    got = _everything(world, spec, **params)
    assert _ids(got) == _ids(expected), params
    if spec.total_results:
        page = world.api.ok(
            "GET", f"{spec.path}/", params={**list_params(world, spec), **params, "_limit": 1}
        )
        assert page["total_results"] == len(expected)


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


EQUALITY_KINDS = ("id", "text", "int")


@pytest.mark.parametrize(("spec", "flt"), _cases(*EQUALITY_KINDS))
def test_equality_filter(world: World, spec: ResourceSpec, flt: FilterSpec) -> None:
    factory = factory_for(spec)
    objects = [make(world, spec, n) for n in range(3)]
    values = [factory.value_for(flt.name, o) for o in objects]
    assert len(set(values)) > 1, f"the factory of {spec.path} must vary {flt.name}"
    if "eq" in flt.operators:
        wanted = values[0]
        _check(world, spec, {flt.name: str(wanted)}, lambda o: factory.value_for(flt.name, o) == wanted)
    if "in" in flt.operators:
        chosen = {values[0], values[2]}
        assert len(chosen) == 2
        _check(
            world,
            spec,
            {f"{flt.name}__in": ",".join(sorted(str(v) for v in chosen))},
            lambda o: factory.value_for(flt.name, o) in chosen,
        )


@pytest.mark.parametrize(("spec", "flt"), _cases("datetime"))
def test_datetime_range_filter(world: World, spec: ResourceSpec, flt: FilterSpec, clock: Clock) -> None:
    factory = factory_for(spec)
    for n, moment in enumerate(MOMENTS):
        clock.set(moment)
        make(world, spec, n)
    clock.release()
    ranges = flt.operators & set(RANGE_CASES)
    assert ranges, f"{spec.path}.{flt.name} is a datetime filter without range operators"
    for op in sorted(ranges):
        raw, boundary, _form = RANGE_CASES[op]

        def keep(o: Obj, op: str = op, boundary: datetime = boundary) -> bool:
            return COMPARE[op](_parse(factory.value_for(flt.name, o)), boundary)

        _check(world, spec, {f"{flt.name}__{op}": raw}, keep)
    if {"gte", "lt"} <= flt.operators:
        _check(
            world,
            spec,
            {f"{flt.name}__gte": "2024-03-15", f"{flt.name}__lt": "2024-03-25"},
            lambda o: MOMENTS[0] < _parse(factory.value_for(flt.name, o)) < MOMENTS[2],
        )


@pytest.mark.parametrize(("spec", "flt"), _cases("datetime"))
def test_datetime_filter_rejects_what_is_not_a_date(
    world: World, spec: ResourceSpec, flt: FilterSpec
) -> None:
    op = sorted(flt.operators)[0]
    name = flt.name if op == "eq" else f"{flt.name}__{op}"
    errors = validation_errors(
        world.api.get(f"{spec.path}/", params={**list_params(world, spec), name: "last tuesday"})
    )
    assert name in errors


@pytest.mark.parametrize(("spec", "flt"), _cases(*EQUALITY_KINDS))
def test_equality_filter_on_an_unknown_value_is_empty(
    world: World, spec: ResourceSpec, flt: FilterSpec
) -> None:
    make(world, spec, 0)
    assert _everything(world, spec)
    assert _everything(world, spec, **{flt.name: "no_such_value"}) == []
