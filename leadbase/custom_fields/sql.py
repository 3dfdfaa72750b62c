"""SQL over custom values in the JSON `custom` column, the same on SQLite and PostgreSQL.

Values are stored under the field id: a scalar, or a list for multi-value fields. These
expressions let a condition on any field be written without knowing the dialect's JSON
syntax; `dialect` is the connection's dialect name.

The field's path and the JSON type names are written into the statement (db/inline.py) when
the key is an id leadbase generated: `custom_fields/indexes.py` indexes exactly these
expressions, and a planner matches an index expression only with the same constants in it.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Float, String, case, cast, exists, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from leadbase.db.inline import constant, is_generated_id

POSTGRESQL = "postgresql"

# PostgreSQL: the longest string value (in bytes) of a free-text field in its value index. A
# b-tree entry holds at most about 2,700 bytes: a longer value, indexed, would refuse the
# object's write. Longer values are left out of the index (`short_text`), which then answers
# only what cannot match them: equality with a string no longer than this.
LONGEST_INDEXED_TEXT = 2000


def _path(key: str) -> ColumnElement[Any]:
    if is_generated_id(key):
        return constant('$."' + key + '"')
    return literal('$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _key(key: str) -> Any:
    return constant(key) if is_generated_id(key) else key


def _type_is(json_type: ColumnElement[Any], *names: str) -> ColumnElement[bool]:
    if len(names) == 1:
        return json_type == constant(names[0])
    return json_type.in_([constant(name) for name in names])


def member(column: ColumnElement[Any], key: str) -> ColumnElement[Any]:
    """PostgreSQL: the field's JSON value (`custom -> 'cf_x'`), what a multi-value index holds.

    Written with the operator, not SQLAlchemy's default subscript (`custom['cf_x']`): the form
    indexes and hand-written SQL use."""
    return type_coerce(column, JSONB).op("->", return_type=JSONB)(_key(key))


def _member_text(column: ColumnElement[Any], key: str) -> ColumnElement[str]:
    return type_coerce(column, JSONB).op("->>", return_type=String)(_key(key))


def has_key(column: ColumnElement[Any], key: str, dialect: str) -> ColumnElement[bool]:
    """The object has a value for the field."""
    if dialect == POSTGRESQL:
        present: ColumnElement[bool] = type_coerce(column, JSONB).has_key(_key(key))
        return present
    return func.json_type(column, _path(key)).is_not(None)


def text_value(column: ColumnElement[Any], key: str, dialect: str) -> ColumnElement[str]:
    """The field's value when it is a string (NULL otherwise), for sorting and ranges."""
    if dialect == POSTGRESQL:
        value = member(column, key)
        return case((_type_is(func.jsonb_typeof(value), "string"), _member_text(column, key)), else_=None)
    return case(
        (
            _type_is(func.json_type(column, _path(key)), "text"),
            cast(func.json_extract(column, _path(key)), String),
        ),
        else_=None,
    )


def lowered_text(column: ColumnElement[Any], key: str, dialect: str) -> ColumnElement[str]:
    """The field's string value lowercased: what a text condition's `exact_value` compares
    (db/filters.py `text_match`), which a free text's index of lowered values holds."""
    return func.lower(text_value(column, key, dialect))


def indexable(text: str, *, lowered: bool = False) -> bool:
    """Whether a free text's value equal to `text` would be short enough for its index (case
    aside, `lowered`: lowercasing shrinks a string to a third of its bytes at most, so a stored
    value equal to `text` once lowered may be three times as long)."""
    return len(text.encode()) * (3 if lowered else 1) <= LONGEST_INDEXED_TEXT


def short_text(column: ColumnElement[Any], key: str) -> ColumnElement[bool]:
    """PostgreSQL: the field's string value is short enough for its index (the index's own
    predicate, written the same way for the planner to see it holds)."""
    length = func.octet_length(text_value(column, key, POSTGRESQL))
    return length <= literal(LONGEST_INDEXED_TEXT, literal_execute=True)


def number_value(column: ColumnElement[Any], key: str, dialect: str) -> ColumnElement[float]:
    """The field's value when it is a number (NULL otherwise)."""
    if dialect == POSTGRESQL:
        value = member(column, key)
        number = cast(_member_text(column, key), Float)
        return case((_type_is(func.jsonb_typeof(value), "number"), number), else_=None)
    return case(
        (
            _type_is(func.json_type(column, _path(key)), "integer", "real"),
            cast(func.json_extract(column, _path(key)), Float),
        ),
        else_=None,
    )


def holds(column: ColumnElement[Any], key: str, value: Any, dialect: str) -> ColumnElement[bool]:
    """The field's value is `value`, or is a list that contains it."""
    if dialect == POSTGRESQL:
        return member(column, key).contains(cast(literal(orjson.dumps(value).decode()), JSONB))
    elements = func.json_each(column, _path(key)).table_valued("value", "type")
    if isinstance(value, bool):
        wanted = elements.c.type == ("true" if value else "false")
    elif isinstance(value, (int, float)):
        wanted = elements.c.type.in_(("integer", "real")) & (cast(elements.c.value, Float) == float(value))
    else:
        wanted = (elements.c.type == "text") & (elements.c.value == value)
    return exists(select(literal(1)).select_from(elements).where(wanted))
