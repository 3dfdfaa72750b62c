"""Whatever JSON a client sends to the custom data endpoints, the answer is never a 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.custom_data import activity_type, custom_object, field, key, lead, object_type
from tests.support import Api

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TEXT = st.text(alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=8)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=5,
)
ATTRIBUTES = [
    "name",
    "name_plural",
    "type",
    "description",
    "choices",
    "accepts_multiple_values",
    "required",
    "editable_with_roles",
    "api_create_only",
    "is_archived",
    "custom_activity_type_id",
    "custom_object_type_id",
    "referenced_custom_type_id",
    "back_reference_is_visible",
    "object_type",
    "fields",
    "lead_id",
    "contact_id",
    "user_id",
    "status",
    "pinned",
    "activity_at",
    "date_created",
    "custom",
    "custom_fields",
]


def _bodies(extra_keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from(ATTRIBUTES + extra_keys)
    return st.dictionaries(keys, VALUES, max_size=6)


@pytest.fixture
def world(api: Api) -> dict[str, Any]:
    visit, subscription = activity_type(api), object_type(api)
    holder = lead(api)
    fields = {
        "number": field(api, "lead", "Number", "number"),
        "tags": field(api, "lead", "Tags", "choices", choices=["a", "b"], accepts_multiple_values=True),
        "owner": field(api, "lead", "Owner", "user"),
        "seats": field(
            api, "custom_object_type", "Seats", "number", custom_object_type_id=subscription["id"]
        ),
        "outcome": field(api, "activity", "Outcome", "date", custom_activity_type_id=visit["id"]),
        "shared": field(api, "shared", "Shared", "contact"),
    }
    instance = custom_object(api, subscription["id"], holder["id"])
    activity = api.ok(
        "POST", "activity/custom/", json={"custom_activity_type_id": visit["id"], "lead_id": holder["id"]}
    )
    custom_keys = (
        [key(f) for f in fields.values()] + [key(f) + ".add" for f in fields.values()] + ["custom.Number"]
    )
    return {
        "visit": visit,
        "subscription": subscription,
        "lead": holder,
        "fields": fields,
        "instance": instance,
        "activity": activity,
        "custom_keys": custom_keys,
    }


def _targets(world: dict[str, Any]) -> list[tuple[str, str]]:
    fields = world["fields"]
    shared = fields["shared"]["id"]
    return [
        ("POST", "custom_field/lead/"),
        ("POST", "custom_field/activity/"),
        ("POST", "custom_field/custom_object_type/"),
        ("POST", "custom_field/shared/"),
        ("PUT", f"custom_field/lead/{fields['number']['id']}/"),
        ("PUT", f"custom_field/lead/{fields['tags']['id']}/"),
        ("PUT", f"custom_field/shared/{shared}/"),
        ("POST", f"custom_field/shared/{shared}/association/"),
        ("PUT", f"custom_field/shared/{shared}/association/lead/"),
        ("PUT", "custom_field_schema/lead/"),
        ("POST", "custom_object_type/"),
        ("PUT", f"custom_object_type/{world['subscription']['id']}/"),
        ("POST", "custom_activity/"),
        ("PUT", f"custom_activity/{world['visit']['id']}/"),
        ("POST", "custom_object/"),
        ("PUT", f"custom_object/{world['instance']['id']}/"),
        ("POST", "activity/custom/"),
        ("PUT", f"activity/custom/{world['activity']['id']}/"),
        ("POST", "lead/"),
        ("PUT", f"lead/{world['lead']['id']}/"),
    ]


@SETTINGS
@given(data=st.data())
def test_random_bodies_never_cause_a_server_error(
    api: Api, world: dict[str, Any], data: st.DataObject
) -> None:
    method, path = data.draw(st.sampled_from(_targets(world)))
    body = data.draw(_bodies(world["custom_keys"]))
    response = api.request(method, path, json=body)
    assert response.status_code < 500, (method, path, body, response.text)
    assert response.headers["content-type"].startswith("application/json")


@SETTINGS
@given(
    path=st.sampled_from(["custom_field_schema", "custom_field/shared/cf_x/association"]),
    rest=st.text(alphabet="abcXYZ019_-/.% éü", max_size=24),
)
def test_odd_paths_never_cause_a_server_error(api: Api, path: str, rest: str) -> None:
    response = api.get(f"{path}/{quote(rest, safe='/')}/")
    assert response.status_code < 500, (path, rest, response.text)
