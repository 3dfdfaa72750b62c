"""What pipelines, opportunity statuses and opportunities share: the organization's pipelines
with their ordered statuses (cached under the settings version, as lead statuses are), the
defaults of a new organization, and how an amount of money is shown.

Shared here rather than in one resource package, since the three resources, the organization's
`pipelines` and provisioning all read them (resource packages stay independent of each other).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from leadbase.core.clock import iso
from leadbase.core.dates import parse_date
from leadbase.core.ids import SHORT, new_id
from leadbase.core.names import name_key
from leadbase.db.context import Context
from leadbase.db.fields import Problem
from leadbase.db.models import opportunity_status, organization, pipeline
from leadbase.db.orgcache import cached
from leadbase.db.query import Kind
from leadbase.db.repository import Row

STATUS_TYPES = ("active", "won", "lost")
DEFAULT_PIPELINE = "Sales"
DEFAULT_OPPORTUNITY_STATUSES = (("Active", "active"), ("Won", "won"), ("Lost", "lost"))

CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CAD": "$",
    "AUD": "$",
    "CHF": "CHF",
    "INR": "₹",
    "BRL": "R$",
    "PLN": "zł",
    "SEK": "kr",
    "NOK": "kr",
    "DKK": "kr",
}


@dataclass(frozen=True)
class Pipelines:
    """An organization's pipelines (oldest first) and their statuses (pipeline order, then position).

    Shared with other requests through the process cache: read it, never change it.
    """

    pipelines: tuple[Row, ...]
    statuses: tuple[Row, ...]
    # By id: a page of opportunities looks up each one's status and pipeline.
    _pipeline_by_id: dict[Any, Row] = field(init=False, repr=False, compare=False)
    _status_by_id: dict[Any, Row] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pipeline_by_id", {p["id"]: p for p in reversed(self.pipelines)})
        object.__setattr__(self, "_status_by_id", {s["id"]: s for s in reversed(self.statuses)})

    def pipeline(self, pipeline_id: Any) -> Row | None:
        return self._pipeline_by_id.get(pipeline_id) if isinstance(pipeline_id, Hashable) else None

    def status(self, status_id: Any) -> Row | None:
        return self._status_by_id.get(status_id) if isinstance(status_id, Hashable) else None

    def statuses_of(self, pipeline_id: str) -> list[Row]:
        return [s for s in self.statuses if s["pipeline_id"] == pipeline_id]

    def default_status(self, pipeline_id: str | None = None) -> Row | None:
        """The first status of the pipeline, or of the first pipeline that has any."""
        for s in self.statuses:
            if pipeline_id is None or s["pipeline_id"] == pipeline_id:
                return s
        return None


def _load(ctx: Context) -> Pipelines:
    pipes = tuple(
        dict(r)
        for r in ctx.conn.execute(
            select(pipeline)
            .where(pipeline.c.organization_id == ctx.organization_id)
            .order_by(pipeline.c.date_created, pipeline.c.id)
        ).mappings()
    )
    order = {p["id"]: n for n, p in enumerate(pipes)}
    statuses = sorted(
        (
            dict(r)
            for r in ctx.conn.execute(
                select(opportunity_status).where(opportunity_status.c.organization_id == ctx.organization_id)
            ).mappings()
        ),
        key=lambda s: (order.get(s["pipeline_id"], len(order)), s["position"], s["date_created"], s["id"]),
    )
    return Pipelines(pipes, tuple(statuses))


MEMO = "pipelines"


def org_pipelines(ctx: Context) -> Pipelines:
    """The organization's pipelines and statuses: once per request, from the process cache when current."""
    if ctx.conn.get_execution_options().get("writes"):
        # A writing request may change them at any step: ask the cache (under the version
        # its own writes replaced) each time instead of keeping them for the request.
        return cached(ctx, "pipelines", _load)
    found: Pipelines | None = ctx.memo.get(MEMO)
    if found is None:
        found = ctx.memo[MEMO] = cached(ctx, "pipelines", _load)
    return found


def status_summary(status: Row) -> dict[str, Any]:
    return {"id": status["id"], "label": status["label"], "type": status["type"]}


def render_pipelines(ctx: Context) -> list[dict[str, Any]]:
    """The organization's `pipelines`: each with its ordered statuses."""
    found = org_pipelines(ctx)
    return [
        {
            "id": p["id"],
            "name": p["name"],
            "organization_id": p["organization_id"],
            "statuses": [status_summary(s) for s in found.statuses_of(p["id"])],
        }
        for p in found.pipelines
    ]


