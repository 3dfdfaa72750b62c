"""Outcomes: `type` decides what they apply to (Close derives `applies_to` from it since 2026-03)."""

from __future__ import annotations

from typing import Any

from leadbase.db.fields import Problem
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, require
from leadbase.db.repository import Row
from leadbase.db.service import Service

TYPES = ("custom", "vm-dropped")
APPLIES_TO = {"custom": ["calls", "meetings"], "vm-dropped": ["calls"]}


def outcome_type(value: Any) -> Any:
    if value is None:
        return "custom"
    if value not in TYPES:
        raise Problem("Not a valid choice: use custom or vm-dropped.")
    return value


class OutcomeService(Service):
    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        return [fields.render(r, {"applies_to": lambda row: list(APPLIES_TO[row["type"]])}) for r in rows]

    def authorize(self, action: str, row: Row | None) -> None:
        require(self.ctx, MANAGE_CUSTOMIZATIONS)
