"""Write a fixture document into an organization through Close's API (seed, import).

Configuration first (statuses, pipelines, custom object types, custom fields), matched by
name so that what the organization already has (a new one's default statuses and pipeline) is
reused, not doubled; then the leads, each with its contacts, opportunities, custom objects,
notes and tasks. References by name are resolved here and refused with a message naming the
lead and the name when they match nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from leadbase.transfer.client import CloseApi
from leadbase.transfer.document import FIELD_KINDS, Document, DocumentError

FIELD_BODY_KEYS = ("name", "type", "description", "choices", "accepts_multiple_values")
# Adds users (by email, with first_name/last_name) as members of the organization being written.
# Close's API cannot make members, so whoever runs the writer with access to the organization
# supplies this (`leadbase seed` and `import`: the database; the pytest plugin: the admin API).
K = TypeVar("K")
AddMembers = Callable[[list[dict[str, Any]]], object]


class Target:
    """Name-to-id maps of the organization being written, filled as configuration is written."""

    def __init__(self, api: CloseApi, add_members: AddMembers | None = None) -> None:
        self.api = api
        self.add_members = add_members
        self.lead_status: dict[str, str] = {s["label"]: s["id"] for s in api.pages("status/lead/")}
        self.pipeline: dict[str, str] = {}
        self.opportunity_status: dict[tuple[str, str], str] = {}
        for pipeline in api.pages("pipeline/"):
            self.pipeline[pipeline["name"]] = pipeline["id"]
            for status in pipeline.get("statuses") or []:
                self.opportunity_status[(pipeline["name"], status["label"])] = status["id"]
        self.object_type = {t["name"]: t["id"] for t in api.pages("custom_object_type/")}
        self.user: dict[str, str] = {u.get("email", ""): u["id"] for u in api.pages("user/")}
        # Field names per object kind (lead, contact, opportunity, a custom object type's id).
        self.fields: dict[str, dict[str, dict[str, Any]]] = {}
        for kind in FIELD_KINDS:
            self.fields[kind] = {f["name"]: f for f in api.pages(f"custom_field/{kind}/")}
        for raw in api.pages("custom_field/custom_object_type/"):
            self.fields.setdefault(raw["custom_object_type_id"], {})[raw["name"]] = raw
        self.activity_type = {t["name"]: t["id"] for t in api.pages("custom_activity/")}
        for raw in api.pages("custom_field/activity/"):
            self.fields.setdefault(raw["custom_activity_type_id"], {})[raw["name"]] = raw
        self.shared = {raw["name"]: raw for raw in api.pages("custom_field/shared/")}
        for raw in self.shared.values():
            for association in raw.get("associations") or []:
                self.fields.setdefault(association.get("object_type", ""), {})[raw["name"]] = raw

    # -- configuration ------------------------------------------------------------------------

    def lead_statuses(self, labels: Iterable[str]) -> None:
        for label in labels:
            if label not in self.lead_status:
                self.lead_status[label] = self.api.post("status/lead/", {"label": label})["id"]

    def pipelines(self, pipelines: Iterable[dict[str, Any]]) -> None:
        for pipeline in pipelines:
            name = pipeline["name"]
            if name not in self.pipeline:
                self.pipeline[name] = self.api.post("pipeline/", {"name": name})["id"]
            for status in pipeline.get("statuses") or []:
                if (name, status["label"]) in self.opportunity_status:
                    continue
                made = self.api.post(
                    "status/opportunity/",
                    {
                        "label": status["label"],
                        "status_type": status.get("type", "active"),
                        "pipeline_id": self.pipeline[name],
                    },
                )
                self.opportunity_status[(name, status["label"])] = made["id"]

    def _field_body(self, field: dict[str, Any]) -> dict[str, Any]:
        body = {key: field[key] for key in FIELD_BODY_KEYS if key in field}
        if field.get("referenced_type"):
            body["referenced_custom_type_id"] = self._type_id(field["referenced_type"], field["name"])
        return body

    def _type_id(self, name: str, where: str) -> str:
        try:
            return str(self.object_type[name])
        except KeyError:
            raise DocumentError(f"{where}: no custom object type named {name!r}") from None

    def custom_object_types(self, types: Iterable[dict[str, Any]]) -> None:
        types = list(types)
        for kind in types:
            if kind["name"] not in self.object_type:
                body: dict[str, Any] = {
                    k: kind[k] for k in ("name", "name_plural", "description") if k in kind
                }
                body.setdefault("name_plural", kind["name"] + "s")
                self.object_type[kind["name"]] = self.api.post("custom_object_type/", body)["id"]
        # Fields after every type exists: a custom_object field may point at any of them.
        for kind in types:
            type_id = self.object_type[kind["name"]]
            own = self.fields.setdefault(type_id, {})
            for field in kind.get("fields") or []:
                if field["name"] not in own:
                    body = {**self._field_body(field), "custom_object_type_id": type_id}
                    own[field["name"]] = self.api.post("custom_field/custom_object_type/", body)

    def custom_fields(self, by_kind: dict[str, list[dict[str, Any]]]) -> None:
        for kind, fields in by_kind.items():
            if kind not in FIELD_KINDS:
                raise DocumentError(f"custom_fields: unknown kind {kind!r}; use {', '.join(FIELD_KINDS)}")
            for field in fields or []:
                if field["name"] not in self.fields[kind]:
                    made = self.api.post(f"custom_field/{kind}/", self._field_body(field))
                    self.fields[kind][field["name"]] = made

    def shared_custom_fields(self, fields: Iterable[dict[str, Any]]) -> None:
        for field in fields:
            placed = [
                k for k in field.get("associations") or [] if field["name"] not in self.fields.get(k, {})
            ]
            if not placed:
                continue
            made = self.shared.get(field["name"])
            if made is None:
                made = self.shared[field["name"]] = self.api.post(
                    "custom_field/shared/", self._field_body(field)
                )
            for kind in placed:
                self.api.post(f"custom_field/shared/{made['id']}/association/", {"object_type": kind})
                self.fields[kind][field["name"]] = made

    def users(self, users: Iterable[dict[str, Any]]) -> None:
        missing = [u for u in users if str(u.get("email", "")).strip().lower() not in self.user]
        if not missing:
            return
        if self.add_members is None:
            emails = ", ".join(str(u.get("email")) for u in missing)
            raise DocumentError(
                f"users: {emails} not member(s) of the organization, and none can be added here"
            )
        self.add_members(missing)
        self.user = {u.get("email", ""): u["id"] for u in self.api.pages("user/")}

    def custom_activity_types(self, types: Iterable[dict[str, Any]]) -> None:
        for kind in types:
            if kind["name"] not in self.activity_type:
                body: dict[str, Any] = {k: kind[k] for k in ("name", "description") if k in kind}
                self.activity_type[kind["name"]] = self.api.post("custom_activity/", body)["id"]
            type_id = self.activity_type[kind["name"]]
            own = self.fields.setdefault(type_id, {})
            for field in kind.get("fields") or []:
                if field["name"] not in own:
                    field_body = {**self._field_body(field), "custom_activity_type_id": type_id}
                    own[field["name"]] = self.api.post("custom_field/activity/", field_body)

    def configure(self, document: Document) -> None:
        self.users(document.get("users") or [])
        self.lead_statuses(document.get("lead_statuses") or [])
        self.pipelines(document.get("pipelines") or [])
        self.custom_object_types(document.get("custom_object_types") or [])
        self.custom_fields(document.get("custom_fields") or {})
        self.shared_custom_fields(document.get("shared_custom_fields") or [])
        self.custom_activity_types(document.get("custom_activity_types") or [])

    # -- data ---------------------------------------------------------------------------------

    def custom(self, kind: str, values: dict[str, Any] | None, where: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        fields = self.fields.get(kind, {})
        for name, value in (values or {}).items():
            field = fields.get(name)
            if field is None:
                raise DocumentError(f"{where}: no custom field named {name!r}")
            if field["type"] == "user":
                ids = [self.user.get(v, v) for v in (value if isinstance(value, list) else [value])]
                value = ids if isinstance(value, list) else ids[0]
            out[f"custom.{field['id']}"] = value
        return out

    def lead(self, lead: dict[str, Any]) -> str:
        where = f"lead {lead.get('name')!r}"
        body: dict[str, Any] = {k: lead[k] for k in ("name", "description", "url", "addresses") if k in lead}
        if lead.get("status"):
            if lead["status"] not in self.lead_status:
                raise DocumentError(f"{where}: no lead status {lead['status']!r}")
            body["status_id"] = self.lead_status[lead["status"]]
        body.update(self.custom("lead", lead.get("custom"), where))
        body["contacts"] = [
            {
                **{k: c[k] for k in ("name", "title", "emails", "phones", "urls") if c.get(k)},
                **self.custom("contact", c.get("custom"), f"{where}, contact {c.get('name')!r}"),
            }
            for c in lead.get("contacts") or []
        ]
        lead_id: str = self.api.post("lead/", body)["id"]
        for opportunity in lead.get("opportunities") or []:
            made = self.api.post("opportunity/", self._opportunity(lead_id, opportunity, where))
            for change in opportunity.get("status_changes") or []:
                sides = _status_sides(change, self.opportunity_status, _opportunity_status_key)
                body = {"opportunity_id": made["id"], "lead_id": lead_id, **sides}
                self.api.post("activity/status_change/opportunity/", body)
        for obj in lead.get("custom_objects") or []:
            type_id = self._type_id(obj.get("type", ""), where)
            body = {"lead_id": lead_id, "custom_object_type_id": type_id, "name": obj.get("name")}
            body.update(
                self.custom(type_id, obj.get("custom"), f"{where}, {obj.get('type')} {obj.get('name')!r}")
            )
            self.api.post("custom_object/", body)
        for note in lead.get("notes") or []:
            self.api.post("activity/note/", {"lead_id": lead_id, "note": note.get("note", "")})
        for call in lead.get("calls") or []:
            self.api.post("activity/call/", {"lead_id": lead_id, **call})
        self._activities(lead_id, lead, where)
        for task in lead.get("tasks") or []:
            self.api.post("task/", {"lead_id": lead_id, **task})
        return lead_id

    def _activities(self, lead_id: str, lead: dict[str, Any], where: str) -> None:
        """Emails, SMS, custom activities and lead status changes, in the file's order."""
        for email in lead.get("emails") or []:
            self.api.post("activity/email/", {"lead_id": lead_id, **email})
        for sms in lead.get("sms") or []:
            self.api.post("activity/sms/", {"lead_id": lead_id, **sms})
        for activity in lead.get("custom_activities") or []:
            name = activity.get("type", "")
            type_id = self.activity_type.get(name)
            if type_id is None:
                raise DocumentError(f"{where}: no custom activity type named {name!r}")
            body = {"lead_id": lead_id, "custom_activity_type_id": type_id}
            body |= self.custom(type_id, activity.get("custom"), f"{where}, {name} activity")
            self.api.post("activity/custom/", body)
        for change in lead.get("status_changes") or []:
            sides = _status_sides(change, self.lead_status, _lead_status_key)
            self.api.post("activity/status_change/lead/", {"lead_id": lead_id, **sides})

    def _opportunity(self, lead_id: str, opportunity: dict[str, Any], where: str) -> dict[str, Any]:
        body = {
            k: v
            for k, v in opportunity.items()
            if k not in ("status", "pipeline", "custom", "status_changes")
        }
        body["lead_id"] = lead_id
        label = opportunity.get("status")
        if label:
            pipeline = opportunity.get("pipeline") or next(
                (p for p, s in self.opportunity_status if s == label), ""
            )
            status_id = self.opportunity_status.get((pipeline, label))
            if status_id is None:
                raise DocumentError(f"{where}: no opportunity status {label!r} in pipeline {pipeline!r}")
            body["status_id"] = status_id
        body.update(self.custom("opportunity", opportunity.get("custom"), where))
        return body


