"""GET /report/statuses/lead/{org}/ and /report/statuses/opportunity/{org}/.

For a period [date_start, date_end) each status gets: how many objects held it at the start
and at the end, how many gained or lost it between the two, how many entered or left it at
some point inside; transitions count the objects that moved from one status to another inside
the period (a creation is a move from none), the summary the objects whose status at the end
differs from the one at the start. Without dates the report is overall: the current statuses,
every move ever, and no start-of-period figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.sql import ColumnElement

from leadbase.core import clock
from leadbase.core.errors import Invalid
from leadbase.db.context import Context
from leadbase.db.models import activity, lead, opportunity
from leadbase.db.orgcache import lead_statuses
from leadbase.resources.deals import org_pipelines
from leadbase.resources.report.history import History, Subject, build
from leadbase.resources.report.ranges import moment
from leadbase.resources.report.scope import lead_query_condition, leads_in, member_ids, smart_view_condition

KEYS = ("started", "ended", "gained", "lost", "entered", "left")


def _lead_statuses(ctx: Context) -> list[dict[str, Any]]:
    return [{"id": s["id"], "label": s["label"]} for s in lead_statuses(ctx)]


def _opportunity_statuses(ctx: Context) -> list[dict[str, Any]]:
    return [{"id": s["id"], "label": s["label"]} for s in org_pipelines(ctx).statuses]


LEAD_STATUSES = Subject(
    name="lead",
    table=lead,
    change_type="LeadStatusChange",
    key="lead_id",
    lead_column="id",
    user_column=None,
    statuses=_lead_statuses,
)
OPPORTUNITY_STATUSES = Subject(
    name="opportunity",
    table=opportunity,
    change_type="OpportunityStatusChange",
    key="opportunity_id",
    lead_column="lead_id",
    user_column="user_id",
    statuses=_opportunity_statuses,
)


class StatusReport:
    def __init__(self, ctx: Context, subject: Subject, params: Mapping[str, str]) -> None:
        self.ctx = ctx
        self.subject = subject
        errors: dict[str, Any] = {}
        self.start: datetime | None = None
        self.end: datetime | None = None
        for key in ("date_start", "date_end"):
            if params.get(key):
                try:
                    setattr(self, key[5:], moment(params[key], key, end=key == "date_end"))
                except Invalid as exc:
                    errors.update(exc.field_errors)
        if self.start is not None and self.end is not None and self.end <= self.start:
            errors["date_end"] = "Must be after date_start."
        where: list[ColumnElement[bool]] = []
        if params.get("query") and params.get("smart_view_id"):
            errors["query"] = "Give either query or smart_view_id, not both."
        try:
            if params.get("smart_view_id"):
                condition = smart_view_condition(ctx, params["smart_view_id"], "smart_view_id")
            else:
                condition = lead_query_condition(ctx, params.get("query"))
            if condition is not None:
                where.append(subject.table.c[subject.lead_column].in_(leads_in(ctx, condition)))
        except Invalid as exc:
            errors.update(exc.field_errors)
        user_id = params.get("user_id")
        if subject.user_column is not None and user_id:
            if user_id not in member_ids(ctx):
                errors["user_id"] = f"Unknown user: {user_id}."
            where.append(subject.table.c[subject.user_column] == user_id)
        if errors:
            raise Invalid(errors)
        self.dated = self.start is not None or self.end is not None
        self.history: History = build(ctx, subject, where)

    # ---- SQL -------------------------------------------------------------------------------

    def _in_period(self, column: Any) -> ColumnElement[bool]:
        conditions = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column < self.end)
        return and_(literal(True), *conditions)

    def _per_object(self) -> Any:
        """(id, s_start, s_end) of every object in scope."""
        at_start = self.history.status_at(self.start).subquery() if self.start is not None else None
        at_end = self.history.status_at(self.end).subquery()
        objects = self.history.objects
        s_start: Any = at_start.c.status if at_start is not None else literal(None)
        stmt = select(objects.c.id, s_start.label("s_start"), at_end.c.status.label("s_end")).select_from(
            objects
        )
        stmt = stmt.outerjoin(at_end, at_end.c.id == objects.c.id)
        if at_start is not None:
            stmt = stmt.outerjoin(at_start, at_start.c.id == objects.c.id)
        return stmt.subquery()

    def _overview_counts(self) -> dict[str, dict[str | None, int]]:
        per = self._per_object()
        changes, objects, first = self.history.changes, self.history.objects, self.history.first

        def counted(name: str, status: Any, condition: Any) -> Any:
            return (
                select(literal(name).label("k"), status.label("s"), func.count().label("n"))
                .where(condition)
                .group_by(status)
            )

        parts = [
            counted("ended", per.c.s_end, per.c.s_end.is_not(None)),
        ]
        if self.start is not None:
            parts += [
                counted("started", per.c.s_start, per.c.s_start.is_not(None)),
                counted(
                    "gained",
                    per.c.s_end,
                    and_(per.c.s_end.is_not(None), per.c.s_end.is_distinct_from(per.c.s_start)),
                ),
                counted(
                    "lost",
                    per.c.s_start,
                    and_(per.c.s_start.is_not(None), per.c.s_start.is_distinct_from(per.c.s_end)),
                ),
            ]
        # Entering: a change into the status, or a creation in it, inside the period.
        moves_in = union_all(
            select(changes.c.oid.label("oid"), changes.c.new.label("s")).where(self._in_period(changes.c.at)),
            select(objects.c.id, first.c.initial)
            .select_from(objects.join(first, first.c.id == objects.c.id))
            .where(self._in_period(objects.c.date_created)),
        ).subquery()
        moves_out = (
            select(changes.c.oid.label("oid"), changes.c.old.label("s"))
            .where(self._in_period(changes.c.at), changes.c.old.is_not(None))
            .subquery()
        )
        for name, moves in (("entered", moves_in), ("left", moves_out)):
            parts.append(
                select(literal(name).label("k"), moves.c.s, func.count(func.distinct(moves.c.oid))).group_by(
                    moves.c.s
                )
            )
        out: dict[str, dict[str | None, int]] = {k: {} for k in KEYS}
        for k, s, n in self.ctx.conn.execute(union_all(*parts)):
            out[k][s] = int(n)
        return out

    def _transitions(self) -> list[tuple[str | None, str | None, int]]:
        changes, objects, first = self.history.changes, self.history.objects, self.history.first
        moves = union_all(
            select(changes.c.oid.label("oid"), changes.c.old.label("f"), changes.c.new.label("t")).where(
                self._in_period(changes.c.at)
            ),
            select(objects.c.id, literal(None), first.c.initial)
            .select_from(objects.join(first, first.c.id == objects.c.id))
            .where(self._in_period(objects.c.date_created)),
        ).subquery()
        stmt = select(moves.c.f, moves.c.t, func.count(func.distinct(moves.c.oid))).group_by(
            moves.c.f, moves.c.t
        )
        return [(f, t, int(n)) for f, t, n in self.ctx.conn.execute(stmt)]

    def _summary(self) -> list[tuple[str | None, str | None, int]]:
        per = self._per_object()
        changes, objects = self.history.changes, self.history.objects
        moved = or_(
            per.c.id.in_(select(changes.c.oid).where(self._in_period(changes.c.at))),
            per.c.id.in_(select(objects.c.id).where(self._in_period(objects.c.date_created))),
        )
        stmt = (
            select(per.c.s_start, per.c.s_end, func.count())
            .where(moved, per.c.s_end.is_not(None), per.c.s_start.is_distinct_from(per.c.s_end))
            .group_by(per.c.s_start, per.c.s_end)
        )
        return [(f, t, int(n)) for f, t, n in self.ctx.conn.execute(stmt)]

    def _deleted_labels(self, known: set[str]) -> dict[str, str | None]:
        """Labels of statuses the history names that no longer exist (from the changes' own copies)."""
        old_id, new_id = (
            activity.c.payload["old_status_id"].as_string(),
            activity.c.payload["new_status_id"].as_string(),
        )
        stmt = (
            select(
                old_id,
                activity.c.payload["old_status_label"].as_string(),
                new_id,
                activity.c.payload["new_status_label"].as_string(),
            )
            .where(
                activity.c.organization_id == self.ctx.organization_id,
                activity.c.type == self.subject.change_type,
                or_(old_id.not_in(known), new_id.not_in(known)) if known else literal(True),
            )
            .distinct()
        )
        labels: dict[str, str | None] = {}
        for oid_, olabel, nid, nlabel in self.ctx.conn.execute(stmt):
            for sid, label in ((oid_, olabel), (nid, nlabel)):
                if sid is not None and sid not in known:
                    labels.setdefault(sid, label)
        return labels

    # ---- the answer ------------------------------------------------------------------------

    def answer(self) -> dict[str, Any]:
        current = self.subject.statuses(self.ctx)
        known = {s["id"] for s in current}
        counts = self._overview_counts()
        transitions = self._transitions()
        summary = self._summary()
        named = {s for c in counts.values() for s in c} | {
            s for f, t, _ in transitions + summary for s in (f, t)
        }
        deleted = self._deleted_labels(known) if named - known - {None} else {}
        labels: dict[str, tuple[str | None, bool]] = {s["id"]: (s["label"], False) for s in current}
        for sid in sorted(s for s in named if s is not None and s not in known):
            labels[sid] = (deleted.get(sid), True)
        overview = [self._status_row(sid, label, gone, counts) for sid, (label, gone) in labels.items()]
        return {
            "status_overview": overview,
            "status_transitions": [
                self._transition(f, t, n, labels) for f, t, n in _ordered(transitions, labels)
            ],
            "status_transitions_summary": [
                self._transition(f, t, n, labels) for f, t, n in _ordered(summary, labels)
            ],
        }

    def _status_row(
        self, sid: str, label: str | None, gone: bool, counts: dict[str, dict[str | None, int]]
    ) -> dict[str, Any]:
        row: dict[str, Any] = {"status_id": sid, "status_label": label, "status_is_deleted": gone}
        keys = KEYS if self.start is not None else ("ended", "entered", "left")
        for key in keys:
            row[key] = counts[key].get(sid, 0)
        if self.start is not None:
            row["change"] = row["ended"] - row["started"]
            row["change_percent"] = round(row["change"] * 100 / row["started"], 2) if row["started"] else None
        row["_queries"] = {k: self._query(k, sid) for k in keys}
        row.update(self._urls({k: q for k, q in row["_queries"].items()}))
        return row

    def _transition(
        self, f: str | None, t: str | None, n: int, labels: dict[str, tuple[str | None, bool]]
    ) -> dict[str, Any]:
        query = self._wrap(
            " ".join(p for p in (_status_term("from", f), _status_term("to", t), self._dates()) if p)
        )
        row: dict[str, Any] = {
            "from_status_id": f,
            "from_status_label": labels.get(f, (None, False))[0] if f else None,
            "from_status_is_deleted": labels.get(f, (None, False))[1] if f else None,
            "to_status_id": t,
            "to_status_label": labels.get(t, (None, False))[0] if t else None,
            "to_status_is_deleted": labels.get(t, (None, False))[1] if t else None,
            "count": n,
            "_query": query,
        }
        for key, url in self._urls({"_": query}).items():
            row[key[:-1]] = url["_"]
        return row

    # ---- search links ----------------------------------------------------------------------
    # Close links each figure to a search listing its objects. leadbase writes them in the lead
    # query language's activity sub-query form; they are descriptive, not yet runnable here.

    def _dates(self) -> str:
        parts = []
        if self.start is not None:
            parts.append(f'date >= "{clock.iso(self.start)}"')
        if self.end is not None:
            parts.append(f'date < "{clock.iso(self.end)}"')
        return " ".join(parts)

    def _query(self, key: str, sid: str) -> str:
        change = f"{self.subject.name}_status_change"
        if key in ("started", "ended"):
            at = self.start if key == "started" else self.end
            when = f' at:"{clock.iso(at)}"' if at is not None else ""
            return self._wrap(f'{self.subject.name}_status:"{sid}"{when}')
        side = "to" if key in ("gained", "entered") else "from"
        return self._wrap(f'{change}({side}:"{sid}" {self._dates()})'.replace(" )", ")"))

    def _wrap(self, text: str) -> str:
        return f"opportunity({text})" if self.subject.name == "opportunity" else text

    def _urls(self, queries: dict[str, str]) -> dict[str, dict[str, str]]:
        out = {"_leads_page_urls": {k: f"/leads/?query={quote(q)}" for k, q in queries.items()}}
        if self.subject.name == "opportunity":
            out["_opportunities_page_urls"] = {
                k: f"/opportunities/?query={quote(_unwrap(q))}" for k, q in queries.items()
            }
        return out


def _status_term(side: str, sid: str | None) -> str:
    return f'{side}:"{sid}"' if sid else ""


def _unwrap(query: str) -> str:
    return query[len("opportunity(") : -1] if query.startswith("opportunity(") else query


def _ordered(
    rows: list[tuple[str | None, str | None, int]], labels: dict[str, tuple[str | None, bool]]
) -> list[tuple[str | None, str | None, int]]:
    order = {sid: i for i, sid in enumerate(labels)}
    return sorted(rows, key=lambda r: (-1 if r[0] is None else order.get(r[0], 0), order.get(r[1] or "", 0)))
