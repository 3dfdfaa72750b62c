"""Background work: the job queue, webhook subscriptions, their deliveries and the dispatch cursor."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc, UTCDateTime

job = Table(
    "job",
    metadata,
    Column("id", ID, primary_key=True),
    # The handler's name (jobs/registry.py); the payload is the handler's own document.
    Column("kind", String(64), nullable=False),
    Column("organization_id", ID, ForeignKey("organization.id", ondelete="CASCADE"), nullable=True),
    Column("payload", JSONDoc, nullable=False),
    # queued -> running (leased) -> succeeded | failed; a failed attempt with tries left is queued.
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    # Not run before this time (retries wait here with their backoff).
    Column("run_at", UTCDateTime(), nullable=False),
    # A running job whose lease has passed belongs to a worker that died: it is claimed again.
    Column("lease_until", UTCDateTime(), nullable=True),
    # Names the attempt that holds the lease; a late finish of a reclaimed attempt changes nothing.
    Column("claim", String(64), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("result", JSONDoc, nullable=True),
    Column("date_created", UTCDateTime(), nullable=False),
    Column("date_updated", UTCDateTime(), nullable=False),
    Column("date_finished", UTCDateTime(), nullable=True),
    Index(None, "status", "run_at"),
    Index(None, "organization_id", "kind", "date_created"),
)

webhook_subscription = Table(
    "webhook_subscription",
    metadata,
    Column("id", ID, primary_key=True),
    Column("organization_id", ID, ForeignKey("organization.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(2048), nullable=False),
    # [{"object_type", "action", "extra_filter"?}], as Close shows them.
    Column("events", JSONDoc, nullable=False),
    Column("verify_ssl", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("pause_reason", String(32), nullable=True),
    # 64 hex characters: 32 random bytes, the HMAC key after hex-decoding.
    Column("signature_key", String(64), nullable=False),
    Column("latest_error", JSONDoc, nullable=True),
    # Failed attempts in a row since the last success, and when that run of failures began.
    Column("consecutive_failures", Integer, nullable=False),
    Column("failing_since", UTCDateTime(), nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "status"),
    Index(None, "status", "organization_id"),
)

webhook_delivery = Table(
    "webhook_delivery",
    metadata,
    Column("id", ID, primary_key=True),
    Column("organization_id", ID, ForeignKey("organization.id", ondelete="CASCADE"), nullable=False),
    Column(
        "subscription_id",
        ID,
        ForeignKey("webhook_subscription.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("event_id", ID, nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    Column("object_id", ID, nullable=False),
    # pending -> succeeded | failed (gave up after Close's window) | dropped (queue cleared on pause)
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=True),
    Column("lease_until", UTCDateTime(), nullable=True),
    Column("claim", String(64), nullable=True),
    Column("last_attempt_at", UTCDateTime(), nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    # The start of the receiver's answer (bounded), for the delivery log.
    Column("last_response", Text, nullable=True),
    Column("last_duration_ms", Integer, nullable=True),
    # The close-sig-timestamp of the last attempt: with the event it rebuilds what was sent.
    Column("sent_timestamp", String(16), nullable=True),
    Column("date_created", UTCDateTime(), nullable=False),
    Column("date_delivered", UTCDateTime(), nullable=True),
    # One delivery per event and subscription: the dispatcher may read an event twice after a crash.
    Index(None, "subscription_id", "event_id", unique=True),
    Index(None, "status", "next_attempt_at"),
    Index(None, "subscription_id", "object_id", "event_seq"),
    # Named by hand: the convention's name passes PostgreSQL's 63 characters.
    Index("ix_webhook_delivery_org_subscription_date", "organization_id", "subscription_id", "date_created"),
)

# Where the dispatcher stands in the event log: every event up to `high` has been matched, except
# the sequence numbers in `gaps` (taken by transactions not yet committed when it passed, or
# rolled back), which it looks for again until they are older than the gap window.
webhook_cursor = Table(
    "webhook_cursor",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("high", BigInteger, nullable=False),
    Column("gaps", JSONDoc, nullable=False),
    Column("date_updated", UTCDateTime(), nullable=False),
)
