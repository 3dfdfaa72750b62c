"""The object types Advanced Filtering searches and relates, and the fields each one has.

An object type (`lead`, `contact`, `activity.call`, `contact_email`...) is a `Target`: rows
of a table (or the elements of a JSON list column of a parent row) with their fields. A
resource's regular fields come from its declaration (`Fields`: every stored field), plus the
few Close computes (`display_name`, counts of a JSON list, a lead's activity counts), listed
here once. Resources are found through the registry by their path: search never imports a
resource package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Float,
    FromClause,
    Integer,
    Table,
    case,
    cast,
    func,
    literal,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB

from leadbase.db.context import Context
from leadbase.db.inline import organization_is
from leadbase.db.models import lead_activity_count, opportunity_status
from leadbase.db.resource import ResourceSpec, resources

# How a field is compared: which conditions it takes.
Kind = Literal["text", "id", "datetime", "date", "number", "bool"]

_KINDS: dict[str, Kind] = {
    "text": "text",
    "id": "id",
    "datetime": "datetime",
    "date": "date",
    "int": "number",
    "bool": "bool",
}

# Close's activity object types -> the `type` of their rows in `activity`.
ACTIVITY_TYPES = {
    "call": "Call",
    "email": "Email",
    "email_thread": "EmailThread",
    "sms": "SMS",
    "meeting": "Meeting",
    "note": "Note",
    "lead_status_change": "LeadStatusChange",
    "opportunity_status_change": "OpportunityStatusChange",
    "task_completed": "TaskCompleted",
    "custom_activity": "CustomActivity",
    "whatsapp_message": "WhatsAppMessage",
    "created": "Created",
    "lead_merge": "LeadMerge",
    "form_submission": "FormSubmission",
}

# The lead's smart fields over `lead_activity_count` (kept by triggers): name -> (type, count?).
ACTIVITY_COUNTS: dict[str, tuple[str, bool]] = {}
for _type, _plural, _single in (
    ("Call", "calls", "call"),
    ("Email", "emails", "email"),
    ("SMS", "sms", "sms"),
    ("Meeting", "meetings", "meeting"),
    ("Note", "notes", "note"),
):
    ACTIVITY_COUNTS[f"num_{_plural}"] = (_type, True)
    ACTIVITY_COUNTS[f"last_{_single}_date"] = (_type, False)


@dataclass(frozen=True)
class Lookup:
    """A field read from another row the object points to (an opportunity's status type): a
    condition on it is written as the key among the ids of the rows that meet it."""

    key: ColumnElement[Any]
    table: Table
    column: str
    scope: tuple[ColumnElement[bool], ...]

    def where(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        return self.key.in_(select(self.table.c.id).where(*self.scope, condition))


@dataclass(frozen=True)
class Value:
    """One field of one row: its SQL expression and how it compares. `lookup`: the same field
    as a lookup, for conditions (a correlated scalar subquery per row hid the condition's
    selectivity from the planner and ran once per row)."""

    expression: ColumnElement[Any]
    kind: Kind
    sortable: bool = True
    lookup: Lookup | None = None


Extra = Callable[[Context, FromClause], Value]


@dataclass(frozen=True)
class Target:
    """One searchable object type: where its rows are and what fields they have."""

    name: str
    # The resource whose declaration gives fields and custom values; None for JSON elements.
    spec_path: str | None = None
    # Rows of `activity` of one type.
    type_value: str | None = None
    # For JSON elements (a contact's emails): the parent type and its list column.
    parent: str | None = None
    column: str | None = None
    # Fields of elements: name -> kind (all text in Close's catalogue but `is_unsubscribed`).
    element_fields: dict[str, Kind] = field(default_factory=dict)
    extras: dict[str, Extra] = field(default_factory=dict)
    # Whether a search may return it (the others are only reached through has_related).
    searchable: bool = True

    @property
    def spec(self) -> ResourceSpec:
        if self.spec_path is None:
            raise LookupError(f"{self.name} is not a resource")
        family = resources.get(self.spec_path)
        if self.type_value is not None:
            # The member of the family that stores this type (calls: activity/call), whose
            # declaration has the type's own fields and custom field kind.
            for member in family.members().values():
                if member.discriminator == ("type", self.type_value):
                    return member
        return family

    @property
    def table(self) -> Table:
        return self.spec.table

    def scope(self, ctx: Context, table: FromClause) -> list[ColumnElement[bool]]:
        """The conditions that keep a select of `table` to this type's rows of the caller."""
        # Inline: the per-organization indexes on custom values are partial on it.
        conditions = [organization_is(table.c.organization_id, ctx.organization_id)]
        if self.type_value is not None:
            conditions.append(table.c.type == self.type_value)
        return conditions

    def value(self, ctx: Context, table: FromClause, name: str) -> Value | None:
        """The field `name` of a row of `table`, or None when the type has no such field."""
        if self.parent is not None:
            kind = self.element_fields.get(name)
            if kind is None:
                return None
            return Value(element_value(ctx, table, name, kind), kind, sortable=False)
        extra = self.extras.get(name)
        if extra is not None:
            return extra(ctx, table)
        fields = self.spec.fields
        declared = fields.by_name.get(name) if fields is not None else None
        if declared is None or declared.computed or declared.write_only:
            return None
        column = table.c.get(declared.source)
        kind = _KINDS.get(declared.type.filter_kind)
        if kind is None:
            return None
        if column is None and "payload" in table.c and kind in ("text", "id", "number", "bool"):
            # A field of one activity type kept in the row's `payload` document (a call's
            # direction, a meeting's title): compared there, with no index.
            return Value(payload_value(ctx, table, declared.source, kind), kind)
        if column is None:
            return None
        if self.type_value is not None and "payload" in table.c and kind in ("text", "number"):
            # Activity types share columns: one type keeps `direction` in its column (emails),
            # another in `payload` (calls); whichever holds the value answers.
            return Value(func.coalesce(column, payload_value(ctx, table, declared.source, kind)), kind)
        return Value(column, kind)


# ---- JSON elements ------------------------------------------------------------------------


def elements(ctx: Context, outer: FromClause, column: str) -> FromClause:
    """The elements of a JSON list column of the outer row, as a table with a `value` column."""
    source = outer.c[column]
    if ctx.conn.dialect.name == "postgresql":
        return func.jsonb_array_elements(type_coerce(source, JSONB)).table_valued("value").alias()
    return func.json_each(source).table_valued("value").alias()


def element_value(ctx: Context, table: FromClause, name: str, kind: Kind) -> ColumnElement[Any]:
    value = table.c.value
    if ctx.conn.dialect.name == "postgresql":
        text: ColumnElement[Any] = type_coerce(value, JSONB)[name].astext
        return text if kind == "text" else text == "true"
    extracted = func.json_extract(value, f"$.{name}")
    return extracted if kind == "text" else extracted == 1


def payload_value(ctx: Context, table: FromClause, name: str, kind: Kind) -> ColumnElement[Any]:
    """A key of the row's `payload` JSON as text, a number or a boolean."""
    if ctx.conn.dialect.name == "postgresql":
        text: ColumnElement[Any] = type_coerce(table.c.payload, JSONB)[name].astext
    else:
        text = func.json_extract(table.c.payload, f'$."{name}"')
    if kind == "number":
        return cast(text, Float)
    if kind == "bool":
        return text.in_(("true", "1")) if ctx.conn.dialect.name == "postgresql" else text == 1
    return text


def list_length(ctx: Context, column: ColumnElement[Any]) -> ColumnElement[Any]:
    if ctx.conn.dialect.name == "postgresql":
        return func.coalesce(func.jsonb_array_length(type_coerce(column, JSONB)), 0)
    return func.coalesce(func.json_array_length(column), 0)


# ---- computed fields ----------------------------------------------------------------------


def _same_column(column: str, kind: Kind) -> Extra:
    return lambda ctx, table: Value(table.c[column], kind)


def _count_of(column: str) -> Extra:
    return lambda ctx, table: Value(list_length(ctx, table.c[column]), "number")


def _activity_count(type_name: str, count: bool) -> Extra:
    def value(ctx: Context, table: FromClause) -> Value:
        t = lead_activity_count
        picked = t.c.n if count else t.c.last_at
        inner = (
            select(picked)
            .where(t.c.lead_id == table.c.id, t.c.type == type_name)
            .correlate(table)
            .scalar_subquery()
        )
        if count:
            return Value(func.coalesce(inner, cast(literal(0), Integer)), "number")
        return Value(inner, "datetime")

    return value


def _last_activity(ctx: Context, table: FromClause) -> Value:
    # The latest moment of any of the lead's activities, from the per-type counters.
    t = lead_activity_count
    inner = select(func.max(t.c.last_at)).where(t.c.lead_id == table.c.id).correlate(table).scalar_subquery()
    return Value(inner, "datetime")


def _children_count(spec_path: str) -> Extra:
    """How many rows of a child resource (a lead's contacts) point at the row: one correlated COUNT."""

    def value(ctx: Context, table: FromClause) -> Value:
        child = resources.get(spec_path).table
        inner = (
            select(func.count())
            .select_from(child)
            .where(child.c.organization_id == ctx.organization_id, child.c.lead_id == table.c.id)
            .correlate(table)
            .scalar_subquery()
        )
        return Value(inner, "number")

    return value


def _all_urls_count(ctx: Context, table: FromClause) -> Value:
    """Close's `all_urls_count`: the lead's own URL (when it has one) and its contacts' URLs."""
    contact = resources.get("contact").table
    of_contacts = (
        select(func.coalesce(func.sum(list_length(ctx, contact.c.urls)), 0))
        .where(contact.c.organization_id == ctx.organization_id, contact.c.lead_id == table.c.id)
        .correlate(table)
        .scalar_subquery()
    )
    own = case((func.coalesce(table.c.url, "") != "", 1), else_=0)
    return Value(own + of_contacts, "number")


# The characters of generated ids, in the order `slice_key` numbers them.
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
SLICE_KEY_CHARS = 3
SLICE_KEYS = len(_ID_ALPHABET) ** SLICE_KEY_CHARS


def _slice_key(ctx: Context, table: FromClause) -> Value:
    """A number from 0 to SLICE_KEYS - 1 read from the last characters of the (random) id, so
    ranges of it split the rows evenly: what the query string's `slice:i/n` selects on."""
    position = func.strpos if ctx.conn.dialect.name == "postgresql" else func.instr
    key: ColumnElement[Any] = literal(0)
    for i in range(SLICE_KEY_CHARS, 0, -1):
        char = func.substr(table.c.id, func.length(table.c.id) - i + 1, 1)
        found = position(literal(_ID_ALPHABET), char)
        # A character outside the alphabet (an imported id) counts as the first one.
        key = key * len(_ID_ALPHABET) + case((found > 0, found - 1), else_=0)
    return Value(key, "number", sortable=False)


def _payload(name: str, kind: Kind) -> Extra:
    """A key of an activity type's `payload` its declaration marks computed (a status change's ids)."""
    return lambda ctx, table: Value(payload_value(ctx, table, name, kind), kind)


def _status(column: str, kind: Kind) -> Extra:
    def value(ctx: Context, table: FromClause) -> Value:
        s = opportunity_status
        inner = select(s.c[column]).where(s.c.id == table.c.status_id).correlate(table).scalar_subquery()
        lookup = Lookup(table.c.status_id, s, column, (s.c.organization_id == ctx.organization_id,))
        return Value(inner, kind, sortable=False, lookup=lookup)

    return value


LEAD_EXTRAS: dict[str, Extra] = {
    "display_name": _same_column("name", "text"),
    "addresses_count": _count_of("addresses"),
    "all_urls_count": _all_urls_count,
    "slice_key": _slice_key,
    **{name: _activity_count(t, count) for name, (t, count) in ACTIVITY_COUNTS.items()},
    "last_activity_date": _last_activity,
    "last_lead_status_change_date": _activity_count("LeadStatusChange", False),
    "contacts_count": _children_count("contact"),
    "opportunities_count": _children_count("opportunity"),
    "tasks_count": _children_count("task"),
}
# The old and new status of a status change, kept in the activity's payload.
_STATUS_PARTS: tuple[tuple[str, Kind], ...] = (("id", "id"), ("label", "text"))
STATUS_CHANGE_EXTRAS: dict[str, Extra] = {
    f"{side}_status_{part}": _payload(f"{side}_status_{part}", kind)
    for side in ("old", "new")
    for part, kind in _STATUS_PARTS
}
OPPORTUNITY_STATUS_CHANGE_EXTRAS: dict[str, Extra] = {
    **STATUS_CHANGE_EXTRAS,
    **{f"{side}_status_type": _payload(f"{side}_status_type", "text") for side in ("old", "new")},
}
ACTIVITY_EXTRAS = {
    "lead_status_change": STATUS_CHANGE_EXTRAS,
    "opportunity_status_change": OPPORTUNITY_STATUS_CHANGE_EXTRAS,
}
CONTACT_EXTRAS: dict[str, Extra] = {
    "display_name": _same_column("name", "text"),
    "emails_count": _count_of("emails"),
    "phones_count": _count_of("phones"),
    "urls_count": _count_of("urls"),
}
OPPORTUNITY_EXTRAS: dict[str, Extra] = {
    "status_type": _status("type", "text"),
    "status_label": _status("label", "text"),
}

TEXT_KIND: Kind = "text"
ADDRESS_FIELDS = ("label", "address_1", "address_2", "city", "state", "zipcode", "country")

TARGETS: dict[str, Target] = {
    "lead": Target("lead", "lead", extras=LEAD_EXTRAS),
    "contact": Target("contact", "contact", extras=CONTACT_EXTRAS),
    "opportunity": Target("opportunity", "opportunity", extras=OPPORTUNITY_EXTRAS),
    "task": Target("task", "task"),
    "custom_object": Target("custom_object", "custom_object"),
    # A contact's sequence subscriptions: Close's own script finds the leads in a sequence with
    # `contact(sequence_subscription(sequence:*))`. Reached through a contact only.
    "sequence_subscription": Target("sequence_subscription", "sequence_subscription", searchable=False),
    "contact_email": Target(
        "contact_email",
        parent="contact",
        column="emails",
        element_fields={"email": "text", "type": "text", "is_unsubscribed": "bool"},
    ),
    "contact_phone": Target(
        "contact_phone", parent="contact", column="phones", element_fields={"phone": "text", "type": "text"}
    ),
    "contact_url": Target(
        "contact_url", parent="contact", column="urls", element_fields={"url": "text", "type": "text"}
    ),
    "address": Target(
        "address", parent="lead", column="addresses", element_fields=dict.fromkeys(ADDRESS_FIELDS, TEXT_KIND)
    ),
    **{
        f"activity.{name}": Target(
            f"activity.{name}", "activity", type_value=value, extras=ACTIVITY_EXTRAS.get(name, {})
        )
        for name, value in ACTIVITY_TYPES.items()
    },
}

# Object types a search may return (the others are reached through has_related).
SEARCHABLE = tuple(name for name, t in TARGETS.items() if t.parent is None and t.searchable)


def target(name: str) -> Target | None:
    return TARGETS.get(name)


def always() -> ColumnElement[bool]:
    return true()
