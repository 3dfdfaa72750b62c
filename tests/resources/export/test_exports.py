"""Exports over thousands of leads: the file, its formats, and the export object while it runs."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine

from leadbase.jobs.registry import JobContext
from leadbase.jobs.worker import Worker
from leadbase.resources.export import job as export_job
from tests.resources.export.conftest import export_done, file_bytes, load_leads
from tests.support import Api

LEADS = 2000
VOLATILE = {"localtime"}


def api_leads(api: Api) -> dict[str, dict[str, Any]]:
    """Every lead as GET /lead/ shows it, by id."""
    out: dict[str, dict[str, Any]] = {}
    skip = 0
    while True:
        page = api.ok("GET", "lead/", params={"_limit": 200, "_skip": skip})
        out.update({lead["id"]: lead for lead in page["data"]})
        if not page["has_more"]:
            return out
        skip += 200


def without(obj: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in keys}


def test_json_export_of_thousands_of_leads_is_the_api_representation(api: Api, worker: Worker) -> None:
    load_leads(api, LEADS)
    done = export_done(api, worker, "export/lead/", {"format": "json", "type": "leads"})
    assert done["n_docs"] == LEADS and done["n_docs_processed"] == LEADS
    assert done["type"] == "leads" and done["format"] == "json"
    exported = orjson.loads(file_bytes(api, done["download_url"]))
    assert len(exported) == LEADS
    # Close's default order without a sort: newest first.
    dates = [lead["date_created"] for lead in exported]
    assert dates == sorted(dates, reverse=True)
    expected = api_leads(api)
    assert {lead["id"] for lead in exported} == set(expected)
    for lead in exported:
        assert without(lead, VOLATILE) == without(expected[lead["id"]], VOLATILE)


def test_csv_of_leads_has_one_row_per_lead_with_custom_columns(api: Api, worker: Worker) -> None:
    field = api.ok("POST", "custom_field/lead/", json={"name": "Tier", "type": "text"})
    load_leads(
        api,
        1200,
        lambda n: {
            "name": f"Acme {n:05d}",
            "contacts": [{"name": f"Ann {n}", "emails": [{"email": f"ann{n}@acme.test"}]}],
            f"custom.{field['id']}": "Gold" if n % 2 else None,
        },
    )
    done = export_done(api, worker, "export/lead/", {"format": "csv", "type": "leads"})
    rows = list(csv.DictReader(io.StringIO(file_bytes(api, done["download_url"]).decode())))
    assert len(rows) == 1200
    header = list(rows[0])
    assert header[:3] == ["id", "display_name", "name"]
    assert "custom.Tier" in header and "primary_contact_primary_email" in header
    by_name = {r["name"]: r for r in rows}
    assert by_name["Acme 00001"]["custom.Tier"] == "Gold"
    assert by_name["Acme 00002"]["custom.Tier"] == ""
    assert by_name["Acme 00007"]["primary_contact_primary_email"] == "ann7@acme.test"
    # original date format: a space between date and time, microseconds and the offset kept.
    created = by_name["Acme 00007"]["date_created"]
    assert created[10] == " " and created.endswith("+00:00") and "." in created


def test_contacts_csv_is_a_row_per_contact_and_date_formats_apply(api: Api, worker: Worker) -> None:
    load_leads(
        api,
        300,
        lambda n: {
            "name": f"Acme {n:05d}",
            "contacts": [
                {"name": f"Ann {n}", "emails": [{"email": f"ann{n}@acme.test"}]},
                {"name": f"Bob {n}", "phones": [{"phone": "+16505550100"}]},
            ],
        },
    )
    done = export_done(
        api, worker, "export/lead/", {"format": "csv", "type": "contacts", "date_format": "iso8601"}
    )
    rows = list(csv.DictReader(io.StringIO(file_bytes(api, done["download_url"]).decode())))
    assert len(rows) == 600
    ann = next(r for r in rows if r["name"] == "Ann 12")
    assert ann["lead_name"] == "Acme 00012" and ann["emails"] == "ann12@acme.test"
    assert ann["lead_id"].startswith("lead_")
    # iso8601: a T, no microseconds, the offset.
    assert len(ann["date_created"]) == len("2026-12-01T00:00:00+00:00") and ann["date_created"][10] == "T"
    excel = export_done(
        api, worker, "export/lead/", {"format": "csv", "type": "contacts", "date_format": "excel"}
    )
    first = next(csv.DictReader(io.StringIO(file_bytes(api, excel["download_url"]).decode())))
    assert first["date_created"].endswith((" AM", " PM")) and "+" not in first["date_created"]


def test_s_query_sort_and_results_limit_select_the_leads(api: Api, worker: Worker) -> None:
    load_leads(api, 500, lambda n: {"name": f"{'Big' if n % 5 == 0 else 'Small'} Co {n:04d}"})
    s_query = {
        "type": "and",
        "queries": [
            {"type": "object_type", "object_type": "lead"},
            {
                "type": "field_condition",
                "field": {"type": "regular_field", "object_type": "lead", "field_name": "name"},
                "condition": {"type": "text", "mode": "phrase", "value": "Big"},
            },
        ],
    }
    sort = [
        {"direction": "asc", "field": {"type": "regular_field", "object_type": "lead", "field_name": "name"}}
    ]
    body = {"format": "json", "type": "leads", "s_query": s_query, "sort": sort, "fields": ["id", "name"]}
    done = export_done(api, worker, "export/lead/", body)
    exported = orjson.loads(file_bytes(api, done["download_url"]))
    assert [lead["name"] for lead in exported] == [f"Big Co {n:04d}" for n in range(0, 500, 5)]
    assert set(exported[0]) == {"id", "name"}
    assert done["s_query"] == s_query and done["sort"] == sort
    limited = export_done(api, worker, "export/lead/", {**body, "results_limit": 7})
    assert limited["n_docs"] == 7
    assert len(orjson.loads(file_bytes(api, limited["download_url"]))) == 7


def test_a_query_string_selects_too(api: Api, worker: Worker) -> None:
    load_leads(api, 50, lambda n: {"name": f"{'Big' if n < 3 else 'Small'} Co {n}"})
    done = export_done(
        api, worker, "export/lead/", {"format": "json", "type": "leads", "query": 'name:"Big"'}
    )
    assert sorted(lead["name"] for lead in orjson.loads(file_bytes(api, done["download_url"]))) == [
        "Big Co 0",
        "Big Co 1",
        "Big Co 2",
    ]


def test_opportunities_by_list_filters_and_lead_opps(api: Api, worker: Worker) -> None:
    load_leads(api, 40)
    leads = api.ok("GET", "lead/", params={"_limit": 40, "_fields": "id"})["data"]
    statuses = api.ok("GET", "status/opportunity/")["data"]
    won, other = statuses[0]["id"], statuses[1]["id"]
    for i, lead in enumerate(leads):
        api.ok(
            "POST",
            "opportunity/",
            json={"lead_id": lead["id"], "status_id": won if i < 10 else other, "value": 100 * i},
        )
    done = export_done(api, worker, "export/opportunity/", {"format": "json", "params": {"status_id": won}})
    assert done["type"] == "opps" and done["params"] == {"status_id": won}
    opps = orjson.loads(file_bytes(api, done["download_url"]))
    assert len(opps) == 10 and {o["status_id"] for o in opps} == {won}
    listed = api.ok("GET", "opportunity/", params={"status_id": won})["data"]
    assert {o["id"]: o for o in opps} == {o["id"]: o for o in listed}
    csv_done = export_done(api, worker, "export/lead/", {"format": "csv", "type": "lead_opps"})
    rows = list(csv.DictReader(io.StringIO(file_bytes(api, csv_done["download_url"]).decode())))
    assert len(rows) == 40 and rows[0]["lead_name"].startswith("Acme")


def test_progress_is_readable_while_the_job_writes(
    api: Api, worker: Worker, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_leads(api, 1000)
    seen: list[tuple[str, int | None, int]] = []
    made = api.ok("POST", "export/lead/", json={"format": "csv", "type": "leads"})
    real_keep_alive = JobContext.keep_alive

    def watched(self: JobContext) -> None:
        # Between two batches (the progress committed): what a client polling GET sees.
        real_keep_alive(self)
        shown = api.ok("GET", f"export/{made['id']}/")
        seen.append((shown["status"], shown["n_docs"], shown["n_docs_processed"]))

    monkeypatch.setattr(JobContext, "keep_alive", watched)
    monkeypatch.setattr(export_job, "BATCH", 300)
    worker.run_until_idle()
    assert seen == [
        ("in_progress", 1000, 300),
        ("in_progress", 1000, 600),
        ("in_progress", 1000, 900),
        ("in_progress", 1000, 1000),
    ]
    assert api.ok("GET", f"export/{made['id']}/")["status"] == "done"


def test_a_job_that_dies_mid_file_is_written_whole_by_the_next_attempt(
    api: Api, worker: Worker, monkeypatch: pytest.MonkeyPatch, clock: Any
) -> None:
    load_leads(api, 700)
    made = api.ok("POST", "export/lead/", json={"format": "json", "type": "leads", "fields": ["id"]})
    real_batch = export_job.Render.batch
    calls = {"n": 0}

    def dying(self: Any, conn: Any, ids: list[str]) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the worker's machine went away")
        return real_batch(self, conn, ids)

    monkeypatch.setattr(export_job.Render, "batch", dying)
    worker.run_until_idle()
    assert api.ok("GET", f"export/{made['id']}/")["status"] == "in_progress"
    # The retry waits its backoff: move past it.
    from datetime import timedelta

    from leadbase.core import clock as leadbase_clock

    clock.set(leadbase_clock.now() + timedelta(minutes=1))
    worker.run_until_idle()
    done = api.ok("GET", f"export/{made['id']}/")
    assert done["status"] == "done" and done["n_docs_processed"] == 700
    ids = [lead["id"] for lead in orjson.loads(file_bytes(api, done["download_url"]))]
    assert len(ids) == len(set(ids)) == 700


def test_no_per_row_queries(
    api: Api, worker: Worker, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support import count_statements

    def statements(count: int) -> int:
        load_leads(api, count)
        api.ok("POST", "export/lead/", json={"format": "json", "type": "leads"})
        # The worker's timed upkeep (SQLite's full-text merging) runs now, outside the count.
        worker.text_upkeep.run_once()
        with count_statements(engine) as counter:
            worker.run_until_idle()
        return len(counter.statements)

    monkeypatch.setattr(export_job, "BATCH", 1000)
    small = statements(100)
    large = statements(900)  # one batch either way (the second export reads 1000 leads)
    assert large == small
