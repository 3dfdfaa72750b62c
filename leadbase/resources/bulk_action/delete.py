"""Bulk delete: each selected lead deleted by the lead service, with its children and events."""

from __future__ import annotations

from leadbase.db.context import Context
from leadbase.db.repository import Row
from leadbase.db.resource import resources
from leadbase.resources.bulk_action.runner import Applier, Progress, register_applier


class DeleteApplier(Applier):
    def apply(self, ctx: Context, action: Row, leads: list[Row]) -> Progress:
        spec = resources.get("lead")
        service = spec.service(ctx, spec)
        # The leads' last representations, rendered for the batch at once (their events' data).
        ctx.shown = None
        for lead, before in zip(leads, service.render(leads), strict=True):
            ctx.unit.seen(spec, lead, before)
        for lead in leads:
            # `delete` asks the caller's delete_leads permission, as a DELETE /lead/ would.
            service.delete(lead)
        return Progress(objects=len(leads), processed=len(leads))


register_applier("delete", DeleteApplier())
