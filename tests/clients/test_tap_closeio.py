"""The Singer tap for Close (`tap-closeio` 1.6.6 from PyPI) syncs from a live leadbase server.

The tap pins libraries that clash with ours, so it lives in .venv-tap (made by scripts/test)
and runs as a subprocess, with its base URL set by tests/clients/tap_runner.py.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from closeio_api import API

from tests.clients.live import ROOT, bootstrap

TAP_PYTHON = ROOT / ".venv-tap" / "bin" / "python"
RUNNER = Path(__file__).with_name("tap_runner.py")
SYNCED_STREAMS = {"leads", "users", "event_log", "custom_fields"}


def run_tap(base_url: str, workdir: Path, *args: str) -> list[dict[str, Any]]:
    assert TAP_PYTHON.exists(), "scripts/test installs tap-closeio into .venv-tap; run it first"
    completed = subprocess.run(
        [str(TAP_PYTHON), str(RUNNER), base_url, "-c", str(workdir / "config.json"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    if "--discover" in args:
        return [json.loads(completed.stdout)]
    return [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]


def select(catalog: dict[str, Any], streams: set[str]) -> dict[str, Any]:
    for stream in catalog["streams"]:
        if stream["tap_stream_id"] in streams:
            for entry in stream["metadata"]:
                if entry["breadcrumb"] == []:
                    entry["metadata"]["selected"] = True
    return catalog


def test_tap_syncs_leads_users_custom_fields_and_events(
    live_server: str, database_url: str, tmp_path: Path
) -> None:
    account = bootstrap(database_url)
    close = API(base_url=live_server + "/api/v1/", api_key=account["api_key"])
    field = close.post("custom_field/lead", {"name": "Tier", "type": "choices", "choices": ["A", "B"]})
    leads = [
        close.post(
            "lead",
            {"name": f"Tap Lead {i}", "contacts": [{"name": f"Person {i}"}], f"custom.{field['id']}": "A"},
        )
        for i in range(3)
    ]
    close.put(f"lead/{leads[0]['id']}", {"description": "changed"})

    start = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (tmp_path / "config.json").write_text(json.dumps({"api_key": account["api_key"], "start_date": start}))
    base_url = live_server + "/api/v1"

    (catalog,) = run_tap(base_url, tmp_path, "--discover")
    discovered = {s["tap_stream_id"] for s in catalog["streams"]}
    assert "event_log" in discovered  # the tap drops the stream if GET /event/ is not a 200
    (tmp_path / "catalog.json").write_text(json.dumps(select(catalog, SYNCED_STREAMS)))

    messages = run_tap(base_url, tmp_path, "--catalog", str(tmp_path / "catalog.json"))
    records: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"])

    synced = {r["id"]: r for r in records["leads"]}
    assert set(synced) == {lead["id"] for lead in leads}
    first = synced[leads[0]["id"]]
    assert first["description"] == "changed"
    assert first["contacts"][0]["name"] == "Person 0"
    # The tap turns custom.<id> keys into a list of {id, value}.
    assert {"id": field["id"], "value": "A"} in first["custom_fields"]

    assert [u["id"] for u in records["users"]] == [account["user_id"]]
    assert field["id"] in {f["id"] for f in records["custom_fields"]}

    events = records["event_log"]
    created = {e["object_id"] for e in events if e["object_type"] == "lead" and e["action"] == "created"}
    assert created == {lead["id"] for lead in leads}
    update = next(e for e in events if e["object_type"] == "lead" and e["action"] == "updated")
    assert json.loads(update["data"])["description"] == "changed"
    assert json.loads(update["previous_data"])["description"] == ""

    states = [m for m in messages if m["type"] == "STATE"]
    assert states and states[-1]["value"]["currently_syncing"] is None


def test_tap_incremental_sync_takes_only_leads_updated_since_its_bookmark(
    live_server: str, database_url: str, tmp_path: Path
) -> None:
    """Issue 11: the second run sends `date_updated>="<bookmark>" sort:date_updated` and syncs
    what changed since (the bookmarked lead again, as the tap's >= keeps it), nothing older."""
    account = bootstrap(database_url)
    close = API(base_url=live_server + "/api/v1/", api_key=account["api_key"])
    leads = [close.post("lead", {"name": f"Incremental {i}"}) for i in range(3)]
    close.put(f"lead/{leads[0]['id']}", {"description": "first change"})

    start = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (tmp_path / "config.json").write_text(json.dumps({"api_key": account["api_key"], "start_date": start}))
    base_url = live_server + "/api/v1"
    (catalog,) = run_tap(base_url, tmp_path, "--discover")
    (tmp_path / "catalog.json").write_text(json.dumps(select(catalog, {"leads"})))

    def sync(*args: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        messages = run_tap(base_url, tmp_path, "--catalog", str(tmp_path / "catalog.json"), *args)
        records = [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == "leads"]
        states = [m["value"] for m in messages if m["type"] == "STATE"]
        return records, states[-1]

    first, state = sync()
    assert {r["id"] for r in first} == {lead["id"] for lead in leads}
    (tmp_path / "state.json").write_text(json.dumps(state))

    close.put(f"lead/{leads[1]['id']}", {"description": "second change"})
    second, _ = sync("--state", str(tmp_path / "state.json"))
    synced = {r["id"]: r for r in second}
    assert set(synced) == {leads[0]["id"], leads[1]["id"]}
    assert synced[leads[1]["id"]]["description"] == "second change"
