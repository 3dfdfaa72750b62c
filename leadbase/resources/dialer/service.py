"""Dialer sessions (power and predictive dialers working through a Smart View or a shared entry).

leadbase places no calls, so it starts no sessions: the API reads the sessions recorded with
`leadbase load dialer FILE` (bodies in the shape the API shows), validated here. Close's
`organization_id` list parameter is ignored, as it is on every list of leadbase (the caller's
organization is the only one a key sees).
"""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors
from leadbase.db.fields import Problem
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.outreach import clean_member

TYPES = ("power", "predictive")
SOURCE_TYPES = ("saved-search", "shared-entry")


def choice(*allowed: str) -> Any:
    def clean(value: Any) -> Any:
        if value not in allowed:
            raise Problem(f"Not a valid choice: use {' or '.join(allowed)}.")
        return value

    return clean


class DialerService(Service):
    def _users(self, value: Any) -> Any:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(u, dict) for u in value):
            raise Problem("Must be a list of {user_id, is_active, state}.")
        return [
            {
                "user_id": clean_member(self.ctx, u.get("user_id")),
                "is_active": bool(u.get("is_active", False)),
                "state": u.get("state"),
            }
            for u in value
        ]

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(
            body,
            creating=True,
            errors=errors,
            cleaners={"user_id": lambda v: clean_member(self.ctx, v), "users": self._users},
        )
        errors.raise_if_any()
        return values
