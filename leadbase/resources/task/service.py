"""Tasks: what someone has to do about a lead, by a date, and whether it is done.

The API creates `lead` tasks (and `outgoing_call` tasks, which Close also accepts); every
other type is made by leadbase itself as activities arrive (an incoming email, a missed call),
with a `noti_` id, through `new_system_task`. All types are listed, read, updated, completed
and deleted alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadbase.core.clock import iso
from leadbase.core.dates import parse_datetime
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.core.ids import new_id
from leadbase.custom_fields.lookups import DatabaseLookups
from leadbase.db.filters import Filter, Term, all_of
from leadbase.db.permissions import DELETE_OWN_TASKS, MANAGE_OTHERS_TASKS, require_for_object
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.resource import resources
from leadbase.db.service import Service
from leadbase.resources.common import record_activity, user_names
from leadbase.resources.task.dates import Due, date_filter, inbox_ends, view_filter, view_of

# Close's task types: the first two may be created through the API.
API_TYPES = ("lead", "outgoing_call")
SYSTEM_TYPES = (
    "incoming_email",
    "email_followup",
    "missed_call",
    "answered_detached_call",
    "voicemail",
    "opportunity_due",
    "incoming_sms",
)
TYPES = API_TYPES + SYSTEM_TYPES
SYSTEM_ID_PREFIX = "noti"
PRIORITIES = ("high", "medium")
RESOLUTIONS = ("abandoned", "skipped")
VIEWS = ("inbox", "future", "archive")
DATE_OPERATORS = ("eq", "lt", "lte", "gt", "gte")
# What a bulk update (PUT /task/ with filters) may change, as Close documents it.
BULK_FIELDS = ("assigned_to", "date", "is_complete")


def lead_missing() -> Invalid:
    return Invalid.field("lead", "Object does not exist.")


class TaskService(Service):
    # The lead deleted between this request's check and its write.
    violations = {"fk_task_lead_id_lead": lead_missing}

    def authorize(self, action: str, row: Row | None) -> None:
        # A task belongs to its assignee: another's needs manage_others_tasks, deleting one's own
        # delete_own_tasks (db/permissions.py).
        if row is not None:
            require_for_object(
                self.ctx, row["assigned_to"], action, own=DELETE_OWN_TASKS, others=MANAGE_OTHERS_TASKS
            )

    # ---- reading -------------------------------------------------------------------------

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        names = user_names(
            self.ctx, [r[k] for r in rows for k in ("assigned_to", "created_by", "updated_by")]
        )
        leads = self._names("lead", [r["lead_id"] for r in rows])
        contacts = self._names("contact", [r["contact_id"] for r in rows])
        ends = inbox_ends(self.ctx.tz_offset)
        out = []
        for r in rows:
            date = Due(r["due_at"], r["date_only"]).render()
            # A contact deleted since it was chosen is no longer the task's contact.
            contact_id = r["contact_id"] if r["contact_id"] in contacts else None
            out.append(
                {
                    "id": r["id"],
                    "_type": r["type"],
                    "lead_id": r["lead_id"],
                    "lead_name": leads.get(r["lead_id"]) if r["lead_id"] else None,
                    "contact_id": contact_id,
                    "contact_name": contacts.get(contact_id) if contact_id else None,
                    "assigned_to": r["assigned_to"],
                    "assigned_to_name": names.get(r["assigned_to"]) if r["assigned_to"] else None,
                    "text": r["text"],
                    "date": date,
                    "due_date": date,
                    "is_dateless": r["is_dateless"],
                    "is_complete": r["is_complete"],
                    "view": view_of(r, ends),
                    "priority": r["priority"],
                    "resolution": r["resolution"],
                    "object_type": r["object_type"],
                    "object_id": r["object_id"],
                    **(r["payload"] or {}),
                    "organization_id": r["organization_id"],
                    "created_by": r["created_by"],
                    "created_by_name": names.get(r["created_by"]) if r["created_by"] else None,
                    "updated_by": r["updated_by"],
                    "updated_by_name": names.get(r["updated_by"]) if r["updated_by"] else None,
                    "date_created": iso(r["date_created"]),
                    "date_updated": iso(r["date_updated"]),
                }
            )
        return out

    def _names(self, relation: str, ids: list[str | None]) -> dict[str, str | None]:
        """Names of the page's leads or contacts: one query for the page."""
        wanted = [i for i in ids if i]
        if not wanted:
            return {}
        spec = self.spec.parent("lead_id") if relation == "lead" else self.spec.parent("contact_id")
        return {i: row["name"] for i, row in self.repo.find_many(spec, wanted).items()}

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        offset = self.ctx.tz_offset
        terms: list[Filter] = []
        types = _listed(params, "_type")
        if not types:
            types = ["lead"]
        if "all" not in types:
            unknown = [t for t in types if t not in TYPES]
            if unknown:
                raise Invalid({"_type": f"Not a valid task type: {unknown[0]!r}."})
            terms.append(Term("type", "in", types))
        view = params.get("view")
        if view:
            if view not in VIEWS:
                raise Invalid({"view": "Not a valid choice: use inbox, future or archive."})
            terms.append(view_filter(view, offset))  # type: ignore[arg-type]
        for base in ("date", "due_date"):
            for operator in DATE_OPERATORS:
                key = base if operator == "eq" else f"{base}__{operator}"
                raw = params.get(key)
                if not raw:
                    continue
                if view in ("inbox", "future") and operator in ("lt", "gte"):
                    # Close: the inbox and future views override date__lt and date__gte.
                    continue
                try:
                    terms.append(date_filter(operator, raw, offset))
                except ValueError as exc:
                    raise Invalid(
                        {key: "Not a valid date or datetime (use YYYY-MM-DD or ISO 8601)."}
                    ) from exc
        return all_of(terms)

    # ---- writing -------------------------------------------------------------------------

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        kind = body.get("_type", "lead")
        if kind in SYSTEM_TYPES:
            errors.add("_type", f"Tasks of type {kind!r} are made by the system; the API creates lead tasks.")
        elif kind not in API_TYPES:
            errors.add("_type", "Not a valid choice: use lead or outgoing_call.")
        lead_id = body.get("lead_id")
        if lead_id is None:
            errors.add("lead", "This field is required.")
        elif not isinstance(lead_id, str) or self.repo.find(self.spec.parent("lead_id"), lead_id) is None:
            errors.add("lead", "Object does not exist.")
            lead_id = None
        values: Row = {"type": kind, "lead_id": lead_id}
        text = body.get("text")
        if text is None and kind == "lead":
            errors.add("text", "This field is required.")
        values["text"] = self._text(body, errors) if "text" in body else None
        values["contact_id"] = self._contact(body, lead_id, errors)
        if kind == "outgoing_call" and values["contact_id"] is None and "contact" not in errors.errors:
            errors.add("contact", "This field is required.")
        values["assigned_to"] = (
            self._assignee(body, errors) if "assigned_to" in body else self.ctx.actor.user_id
        )
        values.update(self._due(body, errors, creating=True))
        values["is_complete"] = self._bool(body, "is_complete", errors, default=False)
        values["priority"] = self._choice(body, "priority", PRIORITIES, errors)
        values["resolution"] = self._choice(body, "resolution", RESOLUTIONS, errors)
        values.update(object_type=None, object_id=None, payload={})
        values.update(self._imported(body, errors))
        errors.raise_if_any()
        return values

    def _imported(self, body: dict[str, Any], errors: FieldErrors) -> Row:
        """`date_created` and `created_by`, which Close accepts on create for imports."""
        values: Row = {}
        if body.get("date_created") is not None:
            value = body["date_created"]
            try:
                if not isinstance(value, str):
                    raise ValueError(value)
                values["date_created"] = parse_datetime(value, self.ctx.tz_offset, naive_in_offset=True)
            except ValueError:
                errors.add("date_created", "Not a valid datetime.")
        if body.get("created_by") is not None:
            author = self._assignee({"assigned_to": body["created_by"]}, FieldErrors())
            if author is None:
                errors.add("created_by", "Not a user of this organization.")
            else:
                values["created_by"] = values["updated_by"] = author
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values: Row = {}
        if "lead_id" in body and body["lead_id"] != row["lead_id"]:
            errors.add("lead", "This cannot be changed.")
        if "_type" in body and body["_type"] != row["type"]:
            errors.add("_type", "This cannot be changed.")
        if "text" in body:
            if row["type"] != "lead":
                errors.add("text", "Only the text of lead tasks can be changed.")
            else:
                values["text"] = self._text(body, errors)
        if "contact_id" in body:
            values["contact_id"] = self._contact(body, row["lead_id"], errors)
        if "assigned_to" in body:
            values["assigned_to"] = self._assignee(body, errors)
        values.update(self._due(body, errors, creating=False))
        if "is_complete" in body:
            values["is_complete"] = self._bool(body, "is_complete", errors, default=row["is_complete"])
        for name, choices in (("priority", PRIORITIES), ("resolution", RESOLUTIONS)):
            if name in body:
                values[name] = self._choice(body, name, choices, errors)
        errors.raise_if_any()
        return values

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        if row["is_complete"]:
            self.completion_changed(row, completed=True)

    def after_update(self, before: Row, after: Row) -> None:
        if bool(before["is_complete"]) != bool(after["is_complete"]):
            self.completion_changed(after, completed=bool(after["is_complete"]))

    def completion_changed(self, row: Row, *, completed: bool) -> None:
        """A task was completed (or reopened).

        Completing one records Close's TaskCompleted activity on the task's lead and points the
        task's object_type/object_id at it; reopening it deletes that activity again (Close's
        documented behaviour). Both go through the activity's own service, so the unit of work
        records their events with the task's. Completing one is also the task's own `completed`
        event, after its `created` or `updated` (Close's event log).
        """
        if completed:
            self.unit.announce(self.spec, row, "completed", first=False)
        if row["lead_id"] is None:
            return
        if completed:
            names = user_names(self.ctx, [row["assigned_to"]])
            activity = record_activity(
                self.ctx,
                "activity/task_completed",
                {
                    "lead_id": row["lead_id"],
                    "contact_id": row["contact_id"],
                    "source": "api",
                    "payload": {
                        "task_id": row["id"],
                        "task_text": row["text"],
                        "task_assigned_to": row["assigned_to"],
                        "task_assigned_to_name": names.get(row["assigned_to"])
                        if row["assigned_to"]
                        else None,
                        "sequence_id": None,
                        "sequence_name": None,
                        "sequence_subscription_id": None,
                    },
                },
            )
            self.change(
                self.unit.changing(self.spec, row),
                {"object_type": "taskcompleted", "object_id": activity["id"]},
            )
            return
        if row["object_type"] == "taskcompleted" and row["object_id"]:
            spec = resources.get("activity/task_completed")
            found = self.repo.find(spec, row["object_id"])
            if found is not None:
                spec.service(self.ctx, spec).remove(found)
            self.change(self.unit.changing(self.spec, row), {"object_type": None, "object_id": None})

    def bulk_update(self, query: ListQuery, params: Mapping[str, str], body: dict[str, Any]) -> int:
        """PUT /task/: apply `body` to every task the list filters select; the number changed."""
        unknown = sorted(k for k in body if k not in BULK_FIELDS)
        if unknown:
            raise Invalid(
                {k: "Only assigned_to, date and is_complete can be changed in bulk." for k in unknown}
            )
        if not body:
            raise Invalid(errors=["Nothing to update: give assigned_to, date or is_complete."])
        # The body is checked once, even when no task matches.
        errors = FieldErrors()
        if "assigned_to" in body:
            self._assignee(body, errors)
        if "is_complete" in body:
            self._bool(body, "is_complete", errors, default=False)
        self._due(body, errors, creating=False)
        errors.raise_if_any()
        # Every match first, then the writes: an update may take a task out of the filter.
        rows: list[Row] = []
        query.skip, query.limit = 0, 1000
        while True:
            page = self.list_page(query, params)
            rows.extend(page.rows)
            if not page.has_more:
                break
            query.skip += query.limit
        with self.unit.operation():
            for row in rows:
                self.update(row, body)
        return len(rows)

    # ---- field checks --------------------------------------------------------------------

    def _text(self, body: dict[str, Any], errors: FieldErrors) -> Any:
        text = body.get("text")
        if text is not None and not isinstance(text, str):
            errors.add("text", "Not a valid string.")
            return None
        return text

    def _contact(self, body: dict[str, Any], lead_id: Any, errors: FieldErrors) -> Any:
        contact_id = body.get("contact_id")
        if contact_id is None:
            return None
        if not isinstance(contact_id, str):
            errors.add("contact", "Object does not exist.")
            return None
        leads = DatabaseLookups(self.ctx).contact_leads([contact_id])
        if contact_id not in leads:
            errors.add("contact", "Object does not exist.")
        elif lead_id is not None and leads[contact_id] != lead_id:
            errors.add("contact", "The contact must be a contact of the task's lead.")
        return contact_id

    def _assignee(self, body: dict[str, Any], errors: FieldErrors) -> Any:
        value = body.get("assigned_to")
        if value is None:
            return None
        found = DatabaseLookups(self.ctx).user_ids([value]) if isinstance(value, str) else {}
        if not isinstance(value, str) or found.get(value) != value:
            errors.add("assigned_to", "Not a user of this organization.")
            return None
        return value

    def _due(self, body: dict[str, Any], errors: FieldErrors, *, creating: bool) -> Row:
        key = "date" if body.get("date") is not None else "due_date"
        value = body.get(key)
        if value is None:
            if creating or body.get("is_dateless") is True:
                # No date: a dateless task, shown as due today (Close's observed behaviour).
                due = Due.today(self.ctx.tz_offset)
                return {"due_at": due.at, "date_only": True, "is_dateless": True}
            if "date" in body and body["date"] is None:
                errors.add("date", "This field may not be null.")
            return {}
        if not isinstance(value, str):
            errors.add(key, "Not a valid date or datetime.")
            return {}
        try:
            due = Due.parse(value, self.ctx.tz_offset)
        except ValueError:
            errors.add(key, "Not a valid date or datetime (use YYYY-MM-DD or ISO 8601).")
            return {}
        return {"due_at": due.at, "date_only": due.date_only, "is_dateless": False}

    def _bool(self, body: dict[str, Any], name: str, errors: FieldErrors, *, default: bool) -> bool:
        value = body.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            errors.add(name, "Must be true or false.")
            return default
        return value

    def _choice(self, body: dict[str, Any], name: str, choices: tuple[str, ...], errors: FieldErrors) -> Any:
        value = body.get(name)
        if value is not None and value not in choices:
            errors.add(name, f"Not a valid choice: use {' or '.join(choices)}.")
            return None
        return value


def new_system_task(kind: str, values: Row) -> Row:
    """Column values of a task leadbase makes itself (`missed_call`...), for `TaskService.insert`.

    `values` holds lead_id, text, due_at... and the type's own fields under `payload`.
    """
    if kind not in SYSTEM_TYPES:
        raise ValueError(f"{kind!r} is not a system task type")
    defaults: Row = {
        "contact_id": None,
        "assigned_to": None,
        "text": None,
        "date_only": False,
        "is_dateless": False,
        "is_complete": False,
        "priority": None,
        "resolution": None,
        "object_type": None,
        "object_id": None,
        "payload": {},
    }
    return {**defaults, **values, "type": kind, "id": new_id(SYSTEM_ID_PREFIX)}


def _listed(params: Mapping[str, str], name: str) -> list[str]:
    return [
        part.strip()
        for key in (name, f"{name}__in")
        for part in params.get(key, "").split(",")
        if part.strip()
    ]
