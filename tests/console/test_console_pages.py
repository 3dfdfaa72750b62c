"""The console's other pages: the data model, the event log, webhooks with redelivery."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, update

from leadbase.db.models import webhook_subscription
from leadbase.events.delivery import DeliverySettings
from leadbase.jobs.worker import Worker, WorkerSettings
from tests.console.conftest import Browser
from tests.resources.webhook.receiver import running_receiver
from tests.support import Api


def test_the_data_model_page_shows_types_fields_and_shared_associations(signed_in: Browser, api: Api) -> None:
    cotype = api.ok("POST", "custom_object_type/", 201, json={"name": "Policy", "name_plural": "Policies"})
    shared = api.ok(
        "POST", "custom_field/shared/", json={"name": "Region", "type": "choices", "choices": ["EU"]}
    )
    api.ok("POST", f"custom_field/shared/{shared['id']}/association/", 201, json={"object_type": "lead"})
    api.ok("POST", "custom_activity/", 201, json={"name": "Site visit"})
    page = signed_in.get("/console/model/")
    assert page.status_code == 200
    for text in ("Policy", "Region", "Site visit", cotype["id"], shared["id"]):
        assert text in page.text
    assert '<span class="tag">lead' in page.text


def test_a_new_field_refused_by_the_api_shows_its_message(signed_in: Browser, api: Api) -> None:
    cotype = api.ok("POST", "custom_object_type/", 201, json={"name": "Policy", "name_plural": "Policies"})
    signed_in.get(f"/console/model/custom_object_type/{cotype['id']}/")
    body = {"kind": "custom_object_type", "parent_id": cotype["id"], "name": "Tier", "type": "nonsense"}
    refused = signed_in.post("/console/model/fields/new/", {**body, "back": "/model/"})
    assert refused.status_code == 400
    expected = api.post(
        "custom_field/custom_object_type/", json={**body, "custom_object_type_id": cotype["id"]}
    )
    assert expected.status_code == 400
    for message in expected.json()["field-errors"].values():
        assert str(message) in refused.text
    assert api.ok("GET", f"custom_object_type/{cotype['id']}/")["fields"] == []


def test_new_types_refused_by_the_api_show_its_messages_on_the_model_page(
    signed_in: Browser, api: Api
) -> None:
    signed_in.get("/console/model/")
    for path, body, api_path in (
        ("/console/model/custom_activity_types/new/", {"name": ""}, "custom_activity/"),
        ("/console/model/custom_object_types/new/", {"name": "", "name_plural": "x"}, "custom_object_type/"),
    ):
        refused = signed_in.post(path, body)
        assert refused.status_code == 400, path
        assert "The custom data model" in refused.text
        expected = api.post(api_path, json=body)
        assert expected.status_code == 400
        for message in expected.json()["field-errors"].values():
            assert str(message) in refused.text
    made = signed_in.post("/console/model/custom_activity_types/new/", {"name": "Site visit"})
    assert made.status_code == 303
    assert [t["name"] for t in api.ok("GET", "custom_activity/")["data"]] == ["Site visit"]


def test_the_event_log_filters_and_its_rows_fragment(signed_in: Browser, api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    api.ok("PUT", f"lead/{lead['id']}/", json={"name": "Acme Rockets"})
    page = signed_in.get(f"/console/events/?lead_id={lead['id']}&action=updated&live=1")
    assert page.status_code == 200
    assert page.text.count('data-label="Action">updated<') == 1
    assert 'data-label="Action">created<' not in page.text
    assert f'hx-get="/console/events/rows/?lead_id={lead["id"]}&amp;action=updated&amp;live=1"' in page.text
    rows = signed_in.get(f"/console/events/rows/?lead_id={lead['id']}&object_type=lead")
    assert "<html" not in rows.text
    assert rows.text.count('data-label="Action">') == 2


@pytest.fixture
def worker(engine: Engine) -> Iterator[Worker]:
    worker = Worker(engine, WorkerSettings(delivery=DeliverySettings(timeout_seconds=2.0)))
    yield worker
    worker.sender.close()
    # Later tests' workers must not deliver to this test's receiver, gone by then.
    with engine.begin() as conn:
        conn.execute(
            update(webhook_subscription)
            .where(webhook_subscription.c.status == "active")
            .values(status="paused", pause_reason="test")
        )


def test_webhooks_show_their_deliveries_and_redeliver(signed_in: Browser, api: Api, worker: Worker) -> None:
    with running_receiver() as receiver:
        events = [{"object_type": "lead", "action": "created"}]
        sub = api.ok("POST", "webhook/", 201, json={"url": receiver.url, "events": events})
        api.ok("POST", "lead/", json={"name": "Hooked"})
        worker.run_until_idle()
        assert len(receiver.received) == 1
        listed = signed_in.get("/console/webhooks/")
        assert receiver.url in listed.text
        page = signed_in.get(f"/console/webhooks/{sub['id']}/")
        assert "succeeded" in page.text
        delivery_id = page.text.split('action="/console/deliveries/')[1].split("/")[0]
        without_token = signed_in.post(f"/console/deliveries/{delivery_id}/redeliver/", {}, token=False)
        assert without_token.status_code == 403
        again = signed_in.post(f"/console/deliveries/{delivery_id}/redeliver/", {})
        assert again.status_code == 303
        assert again.headers["location"] == f"/console/webhooks/{sub['id']}/"
        worker.run_until_idle()
        assert len(receiver.received) == 2
        assert receiver.received[1].json == receiver.received[0].json


def test_each_field_type_gets_its_input(signed_in: Browser, api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme", "contacts": [{"name": "Ann Lee"}]})
    target = api.ok("POST", "custom_object_type/", 201, json={"name": "Site", "name_plural": "Sites"})
    api.ok(
        "POST",
        "custom_object/",
        201,
        json={"custom_object_type_id": target["id"], "lead_id": lead["id"], "name": "HQ"},
    )
    cotype = api.ok("POST", "custom_object_type/", 201, json={"name": "Policy", "name_plural": "Policies"})
    kinds = {
        "Owner": {"type": "user"},
        "Signer": {"type": "contact"},
        "Site": {"type": "custom_object", "referenced_custom_type_id": target["id"]},
        "Tier": {"type": "choices", "choices": ["Gold", "Silver"], "accepts_multiple_values": True},
        "Starts": {"type": "date"},
        "Renews": {"type": "datetime"},
        "Notes": {"type": "textarea"},
    }
    ids = {}
    for name, body in kinds.items():
        made = api.ok(
            "POST",
            "custom_field/custom_object_type/",
            201,
            json={"name": name, "custom_object_type_id": cotype["id"], **body},
        )
        ids[name] = made["id"]
    page = signed_in.get(f"/console/lead/{lead['id']}/custom_objects/new/?type={cotype['id']}").text

    def control(name: str) -> str:
        start = page.index(f'name="custom.{ids[name]}"')
        return page[page.rindex("<", 0, start) : page.index(">", start)]

    assert control("Owner").startswith("<select")
    assert ">Ann Lee</option>" in page
    assert ">HQ</option>" in page
    assert control("Tier").startswith("<select") and "multiple" in control("Tier")
    assert 'type="date"' in control("Starts")
    assert 'type="datetime-local"' in control("Renews")
    assert control("Notes").startswith("<textarea")
    for name in kinds:
        assert f'for="f-custom-{ids[name]}"' in page  # every input has its label
