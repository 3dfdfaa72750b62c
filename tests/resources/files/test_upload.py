"""POST /files/upload/, the upload target it points at, and the download URL."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from leadbase.core import clock as leadbase_clock
from leadbase.db.models import file_upload
from tests.support import Api, Clock, validation_errors

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def form_for(api: Api, filename: str = "logo.png", content_type: str = "image/png") -> dict[str, Any]:
    answer: dict[str, Any] = api.ok(
        "POST", "files/upload/", json={"filename": filename, "content_type": content_type}
    )
    return answer


def post_form(
    client: TestClient, form: dict[str, Any], data: bytes = PNG, **overrides: str | None
) -> httpx.Response:
    """Post the file the way a client posts to S3: every field of the form, then `file`."""
    fields = {**form["upload"]["fields"], **overrides}
    fields = {k: v for k, v in fields.items() if v is not None}
    path = urlsplit(form["upload"]["url"]).path
    return client.post(path, data=fields, files={"file": ("upload.bin", data, "application/octet-stream")})


def download(client: TestClient, form: dict[str, Any], method: str = "GET") -> httpx.Response:
    return client.request(method, urlsplit(form["download"]["url"]).path)


def test_the_answer_is_a_signed_form_and_a_download_url(api: Api) -> None:
    form = form_for(api, filename="Q3 report.pdf", content_type="application/pdf")
    assert set(form) == {"upload", "download"}
    upload = form["upload"]
    assert upload["url"] == "http://testserver/files/store/"
    fields = upload["fields"]
    assert set(fields) == {"key", "Content-Type", "success_action_status", "policy", "signature"}
    assert fields["Content-Type"] == "application/pdf"
    assert fields["success_action_status"] == "201"
    organization_id, token, name = fields["key"].split("/", 2)
    assert organization_id == api.org.organization_id
    assert name == "Q3 report.pdf"
    assert form["download"]["url"] == (
        f"http://testserver/go/file/temporary/{api.org.user_id}/{token}/Q3%20report.pdf/"
    )
    # The secret is handed out once and never stored: the row keeps its hash.
    with api.engine.connect() as conn:
        row = conn.execute(select(file_upload).where(file_upload.c.token == token)).mappings().one()
    assert row["secret_hash"] == hashlib.sha256(fields["signature"].encode()).hexdigest()
    assert fields["signature"] not in str(dict(row))
    # Another form for the same file is another token and another secret.
    again = form_for(api, filename="Q3 report.pdf", content_type="application/pdf")
    assert again["upload"]["fields"]["key"] != fields["key"]
    assert again["upload"]["fields"]["signature"] != fields["signature"]


def test_upload_then_download(api: Api) -> None:
    form = form_for(api)
    assert download(api.client, form).status_code == 404  # nothing uploaded yet
    stored = post_form(api.client, form)
    assert stored.status_code == 201
    assert stored.headers["content-type"] == "application/xml"
    etag = hashlib.md5(PNG, usedforsecurity=False).hexdigest()
    assert f"<Key>{form['upload']['fields']['key']}</Key>" in stored.text
    assert f"<ETag>&quot;{etag}&quot;</ETag>" in stored.text
    got = download(api.client, form)
    assert got.status_code == 200
    assert got.content == PNG
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"] == "attachment; filename*=UTF-8''logo.png"
    head = download(api.client, form, "HEAD")
    assert head.status_code == 200
    assert head.content == b""


def test_success_action_status_picks_the_answer(api: Api) -> None:
    form = form_for(api)
    assert post_form(api.client, form, success_action_status=None).status_code == 204
    assert post_form(api.client, form, success_action_status="200").status_code == 200
    # A form may be used again in its window: the newer bytes win.
    assert post_form(api.client, form, data=b"second").status_code == 201
    assert download(api.client, form).content == b"second"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"filename": "This field is required.", "content_type": "This field is required."}),
        ({"filename": "a.png"}, {"content_type": "This field is required."}),
        ({"filename": "", "content_type": "image/png"}, {"filename": "This field may not be blank."}),
        ({"filename": 7, "content_type": "image/png"}, {"filename": "Not a valid string."}),
        (
            {"filename": "a.png", "content_type": "png"},
            {"content_type": "Not a valid content type: use a MIME type such as 'image/png'."},
        ),
        (
            {"filename": "../etc/passwd", "content_type": "text/plain"},
            {"filename": "A file name cannot contain '/' or '\\'."},
        ),
        (
            {"filename": "a.png", "content_type": "image/png", "size": 10},
            {"size": "Unknown field."},
        ),
        (
            {"filename": "x" * 256, "content_type": "image/png"},
            {"filename": "Longer than the maximum of 255 characters."},
        ),
    ],
)
def test_a_bad_body_is_a_400_naming_the_field(api: Api, body: dict[str, Any], errors: dict[str, str]) -> None:
    response = api.post("files/upload/", json=body)
    assert validation_errors(response) == errors
    with api.engine.connect() as conn:
        written = conn.execute(
            select(file_upload.c.id).where(file_upload.c.organization_id == api.org.organization_id)
        ).all()
    assert written == []


def test_content_types_with_parameters_are_accepted(api: Api) -> None:
    form = form_for(api, filename="notes.txt", content_type="text/plain; charset=utf-8")
    assert post_form(api.client, form, data="héllo".encode()).status_code == 201
    got = download(api.client, form)
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert got.text == "héllo"


def test_the_form_needs_an_api_key(api: Api) -> None:
    response = api.client.post(
        "/api/v1/files/upload/", json={"filename": "a.png", "content_type": "image/png"}
    )
    assert response.status_code == 401


def test_a_wrong_signature_or_key_is_refused(api: Api, make_api: Any) -> None:
    form = form_for(api)
    refused = post_form(api.client, form, signature="not-the-secret")
    assert refused.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in refused.text
    # Another organization's form cannot be bent to land in this organization.
    other = form_for(make_api())
    _, token, name = other["upload"]["fields"]["key"].split("/", 2)
    moved = post_form(api.client, other, key=f"{api.org.organization_id}/{token}/{name}")
    assert moved.status_code == 403
    renamed = post_form(api.client, form, key=form["upload"]["fields"]["key"] + ".exe")
    assert renamed.status_code == 403
    assert download(api.client, form).status_code == 404


def test_the_content_type_must_be_the_one_signed(api: Api) -> None:
    form = form_for(api)
    refused = post_form(api.client, form, **{"Content-Type": "text/html"})
    assert refused.status_code == 403
    assert "Content-Type" in refused.text
    assert download(api.client, form).status_code == 404


def test_the_form_expires_after_60_seconds(api: Api, clock: Clock) -> None:
    start = leadbase_clock.now()
    clock.set(start)
    form = form_for(api)
    clock.set(start + timedelta(seconds=61))
    expired = post_form(api.client, form)
    assert expired.status_code == 403
    assert "Policy expired" in expired.text
    clock.set(start + timedelta(seconds=59))
    assert post_form(api.client, form).status_code == 201


def test_the_download_url_lasts_24_hours(api: Api, clock: Clock) -> None:
    start = leadbase_clock.now()
    clock.set(start)
    form = form_for(api)
    assert post_form(api.client, form).status_code == 201
    clock.set(start + timedelta(hours=23, minutes=59))
    assert download(api.client, form).status_code == 200
    clock.set(start + timedelta(hours=24))
    gone = download(api.client, form)
    assert gone.status_code == 404
    assert "expired" in gone.json()["error"]


def test_a_download_url_must_match_exactly(api: Api) -> None:
    form = form_for(api)
    assert post_form(api.client, form).status_code == 201
    path = urlsplit(form["download"]["url"]).path
    assert api.client.get(path.replace("logo.png", "other.png")).status_code == 404
    assert api.client.get(path.replace(api.org.user_id or "", "user_someoneelse")).status_code == 404


def test_a_post_without_a_file_or_not_multipart(api: Api) -> None:
    form = form_for(api)
    path = urlsplit(form["upload"]["url"]).path
    no_file = api.client.post(path, data=form["upload"]["fields"], files={"other": ("x", b"x")})
    assert no_file.status_code == 400
    assert "exactly one file" in no_file.text
    not_multipart = api.client.post(path, json=form["upload"]["fields"])
    assert not_multipart.status_code == 412


def test_size_limit(database_url: str, engine: Any, tmp_path: Path, make_api: Any) -> None:
    settings = Settings(database_url=database_url, files_dir=str(tmp_path), files_max_bytes=1000)
    with TestClient(create_app(settings)) as small:
        api = make_api()
        api = Api(small, api.org)
        form = form_for(api)
        too_big = post_form(small, form, data=b"x" * 1001)
        assert too_big.status_code == 400
        assert "<Code>EntityTooLarge</Code>" in too_big.text
        assert post_form(small, form, data=b"x" * 1000).status_code == 201
        # A body far over the limit is refused from its Content-Length, before it is read.
        huge = post_form(small, form, data=b"x" * 200_000)
        assert huge.status_code == 400


def test_files_survive_a_restart(database_url: str, tmp_path: Path, make_api: Any) -> None:
    settings = Settings(database_url=database_url, files_dir=str(tmp_path))
    with TestClient(create_app(settings)) as first:
        api = Api(first, make_api().org)
        form = form_for(api)
        assert post_form(first, form).status_code == 201
    with TestClient(create_app(settings)) as second:
        assert download(second, form).content == PNG


def test_public_url_names_the_links(database_url: str, tmp_path: Path, make_api: Any) -> None:
    settings = Settings(
        database_url=database_url, files_dir=str(tmp_path), public_url="https://crm.example.com/"
    )
    with TestClient(create_app(settings)) as client:
        form = form_for(Api(client, make_api().org))
    assert form["upload"]["url"] == "https://crm.example.com/files/store/"
    assert form["download"]["url"].startswith("https://crm.example.com/go/file/temporary/")
