"""Lead statuses: an ordered list per organization; the first is the default for new leads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from leadbase.core.errors import Invalid
from leadbase.core.names import name_key
from leadbase.db.models import lead, lead_status
from leadbase.db.orgcache import forget_lead_statuses, lead_statuses
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, require
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.common import DEFAULT_LEAD_STATUSES as DEFAULT_LEAD_STATUSES


def label_taken() -> Invalid:
    return Invalid.field("label", "A lead status with this label already exists.")


# Two requests that both found a label free: the second to write loses on the unique key.
LABEL_TAKEN = {"uq_lead_status_organization_id_label_key": label_taken}


# The readers live below the resources (db/orgcache.py), where every resource reads them.
ordered_statuses = lead_statuses
forget_statuses = forget_lead_statuses


ADMINS_ONLY = "Your role may not create, rename or delete lead statuses (it needs manage_customizations)."


class LeadStatusService(Service):
    violations = LABEL_TAKEN

    def authorize(self, action: str, row: Row | None) -> None:
        # Statuses are organization settings (Close: admins manage them), as the reorder
        # through PUT /organization/ already is.
        require(self.ctx, MANAGE_CUSTOMIZATIONS, ADMINS_ONLY)

    def _unique(self, label: str, own_id: str | None = None) -> str:
        """The label's name key, if no other status has it (look-alike labels collide)."""
        key = name_key(label)
        for status in ordered_statuses(self.ctx):
            if status["id"] != own_id and status["label_key"] == key:
                raise label_taken()
        return key

    def validate_create(self, body: dict[str, Any]) -> Row:
        values = super().validate_create(body)
        values["label_key"] = self._unique(values["label"])
        position = self.ctx.conn.execute(
            select(func.coalesce(func.max(lead_status.c.position), -1)).where(
                lead_status.c.organization_id == self.ctx.organization_id
            )
        ).scalar_one()
        forget_statuses(self.ctx)
        return {**values, "position": int(position) + 1}

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        values = super().validate_update(row, body)
        if "label" in values:
            values["label_key"] = self._unique(values["label"], own_id=row["id"])
        forget_statuses(self.ctx)
        return values

    def before_delete(self, row: Row) -> None:
        in_use = self.ctx.conn.execute(
            select(lead.c.id)
            .where(lead.c.organization_id == self.ctx.organization_id, lead.c.status_id == row["id"])
            .limit(1)
        ).first()
        if in_use is not None:
            raise Invalid(
                errors=["This status is used by leads: move them to another status before deleting it."]
            )
        if len(ordered_statuses(self.ctx)) <= 1:
            raise Invalid(errors=["An organization needs at least one lead status."])
        forget_statuses(self.ctx)
