"""Bulk action objects: what every kind checks when one is made, and the job it queues.

The object is an ordinary resource (list, create, get; events `bulk_action.<kind>`); creating
one checks the targeting and the kind's own keys, then queues the job (runner.py) in the same
transaction, so the action and its job commit together. Each kind subclasses the service with
its permission and `clean_kind`.
"""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors, Invalid, NotFound
from leadbase.db import jobs
from leadbase.db.permissions import require
from leadbase.db.repository import Row
from leadbase.db.resource import resources
from leadbase.db.service import Service
from leadbase.resources.bulk_action.runner import CREATED, JOB_KIND, job_payload
from leadbase.resources.bulk_action.targeting import clean_targeting

AUDIT = ("id", "organization_id", "kind", "date_created", "date_updated", "created_by", "updated_by")


class BulkActionService(Service):
    KIND = ""
    PERMISSION = ""

    def authorize(self, action: str, row: Row | None) -> None:
        require(self.ctx, self.PERMISSION)

    def validate_create(self, body: dict[str, Any]) -> Row:
        values = clean_targeting(self.ctx, body)
        values.update(self.clean_kind(body))
        values.update(
            status=CREATED,
            n_leads=None,
            n_leads_processed=0,
            n_objects=None,
            n_objects_processed=0,
            n_objects_skipped=0,
        )
        # The other kinds' columns, empty: the new row is rendered (and recorded) from these.
        for column in (c.name for c in self.spec.table.c):
            if column not in AUDIT:
                values.setdefault(column, None)
        return values

    def clean_kind(self, body: dict[str, Any]) -> Row:
        """The kind's own columns from the body, or Invalid."""
        return {}

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        jobs.enqueue(self.ctx, JOB_KIND, job_payload(self.ctx, row["id"], self.KIND))

    def find_object(self, path: str, object_id: Any, key: str) -> Row:
        """An object the body names by id: a 400 under `key` when malformed or missing."""
        if not isinstance(object_id, str) or not object_id:
            raise Invalid.field(key, "This field is required.")
        spec = resources.get(path)
        try:
            return spec.service(self.ctx, spec).get(object_id)
        except NotFound as missing:
            raise Invalid.field(key, f"{spec.model_name} {object_id} does not exist.") from missing


class BulkDeleteService(BulkActionService):
    KIND = "delete"
    PERMISSION = "bulk_delete"

    def clean_kind(self, body: dict[str, Any]) -> Row:
        object_type = body.get("bulk_object_type", "lead")
        if object_type != "lead":
            # Close lists contact, call, custom_activity and form_submission too, without saying
            # how those are selected: refused rather than guessed (docs/compatibility.md).
            raise Invalid.field("bulk_object_type", "leadbase deletes leads only: use lead.")
        return {"bulk_object_type": "lead"}


PREFERENCES = ("lead", "contact", "all")


class BulkEmailService(BulkActionService):
    KIND = "email"
    PERMISSION = "bulk_email"

    def clean_kind(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        template_id = body.get("template_id")
        if not isinstance(template_id, str) or not template_id:
            errors.add("template_id", "This field is required.")
        preference = body.get("contact_preference") or "lead"
        if preference not in PREFERENCES:
            errors.add("contact_preference", "Not a valid choice: use lead, contact or all.")
        sender = body.get("sender")
        if sender is not None and (not isinstance(sender, str) or "@" not in sender):
            errors.add("sender", 'A sender is an address or "Name" <address>.')
        account = body.get("email_account_id")
        if account is not None and not isinstance(account, str):
            errors.add("email_account_id", "Must be a connected account id.")
        errors.raise_if_any()
        # Another organization's template (or a private one of another member) is a 404.
        spec = resources.get("email_template")
        spec.service(self.ctx, spec).get(template_id)  # type: ignore[arg-type]
        return {
            "template_id": template_id,
            "contact_preference": preference,
            "sender": sender or self._caller_address(),
            "email_account_id": account,
        }

    def _caller_address(self) -> str | None:
        user_id = self.ctx.actor.user_id
        if user_id is None:
            return None
        spec = resources.get("user")
        service = spec.service(self.ctx, spec)
        user = service.render_one(service.get(user_id))
        name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)
        return f'"{name}" <{user["email"]}>' if name else str(user["email"])
