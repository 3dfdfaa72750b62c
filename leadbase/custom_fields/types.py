"""One class per custom field type: validate a value, store it, read it back."""

from __future__ import annotations

from typing import Any

from leadbase.custom_fields.definitions import FieldDefinition
from leadbase.db.context import Context


def apply_write(
    ctx: Context,
    definition: FieldDefinition,
    stored: dict[str, Any],
    operation: str,
    value: Any,
    *,
    lead_id: str | None,
) -> str | None:
    """Apply one write to `stored`; return an error message instead when it is invalid."""
    if operation == "set" and value is None:
        stored.pop(definition.id, None)
        return None
    stored[definition.id] = value
    return None
