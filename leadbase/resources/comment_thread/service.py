"""Comment threads: the comments about one object, made by its first comment and gone with its last."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadbase.core.clock import iso
from leadbase.core.errors import Forbidden, Invalid
from leadbase.db.filters import Filter, Term, all_of
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.resource import ResourceSpec
from leadbase.db.service import Service

# Close's role whose members see only some leads; without a filter they may not list threads.
RESTRICTED_ROLE = "restricteduser"


def comments_spec(spec: ResourceSpec) -> ResourceSpec:
    """The comment resource, found as the child of threads (no import between the packages)."""
    for child, relation in spec.children():
        if relation.column == "thread_id":
            return child
    raise LookupError("no resource declares comment threads its parent")


class CommentThreadService(Service):
    # Two first comments on one object at once: the second thread loses on the unique index.
    violations = {
        "uq_comment_thread_organization_id_object_id": lambda: Invalid(
            errors=["Another comment started this object's thread at the same time: try again."]
        )
    }

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        comments = self.repo.children(comments_spec(self.spec), "thread_id", [r["id"] for r in rows])
        counts: dict[str, int] = {}
        participants: dict[str, list[str]] = {}
        for c in comments:
            if c["removed_at"] is None:
                counts[c["thread_id"]] = counts.get(c["thread_id"], 0) + 1
            people = participants.setdefault(c["thread_id"], [])
            if c["created_by"] and c["created_by"] not in people:
                people.append(c["created_by"])
        return [
            {
                "id": r["id"],
                "object_id": r["object_id"],
                "object_type": r["object_type"],
                "lead_id": r["lead_id"],
                "organization_id": r["organization_id"],
                "num_comments": counts.get(r["id"], 0),
                "participating": participants.get(r["id"], []),
                "created_at": iso(r["date_created"]),
                "updated_at": iso(r["date_updated"]),
            }
            for r in rows
        ]

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        terms: list[Filter] = []
        for name, column in (("ids", "id"), ("object_ids", "object_id")):
            values = [v.strip() for v in params.get(name, "").split(",") if v.strip()]
            if values:
                terms.append(Term(column, "in", values))
        if not terms and self.ctx.actor.role_id == RESTRICTED_ROLE:
            # Close: a user who sees only some leads must say which threads (ids or object_ids).
            raise Forbidden("Filter the threads by ids or object_ids.")
        return all_of(terms)

    def authorize(self, action: str, row: Row | None) -> None:
        # Threads are written only through their comments.
        if action != "create":
            raise Forbidden("Comment threads change through their comments.")
