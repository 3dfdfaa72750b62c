"""POST /enrich_field/: a clear 400 without a provider; with one, the value written through the
object's own service, with its event, under the update strategy Close documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from leadbase.resources.enrich_field.provider import load_provider
from tests.custom_data import field
from tests.resources.enrich_field.providers import EchoProvider, FailingProvider, FixedProvider
from tests.support import Api, all_events, error_of, new_organization, validation_errors

Obj = dict[str, Any]


@pytest.fixture
def install(api: Api) -> Iterator[Callable[[Any], Any]]:
    """Put a provider in place of the (unset) configured one, for one test. (pytest's monkeypatch
    would delete the attribute afterwards: Starlette's State keeps it out of the instance dict.)"""
    state = api.client.app.state  # type: ignore[attr-defined]
    configured = state.enrichment_provider

    def put(provider: Any) -> Any:
        state.enrichment_provider = provider
        return provider

    try:
        yield put
    finally:
        state.enrichment_provider = configured


@pytest.fixture
def echo(install: Callable[[Any], Any]) -> EchoProvider:
    provider: EchoProvider = install(EchoProvider())
    return provider


def lead(api: Api, name: str = "Acme Robotics", **extra: Any) -> Obj:
    created: Obj = api.ok("POST", "lead/", json={"name": name, **extra})
    return created


def request(api: Api, obj: Obj, field_id: str, object_type: str = "lead", **extra: Any) -> Obj:
    return {
        "organization_id": api.org.organization_id,
        "object_type": object_type,
        "object_id": obj["id"],
        "field_id": field_id,
        **extra,
    }


def test_without_a_provider_the_answer_says_so_and_nothing_changes(api: Api) -> None:
    industry = field(api, "lead", "Industry")
    acme = lead(api)
    before = all_events(api)
    body = error_of(api.post("enrich_field/", json=request(api, acme, industry["id"])), 400)
    assert body == {
        "error": "AI field enrichment is not available: this leadbase server has no enrichment provider "
        "configured (set LEADBASE_ENRICHMENT_PROVIDER to the import path of one)."
    }
    assert api.ok("GET", f"lead/{acme['id']}/") == acme
    assert all_events(api) == before


def test_a_value_fills_an_empty_field_with_its_event(api: Api, echo: EchoProvider) -> None:
    industry = field(api, "lead", "Industry", description="The lead's industry, in two words.")
    acme = lead(api, contacts=[{"name": "Ada"}])
    answer = api.ok("POST", "enrich_field/", json=request(api, acme, industry["id"]))
    assert answer == {
        "organization_id": api.org.organization_id,
        "object_type": "lead",
        "object_id": acme["id"],
        "field_id": industry["id"],
        "value": "Industry of Acme Robotics",
        "confidence": "high",
        "reasoning": "Derived from lead Acme Robotics.",
    }
    now = api.ok("GET", f"lead/{acme['id']}/")
    assert now[f"custom.{industry['id']}"] == "Industry of Acme Robotics"
    (event, _created) = [e for e in all_events(api, object_id=acme["id"]) if e["object_type"] == "lead"]
    assert event["action"] == "updated"
    # The lead shows its values twice: `custom.<id>` and the legacy `custom` dict.
    assert sorted(event["changed_fields"]) == sorted(["custom", f"custom.{industry['id']}", "date_updated"])
    assert event["data"] == now
    assert event["meta"]["request_path"] == "/api/v1/enrich_field/"
    # The provider was told about the object and the field, guidance included.
    (asked,) = echo.requests
    assert asked.data["contacts"][0]["name"] == "Ada" and asked.current_value is None
    assert (asked.field.name, asked.field.type, asked.field.description) == (
        "Industry",
        "text",
        "The lead's industry, in two words.",
    )


def test_a_value_already_there_stays_unless_overwriting(api: Api, echo: EchoProvider) -> None:
    industry = field(api, "lead", "Industry")
    key = f"custom.{industry['id']}"
    acme = lead(api, **{key: "Robots"})
    before = all_events(api)
    answer = api.ok("POST", "enrich_field/", json=request(api, acme, industry["id"]))
    assert answer["value"] == "Industry of Acme Robotics"
    assert api.ok("GET", f"lead/{acme['id']}/")[key] == "Robots"
    assert all_events(api) == before
    assert echo.requests[0].current_value == "Robots"

    api.ok("POST", "enrich_field/", json=request(api, acme, industry["id"], overwrite_existing_value=True))
    assert api.ok("GET", f"lead/{acme['id']}/")[key] == "Industry of Acme Robotics"


def test_set_new_value_false_only_answers(api: Api, echo: EchoProvider) -> None:
    industry = field(api, "lead", "Industry")
    acme = lead(api)
    before = all_events(api)
    answer = api.ok("POST", "enrich_field/", json=request(api, acme, industry["id"], set_new_value=False))
    assert answer["value"] == "Industry of Acme Robotics"
    assert api.ok("GET", f"lead/{acme['id']}/") == acme
    assert all_events(api) == before


def test_contacts_are_enriched_through_their_own_service(api: Api, echo: EchoProvider) -> None:
    role = field(api, "contact", "Role")
    acme = lead(api, contacts=[{"name": "Grace Hopper"}])
    contact = acme["contacts"][0]
    answer = api.ok("POST", "enrich_field/", json=request(api, contact, role["id"], object_type="contact"))
    assert answer["value"] == "Role of Grace Hopper"
    assert api.ok("GET", f"contact/{contact['id']}/")[f"custom.{role['id']}"] == "Role of Grace Hopper"
    latest = all_events(api, object_id=contact["id"])[0]
    assert (latest["action"], latest["object_type"]) == ("updated", "contact")


def test_values_take_the_form_the_field_holds(api: Api, echo: EchoProvider) -> None:
    employees = field(api, "lead", "Employees", "number")
    founded = field(api, "lead", "Founded", "date")
    tags = field(api, "lead", "Tags", "choices", choices=["B2B", "SaaS"], accepts_multiple_values=True)
    acme = lead(api)
    got = {
        f["id"]: api.ok("POST", "enrich_field/", json=request(api, acme, f["id"]))["value"]
        for f in (employees, founded, tags)
    }
    assert got == {
        employees["id"]: len("Acme Robotics"),
        founded["id"]: "2024-02-29",
        tags["id"]: ["B2B", "SaaS"],
    }
    now = api.ok("GET", f"lead/{acme['id']}/")
    assert {k: now[f"custom.{k}"] for k in got} == got


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"organization_id", "object_type", "object_id", "field_id"}),
        ({"object_type": "opportunity"}, {"object_type"}),
        ({"set_new_value": "yes"}, {"set_new_value"}),
        ({"overwrite_existing_value": 1}, {"overwrite_existing_value"}),
        ({"object_id": 5}, {"object_id"}),
    ],
)
def test_bad_bodies_are_400_and_the_provider_is_not_asked(
    api: Api, echo: EchoProvider, body: Obj, fields: set[str]
) -> None:
    industry = field(api, "lead", "Industry")
    base = {} if not body else request(api, lead(api), industry["id"])
    assert set(validation_errors(api.post("enrich_field/", json={**base, **body}))) == fields
    assert echo.requests == []


