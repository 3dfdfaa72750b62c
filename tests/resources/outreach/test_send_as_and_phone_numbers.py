"""Send As associations and internal phone numbers."""

from __future__ import annotations

from collections.abc import Callable

from leadbase.resources.phone_number.allocation import is_fictional
from tests.support import Api, error_of, validation_errors


def _member(api: Api, make_api: Callable[..., Api], role: str = "user") -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def test_send_as_lifecycle(api: Api, make_api: Callable[..., Api]) -> None:
    me, bo, cy = api.org.user_id, _member(api, make_api), _member(api, make_api)
    response = api.post("send_as/", json={"allowing_user_id": me, "allowed_user_id": bo.org.user_id})
    assert response.status_code == 201
    association = response.json()
    assert association == {
        "id": association["id"],
        "allowing_user_id": me,
        "allowed_user_id": bo.org.user_id,
        "organization_id": api.org.organization_id,
    }
    assert association["id"].startswith("sdas_")
    assert api.ok("GET", "send_as/")["data"] == [association]
    # Bo sees it from the allowed side, and reads it; Cy is no party to it.
    assert bo.ok("GET", "send_as/")["data"] == []
    assert bo.ok("GET", "send_as/", params={"allowed_user_id": bo.org.user_id})["data"] == [association]
    assert bo.ok("GET", f"send_as/{association['id']}/") == association
    error_of(cy.get(f"send_as/{association['id']}/"), 404)
    error_of(cy.delete(f"send_as/{association['id']}/"), 404)
    assert set(validation_errors(cy.get("send_as/", params={"allowing_user_id": me}))) == {"allowing_user_id"}
    # Nobody allows for someone else, twice, or to themselves.
    bad = cy.post("send_as/", json={"allowing_user_id": me, "allowed_user_id": bo.org.user_id})
    assert set(validation_errors(bad)) == {"allowing_user_id"}
    twice = api.post("send_as/", json={"allowing_user_id": me, "allowed_user_id": bo.org.user_id})
    assert set(validation_errors(twice)) == {"allowed_user_id"}
    self_ = api.post("send_as/", json={"allowing_user_id": me, "allowed_user_id": me})
    assert set(validation_errors(self_)) == {"allowed_user_id"}
    stranger = make_api()
    outside = api.post("send_as/", json={"allowing_user_id": me, "allowed_user_id": stranger.org.user_id})
    assert set(validation_errors(outside)) == {"allowed_user_id"}
    # Delete by the pair, then by id.
    error_of(api.delete("send_as/", params={"allowing_user_id": me, "allowed_user_id": cy.org.user_id}), 404)
    response = api.delete("send_as/", params={"allowing_user_id": me, "allowed_user_id": bo.org.user_id})
    assert response.status_code == 204
    assert api.ok("GET", "send_as/")["data"] == []
    again = api.ok("POST", "send_as/", 201, json={"allowing_user_id": me, "allowed_user_id": cy.org.user_id})
    assert api.delete(f"send_as/{again['id']}/").status_code == 204
    error_of(api.get(f"send_as/{again['id']}/"), 404)
    actions = [e["action"] for e in api.events(object_type="send_as")]
    assert actions == ["deleted", "created", "deleted", "created"]


def test_send_as_bulk(api: Api, make_api: Callable[..., Api]) -> None:
    me = api.org.user_id
    bo, cy = _member(api, make_api).org.user_id, _member(api, make_api).org.user_id
    data = api.ok("POST", "send_as/bulk/", json={"allowed_user_ids": [bo, cy], "disallowed_user_ids": []})[
        "data"
    ]
    assert sorted(a["allowed_user_id"] for a in data) == sorted([bo, cy])
    assert all(a["allowing_user_id"] == me for a in data)
    data = api.ok("POST", "send_as/bulk/", json={"allowed_user_ids": [cy], "disallowed_user_ids": [bo]})[
        "data"
    ]
    assert [a["allowed_user_id"] for a in data] == [cy]
    bad = api.post("send_as/bulk/", json={"allowed_user_ids": "everyone", "disallowed_user_ids": [cy]})
    assert set(validation_errors(bad)) == {"allowed_user_ids"}
    both = api.post("send_as/bulk/", json={"allowed_user_ids": [bo], "disallowed_user_ids": [bo]})
    assert set(validation_errors(both)) == {"disallowed_user_ids"}
    # One bad id and nothing of the request is written.
    bad = api.post(
        "send_as/bulk/", json={"allowed_user_ids": [bo, "user_nobody"], "disallowed_user_ids": [cy]}
    )
    assert set(validation_errors(bad)) == {"allowed_user_id"}
    assert [a["allowed_user_id"] for a in api.ok("GET", "send_as/")["data"]] == [cy]


