"""Sequences (Close's "Workflows"): ordered steps sent to subscribed contacts over time
(`/sequence/`, `/sequence_subscription/`)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc, UTCDateTime

sequence = Table(
    "sequence",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    # active or paused: a paused sequence runs no step until it is active again.
    Column("status", String(16), nullable=False),
    # IANA name: the schedule's hours are this zone's.
    Column("timezone", String(64), nullable=False),
    # null (any time) or {"ranges": [{"weekday": 1-7, "start": "HH:MM:SS", "end": "HH:MM:SS"}]}.
    Column("schedule", JSONDoc, nullable=True),
    Column("allow_manual_enrollment", Boolean, nullable=False),
    # The steps in order, each a document with its own `seqstep_` id: they belong to the
    # sequence alone and change with it, so one document (and one event) holds them.
    Column("steps", JSONDoc, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
)

sequence_subscription = Table(
    "sequence_subscription",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("sequence_id", ID, ForeignKey("sequence.id"), nullable=False),
    Column("contact_id", ID, ForeignKey("contact.id"), nullable=False),
    Column("lead_id", ID, ForeignKey("lead.id"), nullable=False),
    Column("contact_email", String(500), nullable=True),
    Column("sender_account_id", ID, nullable=True),
    Column("sender_name", String(255), nullable=True),
    Column("sender_email", String(500), nullable=True),
    Column("calls_assigned_to", JSONDoc, nullable=False),
    Column("from_phone_number_id", ID, nullable=True),
    # active, paused, finished, goal, error; why it left `active` (manual, replied...).
    Column("status", String(16), nullable=False),
    Column("status_reason", String(64), nullable=True),
    Column("start_date", UTCDateTime(), nullable=False),
    # Where the run stands (not shown): the ids of the steps already run, when the last one ran
    # (the subscription's start before any), the step due next and when.
    Column("steps_done", JSONDoc, nullable=False),
    Column("last_step_at", UTCDateTime(), nullable=False),
    Column("next_step_id", ID, nullable=True),
    Column("next_run_at", UTCDateTime(), nullable=True),
    # The subscription's latest email: an `old_thread` step replies to it.
    Column("last_email_id", ID, nullable=True),
    # The token of the one job that may run the next step: pausing, resuming or rescheduling
    # replaces it, so a job queued before then finds it changed and does nothing.
    Column("job_token", String(64), nullable=True),
    Column("last_error", Text, nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "sequence_id", "status"),
    Index(None, "organization_id", "contact_id"),
    Index(None, "organization_id", "lead_id"),
)
