"""Test helpers: databases, organizations with API keys, and an HTTP client bound to one."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from leadbase.db.engine import normalize_url
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
