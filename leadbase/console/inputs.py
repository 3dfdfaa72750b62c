"""Custom fields as form inputs, one widget per field type, and form values back to API JSON.

The console converts as little as possible: what the user typed goes to the API, and the API's
field type classes say what is wrong with it, in the same words a client would get.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The HTML input each field type is edited with; a type not listed is a text box.
WIDGETS = {
    "text": "text",
    "hidden": "text",
    "textarea": "textarea",
    "number": "number",
    "date": "date",
    "datetime": "datetime-local",
    "choices": "select",
    "user": "select",
    "contact": "select",
    "custom_object": "select",
}


@dataclass
class Choices:
    """What the pickers offer: the organization's users, the lead's contacts and custom objects."""

    users: list[tuple[str, str]] = field(default_factory=list)
    contacts: list[tuple[str, str]] = field(default_factory=list)
    # custom object type id -> [(id, name)]
    objects: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class Input:
    name: str
    label: str
    widget: str
    type: str
    multiple: bool
    required: bool
    description: str
    options: list[tuple[str, str]]
    values: list[str]
    error: str = ""

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""


def _as_strings(value: Any, widget: str) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = [str(v) for v in items if v is not None]
    if widget == "datetime-local":
        # 2026-12-01T10:00:00+00:00 -> 2026-12-01T10:00, what the browser's picker shows.
        out = [v[:16] for v in out]
    return out


def inputs(
    fields: list[dict[str, Any]],
    current: dict[str, Any],
    choices: Choices,
    errors: dict[str, str] | None = None,
) -> list[Input]:
    """An input per field, filled from `current` (an object's API representation or the last form)."""
    out = []
    errors = errors or {}
    for f in fields:
        kind = str(f.get("type") or "text")
        widget = WIDGETS.get(kind, "text")
        name = f"custom.{f['id']}"
        options: list[tuple[str, str]] = []
        if kind == "choices":
            options = [(str(c), str(c)) for c in f.get("choices") or []]
        elif kind == "user":
            options = choices.users
        elif kind == "contact":
            options = choices.contacts
        elif kind == "custom_object":
            options = choices.objects.get(str(f.get("referenced_custom_type_id") or ""), [])
        out.append(
            Input(
                name=name,
                label=str(f.get("name") or f["id"]),
                widget=widget,
                type=kind,
                multiple=bool(f.get("accepts_multiple_values")),
                required=bool(f.get("required")),
                description=str(f.get("description") or ""),
                options=options,
                values=_as_strings(current.get(name), widget),
                error=errors.get(name, ""),
            )
        )
    return out


def number(text: str) -> Any:
    """A typed number as JSON's (int or float); anything else as typed, for the API to refuse."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            # Not a number: the API says so in its own words.
            return text


def form_values(fields: list[dict[str, Any]], getlist: Any) -> dict[str, Any]:
    """`custom.cf_...` -> the JSON value to send; an emptied input clears the field (null)."""
    out: dict[str, Any] = {}
    for f in fields:
        name = f"custom.{f['id']}"
        raw = [v.strip() for v in getlist(name) if isinstance(v, str) and v.strip()]
        if f.get("type") == "number":
            raw_values: list[Any] = [number(v) for v in raw]
        else:
            raw_values = list(raw)
        if f.get("accepts_multiple_values"):
            out[name] = raw_values or None
        else:
            out[name] = raw_values[0] if raw_values else None
    return out
