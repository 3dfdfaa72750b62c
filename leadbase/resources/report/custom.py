"""GET /report/custom/{org}/ ("Explorer"): a y value aggregated over x buckets, optionally one
series per group.

`x` is `<object>.<field>`, a date field (bucketed by `interval`) or a number field (a histogram
of `interval`-wide bins); `y` is `<object>.count` or a number field of the same object, reduced
by `transform_y`. `lead.count` over another object's x counts the different leads. Custom
fields of leads and opportunities are named `<object>.custom.<name or id>`.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Float, Table, and_, cast, func, literal, select
from sqlalchemy.sql import ColumnElement

from leadbase.core import clock
from leadbase.core.errors import Invalid
from leadbase.custom_fields.definitions import load_definitions
from leadbase.db.context import Context
from leadbase.db.models import activity, lead, opportunity
from leadbase.resources.report.buckets import UNITS, auto_unit, bucket_key, bucket_starts, is_postgres
from leadbase.resources.report.ranges import moment
from leadbase.resources.report.scope import lead_query_condition, leads_in

TRANSFORMS = {"sum": func.sum, "avg": func.avg, "min": func.min, "max": func.max}
MAX_BUCKETS = 1000


@dataclass(frozen=True)
class ObjectType:
    table: Table
    lead_column: str
    where: tuple[tuple[str, str], ...] = ()
    dates: dict[str, str] = field(default_factory=dict)  # name -> column
    date_only: frozenset[str] = frozenset()
    numbers: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # name -> (column, payload key)
    terms: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # group_by / query fields
    custom_kind: str | None = None


def _activity(kind: str, **kw: Any) -> ObjectType:
    base_terms = {
        "user_id": ("user_id", None),
        "contact_id": ("contact_id", None),
        "lead_id": ("lead_id", None),
    }
    return ObjectType(
        table=activity,
        lead_column="lead_id",
        where=(("type", kind),),
        dates={
            "date_created": "date_created",
            "date_updated": "date_updated",
            "date": "activity_at",
            **kw.pop("dates", {}),
        },
        terms={**base_terms, **kw.pop("terms", {})},
        **kw,
    )


OBJECTS: dict[str, ObjectType] = {
    "lead": ObjectType(
        table=lead,
        lead_column="id",
        dates={"date_created": "date_created", "date_updated": "date_updated"},
        terms={
            "status_id": ("status_id", None),
            "created_by": ("created_by", None),
            "source": ("source", None),
        },
        custom_kind="lead",
    ),
    "opportunity": ObjectType(
        table=opportunity,
        lead_column="lead_id",
        dates={
            "date_created": "date_created",
            "date_updated": "date_updated",
            "date_won": "date_won",
            "date_lost": "date_lost",
        },
        date_only=frozenset({"date_won"}),
        numbers={
            "value": ("value", None),
            "annualized_value": ("annualized_value", None),
            "expected_value": ("expected_value", None),
            "annualized_expected_value": ("annualized_expected_value", None),
            "confidence": ("confidence", None),
        },
        terms={
            "status_id": ("status_id", None),
            "user_id": ("user_id", None),
            "value_period": ("value_period", None),
            "lead_id": ("lead_id", None),
        },
        custom_kind="opportunity",
    ),
    "call": _activity(
        "Call",
        numbers={"duration": ("payload", "duration")},
        terms={
            "direction": ("direction", None),
            "disposition": ("payload", "disposition"),
            "status": ("status", None),
        },
    ),
    "email": _activity(
        "Email",
        dates={"date_sent": "date_sent"},
        terms={"direction": ("direction", None), "status": ("status", None)},
    ),
    "sms": _activity(
        "SMS",
        dates={"date_sent": "date_sent"},
        terms={"direction": ("direction", None), "status": ("status", None)},
    ),
    "note": _activity("Note"),
    "meeting": _activity("Meeting"),
}


@dataclass
class Axis:
    object_name: str
    kind: str  # "date", "number", "count", "term"
    expression: ColumnElement[Any]
    is_date: bool = False


class CustomReport:
    def __init__(self, ctx: Context, params: Mapping[str, str]) -> None:
        self.ctx = ctx
        self.params = params
        errors: dict[str, Any] = {}
        self.x_name = params.get("x") or "lead.date_created"
        self.y_name = params.get("y") or "lead.count"
        self.transform = params.get("transform_y") or "sum"
        self.x = self.y = self.group = None
        try:
            self.x = self._axis(self.x_name, "x", ("date", "number"))
        except Invalid as exc:
            errors.update(exc.field_errors)
        try:
            self.y = self._y(self.y_name)
        except Invalid as exc:
            errors.update(exc.field_errors)
        if self.transform not in TRANSFORMS:
            errors["transform_y"] = "Not a valid choice. Choose one of: sum, avg, min, max."
        group_by = params.get("group_by")
        if group_by:
            try:
                self.group = self._axis(group_by, "group_by", ("term",))
                if self.x is not None and self.group.object_name != self.x.object_name:
                    errors["group_by"] = "Must be a field of the x axis' object."
            except Invalid as exc:
                errors.update(exc.field_errors)
        if errors:
            raise Invalid(errors)
        assert self.x is not None
        self.object = OBJECTS[self.x.object_name]
        self.filters = self._query(params.get("query"))

    # ---- parameters ------------------------------------------------------------------------

    def _axis(self, name: str, param: str, kinds: tuple[str, ...]) -> Axis:
        head, _, rest = name.partition(".")
        obj = OBJECTS.get(head)
        if obj is None or not rest:
            raise Invalid.field(
                param,
                f"Unknown field {name!r}: expected <object>.<field> with object one of {', '.join(OBJECTS)}.",
            )
        table = obj.table
        if rest.startswith("custom.") and obj.custom_kind:
            return self._custom(head, obj, rest[len("custom.") :], param, kinds)
        if "date" in kinds and rest in obj.dates:
            return Axis(head, "date", table.c[obj.dates[rest]], is_date=rest in obj.date_only)
        if "number" in kinds and rest in obj.numbers:
            return Axis(head, "number", _value(table, *obj.numbers[rest], number=True))
        if "term" in kinds and rest in obj.terms:
            return Axis(head, "term", _value(table, *obj.terms[rest]))
        wanted = " or ".join(kinds)
        raise Invalid.field(param, f"{name!r} is not a {wanted} field of {head}.")

    def _custom(self, head: str, obj: ObjectType, key: str, param: str, kinds: tuple[str, ...]) -> Axis:
        assert obj.custom_kind is not None
        for definition in load_definitions(self.ctx, obj.custom_kind):
            if key not in (definition.id, definition.name):
                continue
            stored = obj.table.c.custom[definition.id]
            if definition.type == "number" and "number" in kinds:
                return Axis(head, "number", cast(stored.as_float(), Float))
            if definition.type in ("date", "datetime") and "date" in kinds:
                text = stored.as_string()
                if is_postgres(self.ctx):
                    return Axis(head, "date", cast(text, DateTime(timezone=True)))
                # SQLite compares datetimes as text: write the value as leadbase stores datetimes.
                return Axis(head, "date", func.strftime("%Y-%m-%d %H:%M:%S", text).op("||")(".000000"))
            if definition.type in ("text", "choices", "user", "contact") and "term" in kinds:
                return Axis(head, "term", stored.as_string())
            raise Invalid.field(param, f"The custom field {key!r} ({definition.type}) cannot be used here.")
        raise Invalid.field(param, f"Unknown custom field {key!r} of {head}.")

    def _y(self, name: str) -> Axis:
        head, _, rest = name.partition(".")
        if rest == "count" and head in OBJECTS:
            return Axis(head, "count", literal(1))
        axis = self._axis(name, "y", ("number",))
        if self.x is not None and axis.object_name != self.x.object_name:
            raise Invalid.field("y", "Must be a field of the x axis' object (or lead.count).")
        return axis

    def _query(self, text: str | None) -> list[ColumnElement[bool]]:
        """Leads: the lead query language (the query engine's hook); other objects: `field:value`
        terms on the object's own fields, all of which must hold."""
        if text is None or not text.strip() or text.strip() == "*":
            return []
        assert self.x is not None
        column = self.object.table.c[self.object.lead_column]
        if self.x.object_name == "lead":
            condition = lead_query_condition(self.ctx, text)
            return [column.in_(leads_in(self.ctx, condition))] if condition is not None else []
        try:
            tokens = shlex.split(text)
        except ValueError as exc:
            raise Invalid.field("query", f"Cannot read the query: {exc}.") from exc
        out = []
        for token in tokens:
            name, sep, value = token.partition(":")
            if not sep or name not in self.object.terms:
                known = ", ".join(sorted(self.object.terms))
                raise Invalid.field(
                    "query", f"Unknown term {token!r}: use field:value with a field among {known}."
                )
            out.append(_value(self.object.table, *self.object.terms[name]) == value)
        return out

    # ---- the report ------------------------------------------------------------------------

    def _where(self) -> list[ColumnElement[bool]]:
        table = self.object.table
        where = [table.c.organization_id == self.ctx.organization_id, *self.filters]
        where += [table.c[c] == v for c, v in self.object.where]
        return where

    def _measure(self) -> ColumnElement[Any]:
        assert self.x is not None and self.y is not None
        if self.y.kind == "count":
            if self.y.object_name != self.x.object_name:
                # lead.count over another object: the different leads.
                return func.count(func.distinct(self.object.table.c[self.object.lead_column]))
            return func.count()
        reduce: Any = TRANSFORMS[self.transform]
        measured: ColumnElement[Any] = reduce(self.y.expression)
        return measured

    def answer(self) -> dict[str, Any]:
        assert self.x is not None
        if self.x.kind == "date":
            return self._dates()
        return self._numbers()

    def _series(self, rows: list[tuple[Any, Any, Any]], keys: list[Any], label: Any) -> list[dict[str, Any]]:
        by_group: dict[Any, dict[Any, Any]] = {}
        for bucket, group, value in rows:
            by_group.setdefault(group, {})[bucket] = value
        if not by_group and self.group is None:
            by_group[None] = {}
        groups = sorted(by_group, key=lambda g: (g is None, str(g)))
        return [
            {"group": g, "data": [{"x": label(k), "y": _number(by_group[g].get(k))} for k in keys]}
            for g in groups
        ]

    def _run(
        self, bucket: ColumnElement[Any], where: list[ColumnElement[bool]]
    ) -> list[tuple[Any, Any, Any]]:
        group = self.group.expression if self.group is not None else literal(None)
        stmt = (
            select(bucket.label("b"), group.label("g"), self._measure())
            .select_from(self.object.table)
            .where(*self._where(), *where)
            .group_by(bucket, group)
        )
        return [(b, g, v) for b, g, v in self.ctx.conn.execute(stmt)]

    def _dates(self) -> dict[str, Any]:
        assert self.x is not None
        errors: dict[str, Any] = {}
        start = end = None
        try:
            start = moment(self.params["start"], "start") if self.params.get("start") else None
        except Invalid as exc:
            errors.update(exc.field_errors)
        try:
            end = moment(self.params["end"], "end", end=True) if self.params.get("end") else clock.now()
        except Invalid as exc:
            errors.update(exc.field_errors)
        interval = self.params.get("interval") or "auto"
        if interval != "auto" and interval not in UNITS:
            errors["interval"] = (
                f"Not a valid choice for a date axis. Choose one of: auto, {', '.join(UNITS)}."
            )
        if errors:
            raise Invalid(errors)
        assert end is not None
        if start is None:
            start = self._first_date() or end - timedelta(days=30)
        if end <= start:
            raise Invalid.field("end", "Must be after start.")
        unit = auto_unit(start, end) if interval == "auto" else interval
        if len(bucket_starts(start, end, unit, MAX_BUCKETS + 1)) > MAX_BUCKETS:
            raise Invalid.field("interval", f"Too many points: at most {MAX_BUCKETS} per series.")
        column = self.x.expression
        bounds = _date_bounds(column, start, end, self.x.is_date)
        rows = self._run(bucket_key(self.ctx, column, unit, is_date=self.x.is_date), bounds)
        keys = [b.strftime("%Y-%m-%dT%H:%M:%S") for b in bucket_starts(start, end, unit)]
        return self._shape(
            unit, start.isoformat(), end.isoformat(), self._series(rows, keys, lambda k: f"{k}+00:00")
        )

    def _first_date(self) -> datetime | None:
        assert self.x is not None
        found = self.ctx.conn.execute(select(func.min(self.x.expression)).where(*self._where())).scalar()
        if found is None:
            return None
        if isinstance(found, str):
            return moment(found[:26].replace(" ", "T"), "start")
        if isinstance(found, datetime):
            return found
        return moment(found.isoformat(), "start")

    def _numbers(self) -> dict[str, Any]:
        assert self.x is not None
        errors: dict[str, Any] = {}
        bounds: dict[str, float | None] = {}
        for key in ("start", "end"):
            raw = self.params.get(key)
            try:
                bounds[key] = float(raw) if raw not in (None, "") else None
            except ValueError:
                errors[key] = "Must be a number for a number axis."
        interval = self.params.get("interval") or "auto"
        width: float | None = None
        if interval != "auto":
            try:
                width = int(interval)
                if width <= 0:
                    raise ValueError(interval)
            except ValueError:
                errors["interval"] = "Must be auto or a positive whole number for a number axis."
        if errors:
            raise Invalid(errors)
        column = self.x.expression
        low, high = bounds["start"], bounds["end"]
        if low is None or high is None:
            found = self.ctx.conn.execute(
                select(func.min(column), func.max(column)).where(*self._where(), column.is_not(None))
            ).one()
            low = float(found[0]) if low is None and found[0] is not None else low
            high = float(found[1]) if high is None and found[1] is not None else high
        if low is None or high is None:
            return self._shape(interval, bounds["start"], bounds["end"], self._series([], [], lambda k: k))
        if width is None:
            width = max(1, math.ceil((high - low) / 10)) if high > low else 1
        first = math.floor(low / width) * width
        count = int((high - first) // width) + 1
        if count > MAX_BUCKETS:
            raise Invalid.field("interval", f"Too many points: at most {MAX_BUCKETS} per series.")
        # The bin's lower edge, computed by the database.
        bucket = func.floor(column / width) * width
        rows = self._run(bucket, [column >= low, column <= high])
        rows = [(_number(b), g, v) for b, g, v in rows]
        keys = [_number(first + i * width) for i in range(count)]
        return self._shape(width, low, high, self._series(rows, keys, lambda k: k))

    def _shape(self, interval: Any, start: Any, end: Any, series: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "x": self.x_name,
            "y": self.y_name,
            "transform_y": self.transform,
            "group_by": self.params.get("group_by") or None,
            "interval": interval,
            "start": start,
            "end": end,
            "series": series,
        }


def _value(table: Table, column: str, key: str | None, *, number: bool = False) -> ColumnElement[Any]:
    if key is None:
        return table.c[column]
    element = table.c[column][key]
    return cast(element.as_float(), Float) if number else element.as_string()


def _date_bounds(column: Any, start: datetime, end: datetime, is_date: bool) -> list[ColumnElement[bool]]:
    if is_date:
        return [
            column >= start.date(),
            column < end.date() if end.time() == datetime.min.time() else column <= end.date(),
        ]
    return [and_(column >= start, column < end)]


def _number(value: Any) -> Any:
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return value
        return int(value) if value.is_integer() else value
    return value