def test_renting_numbers_gives_fictional_ones(api: Api, make_api: Callable[..., Api]) -> None:
    response = api.post("phone_number/request/internal/", json={"country": "US", "sharing": "personal"})
    assert response.status_code == 201
    first = response.json()
    assert response.headers["location"].endswith(f"/api/v1/phone_number/{first['id']}/")
    assert api.ok("GET", f"phone_number/{first['id']}/") == first
    assert first["number"] == "+14155550100"
    assert first["number_formatted"] == "+1 415-555-0100"
    assert (first["type"], first["is_group_number"], first["user_id"]) == ("internal", False, api.org.user_id)
    assert (first["sms_enabled"], first["mms_enabled"], first["country"]) == (False, False, "US")
    second = api.ok(
        "POST",
        "phone_number/request/internal/",
        201,
        json={"country": "us", "sharing": "group", "with_mms": True},
    )
    assert (second["number"], second["is_group_number"], second["user_id"]) == ("+14155550101", True, None)
    assert (second["sms_enabled"], second["mms_enabled"], second["supports_mms_to_countries"]) == (
        True,
        True,
        ["US"],
    )
    other_area = api.ok(
        "POST",
        "phone_number/request/internal/",
        201,
        json={"country": "CA", "sharing": "personal", "prefix": "+1 212"},
    )
    assert other_area["number"] == "+12125550100"
    assert all(is_fictional(n["number"]) for n in api.ok("GET", "phone_number/")["data"])
    # Another organization has its own fictional world.
    assert (
        make_api().ok(
            "POST", "phone_number/request/internal/", 201, json={"country": "US", "sharing": "personal"}
        )["number"]
        == "+14155550100"
    )
    assert api.ok("GET", "phone_number/", params={"number": "+14155550101"})["data"] == [second]
    assert [n["id"] for n in api.ok("GET", "phone_number/", params={"is_group_number": "true"})["data"]] == [
        second["id"]
    ]


def test_renting_refuses_what_it_cannot_give(api: Api, make_api: Callable[..., Api]) -> None:
    url = "phone_number/request/internal/"
    assert set(validation_errors(api.post(url, json={}))) == {"country", "sharing"}
    assert set(validation_errors(api.post(url, json={"country": "USA", "sharing": "team"}))) == {
        "country",
        "sharing",
    }
    assert set(validation_errors(api.post(url, json={"country": "GB", "sharing": "personal"}))) == {"country"}
    tollfree = api.post(url, json={"country": "US", "sharing": "personal", "carrier_type": "tollfree"})
    assert set(validation_errors(tollfree)) == {"carrier_type"}
    assert set(
        validation_errors(api.post(url, json={"country": "US", "sharing": "personal", "prefix": "12"}))
    ) == {"prefix"}
    extra = api.post(url, json={"country": "US", "sharing": "personal", "number": "+14155551234"})
    assert set(validation_errors(extra)) == {"number"}
    member = _member(api, make_api)
    error_of(member.post(url, json={"country": "US", "sharing": "group"}), 403)
    assert api.ok("GET", "phone_number/")["data"] == []


def test_a_hundred_numbers_per_area_code(api: Api) -> None:
    url = "phone_number/request/internal/"
    numbers = [
        api.ok("POST", url, 201, json={"country": "US", "sharing": "personal", "prefix": "907"})["number"]
        for _ in range(100)
    ]
    assert numbers == [f"+1907555{n:04d}" for n in range(100, 200)]
    assert set(
        validation_errors(api.post(url, json={"country": "US", "sharing": "personal", "prefix": "907"}))
    ) == {"prefix"}


def test_updating_and_deleting_numbers(api: Api, make_api: Callable[..., Api]) -> None:
    member = _member(api, make_api)
    mine = member.ok(
        "POST", "phone_number/request/internal/", 201, json={"country": "US", "sharing": "personal"}
    )
    group = api.ok("POST", "phone_number/request/internal/", 201, json={"country": "US", "sharing": "group"})
    changed = member.ok(
        "PUT",
        f"phone_number/{mine['id']}/",
        json={
            "label": "Desk",
            "forward_to": "+1 415 555 0199",
            "forward_to_enabled": True,
            "voicemail_greeting_url": "https://files.example/hello.mp3",
            "press_1_to_accept": True,
            "number": "+19995550100",
        },
    )
    assert (changed["label"], changed["forward_to"], changed["forward_to_formatted"]) == (
        "Desk",
        "+14155550199",
        "+1 415-555-0199",
    )
    assert changed["number"] == mine["number"]
    bad = member.put(
        f"phone_number/{mine['id']}/",
        json={
            "voicemail_greeting_url": "http://x/a.wav",
            "forward_to": "x",
            "participants": [member.org.user_id],
        },
    )
    assert set(validation_errors(bad)) == {"voicemail_greeting_url", "forward_to", "participants"}
    # A personal number is its owner's alone, even for an admin; group numbers need the permission.
    error_of(api.put(f"phone_number/{mine['id']}/", json={"label": "Mine now"}), 403)
    error_of(member.put(f"phone_number/{group['id']}/", json={"label": "Ours"}), 403)
    error_of(member.delete(f"phone_number/{group['id']}/"), 403)
    group = api.ok(
        "PUT",
        f"phone_number/{group['id']}/",
        json={"participants": [member.org.user_id], "phone_numbers": ["+14155550142"]},
    )
    assert (group["participants"], group["phone_numbers_formatted"]) == (
        [member.org.user_id],
        ["+1 415-555-0142"],
    )
    bad = api.put(f"phone_number/{group['id']}/", json={"participants": ["user_nobody"]})
    assert set(validation_errors(bad)) == {"participants"}
    stranger = make_api()
    error_of(stranger.get(f"phone_number/{group['id']}/"), 404)
    assert member.ok("DELETE", f"phone_number/{mine['id']}/") == {}
    error_of(member.get(f"phone_number/{mine['id']}/"), 404)
    # The freed number is the next one given.
    again = member.ok(
        "POST", "phone_number/request/internal/", 201, json={"country": "US", "sharing": "personal"}
    )
    assert again["number"] == mine["number"]
