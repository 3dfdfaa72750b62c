"""Issue 8, findings 2 and 9: rules that hold under concurrent requests and look-alike names.

Whoever loses a race gets the 4xx a request coming second gets; nothing is left dangling.
"""

from __future__ import annotations

import unicodedata
import uuid
from functools import partial
from typing import Any

import httpx
from sqlalchemy import Engine, func, select

from leadbase.db.models import activity, contact, custom_object
from tests.races.conftest import RaceApi, no_server_errors, race

ROUNDS = 5
WRITERS = 4


def look_alikes(word: str) -> list[str]:
    """Spellings of one name that a reader cannot tell apart, or that differ only in case."""
    return [
        word,
        word.upper(),
        unicodedata.normalize("NFD", word),
        "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word),  # fullwidth
        word[:2] + "\u200b" + word[2:],  # zero-width space
        word[:1] + "\u00ad" + word[1:],  # soft hyphen
        f"  {word}\ufeff ",
        word.replace(" ", "\u00a0"),
    ]


def _statuses(api: RaceApi) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = api.ok("GET", "status/lead/")["data"]
    return data


def _one_created_rest_refused(responses: list[httpx.Response], field: str, message: str) -> None:
    no_server_errors(responses)
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [400] * (len(responses) - 1), [r.text for r in responses]
    for refused in (r for r in responses if r.status_code == 400):
        assert refused.json()["field-errors"] == {field: message}


def test_one_lead_status_label_under_concurrent_look_alike_creates(race_api: RaceApi) -> None:
    word = f"Café hot {uuid.uuid4().hex[:6]}"
    labels = look_alikes(word)
    responses = race(
        [partial(race_api.request, "POST", "status/lead/", {"label": label}) for label in labels]
    )
    _one_created_rest_refused(responses, "label", "A lead status with this label already exists.")
    assert len(_statuses(race_api)) == 5  # the four defaults and the winner


def test_renaming_two_statuses_to_one_label_at_once(race_api: RaceApi) -> None:
    first, second = _statuses(race_api)[:2]
    label = f"Renamed {uuid.uuid4().hex[:6]}"
    responses = race(
        [
            partial(race_api.request, "PUT", f"status/lead/{s['id']}/", {"label": label})
            for s in (first, second)
        ]
    )
    _one_created_rest_refused(responses, "label", "A lead status with this label already exists.")
    assert sorted(s["label"] for s in _statuses(race_api)).count(label) == 1


def test_one_custom_field_name_per_object_kind_under_concurrent_creates(race_api: RaceApi) -> None:
    word = f"Région {uuid.uuid4().hex[:6]}"
    for kind in ("lead", "shared"):
        bodies = [{"name": name, "type": "text"} for name in look_alikes(word)]
        responses = race([partial(race_api.request, "POST", f"custom_field/{kind}/", b) for b in bodies])
        _one_created_rest_refused(responses, "name", "A custom field with this name already exists here.")
        listed = race_api.ok("GET", f"custom_field/{kind}/")["data"]
        assert len(listed) == 1  # a fresh organization: the winner only


def _rows_on(engine: Engine, column: Any, value: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(column == value)).scalar_one())


def _created_on_a_lead_being_deleted(
    api: RaceApi, engine: Engine, path: str, body: dict[str, Any], column: Any
) -> None:
    """Delete a lead while writers create `path` objects on it: none may outlive the lead."""
    for _ in range(ROUNDS):
        lead = api.ok("POST", "lead/", {"name": "Doomed"})
        creates = [
            partial(api.request, "POST", path, {**body, "lead_id": lead["id"]}) for _ in range(WRITERS)
        ]
        responses = race([partial(api.request, "DELETE", f"lead/{lead['id']}/"), *creates])
        no_server_errors(responses)
        assert responses[0].status_code == 200, responses[0].text
        for created in responses[1:]:
            assert created.status_code in (200, 400), created.text
            if created.status_code == 400:
                assert created.json()["field-errors"] == {"lead": "Object does not exist."}
        assert _rows_on(engine, column, lead["id"]) == 0


