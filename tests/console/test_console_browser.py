"""The console in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Runs in both database passes: the server under test is a real uvicorn on a test database of its
own (the suite's shared one holds thousands of organizations by then, and the administrator's
tests expect the few made here on the organizations page's first page).
LEADBASE_CONSOLE_SCREENSHOTS=<dir> saves a screenshot of each main page there (docs/screenshots/).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import Engine, select

from leadbase.app import create_app, worker_settings
from leadbase.config import Settings
from leadbase.console.views import organizations as organizations_view
from leadbase.db.models import api_key, organization
from leadbase.jobs.worker import Worker
from tests.support import (
    basic_auth,
    migrated_engine,
    new_organization,
    requested_database_url,
    scratch_database,
)

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = os.environ.get("LEADBASE_CONSOLE_SCREENSHOTS")


ADMIN_TOKEN = "console-admin-token"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database for this module alone, in place of the suite's shared one. There, the
    organizations page once listed some 7,000 organizations at once (it shows a page at a time
    now), and on a slow machine it had not loaded within the five seconds a check waits."""
    with scratch_database(requested_database_url(str(tmp_path_factory.mktemp("console-db")))) as url:
        yield url


@pytest.fixture(scope="module")
def engine(database_url: str) -> Iterator[Engine]:
    with migrated_engine(database_url) as engine:
        yield engine


