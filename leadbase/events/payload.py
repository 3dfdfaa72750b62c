"""The event as webhooks send it: the event log's public shape, from an `event` row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson


def _naive(moment: datetime | None) -> str | None:
    # The event envelope carries naive UTC datetimes, as Close's event log shows them.
    return None if moment is None else moment.replace(tzinfo=None).isoformat(timespec="microseconds")


def event_document(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "date_created": _naive(row["date_created"]),
        "date_updated": _naive(row["date_updated"]),
        "organization_id": row["organization_id"],
        "user_id": row["user_id"],
        "request_id": row["request_id"],
        "api_key_id": row["api_key_id"],
        "oauth_client_id": None,
        "oauth_scope": None,
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "lead_id": row["lead_id"],
        "action": row["action"],
        "changed_fields": row["changed_fields"] or [],
        "meta": row["meta"] or {},
        "data": row["data"],
        "previous_data": row["previous_data"] if row["previous_data"] is not None else {},
    }


def body(subscription_id: str, document: dict[str, Any]) -> bytes:
    """The exact bytes POSTed (and signed): one event per request, as Close sends them."""
    return orjson.dumps({"subscription_id": subscription_id, "event": document})
