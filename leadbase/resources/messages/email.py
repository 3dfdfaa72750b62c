"""Emails (/activity/email/) and the threads that group them (/activity/emailthread/).

`outbox` and `scheduled` emails are sent by the `message.send` job at their time (sending.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.utils import getaddresses, parseaddr
from typing import Any

from leadbase.core.emails import EmailNotValidError, normalized_email
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db.fields import REQUIRED, Problem
from leadbase.db.models import user
from leadbase.db.repository import Row
from leadbase.db.resource import ResourceSpec, resources
from leadbase.resources.activities import NO_SEQUENCE
from leadbase.resources.activity_values import DOES_NOT_EXIST, Attachments
from leadbase.resources.messages.base import MessageService, later
from leadbase.resources.richtext import EMAIL as EMAIL_HTML
from leadbase.resources.richtext import from_text, preview, sanitize, to_text

EMAIL = "Email"
THREAD = "EmailThread"
EMAIL_PATH = "activity/email"
THREAD_PATH = "activity/emailthread"
STATUSES = ("inbox", "draft", "scheduled", "outbox", "sent", "error")
# The statuses that need a sender when an email is created with them or moves to them.
NEEDS_SENDER = frozenset({"inbox", "scheduled", "outbox", "error"})
# The moves Close allows: a draft is sent (now or later), an unsent one goes back to draft.
TRANSITIONS = {
    "draft": frozenset({"draft", "scheduled", "outbox"}),
    "scheduled": frozenset({"scheduled", "draft"}),
    "outbox": frozenset({"outbox", "draft"}),
}
# What an email may change once it left the drafts (who it is about, and when it happened).
ALWAYS_CHANGEABLE = frozenset({"contact_id", "user_id", "status", "updated_by"})
# An email as a thread shows it inside `GET /activity/?thread_emails=true`: no bodies.
STRIPPED = (
    "id", "_type", "lead_id", "contact_id", "user_id", "user_name", "organization_id", "thread_id",
    "status", "direction", "subject", "sender", "to", "cc", "bcc", "body_preview",
    "date_created", "date_updated", "date_sent", "date_scheduled", "activity_at", "has_reply",
    "opens_summary",
)  # fmt: skip
# An email's files carry their size, and inline images their content id.
ATTACHMENTS = Attachments(with_size=True, extra=("content_id", "inline_only"))
_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def normalized_subject(subject: str | None) -> str:
    """A subject without its reply and forward prefixes, spaces folded, lower case."""
    text = _PREFIX.sub("", subject or "")
    return re.sub(r"\s+", " ", text).strip().lower()[:255]


def address(value: Any) -> str:
    """One address, bare or `"Name" <addr>`, kept as written (stripped)."""
    if not isinstance(value, str) or not value.strip():
        raise Problem("Enter a valid email address.")
    _name, addr = parseaddr(value)
    try:
        normalized_email(addr)
    except EmailNotValidError as exc:
        raise Problem("Enter a valid email address.") from exc
    return value.strip()


def sender_value(value: Any) -> Any:
    return None if value is None or value == "" else address(value)


def addresses(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Problem("Not a valid list.")
    nested: dict[str, Any] = {}
    out: list[str] = []
    for index, item in enumerate(value):
        try:
            out.append(address(item))
        except Problem as problem:
            nested[str(index)] = problem.message
    if nested:
        raise Problem(nested)
    return out


def parties(values: list[str] | str | None) -> list[dict[str, str]]:
    """`[{email, name}]` of addresses as Close's envelope shows them."""
    if not values:
        return []
    items = [values] if isinstance(values, str) else values
    return [{"email": addr, "name": name} for name, addr in getaddresses(items) if addr]


def envelope(row: Row) -> dict[str, Any]:
    sent = row["date_sent"]
    return {
        "from": parties(row["sender"]),
        "sender": parties(row["sender"]),
        "to": parties(row["to"]),
        "cc": parties(row["cc"]),
        "bcc": parties(row["bcc"]),
        "reply_to": [],
        "subject": row["subject"] or "",
        "date": sent.strftime("%a, %d %b %Y %H:%M:%S +0000") if sent is not None else None,
        "message_id": row.get("message_id"),
        "in_reply_to": row.get("in_reply_to"),
        "is_autoreply": False,
    }


