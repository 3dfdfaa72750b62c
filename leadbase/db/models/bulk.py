"""Bulk actions: one row per action (every kind shares the table), and the leads it selected."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc

bulk_action = Table(
    "bulk_action",
    metadata,
    Column("id", ID, primary_key=True),
    Column("organization_id", ID, ForeignKey("organization.id", ondelete="CASCADE"), nullable=False),
    # delete, edit, email, sequence_subscription: the URL segment after /bulk_action/.
    Column("kind", String(32), nullable=False),
    # created -> processing -> done | error (Close's BulkActionStatus values).
    Column("status", String(16), nullable=False),
    # What selects the leads: an Advanced Filtering query, or a legacy query string.
    Column("s_query", JSONDoc, nullable=True),
    Column("query", Text, nullable=True),
    Column("results_limit", Integer, nullable=True),
    Column("sort", JSONDoc, nullable=True),
    Column("send_done_email", Boolean, nullable=False),
    # Null until the job resolved the selection.
    Column("n_leads", Integer, nullable=True),
    Column("n_leads_processed", Integer, nullable=False),
    Column("n_objects", Integer, nullable=True),
    Column("n_objects_processed", Integer, nullable=False),
    Column("n_objects_skipped", Integer, nullable=False),
    Column("error", Text, nullable=True),
    # edit
    Column("type", String(64), nullable=True),
    Column("lead_status_id", ID, nullable=True),
    Column("custom_field_id", ID, nullable=True),
    Column("custom_field_name", Text, nullable=True),
    Column("custom_field_value", JSONDoc, nullable=True),
    Column("custom_field_operation", String(16), nullable=True),
    # email
    Column("template_id", ID, nullable=True),
    Column("contact_preference", String(16), nullable=True),
    Column("sender", Text, nullable=True),
    Column("email_account_id", ID, nullable=True),
    # delete
    Column("bulk_object_type", String(32), nullable=True),
    # sequence_subscription (served later on the sequences' subscription service)
    Column("action_type", String(32), nullable=True),
    Column("sequence_id", ID, nullable=True),
    Column("sender_account_id", ID, nullable=True),
    Column("sender_name", Text, nullable=True),
    Column("sender_email", Text, nullable=True),
    Column("calls_assigned_to", JSONDoc, nullable=True),
    Column("from_phone_number_id", ID, nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "kind", "date_created"),
)

# The leads an action selected, in its processing order: written once when its job starts, so
# a retried or resumed job goes on from `n_leads_processed` instead of selecting again.
bulk_action_lead = Table(
    "bulk_action_lead",
    metadata,
    Column("bulk_action_id", ID, ForeignKey("bulk_action.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("organization_id", ID, nullable=False),
    Column("lead_id", ID, nullable=False),
)
