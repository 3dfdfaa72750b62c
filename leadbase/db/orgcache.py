"""What a process remembers about an organization between requests, under its settings version.

Custom field definitions, lead statuses and member names change rarely and are read by almost
every request. Each is kept here per organization, tagged with the organization's
`settings_version`, which every change replaces in the change's own transaction (the custom field
code does it itself; triggers do it for statuses, memberships, users and API keys, whoever writes). A
request reads the version once (one indexed lookup, shared by everything cached) and reuses what
the process already holds under it; anything else is loaded and kept.

Versions are random, so a version written by a transaction that later rolls back is never read
by anyone else: whatever was cached under it is unreachable, never wrong. A transaction that
writes reads the version again at each lookup, since its own writes (a new status, through a
trigger) replace it mid-request.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import bindparam, select, update

from leadbase.db.context import Context
from leadbase.db.models import lead_status, organization
from leadbase.db.prepared import Prepared

T = TypeVar("T")

_VERSION_MEMO = "orgcache:version"
# Every request reads it (the key check's cache asks first): built once, and on SQLite run on
# the driver's cursor (db/prepared.py), which took 45 of the ~470 us a small list costs through
# SQLAlchemy's execution.
_READ_VERSION = Prepared(
    lambda _: select(organization.c.settings_version).where(organization.c.id == bindparam("organization_id"))
)


class OrganizationCache:
    """Process-wide: (organization id, name) -> (version, value). Values are never mutated."""

    MAX_ENTRIES = 20_000

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, organization_id: str, name: str, version: str) -> tuple[bool, Any]:
        entry = self._entries.get((organization_id, name))
        if entry is not None and entry[0] == version:
            return True, entry[1]
        return False, None

    def put(self, organization_id: str, name: str, version: str, value: Any) -> None:
        with self._lock:
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.clear()
            self._entries[(organization_id, name)] = (version, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


CACHE = OrganizationCache()


def _writes(ctx: Context) -> bool:
    return bool(ctx.conn.get_execution_options().get("writes"))


def settings_version(ctx: Context) -> str:
    """The organization's settings version as this transaction sees it now."""
    memo = ctx.memo.get(_VERSION_MEMO)
    if memo is not None:
        return str(memo)
    rows = _READ_VERSION.rows(ctx.conn, {"organization_id": ctx.organization_id})
    version = str((rows[0]["settings_version"] if rows else None) or "")
    if not _writes(ctx):
        ctx.memo[_VERSION_MEMO] = version
    return version


def cached(ctx: Context, name: str, load: Callable[[Context], T]) -> T:
    """`load(ctx)` for the caller's organization, from the process cache when its version matches."""
    version = settings_version(ctx)
    hit, value = CACHE.get(ctx.organization_id, name, version)
    if hit:
        result: T = value
        return result
    loaded = load(ctx)
    CACHE.put(ctx.organization_id, name, version, loaded)
    return loaded


def settings_changed(ctx: Context) -> str:
    """Replace the organization's settings version (for writes that no trigger watches)."""
    version = uuid.uuid4().hex
    ctx.conn.execute(
        update(organization).where(organization.c.id == ctx.organization_id).values(settings_version=version)
    )
    ctx.memo.pop(_VERSION_MEMO, None)
    return version


# ---- the readers every resource shares --------------------------------------------------------


def _load_lead_statuses(ctx: Context) -> tuple[dict[str, Any], ...]:
    stmt = (
        select(lead_status)
        .where(lead_status.c.organization_id == ctx.organization_id)
        .order_by(lead_status.c.position, lead_status.c.date_created)
    )
    return tuple(dict(r) for r in ctx.conn.execute(stmt).mappings())


def lead_statuses(ctx: Context) -> list[dict[str, Any]]:
    """The organization's lead statuses in order: once per request, from the process cache when current.

    The rows are shared with other requests: read them, never change them.
    """
    statuses = ctx.memo.get("lead_statuses")
    if statuses is None:
        statuses = ctx.memo["lead_statuses"] = cached(ctx, "lead_statuses", _load_lead_statuses)
    return list(statuses)


def forget_lead_statuses(ctx: Context) -> None:
    """After a status write: this request's next read loads them again (under the new version)."""
    ctx.memo.pop("lead_statuses", None)
