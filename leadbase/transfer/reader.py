"""Read an organization through Close's API into a fixture document (export-org, import)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from leadbase.transfer.client import CloseApi
from leadbase.transfer.document import FIELD_KINDS, Document

FIELD_KEYS = ("name", "type", "description", "choices", "accepts_multiple_values")
# Values of these types point at other objects by id; they are not carried (see compatibility.md).
REFERENCE_TYPES = frozenset({"contact", "custom_object"})
LEAD_KEYS = ("name", "description", "url")
CONTACT_KEYS = ("name", "title")
OPPORTUNITY_KEYS = ("value", "value_period", "value_currency", "confidence", "note")
TASK_KEYS = ("text", "date", "is_complete")
CALL_KEYS = ("direction", "status", "duration", "phone", "disposition", "note")
EMAIL_KEYS = ("direction", "status", "sender", "to", "cc", "bcc", "subject", "body_text", "body_html")
SMS_KEYS = ("direction", "status", "local_phone", "remote_phone", "text")


class Names:
    """Id-to-name maps of an organization's configuration, for references and custom values."""

    def __init__(self) -> None:
        self.lead_status: dict[str, str] = {}
        self.opportunity_status: dict[str, tuple[str, str]] = {}
        self.object_type: dict[str, str] = {}
        self.activity_type: dict[str, str] = {}
        self.fields: dict[str, dict[str, Any]] = {}
        self.user_email: dict[str, str] = {}


def _field(raw: dict[str, Any], names: Names) -> dict[str, Any]:
    out = {key: raw[key] for key in FIELD_KEYS if raw.get(key) not in (None, "", [])}
    out["accepts_multiple_values"] = bool(raw.get("accepts_multiple_values"))
    reference = raw.get("referenced_custom_type_id")
    if reference:
        out["referenced_type"] = names.object_type.get(reference, reference)
    return out


