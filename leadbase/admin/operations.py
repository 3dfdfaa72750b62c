"""What the admin API and `leadbase org` do to organizations, on a connection in a transaction.

Both callers open the transaction (a request's, a command's) and call these; the writes
themselves are in `db/tenants.py` and `db/accounts.py`. Problems are `core.errors`, which the
API renders as Close-style bodies and the commands print as one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from leadbase.core import clock
from leadbase.core.emails import EmailNotValidError, normalized_email
from leadbase.core.errors import Invalid, NotFound
from leadbase.core.ids import SHORT, new_id
from leadbase.custom_fields.indexes import sync_organization_indexes
from leadbase.db import accounts, tenants
from leadbase.db.models import api_key, membership, org_snapshot, organization, user
from leadbase.resources.common import ROLES
from leadbase.resources.organization.provision import (
    add_member,
    create_default_organization,
    default_settings,
    issue_key,
    key_row,
    membership_row,
    user_row,
)


@dataclass(frozen=True)
class NewMember:
    email: str
    role: str = "admin"
    first_name: str | None = None
    last_name: str | None = None


def parse_members(raw: Any) -> list[NewMember]:
    """The `users` of a create body: a non-empty list of {email, role?, first_name?, last_name?}."""
    if not isinstance(raw, list) or not raw:
        raise Invalid({"users": "Give a non-empty list of users, each with an email."})
    members: list[NewMember] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("email"), str):
            raise Invalid({f"users.{i}.email": "This field is required."})
        try:
            normalized_email(item["email"])
        except EmailNotValidError as exc:
            raise Invalid({f"users.{i}.email": str(exc)}) from exc
        role = item.get("role", "admin")
        if role not in ROLES:
            raise Invalid({f"users.{i}.role": f"Must be one of {', '.join(ROLES)}."})
        names = {k: item.get(k) for k in ("first_name", "last_name")}
        for key, value in names.items():
            if value is not None and not isinstance(value, str):
                raise Invalid({f"users.{i}.{key}": "Must be a string."})
        members.append(NewMember(item["email"], role, names["first_name"], names["last_name"]))
    emails = [m.email.strip().lower() for m in members]
    if len(set(emails)) != len(emails):
        raise Invalid({"users": "Each user may appear once."})
    return members


def organization_name(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid({"name": "Give the organization a name."})
    return raw.strip()[:255]


def create(conn: Connection, name: str, members: list[NewMember]) -> dict[str, Any]:
    """A new organization with default settings, its members and a fresh key for each.

    A handful of statements whatever the number of members (one lookup of the users who
    exist already, then one multi-row insert per table): a test suite makes one per test.
    """
    now = clock.now()
    emails = [m.email.strip().lower() for m in members]
    found = conn.execute(select(user.c.email, user.c.id).where(user.c.email.in_(emails)))
    user_ids: dict[str, str] = {email: user_id for email, user_id in found}
    new_users = [
        user_row(email, now, first_name=m.first_name, last_name=m.last_name)
        for email, m in zip(emails, members, strict=True)
        if email not in user_ids
    ]
    accounts.create_users(conn, new_users)
    user_ids.update((row["email"], row["id"]) for row in new_users)
    org_id = create_default_organization(conn, name, now, created_by=user_ids[emails[0]])
    memberships = [
        membership_row(org_id, user_ids[e], m.role, now) for e, m in zip(emails, members, strict=True)
    ]
    keys = [key_row(org_id, user_ids[e], now) for e in emails]
    accounts.create_memberships(conn, memberships)
    accounts.create_api_keys(conn, [row for row, _ in keys])
    users = [
        {
            "user_id": user_ids[email],
            "email": email,
            "role": member["role_id"],
            "membership_id": member["id"],
            "api_key_id": key["id"],
            "api_key": secret,
        }
        for email, member, (key, secret) in zip(emails, memberships, keys, strict=True)
    ]
    return {"id": org_id, "name": name, "users": users}


def add_members(conn: Connection, organization_id: str, members: list[NewMember]) -> list[dict[str, Any]]:
    """Make each a member of the organization: the user with that email, or a new one; a member
    already keeps their names and takes the role given. No keys are issued."""
    find(conn, organization_id)
    now = clock.now()
    added = []
    for member in members:
        user_id, membership_id, created = add_member(
            conn,
            organization_id,
            member.email,
            role=member.role,
            first_name=member.first_name,
            last_name=member.last_name,
            now=now,
        )
        added.append(
            {
                "user_id": user_id,
                "email": member.email.strip().lower(),
                "role": member.role,
                "membership_id": membership_id,
                "created_user": created,
            }
        )
    return added


def find(conn: Connection, organization_id: str) -> dict[str, Any]:
    row = conn.execute(select(organization).where(organization.c.id == organization_id)).mappings().first()
    if row is None:
        raise NotFound(f"No organization has the id {organization_id!r}.")
    return dict(row)


def _render(row: Any, members: int) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "currency": row["currency"],
        "date_created": clock.iso(row["date_created"]),
        "members": members,
    }


LISTED = (organization.c.id, organization.c.name, organization.c.currency, organization.c.date_created)
LIST_ORDER = (organization.c.date_created, organization.c.id)


def _active_members(*where: ColumnElement[bool]) -> Select[Any]:
    return (
        select(membership.c.organization_id, func.count())
        .where(membership.c.is_active, *where)
        .group_by(membership.c.organization_id)
    )


def list_page(conn: Connection, *, skip: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
    """A page of organizations, oldest first, with each one's number of active members, and
    whether more follow. Two queries whatever the number of organizations: the page, read one
    row past its end for `has_more`, and the active members of the page's organizations alone."""
    rows = conn.execute(select(*LISTED).order_by(*LIST_ORDER).offset(skip).limit(limit + 1)).mappings().all()
    page = rows[:limit]
    ids = [row["id"] for row in page]
    counts: dict[str, int] = (
        dict(conn.execute(_active_members(membership.c.organization_id.in_(ids))).all()) if ids else {}
    )
    return [_render(row, counts.get(row["id"], 0)) for row in page], len(rows) > limit


