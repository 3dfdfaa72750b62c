"""User scheduling links: a member's own links, and an integration's links kept by source_id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import Api, all_events, error_of, validation_errors

CLOSE_KEYS = {
    "id", "name", "url", "description", "duration_in_minutes", "oauth_client_id", "organization_id",
    "source", "source_id", "source_type", "template_tag", "type", "user_id",
}  # fmt: skip


def member_of(api: Api, make_api: Callable[..., Api], role: str = "user") -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def test_create_read_update_delete(api: Api) -> None:
    response = api.post(
        "scheduling_link/",
        json={"name": "Intro call", "url": "example.com/schedule", "description": "Thirty minutes"},
    )
    assert response.status_code == 201, response.text
    link = response.json()
    assert set(link) == CLOSE_KEYS
    assert link["id"].startswith("schlnk_") and len(link["id"]) == len("schlnk_") + 22
    assert response.headers["Location"].endswith(f"/api/v1/scheduling_link/{link['id']}/")
    assert link == {
        **link,
        "name": "Intro call",
        # Close adds the scheme a URL comes without.
        "url": "https://example.com/schedule",
        "description": "Thirty minutes",
        "type": "USER",
        "source": "MANUAL",
        "user_id": api.org.user_id,
        "organization_id": api.org.organization_id,
        "source_id": None,
        "source_type": None,
        "duration_in_minutes": None,
        "oauth_client_id": None,
        "template_tag": None,
    }
    assert api.ok("GET", f"scheduling_link/{link['id']}/") == link
    assert api.ok("GET", "scheduling_link/") == {"data": [link], "has_more": False}

    updated = api.ok(
        "PUT", f"scheduling_link/{link['id']}/", json={"url": "http://cal.example/me", "name": "Call"}
    )
    assert (updated["url"], updated["name"], updated["description"]) == (
        "http://cal.example/me",
        "Call",
        "Thirty minutes",
    )
    # Fields only an integration sets are not written through the plain routes.
    same = api.ok(
        "PUT", f"scheduling_link/{link['id']}/", json={"source": "CALENDLY", "duration_in_minutes": 5}
    )
    assert same == updated

    assert api.delete(f"scheduling_link/{link['id']}/").status_code == 204
    error_of(api.get(f"scheduling_link/{link['id']}/"), 404)
    actions = [e["action"] for e in all_events(api, object_id=link["id"])]
    assert actions == ["deleted", "updated", "created"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name", "url"}),
        ({"name": "  ", "url": "cal.example"}, {"name"}),
        ({"name": "x", "url": "javascript:alert(1)"}, {"url"}),
        ({"name": "x", "url": "ftp://files.example/"}, {"url"}),
        ({"name": "x", "url": "https://"}, {"url"}),
        ({"name": "x", "url": "cal example.com"}, {"url"}),
        ({"name": "x", "url": 5}, {"url"}),
        ({"name": "x", "url": None}, {"url"}),
        ({"name": "x" * 256, "url": "cal.example"}, {"name"}),
    ],
)
def test_bad_bodies_are_400_naming_the_field(api: Api, body: dict[str, Any], fields: set[str]) -> None:
    assert set(validation_errors(api.post("scheduling_link/", json=body))) == fields
    assert api.ok("GET", "scheduling_link/")["data"] == []


def test_a_members_links_are_their_own(api: Api, make_api: Callable[..., Api]) -> None:
    admin_link = api.ok("POST", "scheduling_link/", 201, json={"name": "Admin", "url": "cal.example/admin"})
    member = member_of(api, make_api)
    member_link = member.ok("POST", "scheduling_link/", 201, json={"name": "Mine", "url": "cal.example/me"})
    assert member_link["user_id"] == member.org.user_id

    assert [link["id"] for link in api.ok("GET", "scheduling_link/")["data"]] == [admin_link["id"]]
    assert [link["id"] for link in member.ok("GET", "scheduling_link/")["data"]] == [member_link["id"]]
    # Another member's link does not exist for the caller, admins included.
    url = f"scheduling_link/{member_link['id']}/"
    assert error_of(api.get(url), 404) == {
        "error": "Empty query: SchedulingLink matching query does not exist."
    }
    error_of(api.put(url, json={"name": "Taken"}), 404)
    error_of(api.delete(url), 404)
    assert member.ok("GET", url) == member_link


def test_an_integration_upserts_by_source_id(api: Api) -> None:
    body = {
        "source_id": "74241bb7-3436",
        "source_type": "Multi-Use",
        "name": "Chat with Us",
        "url": "https://your-app.example/link/",
        "description": "Let's find a time",
        "duration_in_minutes": 60,
    }
    created = api.ok("POST", "scheduling_link/integration/", json=body)
    assert set(created) == CLOSE_KEYS
    assert created == {
        **created,
        **body,
        "source": "THIRD_PARTY",
        "type": "USER",
        "user_id": api.org.user_id,
    }
    # leadbase has no OAuth applications: the API key calling stands for the application.
    assert created["oauth_client_id"]

    again = api.ok(
        "POST", "scheduling_link/integration/", json={"source_id": "74241bb7-3436", "duration_in_minutes": 30}
    )
    assert again == {**created, "duration_in_minutes": 30}
    assert api.ok("GET", "scheduling_link/")["data"] == [again]
    events = all_events(api, object_id=created["id"])
    assert [e["action"] for e in events] == ["updated", "created"]
    assert events[0]["changed_fields"] == ["duration_in_minutes"]

    other = api.ok("POST", "scheduling_link/integration/", json={**body, "source_id": "other"})
    assert other["id"] != created["id"]

    assert api.delete("scheduling_link/integration/74241bb7-3436/").status_code == 204
    error_of(api.get(f"scheduling_link/{created['id']}/"), 404)
    assert error_of(api.delete("scheduling_link/integration/74241bb7-3436/"), 404)
    assert [link["id"] for link in api.ok("GET", "scheduling_link/")["data"]] == [other["id"]]


def test_each_application_has_its_own_source_ids(api: Api, make_api: Callable[..., Api]) -> None:
    member = member_of(api, make_api)
    body = {"source_id": "same", "name": "Demo", "url": "cal.example/demo"}
    mine = api.ok("POST", "scheduling_link/integration/", json=body)
    theirs = member.ok("POST", "scheduling_link/integration/", json=body)
    assert mine["id"] != theirs["id"] and mine["oauth_client_id"] != theirs["oauth_client_id"]
    error_of(api.delete("scheduling_link/integration/unknown/"), 404)
    assert member.delete("scheduling_link/integration/same/").status_code == 204
    assert api.ok("GET", f"scheduling_link/{mine['id']}/") == mine


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": "x", "url": "cal.example"}, {"source_id"}),
        ({"source_id": "  ", "name": "x", "url": "cal.example"}, {"source_id"}),
        ({"source_id": "new"}, {"name", "url"}),
        (
            {"source_id": "new", "name": "x", "url": "cal.example", "duration_in_minutes": 0},
            {"duration_in_minutes"},
        ),
        (
            {"source_id": "new", "name": "x", "url": "cal.example", "duration_in_minutes": "60"},
            {"duration_in_minutes"},
        ),
        ({"source_id": 7, "name": "x", "url": "mailto:me@example.com"}, {"source_id", "url"}),
    ],
)
def test_bad_integration_bodies(api: Api, body: dict[str, Any], fields: set[str]) -> None:
    assert set(validation_errors(api.post("scheduling_link/integration/", json=body))) == fields
    assert api.ok("GET", "scheduling_link/")["data"] == []


def test_another_organizations_integration_link_is_not_touched(
    api: Api, make_api: Callable[..., Api]
) -> None:
    other = make_api()
    theirs = other.ok(
        "POST", "scheduling_link/integration/", json={"source_id": "s1", "name": "x", "url": "a.example"}
    )
    error_of(api.delete("scheduling_link/integration/s1/"), 404)
    mine = api.ok(
        "POST", "scheduling_link/integration/", json={"source_id": "s1", "name": "y", "url": "b.example"}
    )
    assert mine["id"] != theirs["id"]
    assert other.ok("GET", f"scheduling_link/{theirs['id']}/") == theirs
