"""Creating organizations, users, memberships and API keys (bootstrap and tests)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, text

from leadbase.api.auth import hash_key
from leadbase.core import clock
from leadbase.core.ids import BASE62, LONG, SHORT, new_id
from leadbase.core.names import name_key
from leadbase.db import accounts
from leadbase.db.models import membership, organization, user
from leadbase.db.repository import Row
from leadbase.resources.common import DEFAULT_LEAD_STATUSES, ROLES
from leadbase.resources.deals import default_pipeline_rows


@dataclass(frozen=True)
class Provisioned:
    organization_id: str
    user_id: str
    membership_id: str
    api_key_id: str
    api_key: str
    created_organization: bool
    created_user: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "organization_id": self.organization_id,
            "user_id": self.user_id,
            "membership_id": self.membership_id,
            "api_key_id": self.api_key_id,
            "api_key": self.api_key,
            "created_organization": self.created_organization,
            "created_user": self.created_user,
        }


def new_secret() -> str:
    return "api_" + "".join(secrets.choice(BASE62) for _ in range(LONG))


def provision(
    conn: Connection,
    *,
    organization_name: str,
    email: str,
    role: str = "admin",
    first_name: str | None = None,
    last_name: str | None = None,
) -> Provisioned:
    """Find or create the organization and user, make the membership, issue a fresh key.

    Runs in the caller's transaction; safe to call while a server uses the database.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    now = clock.now()
    if conn.dialect.name == "postgresql":
        # Two bootstraps of one new name at once must make one organization, not two.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": organization_name})
    org_id = conn.execute(
        select(organization.c.id)
        .where(organization.c.name == organization_name)
        .order_by(organization.c.date_created, organization.c.id)
        .limit(1)
    ).scalar()
    created_org = org_id is None
    if org_id is None:
        org_id = create_default_organization(conn, organization_name, now)
    user_id, membership_id, created_user = add_member(
        conn, org_id, email, role=role, first_name=first_name, last_name=last_name, now=now
    )
    key_id, secret = issue_key(conn, org_id, user_id, now)
    if created_org:
        accounts.set_organization_creator(conn, org_id, user_id)
    return Provisioned(org_id, user_id, membership_id, key_id, secret, created_org, created_user)


def default_settings(organization_id: str, now: datetime) -> dict[str, list[Row]]:
    """The rows of the lead statuses and the pipeline every organization starts with."""
    statuses = [
        {
            "id": new_id("stat"),
            "organization_id": organization_id,
            "label": label,
            "label_key": name_key(label),
            "position": i,
            "date_created": now,
            "date_updated": now,
        }
        for i, label in enumerate(DEFAULT_LEAD_STATUSES)
    ]
    pipeline, opportunity_statuses = default_pipeline_rows(organization_id, now, None)
    return {"lead_statuses": statuses, "pipelines": [pipeline], "opportunity_statuses": opportunity_statuses}


def create_default_organization(
    conn: Connection, name: str, now: datetime, *, currency: str = "USD", created_by: str | None = None
) -> str:
    """A new organization with the default statuses and pipeline; its id."""
    org_id = new_id("orga")
    row = {"id": org_id, "name": name, "currency": currency, "date_created": now, "date_updated": now}
    if created_by is not None:
        row |= {"created_by": created_by, "updated_by": created_by}
    accounts.create_organization(conn, row, **default_settings(org_id, now))
    return org_id


def user_row(
    email: str, now: datetime, *, first_name: str | None = None, last_name: str | None = None
) -> Row:
    """A new user's row; without a first name, the email's first word stands in."""
    normalized_email = email.strip().lower()
    local = normalized_email.split("@")[0]
    return {
        "id": new_id("user"),
        "email": normalized_email,
        "first_name": first_name if first_name is not None else local.split(".")[0].capitalize(),
        "last_name": last_name if last_name is not None else "",
        "date_created": now,
        "date_updated": now,
    }


def membership_row(organization_id: str, user_id: str, role: str, now: datetime) -> Row:
    return {
        "id": new_id("memb"),
        "organization_id": organization_id,
        "user_id": user_id,
        "role_id": role,
        "is_active": True,
        "date_created": now,
        "date_updated": now,
    }


def key_row(organization_id: str, user_id: str, now: datetime) -> tuple[Row, str]:
    """A fresh API key's row (only the secret's hash is stored) and the secret."""
    secret = new_secret()
    row = {
        "id": new_id("api", SHORT),
        "organization_id": organization_id,
        "user_id": user_id,
        "key_hash": hash_key(secret),
        "date_created": now,
    }
    return row, secret


def add_member(
    conn: Connection,
    organization_id: str,
    email: str,
    *,
    role: str,
    now: datetime,
    first_name: str | None = None,
    last_name: str | None = None,
) -> tuple[str, str, bool]:
    """Find or create the user and make (or reactivate) its membership: user id, membership id,
    whether the user is new."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    normalized_email = email.strip().lower()
    user_id = conn.execute(select(user.c.id).where(user.c.email == normalized_email)).scalar()
    created_user = user_id is None
    if user_id is None:
        row = user_row(normalized_email, now, first_name=first_name, last_name=last_name)
        user_id = row["id"]
        accounts.create_user(conn, row)
    membership_id = conn.execute(
        select(membership.c.id).where(
            membership.c.organization_id == organization_id, membership.c.user_id == user_id
        )
    ).scalar()
    if membership_id is None:
        member = membership_row(organization_id, user_id, role, now)
        membership_id = member["id"]
        accounts.create_membership(conn, member)
    else:
        accounts.set_membership(conn, membership_id, now=now, role_id=role, is_active=True)
    return user_id, membership_id, created_user


def issue_key(conn: Connection, organization_id: str, user_id: str, now: datetime) -> tuple[str, str]:
    """A fresh API key for a member: its id and its secret (only its hash is stored)."""
    row, secret = key_row(organization_id, user_id, now)
    accounts.create_api_key(conn, row)
    return row["id"], secret