def _lead_status_key(change: dict[str, Any], side: str) -> str:
    return str(change.get(f"{side}_status") or "")


def _opportunity_status_key(change: dict[str, Any], side: str) -> tuple[str, str]:
    return str(change.get(f"{side}_pipeline") or ""), str(change.get(f"{side}_status") or "")


def _status_sides(
    change: dict[str, Any], status_ids: Mapping[K, str], key: Callable[[dict[str, Any], str], K]
) -> dict[str, Any]:
    """A status change's old and new status: the id where the status is configured here, else
    the label it had (as Close keeps the label of a status since deleted)."""
    body: dict[str, Any] = {}
    for side in ("old", "new"):
        status_id = status_ids.get(key(change, side))
        body |= (
            {f"{side}_status_id": status_id}
            if status_id
            else {f"{side}_status_label": change.get(f"{side}_status")}
        )
    return body


def write_organization(
    api: CloseApi,
    document: Document,
    each: Callable[[], None] | None = None,
    skip: int = 0,
    add_members: AddMembers | None = None,
) -> list[str]:
    """Write `document` (its leads from the `skip`-th on); the ids of the leads written, in order."""
    target = Target(api, add_members)
    target.configure(document)
    written: list[str] = []
    for lead in (document.get("leads") or [])[skip:]:
        written.append(target.lead(lead))
        if each is not None:
            each()
    return written
