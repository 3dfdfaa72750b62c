"""Bulk sequence subscription: subscribe the selected leads' contacts to a sequence, or pause,
resume or resume the finished subscriptions they have, each through the subscription service
(the same checks and events as `POST`/`PUT /sequence_subscription/`).

- `subscribe`: by `contact_preference`, the lead's first contact with an email (`lead`) or each
  contact with one (`contact`), at its first address; a contact that already has a subscription
  to the sequence, in any status, is skipped ("contacts that have never received the given
  sequence"), and so is one the service refuses (unsubscribed, no longer emailable...).
- `pause`, `resume`, `resume_finished`: the subscriptions of the leads' contacts that are
  active, paused or finished, of `sequence_id` or of every sequence without one; one the
  service refuses to move (a finished one with no step left) is skipped.

`n_objects` counts the contacts (subscribe) or subscriptions (the others) found batch by batch.
"""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db.context import Context
from leadbase.db.repository import Repository, Row
from leadbase.db.resource import resources
from leadbase.resources.bulk_action.email import recipients
from leadbase.resources.bulk_action.runner import Applier, Progress, register_applier
from leadbase.resources.bulk_action.service import BulkActionService

SUBSCRIPTIONS = "sequence_subscription"
PREFERENCES = ("lead", "contact")
# What each action_type moves: (the status it looks for, the status it sets).
MOVES = {
    "pause": ("active", "paused"),
    "resume": ("paused", "active"),
    "resume_finished": ("finished", "active"),
}
ACTION_TYPES = ("subscribe", *MOVES)


class BulkSequenceSubscriptionService(BulkActionService):
    KIND = "sequence_subscription"
    PERMISSION = "bulk_sequence_subscriptions"

    def clean_kind(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        action_type = body.get("action_type")
        if action_type == "reassign":
            # In Close's enum, described nowhere: refused rather than guessed.
            errors.add(
                "action_type",
                "leadbase does not support reassign: use subscribe, resume, resume_finished or pause.",
            )
        elif action_type not in ACTION_TYPES:
            errors.add("action_type", "Not a valid choice: use subscribe, resume, resume_finished or pause.")
        subscribing = action_type == "subscribe"
        sequence_id = body.get("sequence_id")
        if sequence_id is not None and not isinstance(sequence_id, str):
            errors.add("sequence_id", "Must be a sequence id.")
        texts = {
            k: body.get(k)
            for k in ("sender_account_id", "sender_name", "sender_email", "from_phone_number_id")
        }
        for key, value in texts.items():
            if value is not None and not isinstance(value, str):
                errors.add(key, "Must be a string.")
        preference = body.get("contact_preference")
        if preference is not None and preference not in PREFERENCES:
            errors.add("contact_preference", "Not a valid choice: use lead or contact.")
        if subscribing:
            for key in (
                "sequence_id",
                "sender_account_id",
                "sender_name",
                "sender_email",
                "contact_preference",
            ):
                if not body.get(key):
                    errors.add(key, "This field is required when action_type is subscribe.")
        calls = body.get("calls_assigned_to")
        if calls is not None and (not isinstance(calls, list) or not all(isinstance(u, str) for u in calls)):
            errors.add("calls_assigned_to", "Must be a list of user ids.")
        errors.raise_if_any()
        if sequence_id:
            # Another organization's sequence is a 400 naming the field, as for a template.
            self.find_object("sequence", sequence_id, "sequence_id")
        if texts["sender_account_id"]:
            # Checked once here rather than refused for every contact by the job.
            self.find_object("connected_account", texts["sender_account_id"], "sender_account_id")
        return {
            "action_type": action_type,
            "sequence_id": sequence_id,
            "contact_preference": preference,
            "calls_assigned_to": calls,
            **texts,
        }


class SequenceSubscriptionApplier(Applier):
    def objects_are_leads(self, action: Row) -> bool:
        return False

    def apply(self, ctx: Context, action: Row, leads: list[Row]) -> Progress:
        contacts = Repository(ctx).children(
            resources.get("contact"), "lead_id", [lead["id"] for lead in leads]
        )
        contacts.sort(key=lambda c: (c["lead_id"], c["date_created"], c["id"]))
        spec = resources.get(SUBSCRIPTIONS)
        service = spec.service(ctx, spec)
        existing = (
            Repository(ctx).children(spec, "contact_id", [c["id"] for c in contacts]) if contacts else []
        )
        if action["action_type"] == "subscribe":
            return self._subscribe(action, contacts, existing, service)
        return self._move(action, existing, service)

    def _subscribe(self, action: Row, contacts: list[Row], existing: list[Row], service: Any) -> Progress:
        subscribed = {s["contact_id"] for s in existing if s["sequence_id"] == action["sequence_id"]}
        by_lead: dict[str, list[Row]] = {}
        for contact in contacts:
            by_lead.setdefault(contact["lead_id"], []).append(contact)
        # The same choice of recipients as bulk email's `lead` and `contact` preferences.
        chosen = [
            pair for group in by_lead.values() for pair in recipients(group, action["contact_preference"])
        ]
        progress = Progress(objects=len(chosen))
        optional = (
            "sender_account_id",
            "sender_name",
            "sender_email",
            "calls_assigned_to",
            "from_phone_number_id",
        )
        for contact, address in chosen:
            if contact["id"] in subscribed:
                progress.skipped += 1
                continue
            body = {
                "sequence_id": action["sequence_id"],
                "contact_id": contact["id"],
                "contact_email": address,
            }
            body.update({k: action[k] for k in optional if action[k] is not None})
            try:
                # Checked before anything is written: a refusal leaves the batch as it was.
                service.create(body)
            except Invalid:
                progress.skipped += 1
                continue
            progress.processed += 1
        return progress

    def _move(self, action: Row, existing: list[Row], service: Any) -> Progress:
        wanted, target = MOVES[action["action_type"]]
        found = [
            s
            for s in existing
            if s["status"] == wanted
            and (action["sequence_id"] is None or s["sequence_id"] == action["sequence_id"])
        ]
        progress = Progress(objects=len(found))
        for subscription in sorted(found, key=lambda s: s["id"]):
            try:
                service.update(subscription, {"status": target})
            except Invalid:
                progress.skipped += 1
                continue
            progress.processed += 1
        return progress


register_applier("sequence_subscription", SequenceSubscriptionApplier())
