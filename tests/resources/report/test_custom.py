"""GET /report/custom/{org}/ (Explorer): series over date and number axes, grouped or not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from tests.resources.report.helpers import T0, Obj, at, day
from tests.support import Api, Clock, validation_errors


def _deals(api: Api, clock: Clock) -> tuple[list[tuple[datetime, int, str]], dict[str, str]]:
    statuses = {s["type"]: s["id"] for s in api.ok("GET", "status/opportunity/")["data"]}
    at(clock, day(-10))
    lead = api.ok("POST", "lead/", json={"name": "Acme"})["id"]
    made: list[tuple[datetime, int, str]] = []
    for n, value, kind in (
        (0, 1000, "active"),
        (0.5, 2500, "won"),
        (1, 400, "active"),
        (3, 9000, "lost"),
        (3.2, 100, "active"),
    ):
        at(clock, day(n))
        api.ok("POST", "opportunity/", json={"lead_id": lead, "value": value, "status_id": statuses[kind]})
        made.append((day(n), value, statuses[kind]))
    return made, statuses


def _points(series: Obj) -> dict[str, object]:
    return {p["x"]: p["y"] for p in series["data"]}


def test_a_date_axis_sums_by_day_and_groups_by_status(api: Api, clock: Clock) -> None:
    made, _statuses = _deals(api, clock)
    org = api.org.organization_id
    start, end = T0, T0 + timedelta(days=4)
    params = {
        "x": "opportunity.date_created",
        "y": "opportunity.value",
        "interval": "day",
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    report = api.ok("GET", f"report/custom/{org}/", params=params)
    (series,) = report["series"]
    days = [start + timedelta(days=i) for i in range(4)]
    assert _points(series) == {
        d.isoformat(): sum(v for m, v, _ in made if d <= m < d + timedelta(days=1)) for d in days
    }
    for transform, reduce in (("max", max), ("min", min)):
        got = api.ok("GET", f"report/custom/{org}/", params={**params, "transform_y": transform})
        expected = {
            d.isoformat(): reduce([v for m, v, _ in made if d <= m < d + timedelta(days=1)], default=0)
            for d in days
        }
        assert _points(got["series"][0]) == expected
    counted = api.ok("GET", f"report/custom/{org}/", params={**params, "y": "opportunity.count"})
    assert _points(counted["series"][0]) == {
        d.isoformat(): sum(1 for m, _, _ in made if d <= m < d + timedelta(days=1)) for d in days
    }
    grouped = api.ok("GET", f"report/custom/{org}/", params={**params, "group_by": "opportunity.status_id"})
    by_group = {s["group"]: _points(s) for s in grouped["series"]}
    assert set(by_group) == {s for _, _, s in made}
    for status, points in by_group.items():
        assert points == {
            d.isoformat(): sum(v for m, v, s in made if s == status and d <= m < d + timedelta(days=1))
            for d in days
        }
    weekly = api.ok("GET", f"report/custom/{org}/", params={**params, "interval": "week"})
    assert _points(weekly["series"][0]) == {T0.isoformat(): sum(v for m, v, _ in made if m < end)}


def test_a_number_axis_is_a_histogram(api: Api, clock: Clock) -> None:
    made, _ = _deals(api, clock)
    org = api.org.organization_id
    report = api.ok(
        "GET",
        f"report/custom/{org}/",
        params={"x": "opportunity.value", "y": "opportunity.count", "interval": "1000"},
    )
    top = max(v for _, v, _ in made)
    expected = {
        edge: sum(1 for _, v, _ in made if edge <= v < edge + 1000) for edge in range(0, top + 1, 1000)
    }
    assert _points(report["series"][0]) == expected
    assert report["interval"] == 1000


def test_lead_count_over_activities_and_object_queries(api: Api, clock: Clock) -> None:
    at(clock, day(0))
    leads = [api.ok("POST", "lead/", json={"name": n})["id"] for n in ("Acme", "Bolt")]
    calls = [
        (leads[0], "outbound", 0),
        (leads[0], "inbound", 0.1),
        (leads[1], "inbound", 0.2),
        (leads[1], "inbound", 1),
    ]
    for lead, direction, n in calls:
        at(clock, day(n))
        api.ok("POST", "activity/call/", json={"lead_id": lead, "direction": direction, "duration": 10})
    org = api.org.organization_id
    params = {
        "x": "call.date_created",
        "interval": "day",
        "start": T0.isoformat(),
        "end": (T0 + timedelta(days=2)).isoformat(),
    }
    counted = api.ok("GET", f"report/custom/{org}/", params={**params, "y": "lead.count"})
    assert list(_points(counted["series"][0]).values()) == [2, 1]
    inbound = api.ok(
        "GET", f"report/custom/{org}/", params={**params, "y": "call.count", "query": "direction:inbound"}
    )
    assert list(_points(inbound["series"][0]).values()) == [2, 1]
    seconds = api.ok(
        "GET", f"report/custom/{org}/", params={**params, "y": "call.duration", "transform_y": "avg"}
    )
    assert list(_points(seconds["series"][0]).values()) == [10, 10]
    by_lead = api.ok(
        "GET",
        f"report/custom/{org}/",
        params={"x": "lead.date_created", "query": "name:Bolt", "start": T0.isoformat()},
    )
    assert sum(p["y"] for p in by_lead["series"][0]["data"]) == 1


def test_bad_input_is_a_400_naming_the_parameter(api: Api, make_api: Callable[..., Api]) -> None:
    org = api.org.organization_id
    cases: list[tuple[dict[str, str], str]] = [
        ({"x": "planet.date_created"}, "x"),
        ({"x": "opportunity.note"}, "x"),
        ({"x": "opportunity.date_created", "y": "call.duration"}, "y"),
        ({"x": "opportunity.date_created", "y": "opportunity.date_won"}, "y"),
        ({"x": "opportunity.date_created", "transform_y": "median"}, "transform_y"),
        ({"x": "opportunity.date_created", "interval": "fortnight"}, "interval"),
        ({"x": "opportunity.value", "interval": "-5"}, "interval"),
        ({"x": "opportunity.date_created", "start": "later"}, "start"),
        ({"x": "opportunity.date_created", "group_by": "call.direction"}, "group_by"),
        ({"x": "call.date_created", "query": "colour:red"}, "query"),
        ({"x": "opportunity.date_created", "start": "2024-01-01", "end": "2023-01-01"}, "end"),
        ({"x": "lead.custom.Nothing"}, "x"),
    ]
    for params, key in cases:
        response = api.get(f"report/custom/{org}/", params=params)
        assert response.status_code == 400, (params, response.text)
        assert key in validation_errors(response), (params, response.text)


def test_custom_fields_of_leads_are_axes(api: Api, clock: Clock) -> None:
    mrr = api.ok("POST", "custom_field/lead/", json={"name": "MRR", "type": "number"})
    values = [50, 120, 180, 999, None]
    for i, value in enumerate(values):
        at(clock, day(i))
        body: Obj = {"name": f"Lead {i}"}
        if value is not None:
            body[f"custom.{mrr['id']}"] = value
        api.ok("POST", "lead/", json=body)
    org = api.org.organization_id
    report = api.ok("GET", f"report/custom/{org}/", params={"x": "lead.custom.MRR", "interval": "100"})
    present = [v for v in values if v is not None]
    expected = {
        edge: sum(1 for v in present if edge <= v < edge + 100) for edge in range(0, max(present) + 1, 100)
    }
    assert _points(report["series"][0]) == expected
    summed = api.ok(
        "GET",
        f"report/custom/{org}/",
        params={
            "x": "lead.date_created",
            "y": f"lead.custom.{mrr['id']}",
            "interval": "day",
            "start": T0.isoformat(),
            "end": day(3, 0).isoformat(),
        },
    )
    assert list(_points(summed["series"][0]).values()) == [50, 120, 180]
