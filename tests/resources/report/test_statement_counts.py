"""A report runs a fixed number of statements, whatever the number of objects it covers."""

from __future__ import annotations

from collections.abc import Callable

from tests.resources.report.helpers import lead_statuses
from tests.support import Api, count_statements


def _statements(api: Api, request: Callable[[], object]) -> int:
    request()  # warm the caches (statuses, pipelines, members)
    with count_statements(api.engine) as counter:
        request()
    return len(counter.statements)


def test_statement_counts_do_not_grow_with_the_data(api: Api) -> None:
    org = api.org.organization_id
    statuses = lead_statuses(api)
    pipeline = api.ok("GET", "pipeline/")["data"][0]["id"]
    requests: dict[str, Callable[[], object]] = {
        "lead statuses": lambda: api.ok(
            "GET", f"report/statuses/lead/{org}/", params={"date_start": "2020-01-01"}
        ),
        "opportunity statuses": lambda: api.ok("GET", f"report/statuses/opportunity/{org}/"),
        "activity": lambda: api.ok(
            "POST",
            "report/activity/",
            json={
                "type": "comparison",
                "metrics": ["calls.all.all.count", "leads.created.all.count"],
                "relative_range": "all-time",
            },
        ),
        "funnel": lambda: api.ok(
            "POST",
            "report/funnel/opportunity/stages/",
            json={"pipeline": pipeline, "type": "created-cohort", "cohort_relative_range": "all-time"},
        ),
        "sent emails": lambda: api.ok("GET", f"report/sent_emails/{org}/"),
        "custom": lambda: api.ok("GET", f"report/custom/{org}/", params={"x": "opportunity.value"}),
    }

    def grow(n: int) -> None:
        for i in range(n):
            lead = api.ok("POST", "lead/", json={"name": f"L{i}", "status_id": statuses["Potential"]})
            api.ok("PUT", f"lead/{lead['id']}/", json={"status_id": statuses["Qualified"]})
            api.ok("POST", "opportunity/", json={"lead_id": lead["id"], "value": 100 * (i + 1)})
            api.ok(
                "POST", "activity/call/", json={"lead_id": lead["id"], "direction": "outbound", "duration": 3}
            )

    grow(2)
    few = {name: _statements(api, r) for name, r in requests.items()}
    grow(6)
    many = {name: _statements(api, r) for name, r in requests.items()}
    assert few == many
