"""With Redis configured, rate-limit counters are shared by every process of a deployment."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from tests.support import basic_auth, new_organization

REDIS_URL = os.environ.get("LEADBASE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def two_processes(database_url: str, engine: Engine) -> Iterator[tuple[TestClient, TestClient]]:
    settings = Settings(database_url=database_url, rate_limit="3/minute", redis_url=REDIS_URL)
    first, second = create_app(settings), create_app(settings)
    with TestClient(first) as a, TestClient(second) as b:
        yield a, b
    first.state.engine.dispose()
    second.state.engine.dispose()


def test_counters_are_shared_through_redis(
    two_processes: tuple[TestClient, TestClient], engine: Engine
) -> None:
    a, b = two_processes
    headers = {"Authorization": basic_auth(new_organization(engine).api_key)}
    remaining = []
    for client in (a, b, a):
        response = client.get("/api/v1/me/", headers=headers)
        assert response.status_code == 200
        remaining.append(response.headers["ratelimit-remaining"])
    # One budget of three for both "processes": the third request left nothing.
    assert remaining == ["2", "1", "0"]
    blocked = b.get("/api/v1/me/", headers=headers)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) >= 1
    assert blocked.json()["error"]["rate_limit_type"] == "key"
