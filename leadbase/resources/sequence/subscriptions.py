"""Sequence subscriptions: one contact going through one sequence's steps.

`subscribe(ctx, sequence_id=..., contact_id=..., ...)` is the one way in (the endpoint and bulk
enrollment call it): it checks the body as `POST /sequence_subscription/` does and arms the first
step as a job (`runner.py`). A PUT pauses (`status_reason` "manual"), resumes or finishes a
subscription, or changes its sender; a reply, an unsubscribe or a bounce stops it (`triggers.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select

from leadbase.core import clock
from leadbase.core.emails import EmailNotValidError, normalized_email
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.lookups import DatabaseLookups
from leadbase.db.context import Context
from leadbase.db.fields import REQUIRED, Problem
from leadbase.db.filters import Filter, Term, all_of
from leadbase.db.models import connected_account, phone_number, sequence_subscription
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.resource import resources
from leadbase.db.service import Service
from leadbase.resources.outreach import unsubscribed_among
from leadbase.resources.sequence import runner
from leadbase.resources.sequence.steps import CALL, EMAIL

SUBSCRIPTION_PATH = "sequence_subscription"
SEQUENCE_PATH = "sequence"
RUNNING = ("active", "paused")
# What a PUT may set the status to.
SETTABLE = ("active", "paused", "finished")
MANUAL = "manual"
LIST_KEYS = ("sequence_id", "contact_id", "lead_id")
NEEDS_ONE_OF = "At least one of sequence_id, contact_id or lead_id is required."
ALREADY = "This contact is already subscribed to this workflow."
# Fields a PUT may change besides the status (the sequence and the contact stay).
SENDER_FIELDS = (
    "contact_email",
    "sender_account_id",
    "sender_name",
    "sender_email",
    "calls_assigned_to",
    "from_phone_number_id",
)


def subscribe(
    ctx: Context,
    *,
    sequence_id: str,
    contact_id: str,
    contact_email: str | None = None,
    sender_account_id: str | None = None,
    sender_name: str | None = None,
    sender_email: str | None = None,
    calls_assigned_to: list[str] | None = None,
    from_phone_number_id: str | None = None,
) -> dict[str, Any]:
    """Subscribe one contact to one sequence, as `POST /sequence_subscription/` does: the new
    subscription's representation, or the endpoint's errors (Invalid). Call inside a unit of work
    (a request's or a job's transaction); its first step runs as a job after the commit."""
    body: dict[str, Any] = {"sequence_id": sequence_id, "contact_id": contact_id}
    optional = {
        "contact_email": contact_email,
        "sender_account_id": sender_account_id,
        "sender_name": sender_name,
        "sender_email": sender_email,
        "calls_assigned_to": calls_assigned_to,
        "from_phone_number_id": from_phone_number_id,
    }
    body.update({k: v for k, v in optional.items() if v is not None})
    spec = resources.get(SUBSCRIPTION_PATH)
    return spec.service(ctx, spec).create(body)


def _emails_of(contact: Row) -> list[str]:
    return [e["email"] for e in contact.get("emails") or () if isinstance(e, dict) and e.get("email")]


class SubscriptionService(Service):
    # ---- reading -------------------------------------------------------------------------

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        computed: dict[str, Callable[[Row], Any]] = {
            "pause_reason": lambda row: row["status_reason"] if row["status"] == "paused" else None
        }
        fields = self._fields()
        return [fields.render(r, computed) for r in rows]

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        """Close lists the subscriptions of a sequence, a contact or a lead (one at least), and
        clients narrow them by `status`."""
        terms: list[Filter] = [Term(key, "eq", params[key]) for key in LIST_KEYS if params.get(key)]
        if not terms:
            raise Invalid(errors=[NEEDS_ONE_OF])
        if params.get("status"):
            terms.append(Term("status", "eq", params["status"]))
        return all_of(terms)

    # ---- cleaning -------------------------------------------------------------------------

    def _email(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        try:
            return normalized_email(value) if isinstance(value, str) else self._bad_email()
        except EmailNotValidError as exc:
            raise Problem("Enter a valid email address.") from exc

    @staticmethod
    def _bad_email() -> Any:
        raise Problem("Enter a valid email address.")

    def _text(self, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise Problem("Not a valid string.")
        return value.strip()[:255] or None

    def _account(self, value: Any) -> Any:
        return self._one_of(value, connected_account, "connected account")

    def _phone(self, value: Any) -> Any:
        return self._one_of(value, phone_number, "phone number")

    def _one_of(self, value: Any, table: Any, what: str) -> Any:
        if value is None:
            return None
        found = (
            self.ctx.conn.execute(
                select(table.c.id).where(
                    table.c.organization_id == self.ctx.organization_id, table.c.id == value
                )
            ).first()
            if isinstance(value, str)
            else None
        )
        if found is None:
            raise Problem(f"No {what} has this id.")
        return value

    def _users(self, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Problem("Expected a list of user ids.")
        found = DatabaseLookups(self.ctx).user_ids(value)
        unknown = [v for v in value if found.get(v) != v]
        if unknown:
            raise Problem(f"Not a user of this organization: {unknown[0]}.")
        return list(dict.fromkeys(value))

    def _status(self, value: Any) -> Any:
        if value not in SETTABLE:
            raise Problem("Not a valid choice: use active, paused or finished.")
        return value

    def _cleaners(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "contact_email": self._email,
            "sender_email": self._email,
            "sender_name": self._text,
            "sender_account_id": self._account,
            "from_phone_number_id": self._phone,
            "calls_assigned_to": self._users,
            "status": self._status,
        }

    # ---- subscribing ----------------------------------------------------------------------

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(body, creating=True, errors=errors, cleaners=self._cleaners())
        sequence = self._sequence(values.get("sequence_id"), errors)
        contact = self._contact(values.get("contact_id"), errors)
        errors.raise_if_any()
        assert sequence is not None and contact is not None
        step_types = {s["step_type"] for s in sequence["steps"]}
        emails = _emails_of(contact)
        if values.get("contact_email") is None and emails:
            values["contact_email"] = normalized_email(emails[0])
        elif values.get("contact_email") is not None and values["contact_email"].lower() not in {
            e.lower() for e in emails
        }:
            errors.add("contact_email", "Not one of the contact's email addresses.")
        if EMAIL in step_types:
            if values.get("contact_email") is None:
                errors.add(
                    "contact_email", "The contact has no email address to send this workflow's emails to."
                )
            elif unsubscribed_among(self.ctx, [values["contact_email"]]):
                errors.add(
                    "contact_email", "This email address has unsubscribed: it gets no workflow emails."
                )
            if values.get("sender_email") is None:
                errors.add("sender_email", REQUIRED)
        if CALL in step_types and not values.get("calls_assigned_to") and self.ctx.actor.user_id:
            values["calls_assigned_to"] = [self.ctx.actor.user_id]
        errors.raise_if_any()
        self._not_subscribed(sequence["id"], contact["id"])
        now = clock.now()
        return {
            **values,
            "lead_id": contact["lead_id"],
            "status": "active",
            "status_reason": None,
            "start_date": now,
            "steps_done": [],
            "last_step_at": now,
            "next_step_id": None,
            "next_run_at": None,
            "last_email_id": None,
            "job_token": None,
            "last_error": None,
        }

    def _sequence(self, sequence_id: Any, errors: FieldErrors) -> Row | None:
        if sequence_id is None or "sequence_id" in errors.errors:
            return None
        found = (
            self.repo.find(resources.get(SEQUENCE_PATH), sequence_id)
            if isinstance(sequence_id, str)
            else None
        )
        if found is None:
            errors.add("sequence_id", "Object does not exist.")
        elif found["status"] != "active":
            errors.add("sequence_id", "This workflow is paused: contacts cannot be subscribed to it.")
        elif not found["allow_manual_enrollment"]:
            errors.add("sequence_id", "This workflow does not allow manual enrollment.")
        else:
            return found
        return None

    def _contact(self, contact_id: Any, errors: FieldErrors) -> Row | None:
        if contact_id is None or "contact_id" in errors.errors:
            return None
        found = self.repo.find(resources.get("contact"), contact_id) if isinstance(contact_id, str) else None
        if found is None:
            errors.add("contact_id", "Object does not exist.")
        return found

    def _not_subscribed(self, sequence_id: str, contact_id: str) -> None:
        table = sequence_subscription
        running = self.ctx.conn.execute(
            select(table.c.id)
            .where(
                table.c.organization_id == self.ctx.organization_id,
                table.c.sequence_id == sequence_id,
                table.c.contact_id == contact_id,
                table.c.status.in_(RUNNING),
            )
            .limit(1)
        ).first()
        if running is not None:
            raise Invalid(errors=[ALREADY])

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        runner.arm(self, row)

    # ---- pausing, resuming, changing the sender ------------------------------------------

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        allowed = {k: v for k, v in body.items() if k in (*SENDER_FIELDS, "status")}
        values = self._fields().clean(allowed, creating=False, cleaners=self._cleaners())
        status = values.get("status", row["status"])
        if isinstance(status, str) and status != row["status"]:
            values.update(self._moved(row, status))
        return values

    def _moved(self, row: Row, status: str) -> Row:
        current = row["status"]
        if status == "paused" and current != "active":
            raise Invalid({"status": f"Only an active subscription can be paused; this one is {current}."})
        if status == "finished" and current not in RUNNING:
            raise Invalid({"status": f"This subscription is already {current}."})
        if status == "active" and runner.next_step(self._sequence_of(row), row) is None:
            raise Invalid({"status": "This subscription has run every step of its workflow."})
        reason = None if status == "active" else MANUAL
        return {"status_reason": reason, **runner.DISARMED}

    def _sequence_of(self, row: Row) -> Row:
        found = self.repo.find(resources.get(SEQUENCE_PATH), row["sequence_id"])
        assert found is not None  # a subscription lives only as long as its sequence
        return found

    def after_update(self, before: Row, after: Row) -> None:
        if after["status"] == "active" and before["status"] != "active":
            runner.arm(self, after)

    # ---- stopping -------------------------------------------------------------------------

    def stop(self, row: Row, status: str, reason: str | None, error: str | None = None) -> Row:
        """Leave `active` (or `paused`) for `status` with `reason`; no step runs after this."""
        with self.unit.operation():
            row = self.unit.changing(self.spec, row)
            values: Row = {"status": status, "status_reason": reason, **runner.DISARMED}
            if error is not None:
                values["last_error"] = error[:4000]
            row = self.change(row, values)
        return row

    def keep(self, row: Row, values: Row) -> Row:
        """Change where the run stands (columns no one sees): no event, no new date_updated."""
        return self.change(
            row, {**values, "date_updated": row["date_updated"], "updated_by": row["updated_by"]}
        )
