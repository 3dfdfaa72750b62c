"""The custom field definitions that apply to one kind of object, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from leadbase.db.context import Context


@dataclass(frozen=True)
class FieldDefinition:
    id: str
    name: str
    type: str
    accepts_multiple_values: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()
    editable_with_roles: tuple[str, ...] = ()
    referenced_custom_type_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def load_definitions(ctx: Context, kind: str, type_id: str | None = None) -> list[FieldDefinition]:
    """Fields whose values objects of `kind` carry (lead, contact, opportunity, ...).

    `type_id` names the custom activity or custom object type for those kinds.
    """
    key = f"custom_fields:{kind}:{type_id}"
    cached = ctx.memo.get(key)
    if cached is None:
        cached = []
        ctx.memo[key] = cached
    return list(cached)
