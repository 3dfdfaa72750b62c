"""An app with the admin API on (a known token), on the session's database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from leadbase.core import clock
from tests.support import Api

TOKEN = "admin-token-for-tests"
ADMIN = "/api/leadbase/admin"


@pytest.fixture(scope="session")
def admin_client(
    database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    files = str(tmp_path_factory.mktemp("admin-files"))
    app = create_app(Settings(database_url=database_url, files_dir=files, admin_token=TOKEN, journal_size=5))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


class Admin:
    """The admin API with the token, paths relative to /api/leadbase/admin/."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {TOKEN}"}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.request(method, f"{ADMIN}/{path.lstrip('/')}", headers=headers, **kwargs)

    def ok(self, method: str, path: str, expected: int = 200, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        assert response.status_code == expected, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def create(self, *emails: str, name: str = "Acme") -> dict[str, Any]:
        users = [{"email": e} for e in emails or ("ann@acme.test",)]
        made: dict[str, Any] = self.ok("POST", "organizations/", 201, json={"name": name, "users": users})
        return made

    def api(self, made: dict[str, Any], index: int = 0) -> Api:
        """A Close API client for a member of an organization the admin API made."""
        from leadbase.resources.organization.provision import Provisioned

        user = made["users"][index]
        org = Provisioned(
            made["id"],
            user["user_id"],
            user["membership_id"],
            user["api_key_id"],
            user["api_key"],
            True,
            False,
        )
        return Api(self.client, org)


@pytest.fixture
def admin(admin_client: TestClient) -> Iterator[Admin]:
    yield Admin(admin_client)
    clock.reset()
