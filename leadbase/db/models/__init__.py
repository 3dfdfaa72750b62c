"""Every table of leadbase, on one MetaData (Alembic reads it)."""

from leadbase.db.models.base import metadata
from leadbase.db.models.crm import contact, lead, lead_status
from leadbase.db.models.events import event
from leadbase.db.models.identity import api_key, membership, organization, user

__all__ = [
    "api_key",
    "contact",
    "event",
    "lead",
    "lead_status",
    "membership",
    "metadata",
    "organization",
    "user",
]
