"""Import from Close, tested against a second leadbase server: the copy exports the same."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from leadbase.cli import main
from leadbase.cli_transfer import local_organization
from leadbase.config import Settings
from leadbase.transfer.client import CloseApi
from leadbase.transfer.importing import ImportState, import_organization
from tests.standin.test_seed_export import FIXTURE, _export
from tests.support import new_organization


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def second_server(database_url: str, engine: Engine, tmp_path: Path) -> Iterator[str]:
    """Another leadbase process on a free port, on the same database (another organization)."""
    port = _free_port()
    env = {**os.environ, "LEADBASE_EMBEDDED_WORKER": "false"}
    command = [sys.executable, "-m", "leadbase.cli", "serve", "--port", str(port), "--no-demo"]
    command += ["--database-url", database_url, "--no-access-log", "--log-level", "warning"]
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):  # readiness, not timing: wait until it answers
            if server.poll() is not None:
                raise RuntimeError(log.read_text())
            try:
                httpx.get(url + "api/v1/me/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


class Interrupted(Exception):
    pass


def test_import_from_a_second_server_resumes_and_compares_equal(
    database_url: str, engine: Engine, tmp_path: Path, second_server: str
) -> None:
    source = new_organization(engine, email="ann@acme.test")
    target = new_organization(engine, email="ann@acme.test")
    fixture = tmp_path / "fixture.yaml"
    fixture.write_text(FIXTURE)
    seeded = CliRunner().invoke(
        main, ["seed", str(fixture), "--database-url", database_url, "--api-key", source.api_key]
    )
    assert seeded.exit_code == 0, seeded.output
    state_path = tmp_path / "state.json"

    # The first run stops after one lead, as a killed process or a lost network would.
    state = ImportState.open(state_path, second_server)
    remote = CloseApi.remote(second_server, source.api_key)

    def stop() -> None:
        raise Interrupted

    try:
        with (
            pytest.raises(Interrupted),
            local_organization(Settings(database_url=database_url), target.api_key) as (here, add),
        ):
            import_organization(remote, here, state, state_path, each=stop, add_members=add)
    finally:
        remote.close()
    assert ImportState.open(state_path, second_server).leads_done == 1

    result = CliRunner().invoke(
        main,
        [
            "import",
            "--from",
            second_server,
            "--api-key",
            source.api_key,
            "--to-api-key",
            target.api_key,
            "--state",
            str(state_path),
            "--database-url",
            database_url,
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "resuming after 1 lead" in result.output and "imported 2 lead" in result.output
    copied = _export(database_url, target.api_key, tmp_path / "copy.yaml")
    original = _export(database_url, source.api_key, tmp_path / "original.yaml")
    assert copied == original
    assert [lead["name"] for lead in copied["leads"]] == ["Acme", "Globex"]
    # Users, emails, SMS, custom activities and status changes came across too.
    assert [u["email"] for u in copied["users"]] == ["ann@acme.test", "bob.chen@acme.test"]
    acme = copied["leads"][0]
    assert len(acme["emails"]) == 2 and len(acme["sms"]) == 1 and acme["status_changes"]
    assert acme["custom_activities"][0]["custom"]["Visitor"] == "bob.chen@acme.test"


def test_a_state_file_of_another_source_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    ImportState("https://api.close.com/", configured=True, leads_done=3).save(path)
    with pytest.raises(ValueError, match=r"records an import from https://api\.close\.com/"):
        ImportState.open(path, "http://elsewhere.example.com/")


def test_429s_are_waited_out_as_retry_after_says() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"retry-after": "3"}, json={"error": "slow down"}),
            httpx.Response(429, headers={"ratelimit": "limit=1, remaining=0, reset=2"}),
            httpx.Response(429),
            httpx.Response(200, json={"data": [{"id": "lead_1"}], "has_more": False}),
        ]
    )
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return next(answers)

    slept: list[float] = []
    api = CloseApi(
        httpx.Client(base_url="http://close.test/api/v1/", transport=httpx.MockTransport(answer)),
        slept.append,
    )
    found: list[Any] = list(api.pages("lead/"))
    assert found == [{"id": "lead_1"}]
    # Retry-After, else the RateLimit header's reset, else a second.
    assert slept == [3.0, 2.0, 1.0] and api.waited == 6.0
    assert len(seen) == 4
