"""SMS templates: like email templates (resources/outreach.py), with a status instead of an
archive flag and the author shown as `owned_by`."""

from __future__ import annotations

from typing import Any

from leadbase.db.fields import Problem
from leadbase.db.repository import Row
from leadbase.resources.outreach import TemplateService, last_used

STATUSES = ("active", "archived")


def sms_status(value: Any) -> Any:
    if value is None:
        return "active"
    if value not in STATUSES:
        raise Problem("Not a valid choice: use active or archived.")
    return value


class SmsTemplateService(TemplateService):
    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        computed = last_used(rows)
        return [fields.render(r, computed) for r in rows]
