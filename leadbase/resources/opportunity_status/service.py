"""Opportunity statuses: each in one pipeline, ordered there, of type active, won or lost."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from leadbase.core.errors import Invalid
from leadbase.core.names import name_key
from leadbase.db.models import opportunity, opportunity_status, pipeline
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, require
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.deals import org_pipelines


def label_taken() -> Invalid:
    return Invalid.field("label", "An opportunity status with this label already exists.")


def pipeline_gone() -> Invalid:
    return Invalid.field("pipeline_id", "Object does not exist.")


ADMINS_ONLY = (
    "Your role may not create, rename or delete opportunity statuses (it needs manage_customizations)."
)


class OpportunityStatusService(Service):
    violations = {
        "uq_opportunity_status_organization_id_label_key": label_taken,
        "fk_opportunity_status_pipeline_id_pipeline": pipeline_gone,
    }

    def authorize(self, action: str, row: Row | None) -> None:
        require(self.ctx, MANAGE_CUSTOMIZATIONS, ADMINS_ONLY)

    def scope(self) -> Select[Any]:
        # Listed pipeline by pipeline (oldest first), each in its own order.
        return (
            select(opportunity_status)
            .join(pipeline, pipeline.c.id == opportunity_status.c.pipeline_id)
            .where(opportunity_status.c.organization_id == self.ctx.organization_id)
            .order_by(pipeline.c.date_created, pipeline.c.id)
        )

    def _unique(self, label: str, own_id: str | None = None) -> str:
        key = name_key(label)
        for status in org_pipelines(self.ctx).statuses:
            if status["id"] != own_id and status["label_key"] == key:
                raise label_taken()
        return key

    def validate_create(self, body: dict[str, Any]) -> Row:
        # Some of Close's pages call the type `status_type`: both are accepted.
        if "type" not in body and "status_type" in body:
            body = {**body, "type": body["status_type"]}
        values = super().validate_create(body)
        found = org_pipelines(self.ctx)
        pipeline_id = values.get("pipeline_id")
        if pipeline_id is None:
            # Before pipelines, statuses had none to name: they join the first pipeline.
            if not found.pipelines:
                raise Invalid.field("pipeline_id", "This field is required.")
            pipeline_id = found.pipelines[0]["id"]
        elif found.pipeline(pipeline_id) is None:
            raise pipeline_gone()
        values["pipeline_id"] = pipeline_id
        values["label_key"] = self._unique(values["label"])
        last = self.ctx.conn.execute(
            select(func.coalesce(func.max(opportunity_status.c.position), -1)).where(
                opportunity_status.c.organization_id == self.ctx.organization_id,
                opportunity_status.c.pipeline_id == pipeline_id,
            )
        ).scalar_one()
        values["position"] = int(last) + 1
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        # A rename: the type stays, and statuses move between pipelines through the pipeline.
        values = super().validate_update(row, {k: v for k, v in body.items() if k == "label"})
        if "label" in values:
            values["label_key"] = self._unique(values["label"], own_id=row["id"])
        return values

    def before_delete(self, row: Row) -> None:
        in_use = self.ctx.conn.execute(
            select(opportunity.c.id)
            .where(
                opportunity.c.organization_id == self.ctx.organization_id,
                opportunity.c.status_id == row["id"],
            )
            .limit(1)
        ).first()
        if in_use is not None:
            raise Invalid(
                errors=[
                    "This status is used by opportunities: move them to another status before deleting it."
                ]
            )
        if len(org_pipelines(self.ctx).statuses) <= 1:
            raise Invalid(errors=["An organization needs at least one opportunity status."])
