"""Email templates: private to their author unless shared, tags checked on write (merge_tags.py)."""

from __future__ import annotations

from typing import Any

from leadbase.db.repository import Row
from leadbase.resources.activity_values import Attachments
from leadbase.resources.outreach import TemplateService, last_used


class EmailTemplateService(TemplateService):
    # As an email's: with their size, and an inline image's content id.
    ATTACHMENTS = Attachments(with_size=True, extra=("content_id", "inline_only"))

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        # Sequences are not served yet: no template is used by one.
        computed = {**last_used(rows), "used_by_sequences": lambda _row: []}
        return [fields.render(r, computed) for r in rows]
