"""Issue 8, finding 6: bounded work per request: caps on arrays and objects in a body, and a
half-sent body gets 408 with `Connection: close` instead of holding its connection forever."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from sqlalchemy import Engine

from leadbase.api.middleware import MAX_ARRAY_ITEMS, MAX_OBJECT_KEYS
from leadbase.app import create_app
from leadbase.config import Settings
from tests.support import Api, all_events, basic_auth, error_of, new_organization

OVERRIDE = {"x-http-method-override": "GET"}


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "contacts": [{"name": f"c{i}"} for i in range(MAX_ARRAY_ITEMS + 1)]},
        {"name": "x", "contacts": [{"name": "c", "emails": [{"email": "a@b.co"}] * (MAX_ARRAY_ITEMS + 1)}]},
        {"name": "x", "addresses": [{"city": "Austin"}] * (MAX_ARRAY_ITEMS + 1)},
        {"name": "x", **{f"custom.cf_{i}": "v" for i in range(MAX_OBJECT_KEYS + 1)}},
    ],
    ids=["contacts", "emails", "addresses", "keys"],
)
def test_arrays_and_objects_over_their_caps_are_400_and_write_nothing(api: Api, body: dict[str, Any]) -> None:
    message = error_of(api.post("lead/", json=body), 400)["error"]
    assert str(MAX_ARRAY_ITEMS) in message or str(MAX_OBJECT_KEYS) in message
    assert api.ok("GET", "lead/")["data"] == [] and all_events(api) == []


def test_a_body_at_the_caps_is_not_refused_for_its_size(api: Api) -> None:
    emails = [{"email": f"a{i}@b.co", "type": "office"} for i in range(50)]
    body = {"name": "x", "contacts": [{"name": "c", "emails": emails}] * 10}
    lead = api.ok("POST", "lead/", json=body)
    assert len(lead["contacts"]) == 10


def test_params_lists_over_the_cap_are_400(api: Api) -> None:
    ids = [f"lead_{i}" for i in range(MAX_ARRAY_ITEMS + 1)]
    response = api.post("lead/", json={"_params": {"id__in": ids}}, headers=OVERRIDE)
    assert str(MAX_ARRAY_ITEMS) in error_of(response, 400)["error"]


def test_a_half_sent_body_is_408_and_the_connection_closes(database_url: str, engine: Engine) -> None:
    org = new_organization(engine)
    app = create_app(Settings(database_url=database_url, body_read_timeout_seconds=0.2))
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/lead/",
        "raw_path": b"/api/v1/lead/",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"authorization", basic_auth(org.api_key).encode()),
            (b"content-type", b"application/json"),
            (b"content-length", b"100"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    chunks = iter([{"type": "http.request", "body": b'{"name": "ha', "more_body": True}])

    async def receive() -> dict[str, Any]:
        chunk = next(chunks, None)
        if chunk is None:
            await anyio.sleep_forever()  # the client never sends the rest
        assert chunk is not None
        return chunk

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    anyio.run(app, scope, receive, send)  # type: ignore[arg-type]
    app.state.engine.dispose()
    start = sent[0]
    assert start["status"] == 408
    assert (b"connection", b"close") in start["headers"]
    assert b"did not arrive within 0.2 seconds" in sent[1]["body"]
