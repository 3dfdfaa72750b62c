"""The console's way to the data: the API itself, called in process with the session's key.

Every page is made of API calls, through the same middleware, services and repository as any
client's: the API's validation messages, its events, its permissions and its tenancy (another
organization's id is the API's 404) hold in the console by construction, and the console cannot
drift from what a client sees. The calls go to the ASGI application directly, with no socket.
"""

from __future__ import annotations

from typing import Any

import httpx
from starlette.types import ASGIApp

from leadbase.api.middleware import ADMIN_PREFIX, API_PREFIX, EXTRA_PREFIX


class ApiError(Exception):
    """An API answer other than 2xx, with Close's error body."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"API answered {status}")
        self.status = status
        self.body = body if isinstance(body, dict) else {}

    @property
    def messages(self) -> list[str]:
        """Every message of the body, as the API wrote it (field errors as `field: message`)."""
        out: list[str] = []
        if isinstance(self.body.get("error"), str):
            out.append(self.body["error"])
        elif isinstance(self.body.get("error"), dict) and "message" in self.body["error"]:
            out.append(str(self.body["error"]["message"]))
        out.extend(str(e) for e in self.body.get("errors") or [])
        for name, message in _flatten(self.body.get("field-errors") or {}):
            out.append(f"{name}: {message}")
        return out or [f"The API answered {self.status}."]

    @property
    def field_errors(self) -> dict[str, str]:
        return dict(_flatten(self.body.get("field-errors") or {}))


def _flatten(errors: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(errors, dict):
        out: list[tuple[str, str]] = []
        for key, value in errors.items():
            out.extend(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(errors, list):
        return [(prefix, str(e)) for e in errors]
    return [(prefix, str(errors))]


class Api:
    """Calls /api/v1/ (and /api/leadbase/) of `app` as the holder of `key`."""

    def __init__(self, app: ASGIApp, key: str, base_url: str, *, admin: bool = False) -> None:
        """`admin`: `key` is the admin token (a Bearer credential for /api/leadbase/admin/)."""
        headers = {"user-agent": "leadbase-console"}
        if admin:
            headers["authorization"] = f"Bearer {key}"
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=base_url,
            auth=None if admin else (key, ""),
            headers=headers,
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def call(self, method: str, path: str, *, params: Any = None, json: Any = None) -> Any:
        """`path` is relative to /api/v1/ unless it starts with '/' (then it is absolute)."""
        url = path if path.startswith("/") else f"{API_PREFIX}/{path}"
        response = await self._client.request(method, url, params=params, json=json)
        body: Any = response.json() if response.content else {}
        if response.status_code >= 400:
            raise ApiError(response.status_code, body)
        return body

    async def get(self, path: str, **params: Any) -> Any:
        return await self.call("GET", path, params={k: v for k, v in params.items() if v not in (None, "")})

    async def post(self, path: str, json: Any) -> Any:
        return await self.call("POST", path, json=json)

    async def put(self, path: str, json: Any) -> Any:
        return await self.call("PUT", path, json=json)

    async def delete(self, path: str) -> Any:
        return await self.call("DELETE", path)

    async def all(self, path: str, **params: Any) -> list[Any]:
        """Every page of a list (settings-sized lists: types, fields, statuses, users)."""
        out: list[Any] = []
        skip = 0
        while True:
            page = await self.get(path, _skip=skip, _limit=100, **params)
            out.extend(page.get("data", []))
            if not page.get("has_more") or not page.get("data"):
                return out
            skip += len(page["data"])


DELIVERIES = EXTRA_PREFIX + "/webhook_delivery/"
OUTBOX = EXTRA_PREFIX + "/outbox/"
ORGANIZATIONS = ADMIN_PREFIX + "/organizations/"
