"""What the resource packages share: field checks, default statuses, user names, membership rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select

from leadbase.core import clock
from leadbase.core.clock import iso
from leadbase.db.context import Context
from leadbase.db.fields import BLANK, REQUIRED, TEXT, Field, Problem
from leadbase.db.models import activity, membership, user
from leadbase.db.orgcache import cached
from leadbase.db.permissions import BUILT_IN_ROLES, is_role, role_permissions
from leadbase.db.prepared import Prepared, one_of
from leadbase.db.resource import resources

MISSING = object()

# The built-in roles (custom ones are role_ ids of the organization).
ROLES = tuple(BUILT_IN_ROLES)
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


def role_list(value: Any) -> list[str]:
    """A list of role ids in shape (the organization's custom roles are checked by `roles_value`)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Problem("Expected a list of role ids.")
    return list(dict.fromkeys(value))


def roles_value(ctx: Context, value: Any) -> list[str]:
    """A list of roles: built-in names (admin, superuser, user, restricteduser) or the ids of the
    organization's custom roles."""
    roles = role_list(value)
    unknown = [v for v in roles if not is_role(ctx, v)]
    if unknown:
        raise Problem(f"Not a role: {', '.join(unknown)}. Use {', '.join(ROLES)} or the id of a custom role.")
    return roles


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


def render_membership(ctx: Context, row: Any, *, nested_user: bool = False) -> dict[str, Any]:
    """A membership as Close shows it (in /organization/, /me/ and /membership/): its own
    attributes, the permissions its role grants, and its user flattened into `user_*` keys
    (or nested under `user` when `_expand` asks)."""
    common = {
        "id": row.id,
        "organization_id": row.organization_id,
        "user_id": row.user_id,
        "role_id": row.role_id,
        "role": row.role_id,
        "permissions_granted": sorted(role_permissions(ctx, row.role_id)),
        "is_active": bool(row.is_active),
        "auto_record_calls": row.auto_record_calls,
        "track_email_opens": bool(row.track_email_opens),
        "default_caller_id": row.default_caller_id,
        "default_caller_id_mode": row.default_caller_id_mode,
        "hangup_recording_url": row.hangup_recording_url,
        "may_workflows_impersonate": bool(row.may_workflows_impersonate),
        # leadbase has no phone numbers, billing or onboarding: Close's values for a member without them.
        "primary_personal_number": None,
        "is_free": False,
        "onboarding_status": None,
    }
    if nested_user:
        # `_expand=memberships__user` swaps the flattened user_* keys for a `user` object.
        user_keys: dict[str, Any] = {
            "user": {
                "id": row.user_id,
                "email": row.email,
                "first_name": row.first_name,
                "last_name": row.last_name,
                "image": row.image,
            }
        }
    else:
        user_keys = {
            "user_email": row.email,
            "user_first_name": row.first_name,
            "user_last_name": row.last_name,
            "user_full_name": full_name(row.first_name, row.last_name),
            "user_image": row.image,
            "user_phone": None,
            "user_phone_formatted": None,
        }
    dates = {"date_created": iso(row.date_created), "date_updated": iso(row.date_updated)}
    return {**common, **user_keys, **dates}


def memberships_with_users(ctx: Context, where: Any) -> list[Any]:
    """Membership rows joined with their user's name keys (for render_membership), in one query."""
    stmt = (
        select(membership, user.c.email, user.c.first_name, user.c.last_name, user.c.image)
        .join(user, user.c.id == membership.c.user_id)
        .where(where)
        .order_by(membership.c.date_created, membership.c.id)
    )
    return list(ctx.conn.execute(stmt))


def record_activity(ctx: Context, path: str, values: dict[str, Any]) -> dict[str, Any]:
    """Record an activity leadbase makes by itself (`activity/created`, a status change...) in
    the caller's unit of work, so it gets its event in the same transaction as its cause.

    `values` are the activity's columns (its type-specific fields in `payload`); the row is
    inserted through the activity type's own service, found in the registry.
    """
    spec = resources.get(path)
    now = clock.now()
    row = {
        "contact_id": None,
        "user_id": ctx.actor.user_id,
        "activity_at": now,
        "date_created": now,
        "date_updated": now,
        "source": None,
        "payload": {},
        "custom": {},
        **values,
    }
    with ctx.unit.operation():
        return spec.service(ctx, spec).insert(row)


def record_lead_merge(
    ctx: Context,
    *,
    source_id: str,
    source_name: str | None,
    destination_id: str,
    destination_name: str | None,
) -> dict[str, Any]:
    """Record Close's LeadMerge activity on the destination lead (the merge done, in its unit of
    work): called by `POST /lead/merge/` once the source's objects have moved."""
    return record_activity(
        ctx,
        "activity/lead_merge",
        {
            "lead_id": destination_id,
            "source": "api",
            "payload": {
                "source_lead_id": source_id,
                "source_display_name": source_name,
                "destination_lead_id": destination_id,
                "destination_display_name": destination_name,
                "merge_status": "completed",
                "error_message": None,
            },
        },
    )


# How far back a call counts as recent for `recent_calls` (Close's window is not documented).
RECENT_CALLS_WINDOW = timedelta(hours=24)
_RECENT_BY_CONTACT = "recent_calls_by_contact"


def _recent_calls_of(column: str) -> Prepared:
    t = activity

    def build(dialect: str) -> Select[Any]:
        return (
            select(
                t.c.id,
                t.c.lead_id,
                t.c.contact_id,
                t.c.status,
                t.c.activity_at,
                t.c.date_created,
                t.c.payload,
            )
            .where(
                t.c.organization_id == bindparam("organization_id"),
                one_of(t.c[column], "ids", dialect),
                t.c.type == "Call",
                t.c.date_created >= bindparam("since"),
            )
            .order_by(t.c.date_created.desc())
        )

    return Prepared(build)


# Built once with bound parameters: every page of leads or contacts runs one, and building the
# select cost ~0.3 ms a page, twenty times what SQLite takes to answer it.
_RECENT_CALLS = {column: _recent_calls_of(column) for column in ("lead_id", "contact_id")}


def recent_calls(
    ctx: Context, column: str, ids: Iterable[str], *, lead_ids: Iterable[str] = ()
) -> dict[str, list[dict[str, Any]]]:
    """`recent_calls` of leads (`column="lead_id"`) or contacts (`"contact_id"`): the calls of the
    last RECENT_CALLS_WINDOW, newest first, in one query for a page.

    A page of leads reads its calls once and keeps them by contact in the request's memo, so
    the contacts rendered inside those leads (contacts give their `lead_ids`) need no query of
    their own.
    """
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    memo: dict[str, Any] | None = ctx.memo.get(_RECENT_BY_CONTACT)
    if column == "contact_id" and memo is not None and set(lead_ids) <= memo["lead_ids"]:
        calls: dict[str, list[dict[str, Any]]] = memo["calls"]
        return {i: calls[i] for i in wanted if i in calls}
    params = {
        "organization_id": ctx.organization_id,
        "ids": wanted,
        "since": clock.now() - RECENT_CALLS_WINDOW,
    }
    out: dict[str, list[dict[str, Any]]] = {}
    by_contact: dict[str, list[dict[str, Any]]] = {}
    for row in _RECENT_CALLS[column].rows(ctx.conn, params):
        payload = row["payload"] or {}
        duration = payload.get("duration")
        seconds = duration if isinstance(duration, int) else 0
        started = row["activity_at"] or row["date_created"]
        call = {
            "id": row["id"],
            "dialer_id": payload.get("dialer_id"),
            "duration": seconds,
            "finish_timestamp": iso(started + timedelta(seconds=seconds)),
            "status": row["status"] or payload.get("status"),
        }
        out.setdefault(row[column], []).append(call)
        if row["contact_id"]:
            by_contact.setdefault(row["contact_id"], []).append(call)
    if column == "lead_id":
        ctx.memo[_RECENT_BY_CONTACT] = {"lead_ids": set(wanted), "calls": by_contact}
    return out


def forget_recent_calls(ctx: Context) -> None:
    """Drop the leads' calls kept for their contacts once those are rendered."""
    ctx.memo.pop(_RECENT_BY_CONTACT, None)
