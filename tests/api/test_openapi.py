"""The served OpenAPI description uses Close's paths and methods for everything it serves."""

from __future__ import annotations

from pathlib import Path

from tests.support import Api

CLOSE_OPERATIONS = {
    line.strip()
    for line in (Path(__file__).parent.parent / "data" / "close_operations.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
}
# Served although Close's description does not list them: the legacy key listing that
# scripts read organization_id from, and the single-status read that newer docs describe.
EXTRAS = {"GET /api_key/", "GET /api_key/{key}/", "GET /status/lead/{id}/"}


def served_operations(api: Api) -> set[str]:
    paths = api.client.get("/api/v1/openapi.json").json()["paths"]
    return {f"{method.upper()} {path}" for path, operations in paths.items() for method in operations}


def test_every_served_operation_is_one_of_closes(api: Api) -> None:
    assert len(CLOSE_OPERATIONS) == 286
    unknown = served_operations(api) - CLOSE_OPERATIONS - EXTRAS
    assert not unknown, f"served under a path or method Close does not have: {sorted(unknown)}"


def test_the_foundation_operations_are_all_served(api: Api) -> None:
    expected = {
        "GET /lead/",
        "POST /lead/",
        "GET /lead/{id}/",
        "PUT /lead/{id}/",
        "DELETE /lead/{id}/",
        "GET /contact/",
        "POST /contact/",
        "GET /contact/{id}/",
        "PUT /contact/{id}/",
        "DELETE /contact/{id}/",
        "GET /status/lead/",
        "POST /status/lead/",
        "PUT /status/lead/{id}/",
        "DELETE /status/lead/{id}/",
        "GET /event/",
        "GET /event/{id}/",
        "GET /me/",
        "GET /user/",
        "GET /user/{id}/",
        "GET /organization/{id}/",
        "PUT /organization/{id}/",
    }
    assert expected <= CLOSE_OPERATIONS
    assert expected <= served_operations(api)