class EmailService(MessageService):
    SENDS = True
    EMPTY = {
        "template_name": None,
        "has_reply": False,
        "need_smtp_credentials": False,
        "send_as_id": None,
        "bulk_email_action_id": None,
        **NO_SEQUENCE,
        "agent_config_id": None,
        "agent_action_reason": None,
    }

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        return {
            "body_preview": lambda row: preview(row["body_text"] or ""),
            "envelope": envelope,
            "email_account_id": lambda row: row.get("account_id"),
            "message_ids": lambda row: [row["message_id"]] if row.get("message_id") else [],
            "references": lambda row: list(row.get("references") or []),
            "send_attempts": lambda row: list(row.get("send_attempts") or []),
            "opens_summary": lambda row: _opens_summary(row["opens"]),
        }

    def _cleaners(self, found: dict[str, Any], row: Row | None = None) -> dict[str, Callable[[Any], Any]]:
        return {
            **self.common_cleaners(found, row),
            "date_scheduled": self.moment,
            "followup_date": self.moment,
            "attachments": ATTACHMENTS.cleaner(self.ctx),
            "in_reply_to_id": self._replied,
        }

    def _replied(self, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str) or self.repo.find(self.spec, value) is None:
            raise Problem(DOES_NOT_EXIST)
        return value

    # ---- create --------------------------------------------------------------------------

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        found: dict[str, Any] = {}
        values = self._fields().clean(body, creating=True, errors=errors, cleaners=self._cleaners(found))
        values.update(self.imported(body, errors))
        status = values.get("status")
        if status is None and "status" not in errors.errors:
            errors.add("status", REQUIRED)
        if status == "sent" and not values.get("sender"):
            values["sender"] = self._user_address(values.get("user_id") or self.ctx.actor.user_id)
        self._check_status(values, status, errors)
        errors.raise_if_any()
        self._bodies(values, body)
        values["subject"] = values.get("subject") or ""
        values["user_id"] = values.get("user_id") or self.ctx.actor.user_id
        values["direction"] = "incoming" if status == "inbox" else "outgoing"
        if status in ("sent", "inbox"):
            values["date_sent"] = values.get("activity_at") or values["date_created"]
        values["activity_at"] = (
            values.get("activity_at")
            or later(values.get("date_sent"), values.get("date_scheduled"))
            or values["date_created"]
        )
        self.plan_send(values, status)
        values.pop("send_in", None)
        values["thread_id"] = self._thread_for(values)
        return self.split(values)

    def _check_status(self, values: Row, status: Any, errors: FieldErrors) -> None:
        if status in NEEDS_SENDER and not values.get("sender"):
            errors.add("sender", f"A sender is required for an email with status {status}.")
        if status == "scheduled" and values.get("date_scheduled") is None:
            errors.add("date_scheduled", "A scheduled email needs date_scheduled.")
        send_in = values.get("send_in")
        if send_in is not None and (status != "outbox" or not 0 <= send_in < 60):
            errors.add("send_in", "send_in is a delay of less than 60 seconds for an email in outbox.")
        if values.get("followup_date") is not None and status not in ("scheduled", "outbox", "sent"):
            errors.add("followup_date", "A followup date is for scheduled, outbox or sent emails.")

    def _bodies(self, values: Row, body: dict[str, Any]) -> None:
        """body_html sanitized; the one of body_text/body_html written alone fills the other."""
        html_given = body.get("body_html") is not None
        text_given = body.get("body_text") is not None
        if html_given:
            values["body_html"] = sanitize(values["body_html"], EMAIL_HTML)
            if not text_given:
                values["body_text"] = to_text(values["body_html"])
        elif text_given:
            values["body_html"] = from_text(values["body_text"], EMAIL_HTML)
        for key in ("body_text", "body_html"):
            if key in values and values[key] is None:
                values[key] = ""

    def _user_address(self, user_id: Any) -> str | None:
        found = self.ctx.conn.execute(
            user.select()
            .with_only_columns(user.c.email, user.c.first_name, user.c.last_name)
            .where(user.c.id == user_id)
        ).first()
        if found is None or not found.email:
            return None
        name = " ".join(p for p in (found.first_name, found.last_name) if p)
        return f'"{name}" <{found.email}>' if name else found.email

    # ---- threads -------------------------------------------------------------------------

    def _thread_spec(self) -> ResourceSpec:
        return resources.get(THREAD_PATH)

    def _thread_for(self, values: Row) -> str:
        """The thread a new email joins: its reply's, else its lead's with its subject, else a new one."""
        thread_spec = self._thread_spec()
        replied = values.get("in_reply_to_id")
        if replied:
            original = self.repo.find(self.spec, replied)
            if original is not None and original["thread_id"] and original["lead_id"] == values["lead_id"]:
                return str(original["thread_id"])
        key = normalized_subject(values.get("subject"))
        if key:
            found = self.repo.children(
                thread_spec, "lead_id", [values["lead_id"]], only=(("lookup_key", key),)
            )
            if found:
                return str(found[0]["id"])
        service = thread_spec.service(self.ctx, thread_spec)
        thread = service.insert(
            {
                "type": THREAD,
                "lead_id": values["lead_id"],
                "contact_id": values.get("contact_id"),
                "user_id": values["user_id"],
                "activity_at": values["activity_at"],
                "lookup_key": key,
                "payload": {},
                "custom": {},
                "date_created": values["date_created"],
            }
        )
        return str(thread["id"])

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        # A thread shows its latest email's moment.
        thread_spec = self._thread_spec()
        thread = self.repo.find(thread_spec, row["thread_id"])
        if (
            thread is not None
            and thread["activity_at"] is not None
            and row["activity_at"] > thread["activity_at"]
        ):
            service = thread_spec.service(self.ctx, thread_spec)
            thread = self.unit.changing(thread_spec, thread)
            service.change(thread, {"activity_at": row["activity_at"]})
        super().after_create(row, body)

    def after_delete(self, row: Row) -> None:
        # The thread of a lone email goes with it.
        thread_spec = self._thread_spec()
        if not row["thread_id"] or self.repo.children(self.spec, "thread_id", [row["thread_id"]]):
            return
        thread = self.repo.find(thread_spec, row["thread_id"])
        if thread is not None:
            thread_spec.service(self.ctx, thread_spec).remove(thread)

    # ---- update --------------------------------------------------------------------------

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        row = self.merged(row)
        errors = FieldErrors()
        values = self._fields().clean(body, creating=False, errors=errors, cleaners=self._cleaners({}, row))
        for key in ("status", "activity_at"):
            if key in values and values[key] is None:
                del values[key]
        current = row["status"]
        status = values.get("status", current)
        if status != current and status not in TRANSITIONS.get(current, frozenset()):
            errors.add("status", f"An email cannot go from {current} to {status}.")
        errors.raise_if_any()
        self._bodies(values, body)
        changed = {k for k, v in values.items() if row.get(k) != v}
        # A draft changes freely; a scheduled or outbox email only by going back to draft.
        editable = current == "draft" or status == "draft"
        if not editable and changed - ALWAYS_CHANGEABLE:
            for key in sorted(changed - ALWAYS_CHANGEABLE):
                errors.add(key, f"Only draft emails can be changed; this one is {current}.")
        merged = {**row, **values}
        if status != current:
            self._check_status(merged, status, errors)
        errors.raise_if_any()
        self.plan_send(values, status, changing_from=current, row=row)
        values.pop("send_in", None)
        if "subject" in values and values["subject"] is None:
            values["subject"] = ""
        if status == "scheduled" and "date_scheduled" in values and "activity_at" not in body:
            values["activity_at"] = values["date_scheduled"]
        return self.split(values, row)


