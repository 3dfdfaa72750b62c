"""Issue 8, finding 7: revocation is immediate on every process, duplicate credentials are
refused, secrets stay out of logs, and SQLite files are private."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine
from starlette.testclient import TestClient

from leadbase.api.logs import REDACTED, redact
from leadbase.app import create_app
from leadbase.cli import main
from leadbase.config import Settings
from leadbase.db.engine import build_engine
from leadbase.resources.organization.provision import Provisioned
from tests.clients.live import running_server
from tests.support import Api, basic_auth, new_organization


@pytest.fixture
def second_process(database_url: str) -> Iterator[TestClient]:
    """Another server on the same database, with its own key cache: a second process."""
    app = create_app(Settings(database_url=database_url, api_key_cache_seconds=3600))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_revoked_key_is_refused_at_once_by_every_process(
    api: Api, second_process: TestClient, database_url: str
) -> None:
    other = Api(second_process, api.org)
    assert other.get("me/").status_code == 200  # cached in the second process now
    code, output = cli("keys", "revoke", api.org.api_key_id, "--database-url", database_url, "--json")
    assert code == 0, output
    assert json.loads(output) == {
        "id": api.org.api_key_id,
        "organization_id": api.org.organization_id,
        "revoked": True,
    }
    for client in (api, other):
        assert client.get("me/").status_code == 401
        assert client.get("lead/").status_code == 401


def test_a_deactivated_member_is_refused_at_once_by_every_process(
    make_api: object, second_process: TestClient, database_url: str, engine: Engine
) -> None:
    admin_org = new_organization(engine)
    member: Provisioned = new_organization(engine, role="user", organization_name=None)
    member_api = Api(second_process, member)
    assert member_api.get("lead/").status_code == 200
    email = member_api.ok("GET", "me/")["email"]
    code, output = cli(
        "members", "deactivate", "--organization", member.organization_id, "--email", email,
        "--database-url", database_url,
    )  # fmt: skip
    assert code == 0, output
    assert member_api.get("lead/").status_code == 401
    assert Api(second_process, admin_org).get("lead/").status_code == 200  # others unaffected


def test_keys_and_members_list(api: Api, database_url: str) -> None:
    org = api.org.organization_id
    code, output = cli("keys", "list", "--organization", org, "--database-url", database_url, "--json")
    assert code == 0, output
    keys = json.loads(output)
    assert [k["id"] for k in keys] == [api.org.api_key_id]
    assert keys[0]["active"] is True and keys[0]["role"] == "admin"
    assert api.org.api_key not in output  # the secret is never stored, so never shown
    code, output = cli("members", "list", "--organization", org, "--database-url", database_url)
    assert code == 0 and "admin" in output and "email" in output.splitlines()[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("keys", "revoke", "api_nosuchkey"), "no API key has the id 'api_nosuchkey'"),
        (("keys", "list", "--organization", "No Such Org"), "no organization has the id or name"),
        (("members", "deactivate", "--organization", "No Such Org", "--email", "a@b.c"), "no organization"),
    ],
)
def test_admin_commands_fail_in_one_line(database_url: str, args: tuple[str, ...], message: str) -> None:
    code, output = cli(*args, "--database-url", database_url)
    assert code == 1 and message in output and "Traceback" not in output


def test_deactivating_a_stranger_names_the_problem(api: Api, database_url: str) -> None:
    code, output = cli(
        "members", "deactivate", "--organization", api.org.organization_id, "--email", "nobody@example.com",
        "--database-url", database_url,
    )  # fmt: skip
    assert code == 1 and "'nobody@example.com' is not a member" in output


@pytest.mark.parametrize(
    "command", [("keys",), ("keys", "list"), ("keys", "revoke"), ("members", "deactivate")]
)
def test_admin_commands_have_help(command: tuple[str, ...]) -> None:
    code, output = cli(*command, "--help")
    assert code == 0 and "Usage:" in output


def test_two_authorization_headers_are_401_even_when_both_are_valid(api: Api, make_api: object) -> None:
    headers = [("Authorization", basic_auth(api.org.api_key)), ("Authorization", basic_auth(api.org.api_key))]
    response = api.client.get("/api/v1/me/", headers=headers)
    assert response.status_code == 401
    assert "more than one Authorization header" in response.json()["error"]


def test_a_new_sqlite_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/private.db"
    engine = build_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
        conn.commit()
        files = [tmp_path / name for name in ("private.db", "private.db-wal", "private.db-shm")]
        assert all(f.exists() for f in files)
        for f in files:
            assert stat.S_IMODE(os.stat(f).st_mode) == 0o600, f
    engine.dispose()


def test_redaction_keeps_key_ids_and_hides_secrets() -> None:
    secret = "api_" + "S" * 43
    assert (
        redact(f'"GET /api/v1/api_key/{secret}/ HTTP/1.1" 200')
        == f'"GET /api/v1/api_key/{REDACTED}/ HTTP/1.1" 200'
    )
    key_id = "api_" + "k" * 22
    assert redact(f"/api/v1/api_key/{key_id}/") == f"/api/v1/api_key/{key_id}/"
    assert redact(f"/api/v1//api_key/{secret}?x=1") == f"/api/v1//api_key/{REDACTED}?x=1"


def test_the_access_log_never_shows_a_secret(database_url: str, tmp_path: Path, engine: Engine) -> None:
    org = new_organization(engine)
    with running_server(database_url, tmp_path, "--access-log") as server:
        auth = (org.api_key, "")
        for path in (f"api_key/{org.api_key}/", f"api_key/{org.api_key}", f"api_key/{org.api_key_id}/"):
            assert httpx.get(server.api_url + path, auth=auth, timeout=10).status_code == 200
    log = server.log.read_text()
    assert org.api_key not in log
    assert log.count(f"/api_key/{REDACTED}") == 2 and f"/api_key/{org.api_key_id}/" in log


def test_serve_refuses_several_workers_counting_rate_limits_on_their_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    code, output = cli("serve", "--workers", "2", "--rate-limit", "5/second", "--database-url", url)
    assert code == 2
    assert (
        "--workers 2 with a rate limit needs shared counters: pass --redis-url, or use one worker." in output
    )
    assert not (tmp_path / "x.db").exists()  # refused before touching anything
