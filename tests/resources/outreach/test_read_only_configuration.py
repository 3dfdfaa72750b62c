"""Connected accounts and dialer sessions: recorded through `leadbase load` (as a sync would), read
through the API only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leadbase.core.errors import Invalid
from leadbase.db.context import Actor
from leadbase.resources.bulk import load
from tests.support import Api, error_of


def _load(api: Api, path: str, bodies: list[dict[str, Any]]) -> None:
    org = api.org
    load(api.engine, Actor(org.organization_id, org.user_id, None, "admin"), path, bodies)


def test_connected_accounts(api: Api, make_api: Callable[..., Api]) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="user")
    smtp = {"host": "smtp.acme.test", "port": 587, "use_ssl": True, "username": "ann", "password": "hunter2"}
    _load(
        api,
        "connected_account",
        [
            {"_type": "custom_email", "user_id": api.org.user_id, "email": "ann@acme.test", "smtp": smtp},
            {"_type": "google", "user_id": member.org.user_id, "email": "bo@acme.test"},
        ],
    )
    accounts = api.ok("GET", "connected_account/")["data"]
    assert [a["_type"] for a in accounts] == ["custom_email", "google"]
    ann = accounts[0]
    assert ann["id"].startswith("emailacct_")
    assert ann["smtp"] == {"host": "smtp.acme.test", "port": 587, "use_ssl": True, "username": "ann"}
    assert "hunter2" not in str(accounts)
    assert (ann["identities"], ann["imap"], ann["sync_all_calendars"]) == ([], None, False)
    assert api.ok("GET", f"connected_account/{ann['id']}/") == ann
    assert api.ok("GET", "connected_account/", params={"user_id": member.org.user_id})["data"] == [
        accounts[1]
    ]
    # Read-only: no create, update or delete.
    assert api.post("connected_account/", json={"_type": "google"}).status_code == 405
    assert api.put(f"connected_account/{ann['id']}/", json={"email": "x@acme.test"}).status_code == 405
    assert api.delete(f"connected_account/{ann['id']}/").status_code == 405
    stranger = make_api()
    assert stranger.ok("GET", "connected_account/")["data"] == []
    error_of(stranger.get(f"connected_account/{ann['id']}/"), 404)


def test_a_connected_account_must_be_a_members(api: Api, make_api: Callable[..., Api]) -> None:
    with pytest.raises(Invalid) as caught:
        _load(api, "connected_account", [{"_type": "fax", "user_id": make_api().org.user_id}])
    assert set(caught.value.field_errors) == {"_type", "user_id"}
    assert api.ok("GET", "connected_account/")["data"] == []


def test_dialer_sessions(api: Api, make_api: Callable[..., Api]) -> None:
    me = api.org.user_id
    _load(
        api,
        "dialer",
        [
            {"type": "power", "source_type": "saved-search", "source_value": "save_1", "user_id": me},
            {
                "type": "predictive",
                "status": "active",
                "source_type": "shared-entry",
                "source_value": "shent_2",
                "users": [{"user_id": me, "is_active": True, "state": "ready"}],
            },
        ],
    )
    sessions = api.ok("GET", "dialer/")["data"]
    power, predictive = sessions
    assert set(power) == {
        "id", "type", "status", "source_type", "source_value", "user_id", "users", "caller_id", "ring_mode",
        "music_preference", "is_user_dependent", "organization_id", "date_created", "date_updated",
    }  # fmt: skip
    assert (power["status"], power["users"], predictive["users"]) == (
        "inactive",
        [],
        [{"user_id": me, "is_active": True, "state": "ready"}],
    )
    assert api.ok("GET", f"dialer/{power['id']}/") == power
    assert api.ok("GET", "dialer/", params={"status": "active"})["data"] == [predictive]
    assert api.ok("GET", "dialer/", params={"status__in": "active,inactive"})["data"] == sessions
    assert api.ok("GET", "dialer/", params={"source_type": "saved-search"})["data"] == [power]
    assert api.ok("GET", "dialer/", params={"user_id": me})["data"] == [power]
    assert api.ok("GET", "dialer/", params={"organization_id": api.org.organization_id})["data"] == sessions
    assert api.post("dialer/", json={}).status_code == 405
    error_of(make_api().get(f"dialer/{power['id']}/"), 404)
    with pytest.raises(Invalid) as caught:
        _load(api, "dialer", [{"type": "manual", "source_type": "list", "users": [{"user_id": "user_x"}]}])
    assert set(caught.value.field_errors) == {"type", "source_type", "users"}


def test_me_shows_my_accounts_and_numbers(api: Api, make_api: Callable[..., Api]) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="user")
    _load(
        api,
        "connected_account",
        [
            {"_type": "google", "user_id": api.org.user_id, "email": "me@acme.test"},
            {"_type": "google", "user_id": member.org.user_id, "email": "them@acme.test"},
        ],
    )
    mine = api.ok(
        "POST", "phone_number/request/internal/", 201, json={"country": "US", "sharing": "personal"}
    )
    api.ok("POST", "phone_number/request/internal/", 201, json={"country": "US", "sharing": "group"})
    me = api.ok("GET", "me/")
    assert [a["email"] for a in me["email_accounts"]] == ["me@acme.test"]
    assert (
        me["email_accounts"]
        == api.ok("GET", "connected_account/", params={"user_id": api.org.user_id})["data"]
    )
    assert me["phone_numbers"] == [
        {k: mine[k] for k in ("id", "number", "organization_id", "date_created", "date_updated")}
    ]
    assert [a["email"] for a in member.ok("GET", "me/")["email_accounts"]] == ["them@acme.test"]
    assert member.ok("GET", "me/")["phone_numbers"] == []
