"""Reference lookups against the database, scoped to the caller's organization and batched."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from leadbase.db.context import Context
from leadbase.db.models import contact, custom_object, membership, user

MEMBERS_KEY = "custom_fields:members"


def _full_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


class DatabaseLookups:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _members(self) -> list[tuple[str, str]]:
        """(user id, full name) of every member, active or former, read once per request."""
        members: list[tuple[str, str]] | None = self.ctx.memo.get(MEMBERS_KEY)
        if members is None:
            rows = self.ctx.conn.execute(
                select(user.c.id, user.c.first_name, user.c.last_name)
                .join(membership, membership.c.user_id == user.c.id)
                .where(membership.c.organization_id == self.ctx.organization_id)
            )
            members = [(r.id, _full_name(r.first_name, r.last_name)) for r in rows]
            self.ctx.memo[MEMBERS_KEY] = members
        return members

    def user_ids(self, values: Sequence[str]) -> dict[str, str]:
        members = self._members()
        ids = {member_id for member_id, _ in members}
        by_name: dict[str, list[str]] = {}
        for member_id, name in members:
            if name:
                by_name.setdefault(name, []).append(member_id)
        found: dict[str, str] = {}
        for value in values:
            if value in ids:
                found[value] = value
            elif len(by_name.get(value, [])) == 1:
                # A full name shared by two members identifies neither.
                found[value] = by_name[value][0]
        return found

    def contact_leads(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        rows = self.ctx.conn.execute(
            select(contact.c.id, contact.c.lead_id).where(
                contact.c.organization_id == self.ctx.organization_id, contact.c.id.in_(set(ids))
            )
        )
        return {r.id: r.lead_id for r in rows}

    def custom_objects(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        if not ids:
            return {}
        rows = self.ctx.conn.execute(
            select(custom_object.c.id, custom_object.c.custom_object_type_id, custom_object.c.lead_id).where(
                custom_object.c.organization_id == self.ctx.organization_id,
                custom_object.c.id.in_(set(ids)),
            )
        )
        return {r.id: (r.custom_object_type_id, r.lead_id) for r in rows}
