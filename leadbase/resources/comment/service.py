"""Comments on any commentable object (leads, opportunities, activities), in one thread per object.

The first comment on an object makes its thread. Only the author edits a comment. Removing a
comment blanks it (removed_at, removed_by) while others remain in its thread; removing the
last one deletes the thread with all its comments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from leadbase.core import clock
from leadbase.core.clock import iso
from leadbase.core.errors import FieldErrors, Forbidden, Invalid
from leadbase.db.filters import Filter, Term
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.resource import ResourceSpec, resources
from leadbase.db.service import Service
from leadbase.resources.richtext import mentions, sanitize

# Resources whose objects take comments: these paths, and every activity type (`activity/...`).
COMMENTABLE = ("lead", "opportunity", "activity/")
CREATE_KEYS = frozenset({"object_id", "body"})


def commentable(object_id: str) -> list[ResourceSpec]:
    """The served resources an id of this prefix may name (activities share `acti_`)."""
    prefix = object_id.rpartition("_")[0]
    return [
        spec
        for spec in resources
        if spec.id_prefix == prefix
        and any(spec.path == p or (p.endswith("/") and spec.path.startswith(p)) for p in COMMENTABLE)
    ]


class CommentService(Service):
    # The thread removed (its last comment) between this request's read and its write.
    violations = {
        "fk_comment_thread_id_comment_thread": lambda: Invalid(
            errors=["The comment thread was removed at the same time: try again."]
        )
    }

    @property
    def threads(self) -> ResourceSpec:
        return self.spec.parent("thread_id")

    # ---- reading -------------------------------------------------------------------------

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        return [
            {
                "id": r["id"],
                "thread_id": r["thread_id"],
                "lead_id": r["lead_id"],
                "organization_id": r["organization_id"],
                "body": r["body"],
                "mentions": list(r["mentions"] or []),
                "created_by": r["created_by"],
                "updated_by": r["updated_by"],
                "created_at": iso(r["date_created"]),
                "updated_at": iso(r["date_updated"]),
                "removed_at": iso(r["removed_at"]),
                "removed_by": r["removed_by"],
            }
            for r in rows
        ]

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        object_id, thread_id = params.get("object_id"), params.get("thread_id")
        if bool(object_id) == bool(thread_id):
            raise Invalid(errors=["Give exactly one of object_id and thread_id."])
        if thread_id:
            return Term("thread_id", "eq", thread_id)
        return Term("thread.object_id", "eq", object_id)

    # ---- writing -------------------------------------------------------------------------

    def _body(self, body: dict[str, Any], errors: FieldErrors) -> str | None:
        text = body.get("body")
        if text is None:
            errors.add("body", "This field is required.")
            return None
        if not isinstance(text, str):
            errors.add("body", "Not a valid string.")
            return None
        cleaned = sanitize(text)
        if not cleaned:
            errors.add("body", "This field may not be blank.")
            return None
        return cleaned

    def _commented(self, object_id: Any, errors: FieldErrors) -> tuple[ResourceSpec, Row] | None:
        if object_id is None:
            errors.add("object_id", "This field is required.")
            return None
        if isinstance(object_id, str):
            for spec in commentable(object_id):
                row = self.repo.find(spec, object_id)
                if row is not None:
                    return spec, row
        errors.add("object_id", "Object does not exist.")
        return None

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        for key in sorted(set(body) - CREATE_KEYS):
            errors.add(key, "Unknown field.")
        found = self._commented(body.get("object_id"), errors)
        text = self._body(body, errors)
        errors.raise_if_any()
        assert found is not None and text is not None
        spec, obj = found
        lead_id = obj.get(spec.lead_column) if spec.lead_column else None
        thread = self._thread(spec, obj, lead_id)
        return {
            "thread_id": thread["id"],
            "lead_id": lead_id,
            "body": text,
            "mentions": mentions(text),
            "removed_at": None,
            "removed_by": None,
        }

    def _thread(self, spec: ResourceSpec, obj: Row, lead_id: Any) -> Row:
        """The object's thread, made now if this is its first comment."""
        threads = self.threads
        row = (
            self.ctx.conn.execute(self.repo.scoped(threads).where(threads.table.c.object_id == obj["id"]))
            .mappings()
            .first()
        )
        if row is not None:
            return dict(row)
        service = threads.service(self.ctx, threads)
        return service.insert(
            {"object_id": obj["id"], "object_type": spec.object_type or spec.path, "lead_id": lead_id}
        )

    def authorize(self, action: str, row: Row | None) -> None:
        if action == "update" and row is not None and row["created_by"] != self.ctx.actor.user_id:
            raise Forbidden("You may only edit your own comments.")

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        for key in sorted(set(body) - {"body"}):
            errors.add(key, "Unknown field.")
        if "body" not in body:
            errors.raise_if_any()
            return {}
        if row["removed_at"] is not None:
            errors.add("body", "A removed comment cannot be edited.")
        text = self._body(body, errors)
        errors.raise_if_any()
        return {"body": text, "mentions": mentions(text or "")}

    def remove_comment(self, row: Row) -> None:
        """DELETE /comment/{id}/: blank the comment, or delete the thread when it was the last one.

        Close ties this to deleting activities: the author may, and so may an admin.
        """
        if row["created_by"] != self.ctx.actor.user_id and not self.ctx.actor.is_admin:
            raise Forbidden("You may only remove your own comments.")
        threads = self.threads
        with self.unit.operation():
            row = self.unit.changing(self.spec, row)
            thread = self.repo.get(threads, row["thread_id"])
            others = self.ctx.conn.execute(
                select(self.spec.table.c.id).where(
                    self.spec.table.c.organization_id == self.ctx.organization_id,
                    self.spec.table.c.thread_id == row["thread_id"],
                    self.spec.table.c.id != row["id"],
                    self.spec.table.c.removed_at.is_(None),
                )
            ).first()
            if others is None:
                threads.service(self.ctx, threads).remove(thread)
                return
            self.unit.touch(threads, thread)
            if row["removed_at"] is None:
                self.change(
                    row,
                    {
                        "body": "",
                        "mentions": [],
                        "removed_at": clock.now(),
                        "removed_by": self.ctx.actor.user_id,
                    },
                )
