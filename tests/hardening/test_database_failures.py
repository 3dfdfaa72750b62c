"""Issue 8, findings 3 and 8: a statement has a time budget on both databases, a running one can be
stopped from another thread, and each database failure gets the answer a client can act on:
503 only when a retry can succeed, 400 when the same request fails the same way again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from fastapi import APIRouter
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.testclient import TestClient

from leadbase.api.errors import database_error_response
from leadbase.api.unit import run
from leadbase.app import create_app
from leadbase.config import Settings
from leadbase.db.engine import Cancellation, build_engine
from leadbase.db.failures import Failure, classify
from tests.support import Api, basic_auth, new_organization

# Both never finish on their own: only the time budget or a cancel can end them.
ENDLESS = {
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(3600)",
}


@pytest.fixture
def bounded_engine(database_url: str, engine: Engine) -> Iterator[Engine]:
    bounded = build_engine(database_url, pool_size=2, statement_timeout=0.5, lock_timeout=0.1)
    yield bounded
    bounded.dispose()


def failure_of(engine: Engine, sql: str, *params: Any) -> DBAPIError:
    with engine.connect() as conn, pytest.raises(DBAPIError) as caught:
        conn.execute(text(sql), *params)
    return caught.value


def test_a_statement_past_its_budget_is_stopped_as_a_timeout(bounded_engine: Engine) -> None:
    error = failure_of(bounded_engine, ENDLESS[bounded_engine.dialect.name])
    assert classify(error) is Failure.TIMEOUT
    response = database_error_response(error, timeout_seconds=0.5, where="test")
    assert response.status_code == 400 and b"0.5 seconds" in response.body


def test_the_connection_is_usable_after_a_timeout(bounded_engine: Engine) -> None:
    failure_of(bounded_engine, ENDLESS[bounded_engine.dialect.name])
    with bounded_engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1


def test_a_cancel_stops_the_running_statement(engine: Engine) -> None:
    cancellation = Cancellation()
    outcome: list[BaseException] = []
    started = threading.Event()

    def run() -> None:
        with engine.connect() as conn, cancellation.watching(conn):
            started.set()
            try:
                conn.execute(text(ENDLESS[engine.dialect.name]))
            except DBAPIError as exc:
                outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    started.wait()
    while worker.is_alive() and not outcome:
        cancellation.cancel()  # until the statement has begun and is stopped
        worker.join(0.05)
    worker.join()
    assert len(outcome) == 1 and classify(outcome[0]) is Failure.TIMEOUT  # type: ignore[arg-type]


def test_a_cancel_after_the_request_released_its_connection_touches_nothing(engine: Engine) -> None:
    cancellation = Cancellation()
    with engine.connect() as conn, cancellation.watching(conn):
        conn.execute(text("SELECT 1"))
    cancellation.cancel()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 2")).scalar_one() == 2


def test_deterministic_database_limits_are_400_not_503(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        sql = "SELECT " + " + ".join(["1"] * 5000)  # expression tree deeper than SQLite allows
    else:
        sql = "SELECT concat(" + ", ".join(["1"] * 200) + ")"  # more than 100 function arguments
    error = failure_of(engine, sql)
    assert classify(error) is Failure.TOO_COMPLEX
    assert database_error_response(error, timeout_seconds=30, where="test").status_code == 400


def test_values_out_of_a_columns_range_are_400(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        # No bounded column types: the value comes back whole, nothing to refuse.
        with engine.connect() as conn:
            assert conn.execute(text("SELECT CAST(:n AS integer)"), {"n": 2**40}).scalar_one() == 2**40
        return
    error = failure_of(engine, "SELECT CAST(:n AS integer)", {"n": 2**40})
    assert classify(error) is Failure.BAD_VALUE
    assert database_error_response(error, timeout_seconds=30, where="test").status_code == 400


def test_a_lock_wait_past_its_budget_is_503_with_retry_after(bounded_engine: Engine) -> None:
    holder = bounded_engine.connect()
    holder.execution_options(writes=True)
    holder.begin()
    try:
        holder.execute(text("UPDATE alembic_version SET version_num = version_num"))
        with bounded_engine.connect() as waiter, pytest.raises(DBAPIError) as caught:
            if bounded_engine.dialect.name == "sqlite":
                waiter.exec_driver_sql("PRAGMA busy_timeout=50")
                waiter.commit()
            waiter.execution_options(writes=True)
            with waiter.begin():
                waiter.execute(text("UPDATE alembic_version SET version_num = version_num"))
    finally:
        holder.rollback()
        holder.close()
    assert classify(caught.value) is Failure.BUSY
    response = database_error_response(caught.value, timeout_seconds=30, where="test")
    assert response.status_code == 503 and response.headers["retry-after"] == "1"


def test_too_many_ids_in_a_filter_is_never_503(api: Api) -> None:
    ids = ",".join(f"lead_{i:043d}" for i in range(70_000))
    response = api.post("lead/", json={"_params": {"id__in": ids}}, headers={"x-http-method-override": "GET"})
    assert response.status_code in (200, 400), response.text


def test_a_500_says_connection_close(database_url: str, engine: Engine) -> None:
    app = create_app(Settings(database_url=database_url))
    boom = APIRouter()

    @boom.get("/api/v1/boom/")
    def _boom() -> None:
        raise RuntimeError("a bug")

    app.include_router(boom)
    api = Api(TestClient(app, raise_server_exceptions=False), new_organization(engine))
    response = api.get("boom/")
    assert response.status_code == 500
    assert response.headers["connection"] == "close"
    assert response.json() == {"error": "Internal server error: the request was rolled back."}


def test_a_client_that_leaves_gets_its_running_statement_cancelled(
    database_url: str, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    org = new_organization(engine)
    # No statement timeout: only the cancel can end the endless statement.
    app = create_app(Settings(database_url=database_url, statement_timeout_seconds=0))
    endless = APIRouter()
    outcome: list[str] = []

    @endless.get("/api/v1/endless/")
    def _endless(request: Request) -> None:
        try:
            run(request, lambda ctx: ctx.conn.execute(text(ENDLESS[ctx.conn.dialect.name])), writes=False)
        except DBAPIError as exc:
            outcome.append(str(classify(exc)))
            raise

    app.include_router(endless)
    statement_started = threading.Event()

    def note_start(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement in ENDLESS.values():
            statement_started.set()

    event.listen(app.state.engine, "before_cursor_execute", note_start)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/v1/endless/",
        "raw_path": b"/api/v1/endless/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"authorization", basic_auth(org.api_key).encode())],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    first = True

    async def receive() -> dict[str, Any]:
        nonlocal first
        if first:
            first = False
            return {"type": "http.request", "body": b"", "more_body": False}
        while not statement_started.is_set():  # leave once the endless statement runs
            await anyio.sleep(0.01)
        await anyio.sleep(0.05)
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def main() -> None:
        with anyio.fail_after(60):  # a safety net only: without the cancel this never returns
            await app(scope, receive, send)

    anyio.run(main)
    app.state.engine.dispose()
    assert outcome == [str(Failure.TIMEOUT)], sent
    # The log tells a client that left from a statement that ran out of time.
    assert any("went away" in r.getMessage() for r in caplog.records)
    assert not any("statement stopped after" in r.getMessage() for r in caplog.records)
