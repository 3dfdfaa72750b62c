"""Rate limits per API key and per organization (three times the key's), with Close's headers
and a 429 body that both kinds of real clients can read."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from tests.support import basic_auth, new_organization

HEADER = re.compile(r"^limit=(\d+), remaining=(\d+), reset=(\d+)$")
LimitedClient = Callable[[str], TestClient]


@pytest.fixture
def limited(database_url: str) -> Iterator[LimitedClient]:
    """Apps on the test database with a given rate limit, each with counters of its own."""
    apps = []

    def make(rate: str) -> TestClient:
        app = create_app(Settings(database_url=database_url, rate_limit=rate))
        apps.append(app)
        return TestClient(app)

    yield make
    for app in apps:
        app.state.engine.dispose()


def _quota(response: httpx.Response) -> tuple[int, int, int]:
    match = HEADER.match(response.headers["ratelimit"])
    assert match, response.headers["ratelimit"]
    limit, remaining, reset = (int(g) for g in match.groups())
    assert (response.headers["ratelimit-limit"], response.headers["ratelimit-remaining"]) == (
        str(limit),
        str(remaining),
    )
    assert response.headers["ratelimit-reset"] == str(reset)
    assert response.headers["x-rate-limit-remaining"] == str(remaining)
    return limit, remaining, reset


def _get(client: TestClient, key: str, path: str = "/api/v1/me/") -> httpx.Response:
    return client.get(path, headers={"Authorization": basic_auth(key)})


def test_requests_until_429_carry_the_headers(limited: LimitedClient, engine: Engine) -> None:
    client = limited("2/second")
    key = new_organization(engine).api_key
    seen: list[httpx.Response] = []
    for _ in range(50):
        response = _get(client, key)
        seen.append(response)
        if response.status_code == 429:
            break
    blocked = seen[-1]
    assert blocked.status_code == 429, "fifty requests never hit a limit of two per second"
    allowed = seen[:-1]
    assert len(allowed) >= 2 and all(r.status_code == 200 for r in allowed)
    for response in allowed:
        limit, remaining, reset = _quota(response)
        assert limit == 2 and 0 <= remaining < 2 and 1 <= reset <= 1
    assert _quota(allowed[-1])[1] == 0

    limit, remaining, reset = _quota(blocked)
    assert (limit, remaining) == (2, 0) and 1 <= reset <= 1
    assert int(blocked.headers["retry-after"]) == reset
    body = blocked.json()
    assert body["rate_reset"] == body["error"]["rate_reset"] == reset
    assert body["error"]["rate_limit"] == 2
    assert body["error"]["rate_window"] == 1
    assert body["error"]["rate_limit_type"] == "key"
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_each_request_spends_one_and_then_429(limited: LimitedClient, engine: Engine) -> None:
    client = limited("2/hour")
    key = new_organization(engine).api_key
    first, second, third = (_get(client, key) for _ in range(3))
    assert [r.status_code for r in (first, second, third)] == [200, 200, 429]
    assert [_quota(r)[:2] for r in (first, second, third)] == [(2, 1), (2, 0), (2, 0)]
    assert 3500 <= int(third.headers["retry-after"]) <= 3600
    # Any endpoint, any method: one budget per key.
    assert _get(client, key, "/api/v1/lead/").status_code == 429


def test_the_organization_gets_three_times_the_key_limit(limited: LimitedClient, engine: Engine) -> None:
    client = limited("2/hour")
    first = new_organization(engine)
    name = f"Rate {first.organization_id[-8:]}"
    # Three more keys in one organization: the admin's org name is random, so make a named one.
    org = [new_organization(engine, organization_name=name) for _ in range(4)]
    assert len({p.organization_id for p in org}) == 1
    statuses = [_get(client, p.api_key).status_code for p in org[:3] for _ in range(2)]
    assert statuses == [200] * 6
    blocked = _get(client, org[3].api_key)
    assert blocked.status_code == 429
    assert blocked.json()["error"]["rate_limit_type"] == "org"
    assert blocked.json()["error"]["rate_limit"] == 6
    assert _quota(blocked)[:2] == (6, 0)
    # Another organization has budgets of its own.
    assert _get(client, first.api_key).status_code == 200


def test_the_header_reports_the_quota_closest_to_running_out(limited: LimitedClient, engine: Engine) -> None:
    client = limited("3/hour")
    name = f"Close {new_organization(engine).organization_id[-8:]}"
    keys = [new_organization(engine, organization_name=name).api_key for _ in range(4)]
    # 9 for the organization, 3 per key.
    assert _quota(_get(client, keys[0]))[:2] == (3, 2)
    for key in keys[1:3]:
        for _ in range(3):
            _get(client, key)
    # The organization has spent 7 of 9 (2 left), the fourth key none of its 3.
    assert _quota(_get(client, keys[3]))[:2] == (9, 1)


def test_no_limit_means_no_header(client: TestClient, engine: Engine) -> None:
    response = _get(client, new_organization(engine).api_key)
    assert response.status_code == 200
    assert "ratelimit" not in response.headers


def test_unauthenticated_requests_are_401_not_counted(limited: LimitedClient, engine: Engine) -> None:
    client = limited("1/hour")
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 401
    assert _get(client, new_organization(engine).api_key).status_code == 200
