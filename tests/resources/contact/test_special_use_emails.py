"""Contacts accept any syntactically valid address: Close's docs and fixtures use reserved domains."""

from __future__ import annotations

from tests.support import Api, validation_errors


def test_special_use_domains_are_addresses(api: Api) -> None:
    emails = [
        {"email": "ann@acme.test", "type": "office"},
        {"email": "x@example.local", "type": "home"},
        {"email": "ops@crm.invalid", "type": "other"},
        {"email": "dev@localhost.localhost", "type": "other"},
    ]
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    contact = api.ok("POST", "contact/", json={"lead_id": lead["id"], "name": "Ann", "emails": emails})
    assert [e["email"] for e in contact["emails"]] == [e["email"] for e in emails]
    assert api.ok("GET", f"lead/{lead['id']}/")["primary_email"]["email"] == "ann@acme.test"


def test_what_is_not_an_address_is_still_refused(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    for bad in ("ann@", "ann@acme..test", "not an address"):
        body = {"lead_id": lead["id"], "emails": [{"email": bad, "type": "office"}]}
        assert "emails" in validation_errors(api.post("contact/", json=body))
