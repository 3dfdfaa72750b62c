"""Deterministic ids: the same seed and the same requests give the same ids."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from leadbase.core import ids
from tests.support import Api, new_organization


@pytest.fixture(autouse=True)
def random_again() -> Iterator[None]:
    yield
    ids.seed(None)


def test_a_seed_restarts_the_same_sequence_in_close_formats() -> None:
    ids.seed("run-1")
    first = [ids.new_id("lead"), ids.new_id("cotype", ids.SHORT)]
    ids.seed("run-1")
    assert [ids.new_id("lead"), ids.new_id("cotype", ids.SHORT)] == first
    assert re.fullmatch(r"lead_[A-Za-z0-9]{43}", first[0])
    assert re.fullmatch(r"cotype_[A-Za-z0-9]{22}", first[1])
    ids.seed("run-2")
    assert ids.new_id("lead") != first[0]
    ids.seed(None)
    assert not ids.seeded()


def test_threads_sharing_a_seed_never_draw_the_same_id() -> None:
    ids.seed("threads")
    drawn: list[str] = []

    def draw() -> None:
        drawn.extend(ids.new_id("lead") for _ in range(500))

    workers = [threading.Thread(target=draw) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(set(drawn)) == 2000


def _session(database_url: str, engine: Engine) -> list[str]:
    """A short scripted session against a fresh app seeded alike; the ids it was given."""
    app = create_app(Settings(database_url=database_url, rate_limit="off", id_seed="fixture-seed"))
    # The organization is made outside the app: its ids come from the same seeded stream.
    org = new_organization(engine, email="ann@acme.test")
    try:
        with TestClient(app) as client:
            api = Api(client, org)
            lead: dict[str, Any] = api.ok(
                "POST", "lead/", json={"name": "Acme", "contacts": [{"name": "Ann", "emails": []}]}
            )
            note = api.ok("POST", "activity/note/", json={"lead_id": lead["id"], "note": "hello"})
            return [org.organization_id, lead["id"], lead["contacts"][0]["id"], note["id"]]
    finally:
        app.state.engine.dispose()


def test_two_apps_with_the_same_seed_give_the_same_ids(database_url: str) -> None:
    # Each run gets a database of its own: in the suite's shared one, an earlier test may already
    # have made ann@acme.test, and a user found instead of made draws one id fewer.
    first = _fresh_session(database_url, 1)
    second = _fresh_session(database_url, 2)
    assert second == first
    assert first[1].startswith("lead_") and first[3].startswith("acti_")


def _fresh_session(database_url: str, n: int) -> list[str]:
    from leadbase.db.engine import build_engine
    from leadbase.db.migrate import upgrade
    from tests.support import scratch_database

    with scratch_database(_other_url(database_url, n)) as url:
        engine = build_engine(url, pool_size=2)
        try:
            upgrade(engine)
            return _session(url, engine)
        finally:
            engine.dispose()


def _other_url(url: str, n: int) -> str:
    """Another SQLite file beside the session's; on PostgreSQL scratch_database makes a new one."""
    return url.replace(".db", f"-seeded-{n}.db") if url.startswith("sqlite") else url
