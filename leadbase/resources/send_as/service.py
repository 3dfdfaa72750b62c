"""Send As: a user allows another member to send email as them.

Every association involves the caller: they list the ones where they allow or are allowed
(the allowing side by default), create only ones where they allow, and see or delete only ones
they are a party to (someone else's is 404, like another organization's).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from leadbase.core.errors import FieldErrors, Invalid, NotFound
from leadbase.db.fields import Problem
from leadbase.db.filters import Filter, Term, all_of
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.outreach import clean_member

NOT_ME = "Must be your own user id: you may only allow others to send as you."
TAKEN = "This user is already allowed to send as you."


def _taken() -> Invalid:
    return Invalid(field_errors={"allowed_user_id": TAKEN})


class SendAsService(Service):
    violations = {"uq_send_as_organization_id_allowing_user_id_allowed_user_id": _taken}

    @property
    def me(self) -> str | None:
        return self.ctx.actor.user_id

    def get(self, object_id: str, *, lock: bool = False) -> Row:
        row = super().get(object_id, lock=lock)
        if self.me not in (row["allowing_user_id"], row["allowed_user_id"]):
            raise NotFound.for_model(self.spec.model_name)
        return row

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        allowing, allowed = params.get("allowing_user_id"), params.get("allowed_user_id")
        if allowing is None and allowed is None:
            allowing = self.me
        if self.me not in (allowing, allowed):
            raise Invalid(
                errors=["allowing_user_id or allowed_user_id must be your own user id."],
                field_errors={"allowing_user_id": NOT_ME},
            )
        terms: list[Filter] = []
        if allowing is not None:
            terms.append(Term("allowing_user_id", "eq", allowing))
        if allowed is not None:
            terms.append(Term("allowed_user_id", "eq", allowed))
        return all_of(terms)

    def _existing(self, allowed_user_id: str) -> Row | None:
        table = self.spec.table
        row = self.ctx.conn.execute(
            select(table).where(
                table.c.organization_id == self.ctx.organization_id,
                table.c.allowing_user_id == self.me,
                table.c.allowed_user_id == allowed_user_id,
            )
        ).first()
        return dict(row._mapping) if row is not None else None

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(
            body, creating=True, errors=errors, cleaners={"allowed_user_id": self._member}
        )
        if "allowing_user_id" in values and values["allowing_user_id"] != self.me:
            errors.add("allowing_user_id", NOT_ME)
        allowed = values.get("allowed_user_id")
        if allowed is not None and allowed == self.me:
            errors.add("allowed_user_id", "You may already send as yourself.")
        elif isinstance(allowed, str) and "allowed_user_id" not in errors.errors and self._existing(allowed):
            errors.add("allowed_user_id", TAKEN)
        errors.raise_if_any()
        return values

    def _member(self, value: Any) -> Any:
        if value is None:
            raise Problem("This field may not be null.")
        return clean_member(self.ctx, value)

    # ---- the extra routes -------------------------------------------------------------------

    def delete_pair(self, allowing_user_id: str | None, allowed_user_id: str | None) -> None:
        """DELETE /send_as/?allowing_user_id=me&allowed_user_id=..."""
        errors = FieldErrors()
        if allowing_user_id != self.me:
            errors.add("allowing_user_id", NOT_ME)
        if not allowed_user_id:
            errors.add("allowed_user_id", "This field is required.")
        errors.raise_if_any()
        assert allowed_user_id is not None
        row = self._existing(allowed_user_id)
        if row is None:
            raise NotFound.for_model(self.spec.model_name)
        self.delete(row)

    def bulk(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """POST /send_as/bulk/: allow and disallow several users at once; every association where
        the caller allows, afterwards."""
        errors = FieldErrors()
        lists: dict[str, list[str]] = {}
        for key in ("allowed_user_ids", "disallowed_user_ids"):
            value = body.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors.add(key, "Must be a list of user ids.")
                continue
            lists[key] = list(dict.fromkeys(value))
        errors.raise_if_any()
        both = set(lists["allowed_user_ids"]) & set(lists["disallowed_user_ids"])
        if both:
            errors.add("disallowed_user_ids", f"Both allowed and disallowed: {', '.join(sorted(both))}.")
        errors.raise_if_any()
        with self.unit.operation():
            for user_id in lists["allowed_user_ids"]:
                if self._existing(user_id) is None:
                    self.create({"allowing_user_id": self.me, "allowed_user_id": user_id})
            for user_id in lists["disallowed_user_ids"]:
                row = self._existing(user_id)
                if row is not None:
                    self.delete(row)
        table = self.spec.table
        rows = self.ctx.conn.execute(
            select(table)
            .where(table.c.organization_id == self.ctx.organization_id, table.c.allowing_user_id == self.me)
            .order_by(table.c.date_created, table.c.id)
        )
        return self.render([dict(r._mapping) for r in rows])
