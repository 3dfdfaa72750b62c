"""Writes of accounts made outside any request: bootstrap and the command line.

Organizations, their first settings, users, memberships and API keys are created by `leadbase
bootstrap` (and the tests) before any actor exists, and keys are revoked and members deactivated by
`leadbase keys`/`leadbase members` across organizations. They have no request, so no unit of work and
no events; the triggers on these tables still replace the organization's settings version, so every
server process sees the change on its next request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, update

from leadbase.db.models import (
    api_key,
    lead_status,
    membership,
    opportunity_status,
    organization,
    pipeline,
    user,
)
from leadbase.db.repository import Row


def create_organization(
    conn: Connection,
    row: Row,
    *,
    lead_statuses: list[Row],
    pipelines: list[Row],
    opportunity_statuses: list[Row],
) -> None:
    """An organization with the settings every organization starts with."""
    conn.execute(insert(organization), row)
    create_settings(
        conn, lead_statuses=lead_statuses, pipelines=pipelines, opportunity_statuses=opportunity_statuses
    )


def create_settings(
    conn: Connection, *, lead_statuses: list[Row], pipelines: list[Row], opportunity_statuses: list[Row]
) -> None:
    """The lead statuses and pipelines an organization starts with (also after a reset)."""
    conn.execute(insert(lead_status), lead_statuses)
    conn.execute(insert(pipeline), pipelines)
    conn.execute(insert(opportunity_status), opportunity_statuses)


def set_organization_creator(conn: Connection, organization_id: str, user_id: str) -> None:
    conn.execute(
        update(organization)
        .where(organization.c.id == organization_id)
        .values(created_by=user_id, updated_by=user_id)
    )


# Rows go in as parameters of one cached statement (`insert(table)`, not `.values(row)`, which
# compiles a statement per row), several at a time where the caller has several: organization
# create is on the path of every test of a suite using the stand-in.


def create_user(conn: Connection, row: Row) -> None:
    create_users(conn, [row])


def create_users(conn: Connection, rows: list[Row]) -> None:
    if rows:
        conn.execute(insert(user), rows)


def create_membership(conn: Connection, row: Row) -> None:
    create_memberships(conn, [row])


def create_memberships(conn: Connection, rows: list[Row]) -> None:
    if rows:
        conn.execute(insert(membership), rows)


def set_membership(conn: Connection, membership_id: str, *, now: datetime, **values: object) -> None:
    """Change a membership (its role, whether it is active)."""
    conn.execute(
        update(membership).where(membership.c.id == membership_id).values(date_updated=now, **values)
    )


def create_api_key(conn: Connection, row: Row) -> None:
    create_api_keys(conn, [row])


def create_api_keys(conn: Connection, rows: list[Row]) -> None:
    if rows:
        conn.execute(insert(api_key), rows)


def delete_api_key(conn: Connection, key_id: str) -> None:
    conn.execute(delete(api_key).where(api_key.c.id == key_id))


def create_organization_row(conn: Connection, row: Row) -> None:
    """An organization's own row only (a fork brings its settings with it)."""
    conn.execute(insert(organization).values(**row))
