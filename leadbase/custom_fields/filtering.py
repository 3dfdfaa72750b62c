"""Conditions on custom values, for lists and search: `custom.<field id or name> <op> value`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.sql.elements import ColumnElement

from leadbase.core.errors import Invalid
from leadbase.custom_fields.definitions import Placement, org_definitions
from leadbase.custom_fields.types import OPERATORS, ValueProblem, field_type
from leadbase.custom_fields.values import PREFIX, CustomValues
from leadbase.db.context import Context
from leadbase.db.filters import register_extension
from leadbase.db.resource import ResourceSpec


def custom_condition(
    ctx: Context,
    table: Table,
    kind: str,
    reference: str,
    operator: str,
    operand: Any,
    *,
    type_id: str | None = None,
) -> ColumnElement[bool]:
    """Rows of `table` (whose objects carry `kind` values) where the field satisfies the condition.

    `reference` is a field id or name, with or without the `custom.` prefix; an unknown
    field or a value the field could not hold is a 400 naming the parameter.
    """
    name = reference if reference.startswith(PREFIX) else PREFIX + reference
    definition = CustomValues(ctx, kind, type_id).lookup(name[len(PREFIX) :])
    if definition is None:
        raise Invalid({name: f'The Custom Field "{name[len(PREFIX) :]}" does not exist.'})
    if operator not in OPERATORS:
        raise Invalid({name: f"Unknown operator {operator!r}."})
    try:
        return field_type(definition.type).condition(
            definition, table.c.custom, operator, operand, ctx.conn.dialect.name
        )
    except ValueProblem as problem:
        raise Invalid({name: problem.message}) from problem


def type_of_field(ctx: Context, spec: ResourceSpec, reference: str) -> str | None:
    """For objects whose fields belong to their custom type (custom objects, custom activities):
    the type a field id is placed on, since a filter names the field without the type."""
    if spec.custom_type_column is None or spec.custom_field_kind is None:
        return None
    wanted = Placement.of(spec.custom_field_kind).object_type
    for association in org_definitions(ctx).associations_of(reference):
        if association.placement.object_type == wanted:
            return association.placement.type_id
    return None


def _custom_path(
    ctx: Context, spec: ResourceSpec, rest: str, operator: str, operand: Any
) -> ColumnElement[bool]:
    if spec.custom_field_kind is None:
        raise Invalid({PREFIX + rest: f"{spec.model_name} has no custom fields."})
    type_id = type_of_field(ctx, spec, rest)
    return custom_condition(ctx, spec.table, spec.custom_field_kind, rest, operator, operand, type_id=type_id)


def _custom_value(ctx: Context, spec: ResourceSpec, rest: str) -> ColumnElement[Any]:
    """The value sorting by `custom.<field>` compares (a number or text per the field's type)."""
    if spec.custom_field_kind is None:
        raise Invalid({PREFIX + rest: f"{spec.model_name} has no custom fields."})
    definition = CustomValues(ctx, spec.custom_field_kind, type_of_field(ctx, spec, rest)).lookup(rest)
    if definition is None:
        raise Invalid({PREFIX + rest: f'The Custom Field "{rest}" does not exist.'})
    return field_type(definition.type).sort_value(definition, spec.table.c.custom, ctx.conn.dialect.name)


# Filter trees reach custom values through `custom.<field id or name>` paths.
register_extension("custom", _custom_path, _custom_value)
