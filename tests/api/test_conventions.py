"""Close's HTTP conventions, independent of any one resource."""

from __future__ import annotations

import base64

from tests.support import Api


def test_missing_and_wrong_credentials_are_401_json(api: Api) -> None:
    for headers in (
        {},
        {"Authorization": "Basic " + base64.b64encode(b"api_nope:").decode()},
        {"Authorization": "Basic !!!"},
        {"Authorization": "Digest abc"},
    ):
        response = api.client.get("/api/v1/me/", headers=headers)
        assert response.status_code == 401
        assert "error" in response.json()


def test_paths_work_with_and_without_trailing_and_doubled_slashes(api: Api) -> None:
    for path in ("/api/v1/me/", "/api/v1/me", "/api/v1//me/", "/api/v1//me"):
        response = api.client.get(path, headers=api.headers, follow_redirects=False)
        assert response.status_code == 200, path
        assert response.json()["id"] == api.org.user_id


def test_post_without_trailing_slash_is_not_redirected(api: Api) -> None:
    response = api.client.post(
        "/api/v1/lead", headers=api.headers, json={"name": "No slash"}, follow_redirects=False
    )
    assert response.status_code == 200
    assert response.json()["name"] == "No slash"


def test_unknown_url_is_json_404(api: Api) -> None:
    response = api.get("no_such_thing/")
    assert response.status_code == 404
    assert "error" in response.json()


def test_malformed_json_is_400_and_writes_nothing(api: Api) -> None:
    response = api.request(
        "POST", "lead/", content=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "error" in response.json()
    assert api.ok("GET", "lead/")["data"] == []


def test_non_json_content_type_is_415(api: Api) -> None:
    response = api.request(
        "POST", "lead/", content=b"name=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 415
    assert "error" in response.json()


def test_body_that_is_not_an_object_is_400(api: Api) -> None:
    response = api.post("lead/", json=[1, 2])
    assert response.status_code == 400
    assert response.json()["errors"]


def test_method_override_get_with_params_body(api: Api) -> None:
    for name in ("a", "b", "c"):
        api.ok("POST", "lead/", json={"name": name})
    response = api.post(
        "lead/", json={"_params": {"_limit": 2, "_fields": "name"}}, headers={"x-http-method-override": "GET"}
    )
    assert response.status_code == 200
    body = response.json()
    assert [lead["name"] for lead in body["data"]] == ["a", "b"]
    assert body["has_more"] is True
    assert set(body["data"][0]) == {"name"}


def test_oversized_body_is_413(api: Api) -> None:
    settings = api.client.app.state.settings  # type: ignore[attr-defined]
    response = api.request(
        "POST",
        "lead/",
        content=b"{" + b" " * settings.max_body_bytes + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "error" in response.json()


def test_openapi_is_served_with_close_paths(api: Api) -> None:
    response = api.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"get", "post"} <= set(paths["/lead/"])
    assert {"get", "put", "delete"} <= set(paths["/lead/{id}/"])
    assert "/event/" in paths and "/me/" in paths


def test_lone_surrogate_escape_in_json_is_400_not_500(api: Api) -> None:
    response = api.request(
        "POST", "lead/", content=b'{"name": "\\ud800"}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert api.ok("GET", "lead/")["data"] == []
