"""Helpers for the custom data model tests: make fields, types and objects in a few words."""

from __future__ import annotations

from typing import Any

from tests.support import Api

Obj = dict[str, Any]


def field(api: Api, kind: str, name: str, type: str = "text", **extra: Any) -> Obj:
    """Create a custom field of `kind` (lead, contact, opportunity, activity, custom_object_type, shared)."""
    expected = 201 if kind == "custom_object_type" else 200
    created: Obj = api.ok(
        "POST", f"custom_field/{kind}/", expected, json={"name": name, "type": type, **extra}
    )
    return created


def object_type(api: Api, name: str = "Subscription", **extra: Any) -> Obj:
    created: Obj = api.ok(
        "POST", "custom_object_type/", 201, json={"name": name, "name_plural": name + "s", **extra}
    )
    return created


def activity_type(api: Api, name: str = "Site Visit", **extra: Any) -> Obj:
    created: Obj = api.ok("POST", "custom_activity/", 201, json={"name": name, **extra})
    return created


def lead(api: Api, name: str = "Acme", **extra: Any) -> Obj:
    created: Obj = api.ok("POST", "lead/", json={"name": name, **extra})
    return created


def contact(api: Api, lead_id: str, name: str = "Ann") -> Obj:
    created: Obj = api.ok("POST", "contact/", json={"lead_id": lead_id, "name": name})
    return created


def custom_object(api: Api, type_id: str, lead_id: str, name: str = "Pro plan", **values: Any) -> Obj:
    body = {"custom_object_type_id": type_id, "lead_id": lead_id, "name": name, **values}
    created: Obj = api.ok("POST", "custom_object/", 201, json=body)
    return created


def key(field_obj: Obj) -> str:
    """The `custom.<id>` key of a field."""
    return f"custom.{field_obj['id']}"


def events_of(api: Api, object_id: str) -> list[Obj]:
    """The events about one object, oldest first."""
    return list(reversed(api.events(object_id=object_id)))
