"""leadbase's pytest plugin: a leadbase server for the session, a fresh organization per test.

Installed with leadbase (a `pytest11` entry point), so any test suite can use the fixtures:

- `leadbase_server`: one server per session, started in a thread (uvicorn on a free port) over a
  temporary SQLite file, or the database of `--leadbase-database-url`; or an already running
  server given by `--leadbase-url` and `--leadbase-admin-token`.
- `leadbase_org`: a new organization for the test (deleted after it), with an admin member.
- `leadbase_api`: the official `closeio` client (`closeio_api.API`) for that organization.
- `leadbase_clock`: freeze, set or advance the server's clock; back to the wall clock after.
- `@pytest.mark.leadbase_seed("fixtures/acme.yaml")`: the test's organization starts with what
  the fixture file holds (the `leadbase seed` format, YAML or JSON; the path is relative to the
  test file); `leadbase_org.seeded` has the ids of the leads it made.

Fixture names carry the `leadbase_` prefix so they never clash with a suite's own. Nothing heavy
is imported until a fixture is used: the plugin costs nothing to suites that do not use it.
Disable it with `-p no:leadbase`.
"""

from __future__ import annotations

import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

ADMIN = "/api/leadbase/admin"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("leadbase", "leadbase test server")
    group.addoption(
        "--leadbase-database-url",
        default=None,
        help="Database of the server the plugin starts (default: a temporary SQLite file).",
    )
    group.addoption(
        "--leadbase-url",
        default=None,
        help="Use this running leadbase server (http://HOST:PORT) instead of starting one.",
    )
    group.addoption(
        "--leadbase-admin-token",
        default=None,
        help="The admin token (LEADBASE_ADMIN_TOKEN) of the server given by --leadbase-url.",
    )


SEED_MARKER = "leadbase_seed"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{SEED_MARKER}(path): seed the test's leadbase_org from a fixture file (YAML or JSON, the "
        "`leadbase seed` format), the path relative to the test file",
    )


class LeadbaseServer:
    """A leadbase server and its admin API."""

    def __init__(self, url: str, admin_token: str) -> None:
        import httpx

        self.url = url.rstrip("/")
        self.api_url = self.url + "/api/v1/"
        self.admin_token = admin_token
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def admin(self, method: str, path: str, json: Any = None) -> Any:
        """Call the admin API; a refusal raises with leadbase's answer."""
        response = self.http.request(
            method,
            f"{ADMIN}/{path.lstrip('/')}",
            json=json,
            headers={"Authorization": f"Bearer {self.admin_token}"},
        )
        if response.status_code >= 400:
            raise AssertionError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def create_organization(self, name: str = "Test organization", *emails: str) -> Organization:
        users = [{"email": e} for e in emails or ("ann@example.com",)]
        return Organization(self, self.admin("POST", "organizations/", {"name": name, "users": users}))

    def close(self) -> None:
        self.http.close()


