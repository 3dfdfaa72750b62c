"""A small synchronous client of Close's REST API: paging, errors, and 429s honored."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

# A 429 without Retry-After (Close may leave it out on its stricter endpoints) waits this long.
DEFAULT_RETRY_SECONDS = 1.0
MAX_RETRIES = 20
PAGE = 100


class ApiError(Exception):
    """An answer other than success, with what the server said."""

    def __init__(self, method: str, path: str, status: int, body: str) -> None:
        super().__init__(f"{method} {path} answered {status}: {body[:500]}")
        self.status = status


def retry_after(response: httpx.Response) -> float:
    """Seconds to wait before retrying a 429: Retry-After, else the reset of the RateLimit headers."""
    combined = re.search(r"reset=([\d.]+)", response.headers.get("ratelimit", ""))
    candidates = (
        response.headers.get("retry-after"),
        response.headers.get("ratelimit-reset"),
        combined.group(1) if combined else None,
    )
    for value in candidates:
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            continue  # an HTTP date, or garbage: try the next header
    return DEFAULT_RETRY_SECONDS


class CloseApi:
    """Requests relative to an API root (`https://api.close.com/api/v1/`)."""

    def __init__(self, http: httpx.Client, sleep: Callable[[float], None] = time.sleep) -> None:
        self.http = http
        self.sleep = sleep
        self.waited = 0.0

    @classmethod
    def remote(cls, url: str, api_key: str, timeout: float = 60.0) -> CloseApi:
        base = url.rstrip("/")
        if not base.endswith("/api/v1"):
            base += "/api/v1"
        return cls(httpx.Client(base_url=base + "/", auth=(api_key, ""), timeout=timeout))

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        for _ in range(MAX_RETRIES):
            response = self.http.request(method, path, **kwargs)
            if response.status_code != 429:
                break
            wait = retry_after(response)
            self.waited += wait
            self.sleep(wait)
        if response.status_code >= 400:
            raise ApiError(method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("POST", path, json=body)

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("PUT", path, json=body)

    def pages(self, path: str, *, skip: int = 0, **params: Any) -> Iterator[dict[str, Any]]:
        """Every object of a list, by `_skip`/`_limit` until `has_more` is false."""
        while True:
            body = self.get(path, _skip=skip, _limit=PAGE, **params)
            data = body.get("data", [])
            yield from data
            skip += len(data)
            if not body.get("has_more") or not data:
                return

    def close(self) -> None:
        self.http.close()
