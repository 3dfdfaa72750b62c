"""Pipelines: named, ordered groups of opportunity statuses.

A pipeline's `statuses` are its statuses in order. A PUT with `statuses: [{"id": ...}, ...]`
sets that order; naming a status of another pipeline moves it here. A pipeline is deleted
only once it holds no statuses.
"""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db.fields import Field, Row
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, require
from leadbase.db.resource import ResourceSpec
from leadbase.db.service import Service
from leadbase.resources.deals import org_pipelines, status_summary

ADMINS_ONLY = "Your role may not create, change or delete pipelines (it needs manage_customizations)."


class PipelineService(Service):
    def authorize(self, action: str, row: Row | None) -> None:
        require(self.ctx, MANAGE_CUSTOMIZATIONS, ADMINS_ONLY)

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        found = org_pipelines(self.ctx)
        fields = self._fields()

        def computed(f: Field, row: Row) -> Any:
            return [status_summary(s) for s in found.statuses_of(row["id"])]

        return [fields.render(r, computed) for r in rows]

    def _status_spec(self) -> ResourceSpec:
        (spec,) = [child for child, relation in self.spec.children() if relation.column == "pipeline_id"]
        return spec

    def _wanted_order(self, body: dict[str, Any]) -> list[str] | None:
        """The status ids of a body's `statuses`, checked: None when the body has none."""
        if "statuses" not in body:
            return None
        value = body["statuses"]
        errors = FieldErrors()
        if not isinstance(value, list):
            errors.add("statuses", 'Expected a list of statuses, as [{"id": "stat_..."}].')
            errors.raise_if_any()
        ids: list[str] = []
        found = org_pipelines(self.ctx)
        for entry in value:
            status_id = entry.get("id") if isinstance(entry, dict) else entry
            if not isinstance(status_id, str) or found.status(status_id) is None:
                errors.add("statuses", f"Unknown opportunity status: {status_id!r}.")
                break
            if status_id in ids:
                errors.add("statuses", f"The status {status_id} is listed twice.")
                break
            ids.append(status_id)
        errors.raise_if_any()
        return ids

    def validate_create(self, body: dict[str, Any]) -> Row:
        values = super().validate_create(body)
        self._wanted_order(body)
        return values

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        self._arrange(row, self._wanted_order(body))

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        values = super().validate_update(row, body)
        self._wanted_order(body)
        return values

    def update_outside(self, row: Row, body: dict[str, Any]) -> bool:
        return self._arrange(row, self._wanted_order(body))

    def _arrange(self, row: Row, wanted: list[str] | None) -> bool:
        """Give the pipeline the statuses in `wanted` in that order, its others after them."""
        if wanted is None:
            return False
        found = org_pipelines(self.ctx)
        own = [s["id"] for s in found.statuses_of(row["id"])]
        order = wanted + [s for s in own if s not in wanted]
        spec = self._status_spec()
        service = spec.service(self.ctx, spec)
        changed = False
        for position, status_id in enumerate(order):
            status = found.status(status_id)
            assert status is not None
            values = {"pipeline_id": row["id"], "position": position}
            if all(status[k] == v for k, v in values.items()):
                continue
            current = self.unit.changing(spec, service.get(status_id))
            service.change(current, values)
            changed = True
        return changed

    def before_delete(self, row: Row) -> None:
        if org_pipelines(self.ctx).statuses_of(row["id"]):
            raise Invalid(
                errors=[
                    "This pipeline still has opportunity statuses: delete them or move them to "
                    "another pipeline before deleting it."
                ]
            )
