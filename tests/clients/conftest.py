"""Live servers for the client tests: real `leadbase serve` processes on the session database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.clients.live import running_server


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) of a server without rate limits."""
    with running_server(database_url, tmp_path_factory.mktemp("live")) as server:
        yield server.url


@pytest.fixture(scope="session")
def rate_limited_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a server that allows 3 requests per second per API key."""
    with running_server(
        database_url, tmp_path_factory.mktemp("live-limited"), "--rate-limit", "3/second"
    ) as server:
        yield server.url