def custom_values(obj: dict[str, Any], names: Names) -> dict[str, Any]:
    """`custom.cf_...` keys as {field name: value}; user ids as emails; references left out."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if not key.startswith("custom.") or value in (None, [], ""):
            continue
        field = names.fields.get(key.removeprefix("custom."))
        if field is None or field["type"] in REFERENCE_TYPES:
            continue
        if field["type"] == "user":
            emails = [names.user_email.get(v, v) for v in (value if isinstance(value, list) else [value])]
            value = emails if isinstance(value, list) else emails[0]
        out[field["name"]] = value
    return dict(sorted(out.items()))


def _kept(obj: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: obj[key] for key in keys if obj.get(key) not in (None, "", [])}


def _contact_points(items: list[dict[str, Any]] | None, key: str) -> list[dict[str, Any]]:
    return [{key: item[key], "type": item.get("type") or "office"} for item in items or [] if item.get(key)]


def read_configuration(api: CloseApi) -> tuple[Document, Names]:
    names = Names()
    document: Document = {}
    users = []
    for user in api.pages("user/"):
        names.user_email[user["id"]] = user.get("email") or user["id"]
        if user.get("email"):
            users.append(_kept(user, ("email", "first_name", "last_name")))
    document["users"] = sorted(users, key=lambda u: str(u["email"]))
    statuses = list(api.pages("status/lead/"))
    names.lead_status = {s["id"]: s["label"] for s in statuses}
    document["lead_statuses"] = [s["label"] for s in statuses]
    pipelines = []
    for pipeline in api.pages("pipeline/"):
        own = [
            {"label": s["label"], "type": s.get("status_type") or s.get("type") or "active"}
            for s in pipeline.get("statuses") or []
        ]
        for status in pipeline.get("statuses") or []:
            names.opportunity_status[status["id"]] = (status["label"], pipeline["name"])
        pipelines.append({"name": pipeline["name"], "statuses": own})
    document["pipelines"] = pipelines
    types = list(api.pages("custom_object_type/"))
    names.object_type = {t["id"]: t["name"] for t in types}
    type_fields: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for raw in api.pages("custom_field/custom_object_type/"):
        names.fields[raw["id"]] = raw
        type_fields[raw.get("custom_object_type_id") or ""].append(_field(raw, names))
    document["custom_object_types"] = [
        {
            **_kept(t, ("name", "name_plural", "description")),
            "fields": type_fields.get(t["id"], []),
        }
        for t in types
    ]
    document["custom_activity_types"] = _custom_activity_types(api, names)
    kinds: dict[str, list[dict[str, Any]]] = {}
    for kind in FIELD_KINDS:
        own_fields = []
        for raw in api.pages(f"custom_field/{kind}/"):
            names.fields[raw["id"]] = raw
            if not raw.get("is_shared"):
                own_fields.append(_field(raw, names))
        kinds[kind] = own_fields
    document["custom_fields"] = kinds
    shared = []
    for raw in api.pages("custom_field/shared/"):
        names.fields[raw["id"]] = raw
        placed = sorted({a.get("object_type") for a in raw.get("associations") or [] if a.get("object_type")})
        shared.append({**_field(raw, names), "associations": placed})
    document["shared_custom_fields"] = shared
    return document, names


def _custom_activity_types(api: CloseApi, names: Names) -> list[dict[str, Any]]:
    types = list(api.pages("custom_activity/"))
    names.activity_type = {t["id"]: t["name"] for t in types}
    fields: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for raw in api.pages("custom_field/activity/"):
        names.fields[raw["id"]] = raw
        fields[raw.get("custom_activity_type_id") or ""].append(_field(raw, names))
    return [{**_kept(t, ("name", "description")), "fields": fields.get(t["id"], [])} for t in types]


def _by_lead(
    api: CloseApi, path: str, key: str = "lead_id", **params: Any
) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for obj in api.pages(path, **params):
        grouped[obj.get(key) or ""].append(obj)
    return grouped


def read_leads(
    api: CloseApi, names: Names, *, skip: int = 0, each: Callable[[], None] | None = None
) -> Iterator[dict[str, Any]]:
    """The leads in creation order from the `skip`-th on, each with what hangs on it."""
    related = Related(
        opportunities=_by_lead(api, "opportunity/", _order_by="date_created"),
        notes=_by_lead(api, "activity/note/"),
        calls=_by_lead(api, "activity/call/"),
        tasks=_by_lead(api, "task/", _order_by="date_created"),
        emails=_by_lead(api, "activity/email/"),
        sms=_by_lead(api, "activity/sms/"),
        custom_activities=_by_lead(api, "activity/custom/"),
        lead_status_changes=_by_lead(api, "activity/status_change/lead/"),
        opportunity_status_changes=_by_lead(api, "activity/status_change/opportunity/", "opportunity_id"),
    )
    for lead in api.pages("lead/", skip=skip, _order_by="date_created"):
        yield read_lead(api, names, lead, related)
        if each is not None:
            each()


@dataclass
class Related:
    """What hangs on leads, listed once for the whole organization and grouped by lead: one
    paged listing per kind instead of one request per lead. Activity lists come newest first."""

    opportunities: dict[str, list[dict[str, Any]]]
    notes: dict[str, list[dict[str, Any]]]
    calls: dict[str, list[dict[str, Any]]]
    tasks: dict[str, list[dict[str, Any]]]
    emails: dict[str, list[dict[str, Any]]]
    sms: dict[str, list[dict[str, Any]]]
    custom_activities: dict[str, list[dict[str, Any]]]
    lead_status_changes: dict[str, list[dict[str, Any]]]
    opportunity_status_changes: dict[str, list[dict[str, Any]]]  # by opportunity


def read_lead(api: CloseApi, names: Names, lead: dict[str, Any], related: Related) -> dict[str, Any]:
    out = _kept(lead, LEAD_KEYS)
    status = names.lead_status.get(lead.get("status_id") or "")
    if status:
        out["status"] = status
    if lead.get("addresses"):
        out["addresses"] = [{k: v for k, v in a.items() if v not in (None, "")} for a in lead["addresses"]]
    out["custom"] = custom_values(lead, names)
    out["contacts"] = [
        {
            **_kept(contact, CONTACT_KEYS),
            "emails": _contact_points(contact.get("emails"), "email"),
            "phones": _contact_points(contact.get("phones"), "phone"),
            "urls": _contact_points(contact.get("urls"), "url"),
            "custom": custom_values(contact, names),
        }
        for contact in lead.get("contacts") or []
    ]
    out["opportunities"] = []
    for opportunity in related.opportunities.get(lead["id"], []):
        label, pipeline = names.opportunity_status.get(opportunity.get("status_id") or "", ("", ""))
        out["opportunities"].append(
            {
                "status": label,
                "pipeline": pipeline,
                **_kept(opportunity, OPPORTUNITY_KEYS),
                "custom": custom_values(opportunity, names),
                "status_changes": [
                    _opportunity_status_change(change, names)
                    for change in reversed(related.opportunity_status_changes.get(opportunity["id"], []))
                ],
            }
        )
    out["custom_objects"] = [
        {
            "type": names.object_type.get(obj.get("custom_object_type_id") or "", ""),
            "name": obj.get("name"),
            "custom": custom_values(obj, names),
        }
        for obj in api.pages("custom_object/", lead_id=lead["id"])
    ]
    out["notes"] = [{"note": n.get("note")} for n in reversed(related.notes.get(lead["id"], []))]
    out["calls"] = [_kept(c, CALL_KEYS) for c in reversed(related.calls.get(lead["id"], []))]
    out["emails"] = [_kept(e, EMAIL_KEYS) for e in reversed(related.emails.get(lead["id"], []))]
    out["sms"] = [_kept(m, SMS_KEYS) for m in reversed(related.sms.get(lead["id"], []))]
    out["custom_activities"] = [
        {
            "type": names.activity_type.get(a.get("custom_activity_type_id") or "", ""),
            "custom": custom_values(a, names),
        }
        for a in reversed(related.custom_activities.get(lead["id"], []))
    ]
    out["status_changes"] = [
        {
            "old_status": names.lead_status.get(c.get("old_status_id") or "", c.get("old_status_label")),
            "new_status": names.lead_status.get(c.get("new_status_id") or "", c.get("new_status_label")),
        }
        for c in reversed(related.lead_status_changes.get(lead["id"], []))
    ]
    out["tasks"] = [
        _kept(t, TASK_KEYS) | {"is_complete": bool(t.get("is_complete"))}
        for t in related.tasks.get(lead["id"], [])
    ]
    return out


def _opportunity_status_change(change: dict[str, Any], names: Names) -> dict[str, Any]:
    """Labels and pipelines by name; a status no longer configured keeps the label it had."""
    out: dict[str, Any] = {}
    for side in ("old", "new"):
        label, pipeline = names.opportunity_status.get(
            change.get(f"{side}_status_id") or "", (change.get(f"{side}_status_label"), None)
        )
        out[f"{side}_status"] = label
        out[f"{side}_pipeline"] = pipeline or change.get(f"{side}_pipeline_name")
    return out


def read_organization(api: CloseApi, each: Callable[[], None] | None = None) -> Document:
    document, names = read_configuration(api)
    document["leads"] = list(read_leads(api, names, each=each))
    return document
