"""SQL over custom values in the JSON `custom` column, the same on SQLite and PostgreSQL.

Values are stored under the field id: a scalar, or a list for multi-value fields. These
expressions let a condition on any field be written without knowing the dialect's JSON
syntax; `dialect` is the connection's dialect name.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Float, String, case, cast, exists, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

POSTGRESQL = "postgresql"


def _path(key: str) -> str:
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def has_key(column: ColumnElement[Any], key: str, dialect: str) -> ColumnElement[bool]:
    """The object has a value for the field."""
    if dialect == POSTGRESQL:
        present: ColumnElement[bool] = type_coerce(column, JSONB).has_key(key)
        return present
    return func.json_type(column, _path(key)).is_not(None)


def text_value(column: ColumnElement[Any], key: str, dialect: str) -> ColumnElement[str]:
    """The field's value when it is a string (NULL otherwise), for sorting and ranges."""
    if dialect == POSTGRESQL:
        value = type_coerce(column, JSONB)[key]
        return case((func.jsonb_typeof(value) == "string", value.astext), else_=None)
    return case(
        (func.json_type(column, _path(key)) == "text", cast(func.json_extract(column, _path(key)), String)),
        else_=None,
    )


def number_value(column: ColumnElement[Any], key: str, dialect: str) -> ColumnElement[float]:
    """The field's value when it is a number (NULL otherwise)."""
    if dialect == POSTGRESQL:
        value = type_coerce(column, JSONB)[key]
        return case((func.jsonb_typeof(value) == "number", cast(value.astext, Float)), else_=None)
    return case(
        (
            func.json_type(column, _path(key)).in_(("integer", "real")),
            cast(func.json_extract(column, _path(key)), Float),
        ),
        else_=None,
    )


def holds(column: ColumnElement[Any], key: str, value: Any, dialect: str) -> ColumnElement[bool]:
    """The field's value is `value`, or is a list that contains it."""
    if dialect == POSTGRESQL:
        return type_coerce(column, JSONB)[key].contains(cast(literal(orjson.dumps(value).decode()), JSONB))
    elements = func.json_each(column, _path(key)).table_valued("value", "type")
    if isinstance(value, bool):
        wanted = elements.c.type == ("true" if value else "false")
    elif isinstance(value, (int, float)):
        wanted = elements.c.type.in_(("integer", "real")) & (cast(elements.c.value, Float) == float(value))
    else:
        wanted = (elements.c.type == "text") & (elements.c.value == value)
    return exists(select(literal(1)).select_from(elements).where(wanted))
