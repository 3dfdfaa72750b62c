"""`leadbase seed` and `leadbase export-org`: a fixture file in, the same file out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from sqlalchemy import Engine

from leadbase.cli import main
from leadbase.transfer.generate import generate_document
from tests.support import new_organization

FIXTURE = """
users:
  - {email: bob.chen@acme.test, first_name: Bob, last_name: Chen}
lead_statuses: [Potential, Qualified, Customer]
pipelines:
  - name: Enterprise
    statuses:
      - {label: Discovery, type: active}
      - {label: Signed, type: won}
      - {label: Dropped, type: lost}
custom_object_types:
  - name: Project
    name_plural: Projects
    description: Rollouts we run for a customer
    fields:
      - {name: Budget, type: number}
      - {name: Phase, type: choices, choices: [Plan, Build, Run]}
      - {name: Follows, type: custom_object, referenced_type: Project}
custom_fields:
  lead:
    - {name: Segment, type: choices, choices: [SMB, Enterprise]}
    - {name: Tags, type: choices, choices: [red, green, blue], accepts_multiple_values: true}
    - {name: Founded, type: date}
    - {name: Audited at, type: datetime}
    - {name: Remarks, type: text}
    - {name: Owner, type: user}
  contact:
    - {name: Birthday, type: date}
  opportunity:
    - {name: Source, type: text}
shared_custom_fields:
  - {name: Region, type: text, associations: [contact, lead]}
custom_activity_types:
  - name: Site visit
    description: A visit on site
    fields:
      - {name: Rating, type: number}
      - {name: Visitor, type: user}
leads:
  - name: Acme
    status: Qualified
    url: https://acme.example.com
    description: Makes everything
    custom:
      Segment: Enterprise
      Tags: [red, blue]
      Founded: "2001-02-03"
      Audited at: "2026-11-30T10:00:00+00:00"
      Owner: ann@acme.test
      Region: EU
    contacts:
      - name: Ann Smith
        title: CTO
        emails: [{email: ann@acme.test, type: office}]
        phones: [{phone: "+14155550100", type: mobile}]
        custom: {Birthday: "1980-05-06", Region: EU}
      - name: Bob Chen
    opportunities:
      - {status: Signed, pipeline: Enterprise, value: 500000, value_period: annual, confidence: 90,
         note: Three-year deal, custom: {Source: Referral},
         status_changes: [{old_status: Discovery, old_pipeline: Enterprise,
                           new_status: Signed, new_pipeline: Enterprise}]}
      - {status: Active, pipeline: Sales, value: 1200}
    custom_objects:
      - {type: Project, name: Rollout, custom: {Budget: 1200, Phase: Build}}
    notes: [{note: Called Ann about the rollout.}]
    calls:
      - {direction: outbound, duration: 120, phone: "+14155550100", note: Left a voicemail}
      - {direction: inbound, duration: 30, note: Ann called back}
    tasks: [{text: Send the contract, date: "2026-12-24", is_complete: false}]
    emails:
      - {direction: outgoing, status: sent, sender: bob.chen@acme.test, to: [ann@acme.test],
         subject: The contract, body_text: Attached.}
      - {direction: incoming, status: inbox, sender: ann@acme.test, to: [bob.chen@acme.test],
         subject: "Re: The contract", body_text: Signed.}
    sms:
      - {direction: inbound, status: inbox, local_phone: "+14155550199", remote_phone: "+14155550100",
         text: Running late}
    custom_activities:
      - {type: Site visit, custom: {Rating: 4, Visitor: bob.chen@acme.test}}
    status_changes:
      - {old_status: Potential, new_status: Qualified}
      - {old_status: Retired status, new_status: Customer}
  - name: Globex
    status: Potential
