"""The opportunity funnel reports (stages and totals), against a funnel recomputed from the
histories the test wrote."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tests.resources.report.helpers import T0, Obj, at, colleague, day
from tests.support import Api, Clock, validation_errors


@dataclass
class Deal:
    id: str
    user: str
    created: datetime
    value: int
    annualized: int
    confidence: int
    visits: list[tuple[datetime, str]] = field(default_factory=list)  # (when, status id)


def _rate(part: float, whole: float) -> float | None:
    return round(part * 100 / whole, 2) if whole else None


class Funnel:
    """The funnel of some deals, computed the long way."""

    def __init__(self, stages: list[str], won: set[str], lost: set[str], deals: list[Deal]) -> None:
        self.stages, self.won, self.lost, self.deals = stages, won, lost, deals

    def reached(self, d: Deal) -> int:
        return max((self.stages.index(s) for _, s in d.visits if s in self.stages), default=-1)

    def final(self, d: Deal) -> str:
        return d.visits[-1][1]

    def stage_rows(self, deals: list[Deal]) -> list[Obj]:
        rows = []
        n = len(self.stages)
        count = [sum(1 for d in deals if self.reached(d) >= i) for i in range(n)]
        value = [sum(d.annualized for d in deals if self.reached(d) >= i) for i in range(n)]
        weighted = [
            sum(d.annualized * d.confidence // 100 for d in deals if self.reached(d) >= i) for i in range(n)
        ]
        for i, sid in enumerate(self.stages):
            lost_here = [d for d in deals if self.final(d) in self.lost and self.reached(d) == i]
            waits = []
            for d in deals:
                entered = [w for w, s in d.visits if s == sid]
                later = [w for w, s in d.visits if s in self.stages and self.stages.index(s) > i]
                if entered and later:
                    waits.append((min(later) - min(entered)).total_seconds())
            nxt = i + 1 < n
            rows.append(
                {
                    "id": sid,
                    "count": count[i],
                    "count_conversion_rate": _rate(count[i + 1], count[i]) if nxt else None,
                    "count_lost": len(lost_here),
                    "count_lost_ratio": _rate(len(lost_here), count[i]),
                    "value": value[i],
                    "value_conversion_rate": _rate(value[i + 1], value[i]) if nxt else None,
                    "value_lost": sum(d.annualized for d in lost_here),
                    "value_lost_ratio": _rate(sum(d.annualized for d in lost_here), value[i]),
                    "weighted_value": weighted[i],
                    "average_time_to_advance": round(sum(waits) / len(waits)) if waits else None,
                }
            )
        return rows

    def totals(self, deals: list[Deal]) -> Obj:
        won = [d for d in deals if self.final(d) in self.won]
        complete = won + [d for d in deals if self.final(d) in self.lost]
        waits = [(min(w for w, s in d.visits if s in self.won) - d.created).total_seconds() for d in won]
        time_to_win = round(sum(waits) / len(waits)) if waits else None
        average = round(sum(d.annualized for d in won) / len(won)) if won else None
        win_rate = _rate(len(won), len(complete))
        velocity = None
        if average is not None and win_rate is not None and time_to_win:
            velocity = round(len(deals) * (win_rate / 100) * average / (time_to_win / 86400))
        return {
            "count": len(deals),
            "count_total_complete": len(complete),
            "count_total_won": len(won),
            "count_win_rate": win_rate,
            "value_total_complete": sum(d.annualized for d in complete),
            "value_total_won": sum(d.annualized for d in won),
            "value_win_rate": _rate(sum(d.annualized for d in won), sum(d.annualized for d in complete)),
            "average_time_to_win": time_to_win,
            "average_value_annualized_per_won_opportunity": average,
            "sales_velocity": velocity,
        }


def _pipeline(api: Api) -> tuple[str, dict[str, str]]:
    pipeline = api.ok("GET", "pipeline/")["data"][0]["id"]
    for label in ("Demo", "Proposal"):
        api.ok(
            "POST", "status/opportunity/", json={"label": label, "type": "active", "pipeline_id": pipeline}
        )
    return pipeline, {s["label"]: s["id"] for s in api.ok("GET", "status/opportunity/")["data"]}


def _scenario(api: Api, member: Api, clock: Clock) -> tuple[str, Funnel, list[Deal]]:
    pipeline, s = _pipeline(api)
    at(clock, day(-30))
    lead = api.ok("POST", "lead/", json={"name": "Acme"})["id"]
    deals: list[Deal] = []
    # (who, created on day, first status, value, period, confidence, [(day, status)...])
    plan: list[tuple[Api, float, str, int, str, int, list[tuple[float, str]]]] = [
        (api, 1, "Active", 1000, "one_time", 50, [(2, "Demo"), (4, "Proposal"), (6, "Won")]),
        (api, 1, "Active", 2000, "one_time", 20, [(3, "Demo"), (5, "Lost")]),
        (member, 2, "Demo", 500, "monthly", 40, []),
        (member, 1, "Active", 3000, "annual", 90, [(2, "Won")]),
        (api, 1.5, "Active", 800, "one_time", 10, [(1.7, "Lost")]),
        (api, -20, "Active", 9999, "one_time", 50, [(3, "Demo")]),  # created before the cohort
    ]
    events: list[tuple[float, Callable[[], None]]] = []
    for who, created, status, value, period, confidence, moves in plan:
        at(clock, day(created))
        made = who.ok(
            "POST",
            "opportunity/",
            json={
                "lead_id": lead,
                "status_id": s[status],
                "value": value,
                "value_period": period,
                "confidence": confidence,
            },
        )
        deal = Deal(made["id"], who.org.user_id, day(created), value, made["annualized_value"], confidence)
        deal.visits.append((day(created), s[status]))
        deals.append(deal)
        for when, new in moves:
            events.append((when, lambda d=deal, w=when, n=new: _move(api, clock, d, w, s[n])))
    for _when, move in sorted(events, key=lambda e: e[0]):
        move()
    statuses = api.ok("GET", "status/opportunity/")["data"]
    mine = [x for x in statuses if x["pipeline_id"] == pipeline]
    stages = [x["id"] for x in mine if x["type"] == "active"] + [x["id"] for x in mine if x["type"] == "won"]
    funnel = Funnel(
        stages,
        {x["id"] for x in mine if x["type"] == "won"},
        {x["id"] for x in mine if x["type"] == "lost"},
        deals,
    )
    return pipeline, funnel, deals


def _move(api: Api, clock: Clock, deal: Deal, when: float, status: str) -> None:
    at(clock, day(when))
    api.ok("PUT", f"opportunity/{deal.id}/", json={"status_id": status})
    deal.visits.append((day(when), status))


def _stages(rows: list[Obj]) -> list[Obj]:
    return [
        {
            "id": r["status"]["id"],
            **{k: v for k, v in r.items() if k not in ("status", "weighted_value_conversion_rate")},
        }
        for r in rows
    ]


COHORT = {"start": T0.isoformat(), "end": (T0 + timedelta(days=7)).isoformat()}


def test_created_cohort_stages(api: Api, make_api: Callable[..., Api], clock: Clock) -> None:
    member = colleague(api, make_api)
    pipeline, funnel, deals = _scenario(api, member, clock)
    cohort = [d for d in deals if T0 <= d.created < T0 + timedelta(days=7)]
    body = {"pipeline": pipeline, "type": "created-cohort", "cohort_datetime_range": COHORT}
    report = api.ok("POST", "report/funnel/opportunity/stages/", json=body)
    assert [r["status"]["label"] for r in report["aggregations"]["stages"]] == [
        "Active",
        "Demo",
        "Proposal",
        "Won",
    ]
    assert _stages(report["aggregations"]["stages"]) == funnel.stage_rows(cohort)
    by_user = {row["user_id"]: row["stages"] for row in report["data"]}
    assert set(by_user) == {api.org.user_id, member.org.user_id}
    for user, rows in by_user.items():
        assert _stages(rows) == funnel.stage_rows([d for d in cohort if d.user == user])
    first = report["aggregations"]["stages"][0]
    assert first["count"] == 5 and first["count_lost"] == 1 and first["average_time_to_advance"] is not None


def test_created_cohort_totals(api: Api, make_api: Callable[..., Api], clock: Clock) -> None:
    member = colleague(api, make_api)
    pipeline, funnel, deals = _scenario(api, member, clock)
    cohort = [d for d in deals if T0 <= d.created < T0 + timedelta(days=7)]
    body = {"pipeline": pipeline, "type": "created-cohort", "cohort_datetime_range": COHORT}
    report = api.ok("POST", "report/funnel/opportunity/totals/", json=body)
    assert report["aggregations"] == funnel.totals(cohort)
    assert report["aggregations"]["count_total_won"] == 2 and report["aggregations"]["sales_velocity"]
    for row in report["data"]:
        user = row.pop("user_id")
        assert row == funnel.totals([d for d in cohort if d.user == user])
    narrowed = api.ok(
        "POST", "report/funnel/opportunity/totals/", json={**body, "users": [member.org.user_id]}
    )
    assert narrowed["aggregations"] == funnel.totals([d for d in cohort if d.user == member.org.user_id])
    assert [r["user_id"] for r in narrowed["data"]] == [member.org.user_id]


def test_active_stage_cohort_takes_what_was_active_in_the_range(
    api: Api, make_api: Callable[..., Api], clock: Clock
) -> None:
    member = colleague(api, make_api)
    pipeline, funnel, deals = _scenario(api, member, clock)
    start, end = day(3, 0), day(5, 0)
    active = set(funnel.stages) - funnel.won

    def held(d: Deal) -> bool:
        before = [s for w, s in d.visits if w < start]
        if before and before[-1] in active:
            return True
        return any(start <= w < end and s in active for w, s in d.visits)

    cohort = []
    for d in deals:
        if d.created < end and held(d):
            # Read as of the range's end.
            cohort.append(
                Deal(
                    d.id,
                    d.user,
                    d.created,
                    d.value,
                    d.annualized,
                    d.confidence,
                    [v for v in d.visits if v[0] < end],
                )
            )
    body = {
        "pipeline": pipeline,
        "type": "active-stage-cohort",
        "report_datetime_range": {"start": start.isoformat(), "end": end.isoformat()},
    }
    report = api.ok("POST", "report/funnel/opportunity/totals/", json=body)
    assert report["aggregations"] == funnel.totals(cohort)
    assert report["aggregations"]["count"] == 4  # the early deal joins; the two closed before day 3 do not
    stages = api.ok("POST", "report/funnel/opportunity/stages/", json=body)
    assert _stages(stages["aggregations"]["stages"]) == funnel.stage_rows(cohort)


def test_a_comparison_range_replaces_the_base_one(
    api: Api, make_api: Callable[..., Api], clock: Clock
) -> None:
    member = colleague(api, make_api)
    pipeline, funnel, deals = _scenario(api, member, clock)
    later = {"start": (T0 + timedelta(days=7)).isoformat(), "end": (T0 + timedelta(days=14)).isoformat()}
    body = {
        "pipeline": pipeline,
        "type": "created-cohort",
        "cohort_datetime_range": later,
        "compared_datetime_range": "same-days-last-week",
    }
    report = api.ok("POST", "report/funnel/opportunity/totals/", json=body)
    cohort = [d for d in deals if T0 <= d.created < T0 + timedelta(days=7)]
    assert report["aggregations"] == funnel.totals(cohort)
    custom = api.ok(
        "POST",
        "report/funnel/opportunity/totals/",
        json={
            **{k: v for k, v in body.items() if k != "compared_datetime_range"},
            "compared_custom_range": COHORT,
        },
    )
    assert custom["aggregations"] == funnel.totals(cohort)
    at(clock, day(3))
    month = api.ok(
        "POST",
        "report/funnel/opportunity/totals/",
        json={"pipeline": pipeline, "type": "created-cohort", "cohort_relative_range": "this-month"},
    )
    march = [d for d in deals if d.created.month == 3]
    assert month["aggregations"]["count"] == len(march)


def test_bad_input_is_a_400_naming_the_field(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    pipeline = api.ok("GET", "pipeline/")["data"][0]["id"]
    foreign = other.ok("GET", "pipeline/")["data"][0]["id"]
    good: Obj = {"pipeline": pipeline, "type": "created-cohort", "cohort_relative_range": "this-month"}
    cases: list[tuple[Obj, str]] = [
        ({**good, "pipeline": foreign}, "pipeline"),
        ({k: v for k, v in good.items() if k != "pipeline"}, "pipeline"),
        ({**good, "type": "cohort"}, "type"),
        ({k: v for k, v in good.items() if k != "cohort_relative_range"}, "cohort_relative_range"),
        ({**good, "cohort_relative_range": "someday"}, "cohort_relative_range"),
        ({**good, "compared_datetime_range": "same-days-last-week"}, "compared_datetime_range"),
        (
            {**good, "compared_relative_range": "last-month", "compared_custom_range": COHORT},
            "compared_custom_range",
        ),
        (
            {
                "pipeline": pipeline,
                "type": "active-stage-cohort",
                "report_relative_range": "today",
                "compared_relative_range": "nope",
            },
            "compared_relative_range",
        ),
        ({**good, "users": [other.org.user_id]}, "users"),
        ({**good, "users": ["group_nothing"]}, "users"),
        ({**good, "query": {"type": "saved_search", "saved_search_id": "save_none"}}, "query"),
    ]
    for body, key in cases:
        for kind in ("stages", "totals"):
            response = api.post(f"report/funnel/opportunity/{kind}/", json=body)
            assert response.status_code == 400, (body, response.text)
            assert key in validation_errors(response), (body, response.text)


def test_csv_has_the_per_user_rows(api: Api, make_api: Callable[..., Api], clock: Clock) -> None:
    member = colleague(api, make_api)
    pipeline, funnel, deals = _scenario(api, member, clock)
    cohort = [d for d in deals if T0 <= d.created < T0 + timedelta(days=7)]
    body = {"pipeline": pipeline, "type": "created-cohort", "cohort_datetime_range": COHORT}
    totals = api.post("report/funnel/opportunity/totals/", json=body, headers={"Accept": "text/csv"})
    assert totals.headers["content-type"].startswith("text/csv")
    header, *rows = totals.text.strip().split("\r\n")
    assert header.split(",")[:3] == ["user_id", "count", "count_total_complete"]
    by_user = {r.split(",")[0]: r.split(",") for r in rows}
    assert set(by_user) == {api.org.user_id, member.org.user_id}
    for user, cells in by_user.items():
        assert int(cells[1]) == funnel.totals([d for d in cohort if d.user == user])["count"]
    stages = api.post("report/funnel/opportunity/stages/", json=body, headers={"Accept": "text/csv"})
    header, *rows = stages.text.strip().split("\r\n")
    assert header.split(",")[:4] == ["user_id", "status_id", "status_label", "count"]
    assert len(rows) == 2 * len(funnel.stages)
