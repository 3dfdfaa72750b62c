"""HTTP Basic with the API key as the user name, resolved to an Actor and cached briefly.

The cache only saves the lookup by hash: every request's transaction confirms that its key
still exists and its membership is still active (`confirm`), against the organization's active
keys as the process cache holds them under the organization's settings version. Deleting a key
or deactivating a member replaces that version (database triggers), so a revoked key or a
deactivated member is refused at once by every process, at no extra query while nothing changed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time

from sqlalchemy import Engine, bindparam, select

from leadbase.core.errors import Unauthorized
from leadbase.db.context import Actor, Context
from leadbase.db.models import api_key, membership
from leadbase.db.orgcache import cached


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


DUPLICATE_CREDENTIALS = (
    "The request carries more than one Authorization header; send exactly one, with your API key."
)


def key_from_header(authorization: str | None) -> str:
    """The API key from `Basic base64(key:)`; Bearer tokens are taken as keys too."""
    if not authorization:
        raise Unauthorized()
    scheme, _, credentials = authorization.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer" and credentials.strip():
        return credentials.strip()
    if scheme != "basic":
        raise Unauthorized()
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise Unauthorized() from exc
    key = decoded.partition(":")[0]
    if not key:
        raise Unauthorized()
    return key


# Built once: building a select costs more than running it.
_ACTIVE_KEYS = (
    select(api_key.c.id, membership.c.role_id)
    .select_from(api_key)
    .join(
        membership,
        (membership.c.organization_id == api_key.c.organization_id)
        & (membership.c.user_id == api_key.c.user_id),
    )
    .where(api_key.c.organization_id == bindparam("organization_id"), membership.c.is_active.is_(True))
)


def _active_keys(ctx: Context) -> dict[str, str]:
    """The organization's usable keys: id -> the role of their member."""
    rows = ctx.conn.execute(_ACTIVE_KEYS, {"organization_id": ctx.organization_id})
    return {row.id: row.role_id for row in rows}


class KeyResolver:
    """Looks API keys up by their hash; remembers answers for a few seconds."""

    def __init__(self, engine: Engine, ttl_seconds: float) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._cache: dict[str, tuple[float, Actor | None]] = {}

    def cached(self, secret: str) -> tuple[bool, Actor | None]:
        entry = self._cache.get(hash_key(secret))
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def resolve(self, secret: str) -> Actor:
        """The Actor of a key, from the database (blocking: call off the event loop)."""
        digest = hash_key(secret)
        stmt = (
            select(api_key.c.id, api_key.c.organization_id, api_key.c.user_id, membership.c.role_id)
            .join(
                membership,
                (membership.c.organization_id == api_key.c.organization_id)
                & (membership.c.user_id == api_key.c.user_id),
            )
            .where(api_key.c.key_hash == digest, membership.c.is_active.is_(True))
        )
        with self._engine.connect() as conn:
            row = conn.execute(stmt).first()
        actor = Actor(row.organization_id, row.user_id, row.id, row.role_id) if row is not None else None
        if len(self._cache) > 10_000:
            self._cache.clear()
        # Unknown keys are remembered only briefly: a key bootstrapped a moment later must work.
        ttl = self._ttl if actor is not None else min(1.0, self._ttl)
        self._cache[digest] = (time.monotonic() + ttl, actor)
        if actor is None:
            raise Unauthorized()
        return actor

    def confirm(self, ctx: Context) -> Actor:
        """The caller as the database has it now, in the request's transaction; Unauthorized if
        its key was deleted or its membership deactivated since it was cached."""
        actor = ctx.actor
        if actor.api_key_id is None:
            return actor
        role = cached(ctx, "api_keys", _active_keys).get(actor.api_key_id)
        if role is None:
            self.forget_key(actor.api_key_id)
            raise Unauthorized()
        if role != actor.role_id:
            self.forget_key(actor.api_key_id)
            return Actor(actor.organization_id, actor.user_id, actor.api_key_id, role)
        return actor

    def forget_key(self, api_key_id: str) -> None:
        stale = [k for k, (_, a) in self._cache.items() if a is not None and a.api_key_id == api_key_id]
        for digest in stale:
            self._cache.pop(digest, None)

    def forget_all(self) -> None:
        self._cache.clear()
