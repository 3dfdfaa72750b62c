"""The organization's names a lead query string may use, for the translator (search/query_string).

`"custom.Lead Source":Web`, `status:Qualified`, `in:"Hot leads"` and `created_by:"Ann Lee"`
name things only the caller's organization knows. The translator asks this resolver; each kind
is read at most once per request (statuses and custom fields from the organization caches), so
a query of a hundred status terms is still one read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from leadbase.core.names import name_key
from leadbase.custom_fields.definitions import FieldDefinition, load_definitions
from leadbase.db.context import Context
from leadbase.db.models import membership, opportunity_status, user
from leadbase.db.orgcache import lead_statuses
from leadbase.search.query_string import CustomField

# Object types whose custom fields the query string can name.
_CUSTOM_KINDS = ("lead", "contact", "opportunity")


class OrganizationNames:
    """Resolver (search/query_string.py) over the caller's organization."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._definitions: dict[str, list[FieldDefinition]] = {}
        self._opportunity_statuses: list[dict[str, Any]] | None = None
        self._users: dict[str, list[str]] = {}

    def custom_field(self, object_type: str, name: str) -> CustomField | None:
        if object_type not in _CUSTOM_KINDS:
            return None
        definitions = self._definitions.get(object_type)
        if definitions is None:
            definitions = self._definitions[object_type] = load_definitions(self.ctx, object_type)
        for definition in definitions:
            if definition.id == name:
                return CustomField(definition.id, definition.type)
        # Names match as they do on writes (`custom.<name>`): case and spacing aside.
        key = name_key(name)
        for definition in definitions:
            if name_key(definition.name) == key:
                return CustomField(definition.id, definition.type)
        return None

    def status_ids(self, reference_type: str, label: str) -> list[str]:
        statuses = lead_statuses(self.ctx) if reference_type == "status.lead" else self._opportunity()
        key = name_key(label)
        return [s["id"] for s in statuses if s["id"] == label or name_key(s["label"]) == key]

    def _opportunity(self) -> list[dict[str, Any]]:
        if self._opportunity_statuses is None:
            t = opportunity_status
            rows = self.ctx.conn.execute(
                select(t.c.id, t.c.label).where(t.c.organization_id == self.ctx.organization_id)
            )
            self._opportunity_statuses = [dict(r) for r in rows.mappings()]
        return self._opportunity_statuses

    def saved_search_id(self, name_or_id: str) -> str | None:
        # Smart views arrive with the search engine (their table is its); until then none is found.
        return None

    def user_ids(self, value: str) -> list[str]:
        """Members by id, email (any case) or full name; several when a name is shared."""
        known = self._users.get(value)
        if known is not None:
            return known
        full_name = func.trim(
            func.coalesce(user.c.first_name, "") + " " + func.coalesce(user.c.last_name, "")
        )
        stmt = (
            select(user.c.id)
            .join(membership, membership.c.user_id == user.c.id)
            .where(
                membership.c.organization_id == self.ctx.organization_id,
                or_(
                    user.c.id == value,
                    func.lower(user.c.email) == value.lower(),
                    func.lower(full_name) == value.strip().lower(),
                ),
            )
            .order_by(user.c.id)
        )
        found = self._users[value] = [r.id for r in self.ctx.conn.execute(stmt)]
        return found
