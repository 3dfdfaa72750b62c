"""Text, textarea, hidden and number fields."""

from __future__ import annotations

import math
from typing import Any

from leadbase.custom_fields.definitions import FieldDefinition
from leadbase.custom_fields.types.base import FieldType, ValueProblem, WriteEnv, is_number


def _number_text(value: int | float) -> str:
    # 3.0 reads "3", as a person would type it; other floats keep Python's shortest repr.
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


class Text(FieldType):
    name = "text"
    free_text = True

    def clean_one(self, definition: FieldDefinition, value: Any, env: WriteEnv) -> Any:
        if isinstance(value, str):
            return value
        # Numbers sent for text fields are written down as text, as a form would.
        if is_number(value) and math.isfinite(value):
            return _number_text(value)
        raise ValueProblem("Not a valid string.")

    shown_as_stored = frozenset({str})

    def read(self, definition: FieldDefinition, element: Any) -> Any | None:
        return element if isinstance(element, str) else None


class TextArea(Text):
    """Multi-line text: the same values as text, shown differently in Close's UI."""

    name = "textarea"


class Hidden(FieldType):
    """Values for integrations, never shown in Close's UI: any string, number or boolean."""

    name = "hidden"
    free_text = True

    def clean_one(self, definition: FieldDefinition, value: Any, env: WriteEnv) -> Any:
        if isinstance(value, (str, bool)):
            return value
        if is_number(value):
            # Numbers are kept as number fields keep them.
            return NUMBER.clean_one(definition, value, env)
        raise ValueProblem("Not a valid value: a hidden field holds one string, number or boolean.")

    shown_as_stored = frozenset({str, int, float, bool})

    def read(self, definition: FieldDefinition, element: Any) -> Any | None:
        return element if isinstance(element, (str, int, float, bool)) else None


# Whole numbers must fit 64 bits: both databases' JSON functions read them as such.
LARGEST_INTEGER = 2**63


def _parse_number(text: str) -> int | float | None:
    # Python also reads "1_000"; a form would not mean that as a number.
    if "_" in text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


class Number(FieldType):
    name = "number"
    ordering = "number"

    def clean_one(self, definition: FieldDefinition, value: Any, env: WriteEnv) -> Any:
        if isinstance(value, str):
            # Numeric strings are accepted, as form posts send them.
            value = _parse_number(value.strip())
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            # PostgreSQL's JSONB writes 1e16 back as 10000000000000000: storing whole
            # numbers as integers makes both databases give back exactly what was stored.
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) >= LARGEST_INTEGER:
                raise ValueProblem("The number is too large.")
            return value
        if isinstance(value, float) and math.isfinite(value):
            return value
        raise ValueProblem("Not a valid number.")

    shown_as_stored = frozenset({int, float})

    def read(self, definition: FieldDefinition, element: Any) -> Any | None:
        return element if is_number(element) else None


NUMBER = Number()
