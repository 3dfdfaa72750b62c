"""What one selected object becomes in the file, and how a record is laid out as a CSV row.

`leads` writes each lead as the API shows it (contacts, opportunities, open tasks, custom values;
with `include_activities`, its activities); `contacts` and `lead_opps` write the contacts or the
opportunities of each selected lead, one record each; `opps` writes each opportunity. CSV rows
have a fixed header (a file is streamed, so the columns are known before the first row): the
type's columns, then one `custom.<field name>` column per custom field of the kind, then the
smart fields when asked. Values nested in a record are flattened by the column's rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from leadbase.custom_fields.definitions import load_definitions
from leadbase.db.context import Context

Record = dict[str, Any]
Getter = Callable[[Record], Any]

ADDRESS_PARTS = ("address_1", "address_2", "city", "state", "zipcode", "country")
LEAD_COLUMNS = (
    "id",
    "display_name",
    "name",
    "status_id",
    "status_label",
    "description",
    "url",
    "source",
    "html_url",
    "primary_contact_name",
    "primary_contact_title",
    "primary_contact_primary_email",
    "primary_contact_primary_phone",
    *(f"primary_address_{part}" for part in ADDRESS_PARTS),
    "created_by",
    "created_by_name",
    "updated_by",
    "updated_by_name",
    "date_created",
    "date_updated",
)
CONTACT_COLUMNS = (
    "id",
    "lead_id",
    "lead_name",
    "name",
    "title",
    "display_name",
    "primary_email",
    "primary_phone",
    "emails",
    "phones",
    "urls",
    "created_by",
    "updated_by",
    "date_created",
    "date_updated",
)
OPPORTUNITY_COLUMNS = (
    "id",
    "lead_id",
    "lead_name",
    "status_id",
    "status_label",
    "status_type",
    "pipeline_id",
    "pipeline_name",
    "confidence",
    "value",
    "value_period",
    "value_currency",
    "value_formatted",
    "date_won",
    "note",
    "contact_id",
    "contact_name",
    "user_id",
    "user_name",
    "created_by",
    "created_by_name",
    "updated_by",
    "updated_by_name",
    "date_created",
    "date_updated",
)

# The custom field kind of each type's records, and its base columns.
KINDS = {"leads": "lead", "contacts": "contact", "lead_opps": "opportunity", "opps": "opportunity"}
COLUMNS = {
    "leads": LEAD_COLUMNS,
    "contacts": CONTACT_COLUMNS,
    "lead_opps": OPPORTUNITY_COLUMNS,
    "opps": OPPORTUNITY_COLUMNS,
}
# What a lead's render must load for each lead-selected type (None: everything).
LEAD_SHOWN: dict[str, frozenset[str] | None] = {
    "leads": None,
    "contacts": frozenset({"id", "display_name", "contacts"}),
    "lead_opps": frozenset({"id", "display_name", "opportunities"}),
}


def records(export_type: str, rendered: Iterable[Record]) -> Iterator[Record]:
    """The records of a batch of rendered leads (or opportunities, for `opps`)."""
    for obj in rendered:
        if export_type == "contacts":
            for contact in obj.get("contacts") or ():
                yield {**contact, "lead_name": obj.get("display_name")}
        elif export_type == "lead_opps":
            yield from obj.get("opportunities") or ()
        else:
            yield obj


def project(record: Record, fields: list[str] | None) -> Record:
    """Only the keys `fields` names (`custom` keeps every custom value)."""
    if not fields:
        return record
    wanted = set(fields)
    keep_custom = "custom" in wanted
    return {k: v for k, v in record.items() if k in wanted or (keep_custom and k.startswith("custom."))}


# ---- dates -----------------------------------------------------------------------------------

_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}:\d{2}|Z)")


def date_text(value: str, date_format: str | None) -> str:
    """A datetime as Close's CSV `date_format` writes it; anything else unchanged."""
    found = _MOMENT.fullmatch(value)
    if found is None:
        return value
    day, time, fraction, offset = found.groups()
    offset = "+00:00" if offset == "Z" else offset
    if date_format == "iso8601":
        return f"{day}T{time}{offset}"
    if date_format == "excel":
        moment = datetime.fromisoformat(f"{day}T{time}{offset}").astimezone(UTC)
        return moment.strftime("%Y-%m-%d %I:%M:%S %p")
    return f"{day} {time}{fraction or ''}{offset}"


# ---- CSV columns -----------------------------------------------------------------------------


def _text(value: Any, date_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return date_text(value, date_format)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(_text(v, date_format) for v in value)
    return orjson.dumps(value).decode()


def _joined(key: str, inner: str) -> Getter:
    return lambda r: ", ".join(str(e.get(inner) or "") for e in r.get(key) or () if isinstance(e, dict))


def _inner(key: str, inner: str) -> Getter:
    def get(record: Record) -> Any:
        value = record.get(key)
        return value.get(inner) if isinstance(value, dict) else value

    return get


def _primary_contact(inner: str) -> Getter:
    def get(record: Record) -> Any:
        contacts = record.get("contacts") or []
        if not contacts:
            return None
        value = contacts[0].get(inner)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("email") or value.get("phone")
        return value

    return get


def _primary_address(part: str) -> Getter:
    def get(record: Record) -> Any:
        addresses = record.get("addresses") or []
        return addresses[0].get(part) if addresses else None

    return get


GETTERS: dict[str, Getter] = {
    "primary_contact_name": _primary_contact("name"),
    "primary_contact_title": _primary_contact("title"),
    "primary_contact_primary_email": _primary_contact("emails"),
    "primary_contact_primary_phone": _primary_contact("phones"),
    **{f"primary_address_{part}": _primary_address(part) for part in ADDRESS_PARTS},
    "primary_email": _inner("primary_email", "email"),
    "primary_phone": _inner("primary_phone", "phone"),
    "emails": _joined("emails", "email"),
    "phones": _joined("phones", "phone"),
    "urls": _joined("urls", "url"),
}


@dataclass(frozen=True)
class Column:
    name: str
    get: Getter


def _plain(name: str) -> Getter:
    return lambda r: r.get(name)


def columns(
    ctx: Context, export_type: str, fields: list[str] | None, first: Record | None, declared: frozenset[str]
) -> list[Column]:
    """The header of a CSV export: `fields` when given, else the type's columns, its kind's custom
    fields, and the keys of the first record that nothing declares (the smart fields asked for)."""
    custom = {d.name: d.id for d in load_definitions(ctx, KINDS[export_type])}

    def column(name: str) -> Column:
        if name.startswith("custom.") and name[7:] in custom:
            return Column(name, _plain("custom." + custom[name[7:]]))
        return Column(name, GETTERS.get(name, _plain(name)))

    if fields:
        return [column(name) for name in fields]
    names = list(COLUMNS[export_type])
    names += [f"custom.{name}" for name in custom]
    if first is not None:
        known = set(names) | declared
        names += [k for k in first if k not in known and not k.startswith("custom.") and k != "lead_name"]
    return [column(name) for name in names]


def csv_row(record: Record, header: list[Column], date_format: str | None) -> list[str]:
    return [_text(c.get(record), date_format) for c in header]
