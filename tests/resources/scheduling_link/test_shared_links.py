"""Shared scheduling links, and each member's mapping of them to a link of their own or a URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import Api, all_events, error_of, validation_errors

SHARED_KEYS = {
    "id", "name", "url", "description", "duration_in_minutes", "organization_id", "source",
    "source_id", "source_type", "template_tag", "type", "user_id",
}  # fmt: skip


def member_of(api: Api, make_api: Callable[..., Api], role: str = "user") -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def shared(api: Api, name: str = "Demo", **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = api.ok("POST", "shared_scheduling_link/", 201, json={"name": name, **extra})
    return created


def user_link(api: Api, name: str = "Mine") -> dict[str, Any]:
    created: dict[str, Any] = api.ok(
        "POST", "scheduling_link/", 201, json={"name": name, "url": "cal.example"}
    )
    return created


def test_create_read_update_delete(api: Api) -> None:
    link = shared(api, "Book a Demo!", description="For prospects")
    assert set(link) == SHARED_KEYS
    assert link == {
        **link,
        "name": "Book a Demo!",
        "description": "For prospects",
        "template_tag": "book_a_demo",
        "type": "SHARED",
        "source": "MANUAL",
        "url": None,
        "user_id": None,
        "source_id": None,
        "source_type": None,
        "duration_in_minutes": None,
    }
    assert link["id"].startswith("schlnk_")
    assert api.ok("GET", f"shared_scheduling_link/{link['id']}/") == link
    assert api.ok("GET", "shared_scheduling_link/") == {"data": [link], "has_more": False}
    # The two kinds share ids, not routes.
    error_of(api.get(f"scheduling_link/{link['id']}/"), 404)
    mine = user_link(api)
    error_of(api.get(f"shared_scheduling_link/{mine['id']}/"), 404)
    assert api.ok("GET", "scheduling_link/")["data"] == [mine]

    # Renaming keeps the template tag, so templates that use it keep working.
    renamed = api.ok("PUT", f"shared_scheduling_link/{link['id']}/", json={"name": "Demo call"})
    assert (renamed["name"], renamed["template_tag"]) == ("Demo call", "book_a_demo")
    assert api.delete(f"shared_scheduling_link/{link['id']}/").status_code == 204
    error_of(api.get(f"shared_scheduling_link/{link['id']}/"), 404)
    assert [e["action"] for e in all_events(api, object_id=link["id"])] == ["deleted", "updated", "created"]
    assert all_events(api, object_id=link["id"])[0]["object_type"] == "shared_scheduling_link"


def test_template_tags_are_unique(api: Api) -> None:
    tags = [shared(api, name)["template_tag"] for name in ("Demo", "demo", "DÉMO", "!!!", "???")]
    assert tags == ["demo", "demo_2", "demo_3", "scheduling_link", "scheduling_link_2"]


@pytest.mark.parametrize(("body", "field"), [({}, "name"), ({"name": ""}, "name"), ({"name": 3}, "name")])
def test_bad_bodies(api: Api, body: dict[str, Any], field: str) -> None:
    assert set(validation_errors(api.post("shared_scheduling_link/", json=body))) == {field}
    assert api.ok("GET", "shared_scheduling_link/")["data"] == []


def test_only_customizers_manage_shared_links(api: Api, make_api: Callable[..., Api]) -> None:
    member = member_of(api, make_api)
    assert "error" in error_of(member.post("shared_scheduling_link/", json={"name": "Mine"}), 403)
    link = shared(api)
    error_of(member.put(f"shared_scheduling_link/{link['id']}/", json={"name": "Taken"}), 403)
    error_of(member.delete(f"shared_scheduling_link/{link['id']}/"), 403)
    assert member.ok("GET", "shared_scheduling_link/")["data"] == [link]
    superuser = member_of(api, make_api, role="superuser")
    assert (
        superuser.ok("PUT", f"shared_scheduling_link/{link['id']}/", json={"description": "x"})["description"]
        == "x"
    )


def test_map_to_a_user_link_then_to_a_url(api: Api) -> None:
    link, mine = shared(api), user_link(api)
    body = {
        "organization_id": api.org.organization_id,
        "shared_scheduling_link_id": link["id"],
        "user_id": api.org.user_id,
        "user_scheduling_link_id": mine["id"],
    }
    mapped = api.ok("POST", "shared_scheduling_link_association/", 201, json=body)
    assert mapped == {**body, "url": None}

    remapped = api.ok(
        "POST",
        "shared_scheduling_link_association/",
        201,
        json={"shared_scheduling_link_id": link["id"], "user_id": api.org.user_id, "url": "example.com"},
    )
    assert remapped == {**body, "user_scheduling_link_id": None, "url": "https://example.com"}
    events = [e for e in all_events(api) if e["object_type"] == "shared_scheduling_link_association"]
    assert [e["action"] for e in events] == ["updated", "created"]
    assert sorted(events[0]["changed_fields"]) == ["url", "user_scheduling_link_id"]
    assert events[0]["data"] == remapped

    # Mapping the same again changes nothing and records nothing.
    api.ok(
        "POST", "shared_scheduling_link_association/", 201, json={**remapped, "user_scheduling_link_id": None}
    )
    assert len([e for e in all_events(api) if e["object_type"] == "shared_scheduling_link_association"]) == 2

    unmap = {"shared_scheduling_link_id": link["id"], "user_id": api.org.user_id}
    assert api.ok("POST", "shared_scheduling_link_association/unmap/", json=unmap) == {}
    # Unmapping what is not mapped is done already.
    assert api.ok("POST", "shared_scheduling_link_association/unmap/", json=unmap) == {}
    events = [e for e in all_events(api) if e["object_type"] == "shared_scheduling_link_association"]
    assert [e["action"] for e in events] == ["deleted", "updated", "created"]
    assert events[0]["previous_data"] == remapped


def test_bad_mappings(api: Api, make_api: Callable[..., Api]) -> None:
    link, mine = shared(api), user_link(api)
    member = member_of(api, make_api)
    theirs = user_link(member, "Theirs")
    base = {"shared_scheduling_link_id": link["id"], "user_id": api.org.user_id}
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({}, {"shared_scheduling_link_id", "user_id", "user_scheduling_link_id"}),
        (base, {"user_scheduling_link_id"}),
        ({**base, "user_scheduling_link_id": mine["id"], "url": "example.com"}, {"url"}),
        ({**base, "url": "javascript:alert(1)"}, {"url"}),
        ({**base, "user_scheduling_link_id": theirs["id"]}, {"user_scheduling_link_id"}),
        ({**base, "user_scheduling_link_id": link["id"]}, {"user_scheduling_link_id"}),
        (
            {**base, "shared_scheduling_link_id": mine["id"], "url": "example.com"},
            {"shared_scheduling_link_id"},
        ),
        ({**base, "user_id": "user_nobody", "url": "example.com"}, {"user_id"}),
    ]
    for body, fields in cases:
        assert set(validation_errors(api.post("shared_scheduling_link_association/", json=body))) == fields, (
            body
        )
    assert error_of(
        api.post(
            "shared_scheduling_link_association/",
            json={**base, "url": "a.example", "organization_id": "orga_x"},
        ),
        404,
    )
    error_of(
        api.post("shared_scheduling_link_association/unmap/", json={**base, "organization_id": "orga_x"}), 404
    )
    assert set(validation_errors(api.post("shared_scheduling_link_association/unmap/", json={}))) == {
        "shared_scheduling_link_id",
        "user_id",
    }
    assert not [e for e in all_events(api) if e["object_type"] == "shared_scheduling_link_association"]


def test_members_map_for_themselves_and_customizers_for_anyone(
    api: Api, make_api: Callable[..., Api]
) -> None:
    link = shared(api)
    member = member_of(api, make_api)
    theirs = user_link(member, "Theirs")
    for_admin = {"shared_scheduling_link_id": link["id"], "user_id": api.org.user_id, "url": "a.example"}
    assert "error" in error_of(member.post("shared_scheduling_link_association/", json=for_admin), 403)
    error_of(member.post("shared_scheduling_link_association/unmap/", json=for_admin), 403)
    own = {
        "shared_scheduling_link_id": link["id"],
        "user_id": member.org.user_id,
        "user_scheduling_link_id": theirs["id"],
    }
    assert (
        member.ok("POST", "shared_scheduling_link_association/", 201, json=own)["user_scheduling_link_id"]
        == theirs["id"]
    )
    # An admin maps for a member, to the member's own link (which the admin cannot read).
    assert api.ok("POST", "shared_scheduling_link_association/", 201, json=own) == {
        **own,
        "organization_id": api.org.organization_id,
        "url": None,
    }
    assert api.ok("POST", "shared_scheduling_link_association/unmap/", json=own) == {}


def test_a_mapping_goes_with_its_links(api: Api) -> None:
    first, second = shared(api, "First"), shared(api, "Second")
    mine = user_link(api)
    for link in (first, second):
        api.ok(
            "POST",
            "shared_scheduling_link_association/",
            201,
            json={
                "shared_scheduling_link_id": link["id"],
                "user_id": api.org.user_id,
                "user_scheduling_link_id": mine["id"],
            },
        )
    assert api.delete(f"shared_scheduling_link/{first['id']}/").status_code == 204
    assert api.delete(f"scheduling_link/{mine['id']}/").status_code == 204
    mappings = [e for e in all_events(api) if e["object_type"] == "shared_scheduling_link_association"]
    assert [e["action"] for e in mappings] == ["deleted", "deleted", "created", "created"]
    assert {e["previous_data"]["shared_scheduling_link_id"] for e in mappings[:2]} == {
        first["id"],
        second["id"],
    }
    # The shared link that is left can be mapped again.
    api.ok(
        "POST",
        "shared_scheduling_link_association/",
        201,
        json={"shared_scheduling_link_id": second["id"], "user_id": api.org.user_id, "url": "b.example"},
    )


def test_another_organizations_links_cannot_be_mapped(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    their_shared, their_link = shared(other), user_link(other)
    mine = user_link(api)
    errors = validation_errors(
        api.post(
            "shared_scheduling_link_association/",
            json={
                "shared_scheduling_link_id": their_shared["id"],
                "user_id": api.org.user_id,
                "user_scheduling_link_id": mine["id"],
            },
        )
    )
    assert set(errors) == {"shared_scheduling_link_id"}
    link = shared(api)
    errors = validation_errors(
        api.post(
            "shared_scheduling_link_association/",
            json={
                "shared_scheduling_link_id": link["id"],
                "user_id": other.org.user_id,
                "user_scheduling_link_id": their_link["id"],
            },
        )
    )
    assert set(errors) == {"user_id", "user_scheduling_link_id"}
