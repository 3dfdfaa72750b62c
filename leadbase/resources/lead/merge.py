"""POST /lead/merge/: the source lead's data moves into the destination, then the source goes.

Everything that belongs to a lead by its `lead_id` (contacts, opportunities, tasks, custom
objects, activities of every type, comment threads and comments: the registered resources whose
events name their lead through `lead_id`) moves to the destination, each move recorded as the
object's `updated` event. The destination keeps its own name, status, description, URL and
custom values; what it lacks it takes from the source (a blank field, a custom field without a
value), multi-value custom fields and addresses are united. Comments on the source lead itself
move to the destination's thread. The source is then deleted. Every event of the request carries
`merge_source_lead_id` and `merge_destination_lead_id` in its meta, and the destination's
`merged` event comes first, as Close's event log shows a merge.
"""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db.context import Context
from leadbase.db.permissions import require
from leadbase.db.repository import Repository, Row
from leadbase.db.resource import ResourceSpec, resources
from leadbase.db.service import Service
from leadbase.resources.common import record_lead_merge

MERGE_LEADS = "merge_leads"
SAME_LEAD = "The source and the destination must be two different leads."


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _merged_custom(destination: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    merged = dict(destination)
    for key, value in source.items():
        mine = merged.get(key)
        if _blank(mine):
            merged[key] = value
        elif isinstance(mine, list) and isinstance(value, list):
            merged[key] = mine + [v for v in value if v not in mine]
    return merged


def _merged_fields(destination: Row, source: Row) -> Row:
    """Column values the destination takes from the source."""
    values: Row = {}
    for name in ("name", "description", "url"):
        if _blank(destination.get(name)) and not _blank(source.get(name)):
            values[name] = source[name]
    addresses = list(destination.get("addresses") or [])
    extra = [a for a in source.get("addresses") or [] if a not in addresses]
    if extra:
        values["addresses"] = addresses + extra
    custom = _merged_custom(destination.get("custom") or {}, source.get("custom") or {})
    if custom != (destination.get("custom") or {}):
        values["custom"] = custom
    return values


def _lead_ids(body: dict[str, Any]) -> tuple[str, str]:
    errors = FieldErrors()
    ids = {}
    for key in ("source", "destination"):
        value = body.get(key)
        if value is None:
            errors.add(key, "This field is required.")
        elif not isinstance(value, str) or not value.strip():
            errors.add(key, "Not a valid lead id.")
        else:
            ids[key] = value.strip()
    errors.raise_if_any()
    if ids["source"] == ids["destination"]:
        raise Invalid(errors=[SAME_LEAD])
    return ids["source"], ids["destination"]


def _belongs_to_a_lead(spec: ResourceSpec) -> bool:
    """Resources whose rows live on a lead through `lead_id` (a family lists its members' rows)."""
    return spec.path != "lead" and spec.lead_column == "lead_id" and spec.family is None


class LeadMerge:
    def __init__(self, ctx: Context, lead_spec: ResourceSpec) -> None:
        self.ctx = ctx
        self.spec = lead_spec
        self.leads: Service = lead_spec.service(ctx, lead_spec)
        self.repo = Repository(ctx)

    def run(self, body: dict[str, Any]) -> None:
        source_id, destination_id = _lead_ids(body)
        require(self.ctx, MERGE_LEADS, "Merging leads needs the merge_leads permission.")
        found = {}
        for key, lead_id in (("source", source_id), ("destination", destination_id)):
            row = self.repo.find(self.spec, lead_id)
            if row is None:
                raise Invalid.field(key, "Object does not exist.")
            found[key] = row
        # Every event of the merge says so (Close: merge_source_lead_id, merge_destination_lead_id).
        self.ctx.meta.update(merge_source_lead_id=source_id, merge_destination_lead_id=destination_id)
        unit = self.ctx.unit
        with unit.operation():
            # Both leads locked in one order, so that two merges of the same pair cannot deadlock.
            locked = {
                lead_id: unit.changing(self.spec, found[key])
                for key, lead_id in sorted(
                    (("source", source_id), ("destination", destination_id)), key=lambda kv: kv[1]
                )
            }
            source, destination = locked[source_id], locked[destination_id]
            # Their names as they were before the merge, for the LeadMerge activity.
            names = {r["id"]: r["display_name"] for r in self.leads.render([source, destination])}
            unit.announce(self.spec, destination, "merged")
            for spec in resources:
                if _belongs_to_a_lead(spec):
                    self._move(spec, source_id, destination_id)
            self._move_comments_on_the_lead(source_id, destination_id)
            values = _merged_fields(destination, source)
            if values:
                self.leads.change(destination, values)
            self.leads.remove(self.repo.find(self.spec, source_id) or source)
            # Close's LeadMerge activity on the destination, the merge done.
            record_lead_merge(
                self.ctx,
                source_id=source_id,
                source_name=names.get(source_id),
                destination_id=destination_id,
                destination_name=names.get(destination_id),
            )

    def _move(self, spec: ResourceSpec, source_id: str, destination_id: str) -> None:
        rows = self.repo.children(spec, "lead_id", [source_id])
        if not rows:
            return
        service = spec.service(self.ctx, spec)
        for row in rows:
            row = self.ctx.unit.changing(spec, row)
            service.change(row, {"lead_id": destination_id})

    def _move_comments_on_the_lead(self, source_id: str, destination_id: str) -> None:
        """The source lead's own comment thread joins the destination's (or becomes it)."""
        if "comment_thread" not in resources:
            return
        threads = resources.get("comment_thread")
        by_object = {
            row["object_id"]: row
            for row in self.repo.children(threads, "object_id", [source_id, destination_id])
        }
        old = by_object.get(source_id)
        if old is None:
            return
        thread_service = threads.service(self.ctx, threads)
        new = by_object.get(destination_id)
        if new is None:
            old = self.ctx.unit.changing(threads, old)
            thread_service.change(old, {"object_id": destination_id})
            return
        comments = resources.get("comment")
        comment_service = comments.service(self.ctx, comments)
        for comment in self.repo.children(comments, "thread_id", [old["id"]]):
            comment = self.ctx.unit.changing(comments, comment)
            comment_service.change(comment, {"thread_id": new["id"]})
        thread_service.remove(self.ctx.unit.changing(threads, old))
