from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import Engine

from leadbase.db.context import Actor
from leadbase.jobs.worker import Worker
from leadbase.resources.bulk import load
from tests.support import Api


@pytest.fixture
def worker(engine: Engine) -> Iterator[Worker]:
    made = Worker(engine)
    yield made
    made.sender.close()


def load_leads(api: Api, count: int, make: Callable[[int], dict[str, Any]] | None = None) -> None:
    """`count` leads through the bulk loader (each with a contact), as the API would write them."""
    org = api.org
    actor = Actor(org.organization_id, org.user_id, None, "admin")
    default = lambda n: {  # noqa: E731
        "name": f"Acme {n:05d}",
        "url": f"https://acme-{n}.example.com",
        "contacts": [{"name": f"Ann {n}", "title": "CEO", "emails": [{"email": f"ann{n}@acme.test"}]}],
    }
    load(api.engine, actor, "lead", ((make or default)(n) for n in range(count)), batch_size=500)


def export_done(api: Api, worker: Worker, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """Ask for an export, let the worker write it, and answer the finished export."""
    made: dict[str, Any] = api.ok("POST", path, json=body)
    assert made["status"] == "created" and made["download_url"] is None
    worker.run_until_idle()
    done: dict[str, Any] = api.ok("GET", f"export/{made['id']}/")
    assert done["status"] == "done", done
    return done


def download(api: Api, url: str) -> httpx.Response:
    """GET a download_url (no API key: the link's signature is the credential)."""
    parts = urlsplit(url)
    return api.client.get(f"{parts.path}?{parts.query}")


def file_bytes(api: Api, url: str) -> bytes:
    """The export file, decompressed by hand (Close sends it with Content-Encoding: gzip)."""
    parts = urlsplit(url)
    with api.client.stream("GET", f"{parts.path}?{parts.query}") as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-encoding"] == "gzip"
        raw = b"".join(response.iter_raw())
    return gzip.decompress(raw)
