"""The race suite: barrier-synchronized threads against a live `leadbase serve` process.

Every test starts its threads together on a barrier and then asserts on what is left: the
final state, the answers (a clear 4xx for whoever lost, never a 5xx) and the event chain.
Counts are small and every wait is bounded; nothing asserts on how long anything took.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import Engine

from tests.clients.live import running_server
from tests.support import new_organization

T = TypeVar("T")

# Generous bounds that only a hang reaches: a lock wait, a deadlock, a server that stopped.
BARRIER_SECONDS = 60.0
JOIN_SECONDS = 180.0


@pytest.fixture(scope="session")
def race_server(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a live server (its threadpool runs the requests of each race concurrently)."""
    with running_server(database_url, tmp_path_factory.mktemp("races")) as server:
        yield server.url


class RaceApi:
    """One organization's key on the live server; safe to share between threads."""

    def __init__(self, base_url: str, key: str, organization_id: str) -> None:
        self.organization_id = organization_id
        self.http = httpx.Client(
            base_url=base_url + "/api/v1/",
            auth=(key, ""),
            timeout=JOIN_SECONDS,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )

    def request(self, method: str, path: str, json: Any = None) -> httpx.Response:
        return self.http.request(method, path, json=json)

    def ok(self, method: str, path: str, json: Any = None, expected: int = 200) -> Any:
        response = self.request(method, path, json)
        assert response.status_code == expected, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def events(self, object_id: str) -> list[dict[str, Any]]:
        """Every event about one object, oldest first."""
        events: list[dict[str, Any]] = []
        params: dict[str, str] = {"object_id": object_id}
        for _ in range(1000):
            page = self.http.get("event/", params=params)
            assert page.status_code == 200, page.text
            body = page.json()
            events.extend(body["data"])
            if not body["cursor_next"]:
                return list(reversed(events))
            params = {"object_id": object_id, "_cursor": body["cursor_next"]}
        raise AssertionError("the event log never ended")


@pytest.fixture
def race_api(race_server: str, engine: Engine) -> Iterator[RaceApi]:
    """An admin of a fresh organization, talking to the live server."""
    org = new_organization(engine, organization_name=f"Race {uuid.uuid4().hex[:8]}")
    api = RaceApi(race_server, org.api_key, org.organization_id)
    try:
        yield api
    finally:
        api.http.close()


def race(actions: Sequence[Callable[[], T]]) -> list[T]:
    """Run each action on its own thread, all released together; their results in order."""
    barrier = threading.Barrier(len(actions), timeout=BARRIER_SECONDS)
    results: dict[int, T] = {}
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = actions[index]()
        except BaseException as exc:  # handed to the test below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)
    assert not any(t.is_alive() for t in threads), "a racing request never finished"
    if failures:
        raise failures[0]
    return [results[i] for i in range(len(actions))]


def no_server_errors(responses: list[httpx.Response]) -> None:
    errors = [
        (r.request.method, r.request.url.path, r.status_code, r.text)
        for r in responses
        if r.status_code >= 500
    ]
    assert errors == []