@pytest.fixture(scope="module")
def live_app(
    database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    """The server's application: its admin API on, no worker of its own (tests run `work_off`)."""
    files = str(tmp_path_factory.mktemp("console-files"))
    app = create_app(
        Settings(database_url=database_url, rate_limit="off", files_dir=files, admin_token=ADMIN_TOKEN)
    )
    yield app
    app.state.engine.dispose()


def work_off(app: FastAPI) -> None:
    """Run every due job (exports, bulk actions, sending) as the server's worker would."""
    worker = Worker(app.state.engine, worker_settings(app.state.settings))
    try:
        worker.run_until_idle()
    finally:
        worker.sender.close()


@pytest.fixture(scope="module")
def live_url(live_app: FastAPI) -> Iterator[str]:
    app = live_app
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the console's server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        # The visible window only: small files, the top of each page.
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def api(live_url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=live_url + "/api/v1/", headers={"Authorization": basic_auth(key)})


def sign_in(page: Page, live_url: str, key: str) -> None:
    page.goto(live_url + "/console/")
    expect(page.get_by_role("heading", name="Sign in to the console")).to_be_visible()
    shot(page, "sign-in")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Leads", exact=True)).to_be_visible()


def test_a_day_in_the_console(page: Page, live_url: str, engine: Engine) -> None:
    org = new_organization(engine, organization_name="Acme Corp")
    with api(live_url, org.api_key) as client:
        industry = client.post("custom_field/lead/", json={"name": "Industry", "type": "text"}).json()
        rockets = client.post(
            "lead/",
            json={
                "name": "Acme Rockets",
                f"custom.{industry['id']}": "Aerospace",
                "contacts": [{"name": "Ann Lee", "emails": [{"email": "ann@acme.test", "type": "office"}]}],
            },
        ).json()
        client.post("lead/", json={"name": "Bolt Bakery", f"custom.{industry['id']}": "Food"})

    sign_in(page, live_url, org.api_key)

    # Search leads with the query language; the custom field as a chosen column.
    page.get_by_text("Custom field columns").click()
    page.get_by_label("Industry").check()
    page.get_by_label("Search (lead query language)").fill("name:acme")
    page.get_by_label("Search (lead query language)").press("Enter")
    results = page.locator("#leads-table")
    expect(results).to_contain_text("Acme Rockets")
    expect(results).to_contain_text("Aerospace")
    expect(results).not_to_contain_text("Bolt Bakery")
    shot(page, "leads")

    # Open the lead.
    page.get_by_role("link", name="Acme Rockets").click()
    expect(page.locator("#lead-name")).to_have_text("Acme Rockets")
    expect(page.get_by_text("ann@acme.test")).to_be_visible()
    assert page.url == rockets["html_url"]

    # The data model: a custom object type with a choices field and a number field.
    page.get_by_role("link", name="Data model", exact=True).click()
    page.get_by_text("New custom object type").click()
    page.locator("#cot-name").fill("Policy")
    page.locator("#cot-plural").fill("Policies")
    page.get_by_role("button", name="Create type").click()
    expect(page.get_by_role("heading", name="Policy (Policies)")).to_be_visible()
    form = page.locator("#new-field")
    form.get_by_label("Field name", exact=True).fill("Tier")
    form.get_by_label("Type", exact=True).select_option("choices")
    form.get_by_label("Choices").fill("Gold\nSilver")
    form.get_by_role("button", name="Add field").click()
    form = page.locator("#new-field")
    form.get_by_label("Field name", exact=True).fill("Premium")
    form.get_by_label("Type", exact=True).select_option("number")
    form.get_by_role("button", name="Add field").click()
    expect(page.locator("table")).to_contain_text("Tier")
    expect(page.locator("table")).to_contain_text("Premium")
    shot(page, "custom-object-type")
    page.get_by_role("link", name="← Data model").click()
    shot(page, "data-model")

    # A custom object on the lead; a wrong value gets the API's own message first.
    page.goto(rockets["html_url"])
    page.get_by_role("link", name="Add Policy").click()
    page.get_by_label("Name").fill("P-1")
    page.get_by_label("Tier").select_option("Gold")
    page.get_by_label("Premium").fill("lots")
    page.get_by_role("button", name="Add Policy").click()
    expect(page.locator("#form-errors")).to_be_visible()
    page.get_by_label("Premium").fill("100")
    page.get_by_role("button", name="Add Policy").click()
    expect(page.locator("#lead-name")).to_have_text("Acme Rockets")
    expect(page.locator("#h-objects").locator("..")).to_contain_text("P-1")
    expect(page.locator("#h-objects").locator("..")).to_contain_text("Gold")
    shot(page, "lead")

    # The event log's live tail, open beside the lead: an edit's event appears without a reload.
    tail = page.context.new_page()
    tail.goto(live_url + "/console/events/?object_type=custom_object&live=1")
    actions = tail.locator('#event-rows td[data-label="Action"]')
    expect(actions).to_have_text(["created"])

    page.get_by_role("link", name="Edit P-1").click()
    page.get_by_label("Premium").fill("250")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#h-objects").locator("..")).to_contain_text("250")
    expect(actions).to_have_text(["updated", "created"], timeout=15_000)
    expect(tail.locator('#event-rows td[data-label="Changed"]').first).to_contain_text("custom.cf_")
    shot(tail, "event-log")
    tail.close()


def test_another_organizations_lead_is_a_404_in_the_browser(
    page: Page, live_url: str, engine: Engine
) -> None:
    mine = new_organization(engine)
    theirs = new_organization(engine)
    with api(live_url, theirs.api_key) as client:
        lead = client.post("lead/", json={"name": "Their Secret Lead"}).json()
    sign_in(page, live_url, mine.api_key)
    response = page.goto(lead["html_url"])
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Their Secret Lead")


# Every form control has a name a screen reader reads: a <label>, or aria-label.
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id)"""


# The elements reaching past the screen's right edge (what a failure names).
WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className)"""


