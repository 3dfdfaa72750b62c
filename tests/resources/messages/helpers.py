"""What the message tests share: a lead with a contact, an uploaded file's download URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.support import Api

Obj = dict[str, Any]


def uploaded(
    api: Api, filename: str = "deck.pdf", content_type: str = "application/pdf", data: bytes = b"%PDF-1"
) -> str:
    """The download URL of a file uploaded through POST /files/upload/ (bytes arrived)."""
    form: Obj = api.ok("POST", "files/upload/", json={"filename": filename, "content_type": content_type})
    path = urlsplit(form["upload"]["url"]).path
    response = api.client.post(
        path, data=form["upload"]["fields"], files={"file": ("x.bin", data, "application/octet-stream")}
    )
    assert response.status_code == 201, response.text
    url: str = form["download"]["url"]
    return url


def announced(api: Api, filename: str = "later.pdf") -> str:
    """The download URL of an upload form whose bytes never arrived."""
    form: Obj = api.ok(
        "POST", "files/upload/", json={"filename": filename, "content_type": "application/pdf"}
    )
    url: str = form["download"]["url"]
    return url
