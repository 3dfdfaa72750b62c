"""One class per custom field type, looked up by Close's type name."""

from __future__ import annotations

from leadbase.custom_fields.types.base import (
    OPERATORS,
    FieldType,
    NoLookups,
    ReferenceLookups,
    ValueProblem,
    WriteEnv,
)
from leadbase.custom_fields.types.choices import Choices
from leadbase.custom_fields.types.dates import Date, DateTime
from leadbase.custom_fields.types.references import Contact, CustomObject, User
from leadbase.custom_fields.types.scalars import Hidden, Number, Text, TextArea

FIELD_TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        Text(),
        TextArea(),
        Number(),
        Date(),
        DateTime(),
        Choices(),
        User(),
        Contact(),
        Hidden(),
        CustomObject(),
    )
}


def field_type(name: str) -> FieldType:
    """The type class of a stored definition (unknown names read as text rather than fail)."""
    return FIELD_TYPES.get(name) or FIELD_TYPES["text"]


__all__ = [
    "FIELD_TYPES",
    "OPERATORS",
    "FieldType",
    "NoLookups",
    "ReferenceLookups",
    "ValueProblem",
    "WriteEnv",
    "field_type",
]
