"""Comments and comment threads: implicit threads, author-only edits, removal, sanitized bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import Api, error_of, validation_errors


@pytest.fixture
def lead(api: Api) -> dict[str, Any]:
    lead: dict[str, Any] = api.ok("POST", "lead/", json={"name": "Acme"})
    return lead


def _member(api: Api, make_api: Callable[..., Api], role: str = "user") -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def _comment(api: Api, object_id: str, body: str = "<body><p>Hello</p></body>") -> dict[str, Any]:
    comment: dict[str, Any] = api.ok(
        "POST", "comment/", expected=201, json={"object_id": object_id, "body": body}
    )
    return comment


def test_the_first_comment_makes_the_thread(
    api: Api, lead: dict[str, Any], make_api: Callable[..., Api]
) -> None:
    first = _comment(api, lead["id"])
    assert first["id"].startswith("comm_") and first["thread_id"].startswith("comthr_")
    assert (first["lead_id"], first["body"], first["created_by"]) == (
        lead["id"],
        "<body><p>Hello</p></body>",
        api.org.user_id,
    )
    assert (first["removed_at"], first["removed_by"], first["mentions"]) == (None, None, [])
    member = _member(api, make_api)
    second = _comment(member, lead["id"], "<body>Me too</body>")
    assert second["thread_id"] == first["thread_id"]
    thread = api.ok("GET", f"comment_thread/{first['thread_id']}/")
    assert (thread["object_id"], thread["object_type"], thread["lead_id"]) == (lead["id"], "lead", lead["id"])
    assert thread["num_comments"] == 2
    assert thread["participating"] == [api.org.user_id, member.org.user_id]
    listed = api.ok("GET", "comment/", params={"object_id": lead["id"]})["data"]
    assert [c["id"] for c in listed] == [first["id"], second["id"]]
    assert api.ok("GET", "comment/", params={"thread_id": first["thread_id"]})["data"] == listed
    assert api.ok("GET", f"comment/{first['id']}/") == first
    threads = api.ok("GET", "comment_thread/", params={"object_ids": lead["id"]})["data"]
    assert [t["id"] for t in threads] == [thread["id"]]
    assert api.ok("GET", "comment_thread/", params={"ids": thread["id"]})["data"] == threads
    assert api.ok("GET", "comment_thread/", params={"object_ids": "lead_other"})["data"] == []


def test_comment_events(api: Api, lead: dict[str, Any]) -> None:
    comment = _comment(api, lead["id"])
    (created,) = api.events(object_id=comment["id"])
    assert (created["object_type"], created["action"], created["lead_id"]) == (
        "comment",
        "created",
        lead["id"],
    )
    (thread_created,) = api.events(object_id=comment["thread_id"])
    assert (thread_created["object_type"], thread_created["action"]) == ("comment_thread", "created")
    assert thread_created["data"]["num_comments"] == 1


def test_bodies_are_sanitized_and_mentions_read(api: Api, lead: dict[str, Any]) -> None:
    body = (
        '<body><p onclick="x()">Hi <span data-type="mention" data-id="user_abc" data-label="Ann" '
        'class="mention">@Ann</span></p><script>alert(1)</script><a href="javascript:alert(1)">x</a></body>'
    )
    comment = _comment(api, lead["id"], body)
    assert comment["body"] == (
        '<body><p>Hi <span data-type="mention" data-id="user_abc" data-label="Ann" class="mention">'
        "@Ann</span></p><a>x</a></body>"
    )
    assert comment["mentions"] == ["user_abc"]
    assert _comment(api, lead["id"], "plain words")["body"] == "<body>plain words</body>"


def test_bad_bodies(api: Api, lead: dict[str, Any]) -> None:
    assert set(validation_errors(api.post("comment/", json={}))) == {"object_id", "body"}
    assert validation_errors(api.post("comment/", json={"object_id": "lead_nope", "body": "x"})) == {
        "object_id": "Object does not exist."
    }
    # Ids of objects that cannot take comments (a contact), and extra keys, are refused.
    contact = api.ok("POST", "contact/", json={"lead_id": lead["id"], "name": "Ann"})
    assert "object_id" in validation_errors(
        api.post("comment/", json={"object_id": contact["id"], "body": "x"})
    )
    assert "extra" in validation_errors(
        api.post("comment/", json={"object_id": lead["id"], "body": "x", "extra": 1})
    )
    assert "body" in validation_errors(
        api.post("comment/", json={"object_id": lead["id"], "body": "<script></script>"})
    )
    error_of(api.get("comment/"), 400)
    error_of(api.get("comment/", params={"object_id": lead["id"], "thread_id": "comthr_x"}), 400)
    assert api.ok("GET", "comment_thread/")["data"] == []


def test_only_the_author_edits(api: Api, lead: dict[str, Any], make_api: Callable[..., Api]) -> None:
    comment = _comment(api, lead["id"])
    member = _member(api, make_api)
    error_of(member.put(f"comment/{comment['id']}/", json={"body": "<body>hijacked</body>"}), 403)
    edited = api.ok("PUT", f"comment/{comment['id']}/", json={"body": "<body>Edited</body>"})
    assert edited["body"] == "<body>Edited</body>"
    assert api.ok("GET", f"comment/{comment['id']}/")["body"] == "<body>Edited</body>"
    error_of(member.delete(f"comment/{comment['id']}/"), 403)


def test_removal_blanks_until_the_last_comment_goes(
    api: Api, lead: dict[str, Any], make_api: Callable[..., Api]
) -> None:
    member = _member(api, make_api)
    first = _comment(api, lead["id"])
    second = _comment(member, lead["id"])
    response = api.delete(f"comment/{first['id']}/")
    assert response.status_code == 204 and response.content == b""
    removed = api.ok("GET", f"comment/{first['id']}/")
    assert removed["body"] == "" and removed["removed_at"] and removed["removed_by"] == api.org.user_id
    assert api.ok("GET", f"comment_thread/{first['thread_id']}/")["num_comments"] == 1
    # An admin may remove another's comment (Close: deleting others' activities); the last one
    # removed deletes the thread and every comment in it.
    assert api.delete(f"comment/{second['id']}/").status_code == 204
    for gone in (
        f"comment/{first['id']}/",
        f"comment/{second['id']}/",
        f"comment_thread/{first['thread_id']}/",
    ):
        error_of(api.get(gone), 404)
    deleted = {e["object_id"] for e in api.events(action="deleted")}
    assert {first["id"], second["id"], first["thread_id"]} <= deleted


def test_comments_on_a_custom_activity_go_with_it(api: Api, lead: dict[str, Any]) -> None:
    kind = api.ok("POST", "custom_activity/", expected=201, json={"name": "Visit"})
    activity = api.ok(
        "POST", "activity/custom/", json={"custom_activity_type_id": kind["id"], "lead_id": lead["id"]}
    )
    comment = _comment(api, activity["id"])
    thread = api.ok("GET", f"comment_thread/{comment['thread_id']}/")
    assert (thread["object_type"], thread["lead_id"]) == ("activity.custom_activity", lead["id"])
    api.ok("DELETE", f"activity/custom/{activity['id']}/")
    error_of(api.get(f"comment/{comment['id']}/"), 404)
    error_of(api.get(f"comment_thread/{comment['thread_id']}/"), 404)


def test_deleting_the_lead_deletes_its_threads(api: Api, lead: dict[str, Any]) -> None:
    comment = _comment(api, lead["id"])
    api.ok("DELETE", f"lead/{lead['id']}/")
    error_of(api.get(f"comment/{comment['id']}/"), 404)
    error_of(api.get(f"comment_thread/{comment['thread_id']}/"), 404)


def test_restricted_users_must_filter_threads(
    api: Api, lead: dict[str, Any], make_api: Callable[..., Api]
) -> None:
    comment = _comment(api, lead["id"])
    restricted = _member(api, make_api, role="restricteduser")
    error_of(restricted.get("comment_thread/"), 403)
    assert [
        t["id"] for t in restricted.ok("GET", "comment_thread/", params={"object_ids": lead["id"]})["data"]
    ] == [comment["thread_id"]]


def test_other_organizations_see_nothing(
    api: Api, lead: dict[str, Any], make_api: Callable[..., Api]
) -> None:
    comment = _comment(api, lead["id"])
    stranger = make_api()
    error_of(stranger.get(f"comment/{comment['id']}/"), 404)
    error_of(stranger.get(f"comment_thread/{comment['thread_id']}/"), 404)
    assert stranger.ok("GET", "comment/", params={"object_id": lead["id"]})["data"] == []
    assert "object_id" in validation_errors(
        stranger.post("comment/", json={"object_id": lead["id"], "body": "x"})
    )
    error_of(stranger.delete(f"comment/{comment['id']}/"), 404)


def test_comments_on_an_opportunity_go_with_it(api: Api, lead: dict[str, Any]) -> None:
    opportunity = api.ok("POST", "opportunity/", json={"lead_id": lead["id"], "note": "Pilot"})
    comment = _comment(api, opportunity["id"])
    thread = api.ok("GET", f"comment_thread/{comment['thread_id']}/")
    assert (thread["object_type"], thread["lead_id"]) == ("opportunity", lead["id"])
    api.ok("DELETE", f"opportunity/{opportunity['id']}/")
    error_of(api.get(f"comment_thread/{comment['thread_id']}/"), 404)