def list_all(conn: Connection) -> list[dict[str, Any]]:
    """Every organization, as `list_page` orders them (two queries): for `leadbase org list`,
    which prints them all; the admin API lists a page at a time."""
    counts: dict[str, int] = dict(conn.execute(_active_members()).all())
    rows = conn.execute(select(*LISTED).order_by(*LIST_ORDER))
    return [_render(row, counts.get(row["id"], 0)) for row in rows.mappings()]


def show(conn: Connection, organization_id: str) -> dict[str, Any]:
    row = find(conn, organization_id)
    members = conn.execute(
        select(membership.c.id, membership.c.role_id, membership.c.is_active, user.c.id, user.c.email)
        .join(user, user.c.id == membership.c.user_id)
        .where(membership.c.organization_id == organization_id)
        .order_by(membership.c.date_created, membership.c.id)
    ).all()
    out = _render(row, sum(1 for m in members if m[2]))
    out["users"] = [
        {"membership_id": m[0], "role": m[1], "is_active": m[2], "user_id": m[3], "email": m[4]}
        for m in members
    ]
    return out


def member_key(conn: Connection, organization_id: str) -> dict[str, Any]:
    """A fresh API key of the organization's first active admin, for acting as the organization
    (the console's organization switch). The caller revokes it when done (`revoke_key`)."""
    find(conn, organization_id)
    row = conn.execute(
        select(user.c.id, user.c.email, user.c.first_name, user.c.last_name)
        .join(membership, membership.c.user_id == user.c.id)
        .where(
            membership.c.organization_id == organization_id,
            membership.c.is_active.is_(True),
            membership.c.role_id == "admin",
        )
        .order_by(membership.c.date_created, membership.c.id)
        .limit(1)
    ).first()
    if row is None:
        raise Invalid({"organization": "The organization has no active admin to act as."})
    key_id, secret = issue_key(conn, organization_id, row.id, clock.now())
    name = " ".join(n for n in (row.first_name, row.last_name) if n) or row.email
    return {"id": key_id, "api_key": secret, "user_id": row.id, "user_name": name}


def revoke_key(conn: Connection, organization_id: str, key_id: str) -> None:
    """Delete one of the organization's API keys (a 404 for another organization's)."""
    found = conn.execute(
        select(api_key.c.id).where(api_key.c.id == key_id, api_key.c.organization_id == organization_id)
    ).first()
    if found is None:
        raise NotFound(f"The organization has no API key {key_id!r}.")
    accounts.delete_api_key(conn, key_id)


def reset(conn: Connection, organization_id: str) -> int:
    """Empty the organization: data, configuration and history go; the organization, its members,
    roles and keys stay; it gets the default statuses and pipeline of a new one. Rows removed."""
    find(conn, organization_id)
    kept = {name for name, role in tenants.ROLES.items() if role == tenants.ACCOUNT}
    removed = tenants.empty(conn, organization_id, keep=kept)
    sync_organization_indexes(conn, organization_id)
    accounts.create_settings(conn, **default_settings(organization_id, clock.now()))
    tenants.refresh_settings(conn, organization_id)
    return removed


