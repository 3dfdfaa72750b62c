"""Playbooks: guidance for calls and meetings, with the outcomes and shared custom fields they use.

Active playbooks are ordered by `position` (0, 1, 2... in the order they were made). Archiving
takes a playbook out of the order (`position` null, as Close shows it) and keeps it; unarchiving
puts it back at the end. Archiving and unarchiving leave `updated_at`/`updated_by_id` as they
were (Close's examples show them unchanged): `archived_at`/`archived_by_id` say who and when.

`outcome_ids` and `custom_field_ids` name this organization's outcomes and shared custom fields;
one that is deleted later drops out of what the playbook shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, select

from leadbase.api.params import parse_bool, parse_int
from leadbase.core import clock
from leadbase.custom_fields.definitions import org_definitions
from leadbase.db.fields import Problem
from leadbase.db.filters import Filter, Term, all_of
from leadbase.db.models import playbook
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, require
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.resource import resources
from leadbase.db.service import Service

ADMINS_ONLY = (
    "Your role may not create, change, archive or delete playbooks (it needs manage_customizations)."
)
OUTCOMES = "outcome"


def id_list(value: Any, what: str) -> list[str]:
    """A list of ids in shape: strings, each once, in the order given."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Problem(f"Expected a list of {what} ids.")
    return list(dict.fromkeys(value))


def _given(raw: str) -> bool:
    """Whether a list parameter says anything (Close's parameters are nullable: `null` is none)."""
    return raw.strip().lower() not in ("", "null")


class PlaybookService(Service):
    def authorize(self, action: str, row: Row | None) -> None:
        # Playbooks are settings of the organization, as outcomes and statuses are.
        require(self.ctx, MANAGE_CUSTOMIZATIONS, ADMINS_ONLY)

    # ---- reading -------------------------------------------------------------------------

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        outcome_ids = {i for r in rows for i in r["outcome_ids"] or ()}
        live_outcomes = (
            set(self.repo.find_many(resources.get(OUTCOMES), outcome_ids)) if outcome_ids else set()
        )
        shared = self._shared_fields() if any(r["custom_field_ids"] for r in rows) else set()
        out = []
        for r in rows:
            data = fields.render(r)
            data["outcome_ids"] = [i for i in r["outcome_ids"] or () if i in live_outcomes]
            data["custom_field_ids"] = [i for i in r["custom_field_ids"] or () if i in shared]
            out.append(data)
        return out

    def _shared_fields(self) -> set[str]:
        """Ids of the organization's shared custom fields (from the cached definitions)."""
        return {i for i, row in org_definitions(self.ctx).rows.items() if row["kind"] == "shared"}

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        terms: list[Filter] = []
        archived, after = params.get("is_archived", ""), params.get("position__gt", "")
        if _given(archived):
            terms.append(Term("archived_at", "exists", parse_bool("is_archived", archived)))
        if _given(after):
            position = parse_int("position__gt", after, 0, minimum=-(2**31), maximum=2**31 - 1)
            terms.append(Term("position", "gt", position))
        return all_of(terms)

    # ---- writing -------------------------------------------------------------------------

    def _cleaners(self) -> dict[str, Callable[[Any], Any]]:
        return {"outcome_ids": self._outcomes, "custom_field_ids": self._custom_fields}

    def _outcomes(self, value: Any) -> list[str]:
        ids = id_list(value, "outcome")
        found = self.repo.find_many(resources.get(OUTCOMES), ids)
        unknown = [i for i in ids if i not in found]
        if unknown:
            raise Problem(f"No outcome has the id {unknown[0]}.")
        return ids

    def _custom_fields(self, value: Any) -> list[str]:
        ids = id_list(value, "custom field")
        definitions = org_definitions(self.ctx).rows
        for i in ids:
            row = definitions.get(i)
            if row is None:
                raise Problem(f"No custom field has the id {i}.")
            if row["kind"] != "shared":
                raise Problem(f"Only shared custom fields belong to playbooks: {i} is a {row['kind']} field.")
        return ids

    def validate_create(self, body: dict[str, Any]) -> Row:
        values = self._fields().clean(body, creating=True, cleaners=self._cleaners())
        return {
            **values,
            "position": self._next_position(),
            "is_archived": False,
            "archived_at": None,
            "archived_by": None,
        }

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        return self._fields().clean(body, creating=False, cleaners=self._cleaners())

    def _next_position(self) -> int:
        """After every active playbook (two made at once may share one: the id orders them)."""
        last = self.ctx.conn.execute(
            select(func.max(playbook.c.position)).where(
                playbook.c.organization_id == self.ctx.organization_id, playbook.c.is_archived.is_(False)
            )
        ).scalar_one()
        return 0 if last is None else int(last) + 1

    def set_archived(self, row: Row, archived: bool) -> dict[str, Any]:
        """Archive or unarchive; doing it again changes nothing."""
        with self.unit.operation():
            self.authorize("update", row)
            row = self.unit.changing(self.spec, row)
            if bool(row["is_archived"]) != archived:
                values: Row = {
                    "is_archived": archived,
                    "archived_at": clock.now() if archived else None,
                    "archived_by": self.ctx.actor.user_id if archived else None,
                    "position": None if archived else self._next_position(),
                    # Not an edit of the playbook: archived_at and archived_by_id tell this change.
                    "date_updated": row["date_updated"],
                    "updated_by": row["updated_by"],
                }
                row = self.change(row, values)
        return self.unit.result(self.spec, row)
