"""GET /report/sent_emails/{org}/: sent, opened and replied-to emails, all and per template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from tests.resources.report.helpers import Obj, at, colleague, day
from tests.support import Api, Clock, validation_errors


def _send(api: Api, clock: Clock, when: datetime, lead: str, template: str | None, opened: bool) -> Obj:
    at(clock, when)
    body: Obj = {
        "lead_id": lead,
        "status": "sent",
        "sender": "me@example.com",
        "to": ["them@example.com"],
        "subject": f"Offer {when.isoformat()}",
    }
    if template:
        body["template_id"] = template
    if opened:
        body["opens"] = [{"opened_at": (when + timedelta(hours=1)).isoformat()}]
    return api.ok("POST", "activity/email/", json=body)  # type: ignore[no-any-return]


def _reply(api: Api, clock: Clock, when: datetime, to: Obj) -> None:
    at(clock, when)
    api.ok(
        "POST",
        "activity/email/",
        json={
            "lead_id": to["lead_id"],
            "status": "inbox",
            "sender": "them@example.com",
            "to": ["me@example.com"],
            "subject": "Re: " + to["subject"],
            "in_reply_to_id": to["id"],
        },
    )


def _figures(sent: list[tuple[Obj, str, bool, bool]]) -> Obj:
    total = len(sent)
    opened = sum(1 for _e, _u, o, _r in sent if o)
    responded = sum(1 for _e, _u, _o, r in sent if r)
    return {
        "total": total,
        "opened": opened,
        "responded": responded,
        "percentage_opened": round(opened * 100 / total, 2) if total else 0.0,
        "percentage_responded": round(responded * 100 / total, 2) if total else 0.0,
    }


def test_all_emails_then_each_template(api: Api, make_api: Callable[..., Api], clock: Clock) -> None:
    member = colleague(api, make_api)
    at(clock, day(0))
    lead = api.ok("POST", "lead/", json={"name": "Acme"})["id"]
    # (who, day, template, opened, replied)
    plan: list[tuple[Api, float, str | None, bool, bool]] = [
        (api, 1, "tmpl_a", True, True),
        (api, 1.1, "tmpl_a", False, False),
        (member, 1.2, "tmpl_a", True, False),
        (member, 2, "tmpl_b", True, True),
        (api, 2.1, None, False, True),
        (api, 5, "tmpl_b", True, False),  # after the range
    ]
    sent: list[tuple[Obj, str, bool, bool, datetime, str | None]] = []
    for who, n, template, opened, replied in plan:
        email = _send(who, clock, day(n), lead, template, opened)
        sent.append((email, who.org.user_id, opened, replied, day(n), template))
    for email, _user, _opened, replied, when, _t in sent:
        if replied:
            _reply(api, clock, when + timedelta(hours=3), email)
    # An inbox email that answers nothing does not make anything replied to.
    at(clock, day(3))
    api.ok(
        "POST",
        "activity/email/",
        json={"lead_id": lead, "status": "inbox", "sender": "x@example.com", "subject": "Hi"},
    )
    org = api.org.organization_id
    start, end = "2024-03-05", "2024-03-07"  # days 1 to 3, the end day included

    def within(row: tuple[Any, ...]) -> bool:
        return bool(day(1, 0) <= row[4] < day(3, 0))

    report = api.ok("GET", f"report/sent_emails/{org}/", params={"date_start": start, "date_end": end})
    stats = report["sent_email_stats"]
    picked = [r[:4] for r in sent if within(r)]
    assert {k: stats[0][k] for k in _figures(picked)} == _figures(picked)
    assert (stats[0]["template_id"], stats[0]["name"]) == (None, "All Emails")
    assert [s["template_id"] for s in stats[1:]] == ["tmpl_a", "tmpl_b"]
    for row in stats[1:]:
        of_template = [r[:4] for r in sent if within(r) and r[5] == row["template_id"]]
        assert {k: row[k] for k in _figures(of_template)} == _figures(of_template)
        assert set(row["_queries"]) == {"total", "opened", "responded"}
    assert stats[1]["total"] == 3 and stats[1]["responded"] == 1
    mine = api.ok(
        "GET",
        f"report/sent_emails/{org}/",
        params={"date_start": start, "date_end": end, "user_id": member.org.user_id},
    )["sent_email_stats"]
    picked = [r[:4] for r in sent if within(r) and r[1] == member.org.user_id]
    assert {k: mine[0][k] for k in _figures(picked)} == _figures(picked)
    everything = api.ok("GET", f"report/sent_emails/{org}/")["sent_email_stats"]
    assert everything[0]["total"] == len(sent)


def test_bad_input_is_a_400_naming_the_parameter(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    org = api.org.organization_id
    for params, key in (
        ({"date_start": "soon"}, "date_start"),
        ({"date_end": "2024-02-30"}, "date_end"),
        ({"user_id": other.org.user_id}, "user_id"),
    ):
        response = api.get(f"report/sent_emails/{org}/", params=params)
        assert response.status_code == 400 and key in validation_errors(response), response.text
