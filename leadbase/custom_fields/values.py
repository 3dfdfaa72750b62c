"""Custom values on an object: reading them out, and applying a request body's writes.

Writes come as `custom.<field id or name>` keys (set; null, "" or [] unset), as
`custom.<field>.add` / `.remove` on multi-value fields, or as the legacy name-keyed
`custom` dict. Values are stored in the object's `custom` JSON column under the field id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadbase.core.errors import FieldErrors, Forbidden
from leadbase.custom_fields.definitions import FieldDefinition, load_definitions, org_definitions
from leadbase.custom_fields.lookups import DatabaseLookups
from leadbase.custom_fields.types import ValueProblem, WriteEnv, field_type
from leadbase.db.context import Context
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, has

PREFIX = "custom."
SET, ADD, REMOVE = "set", "add", "remove"


def is_unset(value: Any) -> bool:
    """null, "" and [] all clear a value (forms send "" for an emptied input)."""
    return value is None or value == "" or value == []


def readable(definition: FieldDefinition, stored: Any) -> Any:
    """A stored value as the API shows it: None when nothing valid is stored.

    Values written under an older type or choice list are hidden rather than shown wrong.
    """
    return None if stored is None else _reader(definition)(stored)


def _reader(definition: FieldDefinition) -> Callable[[Any], Any]:
    """`readable` of one field as a function of the stored value (never None)."""
    read = field_type(definition.type).read
    if definition.accepts_multiple_values:

        def read_many(stored: Any) -> Any:
            elements = stored if isinstance(stored, list) else [stored]
            # One comprehension: a generator inside it cost a resumption per value (Tags on a lead).
            shown = [v for e in elements if (v := read(definition, e)) is not None]
            return shown or None

        return read_many

    def read_one(stored: Any) -> Any:
        if isinstance(stored, list):
            stored = stored[0] if stored else None
            if stored is None:
                return None
        return read(definition, stored)

    return read_one


def _shown_as_stored(definition: FieldDefinition) -> frozenset[type]:
    """The classes of a stored value `readable` shows unchanged (none for multiple values,
    which are read element by element)."""
    if definition.accepts_multiple_values:
        return frozenset()
    return field_type(definition.type).shown_as_stored


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _unique(values: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


class CustomValues:
    """Validates writes to, and renders, the custom values of one kind of object.

    `kind` is lead, contact, opportunity, activity or custom_object; `type_id` names the
    custom activity type or custom object type for the last two.
    """

    def __init__(self, ctx: Context, kind: str, type_id: str | None = None) -> None:
        self.ctx = ctx
        self.kind = kind
        self.definitions = load_definitions(ctx, kind, type_id)
        self.by_id = {d.id: d for d in self.definitions}
        self.by_name = {d.name: d for d in self.definitions}
        self.by_folded_name = {d.name.lower(): d for d in self.definitions}
        # (field id, `custom.<id>` key, name, reader) per field, for `values` and `render` (one
        # call per stored value: a page of whole leads renders about a thousand).
        # The classes of values shown as stored (`FieldType.shown_as_stored`) skip the reader.
        self._shown = tuple(
            (d.id, PREFIX + d.id, d.name, _reader(d), _shown_as_stored(d)) for d in self.definitions
        )

    def lookup(self, key: str) -> FieldDefinition | None:
        return self.by_id.get(key) or self.by_name.get(key) or self.by_folded_name.get(key.lower())

    # ---- writing -------------------------------------------------------------------------

    def incoming(self, body: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
        """(error key, field reference, operation, value) for each custom write in a body."""
        writes: list[tuple[str, str, str, Any]] = []
        legacy = body.get("custom")
        if isinstance(legacy, dict):
            for name, value in legacy.items():
                writes.append((f"custom.{name}", str(name), SET, value))
        for key, value in body.items():
            if not key.startswith(PREFIX):
                continue
            ref = key[len(PREFIX) :]
            operation = SET
            for suffix in (ADD, REMOVE):
                if ref.endswith("." + suffix) and self.lookup(ref) is None:
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
        """The stored values after the body's custom writes; problems go to `errors`.

        `lead_id` is the lead the object belongs to (None for a lead being created): contact
        and custom object values must be on it. Editing a field restricted to other roles
        raises Forbidden.
        """
        result = dict(current)
        if "custom" in body and body["custom"] is not None and not isinstance(body["custom"], dict):
            errors.add("custom", "Must be an object of field names to values.")
        env = WriteEnv(lead_id=lead_id, tz_offset=self.ctx.tz_offset, lookups=DatabaseLookups(self.ctx))
        for error_key, ref, operation, value in self.incoming(body):
            definition = self.lookup(ref)
            if definition is None:
                errors.add(error_key, f'The Custom Field "{ref}" does not exist.')
                continue
            before = readable(definition, result.get(definition.id))
            try:
                after = self._written(definition, before, operation, value, env)
            except ValueProblem as problem:
                errors.add(error_key, problem.message)
                continue
            if after != before:
                self._check_role(definition)
            if after is None:
                result.pop(definition.id, None)
            else:
                result[definition.id] = after
        return result

    def _written(
        self, definition: FieldDefinition, before: Any, operation: str, value: Any, env: WriteEnv
    ) -> Any:
        kind = field_type(definition.type)
        multiple = definition.accepts_multiple_values
        if operation != SET and not multiple:
            raise ValueProblem(f".{operation} works only on fields that accept multiple values.")
        if operation == SET:
            if is_unset(value):
                return None
            if isinstance(value, list) and not multiple:
                raise ValueProblem("This field accepts only one value.")
            cleaned = kind.clean(definition, _as_list(value), env)
            return _unique(cleaned) if multiple else cleaned[0]
        current = _as_list(before)
        values = [v for v in _as_list(value) if not is_unset(v)]
        if operation == ADD:
            added = kind.clean(definition, values, env)
            return _unique(current + added) or None
        # Removing also matches values as sent, so a value that is no longer valid can go.
        try:
            gone = kind.clean(definition, values, env) + values
        except ValueProblem:
            gone = values
        return [v for v in current if v not in gone] or None

    def _check_role(self, definition: FieldDefinition) -> None:
        allowed = definition.editable_with_roles
        # Roles that manage customizations may always edit: they can change the restriction itself.
        if allowed and self.ctx.actor.role_id not in allowed and not has(self.ctx, MANAGE_CUSTOMIZATIONS):
            raise Forbidden(
                f'Your role may not edit the Custom Field "{definition.name}" ({definition.id}): '
                f"it is editable only by {', '.join(allowed)}."
            )

    def check_required(self, stored: dict[str, Any], errors: FieldErrors) -> None:
        """Every required field must hold a value (custom objects on save, activities when published)."""
        for definition in self.definitions:
            if definition.required and readable(definition, stored.get(definition.id)) is None:
                errors.add(PREFIX + definition.id, "This field is required.")

    # ---- reading -------------------------------------------------------------------------

    def values(self, stored: dict[str, Any]) -> dict[str, Any]:
        """Field id -> shown value, for the fields that have one."""
        out: dict[str, Any] = {}
        for field_id, _key, _name, read, plain in self._shown:
            value = stored.get(field_id)
            if value is not None and (value.__class__ in plain or (value := read(value)) is not None):
                out[field_id] = value
        return out

    def render(self, stored: dict[str, Any], *, legacy_dict: bool = False) -> dict[str, Any]:
        """`custom.<id>` keys for the fields that have a value (and the legacy dict if asked)."""
        return self.render_into({}, stored, legacy_dict=legacy_dict)

    def render_into(
        self, data: dict[str, Any], stored: dict[str, Any] | None, *, legacy_dict: bool = False
    ) -> dict[str, Any]:
        """`render` written into an object's representation (`data`), which it returns: a page
        of whole leads renders a thousand values, without two more dicts and a copy per object.
        With `legacy_dict`, `custom` is set first, where `data` holds it already if it does."""
        legacy: dict[str, Any] | None = None
        if legacy_dict:
            legacy = data["custom"] = {}
        if stored:
            for field_id, key, name, read, plain in self._shown:
                value = stored.get(field_id)
                if value is None:
                    continue
                if value.__class__ not in plain:
                    value = read(value)
                    if value is None:
                        continue
                data[key] = value
                if legacy is not None:
                    legacy[name] = value
        return data


# Not under the "custom_fields:" memo prefix: bulk loads carry those entries from one
# transaction to the next, and a CustomValues holds its request's connection.
VALUES_KEY = "custom_values"


def custom_values(ctx: Context, kind: str, type_id: str | None = None) -> CustomValues:
    """A CustomValues per kind and type, made once per request and definitions version."""
    definitions = org_definitions(ctx)
    memo = ctx.memo.get(VALUES_KEY)
    if memo is None or memo[0] is not definitions:
        memo = (definitions, {})
        ctx.memo[VALUES_KEY] = memo
    made: dict[tuple[str, str], CustomValues] = memo[1]
    key = (kind, type_id or "")
    if key not in made:
        made[key] = CustomValues(ctx, kind, type_id)
    return made[key]
