"""Custom values on an object: `custom.<id>` keys, the legacy name-keyed `custom` dict,
`null` to unset, `.add`/`.remove` on multi-value fields."""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors
from leadbase.custom_fields.definitions import FieldDefinition, load_definitions
from leadbase.db.context import Context

PREFIX = "custom."


class CustomValues:
    """Validates writes to, and renders, the custom values of one kind of object."""

    def __init__(self, ctx: Context, kind: str, type_id: str | None = None) -> None:
        self.ctx = ctx
        self.kind = kind
        self.definitions = load_definitions(ctx, kind, type_id)
        self.by_id = {d.id: d for d in self.definitions}
        self.by_name = {d.name.lower(): d for d in self.definitions}

    def _lookup(self, key: str) -> FieldDefinition | None:
        return self.by_id.get(key) or self.by_name.get(key.lower())

    def incoming(self, body: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
        """(error key, field reference, operation, value) for each custom write in a body."""
        writes: list[tuple[str, str, str, Any]] = []
        legacy = body.get("custom")
        if isinstance(legacy, dict):
            for name, value in legacy.items():
                writes.append((f"custom.{name}", str(name), "set", value))
        for key, value in body.items():
            if not key.startswith(PREFIX):
                continue
            ref = key[len(PREFIX) :]
            operation = "set"
            for suffix in ("add", "remove"):
                if ref.endswith("." + suffix) and self._lookup(ref) is None:
                    ref, operation = ref[: -len(suffix) - 1], suffix
            writes.append((key, ref, operation, value))
        return writes

    def apply(
        self,
        current: dict[str, Any],
        body: dict[str, Any],
        errors: FieldErrors,
        *,
        lead_id: str | None = None,
    ) -> dict[str, Any]:
        """The new stored values after the body's custom writes; problems go to `errors`."""
        result = dict(current)
        if "custom" in body and body["custom"] is not None and not isinstance(body["custom"], dict):
            errors.add("custom", "Must be an object of field names to values.")
        for error_key, ref, operation, value in self.incoming(body):
            definition = self._lookup(ref)
            if definition is None:
                errors.add(error_key, f'The Custom Field "{ref}" does not exist.')
                continue
            from leadbase.custom_fields.types import apply_write

            message = apply_write(self.ctx, definition, result, operation, value, lead_id=lead_id)
            if message:
                errors.add(error_key, message)
        return result

    def render(self, stored: dict[str, Any], *, legacy_dict: bool = False) -> dict[str, Any]:
        """`custom.<id>` keys for the fields that have a value (and the legacy dict if asked)."""
        out: dict[str, Any] = {}
        legacy: dict[str, Any] = {}
        for definition in self.definitions:
            if definition.id not in stored:
                continue
            value = stored[definition.id]
            if value is None or value == []:
                continue
            out[PREFIX + definition.id] = value
            legacy[definition.name] = value
        if legacy_dict:
            return {"custom": legacy, **out}
        return out
