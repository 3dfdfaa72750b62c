"""Reads beside a request (db/aside.py): a list's total counted on a connection of its own."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, literal, select
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from leadbase.db.aside import AsideReads
from leadbase.db.engine import build_engine
from tests.support import Api, count_statements, new_organization


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = build_engine(f"sqlite:///{tmp_path / 'aside.db'}", pool_size=1)
    yield engine
    engine.dispose()


def _with_gate(engine: Engine, gate: threading.Event) -> None:
    """`held()` in SQL: a statement that runs until the test opens the gate."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("held", 0, lambda: int(gate.wait(30)))


def test_a_value_is_read_on_another_thread(sqlite_engine: Engine) -> None:
    aside = AsideReads(sqlite_engine, 1)
    try:
        future = aside.scalar(select(literal(41) + 1))
        assert future is not None
        assert future.result(timeout=30) == 42
    finally:
        aside.close()


def test_a_busy_aside_hands_the_read_back_to_the_caller(sqlite_engine: Engine) -> None:
    gate = threading.Event()
    _with_gate(sqlite_engine, gate)
    aside = AsideReads(sqlite_engine, 1)
    try:
        first = aside.scalar(select(func.held()))
        assert first is not None
        # Its one connection is busy: the caller reads for itself rather than wait.
        assert aside.scalar(select(literal(1))) is None
        gate.set()
        assert first.result(timeout=30) == 1
        # Free again once the first read is done.
        again = aside.scalar(select(literal(7)))
        assert again is not None and again.result(timeout=30) == 7
    finally:
        gate.set()
        aside.close()


def test_disposing_the_requests_engine_closes_the_aside(tmp_path: Path, sqlite_engine: Engine) -> None:
    requests_engine = build_engine(f"sqlite:///{tmp_path / 'aside.db'}", pool_size=1)
    aside = AsideReads(sqlite_engine, 1)
    aside.close_with(requests_engine)
    requests_engine.dispose()
    assert aside.scalar(select(literal(1))) is None


def test_count_connections_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().count_connections == 2
    monkeypatch.setenv("LEADBASE_COUNT_CONNECTIONS", "0")
    assert Settings().count_connections == 0
    monkeypatch.setenv("LEADBASE_COUNT_CONNECTIONS", "-1")
    with pytest.raises(ValueError, match="count_connections"):
        Settings()


def _statuses(api: Api) -> tuple[str, str]:
    data = api.ok("GET", "status/lead/")["data"]
    return data[0]["id"], data[1]["id"]


def _filtered_total(api: Api, status_id: str) -> Any:
    # With date_updated besides the status: a status alone is counted from the leads kept per
    # status and day on SQLite (db/day_counts.py), a few rows read inline.
    params = {"status_id": status_id, "date_updated__gte": "2000-01-01", "_limit": 1}
    return api.ok("GET", "lead/", params=params)


def test_a_filtered_lead_list_is_counted_on_an_aside_connection(api: Api) -> None:
    first, second = _statuses(api)
    for n in range(3):
        api.ok("POST", "lead/", json={"name": f"Lead {n}", "status_id": first})
    api.ok("POST", "lead/", json={"name": "Other", "status_id": second})
    aside: AsideReads = api.client.app.state.aside  # type: ignore[attr-defined]
    with count_statements(api.engine) as own, count_statements(aside.engine) as beside:
        page = _filtered_total(api, first)
    assert (len(page["data"]), page["has_more"], page["total_results"]) == (1, True, 3)
    assert [s for s in beside.statements if "count(" in s.lower()]
    assert not [s for s in own.statements if "count(" in s.lower()]


def test_without_count_connections_the_request_counts_for_itself(database_url: str, engine: Engine) -> None:
    app = create_app(Settings(database_url=database_url, rate_limit="off", count_connections=0))
    assert app.state.aside is None
    try:
        with TestClient(app) as client:
            api = Api(client, new_organization(engine))
            first, _ = _statuses(api)
            for n in range(2):
                api.ok("POST", "lead/", json={"name": f"Lead {n}", "status_id": first})
            with count_statements(app.state.engine) as own:
                page = _filtered_total(api, first)
            assert (page["has_more"], page["total_results"]) == (True, 2)
            assert [s for s in own.statements if "count(" in s.lower()]
    finally:
        app.state.engine.dispose()


def test_a_search_is_counted_its_own_way_on_an_aside_connection(api: Api) -> None:
    # A search's own count (a word's leads, a name's word start, from the text index) may take as
    # long as the page at a million leads (`name:Ac`: 33 ms): it runs beside the page.
    for name in ("Okafor Labs", "Acme", "Okafor Trading", "Northwind"):
        api.ok("POST", "lead/", json={"name": name, "contacts": [{"name": "Ann Lee"}]})
    aside: AsideReads = api.client.app.state.aside  # type: ignore[attr-defined]
    # The statement of each search's own count: the name's word start, the word's documents.
    own_count = {"name:ok": "lead.name LIKE", "okafor": "lead_text_fts MATCH"}
    for query, marker in own_count.items():
        with count_statements(api.engine) as own, count_statements(aside.engine) as beside:
            page = api.ok("GET", "lead/", params={"query": query, "_limit": 1})
        assert (len(page["data"]), page["has_more"], page["total_results"]) == (1, True, 2), query
        if api.engine.dialect.name != "sqlite":
            # PostgreSQL counts both aside: the word from lead_word, the name start by its rows.
            assert [s for s in beside.statements if "count(" in s.lower()], query
            assert not [s for s in own.statements if "count(" in s.lower()], query
            continue
        counts = [s for s in own.statements + beside.statements if "count(" in s.lower() and marker in s]
        # Counted once: what the page's own plan counted already (how common a word is), the
        # aside reads from the memo it was given.
        assert len(counts) == 1, (query, counts)
        if query == "name:ok":
            assert counts[0] in beside.statements, own.statements
