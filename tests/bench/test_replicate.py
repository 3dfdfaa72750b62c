"""bench/replicate.py: SQL copies of an organization's leads read back through the API as leads
leadbase wrote, with their own ids, contacts, activities, counters and shifted values."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select, text

from bench.databases import Database
from bench.replicate import replicate
from leadbase.db.models import activity, contact, lead, lead_activity_count
from tests.support import Api

SEED = 4
TARGET = 14  # two whole copies and a partial one (the two oldest seed leads)


def _seed(api: Api) -> dict[str, str]:
    fields = {
        name: api.ok("POST", "custom_field/lead/", json={"name": name, "type": kind})["id"]
        for name, kind in (("Revenue", "number"), ("Founded", "date"))
    }
    for i in range(SEED):
        made = api.ok(
            "POST",
            "lead/",
            json={
                "name": f"Seed {i}",
                "contacts": [{"name": f"Ann {i}"}, {"name": f"Bob {i}"}][: 1 + i % 2],
                f"custom.{fields['Revenue']}": 9_999_000 + i,
                f"custom.{fields['Founded']}": "2001-02-03",
            },
        )
        contact_id = made["contacts"][0]["id"]
        api.ok("POST", "activity/note/", json={"lead_id": made["id"], "note": f"note {i}"})
        api.ok(
            "POST", "activity/call/", json={"lead_id": made["id"], "contact_id": contact_id, "duration": 5}
        )
        api.ok("POST", "opportunity/", json={"lead_id": made["id"], "value": 100, "contact_id": contact_id})
    return fields


def _rows(engine: Engine, table: Any, organization_id: str) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(table).where(table.c.organization_id == organization_id)).all())


def test_copies_are_leads_with_their_own_rows(api: Api, database_url: str, engine: Engine) -> None:
    fields = _seed(api)
    org = api.org.organization_id
    seed_leads = {r.id: r for r in _rows(engine, lead, org)}
    seed_feed = {i: len(api.ok("GET", "activity/", params={"lead_id": i})["data"]) for i in seed_leads}
    kind = "sqlite" if database_url.startswith("sqlite") else "postgres"

    grown = replicate(Database(kind, database_url), org, TARGET, fields, lambda _line: None)

    assert grown["copies"] == 3
    leads = _rows(engine, lead, org)
    assert len(leads) == TARGET
    # The list's total comes from the counters the triggers (or the copy) keep.
    assert api.ok("GET", "lead/", params={"_limit": 1})["total_results"] == TARGET
    ids = [r.id for r in leads]
    assert len(set(ids)) == TARGET
    assert all(i.startswith("lead_") and len(i) == len(ids[0]) for i in ids)
    copies = [r for r in leads if r.id not in seed_leads]
    assert sorted(Counter(r.name.rsplit(" ", 1)[1] for r in copies).items()) == [
        ("2", 4),
        ("3", 4),
        ("4", 2),
    ]
    # Every copy is a lead of its own, read through the API like any other.
    contacts = _rows(engine, contact, org)
    by_lead = Counter(c.lead_id for c in contacts)
    for row in copies:
        shown = api.ok("GET", f"lead/{row.id}/")
        original = next(s for s in seed_leads.values() if row.name.startswith(s.name + " "))
        copy_number = int(row.name.rsplit(" ", 1)[1]) - 1
        assert len(shown["contacts"]) == by_lead[original.id]
        assert all(c["lead_id"] == row.id for c in shown["contacts"])
        revenue = shown[f"custom.{fields['Revenue']}"]
        assert revenue == (original.custom[fields["Revenue"]] + copy_number * 104_729) % 10_000_000
        assert shown[f"custom.{fields['Founded']}"] != "2001-02-03"
        date.fromisoformat(shown[f"custom.{fields['Founded']}"])
        assert row.date_created > original.date_created
        feed = api.ok("GET", "activity/", params={"lead_id": row.id})["data"]
        assert len(feed) == seed_feed[original.id]
        assert {a["lead_id"] for a in feed} == {row.id}
        calls = [a for a in feed if a["_type"] == "Call"]
        # The call's contact is the copy's own contact, not the seed's.
        assert [c["contact_id"] for c in calls] == [shown["contacts"][0]["id"]]
    # lead_activity_count is what the activities say, for the copies too.
    with engine.connect() as conn:
        counted = {
            (r.lead_id, r.type): (r.n, r.last_at)
            for r in conn.execute(
                select(lead_activity_count).where(lead_activity_count.c.organization_id == org)
            ).all()
        }
        actual = {
            (r.lead_id, r.type): (r.n, r.last_at)
            for r in conn.execute(
                select(
                    activity.c.lead_id,
                    activity.c.type,
                    func.count().label("n"),
                    func.max(activity.c.activity_at).label("last_at"),
                )
                .where(activity.c.organization_id == org)
                .group_by(activity.c.lead_id, activity.c.type)
            ).all()
        }
    assert counted == actual
    assert len(actual) == TARGET * 3  # Created, Note and Call on every lead
    if kind == "sqlite":
        # The leads by status and day the triggers kept are the copies' own (their dates moved).
        with engine.connect() as conn:
            kept = conn.execute(
                text("SELECT status_id, day, n FROM lead_day_count WHERE organization_id = :o AND n != 0"),
                {"o": org},
            ).all()
        by_day = Counter((r.status_id, r.date_created.date().isoformat()) for r in leads)
        assert {(r[0], r[1]): r[2] for r in kept} == dict(by_day)


def test_nothing_to_copy_when_the_seed_is_big_enough(api: Api, database_url: str, engine: Engine) -> None:
    api.ok("POST", "lead/", json={"name": "Only"})
    kind = "sqlite" if database_url.startswith("sqlite") else "postgres"

    grown = replicate(Database(kind, database_url), api.org.organization_id, 1, {}, lambda _line: None)

    assert grown["copies"] == 0
    assert len(_rows(engine, lead, api.org.organization_id)) == 1
