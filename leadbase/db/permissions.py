"""Roles and what they permit: the one place that answers "may the caller do this?".

A member's role is one of Close's four built-in roles (`admin`, `superuser`, `user`,
`restricteduser`: ids and permission sets are the same in every organization) or one of the
organization's custom roles (`role_...`, the `role` table). The permissions of custom roles are
kept per process under the organization's settings version (a trigger replaces it when a role
changes), so a check costs no query while nothing changed.

Services call `require(ctx, permission)` from their `authorize` hook; a caller without the
permission gets 403 and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from leadbase.core.errors import Forbidden
from leadbase.db.context import Context
from leadbase.db.models import role
from leadbase.db.orgcache import cached

# The permission strings Close's roles carry (Close publishes no full catalogue: these are the
# ones observed in its API; see docs/compatibility.md).
BULK_DELETE = "bulk_delete"
DELETE_LEADS = "delete_leads"
DELETE_OWN_ACTIVITIES = "delete_own_activities"
DELETE_OWN_OPPORTUNITIES = "delete_own_opportunities"
DELETE_OWN_TASKS = "delete_own_tasks"
MANAGE_CUSTOMIZATIONS = "manage_customizations"
MANAGE_ORGANIZATION = "manage_organization"
MANAGE_OTHERS_ACTIVITIES = "manage_others_activities"
MANAGE_OTHERS_OPPORTUNITIES = "manage_others_opportunities"
MANAGE_OTHERS_TASKS = "manage_others_tasks"
VIEW_ALL_LEADS = "view_all_leads"

PERMISSIONS: tuple[str, ...] = (
    "bulk_delete",
    "bulk_edit",
    "bulk_email",
    "bulk_import",
    "bulk_sequence_subscriptions",
    "calling",
    "delete_leads",
    "delete_own_activities",
    "delete_own_opportunities",
    "delete_own_tasks",
    "export",
    "manage_customizations",
    "manage_group_numbers",
    "manage_organization",
    "manage_others_activities",
    "manage_others_opportunities",
    "manage_others_tasks",
    "manage_team_email_templates",
    "manage_team_smart_views",
    "merge_leads",
    "view_all_leads",
)


@dataclass(frozen=True)
class BuiltInRole:
    id: str
    name: str
    permissions: frozenset[str]


_ALL = frozenset(PERMISSIONS)
_OWN = frozenset(
    {"calling", "delete_own_activities", "delete_own_opportunities", "delete_own_tasks", VIEW_ALL_LEADS}
)
_OTHERS = frozenset({MANAGE_OTHERS_ACTIVITIES, "manage_others_opportunities", "manage_others_tasks"})

# Close's predefined roles, as its help pages describe them, in the order GET /role/ lists them
# (before the custom roles). Superusers are admins who do not manage the organization (members,
# billing, roles); users add lead management and bulk import and email to what restricted users
# do, and manage no settings.
BUILT_IN_ROLES: dict[str, BuiltInRole] = {
    r.id: r
    for r in (
        BuiltInRole("admin", "Admin", _ALL),
        BuiltInRole("superuser", "Super User", _ALL - {MANAGE_ORGANIZATION}),
        BuiltInRole(
            "user",
            "User",
            _OWN
            | _OTHERS
            | {DELETE_LEADS, "merge_leads", "bulk_import", "bulk_email", "bulk_sequence_subscriptions"},
        ),
        BuiltInRole("restricteduser", "Restricted User", _OWN),
    )
}

_CUSTOM = select(role.c.id, role.c.permissions).where(role.c.organization_id == bindparam("organization_id"))


def _custom_roles(ctx: Context) -> dict[str, frozenset[str]]:
    rows = ctx.conn.execute(_CUSTOM, {"organization_id": ctx.organization_id})
    return {r.id: frozenset(r.permissions or ()) for r in rows}


def custom_roles(ctx: Context) -> dict[str, frozenset[str]]:
    """The organization's custom roles: id -> permissions (shared: never change them)."""
    return cached(ctx, "roles", _custom_roles)


def is_role(ctx: Context, role_id: object) -> bool:
    """Whether `role_id` names a built-in role or one of the organization's custom roles."""
    return isinstance(role_id, str) and (role_id in BUILT_IN_ROLES or role_id in custom_roles(ctx))


def role_permissions(ctx: Context, role_id: str) -> frozenset[str]:
    """What a role permits; nothing for a role that no longer exists."""
    built_in = BUILT_IN_ROLES.get(role_id)
    if built_in is not None:
        return built_in.permissions
    return custom_roles(ctx).get(role_id, frozenset())


def has(ctx: Context, permission: str) -> bool:
    """Whether the caller's role grants `permission`."""
    return permission in role_permissions(ctx, ctx.actor.role_id)


MESSAGES = {
    DELETE_LEADS: "Your role may not delete leads.",
    MANAGE_CUSTOMIZATIONS: "Your role may not manage customizations (custom fields, statuses, object types).",
    MANAGE_ORGANIZATION: "Your role may not manage the organization (settings, members, roles, groups).",
    MANAGE_OTHERS_ACTIVITIES: "Your role may not change or delete other users' activities.",
    DELETE_OWN_ACTIVITIES: "Your role may not delete activities.",
    MANAGE_OTHERS_OPPORTUNITIES: "Your role may not change or delete other users' opportunities.",
    DELETE_OWN_OPPORTUNITIES: "Your role may not delete opportunities.",
    MANAGE_OTHERS_TASKS: "Your role may not change or delete other users' tasks.",
    DELETE_OWN_TASKS: "Your role may not delete tasks.",
}


def require(ctx: Context, permission: str, message: str | None = None) -> None:
    """Forbidden (403) unless the caller's role grants `permission`."""
    if not has(ctx, permission):
        raise Forbidden(message or MESSAGES.get(permission, f"Your role lacks the {permission} permission."))


def require_for_object(ctx: Context, owner_id: str | None, action: str, *, own: str, others: str) -> None:
    """Changing or deleting an object that belongs to a user (an activity, an opportunity, a task).

    Another user's object needs `others` (`manage_others_activities`...); deleting one's own needs
    `own` (`delete_own_activities`...); changing one's own needs nothing.
    """
    if owner_id is not None and owner_id != ctx.actor.user_id:
        require(ctx, others)
    elif action == "delete":
        require(ctx, own)