def test_keyboard_and_a_narrow_screen(chromium: Browser, live_url: str, engine: Engine) -> None:
    org = new_organization(engine)
    with api(live_url, org.api_key) as client:
        kind = client.post("custom_object_type/", json={"name": "Policy", "name_plural": "Policies"}).json()
        client.post("custom_field/shared/", json={"name": "Region", "type": "text"}).raise_for_status()
        lead = client.post(
            "lead/",
            json={
                "name": "A lead with a rather long name for a small phone screen",
                "contacts": [{"name": "Ann"}],
            },
        ).json()
        opportunity = client.post("opportunity/", json={"lead_id": lead["id"], "note": "Deal"}).json()
        task = client.post("task/", json={"lead_id": lead["id"], "text": "Call"}).json()
        hook = client.post(
            "webhook/",
            json={
                "url": "https://hooks.example.com/in",
                "events": [{"object_type": "lead", "action": "created"}],
            },
        ).json()
    context = chromium.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        sign_in(page, live_url, org.api_key)
        # The first Tab reaches the skip link, which moves focus to the content.
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#main")).to_be_focused()
        pages = [
            "/leads/",
            f"/lead/{lead['id']}/",
            f"/lead/{lead['id']}/edit/",
            "/leads/new/",
            f"/lead/{lead['id']}/contacts/new/",
            f"/contact/{lead['contacts'][0]['id']}/edit/",
            f"/lead/{lead['id']}/opportunities/new/",
            f"/opportunity/{opportunity['id']}/edit/",
            f"/lead/{lead['id']}/tasks/new/",
            f"/task/{task['id']}/edit/",
            f"/lead/{lead['id']}/custom_objects/new/?type={kind['id']}",
            f"/delete/lead/{lead['id']}/",
            "/model/",
            f"/model/custom_object_type/{kind['id']}/",
            "/events/",
            "/webhooks/",
            f"/webhooks/{hook['id']}/",
            "/outbox/",
            "/bulk/",
            "/exports/",
        ]
        for path in pages:
            response = page.goto(live_url + "/console" + path)
            assert response is not None and response.status == 200, path
            # Nothing wider than the screen: no sideways scrolling of the page.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                path,
                page.evaluate(WIDE),
            )
            assert page.evaluate(UNLABELLED) == [], path
        # The administrator's pages too.
        page.goto(live_url + "/console/sign-in/")
        page.get_by_label("Admin token").fill(ADMIN_TOKEN)
        page.get_by_role("button", name="Sign in as administrator").click()
        expect(page.get_by_role("heading", name="Organizations")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.evaluate(UNLABELLED) == []
    finally:
        context.close()


def test_the_administrator_switches_between_organizations(page: Page, live_url: str, engine: Engine) -> None:
    north = new_organization(engine, organization_name="North Org")
    south = new_organization(engine, organization_name="South Org")
    with api(live_url, north.api_key) as client:
        north_lead = client.post("lead/", json={"name": "Northern Lights"}).json()
    with api(live_url, south.api_key) as client:
        client.post("lead/", json={"name": "Southern Cross"})

    page.goto(live_url + "/console/sign-in/")
    page.get_by_label("Admin token").fill("not the token")
    page.get_by_role("button", name="Sign in as administrator").click()
    expect(page.locator("#admin-sign-in-error")).to_be_visible()
    page.get_by_label("Admin token").fill(ADMIN_TOKEN)
    page.get_by_role("button", name="Sign in as administrator").click()
    expect(page.get_by_role("heading", name="Organizations")).to_be_visible()
    expect(page.locator("#organizations")).to_contain_text("North Org")
    expect(page.locator("#organizations")).to_contain_text("South Org")
    shot(page, "organizations")

    page.get_by_role("button", name="Switch to North Org").click()
    expect(page.locator("#acting-as")).to_contain_text("North Org")
    expect(page.locator("#leads-table")).to_contain_text("Northern Lights")
    expect(page.locator("#leads-table")).not_to_contain_text("Southern Cross")

    page.get_by_role("link", name="Organizations").click()
    page.get_by_role("button", name="Switch to South Org").click()
    expect(page.locator("#acting-as")).to_contain_text("South Org")
    expect(page.locator("#leads-table")).to_contain_text("Southern Cross")
    expect(page.locator("#leads-table")).not_to_contain_text("Northern Lights")
    # North's lead is now another organization's: the API's 404.
    response = page.goto(north_lead["html_url"])
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Northern Lights")
    # The key borrowed for North was revoked on switching away; South's goes on signing out.
    assert keys_of(engine, north.organization_id) == [north.api_key_id]
    assert len(keys_of(engine, south.organization_id)) == 2
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to the console")).to_be_visible()
    assert keys_of(engine, south.organization_id) == [south.api_key_id]


def test_the_organizations_page_shows_a_page_at_a_time(
    page: Page, live_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(organizations_view, "PAGE_SIZE", 2)
    for n in range(2):
        new_organization(engine, organization_name=f"Paged {n}")
    # Its one member is no admin: switching to it is the admin API's 400.
    lonely = new_organization(engine, organization_name="Paged without admin", role="user")
    with engine.connect() as conn:
        ids = list(
            conn.scalars(select(organization.c.id).order_by(organization.c.date_created, organization.c.id))
        )
    assert len(ids) >= 3
    shown = page.locator("#organizations tbody code")
    previous = page.get_by_role("link", name="← Previous")
    following = page.get_by_role("link", name="Next →")

    page.goto(live_url + "/console/sign-in/")
    page.get_by_label("Admin token").fill(ADMIN_TOKEN)
    page.get_by_role("button", name="Sign in as administrator").click()
    expect(shown).to_have_text(ids[:2])
    expect(previous).to_have_count(0)
    following.click()
    expect(shown).to_have_text(ids[2:4])
    assert page.url.endswith("/console/organizations/?skip=2")
    previous.click()
    expect(shown).to_have_text(ids[:2])
    expect(previous).to_have_count(0)

    # The last page has no Next; its Previous goes back one page.
    last = len(ids) - 1
    page.goto(f"{live_url}/console/organizations/?skip={last}")
    expect(shown).to_have_text(ids[last:])
    assert ids[last] == lonely.organization_id
    expect(following).to_have_count(0)
    # A refused switch shows the page it was asked from again, with the API's message.
    page.get_by_role("button", name="Switch to Paged without admin").click()
    expect(page.locator("#switch-error")).to_contain_text("no active admin")
    expect(shown).to_have_text(ids[last:])
    previous.click()
    expect(shown).to_have_text(ids[last - 2 : last])
    expect(following).to_be_visible()
    # A skip that is no number is the first page.
    page.goto(f"{live_url}/console/organizations/?skip=many")
    expect(shown).to_have_text(ids[:2])


def keys_of(engine: Engine, organization_id: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(api_key.c.id).where(api_key.c.organization_id == organization_id)))


def test_outbox_exports_and_bulk_actions_with_their_progress(
    page: Page, live_url: str, live_app: FastAPI, engine: Engine
) -> None:
    org = new_organization(engine)
    with api(live_url, org.api_key) as client:
        lead = client.post(
            "lead/",
            json={"name": "Acme", "contacts": [{"name": "Ann", "emails": [{"email": "ann@acme.test"}]}]},
        ).json()
        client.post("lead/", json={"name": "Bolt Bakery"})
        for subject in ("Your quote", "Our invoice"):
            client.post(
                "activity/email/",
                json={
                    "lead_id": lead["id"],
                    "contact_id": lead["contacts"][0]["id"],
                    "sender": "bo@example.com",
                    "to": ["ann@acme.test"],
                    "subject": subject,
                    "body_text": "Hello Ann",
                    "status": "outbox",
                },
            ).raise_for_status()
        won = client.get("status/lead/").json()["data"][-1]
        client.post(
            "bulk_action/edit/",
            json={"query": "name:acme", "type": "set_lead_status", "lead_status_id": won["id"]},
        ).raise_for_status()
    work_off(live_app)
    with api(live_url, org.api_key) as client:
        client.post("bulk_action/delete/", json={"query": "name:bolt"}).raise_for_status()

    sign_in(page, live_url, org.api_key)
    page.get_by_role("link", name="Outbox").click()
    table = page.locator("#outbox-table")
    expect(table).to_contain_text("Your quote")
    expect(table).to_contain_text("Our invoice")
    page.get_by_label("Address").fill("nobody@else.test")
    page.get_by_role("button", name="Filter").click()
    expect(table).to_contain_text("No messages match.")
    page.get_by_label("Address").fill("ann@acme.test")
    page.get_by_label("Status").select_option("sent")
    page.get_by_role("button", name="Filter").click()
    expect(table).to_contain_text("Your quote")
    shot(page, "outbox")

    # The delete waits for the worker: the page polls until it is done, then stops.
    page.get_by_role("link", name="Bulk actions").click()
    states = page.locator("#bulk-table td.state")
    expect(states).to_have_text(["created", "done"])
    expect(page.locator("#bulk-progress")).to_have_attribute("hx-trigger", "every 2s")
    work_off(live_app)
    expect(states).to_have_text(["done", "done"], timeout=15_000)
    expect(page.locator("#bulk-table td.leads").first).to_have_text("1 of 1")
    expect(page.locator("#bulk-progress")).not_to_have_attribute("hx-trigger", "every 2s")
    shot(page, "bulk-actions")

    page.get_by_role("link", name="Exports").click()
    page.get_by_label("Leads to export").fill("name:nothing-like-this AND (")
    page.get_by_role("button", name="Start export").click()
    expect(page.locator("#form-errors")).to_be_visible()
    page.get_by_label("Leads to export").fill("name:acme")
    page.get_by_label("Format").select_option("json")
    page.get_by_role("button", name="Start export").click()
    expect(page.locator("#exports-table td.state")).to_have_text(["created"])
    work_off(live_app)
    download = page.get_by_role("link", name="Download json")
    expect(download).to_be_visible(timeout=15_000)
    expect(page.locator("#exports-table td.state")).to_have_text(["done"])
    shot(page, "exports")
    href = download.get_attribute("href")
    assert href is not None
    with httpx.Client() as http:
        got = http.get(href)
    # Served gzip-encoded; httpx decodes it.
    assert got.status_code == 200 and b"Acme" in got.content and b"Bolt" not in got.content


def test_opportunities_tasks_and_deleting_from_the_lead_page(
    page: Page, live_url: str, engine: Engine
) -> None:
    org = new_organization(engine)
    with api(live_url, org.api_key) as client:
        lead = client.post(
            "lead/", json={"name": "Acme", "contacts": [{"name": "Ann"}, {"name": "Bob"}]}
        ).json()
        kind = client.post("custom_object_type/", json={"name": "Policy", "name_plural": "Policies"}).json()
        client.post(
            "custom_object/", json={"custom_object_type_id": kind["id"], "lead_id": lead["id"], "name": "P-9"}
        ).raise_for_status()
    sign_in(page, live_url, org.api_key)
    page.goto(lead["html_url"])

    # An opportunity: a wrong confidence gets the API's own message, then it is saved and edited.
    page.get_by_role("link", name="Add opportunity").click()
    page.get_by_role("textbox", name="Value (in cents)").fill("125000")
    page.get_by_label("Confidence").fill("150")
    page.get_by_label("Note").fill("Big deal")
    page.get_by_role("button", name="Add opportunity").click()
    expect(page.locator("#form-errors")).to_contain_text("confidence")
    page.get_by_label("Confidence").fill("60")
    page.get_by_role("button", name="Add opportunity").click()
    expect(page.locator("#opportunities")).to_contain_text("Big deal")
    page.get_by_role("link", name="Edit opportunity Big deal").click()
    page.get_by_label("Note").fill("Bigger deal")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#opportunities")).to_contain_text("Bigger deal")

    # A task: added, then edited.
    page.get_by_role("link", name="Add task").click()
    page.get_by_label("Text").fill("Call Ann")
    page.get_by_label("Due").fill("2030-01-15")
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("#tasks")).to_contain_text("Call Ann")
    page.get_by_role("link", name="Edit task Call Ann").click()
    page.get_by_label("Text").fill("Call Ann back")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#tasks")).to_contain_text("Call Ann back")
    shot(page, "lead-with-deals")

    # Deleting asks first; Cancel keeps the object.
    page.get_by_role("link", name="Delete task Call Ann back").click()
    expect(page.get_by_role("heading", name="Delete the task “Call Ann back”?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("#tasks")).to_contain_text("Call Ann back")
    for link, button in (
        ("Delete task Call Ann back", "Delete task"),
        ("Delete opportunity Bigger deal", "Delete opportunity"),
        ("Delete Bob", "Delete contact"),
        ("Delete P-9", "Delete custom object"),
    ):
        page.get_by_role("link", name=link).click()
        page.get_by_role("button", name=button).click()
        expect(page.locator("#lead-name")).to_have_text("Acme")
    expect(page.locator("#tasks")).to_contain_text("No open tasks.")
    expect(page.locator("#opportunities")).to_contain_text("No opportunities.")
    expect(page.locator("#h-contacts").locator("../..")).not_to_contain_text("Bob")
    expect(page.locator("#h-objects").locator("..")).not_to_contain_text("P-9")

    page.get_by_role("link", name="Delete lead").click()
    page.get_by_role("button", name="Delete lead").click()
    expect(page.get_by_role("heading", name="Leads", exact=True)).to_be_visible()
    with api(live_url, org.api_key) as client:
        assert client.get(f"lead/{lead['id']}/").status_code == 404


def test_shared_field_associations_in_the_data_model(page: Page, live_url: str, engine: Engine) -> None:
    org = new_organization(engine)
    with api(live_url, org.api_key) as client:
        client.post(
            "custom_object_type/", json={"name": "Policy", "name_plural": "Policies"}
        ).raise_for_status()
        shared = client.post("custom_field/shared/", json={"name": "Region", "type": "text"}).json()
    sign_in(page, live_url, org.api_key)
    page.get_by_role("link", name="Data model", exact=True).click()
    area = page.locator(f'section[aria-labelledby="assoc-{shared["id"]}"]')
    expect(area).to_contain_text("Not associated with anything yet.")

    area.get_by_label("Associate “Region” with").select_option(label="Leads")
    area.get_by_role("checkbox", name="Required").last.check()
    area.get_by_role("button", name="Associate").click()
    # Only typed associations may be required: the API's own message.
    expect(page.locator("#form-errors")).to_contain_text("required")
    area = page.locator(f'section[aria-labelledby="assoc-{shared["id"]}"]')
    area.get_by_label("Associate “Region” with").select_option(label="Leads")
    area.get_by_role("button", name="Associate").click()
    area.get_by_label("Associate “Region” with").select_option(label="Policy (custom object)")
    area.get_by_role("checkbox", name="Required").last.check()
    area.get_by_label("Editable by roles").last.fill("admin")
    area.get_by_role("button", name="Associate").click()
    on_policy = area.get_by_role("form", name="Region on Policy (custom object)")
    expect(on_policy.get_by_role("checkbox", name="Required")).to_be_checked()
    expect(on_policy.get_by_label("Editable by roles")).to_have_value("admin")
    shot(page, "shared-fields")

    # Not required any more, editable by everyone.
    on_policy.get_by_role("checkbox", name="Required").uncheck()
    on_policy.get_by_label("Editable by roles").fill("")
    on_policy.get_by_role("button", name="Save").click()
    on_policy = area.get_by_role("form", name="Region on Policy (custom object)")
    expect(on_policy.get_by_role("checkbox", name="Required")).not_to_be_checked()
    with api(live_url, org.api_key) as client:
        got = client.get(f"custom_field/shared/{shared['id']}/").json()
    assert sorted(a["object_type"] for a in got["associations"]) == ["custom_object_type", "lead"]
    policy = [a for a in got["associations"] if a["object_type"] == "custom_object_type"]
    assert policy[0]["required"] is False and policy[0]["editable_with_roles"] == []

    area.get_by_role("button", name="Remove Region from Leads").click()
    expect(area.get_by_role("form", name="Region on Leads")).to_have_count(0)
    expect(area.get_by_role("form", name="Region on Policy (custom object)")).to_have_count(1)
    with api(live_url, org.api_key) as client:
        got = client.get(f"custom_field/shared/{shared['id']}/").json()
    assert [a["object_type"] for a in got["associations"]] == ["custom_object_type"]
