"""Notes: rich text (note/note_html kept in step), a title, pins and attachments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadbase.core.errors import FieldErrors
from leadbase.db.repository import Row
from leadbase.resources.activities import ActivityService, mentions_of
from leadbase.resources.activity_values import Attachments, Cleaner

# A note's files: the name may be left to the upload; Close shows their size and a thumbnail.
ATTACHMENTS = Attachments(filename_required=False, with_size=True, added=(("thumbnail_url", None),))


class NoteService(ActivityService):
    RICH_TEXT = (("note", "note_html"),)

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        return {"note_mentions": mentions_of("note_html")}

    def cleaners(self, row: Row | None, found: dict[str, Any]) -> dict[str, Cleaner]:
        return {"attachments": ATTACHMENTS.cleaner(self.ctx)}

    def create_rules(self, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        if values.get("attachments") is None:
            values["attachments"] = []
