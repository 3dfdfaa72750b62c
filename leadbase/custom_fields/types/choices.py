"""Choices fields: values restricted to the field's list of choices."""

from __future__ import annotations

from typing import Any

from leadbase.custom_fields.definitions import FieldDefinition
from leadbase.custom_fields.types.base import FieldType, ValueProblem, WriteEnv, is_number


class Choices(FieldType):
    """A value must equal one of the choices exactly (case included, as Close compares)."""

    name = "choices"
    multiple = True

    def clean_one(self, definition: FieldDefinition, value: Any, env: WriteEnv) -> Any:
        if is_number(value):
            # A numeric choice ("10") may be sent as the number 10.
            value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        if isinstance(value, str) and value in definition.choices:
            return value
        shown = value if isinstance(value, str) else repr(value)
        raise ValueProblem(f'"{shown}" is not a valid choice for this field.')

    def read(self, definition: FieldDefinition, element: Any) -> Any | None:
        # Values whose choice was removed from the field are no longer returned.
        return element if isinstance(element, str) and element in definition.choices else None