"""


def _run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def _org(engine: Engine) -> str:
    # The same person in each organization: user fields refer to users by email.
    return new_organization(engine, email="ann@acme.test").api_key


def _export(database_url: str, key: str, path: Path) -> dict[str, Any]:
    result = _run("export-org", "--database-url", database_url, "--api-key", key, "-o", str(path))
    assert result.exit_code == 0, result.output
    exported: dict[str, Any] = yaml.safe_load(path.read_text())
    return exported


def test_seed_then_export_then_seed_compares_equal(database_url: str, engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "fixture.yaml"
    source.write_text(FIXTURE)
    first, second = _org(engine), _org(engine)
    result = _run("seed", str(source), "--database-url", database_url, "--api-key", first)
    assert result.exit_code == 0, result.output
    exported = _export(database_url, first, tmp_path / "first.yaml")
    acme = exported["leads"][0]
    assert acme["status"] == "Qualified"
    assert acme["custom"]["Segment"] == "Enterprise" and sorted(acme["custom"]["Tags"]) == ["blue", "red"]
    assert acme["custom"]["Owner"] == "ann@acme.test" and acme["custom"]["Region"] == "EU"
    assert [c["name"] for c in acme["contacts"]] == ["Ann Smith", "Bob Chen"]
    assert acme["contacts"][0]["custom"] == {"Birthday": "1980-05-06", "Region": "EU"}
    assert {(o["pipeline"], o["status"]) for o in acme["opportunities"]} == {
        ("Enterprise", "Signed"),
        ("Sales", "Active"),
    }
    assert acme["custom_objects"] == [
        {"type": "Project", "name": "Rollout", "custom": {"Budget": 1200, "Phase": "Build"}}
    ]
    assert acme["notes"] == [{"note": "Called Ann about the rollout."}]
    assert [(c["direction"], c["duration"]) for c in acme["calls"]] == [("outbound", 120), ("inbound", 30)]
    assert acme["calls"][0]["phone"] == "+14155550100"
    assert acme["tasks"][0]["text"] == "Send the contract"
    assert [(e["direction"], e["status"], e["subject"]) for e in acme["emails"]] == [
        ("outgoing", "sent", "The contract"),
        ("incoming", "inbox", "Re: The contract"),
    ]
    assert acme["emails"][0]["to"] == ["ann@acme.test"] and acme["emails"][0]["body_text"] == "Attached."
    assert [(m["direction"], m["text"], m["remote_phone"]) for m in acme["sms"]] == [
        ("inbound", "Running late", "+14155550100")
    ]
    assert acme["custom_activities"] == [
        {"type": "Site visit", "custom": {"Rating": 4, "Visitor": "bob.chen@acme.test"}}
    ]
    # A status the organization no longer has keeps its label.
    assert acme["status_changes"] == [
        {"old_status": "Potential", "new_status": "Qualified"},
        {"old_status": "Retired status", "new_status": "Customer"},
    ]
    signed = next(o for o in acme["opportunities"] if o["status"] == "Signed")
    assert signed["status_changes"] == [
        {
            "old_status": "Discovery",
            "old_pipeline": "Enterprise",
            "new_status": "Signed",
            "new_pipeline": "Enterprise",
        }
    ]
    assert {u["email"]: u.get("last_name") for u in exported["users"]} == {
        "ann@acme.test": None,
        "bob.chen@acme.test": "Chen",
    }
    assert [t["name"] for t in exported["custom_activity_types"]] == ["Site visit"]
    assert [f["name"] for f in exported["custom_object_types"][0]["fields"]] == ["Budget", "Phase", "Follows"]
    assert exported["shared_custom_fields"][0]["associations"] == ["contact", "lead"]

    # The export is itself a fixture: seeded into a fresh organization, it exports the same.
    json_copy = tmp_path / "first.json"
    _run("export-org", "--database-url", database_url, "--api-key", first, "-o", str(json_copy))
    result = _run("seed", str(json_copy), "--database-url", database_url, "--api-key", second)
    assert result.exit_code == 0, result.output
    assert _export(database_url, second, tmp_path / "second.yaml") == exported


def test_seed_writes_events_as_the_api_does(database_url: str, engine: Engine, tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from leadbase.app import create_app
    from leadbase.config import Settings
    from tests.support import Api

    org = new_organization(engine, email="ann@acme.test")
    source = tmp_path / "fixture.json"
    source.write_text('{"leads": [{"name": "Acme", "contacts": [{"name": "Ann"}]}]}')
    assert _run("seed", str(source), "--database-url", database_url, "--api-key", org.api_key).exit_code == 0
    app = create_app(Settings(database_url=database_url, rate_limit="off"))
    try:
        with TestClient(app) as client:
            events = Api(client, org).ok("GET", "event/", params={"object_type": "lead", "action": "created"})
        assert [e["data"]["name"] for e in events["data"]] == ["Acme"]
    finally:
        app.state.engine.dispose()


def test_a_reference_to_nothing_is_refused_naming_the_lead(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text("leads:\n  - {name: Acme, status: Nonexistent}\n")
    result = _run("seed", str(source), "--database-url", database_url, "--api-key", _org(engine))
    assert result.exit_code == 1
    assert "lead 'Acme': no lead status 'Nonexistent'" in result.output
    source.write_text("people: []\n")
    result = _run("seed", str(source), "--database-url", database_url, "--api-key", _org(engine))
    assert result.exit_code == 1 and "unknown section(s) people" in result.output


def test_generate_makes_realistic_reproducible_leads(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    assert generate_document(3, seed=7) == generate_document(3, seed=7)
    key = _org(engine)
    result = _run("seed", "--generate", "4", "--database-url", database_url, "--api-key", key)
    assert result.exit_code == 0, result.output
    exported = _export(database_url, key, tmp_path / "generated.yaml")
    assert len(exported["leads"]) == 4
    emails = [e["email"] for lead in exported["leads"] for c in lead["contacts"] for e in c["emails"]]
    assert emails and all(email.endswith(".example.com") for email in emails)
