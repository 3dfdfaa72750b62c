"""Who is acting, inside which transaction: handed to every repository and service call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection


@dataclass(frozen=True)
class Actor:
    """The caller, resolved from an API key: one user in one organization."""

    organization_id: str
    user_id: str | None
    api_key_id: str | None
    role_id: str

    @property
    def is_admin(self) -> bool:
        return self.role_id == "admin"


@dataclass
class Context:
    """One unit of work: a connection inside a transaction, plus request facts for events."""

    conn: Connection
    actor: Actor
    request_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    tz_offset: float | None = None
    # The request's query parameters, for render options such as `_expand`.
    params: Mapping[str, str] = field(default_factory=dict)
    # Per-request memo (statuses, users, field definitions) so one request reads each once.
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def organization_id(self) -> str:
        return self.actor.organization_id
