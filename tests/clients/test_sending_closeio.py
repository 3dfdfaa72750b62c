"""Sending and receiving through Close's official client: an email put in outbox with `closeio`
goes out when the worker runs, shows in the captured outbox, and a reply injected through
/api/leadbase/inbound/ lands in its thread."""

from __future__ import annotations

from typing import Any

import requests
from closeio_api import API
from sqlalchemy import Engine

from leadbase.jobs.worker import Worker
from leadbase.resources import load_all
from tests.clients.live import bootstrap


def test_send_and_receive_with_the_close_client(live_server: str, database_url: str, engine: Engine) -> None:
    account: dict[str, Any] = bootstrap(database_url)
    close = API(base_url=live_server + "/api/v1/", api_key=account["api_key"])
    auth = (account["api_key"], "")
    lead = close.post(
        "lead", data={"name": "Acme", "contacts": [{"name": "Ann", "emails": [{"email": "ann@acme.test"}]}]}
    )
    queued = close.post(
        "activity/email",
        data={
            "lead_id": lead["id"],
            "contact_id": lead["contacts"][0]["id"],
            "status": "outbox",
            "sender": "bo@example.com",
            "to": ["ann@acme.test"],
            "subject": "Kickoff",
            "body_text": "Tuesday?",
        },
    )
    assert queued["status"] == "outbox"
    # The server runs no worker in these tests: this one sends (into the captured outbox), with
    # the job kinds declared beside the resources, as `leadbase worker` loads them.
    load_all()
    Worker(engine).run_until_idle()
    sent = close.get(f"activity/email/{queued['id']}")
    assert sent["status"] == "sent" and sent["date_sent"]
    captured = requests.get(
        live_server + "/api/leadbase/outbox/", params={"lead_id": lead["id"]}, auth=auth, timeout=10
    ).json()["data"]
    assert [(m["activity_id"], m["to"], m["subject"], m["text"]) for m in captured] == [
        (queued["id"], ["ann@acme.test"], "Kickoff", "Tuesday?")
    ]
    answer = requests.post(
        live_server + "/api/leadbase/inbound/email/",
        json={"from": "ann@acme.test", "subject": "Re: Kickoff", "in_reply_to": captured[0]["message_id"]},
        auth=auth,
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    thread = close.get(f"activity/emailthread/{sent['thread_id']}")
    assert [(e["id"], e["direction"]) for e in thread["emails"]] == [
        (answer.json()["id"], "incoming"),
        (queued["id"], "outgoing"),
    ]
    events = close.get("event", params={"object_id": answer.json()["id"]})["data"]
    assert [(e["action"], e["data"]["direction"]) for e in events] == [("created", "incoming")]
    cleared = requests.delete(live_server + "/api/leadbase/outbox/", auth=auth, timeout=10)
    assert cleared.json() == {"deleted": 1}
