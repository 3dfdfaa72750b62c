"""The shared MetaData and the columns every tenant table carries."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String

from leadbase.db.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(64)


def audit_columns() -> list[Column[object]]:
    """date_created/date_updated and who made them, on every Close object."""
    return [
        Column("date_created", UTCDateTime(), nullable=False),
        Column("date_updated", UTCDateTime(), nullable=False),
        Column("created_by", ID, nullable=True),
        Column("updated_by", ID, nullable=True),
    ]
