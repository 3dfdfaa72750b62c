"""Files uploaded through POST /files/upload/: the signed form and what arrived through it."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import UTCDateTime

file_upload = Table(
    "file_upload",
    metadata,
    Column("id", ID, primary_key=True),
    Column("organization_id", ID, ForeignKey("organization.id", ondelete="CASCADE"), nullable=False),
    # The random part of the download URL: whoever holds the URL may read the file, as with
    # Close's temporary links, so it carries 256 bits and is never listed anywhere.
    Column("token", String(64), nullable=False),
    # sha256 of the form's `signature`: the upload target accepts a form only with the secret
    # that POST /files/upload/ handed out, and the database never holds the secret itself.
    Column("secret_hash", String(64), nullable=False),
    Column("filename", String(1024), nullable=False),
    Column("content_type", String(255), nullable=False),
    # The form is accepted until upload_expires; the download URL answers until download_expires.
    Column("upload_expires", UTCDateTime(), nullable=False),
    Column("download_expires", UTCDateTime(), nullable=False),
    # Set when the bytes arrived (None before: the download URL is a 404 until then).
    Column("date_uploaded", UTCDateTime(), nullable=True),
    Column("size", BigInteger, nullable=True),
    Column("etag", String(64), nullable=True),
    *audit_columns(),
    Index(None, "token", unique=True),
    Index(None, "organization_id", "download_expires"),
)
