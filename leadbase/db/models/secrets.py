"""Secrets of the server itself, shared by every process that opens the database."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from leadbase.db.models.base import metadata
from leadbase.db.types import UTCDateTime

# Not tenant data: one row per purpose (the console's cookie-signing key), generated on first use
# when the operator set none, so every server process and machine on this database agrees on it.
server_secret = Table(
    "server_secret",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(128), nullable=False),
    Column("date_created", UTCDateTime(), nullable=False),
)
