"""Pipelines, their opportunity statuses, and opportunities."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc, UTCDateTime

pipeline = Table(
    "pipeline",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
)

opportunity_status = Table(
    "opportunity_status",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("label", String(255), nullable=False),
    # core.names.name_key(label): labels are unique in the organization, across pipelines.
    Column("label_key", Text, nullable=False),
    # active, won or lost.
    Column("type", String(16), nullable=False),
    Column("pipeline_id", ID, ForeignKey("pipeline.id"), nullable=False),
    # The order within the pipeline.
    Column("position", Integer, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "pipeline_id", "position"),
    Index("uq_opportunity_status_organization_id_label_key", "organization_id", "label_key", unique=True),
)

opportunity = Table(
    "opportunity",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("lead_id", ID, ForeignKey("lead.id"), nullable=False),
    Column("contact_id", ID, nullable=True),
    Column("user_id", ID, nullable=True),
    Column("status_id", ID, ForeignKey("opportunity_status.id"), nullable=False),
    Column("value", BigInteger, nullable=True),
    Column("value_period", String(16), nullable=False),
    Column("confidence", Integer, nullable=False),
    # Derived from value, value_period and confidence on every write: lists sort and sum by them.
    Column("expected_value", BigInteger, nullable=True),
    Column("annualized_value", BigInteger, nullable=True),
    Column("annualized_expected_value", BigInteger, nullable=True),
    Column("note", Text, nullable=True),
    Column("date_won", Date, nullable=True),
    Column("date_lost", UTCDateTime(), nullable=True),
    Column("attachments", JSONDoc, nullable=False),
    Column("custom", JSONDoc, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "lead_id", "date_created"),
    Index(None, "organization_id", "date_created"),
    Index(None, "organization_id", "date_updated"),
    Index(None, "organization_id", "status_id"),
    Index(None, "organization_id", "user_id"),
    Index(None, "organization_id", "date_won"),
)
