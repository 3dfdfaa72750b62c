"""What the resource packages share: field checks, built-in roles, default statuses, user names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from leadbase.db.context import Context
from leadbase.db.fields import BLANK, REQUIRED, TEXT, Field, Problem
from leadbase.db.models import membership, user
from leadbase.db.orgcache import cached

MISSING = object()

# The built-in roles (custom ones are role_ ids).
ROLES = ("admin", "superuser", "user", "restricteduser")
# The lead statuses a new organization starts with, the first the default for new leads.
DEFAULT_LEAD_STATUSES = ("Potential", "Bad Fit", "Qualified", "Customer")
NAME_LENGTH = 255


def name_value(value: Any) -> str:
    """The name of a custom field or custom type: text, trimmed, not blank, at most 255 characters."""
    if not isinstance(value, str):
        raise Problem(REQUIRED if value is None else "Not a valid string.")
    name = value.strip()
    if not name:
        raise Problem(BLANK)
    if len(name) > NAME_LENGTH:
        raise Problem(f"Longer than the maximum of {NAME_LENGTH} characters.")
    return name


def name_field(name: str = "name", **options: Any) -> Field:
    """A required name, checked by `name_value`."""
    return Field(
        name,
        TEXT,
        required=True,
        nullable=False,
        blank=False,
        strip=True,
        max_length=NAME_LENGTH,
        cleaner=name_value,
        **options,
    )


def roles_value(value: Any) -> list[str]:
    """A list of roles: built-in names (admin, superuser, user, restricteduser) or role_ ids."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Problem("Expected a list of role ids.")
    unknown = [v for v in value if v not in ROLES and not v.startswith("role_")]
    if unknown:
        raise Problem(f"Not a role: {', '.join(unknown)}. Use {', '.join(ROLES)} or a role_ id.")
    return list(dict.fromkeys(value))


def strict_bool(value: Any) -> bool:
    """A flag: true or false, null refused as anything else."""
    if not isinstance(value, bool):
        raise Problem("Must be true or false.")
    return value


def full_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


def _member_names(ctx: Context) -> dict[str, str]:
    rows = ctx.conn.execute(
        select(user.c.id, user.c.first_name, user.c.last_name, user.c.email)
        .join(membership, membership.c.user_id == user.c.id)
        .where(membership.c.organization_id == ctx.organization_id)
    )
    return {row.id: full_name(row.first_name, row.last_name) or row.email for row in rows}


def user_names(ctx: Context, ids: Iterable[str | None]) -> dict[str, str]:
    """Display names of users: the members' from the process cache, anyone else's in one query a page."""
    memo: dict[str, str] | None = ctx.memo.get("user_names")
    if memo is None:
        memo = ctx.memo["user_names"] = dict(cached(ctx, "member_names", _member_names))
    wanted = {i for i in ids if i and i not in memo}
    if wanted:
        # Former members (a created_by whose membership is gone) are not in the cache.
        rows = ctx.conn.execute(
            select(user.c.id, user.c.first_name, user.c.last_name, user.c.email).where(user.c.id.in_(wanted))
        )
        for row in rows:
            memo[row.id] = full_name(row.first_name, row.last_name) or row.email
    return memo