def test_objects_and_fields_that_do_not_fit(
    api: Api, make_api: Callable[..., Api], echo: EchoProvider
) -> None:
    industry = field(api, "lead", "Industry")
    owner = field(api, "lead", "Owner", "user")
    role = field(api, "contact", "Role")
    acme = lead(api, contacts=[{"name": "Ada"}])
    other = make_api()
    theirs = other.ok("POST", "lead/", json={"name": "Theirs"})

    assert error_of(api.post("enrich_field/", json=request(api, theirs, industry["id"])), 404) == {
        "error": "Empty query: Lead matching query does not exist."
    }
    error_of(api.post("enrich_field/", json=request(api, acme["contacts"][0], industry["id"])), 404)
    error_of(
        api.post("enrich_field/", json=request(api, acme, industry["id"], organization_id="orga_other")), 404
    )
    error_of(
        api.post(
            "enrich_field/",
            json=request(api, acme, industry["id"], organization_id=other.org.organization_id),
        ),
        404,
    )
    for field_id in (owner["id"], role["id"], "cf_doesnotexist"):
        assert set(validation_errors(api.post("enrich_field/", json=request(api, acme, field_id)))) == {
            "field_id"
        }
    assert echo.requests == []
    assert api.ok("GET", f"lead/{acme['id']}/") == acme


