"""Fuzz every operation of the served OpenAPI description: no input may cause a 5xx.

Schemathesis generates requests from /api/v1/openapi.json as the app serves it, so the fuzz
grows with the description: where an operation documents its body and parameters, requests
are shaped by them (and by their boundaries); where a body is only `{"type": "object"}`, any
object is sent. Bounded for CI: a few examples per operation, no deadline, no timing.

While it runs, every statement that writes is checked to run in a transaction that began as
a writer: on SQLite that is what serializes writers (BEGIN IMMEDIATE), so a write route
that forgot it would race.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, event
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from tests.support import Api, new_organization

EXAMPLES_PER_OPERATION = 10
SERVED_AT = "/api/v1/openapi.json"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def served_description() -> dict[str, Any]:
    """The description exactly as a client downloads it (building it reads no database)."""
    app = create_app(Settings(database_url="sqlite://", rate_limit="off"))
    with TestClient(app) as client:
        response = client.get(SERVED_AT)
    app.state.engine.dispose()
    assert response.status_code == 200, response.text
    description: dict[str, Any] = response.json()
    return description


# Collected at import: pytest makes one test per served operation.
schema = schemathesis.openapi.from_dict(served_description())


class WriteWatch:
    """Statements that wrote on a connection that did not begin as a writer."""

    def __init__(self) -> None:
        self.unguarded: list[str] = []

    def __call__(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if WRITE.match(statement) and not conn.get_execution_options().get("writes", False):
            self.unguarded.append(statement[:80])


@pytest.fixture(scope="module")
def write_watch(client: TestClient) -> Iterator[WriteWatch]:
    watch = WriteWatch()
    engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", watch)
    try:
        yield watch
    finally:
        event.remove(engine, "before_cursor_execute", watch)


@pytest.fixture(scope="module")
def fuzz_api(client: TestClient, engine: Engine) -> Api:
    """An admin of one organization that the whole fuzz run writes into."""
    return Api(client, new_organization(engine))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_causes_a_server_error(case: Any, fuzz_api: Api, write_watch: WriteWatch) -> None:
    request = case.as_transport_kwargs(base_url="http://testserver/api/v1", headers=fuzz_api.headers)
    request.pop("cookies", None)
    if isinstance(request.get("data"), (bytes, str)):
        request["content"] = request.pop("data")  # raw bodies, as httpx wants them
    response = fuzz_api.client.request(**request)
    assert response.status_code < 500, (case.method, case.formatted_path, response.status_code, response.text)
    assert write_watch.unguarded == [], "a write outside a writer's transaction"
