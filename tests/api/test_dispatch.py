"""Flat dispatch: the route index finds every served operation and tries only its segment's routes."""

from __future__ import annotations

import threading

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.testclient import TestClient

from leadbase.api.dispatch import Dispatcher, SegmentIndex
from leadbase.api.middleware import API_PREFIX
from tests.support import Api


def _index(client: TestClient) -> SegmentIndex:
    dispatcher = client.app.router.middleware_stack  # type: ignore[attr-defined]
    assert isinstance(dispatcher, Dispatcher)
    return dispatcher.index


def test_every_served_operation_is_in_the_index(api: Api) -> None:
    index = _index(api.client)
    operations = api.client.get("/api/v1/openapi.json").json()["paths"]
    for template, methods in operations.items():
        path = API_PREFIX + template.replace("{", "").replace("}", "")
        for method in methods:
            handler, _, _ = index.find(path, method.upper())
            assert handler is not None, (method, template)


def test_a_request_tries_only_the_routes_of_its_first_segment(api: Api) -> None:
    index = _index(api.client)
    total = sum(len(entries) for entries in index._by_segment.values())
    assert total > 50
    assert len(index.candidates("/api/v1/lead/lead_x/")) <= 3
    # status/lead and status/opportunity share the segment `status`: two routes each.
    assert len(index.candidates("/api/v1/status/lead/stat_x/")) <= 4
    assert index.candidates("/api/v1/no_such_segment/") == []


def test_wrong_method_is_405_with_allow_and_a_json_body(api: Api) -> None:
    response = api.request("PATCH", "lead/")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert "error" in response.json()


def test_path_parameters_reach_plain_and_injected_endpoints(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    assert api.ok("GET", f"lead/{lead['id']}/")["id"] == lead["id"]
    key = api.ok("GET", "api_key/")["data"][0]
    assert api.get(f"api_key/{key['id']}/").status_code in (200, 404)


def test_index_order_and_fallback_on_a_small_app() -> None:
    app = FastAPI()

    @app.get("/api/v1/thing/fixed/")
    def fixed(request: Request) -> Response:
        return PlainTextResponse("fixed")

    @app.get("/api/v1/thing/{thing_id}/")
    async def by_id(request: Request) -> Response:
        return PlainTextResponse(request.path_params["thing_id"])

    @app.get("/api/v1/typed/{n}/")
    def typed(n: int) -> Response:
        return PlainTextResponse(str(n * 2))

    @app.get("/elsewhere/")
    def elsewhere() -> Response:
        return PlainTextResponse("fastapi")

    app.router.middleware_stack = Dispatcher(
        SegmentIndex(API_PREFIX, app.router.routes), app.router.middleware_stack
    )
    with TestClient(app) as client:
        assert client.get("/api/v1/thing/fixed/").text == "fixed"
        assert client.get("/api/v1/thing/abc/").text == "abc"
        assert client.get("/api/v1/typed/21/").text == "42"
        assert client.get("/elsewhere/").text == "fastapi"
        assert client.get("/api/v1/nothing/").status_code == 404
        assert client.post("/api/v1/thing/abc/").status_code == 405


def test_reads_of_one_object_run_on_the_event_loop_lists_and_writes_in_the_pool() -> None:
    app = FastAPI()
    threads: dict[str, int] = {}

    @app.get("/api/v1/where/{id}/")
    def read(request: Request) -> Response:
        threads["GET"] = threading.get_ident()
        return PlainTextResponse("read")

    @app.get("/api/v1/where/")
    def read_many(request: Request) -> Response:
        threads["list"] = threading.get_ident()
        return PlainTextResponse("list")

    @app.post("/api/v1/where/")
    def write(request: Request) -> Response:
        threads["POST"] = threading.get_ident()
        return PlainTextResponse("write")

    @app.get("/api/v1/loop/")
    async def loop(request: Request) -> Response:
        threads["loop"] = threading.get_ident()
        return PlainTextResponse("loop")

    app.router.middleware_stack = Dispatcher(
        SegmentIndex(API_PREFIX, app.router.routes, inline_reads=True), app.router.middleware_stack
    )
    with TestClient(app) as client:
        for method, path in (
            ("GET", "/api/v1/where/w1/"),
            ("GET", "/api/v1/where/"),
            ("POST", "/api/v1/where/"),
            ("GET", "/api/v1/loop/"),
        ):
            assert client.request(method, path).status_code == 200
    assert threads["GET"] == threads["loop"]
    assert threads["list"] != threads["loop"]
    assert threads["POST"] != threads["loop"]
