"""Close-strict mode refuses what Close refuses; the default mode allows it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadbase import config
from leadbase.app import create_app
from leadbase.config import Settings
from tests.support import Api, Clock, new_organization


@pytest.fixture
def strict(database_url: str, engine: Engine) -> Iterator[Callable[..., Api]]:
    apps = []

    def make(**overrides: object) -> Api:
        app = create_app(Settings(database_url=database_url, close_strict=True, **overrides))  # type: ignore[arg-type]
        apps.append(app)
        return Api(TestClient(app), new_organization(engine))

    yield make
    for app in apps:
        app.state.engine.dispose()


def test_strict_implies_the_search_limits_and_a_rate_limit() -> None:
    settings = Settings(close_strict=True)
    assert settings.search_close_limits
    assert settings.rate_limit == config.CLOSE_RATE_LIMIT == "20/second"
    assert settings.max_skip == 250_000
    # An explicit rate wins, even "off"; without strict nothing is limited.
    assert Settings(close_strict=True, rate_limit="off").rate_limit == "off"
    plain = Settings()
    assert (plain.rate_limit, plain.search_close_limits, plain.max_skip) == ("off", False, 10**12)


def test_strict_rate_limits_requests(
    strict: Callable[..., Api], api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Close's 20 a second made 3 an hour, so that the test cannot cross a window's edge.
    monkeypatch.setattr(config, "CLOSE_RATE_LIMIT", "3/hour")
    limited = strict()
    answers = [limited.get("me/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = limited.get("me/")
    assert int(refused.headers["retry-after"]) >= 1
    assert "error" in refused.json()
    assert all(api.get("me/").status_code == 200 for _ in range(10))


def test_strict_refuses_a_skip_past_closes_maximum(strict: Callable[..., Api], api: Api) -> None:
    refused = strict().get("lead/", params={"_skip": 250_001})
    assert refused.status_code == 400
    assert "max_skip = 250000" in refused.json()["field-errors"]["_skip"]
    assert strict().get("lead/", params={"_skip": 250_000}).status_code == 200
    assert api.get("lead/", params={"_skip": 250_001}).status_code == 200
    # The task list parses its window apart from the generic layer.
    assert strict().get("task/", params={"_skip": 250_001}).status_code == 400


def test_strict_refuses_pages_over_closes_maximum_as_default_mode_does(
    strict: Callable[..., Api], api: Api
) -> None:
    # Page size maxima are Close's in both modes: 200 on lead lists, 50 on the event log.
    for client in (strict(), api):
        assert client.get("lead/", params={"_limit": 201}).status_code == 400
        assert client.get("lead/", params={"_limit": 200}).status_code == 200
        assert client.get("event/", params={"_limit": 51}).status_code == 400


def test_strict_caps_search_and_expires_its_cursors(
    strict: Callable[..., Api], api: Api, clock: Clock
) -> None:
    limited = strict()
    query = {"type": "object_type", "object_type": "lead"}
    for client in (limited, api):
        for name in ("Acme", "Globex"):
            client.ok("POST", "lead/", json={"name": name})
    clock.set(datetime(2026, 1, 1, tzinfo=UTC))
    cursors = [
        c.ok("POST", "data/search/", json={"query": query, "_limit": 1})["cursor"] for c in (limited, api)
    ]
    clock.set(datetime(2026, 1, 1, 0, 0, 31, tzinfo=UTC))
    expired = limited.post("data/search/", json={"query": query, "_limit": 1, "cursor": cursors[0]})
    assert expired.status_code == 400
    assert "expired" in expired.json()["field-errors"]["cursor"]
    assert (
        api.post("data/search/", json={"query": query, "_limit": 1, "cursor": cursors[1]}).status_code == 200
    )
