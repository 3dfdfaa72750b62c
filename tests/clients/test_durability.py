"""What a server acknowledged survives the server being killed without warning."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx

from tests.clients.live import bootstrap, running_server
from tests.support import basic_auth


def test_acknowledged_writes_survive_a_killed_server(database_url: str, tmp_path: Path) -> None:
    account = bootstrap(database_url)
    headers = {"Authorization": basic_auth(account["api_key"])}
    with running_server(database_url, tmp_path) as server:
        created = httpx.post(
            server.api_url + "lead/", json={"name": "Durable", "contacts": [{"name": "Ann"}]}, headers=headers
        )
        assert created.status_code == 200
        os.kill(server.pid, signal.SIGKILL)
    with running_server(database_url, tmp_path) as again:
        lead = httpx.get(again.api_url + f"lead/{created.json()['id']}/", headers=headers)
        assert lead.status_code == 200
        assert lead.json()["contacts"][0]["name"] == "Ann"
        events = httpx.get(
            again.api_url + "event/", params={"lead_id": created.json()["id"]}, headers=headers
        )
        assert {(e["object_type"], e["action"]) for e in events.json()["data"]} == {
            ("lead", "created"),
            ("contact", "created"),
            ("activity.created", "created"),
        }
