"""Opportunities: a deal on a lead, in a status of a pipeline, with a value in cents.

The expected and annualized values are kept in columns beside the value, worked out on every
write, so that lists sort by them and the totals Close returns beside a list are sums.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, func, select

from leadbase.core import clock
from leadbase.core.dates import parse_datetime, tz_from_offset
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.core.names import name_key
from leadbase.custom_fields.values import custom_values
from leadbase.db.fields import Problem
from leadbase.db.filters import Filter, Term, all_of, compile_filter
from leadbase.db.models import user
from leadbase.db.permissions import DELETE_OWN_OPPORTUNITIES, MANAGE_OTHERS_OPPORTUNITIES, require_for_object
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.resource import ResourceSpec
from leadbase.db.service import Service
from leadbase.resources.activities import record_status_change
from leadbase.resources.common import user_names
from leadbase.resources.deals import Pipelines, currency_of, format_money, opportunity_change, org_pipelines
from leadbase.resources.links import links_wanted, render_links
from leadbase.resources.query_strings import related_lead_query, string_query
from leadbase.search import related_ids

PERIODS = ("one_time", "monthly", "annual")
PERIOD_WORDS = {"one_time": "", "monthly": " monthly", "annual": " annually"}
# Close's list parameters that leadbase does not answer yet: refused rather than ignored, since
# ignoring a filter would answer objects the caller asked to leave out.
NOT_YET = ("_group_by",)
MAX_VALUE = 10**15


def derived(value: int | None, period: str, confidence: int) -> Row:
    """expected_value, annualized_value and annualized_expected_value, as Close computes them."""
    if value is None:
        return {"expected_value": None, "annualized_value": None, "annualized_expected_value": None}
    annualized = value * 12 if period == "monthly" else value
    return {
        "expected_value": value * confidence // 100,
        "annualized_value": annualized,
        "annualized_expected_value": annualized * confidence // 100,
    }


def value_formatted(value: int | None, period: str, currency: str) -> str | None:
    if value is None:
        return None
    return format_money(value, currency) + PERIOD_WORDS.get(period, "")


def lead_missing() -> Invalid:
    return Invalid.field("lead", "Object does not exist.")


def status_missing() -> Invalid:
    return Invalid.field(
        "status", "Not a valid choice. Use the id of one of the organization's opportunity statuses."
    )


def _attachments(value: Any, errors: FieldErrors) -> list[dict[str, Any]] | None:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add("attachments", "Expected a list of attachments.")
        return None
    out = []
    for entry in value:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("url"), str)
            or not isinstance(entry.get("filename"), str)
            or not isinstance(entry.get("content_type", ""), str)
        ):
            errors.add(
                "attachments", "Each attachment needs a url and a filename (and may give a content_type)."
            )
            return None
        out.append(
            {
                "url": entry["url"],
                "filename": entry["filename"],
                "content_type": entry.get("content_type", ""),
            }
        )
    return out


class OpportunityService(Service):
    violations = {
        "fk_opportunity_lead_id_lead": lead_missing,
        "fk_opportunity_status_id_opportunity_status": status_missing,
    }

    # ---- reading -------------------------------------------------------------------------

    def _spec_of(self, column: str) -> ResourceSpec:
        return self.spec.parent(column)

    def authorize(self, action: str, row: Row | None) -> None:
        # Another user's opportunity needs manage_others_opportunities; deleting one's own,
        # delete_own_opportunities (db/permissions.py).
        if row is not None:
            require_for_object(
                self.ctx,
                row["user_id"],
                action,
                own=DELETE_OWN_OPPORTUNITIES,
                others=MANAGE_OTHERS_OPPORTUNITIES,
            )

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        if not rows:
            return []
        found = org_pipelines(self.ctx)
        leads = self.repo.find_many(self._spec_of("lead_id"), [r["lead_id"] for r in rows])
        contacts = self.repo.find_many(
            self._spec_of("contact_id"), [r["contact_id"] for r in rows if r["contact_id"]]
        )
        names = user_names(self.ctx, [r[k] for r in rows for k in ("user_id", "created_by", "updated_by")])
        currency = currency_of(self.ctx)
        custom = custom_values(self.ctx, "opportunity")
        fields = self._fields()
        links = links_wanted(self.ctx, "opportunity", rows)
        out = []
        for r in rows:
            status = found.status(r["status_id"]) or {}
            pipe = found.pipeline(status.get("pipeline_id")) or {}
            contact = contacts.get(r["contact_id"]) if r["contact_id"] else None
            lead = leads.get(r["lead_id"]) or {}
            extra = {
                "lead_name": lead.get("name"),
                "contact_name": contact.get("name") if contact else None,
                "user_name": names.get(r["user_id"]) if r["user_id"] else None,
                "status_label": status.get("label"),
                "status_display_name": status.get("label"),
                "status_type": status.get("type"),
                "pipeline_id": pipe.get("id"),
                "pipeline_name": pipe.get("name"),
                "value_currency": currency,
                "value_formatted": value_formatted(r["value"], r["value_period"], currency),
                "attachments": [{**a, "size": None, "thumbnail_url": None} for a in r["attachments"]],
                "integration_links": [],
                "comment_summary": None,
                "is_stalled": False,
                "stall_status": None,
                "suggested_action": None,
                "created_by_name": names.get(r["created_by"]) if r["created_by"] else None,
                "updated_by_name": names.get(r["updated_by"]) if r["updated_by"] else None,
            }
            # A contact deleted since it was chosen is no longer the opportunity's contact.
            shown_row = r if contact is not None or not r["contact_id"] else {**r, "contact_id": None}
            out.append(custom.render_into(fields.render_values(shown_row, extra), r["custom"]))
            if links:
                out[-1]["integration_links"] = render_links(self.ctx, "opportunity", out[-1])
        return out

    # ---- lists ---------------------------------------------------------------------------

    # `_order_by=user_name`: whether to sort by the owner's name, and descending (see scope()).
    _by_owner: bool | None = None

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        owner = [o for o in query.order_by if o.name == "user_name"]
        if owner:
            self._by_owner = owner[0].descending
            query.order_by = [o for o in query.order_by if o.name != "user_name"]
        for name in NOT_YET:
            if params.get(name):
                raise Invalid({name: f"leadbase does not answer {name} on opportunities yet."})
        stalled = params.get("is_stalled")
        if stalled is not None and stalled.strip().lower() in ("true", "1", "yes"):
            # Nothing is stalled: leadbase has no stall detection.
            return Term("id", "in", [])
        terms: list[Filter] = []
        text = params.get("query")
        if text and text.strip():
            # The opportunities' own query string (`value > 1000 status:won`).
            parsed = string_query(self.ctx, text, "opportunity")
            if parsed.order_by and "_order_by" not in params:
                query.order_by = parsed.order_by
            if parsed.where is not None:
                terms.append(parsed.where)
        lead_text = params.get("lead_query")
        if lead_text and lead_text.strip():
            # Opportunities of the leads a lead query string matches.
            terms.append(related_lead_query(self.ctx, lead_text, "opportunity"))
        view_id = params.get("lead_saved_search_id")
        if view_id:
            # The opportunities of the leads a lead smart view matches (404 for a view not seen).
            terms.append(related_ids("lead_id", "lead", {"type": "saved_search", "saved_search_id": view_id}))
        return all_of(terms)

    def scope(self) -> Select[Any] | None:
        """Sorted by the owner's name first when asked (Close sorts by the user's full name): the
        name lives on the user, so the list starts from opportunities joined to their owners."""
        if self._by_owner is None:
            return None
        table = self.spec.table
        names = (user.c.first_name, user.c.last_name)
        return (
            select(table)
            .select_from(table.outerjoin(user, user.c.id == table.c.user_id))
            .where(table.c.organization_id == self.ctx.organization_id)
            .order_by(*(n.desc() if self._by_owner else n.asc() for n in names))
        )

    def list_extras(self, query: ListQuery) -> dict[str, Any]:
        """The totals Close returns beside every opportunity list, over all matches: one query."""
        table = self.spec.table
        stmt = self.repo.scoped(self.spec)
        if query.where is not None:
            stmt = stmt.where(compile_filter(self.ctx, self.spec, query.where))
        columns = [func.count().label("total")]
        for period in PERIODS:
            is_period = table.c.value_period == period
            columns += [
                func.sum(case((is_period, 1), else_=0)).label(f"count_{period}"),
                func.sum(case((is_period, table.c.value), else_=None)).label(f"value_{period}"),
                func.sum(case((is_period, table.c.expected_value), else_=None)).label(f"expected_{period}"),
            ]
        columns += [
            func.sum(table.c.annualized_value).label("value_annualized"),
            func.sum(table.c.annualized_expected_value).label("expected_annualized"),
        ]
        sums = (
            self.ctx.conn.execute(stmt.with_only_columns(*columns, maintain_column_froms=True))
            .mappings()
            .one()
        )
        currency = currency_of(self.ctx)
        out: dict[str, Any] = {
            "total_results": int(sums["total"]),
            "count_by_value_period": {p: int(sums[f"count_{p}"]) for p in PERIODS if sums[f"count_{p}"]},
        }
        for name, key in (
            *((f"total_value_{p}", f"value_{p}") for p in PERIODS),
            ("total_value_annualized", "value_annualized"),
            *((f"expected_value_{p}", f"expected_{p}") for p in PERIODS),
            ("expected_value_annualized", "expected_annualized"),
        ):
            amount = int(sums[key] or 0)
            out[name] = amount
            out[f"{name}_formatted"] = format_money(amount, currency) if amount else None
        return out

    # ---- writing -------------------------------------------------------------------------

    def _status(self, found: Pipelines, body: dict[str, Any], errors: FieldErrors) -> Row | None:
        """The status a body names (status_id, or the deprecated label in `status`), if any."""
        if body.get("status_id") is not None:
            status = found.status(body["status_id"])
            if status is None:
                errors.add("status", status_missing().field_errors["status"])
            return status
        if body.get("status") is not None:
            label = body["status"]
            key = name_key(label) if isinstance(label, str) else None
            status = next((s for s in found.statuses if s["label_key"] == key), None)
            if status is None:
                errors.add(
                    "status",
                    f"Not a valid choice. {label!r} is not an opportunity status of this organization.",
                )
            return status
        return None

    def _pipeline_status(
        self,
        found: Pipelines,
        body: dict[str, Any],
        status: Row | None,
        current: Row | None,
        errors: FieldErrors,
    ) -> Row | None:
        """The status after `pipeline_id` is taken into account (its first status when none is named)."""
        if body.get("pipeline_id") is None:
            return status
        pipeline_id = body["pipeline_id"]
        if found.pipeline(pipeline_id) is None:
            errors.add("pipeline_id", "Object does not exist.")
            return status
        if status is not None:
            if status["pipeline_id"] != pipeline_id:
                errors.add("status_id", "The status does not belong to the pipeline given in pipeline_id.")
            return status
        if current is not None:
            now = found.status(current["status_id"])
            if now is not None and now["pipeline_id"] == pipeline_id:
                return None
        first = found.default_status(pipeline_id)
        if first is None:
            errors.add("pipeline_id", "The pipeline has no opportunity statuses.")
        return first

    def _member(self, body: dict[str, Any], name: str, errors: FieldErrors) -> str | None:
        user_id = body[name]
        if user_id is None:
            return None
        if not isinstance(user_id, str) or user_id not in user_names(self.ctx, []):
            errors.add(name, "Not a member of this organization.")
            return None
        return user_id

    def _today(self) -> date:
        return clock.now().astimezone(tz_from_offset(self.ctx.tz_offset)).date()

    def _clean(self, body: dict[str, Any], current: Row | None, lead_id: str) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(body, creating=current is None, errors=errors)
        # Written through their own rules below, never as given.
        for name in ("lead_id", "contact_id", "user_id", "status_id", "status", "attachments"):
            values.pop(name, None)
        if (
            "confidence" in values
            and values["confidence"] is not None
            and not 0 <= values["confidence"] <= 100
        ):
            errors.add("confidence", "Must be between 0 and 100.")
        if values.get("value") is not None and abs(values["value"]) > MAX_VALUE:
            # Annualized and weighted, a value must still fit the databases' 64-bit integers.
            errors.add("value", f"Must be between -{MAX_VALUE} and {MAX_VALUE} (cents).")
        found = org_pipelines(self.ctx)
        status = self._pipeline_status(found, body, self._status(found, body, errors), current, errors)
        if status is not None:
            values["status_id"] = status["id"]
        elif current is None and "status" not in errors.errors:
            first = found.default_status()
            if first is None:
                errors.add("status", "The organization has no opportunity statuses.")
            else:
                status = first
                values["status_id"] = first["id"]
        if "contact_id" in body:
            contact_id = body["contact_id"]
            if contact_id is not None:
                contact = self.repo.find(self._spec_of("contact_id"), contact_id)
                if contact is None or contact["lead_id"] != lead_id:
                    errors.add("contact_id", "Not a contact of the opportunity's lead.")
            values["contact_id"] = contact_id
        if "user_id" in body:
            values["user_id"] = self._member(body, "user_id", errors)
        if "attachments" in body:
            attachments = _attachments(body["attachments"], errors)
            if attachments is not None:
                values["attachments"] = attachments
        custom = custom_values(self.ctx, "opportunity")
        stored = (current or {}).get("custom") or {}
        new_custom = custom.apply(stored, body, errors, lead_id=lead_id)
        if current is None or new_custom != stored:
            values["custom"] = new_custom
        if current is None:
            self._imported(body, values, errors)
        errors.raise_if_any()
        merged = {**(current or {}), **values}
        if merged.get("value_period") is None:
            merged["value_period"] = values["value_period"] = "one_time"
        if merged.get("confidence") is None:
            merged["confidence"] = values["confidence"] = 0
        values.update(derived(merged.get("value"), merged["value_period"], merged["confidence"]))
        if status is not None and (current is None or status["id"] != current["status_id"]):
            if status["type"] == "won" and merged.get("date_won") is None:
                values["date_won"] = self._today()
            if status["type"] == "lost" and merged.get("date_lost") is None:
                values["date_lost"] = clock.now()
        return values

    def _imported(self, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        """`date_created` and `created_by` may be given on create, for imports."""
        if body.get("date_created") is not None:
            raw = body["date_created"]
            try:
                if not isinstance(raw, str):
                    raise Problem("Not a valid datetime.")
                moment: datetime = parse_datetime(raw, self.ctx.tz_offset)
                values["date_created"] = values["date_updated"] = moment
            except (ValueError, Problem):
                errors.add("date_created", "Not a valid datetime.")
        if body.get("created_by") is not None:
            values["created_by"] = values["updated_by"] = self._member(body, "created_by", errors)

    def validate_create(self, body: dict[str, Any]) -> Row:
        lead_spec = self._spec_of("lead_id")
        lead_id = body.get("lead_id")
        if lead_id is not None and (
            not isinstance(lead_id, str) or self.repo.find(lead_spec, lead_id) is None
        ):
            raise lead_missing()
        if lead_id is None and isinstance(body.get("contact_id"), str):
            # A contact names its lead: the opportunity goes there.
            contact = self.repo.find(self._spec_of("contact_id"), body["contact_id"])
            lead_id = contact["lead_id"] if contact is not None else None
        values = self._clean(body, None, lead_id or "")
        if lead_id is None:
            # Since 2025 Close creates a lead (shown as "Untitled") for an opportunity posted without one.
            lead_id = lead_spec.service(self.ctx, lead_spec).create({})["id"]
        values["lead_id"] = lead_id
        values.setdefault("user_id", self.ctx.actor.user_id)
        values.setdefault("contact_id", None)
        values.setdefault("attachments", [])
        values.setdefault("date_lost", None)
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        return self._clean(body, row, row["lead_id"])

    def after_update(self, before: Row, after: Row) -> None:
        # Close's OpportunityStatusChange on the opportunity's lead, in the same transaction.
        if before["status_id"] != after["status_id"]:
            found = org_pipelines(self.ctx)
            payload = opportunity_change(
                self.ctx,
                self.render_one(after),
                found.status(before["status_id"]),
                found.status(after["status_id"]),
            )
            record_status_change(
                self.ctx,
                "activity/status_change/opportunity",
                "opportunity_id",
                {
                    "lead_id": after["lead_id"],
                    "contact_id": after["contact_id"],
                    "opportunity_id": after["id"],
                    "source": "api",
                    "payload": payload,
                },
            )
