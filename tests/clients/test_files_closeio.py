"""Close's file flow with the official client and requests: get a form, post to it, download."""

from __future__ import annotations

from typing import Any

import requests
from closeio_api import API, APIError

from tests.clients.live import bootstrap


def test_upload_a_file_the_way_close_documents(live_server: str, database_url: str) -> None:
    account: dict[str, Any] = bootstrap(database_url)
    close = API(base_url=live_server + "/api/v1/", api_key=account["api_key"])
    answer = close.post("files/upload", data={"filename": "contract.pdf", "content_type": "application/pdf"})
    upload = answer["upload"]
    assert upload["url"] == live_server + "/files/store/"
    content = b"%PDF-1.7 contract body"
    stored = requests.post(
        upload["url"], data=upload["fields"], files={"file": ("contract.pdf", content)}, timeout=10
    )
    assert stored.status_code == 201, stored.text
    downloaded = requests.get(answer["download"]["url"], timeout=10)
    assert downloaded.status_code == 200
    assert downloaded.content == content
    assert downloaded.headers["Content-Type"] == "application/pdf"
    # The client's own error path: a body Close would refuse.
    try:
        close.post("files/upload", data={"filename": "contract.pdf"})
    except APIError as error:
        assert error.response.status_code == 400
        assert "content_type" in error.response.json()["field-errors"]
    else:
        raise AssertionError("a form without content_type was accepted")