class Organization:
    """One organization of the server: its id, its members' keys, and what happened in it."""

    def __init__(self, server: LeadbaseServer, made: dict[str, Any]) -> None:
        self.server = server
        self.id: str = made["id"]
        self.name: str = made["name"]
        self.users: list[dict[str, Any]] = made["users"]
        self.api_key: str = self.users[0]["api_key"]
        self.seeded = Seeded({}, [])

    def seed(self, source: str | Path | dict[str, Any]) -> Seeded:
        """Write a fixture document (a file's path, or the document itself) through the API, as
        `leadbase seed` does; what it made is also kept in `self.seeded`."""
        import httpx

        from leadbase.transfer.client import CloseApi
        from leadbase.transfer.document import load_document
        from leadbase.transfer.writer import write_organization

        document = source if isinstance(source, dict) else load_document(Path(source))
        api = CloseApi(httpx.Client(base_url=self.server.api_url, auth=(self.api_key, ""), timeout=30))
        try:
            self.seeded = Seeded(document, write_organization(api, document, add_members=self.add_members))
        finally:
            api.close()
        return self.seeded

    def add_members(self, users: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Make users ({email, role?, first_name?, last_name?}) members of this organization."""
        made = self.server.admin("POST", f"organizations/{self.id}/members/", {"users": users})
        added: list[dict[str, Any]] = made["users"]
        return added

    def client(self, index: int = 0) -> Any:
        """The official closeio client, as the member `index` (the first: an admin)."""
        from closeio_api import API

        return API(base_url=self.server.api_url, api_key=self.users[index]["api_key"])

    def _get(self, path: str, **params: Any) -> Any:
        response = self.server.http.get(path, params=params, auth=(self.api_key, ""))
        response.raise_for_status()
        return response.json()

    def events(self, **params: Any) -> list[dict[str, Any]]:
        """The event log, newest first (GET /api/v1/event/, every page)."""
        found: list[dict[str, Any]] = []
        while True:
            page = self._get("/api/v1/event/", **params)
            found.extend(page["data"])
            if not page.get("cursor_next"):
                return found
            params = {**params, "_cursor": page["cursor_next"]}

    def webhook_deliveries(self, **params: Any) -> list[dict[str, Any]]:
        """Webhook deliveries with their attempts (leadbase's delivery log)."""
        data: list[dict[str, Any]] = self._get("/api/leadbase/webhook_delivery/", **params)["data"]
        return data

    def outbox(self, **params: Any) -> list[dict[str, Any]]:
        """Messages leadbase captured instead of sending (email, SMS), when the server has an
        outbox (/api/leadbase/outbox/); a server without one says so."""
        response = self.server.http.get("/api/leadbase/outbox/", params=params, auth=(self.api_key, ""))
        if response.status_code == 404:
            raise NotImplementedError("this leadbase server has no outbox (/api/leadbase/outbox/)")
        response.raise_for_status()
        data: list[dict[str, Any]] = response.json()["data"]
        return data

    def journal(self) -> list[dict[str, Any]]:
        """The requests this organization's clients sent and what leadbase answered, oldest first."""
        data: list[dict[str, Any]] = self.server.admin("GET", f"organizations/{self.id}/journal/")["data"]
        return data

    def wait_for(self, check: Any, timeout: float = 10.0) -> Any:
        """Poll `check()` until it returns something truthy (background work: webhooks, jobs)."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result or time.monotonic() > deadline:
                return result
            time.sleep(0.05)

    def snapshot(self, name: str | None = None) -> str:
        made = self.server.admin("POST", f"organizations/{self.id}/snapshots/", {"name": name})
        return str(made["id"])

    def restore(self, snapshot_id: str) -> None:
        self.server.admin("POST", f"organizations/{self.id}/restore/", {"snapshot_id": snapshot_id})

    def reset(self) -> None:
        self.server.admin("POST", f"organizations/{self.id}/reset/")

    def fork(self, *, with_data: bool = False, name: str | None = None) -> Organization:
        body = {"with_data": with_data, "name": name}
        return Organization(self.server, self.server.admin("POST", f"organizations/{self.id}/fork/", body))

    def delete(self) -> None:
        self.server.admin("DELETE", f"organizations/{self.id}/")


class Seeded:
    """What a fixture document put in an organization: its leads' ids, in the file's order and by
    name (a name given twice maps to the last such lead)."""

    def __init__(self, document: dict[str, Any], lead_ids: list[str]) -> None:
        self.document = document
        self.lead_ids = lead_ids
        leads = document.get("leads") or []
        self.leads: dict[str, str] = {
            lead.get("name"): id_ for lead, id_ in zip(leads, lead_ids, strict=True)
        }

    def lead_id(self, name: str) -> str:
        try:
            return self.leads[name]
        except KeyError:
            raise KeyError(
                f"the fixture seeded no lead named {name!r} (it has {sorted(self.leads)})"
            ) from None


class Clock:
    """The server's clock, through the admin API."""

    def __init__(self, server: LeadbaseServer) -> None:
        self.server = server

    def now(self) -> datetime:
        return datetime.fromisoformat(self.server.admin("GET", "clock/")["now"])

    def freeze(self, moment: datetime | None = None) -> datetime:
        """Stop the clock at `moment` (default: now)."""
        body: dict[str, Any] = {"frozen": True}
        if moment is not None:
            body["now"] = moment.isoformat()
        return datetime.fromisoformat(self.server.admin("PUT", "clock/", body)["now"])

    def travel(self, moment: datetime) -> datetime:
        """Let the clock run from `moment` on."""
        body = {"now": moment.isoformat(), "frozen": False}
        return datetime.fromisoformat(self.server.admin("PUT", "clock/", body)["now"])

    def advance(
        self, seconds: float = 0, *, minutes: float = 0, hours: float = 0, days: float = 0
    ) -> datetime:
        body = {"seconds": seconds, "minutes": minutes, "hours": hours, "days": days}
        return datetime.fromisoformat(self.server.admin("POST", "clock/advance/", body)["now"])

    def reset(self) -> None:
        self.server.admin("DELETE", "clock/")


class _ThreadServer:
    """leadbase in this process: uvicorn in a thread, the background worker beside it."""

    def __init__(self, database_url: str | None) -> None:
        import uvicorn

        from leadbase.app import create_app, start_embedded_worker
        from leadbase.config import Settings
        from leadbase.db.engine import build_engine
        from leadbase.db.migrate import upgrade

        self.tmp = tempfile.TemporaryDirectory(prefix="leadbase-pytest-")
        url = database_url or f"sqlite:///{Path(self.tmp.name) / 'leadbase.db'}"
        self.token = secrets.token_urlsafe(24)
        settings = Settings(
            database_url=url,
            admin_token=self.token,
            files_dir=str(Path(self.tmp.name) / "files"),
            worker_poll_seconds=0.05,
            # No slowing down while idle: a test waits for scheduled work no longer than the poll.
            worker_idle_poll_seconds=0.05,
        )
        migrating = build_engine(url, pool_size=1)
        try:
            upgrade(migrating)
        finally:
            migrating.dispose()
        self.app = create_app(settings)
        self.worker = start_embedded_worker(self.app)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="leadbase-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the leadbase server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.worker.stop()
        self.worker.sender.close()
        self.app.state.engine.dispose()
        self.tmp.cleanup()


@pytest.fixture(scope="session")
def leadbase_server(request: pytest.FixtureRequest) -> Iterator[LeadbaseServer]:
    """A leadbase server for the whole session (started once, stopped at the end)."""
    url = request.config.getoption("--leadbase-url")
    if url:
        token = request.config.getoption("--leadbase-admin-token")
        if not token:
            raise pytest.UsageError("--leadbase-url needs --leadbase-admin-token")
        server = LeadbaseServer(url, token)
        yield server
        server.close()
        return
    running = _ThreadServer(request.config.getoption("--leadbase-database-url"))
    server = LeadbaseServer(running.url, running.token)
    try:
        yield server
    finally:
        server.close()
        running.stop()


@pytest.fixture
def leadbase_org(leadbase_server: LeadbaseServer, request: pytest.FixtureRequest) -> Iterator[Organization]:
    """A fresh organization for this test, with one admin member; deleted afterwards. Seeded from
    a fixture file first when the test is marked `leadbase_seed(path)`."""
    org = leadbase_server.create_organization(f"Test {request.node.name}"[:255])
    try:
        marker = request.node.get_closest_marker(SEED_MARKER)
        if marker is not None:
            org.seed(_fixture_path(request, marker))
        yield org
    finally:
        org.delete()


def _fixture_path(request: pytest.FixtureRequest, marker: pytest.Mark) -> Path:
    if len(marker.args) != 1 or not isinstance(marker.args[0], str | Path):
        raise pytest.UsageError(f"@pytest.mark.{SEED_MARKER} takes one path, as {SEED_MARKER}('acme.yaml')")
    path = Path(marker.args[0])
    return path if path.is_absolute() else Path(request.node.path).parent / path


@pytest.fixture
def leadbase_api(leadbase_org: Organization) -> Any:
    """The official closeio client (closeio_api.API) for the test's organization."""
    return leadbase_org.client()


@pytest.fixture
def leadbase_clock(leadbase_server: LeadbaseServer) -> Iterator[Clock]:
    """The server's clock; after the test it is the wall clock again."""
    controller = Clock(leadbase_server)
    yield controller
    controller.reset()