def _opens_summary(opens: Any) -> str | None:
    if not opens:
        return None
    count = len(opens)
    return f"Opened {count} time{'s' if count != 1 else ''}"


def clean_opens(value: Any) -> Any:
    """Opens of an imported email: `[{opened_at, ...}]`."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) and "opened_at" in v for v in value):
        raise Problem("A list of opens, each with opened_at.")
    return value


class ThreadService(MessageService):
    """Threads are made and grown by their emails; read and deleted (with their emails) here."""

    def validate_create(self, body: dict[str, Any]) -> Row:
        raise Invalid(errors=["Email threads are made by their emails: create an email."])

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        raise Invalid(errors=["Email threads cannot be changed: change their emails."])

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        email_spec = resources.get(EMAIL_PATH)
        emails = self.repo.children(email_spec, "thread_id", [r["id"] for r in rows]) if rows else []
        emails.sort(key=lambda e: (e["activity_at"] or e["date_created"], e["date_created"]), reverse=True)
        rendered = email_spec.service(self.ctx, email_spec).render(emails) if emails else []
        if self.ctx.params.get("thread_emails") == "true":
            rendered = [{k: data[k] for k in STRIPPED if k in data} for data in rendered]
        by_thread: dict[str, list[dict[str, Any]]] = {}
        for data in rendered:
            by_thread.setdefault(data["thread_id"], []).append(data)

        def participants(row: Row) -> list[dict[str, str]]:
            seen: dict[str, dict[str, str]] = {}
            for data in reversed(by_thread.get(row["id"], [])):
                for party in parties(
                    [data["sender"], *data["to"], *data["cc"]]
                    if data["sender"]
                    else [*data["to"], *data["cc"]]
                ):
                    key = party["email"].lower()
                    if key not in seen or (party["name"] and not seen[key]["name"]):
                        seen[key] = party
            return list(seen.values())

        return {
            "emails": lambda row: by_thread.get(row["id"], []),
            "n_emails": lambda row: len(by_thread.get(row["id"], [])),
            "participants": participants,
        }
