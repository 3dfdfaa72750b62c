"""POST /report/activity/: the organization's metrics per time bucket (overview) or per user
(comparison), with their totals over the whole range."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.sql import ColumnElement

from leadbase.core.errors import Invalid
from leadbase.db.context import Context
from leadbase.resources.report.buckets import auto_unit, bucket_key, bucket_starts, parse_key
from leadbase.resources.report.metrics import METRICS, Metric, Source, aggregate
from leadbase.resources.report.ranges import Range, datetime_range, named_range
from leadbase.resources.report.scope import leads_in, member_ids, saved_search_query, users_filter

TYPES = ("overview", "comparison")


def in_range(source: Source, window: Range) -> ColumnElement[bool]:
    """The source's rows dated inside the window (a date column: the days whose midnight is)."""
    column = source.moment()
    if not source.is_date:
        return window.contains_sql(column)
    end = _first_day_from(window.end)
    if window.start is None:
        return column < end
    return (column >= _first_day_from(window.start)) & (column < end)


def _first_day_from(moment: datetime) -> date:
    day = moment.date()
    return day if moment.time() == time(0) else day + timedelta(days=1)


class ActivityReport:
    def __init__(self, ctx: Context, body: dict[str, Any]) -> None:
        self.ctx = ctx
        errors: dict[str, Any] = {}
        self.type = body.get("type")
        if self.type not in TYPES:
            errors["type"] = "Not a valid choice. Choose one of: overview, comparison."
        metrics = body.get("metrics")
        if not isinstance(metrics, list) or not metrics:
            errors["metrics"] = "This field is required: a list of metric keys."
            metrics = []
        unknown = [m for m in metrics if not isinstance(m, str) or m not in METRICS]
        if unknown:
            errors["metrics"] = f"Unknown metrics: {', '.join(map(str, unknown))}."
        self.metrics: list[str] = list(
            dict.fromkeys(m for m in metrics if isinstance(m, str) and m in METRICS)
        )
        self.window: Range | None = None
        try:
            self.window = self._window(body)
        except Invalid as exc:
            errors.update(exc.field_errors)
        try:
            self.users = users_filter(ctx, body.get("users"))
            self.leads = saved_search_query(ctx, body.get("query"))
        except Invalid as exc:
            errors.update(exc.field_errors)
        if errors:
            raise Invalid(errors)

    def _window(self, body: dict[str, Any]) -> Range:
        given = [k for k in ("datetime_range", "relative_range") if body.get(k) is not None]
        if len(given) != 1:
            raise Invalid.field("datetime_range", "Give either datetime_range or relative_range.")
        if given[0] == "datetime_range":
            return datetime_range(body["datetime_range"], "datetime_range")
        return named_range(body["relative_range"], "relative_range")

    # ---- SQL -------------------------------------------------------------------------------

    def _by_source(self) -> dict[str, tuple[Source, list[Metric]]]:
        out: dict[str, tuple[Source, list[Metric]]] = {}
        for key in self.metrics:
            source, metric = METRICS[key]
            out.setdefault(source.name, (source, []))[1].append(metric)
        return out

    def _query(self, source: Source, metrics: list[Metric], group: ColumnElement[Any] | None) -> Any:
        assert self.window is not None
        columns: list[ColumnElement[Any]] = [
            group.label("g") if group is not None else literal("").label("g")
        ]
        for metric in metrics:
            columns.extend(aggregate(metric))
        where = [
            source.organization_id() == self.ctx.organization_id,
            *source.where(),
            in_range(source, self.window),
        ]
        if self.users is not None:
            where.append(source.user().in_(self.users))
        if self.leads is not None:
            where.append(source.lead_id().in_(leads_in(self.ctx, self.leads)))
        stmt = select(*columns).select_from(source.table()).where(*where)
        if group is not None:
            stmt = stmt.group_by(group)
        return stmt

    def _run(self, group_of: Any) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        """Metric values per group key, and the totals over the whole range (both in SQL)."""
        grouped: dict[str, dict[str, Any]] = defaultdict(dict)
        totals: dict[str, Any] = {}
        for source, metrics in self._by_source().values():
            for target, group in ((grouped, group_of(source)), (None, None)):
                for row in self.ctx.conn.execute(self._query(source, metrics, group)):
                    values = _values(metrics, list(row)[1:])
                    if target is None:
                        totals.update(values)
                    else:
                        target[row[0]].update(values)
        return grouped, totals

    # ---- answers ---------------------------------------------------------------------------

    def answer(self) -> dict[str, Any]:
        assert self.window is not None
        if self.type == "comparison":
            return self._comparison()
        return self._overview()

    def _zero(self) -> dict[str, Any]:
        return dict.fromkeys(self.metrics, 0)

    def _overview(self) -> dict[str, Any]:
        assert self.window is not None
        start = self.window.start
        # all-time is bucketed by month, from the first month holding data.
        unit = auto_unit(start, self.window.end, hours=False) if start is not None else "month"
        grouped, totals = self._run(lambda s: bucket_key(self.ctx, s.moment(), unit, is_date=s.is_date))
        if start is None:
            keys = sorted(k for k in grouped if k)
            start = parse_key(keys[0]) if keys else self.window.end
        data = []
        for bucket in bucket_starts(start, self.window.end, unit):
            key = bucket.strftime("%Y-%m-%dT%H:%M:%S")
            data.append({"datetime": bucket.isoformat(), **self._zero(), **grouped.get(key, {})})
        return {"aggregations": {"totals": {**self._zero(), **totals}}, "data": data, "queries": {}}

    def _comparison(self) -> dict[str, Any]:
        grouped, totals = self._run(lambda s: s.user())
        users = self.users if self.users is not None else member_ids(self.ctx)
        data = [{"user_id": u, **self._zero(), **grouped.get(u, {})} for u in users]
        return {"aggregations": {"totals": {**self._zero(), **totals}}, "data": data, "queries": {}}


def _values(metrics: list[Metric], cells: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    index = 0
    for metric in metrics:
        if metric.aggregation == "avg":
            total, count = cells[index] or 0, cells[index + 1] or 0
            out[metric.key] = round(total / count) if count else 0
            index += 2
        else:
            out[metric.key] = int(cells[index] or 0)
            index += 1
    return out
