"""`leadbase worker` and `leadbase webhooks listen`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from leadbase.cli import main
from leadbase.events.listen import Listener
from tests.clients.live import running_server
from tests.resources.webhook.receiver import running_receiver, verify
from tests.support import Api


def test_worker_help_explains_how_it_runs() -> None:
    result = CliRunner().invoke(main, ["worker", "--help"])
    assert result.exit_code == 0
    assert "LEADBASE_EMBEDDED_WORKER" in result.output
    assert "--once" in result.output


def test_listen_help_and_a_bad_event_option() -> None:
    result = CliRunner().invoke(main, ["webhooks", "listen", "--help"])
    assert result.exit_code == 0
    assert "--forward-to" in result.output
    result = CliRunner().invoke(main, ["webhooks", "listen", "--api-key", "k", "--event", "lead"])
    assert result.exit_code == 2
    assert "OBJECT_TYPE:ACTION" in result.output


def test_worker_once_works_through_what_is_due(database_url: str, api: Api) -> None:
    with running_receiver() as receiver:
        api.ok(
            "POST",
            "webhook/",
            201,
            json={"url": receiver.url, "events": [{"object_type": "lead", "action": "created"}]},
        )
        api.ok("POST", "lead/", json={"name": "Once"})
        result = CliRunner().invoke(main, ["worker", "--database-url", database_url, "--once"])
        assert result.exit_code == 0, result.output
        assert [e["data"]["name"] for e in receiver.events()] == ["Once"]
        sub_id = receiver.received[0].json["subscription_id"]
        api.ok("DELETE", f"webhook/{sub_id}/")


def test_listen_subscribes_prints_forwards_and_unsubscribes(
    database_url: str, api: Api, tmp_path: Path
) -> None:
    lines: list[str] = []
    with running_server(database_url, tmp_path, worker=True) as server, running_receiver() as app:
        listener = Listener(
            api_url=server.url + "/api/v1/",
            api_key=api.org.api_key,
            events=[("lead", "created")],
            forward_to=app.url,
            say=lines.append,
        )
        try:
            made = listener.subscribe()
            listener.start()
            lead = api.ok("POST", "lead/", json={"name": "Listened"})
            # The server's own worker delivers to the listener, which forwards to the app.
            assert app.arrived.wait(30), "nothing was forwarded"
        finally:
            listener.close()
        forwarded = app.received[0]
        assert forwarded.json["event"]["object_id"] == lead["id"]
        assert verify(made["signature_key"], forwarded)  # forwarded with its signature intact
        assert any(lead["id"] in line and "signature ok" in line and " 200" in line for line in lines), lines
        assert api.ok("GET", "webhook/")["data"] == []  # unsubscribed on the way out
