"""Test helpers: databases, organizations with API keys, and an HTTP client bound to one."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import httpx
from alembic import command
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from leadbase.core import clock as leadbase_clock
from leadbase.db.engine import build_engine, normalize_url
from leadbase.db.migrate import alembic_config, upgrade
from leadbase.resources.organization.provision import Provisioned, provision

SQLITE = "sqlite"


def requested_database_url(tmp_dir: str) -> str:
    """LEADBASE_TEST_DATABASE_URL when set (PostgreSQL in CI), else a SQLite file."""
    url = os.environ.get("LEADBASE_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_dir}/leadbase-test.db"


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A database of our own for one test session; on PostgreSQL a new one, dropped after."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() == SQLITE:
        yield url
        return
    name = f"leadbase_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migrated_engine(url: str, pool_size: int = 5) -> Iterator[Engine]:
    """An engine on `url`, its database migrated to the newest revision; disposed after."""
    engine = build_engine(url, pool_size=pool_size)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def migrate(engine: Engine, action: str, revision: str) -> None:
    """Alembic's `upgrade` or `downgrade` to `revision`, on `engine`, in one transaction."""
    config = alembic_config()
    with engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            config.attributes["connection"] = conn
            getattr(command, action)(config, revision)


@contextmanager
def database_at(tmp_dir: str, revision: str) -> Iterator[Engine]:
    """An engine on a scratch database of the suite's kind, migrated up to `revision`."""
    with scratch_database(requested_database_url(tmp_dir)) as url:
        engine = build_engine(url, pool_size=1)
        migrate(engine, "upgrade", revision)
        try:
            yield engine
        finally:
            engine.dispose()


def new_organization(
    engine: Engine, *, role: str = "admin", email: str | None = None, organization_name: str | None = None
) -> Provisioned:
    with engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            return provision(
                conn,
                organization_name=organization_name or f"Org {uuid.uuid4().hex[:12]}",
                email=email or f"user-{uuid.uuid4().hex[:12]}@example.com",
                role=role,
            )


def basic_auth(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


class Api:
    """An HTTP client for one organization's API key, speaking paths relative to /api/v1/."""

    def __init__(self, client: TestClient, org: Provisioned) -> None:
        self.client = client
        self.org = org
        self.headers = {"Authorization": basic_auth(org.api_key)}

    @property
    def engine(self) -> Engine:
        """The database engine of the app this client talks to."""
        engine: Engine = self.client.app.state.engine  # type: ignore[attr-defined]
        return engine

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.request(method, "/api/v1/" + path.lstrip("/"), headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, expected: int = 200, **kwargs: Any) -> Any:
        """The JSON of a request that must answer `expected`."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == expected, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def events(self, **params: Any) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = self.ok("GET", "event/", params=params)["data"]
        return data


def all_events(api: Api, **params: Any) -> list[dict[str, Any]]:
    """Every event the caller can see (newest first), following cursor_next to the end."""
    events: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(10_000):
        page = api.ok("GET", "event/", params={**params, **({"_cursor": cursor} if cursor else {})})
        events.extend(page["data"])
        cursor = page["cursor_next"]
        if cursor is None:
            return events
    raise AssertionError("the event log never ended")


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The JSON body of an error response that must have `status`."""
    assert response.status_code == status, (status, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def validation_errors(response: httpx.Response) -> dict[str, Any]:
    """field-errors of a 400 that has Close's validation shape (errors and field-errors)."""
    body = error_of(response, 400)
    assert isinstance(body["errors"], list), body
    assert isinstance(body["field-errors"], dict), body
    field_errors: dict[str, Any] = body["field-errors"]
    return field_errors


class StatementCounter:
    """Counts the SQL statements an engine sends while it is active."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        # The string parameters of those statements (a constant may be bound or inline).
        self.string_parameters: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)


@contextmanager
def count_statements(engine: Engine) -> Iterator[StatementCounter]:
    counter = StatementCounter()

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        counter.statements.append(statement)
        values = parameters.values() if isinstance(parameters, dict) else parameters or ()
        counter.string_parameters.extend(v for v in values if isinstance(v, str))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", listener)


class Clock:
    """Pins leadbase's clock (the in-process app reads it); the `clock` fixture releases it."""

    def set(self, moment: datetime) -> None:
        leadbase_clock.freeze(moment)

    def release(self) -> None:
        leadbase_clock.freeze(None)