def _snapshot_row(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "organization_id": row["organization_id"],
        "name": row["name"],
        "rows": row["rows"],
        "date_created": clock.iso(row["date_created"]),
    }


def snapshot(conn: Connection, organization_id: str, name: str | None = None) -> dict[str, Any]:
    """Copy every tenant row of the organization into a stored snapshot."""
    find(conn, organization_id)
    doc = tenants.dump(conn, organization_id)
    now = clock.now()
    row = {
        "id": new_id("snap", SHORT),
        "organization_id": organization_id,
        "name": (name or "").strip()[:255] or clock.iso(now) or "",
        "rows": sum(len(rows) for rows in doc["tables"].values()),
        "content": tenants.pack(doc),
        "date_created": now,
    }
    tenants.save_snapshot(conn, row)
    return _snapshot_row(row)


def snapshots(conn: Connection, organization_id: str) -> list[dict[str, Any]]:
    find(conn, organization_id)
    s = org_snapshot
    rows = conn.execute(
        select(s.c.id, s.c.organization_id, s.c.name, s.c.rows, s.c.date_created)
        .where(s.c.organization_id == organization_id)
        .order_by(s.c.date_created, s.c.id)
    ).mappings()
    return [_snapshot_row(row) for row in rows]


def _snapshot_doc(conn: Connection, organization_id: str, snapshot_id: Any) -> dict[str, Any]:
    if not isinstance(snapshot_id, str):
        raise Invalid({"snapshot_id": "This field is required."})
    content = conn.execute(
        select(org_snapshot.c.content).where(
            org_snapshot.c.id == snapshot_id, org_snapshot.c.organization_id == organization_id
        )
    ).scalar()
    if content is None:
        raise NotFound(f"The organization has no snapshot {snapshot_id!r}.")
    return tenants.unpack(content)


def restore(conn: Connection, organization_id: str, snapshot_id: Any) -> int:
    """Make the organization exactly what the snapshot holds (members and keys included)."""
    find(conn, organization_id)
    restored = tenants.restore(conn, organization_id, _snapshot_doc(conn, organization_id, snapshot_id))
    sync_organization_indexes(conn, organization_id)
    return restored


def delete_snapshot(conn: Connection, organization_id: str, snapshot_id: str) -> None:
    _snapshot_doc(conn, organization_id, snapshot_id)
    tenants.delete_snapshot(conn, snapshot_id)


def fork(
    conn: Connection,
    organization_id: str,
    *,
    name: str | None = None,
    with_data: bool = False,
    snapshot_id: str | None = None,
) -> dict[str, Any]:
    """A new, independent organization from this one (or from one of its snapshots): its
    configuration, members and roles, and with `with_data` its records, all under new ids.
    Each active member gets a new key (keys are never copied)."""
    source = find(conn, organization_id)
    doc = (
        _snapshot_doc(conn, organization_id, snapshot_id)
        if snapshot_id is not None
        else tenants.dump(conn, organization_id)
    )
    new_org = new_id("orga")
    rows = tenants.fork_rows(doc, new_org, with_data=with_data)
    now = clock.now()
    forked_name = name or f"{source['name']} (fork)"
    accounts.create_organization_row(
        conn,
        {
            **{k: v for k, v in doc["organization"].items() if k != "settings_version"},
            "id": new_org,
            "name": forked_name,
            "date_created": now,
            "date_updated": now,
        },
    )
    tenants.load(conn, new_org, rows)
    sync_organization_indexes(conn, new_org)
    users = []
    for member in rows.get("membership", []):
        if not member["is_active"]:
            continue
        key_id, secret = issue_key(conn, new_org, member["user_id"], now)
        users.append(
            {
                "user_id": member["user_id"],
                "role": member["role_id"],
                "membership_id": member["id"],
                "api_key_id": key_id,
                "api_key": secret,
            }
        )
    emails = dict(
        conn.execute(
            select(user.c.id, user.c.email).where(user.c.id.in_([u["user_id"] for u in users]))
        ).all()
    )
    for entry in users:
        entry["email"] = emails.get(entry["user_id"])
    return {
        "id": new_org,
        "name": forked_name,
        "forked_from": organization_id,
        "with_data": with_data,
        "users": users,
    }


def delete(conn: Connection, organization_id: str) -> None:
    find(conn, organization_id)
    tenants.delete_organization(conn, organization_id)
    sync_organization_indexes(conn, organization_id)
