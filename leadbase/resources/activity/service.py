"""`GET /activity/`: the family list, with Close's `thread_emails` choice between emails and threads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadbase.core.errors import Invalid
from leadbase.db.family import TYPE_PARAMETERS, FamilyService
from leadbase.db.filters import Filter, Not, Term, all_of
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.resources.activities import page_comment_summaries

# The kinds `thread_emails` chooses between (the messages package declares them).
EMAIL = "Email"
THREAD = "EmailThread"
THREAD_EMAILS = ("true", "only")


class ActivityService(FamilyService):
    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        # Every type on the page shares one comment-summary query, not one per type.
        with page_comment_summaries(self.ctx, [r["id"] for r in rows]):
            return super().render(rows)

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        kinds = super().list_filter(query, params)
        threads = params.get("thread_emails", "").strip().lower()
        if threads in ("", "false", "0"):
            # One Email per message; threads only when a `_type` asks for them by name.
            named = any(params.get(key) for key in TYPE_PARAMETERS)
            extra: Filter | None = None if named else Not(Term("type", "eq", THREAD))
        elif threads == "true":
            # Threads (with their emails stripped down) in place of the emails.
            extra = Not(Term("type", "eq", EMAIL))
        elif threads == "only":
            extra = Term("type", "eq", THREAD)
        else:
            raise Invalid({"thread_emails": "Use true or only (or leave it out)."})
        return all_of([f for f in (kinds, extra) if f is not None])