def test_a_contact_created_on_a_lead_being_deleted_never_survives_it(
    race_api: RaceApi, engine: Engine
) -> None:
    _created_on_a_lead_being_deleted(race_api, engine, "contact/", {"name": "Late"}, contact.c.lead_id)


def test_a_lead_never_ends_on_a_status_being_deleted(race_api: RaceApi) -> None:
    for round_number in range(ROUNDS):
        status = race_api.ok("POST", "status/lead/", {"label": f"Short-lived {round_number}"})
        lead = race_api.ok("POST", "lead/", {"name": "Mover"})
        responses = race(
            [
                partial(race_api.request, "DELETE", f"status/lead/{status['id']}/"),
                partial(race_api.request, "PUT", f"lead/{lead['id']}/", {"status_id": status["id"]}),
            ]
        )
        no_server_errors(responses)
        deleted, moved = responses
        # Exactly one of them wins; the other is told why.
        assert sorted([deleted.status_code, moved.status_code]) == [200, 400], [r.text for r in responses]
        final = race_api.ok("GET", f"lead/{lead['id']}/")
        assert final["status_id"] in {s["id"] for s in _statuses(race_api)}
        if moved.status_code == 400:
            assert list(moved.json()["field-errors"]) == ["status"]
        else:
            assert final["status_id"] == status["id"]


def _object_type(api: RaceApi) -> dict[str, Any]:
    created: dict[str, Any] = api.ok(
        "POST", "custom_object_type/", {"name": f"Plan {uuid.uuid4().hex[:6]}", "name_plural": "Plans"}, 201
    )
    return created


def _create_objects(api: RaceApi, type_id: str, lead_id: str) -> list[Any]:
    body = {"custom_object_type_id": type_id, "lead_id": lead_id}
    return [
        partial(api.request, "POST", "custom_object/", {**body, "name": f"Late {i}"}) for i in range(WRITERS)
    ]


def _late_creates_refused_or_removed(responses: list[httpx.Response], field: str) -> None:
    no_server_errors(responses)
    for created in responses:
        assert created.status_code in (201, 400), created.text
        if created.status_code == 400:
            assert created.json()["field-errors"] == {field: "Object does not exist."}


def test_no_custom_object_outlives_the_lead_it_was_created_on(race_api: RaceApi, engine: Engine) -> None:
    object_type = _object_type(race_api)
    for _ in range(ROUNDS):
        lead = race_api.ok("POST", "lead/", {"name": "Doomed"})
        responses = race(
            [
                partial(race_api.request, "DELETE", f"lead/{lead['id']}/"),
                *_create_objects(race_api, object_type["id"], lead["id"]),
            ]
        )
        assert responses[0].status_code == 200, responses[0].text
        _late_creates_refused_or_removed(responses[1:], "lead_id")
        assert _rows_on(engine, custom_object.c.lead_id, lead["id"]) == 0


def test_no_custom_object_outlives_its_type(race_api: RaceApi, engine: Engine) -> None:
    lead = race_api.ok("POST", "lead/", {"name": "Stays"})
    for _ in range(ROUNDS):
        object_type = _object_type(race_api)
        responses = race(
            [
                partial(race_api.request, "DELETE", f"custom_object_type/{object_type['id']}/"),
                *_create_objects(race_api, object_type["id"], lead["id"]),
            ]
        )
        assert responses[0].status_code == 204, responses[0].text
        _late_creates_refused_or_removed(responses[1:], "custom_object_type_id")
        assert _rows_on(engine, custom_object.c.custom_object_type_id, object_type["id"]) == 0


def test_no_custom_activity_outlives_the_lead_it_was_created_on(race_api: RaceApi, engine: Engine) -> None:
    activity_type = race_api.ok("POST", "custom_activity/", {"name": f"Visit {uuid.uuid4().hex[:6]}"}, 201)
    body = {"custom_activity_type_id": activity_type["id"], "status": "published"}
    _created_on_a_lead_being_deleted(race_api, engine, "activity/custom/", body, activity.c.lead_id)
