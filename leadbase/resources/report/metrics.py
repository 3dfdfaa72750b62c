"""The activity report's metrics: what each key counts, over which rows, by which user and moment.

A metric key reads `<object>.<subset>.<variant>.<aggregation>`. Each belongs to a `Source`: one
table (with the conditions every row of the source meets), the column dating a row, the column
naming its user and the column naming its lead. A report runs one aggregate query per source it
needs, with one conditional aggregate per metric.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, or_, select, true
from sqlalchemy.sql import ColumnElement, FromClause

from leadbase.db.models import activity, lead, opportunity, opportunity_status

EXTERNAL = "External"


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    description: str
    # `count` of the rows meeting `condition`, the `sum`/`avg` of `value` over them, or
    # `distinct` (the number of different `value`s: leads contacted).
    aggregation: str
    condition: Callable[[], ColumnElement[bool]]
    value: Callable[[], ColumnElement[Any]] | None = None


@dataclass(frozen=True)
class Source:
    name: str
    table: Callable[[], FromClause]
    where: Callable[[], list[ColumnElement[bool]]]
    moment: Callable[[], ColumnElement[Any]]
    user: Callable[[], ColumnElement[Any]]
    lead_id: Callable[[], ColumnElement[Any]]
    organization_id: Callable[[], ColumnElement[Any]]
    is_date: bool = False
    metrics: list[Metric] = field(default_factory=list)


def _payload_text(key: str) -> ColumnElement[Any]:
    text: ColumnElement[Any] = activity.c.payload[key].as_string()
    return text


def _duration() -> ColumnElement[Any]:
    return func.coalesce(cast(activity.c.payload["duration"].as_integer(), Integer), 0)


def _activities(kind: str) -> Callable[[], list[ColumnElement[bool]]]:
    return lambda: [activity.c.type == kind]


def _activity_source(name: str, where: Callable[[], list[ColumnElement[bool]]], moment: str) -> Source:
    return Source(
        name=name,
        table=lambda: activity,
        where=where,
        moment=lambda: activity.c[moment],
        user=lambda: activity.c.user_id,
        lead_id=lambda: activity.c.lead_id,
        organization_id=lambda: activity.c.organization_id,
    )


def _yes() -> ColumnElement[bool]:
    return true()


# ---- calls ---------------------------------------------------------------------------------

CALLS = _activity_source("calls", _activities("Call"), "activity_at")


def call_direction() -> ColumnElement[Any]:
    # A call's direction lives in the `direction` column (rows written before the activity
    # layout kept it in `payload`: read both).
    direction: ColumnElement[Any] = func.coalesce(activity.c.direction, _payload_text("direction"))
    return direction


def _inbound() -> ColumnElement[bool]:
    return call_direction() == "inbound"


def _outbound() -> ColumnElement[bool]:
    return call_direction() == "outbound"


def _external() -> ColumnElement[bool]:
    return and_(_outbound(), activity.c.source == EXTERNAL)


def _dialed(method: str) -> Callable[[], ColumnElement[bool]]:
    def condition() -> ColumnElement[bool]:
        placed = or_(activity.c.source.is_(None), activity.c.source != EXTERNAL)
        chosen = func.coalesce(_payload_text("call_method"), "regular") == method
        return and_(_outbound(), placed, chosen)

    return condition


_CALL_SUBSETS: list[tuple[str, str, Callable[[], ColumnElement[bool]]]] = [
    ("all.all", "all calls", _yes),
    ("inbound.all", "inbound calls", _inbound),
    ("outbound.all", "outbound calls", _outbound),
    ("outbound.regular", "outbound calls placed from Close", _dialed("regular")),
    ("outbound.external", "outbound calls logged from outside Close", _external),
    ("outbound.power_dialer", "outbound calls placed by the Power Dialer", _dialed("power")),
    ("outbound.predictive_dialer", "outbound calls placed by the Predictive Dialer", _dialed("predictive")),
]
for _subset, _what, _cond in _CALL_SUBSETS:
    CALLS.metrics.extend(
        [
            Metric(f"calls.{_subset}.count", f"Calls: {_what}", f"The number of {_what}.", "count", _cond),
            Metric(
                f"calls.{_subset}.sum_duration",
                f"Call duration: {_what}",
                f"The total duration of {_what}, in seconds.",
                "sum",
                _cond,
                _duration,
            ),
            Metric(
                f"calls.{_subset}.avg_duration",
                f"Average call duration: {_what}",
                f"The average duration of {_what}, in seconds.",
                "avg",
                _cond,
                _duration,
            ),
        ]
    )

# ---- emails and SMS ------------------------------------------------------------------------
# Messages are dated by when they were sent or received; they count once they are `sent`
# (outgoing) or in the `inbox` (incoming).

EMAILS = _activity_source("emails", _activities("Email"), "date_sent")


def _status(value: str) -> Callable[[], ColumnElement[bool]]:
    return lambda: activity.c.status == value


def _in_sequence() -> ColumnElement[bool]:
    return _payload_text("sequence_id").is_not(None)


def opened() -> ColumnElement[bool]:
    return and_(activity.c.status == "sent", func.coalesce(_payload_text("opens"), "[]") != "[]")


def replied() -> ColumnElement[bool]:
    # An incoming email later in the same thread answers a sent one.
    reply = activity.alias("reply")
    return (
        select(reply.c.id)
        .where(
            reply.c.organization_id == activity.c.organization_id,
            reply.c.thread_id == activity.c.thread_id,
            reply.c.type == "Email",
            reply.c.status == "inbox",
            reply.c.date_sent > activity.c.date_sent,
        )
        .exists()
    )


EMAILS.metrics.extend(
    [
        Metric(
            "emails.sent.all.count", "Emails sent", "The number of emails sent.", "count", _status("sent")
        ),
        Metric(
            "emails.sent.sequences.count",
            "Emails sent by sequences",
            "The number of emails sent by sequences (workflows).",
            "count",
            lambda: and_(activity.c.status == "sent", _in_sequence()),
        ),
        Metric(
            "emails.sent.sequences_with_reply.count",
            "Sequence emails replied to",
            "The number of emails sent by sequences that got a reply.",
            "count",
            lambda: and_(activity.c.status == "sent", _in_sequence(), replied()),
        ),
        Metric(
            "emails.sent.sequences_without_reply.count",
            "Sequence emails not replied to",
            "The number of emails sent by sequences that got no reply.",
            "count",
            lambda: and_(activity.c.status == "sent", _in_sequence(), ~replied()),
        ),
        Metric(
            "emails.received.all.count",
            "Emails received",
            "The number of emails received.",
            "count",
            _status("inbox"),
        ),
        Metric(
            "emails.opened.all.count",
            "Emails opened",
            "The number of emails sent in the period that were opened.",
            "count",
            opened,
        ),
        Metric(
            "emails.opened.sequences.count",
            "Sequence emails opened",
            "The number of emails sent by sequences in the period that were opened.",
            "count",
            lambda: and_(opened(), _in_sequence()),
        ),
    ]
)

SMS = _activity_source("sms", _activities("SMS"), "date_sent")
SMS.metrics.extend(
    [
        Metric(
            "sms.sent.all.count", "SMS sent", "The number of text messages sent.", "count", _status("sent")
        ),
        Metric(
            "sms.received.all.count",
            "SMS received",
            "The number of text messages received.",
            "count",
            _status("inbox"),
        ),
    ]
)

# ---- leads ---------------------------------------------------------------------------------

LEADS_CREATED = Source(
    name="leads_created",
    table=lambda: lead,
    where=lambda: [],
    moment=lambda: lead.c.date_created,
    user=lambda: lead.c.created_by,
    lead_id=lambda: lead.c.id,
    organization_id=lambda: lead.c.organization_id,
    metrics=[
        Metric("leads.created.all.count", "Leads created", "The number of leads created.", "count", _yes),
    ],
)


def _contacting() -> ColumnElement[bool]:
    return or_(
        and_(activity.c.type == "Call", _outbound()),
        and_(activity.c.type.in_(("Email", "SMS")), activity.c.status == "sent"),
    )


# A lead is contacted by an outgoing call, email or SMS; it counts once per bucket and user.
LEADS_CONTACTED = Source(
    name="leads_contacted",
    table=lambda: activity,
    where=lambda: [activity.c.type.in_(("Call", "Email", "SMS")), _contacting()],
    moment=lambda: func.coalesce(activity.c.date_sent, activity.c.activity_at),
    user=lambda: activity.c.user_id,
    lead_id=lambda: activity.c.lead_id,
    organization_id=lambda: activity.c.organization_id,
    metrics=[
        Metric(
            "leads.contacted.all.count",
            "Leads contacted",
            "The number of different leads reached by an outgoing call, email or SMS.",
            "distinct",
            _yes,
            lambda: activity.c.lead_id,
        ),
    ],
)

# ---- opportunities -------------------------------------------------------------------------


def _opportunities() -> FromClause:
    return opportunity.join(opportunity_status, opportunity_status.c.id == opportunity.c.status_id)


def _opportunity_source(name: str, where: Callable[[], list[ColumnElement[bool]]], **kw: Any) -> Source:
    return Source(
        name=name,
        table=_opportunities,
        where=where,
        lead_id=lambda: opportunity.c.lead_id,
        organization_id=lambda: opportunity.c.organization_id,
        **kw,
    )


OPPORTUNITIES_CREATED = _opportunity_source(
    "opportunities_created",
    lambda: [],
    moment=lambda: opportunity.c.date_created,
    user=lambda: opportunity.c.created_by,
    metrics=[
        Metric(
            "opportunities.created.all.count",
            "Opportunities created",
            "The number of opportunities the user created.",
            "count",
            _yes,
        )
    ],
)
OPPORTUNITIES_CREATED_FOR = _opportunity_source(
    "opportunities_created_for",
    lambda: [],
    moment=lambda: opportunity.c.date_created,
    user=lambda: opportunity.c.user_id,
    metrics=[
        Metric(
            "opportunities.created_for.all.count",
            "Opportunities created for",
            "The number of opportunities created with the user as their owner.",
            "count",
            _yes,
        )
    ],
)


def _period(value: str) -> Callable[[], ColumnElement[bool]]:
    return lambda: opportunity.c.value_period == value


def _value() -> ColumnElement[Any]:
    return func.coalesce(opportunity.c.value, 0)


def _annualized() -> ColumnElement[Any]:
    return func.coalesce(opportunity.c.annualized_value, 0)


def _closed_metrics(kind: str, verb: str) -> list[Metric]:
    metrics = [
        Metric(
            f"opportunities.{kind}.all.count",
            f"Opportunities {verb}",
            f"The number of opportunities {verb}.",
            "count",
            _yes,
        ),
        Metric(
            f"opportunities.{kind}.all.sum_annualized_value",
            f"Annualized value {verb}",
            f"The annualized value of the opportunities {verb}, in cents.",
            "sum",
            _yes,
            _annualized,
        ),
    ]
    for period in ("one_time", "monthly", "annual"):
        label = period.replace("_", "-")
        metrics += [
            Metric(
                f"opportunities.value_{kind}.{period}.count",
                f"Opportunities {verb} ({label})",
                f"The number of {label} opportunities {verb}.",
                "count",
                _period(period),
            ),
            Metric(
                f"opportunities.value_{kind}.{period}.sum_value",
                f"Value {verb} ({label})",
                f"The value of the {label} opportunities {verb}, in cents.",
                "sum",
                _period(period),
                _value,
            ),
        ]
    return metrics


# Won opportunities are dated by their date_won (a date), lost ones by date_lost; both
# belong to the opportunity's owner.
OPPORTUNITIES_WON = _opportunity_source(
    "opportunities_won",
    lambda: [opportunity_status.c.type == "won", opportunity.c.date_won.is_not(None)],
    moment=lambda: opportunity.c.date_won,
    user=lambda: opportunity.c.user_id,
    is_date=True,
    metrics=_closed_metrics("won", "won"),
)
OPPORTUNITIES_LOST = _opportunity_source(
    "opportunities_lost",
    lambda: [opportunity_status.c.type == "lost", opportunity.c.date_lost.is_not(None)],
    moment=lambda: opportunity.c.date_lost,
    user=lambda: opportunity.c.user_id,
    metrics=_closed_metrics("lost", "lost"),
)

SOURCES = [
    CALLS,
    EMAILS,
    SMS,
    LEADS_CREATED,
    LEADS_CONTACTED,
    OPPORTUNITIES_CREATED,
    OPPORTUNITIES_CREATED_FOR,
    OPPORTUNITIES_WON,
    OPPORTUNITIES_LOST,
]
METRICS: dict[str, tuple[Source, Metric]] = {m.key: (s, m) for s in SOURCES for m in s.metrics}


def catalogue() -> list[dict[str, str]]:
    """`GET /report/activity/metrics/`'s entries, in the order above."""
    return [{"key": m.key, "name": m.name, "description": m.description} for s in SOURCES for m in s.metrics]


def aggregate(metric: Metric) -> list[ColumnElement[Any]]:
    """The SQL aggregates a metric needs: [count] or [sum, count] (avg) or [distinct count]."""
    condition = metric.condition()
    if metric.aggregation == "count":
        return [func.sum(case((condition, 1), else_=0))]
    assert metric.value is not None
    value = metric.value()
    if metric.aggregation == "distinct":
        return [func.count(func.distinct(case((condition, value), else_=None)))]
    total = func.sum(case((condition, value), else_=0))
    if metric.aggregation == "sum":
        return [total]
    return [total, func.sum(case((condition, 1), else_=0))]
