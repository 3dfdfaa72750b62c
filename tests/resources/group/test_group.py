"""Groups: unique names, members added and removed idempotently, managed by organization managers."""

from __future__ import annotations

from collections.abc import Callable

from tests.support import Api, all_events, error_of, validation_errors


def member_of(api: Api, make_api: Callable[..., Api], role: str = "user") -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def test_create_get_list_rename_delete(api: Api) -> None:
    created = api.ok("POST", "group/", 201, json={"name": " Closers "})
    assert created["id"].startswith("group_")
    assert created == {
        "id": created["id"],
        "name": "Closers",
        "organization_id": api.org.organization_id,
        "members": [],
    }
    assert api.ok("GET", f"group/{created['id']}/") == created
    assert api.ok("GET", f"group/{created['id']}/", params={"_fields": "name,members"}) == {
        "name": "Closers",
        "members": [],
    }
    other = api.ok("POST", "group/", 201, json={"name": "Agents"})
    # Listed by name.
    assert [g["id"] for g in api.ok("GET", "group/")["data"]] == [other["id"], created["id"]]
    renamed = api.ok("PUT", f"group/{created['id']}/", json={"name": "Hunters"})
    assert renamed["name"] == "Hunters"
    response = api.delete(f"group/{created['id']}/")
    assert response.status_code == 204 and not response.content
    error_of(api.get(f"group/{created['id']}/"), 404)
    actions = [e["action"] for e in all_events(api) if e["object_id"] == created["id"]]
    assert actions == ["deleted", "updated", "created"]


def test_names_are_unique_in_the_organization(api: Api, make_api: Callable[..., Api]) -> None:
    first = api.ok("POST", "group/", 201, json={"name": "Closers"})
    assert validation_errors(api.post("group/", json={"name": "closers"}))["name"]
    second = api.ok("POST", "group/", 201, json={"name": "Agents"})
    assert validation_errors(api.put(f"group/{second['id']}/", json={"name": "CLOSERS"}))["name"]
    assert validation_errors(api.post("group/", json={}))["name"]
    assert validation_errors(api.post("group/", json={"name": "  "}))["name"]
    # Renaming to its own name (another case) is fine; another organization may use the name.
    assert api.ok("PUT", f"group/{first['id']}/", json={"name": "CLOSERS"})["name"] == "CLOSERS"
    make_api().ok("POST", "group/", 201, json={"name": "Closers"})
    assert [g["name"] for g in api.ok("GET", "group/")["data"]] == ["Agents", "CLOSERS"]


def test_members_are_added_and_removed_idempotently(api: Api, make_api: Callable[..., Api]) -> None:
    group = api.ok("POST", "group/", 201, json={"name": "Closers"})
    member = member_of(api, make_api)
    path = f"group/{group['id']}/member/"
    assert api.ok("POST", path, 201, json={"user_id": member.org.user_id}) == {"user_id": member.org.user_id}
    assert api.ok("POST", path, 201, json={"user_id": member.org.user_id}) == {"user_id": member.org.user_id}
    api.ok("POST", path, 201, json={"user_id": api.org.user_id})
    members = api.ok("GET", f"group/{group['id']}/")["members"]
    assert sorted(m["user_id"] for m in members) == sorted([member.org.user_id, api.org.user_id])
    response = api.delete(f"{path}{member.org.user_id}/")
    assert response.status_code == 204
    assert api.delete(f"{path}{member.org.user_id}/").status_code == 204
    assert api.ok("GET", f"group/{group['id']}/")["members"] == [{"user_id": api.org.user_id}]
    # Each change of the members is one update of the group, with the members diff.
    events = [e for e in all_events(api) if e["object_id"] == group["id"]]
    assert [e["action"] for e in events] == ["updated", "updated", "updated", "created"]
    assert all(e["changed_fields"] == ["members"] for e in events[:3])
    assert events[0]["previous_data"]["members"] != events[0]["data"]["members"]


def test_only_active_members_of_the_organization_join_groups(api: Api, make_api: Callable[..., Api]) -> None:
    group = api.ok("POST", "group/", 201, json={"name": "Closers"})
    stranger = make_api()
    path = f"group/{group['id']}/member/"
    assert validation_errors(api.post(path, json={"user_id": stranger.org.user_id}))["user_id"]
    assert validation_errors(api.post(path, json={}))["user_id"]
    error_of(api.post("group/group_nope/member/", json={"user_id": api.org.user_id}), 404)
    error_of(stranger.post(path, json={"user_id": stranger.org.user_id}), 404)
    assert api.ok("GET", f"group/{group['id']}/")["members"] == []


def test_deleting_a_group_removes_its_members(api: Api) -> None:
    group = api.ok("POST", "group/", 201, json={"name": "Closers"})
    api.ok("POST", f"group/{group['id']}/member/", 201, json={"user_id": api.org.user_id})
    assert api.delete(f"group/{group['id']}/").status_code == 204
    again = api.ok("POST", "group/", 201, json={"name": "Closers"})
    assert again["members"] == []


def test_only_organization_managers_manage_groups(api: Api, make_api: Callable[..., Api]) -> None:
    group = api.ok("POST", "group/", 201, json={"name": "Closers"})
    superuser = member_of(api, make_api, "superuser")
    assert superuser.ok("GET", f"group/{group['id']}/") == group
    error_of(superuser.post("group/", json={"name": "Mine"}), 403)
    error_of(superuser.put(f"group/{group['id']}/", json={"name": "Mine"}), 403)
    error_of(superuser.post(f"group/{group['id']}/member/", json={"user_id": superuser.org.user_id}), 403)
    error_of(superuser.delete(f"group/{group['id']}/member/{api.org.user_id}/"), 403)
    error_of(superuser.delete(f"group/{group['id']}/"), 403)
    assert api.ok("GET", "group/")["data"] == [group]
