"""A resource's built-in fields, declared once: validation, rendering, filters, sorts and schemas.

A `Field` says what a client may send and what the API shows: its value type, whether it
is required on create, read-only, nullable or blank, its default, whether lists filter or
sort by it, and, for fields the API derives (a lead's `contact_ids`), that it is computed.
`Fields` turns those declarations into the column values of a create or a partial update
(with Close's error bodies: every field's problem at once, under its name), the public
representation of a row, the filters and orderings of the list, and the OpenAPI schemas.

Value types are small strategy objects (`ValueType`); custom_fields adapts its field types
to this protocol, so a built-in text field and a custom text field accept the same values.
Plain classes, not pydantic or msgspec: bench/PROFILE.md has the measurement, and the error
texts are Close's without a translation table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from leadbase.core.clock import iso
from leadbase.core.errors import FieldErrors
from leadbase.db.query import EQUALITY_OPERATORS, RANGE_OPERATORS, FilterSpec, Kind, Operator

Row = dict[str, Any]
REQUIRED = "This field is required."
BLANK = "This field may not be blank."
NULL = "This field may not be null."


class Problem(Exception):
    """A value a field cannot hold; the message is what the client reads under the field's name
    (a text, or Close's nested body for the entries of a list: `{"errors": {"0": {...}}}`)."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.message = message


class ValueType(Protocol):
    """How one kind of value is accepted, shown and described."""

    @property
    def filter_kind(self) -> Kind:
        """How list filters read a query parameter of this type."""
        ...

    def clean(self, value: Any) -> Any:
        """The stored form of an incoming (non-null) value, or Problem."""
        ...

    def render(self, stored: Any) -> Any:
        """The public form of a stored value."""
        ...

    def schema(self) -> dict[str, Any]:
        """The JSON schema of the public form."""
        ...


class Text:
    filter_kind: Kind = "text"

    def clean(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise Problem("Not a valid string.")
        return value

    def render(self, stored: Any) -> Any:
        return stored

    def schema(self) -> dict[str, Any]:
        return {"type": "string"}


class Identifier(Text):
    """An object id (`lead_...`): text, filtered by equality."""

    filter_kind: Kind = "id"


class Boolean:
    filter_kind: Kind = "bool"

    def clean(self, value: Any) -> Any:
        if not isinstance(value, bool):
            raise Problem("Must be true or false.")
        return value

    def render(self, stored: Any) -> Any:
        return None if stored is None else bool(stored)

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Integer:
    filter_kind: Kind = "int"

    def clean(self, value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Problem("Must be an integer.")
        return value

    def render(self, stored: Any) -> Any:
        return stored

    def schema(self) -> dict[str, Any]:
        return {"type": "integer"}


class DateTime:
    """Shown as Close shows datetimes: ISO 8601 with microseconds and +00:00."""

    filter_kind: Kind = "datetime"

    def clean(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value
        raise Problem("Not a valid datetime.")

    def render(self, stored: Any) -> Any:
        return iso(stored)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}


@dataclass(frozen=True)
class Structured:
    """JSON the service validates itself (addresses, emails...); described by `json_schema`."""

    json_schema: Mapping[str, Any]
    filter_kind: Kind = "text"

    def clean(self, value: Any) -> Any:
        return value

    def render(self, stored: Any) -> Any:
        return stored

    def schema(self) -> dict[str, Any]:
        return dict(self.json_schema)


TEXT = Text()
ID = Identifier()
BOOL = Boolean()
INT = Integer()
DATETIME = DateTime()


def list_of(items: Mapping[str, Any]) -> Structured:
    return Structured({"type": "array", "items": dict(items)})


def obj(**properties: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON schema object with these properties (for Structured fields)."""
    return {"type": "object", "properties": {k: dict(v) for k, v in properties.items()}}


@dataclass(frozen=True)
class Field:
    """One built-in field of a resource."""

    name: str
    type: ValueType = field(default_factory=lambda: ID)
    # Required in a create body.
    required: bool = False
    # Shown, never written by a client (ids, audit columns, computed values).
    read_only: bool = False
    nullable: bool = True
    # Whether "" (or only whitespace) is a value; when not, null is refused as blank too.
    blank: bool = True
    strip: bool = False
    max_length: int | None = None
    # The stored value of a create body that leaves the field out.
    default: Any = None
    # The table column; the field's name when None.
    column: str | None = None
    # Operators list filters accept (eq, in, gt...); empty when lists do not filter by it.
    filter_operators: frozenset[Operator] = frozenset()
    sortable: bool = False
    # Shown but not stored: the service renders it.
    computed: bool = False
    # Accepted in request bodies, never shown (a lead's `status` label, resolved to status_id).
    write_only: bool = False
    description: str = ""
    # The key its problems are reported under, when Close's differs from the field's name
    # (a custom activity's `lead_id` problems are under `lead`).
    error_name: str = ""
    # What a null gets instead of the standard "may not be null/blank" (a non-nullable field).
    null_message: str | None = None
    # For values the type alone cannot check (emails, addresses, role lists): called with the
    # incoming value, null included, instead of the standard checks; returns the stored form
    # or raises Problem. A service may pass one per request instead (`Fields.clean(cleaners=)`).
    cleaner: Callable[[Any], Any] | None = None
    # How the stored value is shown when the type's render is not all (a null description as "").
    shows: Callable[[Any], Any] | None = None
    # Changes with the time, not with writes (a lead's `localtime`): left out of event diffs, so
    # that an update is not recorded as changing it.
    volatile: bool = False

    @property
    def source(self) -> str:
        return self.column or self.name

    def clean(self, value: Any) -> Any:
        """The stored form of one incoming value, or Problem."""
        if self.cleaner is not None:
            return self.cleaner(value)
        if value is None:
            if not self.nullable:
                raise Problem(self.null_message or (BLANK if not self.blank else NULL))
            return None
        cleaned = self.type.clean(value)
        if isinstance(cleaned, str):
            if self.max_length is not None and len(cleaned) > self.max_length:
                raise Problem(f"Longer than the maximum of {self.max_length} characters.")
            if not self.blank and not cleaned.strip():
                raise Problem(BLANK)
            if self.strip:
                cleaned = cleaned.strip()
        return cleaned

    def schema(self) -> dict[str, Any]:
        schema = self.type.schema()
        if self.nullable and not self.required:
            schema = {**schema, "nullable": True}
        if self.max_length is not None:
            schema = {**schema, "maxLength": self.max_length}
        if self.read_only:
            schema = {**schema, "readOnly": True}
        if self.description:
            schema = {**schema, "description": self.description}
        return schema


def _same(value: Any) -> Any:
    return value


def _renderer(value_type: ValueType) -> Callable[[Any], Any]:
    """The type's render, or `_same` when it shows stored values as they are (no call per value)."""
    if isinstance(value_type, (Text, Structured, Integer)):
        return _same
    if type(value_type) is DateTime:
        # Its render is `iso`: called directly, one call less for each of a page's datetimes.
        return iso
    return value_type.render


_NOTHING: Mapping[str, Any] = {}
# Renderers of `_fields` selections a Fields keeps (`Fields.renderer_for`); past that, generated
# for each request.
MAX_RENDER_SUBSETS = 256
Renderer = Callable[[Row, Mapping[str, Any]], dict[str, Any]]


def _render_function(
    shown: tuple[tuple[str, str, Field, Callable[[Any], Any] | None], ...], *, values: bool
) -> Renderer:
    """A function of (row, computed) returning the representation: a dict display with one entry
    per shown field, generated from the declaration. `computed` holds, per computed field, a
    function of the row, or (`values`) the row's value itself."""
    scope: dict[str, Any] = {}
    entries = []
    for number, (name, source, _field, render) in enumerate(shown):
        if render is None:
            entries.append(f"{name!r}: computed[{name!r}]" + ("" if values else "(row)"))
        elif render is _same:
            entries.append(f"{name!r}: row[{source!r}]")
        else:
            scope[f"render_{number}"] = render
            entries.append(f"{name!r}: render_{number}(row[{source!r}])")
    code = "def render(row, computed):\n    return {" + ", ".join(entries) + "}\n"
    exec(compile(code, "<leadbase.db.fields render>", "exec"), scope)
    function: Renderer = scope["render"]
    return function


def blank_if_null(value: Any) -> Any:
    """Shows a null text as "" (Close shows a lead's description and a contact's title so)."""
    return "" if value is None else value


def filterable(*operators: Operator) -> frozenset[Operator]:
    return frozenset(operators) or EQUALITY_OPERATORS


RANGE = RANGE_OPERATORS
EQUAL = EQUALITY_OPERATORS


@dataclass(frozen=True)
class Fields:
    """The declared fields of a resource, in the order its representation shows them."""

    declared: tuple[Field, ...]
    # Whether the representation may hold `custom.cf_...` keys besides these.
    custom: bool = False
    by_name: Mapping[str, Field] = field(init=False, repr=False, compare=False)
    # Names of the fields that change with the time (left out of event diffs).
    volatile: frozenset[str] = field(init=False, repr=False, compare=False)
    # Worked out once: validation and rendering walk these on every object.
    _writable: tuple[Field, ...] = field(init=False, repr=False, compare=False)
    _shown: tuple[tuple[str, str, Field, Callable[[Any], Any] | None], ...] = field(
        init=False, repr=False, compare=False
    )
    # Whether no shown field is computed (rendering needs nothing but the row).
    _plain: bool = field(init=False, repr=False, compare=False)
    # `render` generated for these fields: computed fields by function, or by value.
    _by_function: Renderer = field(init=False, repr=False, compare=False)
    _by_value: Renderer = field(init=False, repr=False, compare=False)
    # `render_values` limited to some keys (`renderer_for`), generated once per set of keys.
    _subsets: dict[frozenset[str], Renderer] = field(init=False, repr=False, compare=False)
    # (name, column, field, cleaner) of each writable field, for `clean`.
    _cleaning: tuple[tuple[str, str, Field, Callable[[Any], Any]], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.declared})
        object.__setattr__(self, "volatile", frozenset(f.name for f in self.declared if f.volatile))
        object.__setattr__(
            self, "_writable", tuple(f for f in self.declared if not f.read_only and not f.computed)
        )
        shown = tuple(
            (f.name, f.source, f, None if f.computed else f.shows or _renderer(f.type))
            for f in self.declared
            if not f.write_only
        )
        object.__setattr__(self, "_shown", shown)
        object.__setattr__(self, "_plain", all(render is not None for _, _, _, render in shown))
        object.__setattr__(self, "_by_function", _render_function(shown, values=False))
        object.__setattr__(self, "_by_value", _render_function(shown, values=True))
        object.__setattr__(self, "_subsets", {})
        cleaning = tuple((f.name, f.column or f.name, f, f.cleaner or f.clean) for f in self._writable)
        object.__setattr__(self, "_cleaning", cleaning)

    def __iter__(self) -> Iterator[Field]:
        return iter(self.declared)

    def writable(self) -> list[Field]:
        return list(self._writable)

    def shown(self) -> list[Field]:
        return [f for _, _, f, _ in self._shown]

    # ---- validation ----------------------------------------------------------------------

    def clean(
        self,
        body: Mapping[str, Any],
        *,
        creating: bool,
        errors: FieldErrors | None = None,
        cleaners: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> Row:
        """Column values of a create (every writable field) or an update (those in the body).

        Read-only and unknown keys are ignored, as Close ignores them; every problem is
        collected, and raised together unless the caller passes its own `errors`.
        `cleaners` (field name -> cleaner) replace the declared checks of those fields for
        this call, for checks that need the request (a lead's status among the
        organization's, a phone number in the organization's region).
        """
        own = errors is None
        errors = errors if errors is not None else FieldErrors()
        values: Row = {}
        for name, column, f, clean in self._cleaning:
            if name not in body:
                if creating and f.required:
                    errors.add(f.error_name or name, REQUIRED)
                elif creating:
                    values[column] = f.default() if callable(f.default) else f.default
                continue
            if cleaners and name in cleaners:
                clean = cleaners[name]
            try:
                values[column] = clean(body[name])
            except Problem as problem:
                errors.add(f.error_name or name, problem.message)
        if own:
            errors.raise_if_any()
        return values

    # ---- rendering -----------------------------------------------------------------------

    def render(
        self,
        row: Row,
        computed: Callable[[Field, Row], Any] | Mapping[str, Callable[[Row], Any]] | None = None,
    ) -> dict[str, Any]:
        """The public representation of a row; `computed` supplies the computed fields.

        `computed` is either one function of (field, row) or, per computed field's name, a
        function of the row; a service builds it once per page, from what it loaded for
        the whole page (names, children), so rendering a row runs no query.
        """
        if computed is None:
            if self._plain:
                return self._by_function(row, _NOTHING)
        elif type(computed) is dict or isinstance(computed, Mapping):
            return self._by_function(row, computed)
        out: dict[str, Any] = {}
        for name, source, f, render in self._shown:
            if render is not None:
                value = row[source]
                out[name] = value if render is _same else render(value)
            elif computed is None:
                raise LookupError(f"{name} is computed and nothing computes it")
            else:
                out[name] = computed(f, row)
        return out

    def render_values(self, row: Row, computed: Mapping[str, Any]) -> dict[str, Any]:
        """`render` with the computed fields' values for this row (not functions): for services
        that work them out together per row (a lead's contact ids and primary email)."""
        return self._by_value(row, computed)

    def renderer_for(self, keys: frozenset[str] | None) -> Renderer:
        """`render_values` showing only the fields named in `keys` (None: every shown field), in
        the same order: for a read whose `_fields` keeps a few keys of each object, the rest
        need not be rendered (the dates of a page of leads asked for `id,name`)."""
        if keys is None:
            return self._by_value
        found = self._subsets.get(keys)
        if found is None:
            found = _render_function(tuple(s for s in self._shown if s[0] in keys), values=True)
            # `_fields` comes from clients: a process keeps the renderers of a bounded number of them.
            if len(self._subsets) < MAX_RENDER_SUBSETS:
                self._subsets[keys] = found
        return found

    # ---- lists ---------------------------------------------------------------------------

    def filters(self) -> dict[str, FilterSpec]:
        return {
            f.name: FilterSpec(f.name, f.type.filter_kind, f.filter_operators, column=f.column)
            for f in self.declared
            if f.filter_operators
        }

    def orderings(self) -> dict[str, str]:
        return {f.name: f.source for f in self.declared if f.sortable}

    # ---- schemas -------------------------------------------------------------------------

    def response_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {f.name: f.schema() for f in self.shown()},
            "required": [f.name for f in self.shown()],
        }
        if self.custom:
            schema["additionalProperties"] = {"description": "custom.cf_... values"}
        return schema

    def request_schema(self, *, creating: bool) -> dict[str, Any]:
        # Computed fields a client may write (a custom activity's `pinned`) are the service's to
        # clean, yet part of what a request may send.
        writable = [f for f in self.declared if not f.read_only]
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {f.name: f.schema() for f in writable},
        }
        required = [f.name for f in writable if f.required] if creating else []
        if required:
            schema["required"] = required
        if self.custom:
            schema["additionalProperties"] = {"description": "custom.cf_... values"}
        return schema


def shown(name: str, value_type: ValueType = ID, *, nullable: bool = False, **options: Any) -> Field:
    """A read-only field: shown, never written by a client (never null unless said)."""
    return Field(name, value_type, read_only=True, nullable=nullable, **options)


OBJECT: Structured = Structured({"type": "object"})
IDS = list_of({"type": "string"})
OBJECTS = list_of({"type": "object"})


def audit(*, dates: frozenset[Operator] = frozenset(), sortable: bool = False) -> tuple[Field, ...]:
    """organization_id, date_created, date_updated, created_by, updated_by, read-only.

    `dates` are the filter operators of the two dates, `sortable` whether lists sort by them.
    """
    return (
        shown("organization_id"),
        shown("date_created", DATETIME, filter_operators=dates, sortable=sortable),
        shown("date_updated", DATETIME, filter_operators=dates, sortable=sortable),
        shown("created_by", nullable=True),
        shown("updated_by", nullable=True),
    )
