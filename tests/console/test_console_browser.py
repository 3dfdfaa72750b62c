"""The console in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Runs in both database passes: the server under test is a real uvicorn on the test database.
LEADBASE_CONSOLE_SCREENSHOTS=<dir> saves a screenshot of each main page there (docs/console/).
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
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import Engine

from leadbase.app import create_app
from leadbase.config import Settings
from tests.support import basic_auth, new_organization

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


@pytest.fixture(scope="module")
def live_url(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    files = str(tmp_path_factory.mktemp("console-files"))
    app = create_app(Settings(database_url=database_url, rate_limit="off", files_dir=files))
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
    app.state.engine.dispose()


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
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def api(live_url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=live_url + "/api/v1/", headers={"Authorization": basic_auth(key)})


def sign_in(page: Page, live_url: str, key: str) -> None:
    page.goto(live_url + "/console/")
    expect(page.get_by_role("heading", name="Sign in to the console")).to_be_visible()
    shot(page, "sign-in")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
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


def test_keyboard_and_a_narrow_screen(chromium: Browser, live_url: str, engine: Engine) -> None:
    org = new_organization(engine)
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        sign_in(page, live_url, org.api_key)
        # The first Tab reaches the skip link, which moves focus to the content.
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#main")).to_be_focused()
        # Nothing wider than the screen: no sideways scrolling of the page.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_role("link", name="Data model", exact=True).click()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
