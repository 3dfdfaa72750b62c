"""Custom types show their fields: a change of fields is an `updated` event of the types it shows in."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from leadbase.db.context import Context
from leadbase.db.repository import Repository, Row
from leadbase.db.resource import ResourceSpec, resources

# The resources whose representation lists custom fields (`fields`, `back_reference_fields`).
TYPE_PATHS = ("custom_object_type", "custom_activity")


class TypeWatch:
    """Snapshots every custom type on entry; on a clean exit, records `updated` for those that changed.

    Organizations have few types, so rendering all of them is cheaper than working out
    which ones a field change touches.
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.repo = Repository(ctx)
        self.before: list[tuple[ResourceSpec, dict[str, dict[str, Any]]]] = []

    def _specs(self) -> list[ResourceSpec]:
        return [resources.get(p) for p in TYPE_PATHS if p in resources]

    def _rows(self, spec: ResourceSpec) -> list[Row]:
        return [dict(r) for r in self.ctx.conn.execute(self.repo.scoped(spec)).mappings()]

    def __enter__(self) -> TypeWatch:
        for spec in self._specs():
            rows = self._rows(spec)
            rendered = spec.service(self.ctx, spec).render(rows) if rows else []
            self.before.append((spec, {data["id"]: data for data in rendered}))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            return
        for spec, before in self.before:
            rows = [r for r in self._rows(spec) if r["id"] in before]
            if not rows:
                continue
            service = spec.service(self.ctx, spec)
            for row, data in zip(rows, service.render(rows), strict=True):
                if data != before[row["id"]]:
                    service.touch(row, before[row["id"]])
