"""POST /report/activity/ and its metric catalogue, against figures recomputed from what the
test logged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tests.resources.report.helpers import T0, Obj, at, colleague, day
from tests.support import Api, Clock, validation_errors

METRICS = [
    "calls.all.all.count",
    "calls.outbound.all.sum_duration",
    "calls.inbound.all.avg_duration",
    "calls.outbound.external.count",
    "calls.outbound.regular.count",
    "emails.sent.all.count",
    "emails.received.all.count",
    "emails.opened.all.count",
    "sms.sent.all.count",
    "leads.created.all.count",
    "leads.contacted.all.count",
    "opportunities.created.all.count",
    "opportunities.won.all.count",
    "opportunities.won.all.sum_annualized_value",
    "opportunities.value_won.monthly.sum_value",
    "opportunities.lost.all.count",
]


@dataclass
class Logged:
    moment: datetime
    user: str
    kind: str  # call, email, sms, lead, deal
    lead: str
    direction: str = ""
    duration: int = 0
    opened: bool = False
    status: str = ""
    value: int = 0
    period: str = "one_time"


def _expected(logged: list[Logged], keep: Callable[[Logged], bool]) -> dict[str, int]:
    rows = [r for r in logged if keep(r)]
    calls = [r for r in rows if r.kind == "call"]
    inbound = [r.duration for r in calls if r.direction == "inbound"]
    outbound = [r for r in calls if r.direction == "outbound"]
    sent = [r for r in rows if r.kind == "email" and r.direction == "outbound"]
    won = [r for r in rows if r.kind == "deal" and r.status == "won"]
    annual = {"one_time": 1, "monthly": 12, "annual": 1}
    contacted = {r.lead for r in outbound + sent} | {r.lead for r in rows if r.kind == "sms"}
    return {
        "calls.all.all.count": len(calls),
        "calls.outbound.all.sum_duration": sum(r.duration for r in outbound),
        "calls.inbound.all.avg_duration": round(sum(inbound) / len(inbound)) if inbound else 0,
        # Calls logged through the API are external ones.
        "calls.outbound.external.count": len(outbound),
        "calls.outbound.regular.count": 0,
        "emails.sent.all.count": len(sent),
        "emails.received.all.count": sum(1 for r in rows if r.kind == "email" and r.direction == "inbound"),
        "emails.opened.all.count": sum(1 for r in sent if r.opened),
        "sms.sent.all.count": sum(1 for r in rows if r.kind == "sms"),
        "leads.created.all.count": sum(1 for r in rows if r.kind == "lead"),
        "leads.contacted.all.count": len(contacted),
        "opportunities.created.all.count": sum(1 for r in rows if r.kind == "deal"),
        "opportunities.won.all.count": len(won),
        "opportunities.won.all.sum_annualized_value": sum(r.value * annual[r.period] for r in won),
        "opportunities.value_won.monthly.sum_value": sum(r.value for r in won if r.period == "monthly"),
        "opportunities.lost.all.count": sum(1 for r in rows if r.kind == "deal" and r.status == "lost"),
    }


def _log(api: Api, member: Api, clock: Clock) -> list[Logged]:
    """Calls, emails, an SMS, leads and deals by two users over five days (one before the
    report's range, one after)."""
    statuses = {s["type"]: s["id"] for s in api.ok("GET", "status/opportunity/")["data"]}
    logged: list[Logged] = []
    leads: dict[str, str] = {}
    plan: list[tuple[float, Api, str, dict[str, Any]]] = [
        (-1, api, "lead", {"name": "Early"}),
        (0, api, "lead", {"name": "Acme"}),
        (0, member, "lead", {"name": "Bolt"}),
        (0, api, "call", {"lead": "Acme", "direction": "outbound", "duration": 30}),
        (0.2, api, "call", {"lead": "Acme", "direction": "outbound", "duration": 90}),
        (0.3, member, "call", {"lead": "Bolt", "direction": "inbound", "duration": 61}),
        (0.4, member, "call", {"lead": "Bolt", "direction": "inbound", "duration": 20}),
        (1, api, "email", {"lead": "Acme", "direction": "outbound", "opened": True}),
        (1, member, "email", {"lead": "Bolt", "direction": "outbound"}),
        (1.1, member, "email", {"lead": "Bolt", "direction": "inbound"}),
        (1.2, member, "sms", {"lead": "Acme"}),
        (1.3, api, "deal", {"lead": "Acme", "status": "won", "value": 500, "period": "monthly"}),
        (2, member, "deal", {"lead": "Bolt", "status": "won", "value": 7000, "period": "one_time"}),
        (2, api, "deal", {"lead": "Bolt", "status": "lost", "value": 100}),
        (2.1, api, "call", {"lead": "Early", "direction": "outbound", "duration": 5}),
        (3, api, "call", {"lead": "Acme", "direction": "outbound", "duration": 1000}),
        (3, api, "lead", {"name": "Late"}),
    ]
    for n, who, kind, spec in plan:
        moment = day(n)
        at(clock, moment)
        user = who.org.user_id
        if kind == "lead":
            leads[spec["name"]] = who.ok("POST", "lead/", json={"name": spec["name"]})["id"]
            logged.append(Logged(moment, user, "lead", leads[spec["name"]]))
            continue
        lead_id = leads[spec["lead"]]
        if kind == "call":
            who.ok(
                "POST",
                "activity/call/",
                json={"lead_id": lead_id, "direction": spec["direction"], "duration": spec["duration"]},
            )
            logged.append(Logged(moment, user, kind, lead_id, spec["direction"], spec["duration"]))
        elif kind == "email":
            outgoing = spec["direction"] == "outbound"
            body: Obj = {
                "lead_id": lead_id,
                "status": "sent" if outgoing else "inbox",
                "sender": "me@example.com",
                "to": ["them@example.com"],
                "subject": f"Hello {n}",
            }
            if spec.get("opened"):
                body["opens"] = [{"opened_at": (moment + timedelta(hours=1)).isoformat()}]
            who.ok("POST", "activity/email/", json=body)
            logged.append(
                Logged(moment, user, kind, lead_id, spec["direction"], opened=bool(spec.get("opened")))
            )
        elif kind == "sms":
            who.ok(
                "POST",
                "activity/sms/",
                json={
                    "lead_id": lead_id,
                    "status": "sent",
                    "local_phone": "+14155550100",
                    "remote_phone": "+14155550199",
                    "text": "Hi",
                },
            )
            logged.append(Logged(moment, user, kind, lead_id))
        else:
            who.ok(
                "POST",
                "opportunity/",
                json={
                    "lead_id": lead_id,
                    "status_id": statuses[spec["status"]],
                    "value": spec["value"],
                    "value_period": spec.get("period", "one_time"),
                },
            )
            logged.append(
                Logged(
                    moment,
                    user,
                    kind,
                    lead_id,
                    status=spec["status"],
                    value=spec["value"],
                    period=spec.get("period", "one_time"),
                )
            )
    return logged


def _window(start: datetime, end: datetime) -> Obj:
    return {"start": start.isoformat(), "end": end.isoformat()}


def _in(start: datetime, end: datetime) -> Callable[[Logged], bool]:
    def keep(r: Logged) -> bool:
        if r.kind == "deal" and r.status == "won":
            # date_won is a day: it counts when its midnight is inside.
            midnight = r.moment.replace(hour=0, minute=0, second=0, microsecond=0)
            return start <= midnight < end
        return start <= r.moment < end

    return keep


def test_the_catalogue_lists_every_metric_with_a_name(api: Api) -> None:
    metrics = api.ok("GET", "report/activity/metrics/")["metrics"]
    keys = [m["key"] for m in metrics]
    assert len(keys) == len(set(keys)) and set(METRICS) <= set(keys)
    assert all(m["name"] and m["description"] for m in metrics)
    for key in ("calls.outbound.predictive_dialer.avg_duration", "emails.sent.sequences_without_reply.count"):
        assert key in keys
    assert all(len(k.split(".")) == 4 for k in keys)


def test_overview_counts_each_day(api: Api, make_api: Callable[..., Api], clock: Clock) -> None:
    member = colleague(api, make_api)
    logged = _log(api, member, clock)
    start, end = T0, T0 + timedelta(days=3)
    report = api.ok(
        "POST",
        "report/activity/",
        json={"type": "overview", "metrics": METRICS, "datetime_range": _window(start, end)},
    )
    assert [row["datetime"] for row in report["data"]] == [
        (start + timedelta(days=i)).isoformat() for i in range(3)
    ]
    for i, row in enumerate(report["data"]):
        bucket = start + timedelta(days=i)
        assert {k: row[k] for k in METRICS} == _expected(logged, _in(bucket, bucket + timedelta(days=1))), i
    totals = report["aggregations"]["totals"]
    assert totals == _expected(logged, _in(start, end))
    # Not every figure is zero: the scenario reaches each metric.
    assert all(totals[k] for k in METRICS if k != "calls.outbound.regular.count")


def test_comparison_has_one_row_per_user(api: Api, make_api: Callable[..., Api], clock: Clock) -> None:
    member = colleague(api, make_api)
    logged = _log(api, member, clock)
    start, end = T0, T0 + timedelta(days=3)
    report = api.ok(
        "POST",
        "report/activity/",
        json={"type": "comparison", "metrics": METRICS, "datetime_range": _window(start, end)},
    )
    rows = {row["user_id"]: row for row in report["data"]}
    assert set(rows) == {api.org.user_id, member.org.user_id}
    within = _in(start, end)
    for user, row in rows.items():
        assert {k: row[k] for k in METRICS} == _expected(logged, lambda r, u=user: within(r) and r.user == u)
    # Leads contacted count different leads over the range, not the sum of the rows.
    assert report["aggregations"]["totals"] == _expected(logged, within)
    only = api.ok(
        "POST",
        "report/activity/",
        json={
            "type": "comparison",
            "metrics": ["calls.all.all.count"],
            "datetime_range": _window(start, end),
            "users": [member.org.user_id],
        },
    )
    expected = _expected(logged, lambda r: within(r) and r.user == member.org.user_id)["calls.all.all.count"]
    assert only["data"] == [{"user_id": member.org.user_id, "calls.all.all.count": expected}]
    assert only["aggregations"]["totals"] == {"calls.all.all.count": expected}


def test_relative_ranges_follow_the_clock(api: Api, make_api: Callable[..., Api], clock: Clock) -> None:
    member = colleague(api, make_api)
    logged = _log(api, member, clock)
    at(clock, day(2, 15))  # Wednesday afternoon
    week = api.ok(
        "POST",
        "report/activity/",
        json={"type": "overview", "metrics": METRICS, "relative_range": "this-week"},
    )
    assert len(week["data"]) == 7 and week["data"][0]["datetime"] == T0.isoformat()
    assert week["aggregations"]["totals"] == _expected(logged, _in(T0, T0 + timedelta(days=7)))
    yesterday = api.ok(
        "POST",
        "report/activity/",
        json={"type": "overview", "metrics": METRICS, "relative_range": "yesterday"},
    )
    start = T0 + timedelta(days=1)
    assert [r["datetime"] for r in yesterday["data"]] == [start.isoformat()]
    assert yesterday["aggregations"]["totals"] == _expected(logged, _in(start, start + timedelta(days=1)))
    ever = api.ok(
        "POST",
        "report/activity/",
        json={"type": "overview", "metrics": METRICS, "relative_range": "all-time"},
    )
    # All time is bucketed by month, from the first month with data.
    assert [r["datetime"] for r in ever["data"]] == [T0.replace(day=1).isoformat()]
    # ...up to now: what the test logged "later" is not there yet.
    assert ever["aggregations"]["totals"] == _expected(logged, lambda r: r.moment < day(2, 15))


def test_bad_input_is_a_400_naming_the_field(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    good: Obj = {"type": "overview", "metrics": ["calls.all.all.count"], "relative_range": "today"}
    cases: list[tuple[Obj, str]] = [
        ({**good, "type": "daily"}, "type"),
        ({k: v for k, v in good.items() if k != "type"}, "type"),
        ({**good, "metrics": []}, "metrics"),
        ({**good, "metrics": ["calls.all.all.count", "calls.nope"]}, "metrics"),
        ({**good, "metrics": "calls.all.all.count"}, "metrics"),
        ({**good, "relative_range": "last-decade"}, "relative_range"),
        ({k: v for k, v in good.items() if k != "relative_range"}, "datetime_range"),
        ({**good, "datetime_range": _window(T0, T0 + timedelta(days=1))}, "datetime_range"),
        (
            {
                "type": "overview",
                "metrics": ["calls.all.all.count"],
                "datetime_range": {"start": "x", "end": "2024-01-01"},
            },
            "datetime_range",
        ),
        (
            {
                "type": "overview",
                "metrics": ["calls.all.all.count"],
                "datetime_range": _window(T0, T0 - timedelta(days=1)),
            },
            "datetime_range",
        ),
        ({**good, "users": [other.org.user_id]}, "users"),
        ({**good, "users": "everyone"}, "users"),
        ({**good, "query": {"type": "lead_query", "query": "*"}}, "query"),
        ({**good, "query": {"type": "saved_search", "saved_search_id": "save_nothing"}}, "query"),
    ]
    for body, key in cases:
        response = api.post("report/activity/", json=body)
        assert response.status_code == 400, (body, response.text)
        assert key in validation_errors(response), (body, response.text)
    assert api.post("report/activity/", json=[1]).status_code == 400


def test_another_organizations_activity_never_counts(
    api: Api, make_api: Callable[..., Api], clock: Clock
) -> None:
    other = make_api()
    at(clock, day(0))
    theirs = other.ok("POST", "lead/", json={"name": "Theirs"})["id"]
    other.ok("POST", "activity/call/", json={"lead_id": theirs, "direction": "outbound", "duration": 5})
    other.ok("POST", "opportunity/", json={"lead_id": theirs, "value": 10})
    mine = api.ok("POST", "lead/", json={"name": "Mine"})["id"]
    api.ok("POST", "activity/call/", json={"lead_id": mine, "direction": "outbound", "duration": 7})
    body = {
        "type": "overview",
        "metrics": [
            "calls.all.all.count",
            "calls.outbound.all.sum_duration",
            "leads.created.all.count",
            "opportunities.created.all.count",
        ],
        "datetime_range": _window(T0, T0 + timedelta(days=1)),
    }
    totals = api.ok("POST", "report/activity/", json=body)["aggregations"]["totals"]
    assert totals == {
        "calls.all.all.count": 1,
        "calls.outbound.all.sum_duration": 7,
        "leads.created.all.count": 1,
        "opportunities.created.all.count": 0,
    }


def test_csv_when_the_client_accepts_it(api: Api, make_api: Callable[..., Api], clock: Clock) -> None:
    member = colleague(api, make_api)
    logged = _log(api, member, clock)
    start, end = T0, T0 + timedelta(days=2)
    metrics = ["calls.all.all.count", "emails.sent.all.count"]
    for kind, first in (("overview", "datetime"), ("comparison", "user_id")):
        response = api.post(
            "report/activity/",
            json={"type": kind, "metrics": metrics, "datetime_range": _window(start, end)},
            headers={"Accept": "text/csv"},
        )
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        lines = response.text.strip().split("\r\n")
        assert lines[0] == ",".join([first, *metrics])
        json_rows = api.ok(
            "POST",
            "report/activity/",
            json={"type": kind, "metrics": metrics, "datetime_range": _window(start, end)},
        )["data"]
        assert lines[1:] == [",".join(str(r[k]) for k in [first, *metrics]) for r in json_rows]
    total = sum(int(line.split(",")[1]) for line in lines[1:])
    assert total == _expected(logged, _in(start, end))["calls.all.all.count"]


def test_a_smart_view_narrows_the_report_to_its_leads(
    api: Api, make_api: Callable[..., Api], clock: Clock
) -> None:
    member = colleague(api, make_api)
    logged = _log(api, member, clock)
    acme = next(
        r.lead for r in logged if r.kind == "lead" and r.moment == day(0) and r.user == api.org.user_id
    )
    view = api.ok(
        "POST",
        "saved_search/",
        json={
            "name": "Acme only",
            "s_query": {
                "query": {
                    "type": "and",
                    "queries": [
                        {"type": "object_type", "object_type": "lead"},
                        {
                            "type": "field_condition",
                            "field": {"type": "regular_field", "object_type": "lead", "field_name": "name"},
                            "condition": {"type": "text", "mode": "exact_value", "value": "Acme"},
                        },
                    ],
                },
                "sort": [],
                "results_limit": None,
            },
        },
    )
    start, end = T0, T0 + timedelta(days=3)
    report = api.ok(
        "POST",
        "report/activity/",
        json={
            "type": "overview",
            "metrics": METRICS,
            "datetime_range": _window(start, end),
            "query": {"type": "saved_search", "saved_search_id": view["id"]},
        },
    )
    expected = _expected(logged, lambda r: _in(start, end)(r) and r.lead == acme)
    assert report["aggregations"]["totals"] == expected
    assert expected["calls.all.all.count"] == 2  # the view really narrows: Bolt's calls are out
