"""The lead and opportunity status change reports, against histories recomputed in the test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.resources.report.helpers import Obj, Timeline, at, colleague, day, lead_statuses
from tests.support import Api, Clock, validation_errors


def _lead_history(api: Api, clock: Clock) -> tuple[Timeline, dict[str, str]]:
    s = lead_statuses(api)
    pot, qual, bad, cust = s["Potential"], s["Qualified"], s["Bad Fit"], s["Customer"]
    t = Timeline()
    leads: dict[str, str] = {}

    def create(n: float, name: str, status: str) -> None:
        at(clock, day(n))
        leads[name] = api.ok("POST", "lead/", json={"name": name, "status_id": status})["id"]
        t.create(day(n), leads[name], status)

    def move(n: float, name: str, old: str, new: str) -> None:
        at(clock, day(n))
        api.ok("PUT", f"lead/{leads[name]}/", json={"status_id": new})
        t.change(day(n), leads[name], old, new)

    create(1, "Acme", pot)
    create(1, "Bolt", pot)
    create(1, "Cog", qual)
    move(3, "Acme", pot, qual)
    create(5, "Dyn", pot)
    move(5, "Bolt", pot, bad)
    move(6, "Acme", qual, cust)
    move(6.2, "Dyn", pot, qual)
    move(6.3, "Dyn", qual, cust)
    move(8, "Cog", qual, pot)
    return t, leads


def _by_status(report: Obj) -> dict[str, Obj]:
    return {row["status_id"]: row for row in report["status_overview"]}


def _moves(rows: list[Obj]) -> dict[tuple[str | None, str], int]:
    return {(r["from_status_id"], r["to_status_id"]): r["count"] for r in rows}


def test_a_period_counts_each_status_as_the_history_says(api: Api, clock: Clock) -> None:
    t, _leads = _lead_history(api, clock)
    start, end = day(2, 0), day(7, 0)
    org = api.org.organization_id
    report = api.ok(
        "GET",
        f"report/statuses/lead/{org}/",
        params={"date_start": start.isoformat(), "date_end": end.isoformat()},
    )
    rows = _by_status(report)
    assert set(rows) == set(lead_statuses(api).values())
    for sid, row in rows.items():
        expected = t.overview(sid, start, end)
        assert {k: row[k] for k in expected} == expected, row["status_label"]
        assert row["status_is_deleted"] is False
        pct = round(expected["change"] * 100 / expected["started"], 2) if expected["started"] else None
        assert row["change_percent"] == pct
        assert set(row["_queries"]) == {"started", "ended", "gained", "lost", "entered", "left"}
    # The figures that are easy to get wrong are not all zero.
    s = lead_statuses(api)
    assert rows[s["Customer"]]["entered"] == 2 and rows[s["Customer"]]["started"] == 0
    assert rows[s["Potential"]]["left"] == 3 and rows[s["Potential"]]["lost"] == 2
    assert _moves(report["status_transitions"]) == t.transitions(start, end)
    assert _moves(report["status_transitions_summary"]) == t.summary(start, end)
    # Dyn went Potential -> Qualified -> Customer: the summary keeps Potential -> Customer.
    summary = _moves(report["status_transitions_summary"])
    assert summary[(None, s["Customer"])] == 1
    assert (s["Potential"], s["Qualified"]) not in summary or summary[(s["Potential"], s["Qualified"])] == 0


def test_date_only_bounds_include_the_end_day(api: Api, clock: Clock) -> None:
    t, _ = _lead_history(api, clock)
    org = api.org.organization_id
    report = api.ok(
        "GET", f"report/statuses/lead/{org}/", params={"date_start": "2024-03-06", "date_end": "2024-03-06"}
    )
    start, end = day(2, 0), day(3, 0)  # March 6 is T0 + 2 days
    for sid, row in _by_status(report).items():
        expected = t.overview(sid, start, end)
        assert {k: row[k] for k in expected} == expected
    assert _moves(report["status_transitions"]) == t.transitions(start, end)


def test_without_dates_the_report_is_overall(api: Api, clock: Clock) -> None:
    t, _ = _lead_history(api, clock)
    org = api.org.organization_id
    report = api.ok("GET", f"report/statuses/lead/{org}/")
    for sid, row in _by_status(report).items():
        expected = t.overview(sid, None, None)
        assert {k: row[k] for k in expected} == expected
        assert "started" not in row and "change" not in row and "gained" not in row
    assert _moves(report["status_transitions"]) == t.transitions(None, None)
    # Overall, every lead moves from nothing to where it is now.
    assert _moves(report["status_transitions_summary"]) == t.summary(None, None)


def test_query_and_smart_view_narrow_the_leads(api: Api, clock: Clock) -> None:
    t, leads = _lead_history(api, clock)
    org = api.org.organization_id
    report = api.ok("GET", f"report/statuses/lead/{org}/", params={"query": "name:Acme"})
    acme = Timeline()
    acme.created = {leads["Acme"]: t.created[leads["Acme"]]}
    acme.changes = [c for c in t.changes if c[1] == leads["Acme"]]
    for sid, row in _by_status(report).items():
        expected = acme.overview(sid, None, None)
        assert {k: row[k] for k in expected} == expected
    both = api.get(f"report/statuses/lead/{org}/", params={"query": "name:Acme", "smart_view_id": "save_x"})
    assert both.status_code == 400 and "query" in validation_errors(both)
    unknown = api.get(f"report/statuses/lead/{org}/", params={"smart_view_id": "save_nothing"})
    assert unknown.status_code == 400 and "smart_view_id" in validation_errors(unknown)


def test_a_deleted_status_keeps_its_label_and_says_it_is_gone(api: Api, clock: Clock) -> None:
    s = lead_statuses(api)
    at(clock, day(1))
    extra = api.ok("POST", "status/lead/", json={"label": "Nurture"})
    lead = api.ok("POST", "lead/", json={"name": "Acme", "status_id": s["Potential"]})
    at(clock, day(2))
    api.ok("PUT", f"lead/{lead['id']}/", json={"status_id": extra["id"]})
    at(clock, day(3))
    api.ok("PUT", f"lead/{lead['id']}/", json={"status_id": s["Qualified"]})
    api.ok("DELETE", f"status/lead/{extra['id']}/")
    report = api.ok("GET", f"report/statuses/lead/{api.org.organization_id}/")
    gone = _by_status(report)[extra["id"]]
    assert (gone["status_label"], gone["status_is_deleted"], gone["entered"], gone["left"]) == (
        "Nurture",
        True,
        1,
        1,
    )
    into = next(r for r in report["status_transitions"] if r["to_status_id"] == extra["id"])
    assert (into["to_status_label"], into["to_status_is_deleted"], into["count"]) == ("Nurture", True, 1)


def _deal_history(api: Api, member: Api, clock: Clock) -> tuple[Timeline, dict[str, str], dict[str, str]]:
    statuses = {s["label"]: s["id"] for s in api.ok("GET", "status/opportunity/")["data"]}
    active, won, lost = statuses["Active"], statuses["Won"], statuses["Lost"]
    at(clock, day(0))
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    t = Timeline()
    owners: dict[str, str] = {}

    def create(n: float, who: Api, status: str) -> str:
        at(clock, day(n))
        deal = who.ok("POST", "opportunity/", json={"lead_id": lead["id"], "status_id": status})
        t.create(day(n), deal["id"], status)
        owners[deal["id"]] = who.org.user_id
        return str(deal["id"])

    def move(n: float, oid: str, old: str, new: str) -> None:
        at(clock, day(n))
        api.ok("PUT", f"opportunity/{oid}/", json={"status_id": new})
        t.change(day(n), oid, old, new)

    a = create(1, api, active)
    b = create(1, member, active)
    c = create(4, member, active)
    move(3, a, active, won)
    move(5, b, active, lost)
    move(6, c, active, won)
    move(8, b, lost, active)
    return t, statuses, owners


def test_opportunity_statuses_by_owner(api: Api, make_api: Callable[..., Api], clock: Clock) -> None:
    member = colleague(api, make_api)
    t, statuses, owners = _deal_history(api, member, clock)
    org = api.org.organization_id
    start, end = day(2, 0), day(7, 0)
    params = {"date_start": start.isoformat(), "date_end": end.isoformat()}
    report = api.ok("GET", f"report/statuses/opportunity/{org}/", params=params)
    rows = _by_status(report)
    assert set(rows) == set(statuses.values())
    for sid, row in rows.items():
        expected = t.overview(sid, start, end)
        assert {k: row[k] for k in expected} == expected
        assert row["_queries"]["ended"].startswith("opportunity(")
        assert set(row["_opportunities_page_urls"]) == set(row["_queries"])
    assert rows[statuses["Won"]]["gained"] == 2
    assert _moves(report["status_transitions"]) == t.transitions(start, end)
    # Only the member's opportunities.
    mine = Timeline()
    mine.created = {o: v for o, v in t.created.items() if owners[o] == member.org.user_id}
    mine.changes = [c for c in t.changes if c[1] in mine.created]
    report = api.ok(
        "GET", f"report/statuses/opportunity/{org}/", params={**params, "user_id": member.org.user_id}
    )
    for sid, row in _by_status(report).items():
        expected = mine.overview(sid, start, end)
        assert {k: row[k] for k in expected} == expected
    assert _moves(report["status_transitions_summary"]) == mine.summary(start, end)


def test_bad_input_is_a_400_naming_the_parameter(api: Api) -> None:
    org = api.org.organization_id
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("lead", {"date_start": "yesterday"}, "date_start"),
        ("lead", {"date_end": "2024-13-01"}, "date_end"),
        ("lead", {"date_start": "2024-03-05", "date_end": "2024-03-01"}, "date_end"),
        ("lead", {"query": "frobnicate:(("}, "query"),
        ("opportunity", {"user_id": "user_nobody"}, "user_id"),
    ]
    for kind, params, key in cases:
        response = api.get(f"report/statuses/{kind}/{org}/", params=params)
        assert response.status_code == 400, (params, response.text)
        assert key in validation_errors(response), (params, response.text)


def test_another_organizations_report_is_not_found(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    for path in ("statuses/lead", "statuses/opportunity", "sent_emails", "custom"):
        response = api.get(f"report/{path}/{other.org.organization_id}/")
        assert response.status_code == 404, path
        assert "error" in response.json()
    # A user of another organization is not a user of this one.
    response = api.get(
        f"report/statuses/opportunity/{api.org.organization_id}/", params={"user_id": other.org.user_id}
    )
    assert response.status_code == 400
