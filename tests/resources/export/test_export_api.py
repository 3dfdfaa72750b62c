"""The export object over HTTP: create, list, get, errors, other organizations, the download link."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from leadbase.core import clock as leadbase_clock
from leadbase.jobs.worker import Worker
from tests.resources.export.conftest import download, export_done, file_bytes, load_leads
from tests.support import Api, Clock, validation_errors


def test_create_answers_the_new_export_as_close_does(api: Api) -> None:
    made = api.ok(
        "POST", "export/lead/", json={"format": "csv", "type": "contacts", "send_done_email": False}
    )
    assert made["id"].startswith("expo_") and len(made["id"]) == len("expo_") + 43
    assert made["status"] == "created"
    assert made["n_docs"] is None and made["n_docs_processed"] == 0 and made["download_url"] is None
    assert made["type"] == "contacts" and made["format"] == "csv" and made["send_done_email"] is False
    assert made["organization_id"] == api.org.organization_id and made["created_by"] == api.org.user_id
    assert made["s_query"] is None and made["sort"] == [] and made["results_limit"] is None
    assert api.ok("GET", f"export/{made['id']}/") == made
    listed = api.ok("GET", "export/")
    assert [e["id"] for e in listed["data"]] == [made["id"]] and listed["has_more"] is False
    assert api.ok("GET", f"export/{made['id']}/", params={"_fields": "id,status"}) == {
        "id": made["id"],
        "status": "created",
    }


def test_create_records_an_export_event(api: Api) -> None:
    made = api.ok("POST", "export/opportunity/", json={"format": "json"})
    events = api.events(object_id=made["id"])
    assert [(e["object_type"], e["action"]) for e in events] == [("export.opportunity", "created")]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("export/lead/", {"type": "leads"}, "format"),
        ("export/lead/", {"format": "xml", "type": "leads"}, "format"),
        ("export/lead/", {"format": "csv"}, "type"),
        ("export/lead/", {"format": "csv", "type": "opps"}, "type"),
        ("export/lead/", {"format": "csv", "type": "leads", "date_format": "us"}, "date_format"),
        ("export/lead/", {"format": "csv", "type": "leads", "fields": "name"}, "fields"),
        ("export/lead/", {"format": "csv", "type": "leads", "results_limit": -1}, "results_limit"),
        ("export/lead/", {"format": "csv", "type": "leads", "send_done_email": "no"}, "send_done_email"),
        ("export/lead/", {"format": "csv", "type": "leads", "s_query": {"type": "nonsense"}}, "s_query.type"),
        (
            "export/lead/",
            {"format": "csv", "type": "leads", "s_query": {"type": "object_type", "object_type": "contact"}},
            "s_query",
        ),
        ("export/lead/", {"format": "csv", "type": "leads", "sort": "name"}, "sort"),
        ("export/opportunity/", {"format": "json", "params": ["status_id"]}, "params"),
        ("export/opportunity/", {}, "format"),
    ],
)
def test_bad_bodies_are_400s_naming_the_field(api: Api, path: str, body: dict[str, Any], field: str) -> None:
    errors = validation_errors(api.post(path, json=body))
    assert field in errors, errors
    assert api.ok("GET", "export/")["data"] == []


def test_bad_opportunity_filters_are_400s(api: Api) -> None:
    response = api.post("export/opportunity/", json={"format": "json", "params": {"_order_by": "nope"}})
    assert response.status_code == 400, response.text
    assert api.ok("GET", "export/")["data"] == []


def test_another_organizations_export_is_a_404(api: Api, make_api: Callable[..., Api]) -> None:
    made = api.ok("POST", "export/lead/", json={"format": "json", "type": "leads"})
    other = make_api()
    assert other.get(f"export/{made['id']}/").status_code == 404
    assert other.ok("GET", "export/")["data"] == []


def test_members_see_their_own_exports_admins_all(make_api: Callable[..., Api]) -> None:
    name = f"Exports {uuid.uuid4().hex[:8]}"
    admin = make_api(organization_name=name)
    member = make_api(organization_name=name, role="superuser")
    theirs = admin.ok("POST", "export/lead/", json={"format": "json", "type": "leads"})
    mine = member.ok("POST", "export/lead/", json={"format": "csv", "type": "leads"})
    assert [e["id"] for e in member.ok("GET", "export/")["data"]] == [mine["id"]]
    assert member.get(f"export/{theirs['id']}/").status_code == 404
    assert {e["id"] for e in admin.ok("GET", "export/")["data"]} == {theirs["id"], mine["id"]}


def test_the_link_works_for_a_minute_then_answers_410(api: Api, worker: Worker, clock: Clock) -> None:
    load_leads(api, 20)
    start = leadbase_clock.now()
    clock.set(start)
    done = export_done(api, worker, "export/lead/", {"format": "json", "type": "leads"})
    url = done["download_url"]
    parts = urlsplit(url)
    assert parts.path == f"/go/export/{done['id']}/{done['id']}.json/"
    response = download(api, url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert len(orjson.loads(response.content)) == 20  # httpx undoes the Content-Encoding itself
    tampered = url.replace("signature=", "signature=0")
    assert download(api, tampered).status_code == 404
    assert download(api, url.replace(done["id"], "expo_" + "x" * 43)).status_code == 404
    clock.set(start + timedelta(seconds=61))
    gone = download(api, url)
    assert gone.status_code == 410 and "expired" in gone.json()["error"]
    fresh = api.ok("GET", f"export/{done['id']}/")["download_url"]
    assert fresh != url and download(api, fresh).status_code == 200
    expires = int(parse_qs(urlsplit(fresh).query)["expires"][0])
    assert expires - (start + timedelta(seconds=61)).timestamp() <= 61


def test_the_file_is_deleted_when_its_lifetime_ends(api: Api, worker: Worker, clock: Clock) -> None:
    load_leads(api, 5)
    start = leadbase_clock.now()
    clock.set(start)
    done = export_done(api, worker, "export/lead/", {"format": "csv", "type": "leads"})
    settings = api.client.app.state.settings  # type: ignore[attr-defined]
    from leadbase.resources.export.service import exports_directory

    path = Path(exports_directory(settings)) / f"{done['id']}.csv.gz"
    assert path.is_file()
    assert file_bytes(api, done["download_url"]).startswith(b"id,")
    clock.set(start + timedelta(hours=168, seconds=1))
    assert download(api, done["download_url"]).status_code == 410
    worker.run_until_idle()
    assert not path.exists()
    after = api.ok("GET", f"export/{done['id']}/")
    assert after["status"] == "done" and after["download_url"] is None


def test_asking_for_an_export_needs_the_export_permission(make_api: Callable[..., Api]) -> None:
    name = f"Exports {uuid.uuid4().hex[:8]}"
    admin = make_api(organization_name=name)
    member = make_api(organization_name=name, role="user")  # Close's "User" role does not export
    response = member.post("export/lead/", json={"format": "csv", "type": "leads"})
    assert response.status_code == 403 and "error" in response.json()
    assert admin.ok("GET", "export/")["data"] == []


def test_a_finished_export_records_updated_then_completed(api: Api, worker: Worker) -> None:
    load_leads(api, 3)
    done = export_done(api, worker, "export/lead/", {"format": "json", "type": "leads"})
    events = api.events(object_id=done["id"])
    assert [(e["object_type"], e["action"]) for e in reversed(events)] == [
        ("export.lead", "created"),
        ("export.lead", "updated"),
        ("export.lead", "completed"),
    ]
    updated = next(e for e in events if e["action"] == "updated")
    assert updated["data"]["status"] == "done" and updated["previous_data"]["status"] in (
        "started",
        "in_progress",
    )
    assert "status" in updated["changed_fields"]
