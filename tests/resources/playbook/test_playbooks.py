"""Playbooks: their outcomes and shared fields, their order, archiving, and who may manage them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.custom_data import field
from tests.support import Api, Clock, all_events, error_of, validation_errors

CLOSE_KEYS = {
    "archived_at", "archived_by_id", "created_at", "created_by_id", "custom_field_ids", "description",
    "id", "name", "organization_id", "outcome_ids", "position", "summary_guidance", "updated_at",
    "updated_by_id",
}  # fmt: skip


def member_of(api: Api, make_api: Callable[..., Api], role: str = "user") -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def outcome(api: Api, name: str = "Interested") -> str:
    outcome_id: str = api.ok("POST", "outcome/", 201, json={"name": name})["id"]
    return outcome_id


def shared_field(api: Api, name: str = "Budget") -> str:
    field_id: str = field(api, "shared", name)["id"]
    return field_id


def playbook(api: Api, name: str = "Discovery Call", **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = api.ok("POST", "playbook/", 201, json={"name": name, **extra})
    return created


def names(api: Api, **params: Any) -> list[str]:
    return [p["name"] for p in api.ok("GET", "playbook/", params=params)["data"]]


def test_create_read_update_delete(api: Api) -> None:
    outcomes = [outcome(api, "Interested"), outcome(api, "Not now")]
    budget = shared_field(api)
    response = api.post(
        "playbook/",
        json={
            "name": "Discovery Call",
            "description": "Initial discovery call with prospect.",
            "summary_guidance": "Summarize the pain points and next steps.",
            "outcome_ids": outcomes,
            "custom_field_ids": [budget],
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == CLOSE_KEYS
    assert created["id"].startswith("convtyp_") and len(created["id"]) == len("convtyp_") + 22
    assert response.headers["Location"].endswith(f"/api/v1/playbook/{created['id']}/")
    assert created == {
        **created,
        "name": "Discovery Call",
        "description": "Initial discovery call with prospect.",
        "summary_guidance": "Summarize the pain points and next steps.",
        "outcome_ids": outcomes,
        "custom_field_ids": [budget],
        "position": 0,
        "archived_at": None,
        "archived_by_id": None,
        "organization_id": api.org.organization_id,
        "created_by_id": api.org.user_id,
        "updated_by_id": api.org.user_id,
    }
    assert created["created_at"] == created["updated_at"]
    assert api.ok("GET", f"playbook/{created['id']}/") == created

    updated = api.ok(
        "PUT",
        f"playbook/{created['id']}/",
        json={"name": "Renamed", "outcome_ids": outcomes[1:], "description": None},
    )
    assert (updated["name"], updated["outcome_ids"], updated["description"]) == (
        "Renamed",
        outcomes[1:],
        None,
    )
    assert updated["summary_guidance"] == created["summary_guidance"]
    assert api.delete(f"playbook/{created['id']}/").status_code == 204
    error_of(api.get(f"playbook/{created['id']}/"), 404)
    events = all_events(api, object_id=created["id"])
    assert [e["action"] for e in events] == ["deleted", "updated", "created"]
    assert sorted(events[1]["changed_fields"]) == ["description", "name", "outcome_ids", "updated_at"]


def test_defaults_and_repeated_ids(api: Api) -> None:
    plain = playbook(api, "  Plain  ")
    assert (plain["name"], plain["outcome_ids"], plain["custom_field_ids"]) == ("Plain", [], [])
    assert (plain["description"], plain["summary_guidance"]) == (None, None)
    one = outcome(api)
    twice = playbook(api, "Twice", outcome_ids=[one, one])
    assert (twice["outcome_ids"], twice["position"]) == ([one], 1)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name"}),
        ({"name": "  "}, {"name"}),
        ({"name": "x" * 256}, {"name"}),
        ({"name": "x", "outcome_ids": "outcome_a"}, {"outcome_ids"}),
        ({"name": "x", "outcome_ids": ["outcome_doesnotexist"]}, {"outcome_ids"}),
        ({"name": "x", "custom_field_ids": ["cf_doesnotexist"]}, {"custom_field_ids"}),
        ({"name": "x", "custom_field_ids": [5]}, {"custom_field_ids"}),
        ({"name": "x", "description": 5, "summary_guidance": []}, {"description", "summary_guidance"}),
    ],
)
def test_bad_bodies_are_400_naming_the_field(api: Api, body: dict[str, Any], fields: set[str]) -> None:
    assert set(validation_errors(api.post("playbook/", json=body))) == fields
    assert api.ok("GET", "playbook/")["data"] == []


def test_only_shared_fields_and_own_outcomes(api: Api, make_api: Callable[..., Api]) -> None:
    lead_field = field(api, "lead", "Industry")["id"]
    errors = validation_errors(api.post("playbook/", json={"name": "x", "custom_field_ids": [lead_field]}))
    assert "shared" in errors["custom_field_ids"]
    other = make_api()
    theirs_outcome, theirs_field = outcome(other), shared_field(other)
    errors = validation_errors(
        api.post(
            "playbook/",
            json={"name": "x", "outcome_ids": [theirs_outcome], "custom_field_ids": [theirs_field]},
        )
    )
    assert set(errors) == {"outcome_ids", "custom_field_ids"}
    made = playbook(api)
    error_of(api.put(f"playbook/{made['id']}/", json={"outcome_ids": [theirs_outcome]}), 400)
    assert api.ok("GET", f"playbook/{made['id']}/") == made


def test_deleted_outcomes_and_fields_drop_out(api: Api) -> None:
    keep, gone = outcome(api, "Keep"), outcome(api, "Gone")
    budget, timeline = shared_field(api, "Budget"), shared_field(api, "Timeline")
    made = playbook(api, outcome_ids=[keep, gone], custom_field_ids=[budget, timeline])
    api.ok("DELETE", f"outcome/{gone}/")
    assert api.delete(f"custom_field/shared/{timeline}/").status_code in (200, 204)
    shown = api.ok("GET", f"playbook/{made['id']}/")
    assert (shown["outcome_ids"], shown["custom_field_ids"]) == ([keep], [budget])
    assert api.ok("GET", "playbook/")["data"] == [shown]


def test_archive_and_unarchive(api: Api, clock: Clock) -> None:
    clock.set(datetime(2025, 7, 29, 10, 30, tzinfo=UTC))
    first, second, third = (playbook(api, name) for name in ("First", "Second", "Third"))
    assert [p["position"] for p in (first, second, third)] == [0, 1, 2]
    clock.set(datetime(2025, 7, 29, 11, 0, tzinfo=UTC))
    archived = api.ok("POST", f"playbook/{first['id']}/archive/")
    assert archived == {
        **first,
        "archived_at": "2025-07-29T11:00:00.000000+00:00",
        "archived_by_id": api.org.user_id,
        "position": None,
    }
    # Not an edit: updated_at and updated_by_id stay as they were (as in Close's example).
    assert (archived["updated_at"], archived["updated_by_id"]) == (
        first["updated_at"],
        first["updated_by_id"],
    )
    assert api.ok("POST", f"playbook/{first['id']}/archive/") == archived
    assert names(api) == ["Second", "Third", "First"]
    assert names(api, is_archived="true") == ["First"]
    assert names(api, is_archived="false") == ["Second", "Third"]
    assert names(api, is_archived="null") == ["Second", "Third", "First"]

    restored = api.ok("POST", f"playbook/{first['id']}/unarchive/")
    assert restored == {**first, "position": 3}
    assert api.ok("POST", f"playbook/{first['id']}/unarchive/") == restored
    assert names(api) == ["Second", "Third", "First"]
    events = all_events(api, object_id=first["id"])
    assert [e["action"] for e in events] == ["updated", "updated", "created"]
    assert sorted(events[1]["changed_fields"]) == ["archived_at", "archived_by_id", "position"]
    assert events[1]["previous_data"] == {"archived_at": None, "archived_by_id": None, "position": 0}
    error_of(api.post("playbook/playbook_doesnotexist/archive/"), 404)


def test_list_filters(api: Api, clock: Clock) -> None:
    for day, name in ((10, "A"), (20, "B"), (30, "C")):
        clock.set(datetime(2025, 3, day, 12, tzinfo=UTC))
        playbook(api, name)
    assert names(api, position__gt=0) == ["B", "C"]
    assert names(api, position__gt=-1) == ["A", "B", "C"]
    assert names(api, created_at__lt="2025-03-20T12:00:00Z") == ["A"]
    assert names(api, created_at__lt="2025-03-21", position__gt=0) == ["B"]
    assert names(api, _limit=1, _skip=1) == ["B"]
    assert set(validation_errors(api.get("playbook/", params={"is_archived": "sometimes"}))) == {
        "is_archived"
    }
    assert set(validation_errors(api.get("playbook/", params={"position__gt": "first"}))) == {"position__gt"}
    assert set(validation_errors(api.get("playbook/", params={"created_at__lt": "soon"}))) == {
        "created_at__lt"
    }


def test_only_customizers_manage_playbooks(api: Api, make_api: Callable[..., Api]) -> None:
    member = member_of(api, make_api)
    assert "error" in error_of(member.post("playbook/", json={"name": "Mine"}), 403)
    made = playbook(api)
    url = f"playbook/{made['id']}/"
    error_of(member.put(url, json={"name": "Taken"}), 403)
    error_of(member.post(url + "archive/"), 403)
    error_of(member.post(url + "unarchive/"), 403)
    error_of(member.delete(url), 403)
    assert member.ok("GET", url) == made
    assert member.ok("GET", "playbook/")["data"] == [made]


def test_another_organizations_playbook_cannot_be_archived(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    theirs = playbook(other)
    not_found = {"error": "Empty query: Playbook matching query does not exist."}
    assert error_of(api.post(f"playbook/{theirs['id']}/archive/"), 404) == not_found
    assert error_of(api.post(f"playbook/{theirs['id']}/unarchive/"), 404) == not_found
    assert other.ok("GET", f"playbook/{theirs['id']}/") == theirs