def test_a_value_the_field_cannot_hold_is_the_providers_failure(
    api: Api, install: Callable[[Any], Any]
) -> None:
    employees = field(api, "lead", "Employees", "number")
    tier = field(api, "lead", "Tier", "choices", choices=["Gold"])
    acme = lead(api)
    before = all_events(api)
    provider = install(FixedProvider())
    provider.value = "about forty"
    body = error_of(api.post("enrich_field/", json=request(api, acme, employees["id"])), 502)
    assert "cannot hold" in body["error"]
    provider.value = ["Gold", "Gold"]
    assert (
        "only one value"
        in error_of(api.post("enrich_field/", json=request(api, acme, tier["id"])), 502)["error"]
    )
    provider.value = None
    answer = api.ok("POST", "enrich_field/", json=request(api, acme, employees["id"]))
    assert (answer["value"], answer["confidence"], answer["reasoning"]) == (None, "low", None)
    assert api.ok("GET", f"lead/{acme['id']}/") == acme
    assert all_events(api) == before


@pytest.mark.parametrize(
    ("provider", "message"),
    [
        (FailingProvider(), "could not enrich the field: the model is down"),
        (FailingProvider(RuntimeError("boom")), "failed: RuntimeError: boom"),
    ],
)
def test_a_failing_provider_is_502(
    api: Api, install: Callable[[Any], Any], provider: Any, message: str
) -> None:
    industry = field(api, "lead", "Industry")
    acme = lead(api)
    install(provider)
    assert (
        message in error_of(api.post("enrich_field/", json=request(api, acme, industry["id"])), 502)["error"]
    )
    assert api.ok("GET", f"lead/{acme['id']}/") == acme


def test_a_field_restricted_to_other_roles_is_not_written(
    api: Api, make_api: Callable[..., Api], echo: EchoProvider
) -> None:
    secret = field(api, "lead", "Score", editable_with_roles=["admin"])
    acme = lead(api)
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="user")
    assert "error" in error_of(member.post("enrich_field/", json=request(member, acme, secret["id"])), 403)
    assert api.ok("GET", f"lead/{acme['id']}/") == acme
    # Asking without saving is reading, which the member may do.
    answer = member.ok("POST", "enrich_field/", json=request(member, acme, secret["id"], set_new_value=False))
    assert answer["value"] == "Score of Acme Robotics"


# ---- configuration ---------------------------------------------------------------------------

PROVIDERS = "tests.resources.enrich_field.providers"


@pytest.mark.parametrize(
    "path", [f"{PROVIDERS}:EchoProvider", f"{PROVIDERS}:make_echo", f"{PROVIDERS}.EchoProvider"]
)
def test_a_provider_is_named_by_import_path(path: str) -> None:
    assert isinstance(load_provider(path), EchoProvider)


@pytest.mark.parametrize("path", [None, "", "  "])
def test_no_path_is_no_provider(path: str | None) -> None:
    assert load_provider(path) is None


@pytest.mark.parametrize(
    ("path", "error"),
    [
        (f"{PROVIDERS}:Missing", AttributeError),
        ("tests.no_such_module:Provider", ModuleNotFoundError),
        (f"{PROVIDERS}:Obj", AttributeError),
        ("Provider", ValueError),
        ("tests.support:Clock", ValueError),
    ],
)
def test_a_bad_path_fails_at_start(path: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        load_provider(path)


@pytest.fixture
def configured_client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An app whose provider comes from the environment, as a deployment configures it."""
    monkeypatch.setenv("LEADBASE_ENRICHMENT_PROVIDER", f"{PROVIDERS}:EchoProvider")
    app = create_app(Settings(database_url=database_url, rate_limit="off"))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def test_the_configured_provider_serves_requests(configured_client: TestClient) -> None:
    provider = configured_client.app.state.enrichment_provider  # type: ignore[attr-defined]
    assert isinstance(provider, EchoProvider)
    api = Api(configured_client, new_organization(configured_client.app.state.engine))  # type: ignore[attr-defined]
    industry = field(api, "lead", "Industry")
    acme = lead(api)
    assert (
        api.ok("POST", "enrich_field/", json=request(api, acme, industry["id"]))["value"]
        == "Industry of Acme Robotics"
    )
    assert len(provider.requests) == 1
