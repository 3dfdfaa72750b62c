"""`GET /activity/`: the family list, with Close's `thread_emails` choice between emails and threads."""

from __future__ import annotations

from collections.abc import Mapping

from leadbase.core.errors import Invalid
from leadbase.db.family import TYPE_PARAMETERS, FamilyService
from leadbase.db.filters import Filter, Not, Term, all_of
from leadbase.db.query import ListQuery

# The kinds `thread_emails` chooses between (the messages package declares them).
EMAIL = "Email"
THREAD = "EmailThread"
THREAD_EMAILS = ("true", "only")


class ActivityService(FamilyService):
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
