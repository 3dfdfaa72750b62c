"""Console fixtures: a browser-like client of the shared app with its own cookie jar."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from starlette.testclient import TestClient

from tests.support import Api

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A TestClient with its own cookies, that reads the CSRF token from the page it got last."""

    def __init__(self, client: TestClient, base_url: str = "http://testserver") -> None:
        self.http = TestClient(client.app, base_url=base_url, follow_redirects=False)
        self.csrf = ""

    def get(self, path: str) -> httpx.Response:
        response = self.http.get(path)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict[str, object], *, token: bool = True) -> httpx.Response:
        body = {**data, "csrf_token": self.csrf} if token else data
        return self.http.post(path, data=body)

    def sign_in(self, key: str) -> None:
        self.get("/console/sign-in/")
        response = self.post("/console/sign-in/", {"api_key": key, "next": "/console/leads/"})
        assert response.status_code == 303, response.text
        self.get("/console/leads/")


@pytest.fixture
def browser(client: TestClient) -> Browser:
    return Browser(client)


@pytest.fixture
def signed_in(client: TestClient, api: Api) -> Browser:
    browser = Browser(client)
    browser.sign_in(api.org.api_key)
    return browser


@pytest.fixture
def make_browser(client: TestClient) -> Callable[..., Browser]:
    return lambda **kwargs: Browser(client, **kwargs)
