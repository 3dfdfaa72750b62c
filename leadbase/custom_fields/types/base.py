"""What every custom field type does: clean incoming values, read stored ones, filter on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from sqlalchemy import and_, not_, or_
from sqlalchemy.sql.elements import ColumnElement

from leadbase.custom_fields import sql
from leadbase.custom_fields.definitions import FieldDefinition
from leadbase.db.filters import text_match

# Operators a filter on a custom field may use; `in` takes a list, `exists` a bool.
# `text` takes (mode, text): Close's text modes (db/filters.text_match) on the value as text.
OPERATORS = frozenset({"eq", "in", "gt", "gte", "lt", "lte", "exists", "text"})


class ValueProblem(Exception):
    """An incoming value the field cannot hold; the message names what is wrong with it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReferenceLookups(Protocol):
    """Batched answers about the objects that reference fields point at, within one organization."""

    def user_ids(self, values: Sequence[str]) -> dict[str, str]:
        """Each value that is the id or the exact full name of a member (active or former) -> user id."""
        ...

    def contact_leads(self, ids: Sequence[str]) -> dict[str, str]:
        """Contact id -> its lead id, for the contacts that exist."""
        ...

    def custom_objects(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Custom object id -> (its custom_object_type_id, its lead_id), for the ones that exist."""
        ...


class NoLookups:
    """For callers without a database (filters, unit tests): no reference resolves."""

    def user_ids(self, values: Sequence[str]) -> dict[str, str]:
        return {}

    def contact_leads(self, ids: Sequence[str]) -> dict[str, str]:
        return {}

    def custom_objects(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        return {}


@dataclass
class WriteEnv:
    """What validating a value may depend on besides the value itself."""

    lead_id: str | None = None
    tz_offset: float | None = None
    lookups: ReferenceLookups = field(default_factory=NoLookups)


class FieldType:
    """One custom field type. Stored values are JSON: one element, or a list for multi-value fields.

    `clean` turns incoming elements into their stored form or raises ValueProblem; `read`
    turns a stored element back into what the API shows, or None when the element is no
    longer valid for the field (a removed choice), which hides it; `condition` filters.
    """

    name: ClassVar[str]
    # Whether fields of this type may accept multiple values.
    multiple: ClassVar[bool] = False
    # How range filters and sorting compare stored values: as text or as numbers.
    ordering: ClassVar[str] = "text"
    # Whether a value is any string a client sends, of any length (a text), rather than one of
    # a bounded form (a date, an id, a choice): PostgreSQL indexes only the short ones.
    free_text: ClassVar[bool] = False
    # Classes of stored elements `read` shows as they are, exactly these (not subclasses: a bool
    # is no number): rendering skips the call for them (a page of whole leads reads ~1,000).
    shown_as_stored: ClassVar[frozenset[type]] = frozenset()

    def clean(self, definition: FieldDefinition, values: list[Any], env: WriteEnv) -> list[Any]:
        return [self.clean_one(definition, value, env) for value in values]

    def clean_one(self, definition: FieldDefinition, value: Any, env: WriteEnv) -> Any:
        raise NotImplementedError

    def read(self, definition: FieldDefinition, element: Any) -> Any | None:
        return element

    def convert(self, definition: FieldDefinition, element: Any, env: WriteEnv) -> Any | None:
        """An element stored under another type, as this type stores it; None if it cannot be kept."""
        try:
            return self.clean(definition, [element], env)[0]
        except ValueProblem:
            return None

    def filter_value(self, definition: FieldDefinition, value: Any) -> Any:
        """A filter operand in stored form (raises ValueProblem)."""
        return self.clean_one(definition, value, WriteEnv())

    def sort_value(
        self, definition: FieldDefinition, column: ColumnElement[Any], dialect: str
    ) -> ColumnElement[Any]:
        """What sorting by this field compares: the value as a number or as text (NULL when absent
        or a list)."""
        if self.ordering == "number":
            return sql.number_value(column, definition.id, dialect)
        return sql.text_value(column, definition.id, dialect)

    def condition(
        self,
        definition: FieldDefinition,
        column: ColumnElement[Any],
        operator: str,
        operand: Any,
        dialect: str,
    ) -> ColumnElement[bool]:
        """Objects whose value of this field satisfies `operator operand`.

        eq/in match a value or, on multi-value fields, any element; gt/gte/lt/lte compare
        single values (dates and datetimes as their ISO text); exists tests presence.
        """
        key = definition.id
        if operator == "exists":
            present = sql.has_key(column, key, dialect)
            return present if operand else not_(present)
        if operator in ("eq", "in"):
            values = list(operand) if operator == "in" else [operand]
            wanted = [self.filter_value(definition, v) for v in values]
            return or_(*(self._equals(definition, column, v, dialect) for v in wanted))
        if operator not in OPERATORS:
            raise ValueProblem(f"Unknown operator {operator!r}.")
        if operator == "text":
            mode, text = operand
            found = text_match(sql.text_value(column, key, dialect), mode, str(text))
            # The lowered short values are indexed (see `_equals`).
            short = sql.indexable(str(text), lowered=True)
            if mode == "exact_value" and dialect == sql.POSTGRESQL and self.free_text and short:
                return and_(found, sql.short_text(column, key))
            return found
        bound = self.filter_value(definition, operand)
        if self.ordering == "number":
            expression: ColumnElement[Any] = sql.number_value(column, key, dialect)
        else:
            expression = sql.text_value(column, key, dialect)
        comparisons = {
            "gt": expression > bound,
            "gte": expression >= bound,
            "lt": expression < bound,
            "lte": expression <= bound,
        }
        return and_(expression.is_not(None), comparisons[operator])

    def _equals(
        self, definition: FieldDefinition, column: ColumnElement[Any], value: Any, dialect: str
    ) -> ColumnElement[bool]:
        # A single value is compared through the expression its field's index holds
        # (custom_fields/indexes.py); a list's elements are searched (a GIN index on PostgreSQL).
        if not definition.accepts_multiple_values:
            if isinstance(value, str):
                equal = sql.text_value(column, definition.id, dialect) == value
                # A free text's index holds its short values (custom_fields/indexes.py): saying
                # the value is one of them, as it must be to equal this one, lets the planner
                # use it. A longer string is looked for row by row.
                if dialect == sql.POSTGRESQL and self.free_text and sql.indexable(value):
                    return and_(equal, sql.short_text(column, definition.id))
                return equal
            if is_number(value):
                return sql.number_value(column, definition.id, dialect) == float(value)
        return sql.holds(column, definition.id, value, dialect)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
