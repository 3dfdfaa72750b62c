"""Inputs that the databases cannot hold are refused with a 400, the same on SQLite and
PostgreSQL, never a 500."""

from __future__ import annotations

import pytest

from tests.support import Api, all_events, error_of, validation_errors


@pytest.mark.parametrize("skip", [str(2**63), str(10**30)])
def test_a_skip_beyond_any_list_is_400(api: Api, skip: str) -> None:
    for path in ("lead/", "contact/", "status/lead/", "user/"):
        errors = validation_errors(api.get(path, params={"_skip": skip}))
        assert "max_skip = " in errors["_skip"], path


def test_a_large_skip_within_the_maximum_is_an_empty_page(api: Api) -> None:
    api.ok("POST", "lead/", json={"name": "only"})
    page = api.ok("GET", "lead/", params={"_skip": str(10**9)})
    assert (page["data"], page["has_more"], page["total_results"]) == ([], False, 1)


def test_a_cursor_out_of_range_is_400(api: Api) -> None:
    import base64

    for seq in (2**63, 10**30, -5):
        cursor = base64.urlsafe_b64encode(f"s{seq}".encode()).decode().rstrip("=")
        assert error_of(api.get("event/", params={"_cursor": cursor}), 400)["error"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "a\u0000b"},
        {"addresses": [{"city": "Aus\u0000tin"}]},
        {"contacts": [{"name": "x", "emails": [{"email": "a@b.example", "type": "wo\u0000rk"}]}]},
        {"na\u0000me": "key with a NUL"},
    ],
)
def test_null_characters_in_a_body_are_400(api: Api, body: dict[str, object]) -> None:
    assert "error" in error_of(api.post("lead/", json=body), 400)
    assert api.ok("GET", "lead/")["data"] == [] and all_events(api) == []


def test_the_text_backslash_u0000_is_not_a_null_character(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "literally \\u0000"})
    assert lead["name"] == "literally \\u0000"


@pytest.mark.parametrize(
    "path",
    [
        "lead/?id=a%00b",
        "lead/?query=name:a%00b",
        "lead/lead_a%00b/",
        "event/?object_type=lead%00",
        "user/user_%00/",
    ],
)
def test_null_characters_in_the_url_are_400(api: Api, path: str) -> None:
    assert "error" in error_of(api.get(path), 400)


def test_null_characters_in_method_override_params_are_400(api: Api) -> None:
    response = api.post(
        "lead/", json={"_params": {"id": "a\u0000"}}, headers={"x-http-method-override": "GET"}
    )
    assert "error" in error_of(response, 400)
