"""POST /report/funnel/opportunity/stages/ and .../totals/: a pipeline's funnel.

The stages are the pipeline's active statuses in order, then its won statuses. An opportunity
reaches a stage when it ever held that stage or a later one (a won opportunity reached them
all), as its history tells (history.py); it is lost at the furthest stage it reached when its
status at the end of the report is a lost one.

Cohorts: `created-cohort` takes the pipeline's opportunities created in the cohort range;
`active-stage-cohort` those that held an active stage at some moment of the report range (in
one at its start, or entering one inside it), their history read up to the range's end. A
`compared_*` range replaces the base range (Close answers the compared report alone).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, literal, or_, select, union_all
from sqlalchemy.sql import ColumnElement

from leadbase.core import clock
from leadbase.core.errors import Invalid
from leadbase.db.context import Context
from leadbase.db.models import opportunity
from leadbase.resources.deals import org_pipelines
from leadbase.resources.report.buckets import seconds_between
from leadbase.resources.report.history import build
from leadbase.resources.report.ranges import Range, datetime_range, named_range, same_days_before
from leadbase.resources.report.scope import leads_in, member_ids, saved_search_query, users_filter
from leadbase.resources.report.statuses import OPPORTUNITY_STATUSES

TYPES = ("created-cohort", "active-stage-cohort")
NO_STAGE = -1


def _rate(part: float, whole: float) -> float | None:
    return round(part * 100 / whole, 2) if whole else None


class FunnelReport:
    def __init__(self, ctx: Context, body: dict[str, Any]) -> None:
        self.ctx = ctx
        errors: dict[str, Any] = {}
        pipelines = org_pipelines(ctx)
        pipeline_id = body.get("pipeline")
        if pipeline_id is None:
            errors["pipeline"] = "This field is required."
        elif not isinstance(pipeline_id, str) or pipelines.pipeline(pipeline_id) is None:
            errors["pipeline"] = "Not a pipeline of this organization."
        self.type = body.get("type")
        if self.type not in TYPES:
            errors["type"] = "Not a valid choice. Choose one of: created-cohort, active-stage-cohort."
        self.window: Range | None = None
        if self.type in TYPES:
            try:
                self.window = self._window(body)
            except Invalid as exc:
                errors.update(exc.field_errors)
        try:
            self.users = users_filter(ctx, body.get("users"), groups=True)
            self.leads = saved_search_query(ctx, body.get("query"))
        except Invalid as exc:
            errors.update(exc.field_errors)
        if errors:
            raise Invalid(errors)
        assert isinstance(pipeline_id, str)
        statuses = pipelines.statuses_of(pipeline_id)
        self.statuses = statuses
        self.stages = [s for s in statuses if s["type"] == "active"] + [
            s for s in statuses if s["type"] == "won"
        ]
        self.index = {s["id"]: i for i, s in enumerate(self.stages)}
        self.lost = [s["id"] for s in statuses if s["type"] == "lost"]
        self.won = [s["id"] for s in statuses if s["type"] == "won"]
        self.active = [s["id"] for s in statuses if s["type"] == "active"]

    def _window(self, body: dict[str, Any]) -> Range:
        prefix = "cohort" if self.type == "created-cohort" else "report"
        relative, explicit = f"{prefix}_relative_range", f"{prefix}_datetime_range"
        if body.get(relative) is not None and body.get(explicit) is not None:
            raise Invalid.field(relative, f"Give either {relative} or {explicit}, not both.")
        if body.get(relative) is not None:
            base = named_range(body[relative], relative)
        elif body.get(explicit) is not None:
            base = datetime_range(body[explicit], explicit)
        else:
            raise Invalid.field(relative, f"Give {relative} or {explicit}.")
        compared = [
            k
            for k in ("compared_relative_range", "compared_datetime_range", "compared_custom_range")
            if body.get(k) is not None
        ]
        if len(compared) > 1:
            raise Invalid.field(compared[1], "Give one comparison range at most.")
        if not compared:
            return base
        key = compared[0]
        if key == "compared_relative_range":
            if body.get(relative) is None:
                raise Invalid.field(key, f"Only allowed with {relative}.")
            return named_range(body[key], key)
        if key == "compared_datetime_range":
            if body.get(explicit) is None:
                raise Invalid.field(key, f"Only allowed with {explicit}.")
            return same_days_before(base, key, body[key])
        return datetime_range(body[key], key)

    # ---- SQL -------------------------------------------------------------------------------

    def _stage(self, column: Any) -> ColumnElement[Any]:
        if not self.index:
            return literal(None)
        return case(self.index, value=column, else_=None)

    def _figures(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        assert self.window is not None
        window = self.window
        where: list[ColumnElement[bool]] = [opportunity.c.status_id.in_([s["id"] for s in self.statuses])]
        if self.users is not None:
            where.append(opportunity.c.user_id.in_(self.users))
        if self.leads is not None:
            where.append(opportunity.c.lead_id.in_(leads_in(self.ctx, self.leads)))
        if self.type == "created-cohort":
            where.append(window.contains_sql(opportunity.c.date_created))
        else:
            where.append(opportunity.c.date_created < window.end)
        history = build(self.ctx, OPPORTUNITY_STATUSES, where)
        objects, changes, first = history.objects, history.changes, history.first
        end = window.end if self.type == "active-stage-cohort" else max(window.end, clock.now())
        visits = union_all(
            select(
                objects.c.id.label("oid"), first.c.initial.label("s"), objects.c.date_created.label("at")
            ).select_from(objects.join(first, first.c.id == objects.c.id)),
            select(changes.c.oid, changes.c.new, changes.c.at).where(changes.c.at < end),
        ).cte("visits")
        cohort = select(objects.c.id)
        if self.type == "active-stage-cohort" and window.start is not None:
            at_start = history.status_at(window.start).subquery()
            cohort = cohort.where(
                or_(
                    objects.c.id.in_(select(at_start.c.id).where(at_start.c.status.in_(self.active))),
                    objects.c.id.in_(
                        select(visits.c.oid).where(
                            window.contains_sql(visits.c.at), visits.c.s.in_(self.active)
                        )
                    ),
                )
            )
        cohort_ids = cohort.cte("cohort")
        stage = self._stage(visits.c.s)
        reached = (
            select(visits.c.oid, func.max(stage).label("reached"))
            .where(stage.is_not(None))
            .group_by(visits.c.oid)
            .subquery()
        )
        final = history.status_at(end).subquery()
        outcome = case(
            (final.c.status.in_(self.won or [""]), "won"),
            (final.c.status.in_(self.lost or [""]), "lost"),
            else_="open",
        )
        each = (
            select(
                func.coalesce(reached.c.reached, NO_STAGE).label("reached"),
                outcome.label("outcome"),
                opportunity.c.user_id,
                func.coalesce(opportunity.c.annualized_value, 0).label("value"),
                func.coalesce(opportunity.c.annualized_expected_value, 0).label("weighted"),
            )
            .select_from(cohort_ids)
            .join(opportunity, opportunity.c.id == cohort_ids.c.id)
            .outerjoin(reached, reached.c.oid == cohort_ids.c.id)
            .outerjoin(final, final.c.id == cohort_ids.c.id)
        ).subquery()
        per_opportunity = select(
            each.c.reached,
            each.c.outcome,
            each.c.user_id,
            func.count(),
            func.sum(each.c.value),
            func.sum(each.c.weighted),
        ).group_by(each.c.reached, each.c.outcome, each.c.user_id)
        rows = [tuple(r) for r in self.ctx.conn.execute(per_opportunity)]
        # When each opportunity first entered each stage, and when it next entered a later one.
        entries = (
            select(visits.c.oid, stage.label("stage"), func.min(visits.c.at).label("at"))
            .where(stage.is_not(None), visits.c.oid.in_(select(cohort_ids.c.id)))
            .group_by(visits.c.oid, stage)
            .subquery()
        )
        following = (
            select(
                entries.c.oid,
                entries.c.stage,
                entries.c.at,
                func.min(entries.c.at)
                .over(partition_by=entries.c.oid, order_by=entries.c.stage.desc(), rows=(None, -1))
                .label("next_at"),
            )
        ).subquery()
        advance = (
            select(
                following.c.stage,
                opportunity.c.user_id,
                func.sum(seconds_between(self.ctx, following.c.next_at, following.c.at)),
                func.count(),
            )
            .join(opportunity, opportunity.c.id == following.c.oid)
            .where(following.c.next_at.is_not(None))
            .group_by(following.c.stage, opportunity.c.user_id)
        )
        advancing = [tuple(r) for r in self.ctx.conn.execute(advance)]
        won_stages = [self.index[w] for w in self.won]
        to_win = (
            select(
                opportunity.c.user_id,
                func.sum(seconds_between(self.ctx, entries.c.at, opportunity.c.date_created)),
                func.count(),
            )
            .join(opportunity, opportunity.c.id == entries.c.oid)
            .join(final, final.c.id == entries.c.oid)
            .where(entries.c.stage.in_(won_stages or [NO_STAGE]), final.c.status.in_(self.won or [""]))
            .group_by(opportunity.c.user_id)
        )
        winning = [tuple(r) for r in self.ctx.conn.execute(to_win)]
        return rows, advancing, winning

    # ---- answers ---------------------------------------------------------------------------

    def _users(self) -> list[str]:
        return self.users if self.users is not None else member_ids(self.ctx)

    def answer(self, kind: str) -> dict[str, Any]:
        rows, advancing, winning = self._figures()
        users = self._users()

        def only(user: str | None, items: list[tuple[Any, ...]], column: int) -> list[tuple[Any, ...]]:
            return [r for r in items if user is None or r[column] == user]

        if kind == "stages":
            return {
                "aggregations": {"stages": self._stages(rows, advancing)},
                "data": [
                    {"user_id": u, "stages": self._stages(only(u, rows, 2), only(u, advancing, 1))}
                    for u in users
                ],
            }
        return {
            "aggregations": self._totals(rows, winning),
            "data": [{"user_id": u, **self._totals(only(u, rows, 2), only(u, winning, 0))} for u in users],
        }

    def _stages(self, rows: list[tuple[Any, ...]], advancing: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        n = len(self.stages)
        count, value, weighted = [0] * n, [0] * n, [0] * n
        lost_count, lost_value = [0] * n, [0] * n
        for reached, outcome, _user, c, v, w in rows:
            for i in range(min(int(reached), n - 1) + 1):
                count[i] += int(c)
                value[i] += int(v or 0)
                weighted[i] += int(w or 0)
            if outcome == "lost" and 0 <= reached < n:
                lost_count[int(reached)] += int(c)
                lost_value[int(reached)] += int(v or 0)
        seconds: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
        for stage, _user, total, c in advancing:
            seconds[int(stage)][0] += float(total or 0)
            seconds[int(stage)][1] += int(c)
        out = []
        for i, status in enumerate(self.stages):
            later = i + 1 < n
            total, c = seconds.get(i, (0.0, 0))
            out.append(
                {
                    "status": {"id": status["id"], "label": status["label"], "type": status["type"]},
                    "count": count[i],
                    "count_conversion_rate": _rate(count[i + 1], count[i]) if later else None,
                    "count_lost": lost_count[i],
                    "count_lost_ratio": _rate(lost_count[i], count[i]),
                    "value": value[i],
                    "value_conversion_rate": _rate(value[i + 1], value[i]) if later else None,
                    "value_lost": lost_value[i],
                    "value_lost_ratio": _rate(lost_value[i], value[i]),
                    "weighted_value": weighted[i],
                    "weighted_value_conversion_rate": _rate(weighted[i + 1], weighted[i]) if later else None,
                    "average_time_to_advance": round(total / c) if c else None,
                }
            )
        return out

    def _totals(self, rows: list[tuple[Any, ...]], winning: list[tuple[Any, ...]]) -> dict[str, Any]:
        count = won = complete = 0
        value_won = value_complete = 0
        for _reached, outcome, _user, c, v, _w in rows:
            count += int(c)
            if outcome in ("won", "lost"):
                complete += int(c)
                value_complete += int(v or 0)
            if outcome == "won":
                won += int(c)
                value_won += int(v or 0)
        seconds = sum(float(r[1] or 0) for r in winning)
        wins_timed = sum(int(r[2]) for r in winning)
        time_to_win = round(seconds / wins_timed) if wins_timed else None
        average_value = round(value_won / won) if won else None
        win_rate = _rate(won, complete)
        velocity = None
        if average_value is not None and win_rate is not None and time_to_win:
            # Opportunities x win rate x average won value, per day of the sales cycle (cents).
            velocity = round(count * (win_rate / 100) * average_value / (time_to_win / 86400))
        return {
            "count": count,
            "count_total_complete": complete,
            "count_total_won": won,
            "count_win_rate": win_rate,
            "value_total_complete": value_complete,
            "value_total_won": value_won,
            "value_win_rate": _rate(value_won, value_complete),
            "average_time_to_win": time_to_win,
            "average_value_annualized_per_won_opportunity": average_value,
            "sales_velocity": velocity,
        }
