"""Who may call the API, managed from the command line: list and revoke keys, list and
deactivate memberships. Each takes effect on the next request of every process, since every
request's transaction confirms its key (leadbase.api.auth.KeyResolver.confirm)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, or_, select

from leadbase.core import clock
from leadbase.core.clock import iso
from leadbase.db import accounts
from leadbase.db.models import api_key, membership, organization, user


class NotFoundError(LookupError):
    """The organization, key or member named does not exist."""


def find_organization(conn: Connection, name_or_id: str) -> str:
    """An organization's id from its id or its name (the oldest of that name)."""
    found = conn.execute(
        select(organization.c.id)
        .where(or_(organization.c.id == name_or_id, organization.c.name == name_or_id))
        .order_by(organization.c.date_created, organization.c.id)
        .limit(1)
    ).scalar()
    if found is None:
        raise NotFoundError(f"no organization has the id or name {name_or_id!r}")
    return str(found)


def _who(row: Any) -> dict[str, Any]:
    """What a key or a membership row says about who may call the API."""
    return {
        "id": row.id,
        "organization_id": row.organization_id,
        "user_id": row.user_id,
        "email": row.email,
        "role": row.role_id,
        "active": bool(row.is_active),
    }


def list_keys(conn: Connection, organization_id: str | None = None) -> list[dict[str, Any]]:
    stmt = (
        select(api_key, user.c.email, membership.c.role_id, membership.c.is_active)
        .join(user, user.c.id == api_key.c.user_id)
        .join(
            membership,
            (membership.c.organization_id == api_key.c.organization_id)
            & (membership.c.user_id == api_key.c.user_id),
            isouter=True,
        )
        .order_by(api_key.c.organization_id, api_key.c.date_created, api_key.c.id)
    )
    if organization_id is not None:
        stmt = stmt.where(api_key.c.organization_id == organization_id)
    # A key of a deactivated member exists but does not work: "active" is false.
    return [
        {**_who(row), "name": row.name, "date_created": iso(row.date_created)} for row in conn.execute(stmt)
    ]


def revoke_key(conn: Connection, key_id: str) -> dict[str, Any]:
    row = conn.execute(select(api_key.c.id, api_key.c.organization_id).where(api_key.c.id == key_id)).first()
    if row is None:
        raise NotFoundError(
            f"no API key has the id {key_id!r} (ids look like api_...; see `leadbase keys list`)"
        )
    accounts.delete_api_key(conn, key_id)
    return {"id": row.id, "organization_id": row.organization_id, "revoked": True}


def list_members(conn: Connection, organization_id: str | None = None) -> list[dict[str, Any]]:
    stmt = (
        select(membership, user.c.email)
        .join(user, user.c.id == membership.c.user_id)
        .order_by(membership.c.organization_id, membership.c.date_created, membership.c.id)
    )
    if organization_id is not None:
        stmt = stmt.where(membership.c.organization_id == organization_id)
    return [_who(row) for row in conn.execute(stmt)]


def deactivate_member(conn: Connection, organization_id: str, email: str) -> dict[str, Any]:
    row = conn.execute(
        select(membership.c.id, membership.c.is_active)
        .join(user, user.c.id == membership.c.user_id)
        .where(membership.c.organization_id == organization_id, user.c.email == email)
    ).first()
    if row is None:
        raise NotFoundError(f"{email!r} is not a member of the organization {organization_id}")
    accounts.set_membership(conn, row.id, now=clock.now(), is_active=False)
    return {"id": row.id, "organization_id": organization_id, "email": email, "active": False}