def default_pipeline_rows(organization_id: str, now: datetime, user_id: str | None) -> tuple[Row, list[Row]]:
    """The pipeline and statuses a new organization starts with (rows ready to insert)."""
    audit = {"date_created": now, "date_updated": now, "created_by": user_id, "updated_by": user_id}
    pipe = {
        "organization_id": organization_id,
        "id": new_id("pipe", SHORT),
        "name": DEFAULT_PIPELINE,
        **audit,
    }
    statuses = [
        {
            "organization_id": organization_id,
            "id": new_id("stat"),
            "label": label,
            "label_key": name_key(label),
            "type": kind,
            "pipeline_id": pipe["id"],
            "position": position,
            **audit,
        }
        for position, (label, kind) in enumerate(DEFAULT_OPPORTUNITY_STATUSES)
    ]
    return pipe, statuses


def _load_currency(ctx: Context) -> str:
    found = ctx.conn.execute(select(organization.c.currency).where(organization.c.id == ctx.organization_id))
    return str(found.scalar() or "USD")


def currency_of(ctx: Context) -> str:
    """The organization's currency (ISO 4217), from the process cache when current (a trigger
    replaces the settings version when it changes)."""
    return cached(ctx, "currency", _load_currency)


def format_money(cents: int, currency: str) -> str:
    """`$1,200` or `$1,200.50`: whole units without decimals, else two."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    amount = f"{units:,}" if rest == 0 else f"{units:,}.{rest:02d}"
    return f"{sign}{symbol}{amount}"


@dataclass(frozen=True)
class Choice:
    """A text value out of a fixed set (a status type, a value period): a db.fields value type."""

    choices: tuple[str, ...]
    filter_kind: Kind = "text"

    def clean(self, value: Any) -> Any:
        if value not in self.choices:
            raise Problem(f"Not a valid choice: use one of {', '.join(self.choices)}.")
        return value

    def render(self, stored: Any) -> Any:
        return stored

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


class Day:
    """A date without a time (`date_won`): `YYYY-MM-DD`; a datetime sent for it keeps its date."""

    filter_kind: Kind = "date"

    def clean(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise Problem("Not a valid date (use YYYY-MM-DD).")
        try:
            return parse_date(value[:10]) if len(value) > 10 else parse_date(value)
        except ValueError as exc:
            raise Problem("Not a valid date (use YYYY-MM-DD).") from exc

    def render(self, stored: Any) -> Any:
        return stored.isoformat() if stored is not None else None

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


class NaiveDateTime:
    """Close shows some newer objects' datetimes (pipelines) in UTC without an offset."""

    filter_kind: Kind = "datetime"

    def clean(self, value: Any) -> Any:
        raise Problem("This field is read-only.")

    def render(self, stored: Any) -> Any:
        text = iso(stored)
        return text[: -len("+00:00")] if text is not None else None

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}


CHOICE_STATUS_TYPE = Choice(STATUS_TYPES)
DAY = Day()
NAIVE_DATETIME = NaiveDateTime()


def opportunity_change(
    ctx: Context,
    opportunity: Row,
    old: Row | None,
    new: Row | None,
    *,
    labels: Callable[[str, Any], Any] | None = None,
) -> dict[str, Any]:
    """The payload of an OpportunityStatusChange from the opportunity (as the API shows it) and
    its two statuses."""
    found = org_pipelines(ctx)

    def label(key: str, default: Any) -> Any:
        return labels(key, default) if labels is not None else default

    payload: dict[str, Any] = {}
    for side, status in (("old", old), ("new", new)):
        pipeline = found.pipeline(status["pipeline_id"]) if status else None
        payload[f"{side}_status_id"] = status["id"] if status else None
        payload[f"{side}_status_label"] = label(f"{side}_status_label", status["label"] if status else None)
        payload[f"{side}_status_type"] = status["type"] if status else None
        payload[f"{side}_pipeline_id"] = pipeline["id"] if pipeline else None
        payload[f"{side}_pipeline_name"] = pipeline["name"] if pipeline else None
    value = opportunity.get("value")
    currency = opportunity.get("value_currency")
    payload.update(
        opportunity_value=value,
        opportunity_value_currency=currency,
        opportunity_value_formatted=opportunity.get("value_formatted"),
        opportunity_value_period=opportunity.get("value_period"),
        opportunity_confidence=opportunity.get("confidence"),
        opportunity_date_won=opportunity.get("date_won"),
    )
    return payload
