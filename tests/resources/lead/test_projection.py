"""Projection before rendering: what `_fields` leaves out of a lead is not loaded."""

from __future__ import annotations

from tests.support import Api, count_statements


def _contact_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM contact" in s]


def test_fields_without_contacts_load_no_contacts(api: Api) -> None:
    body = {"contacts": [{"name": "Ann", "emails": [{"email": "ann@acme.test"}]}, {"name": "Bob"}]}
    lead = api.ok("POST", "lead/", json={"name": "Acme", **body})
    for path in ("lead/", f"lead/{lead['id']}/"):
        with count_statements(api.engine) as statements:
            answer = api.ok("GET", path, params={"_fields": "id,name,status_label"})
        shown = answer["data"][0] if path == "lead/" else answer
        assert shown == {"id": lead["id"], "name": "Acme", "status_label": "Potential"}
        assert _contact_reads(statements.statements) == [], path


def test_fields_that_need_contacts_still_get_them(api: Api) -> None:
    body = {"contacts": [{"name": "Ann", "emails": [{"email": "ann@acme.test"}]}]}
    lead = api.ok("POST", "lead/", json={"name": "", **body})
    page = api.ok("GET", "lead/", params={"_fields": "id,display_name,primary_email,contact_ids"})
    assert page["data"] == [
        {
            "id": lead["id"],
            "display_name": "Ann",
            "primary_email": lead["primary_email"],
            "contact_ids": lead["contact_ids"],
        }
    ]
    everything = api.ok("GET", f"lead/{lead['id']}/", params={"_fields": "_all"})
    plain = api.ok("GET", f"lead/{lead['id']}/")
    # `_all`: every field, and the smart fields besides.
    assert {k: v for k, v in everything.items() if k in plain} == plain
    assert everything["num_calls"] == 0 and everything["last_email_date"] is None
    full = api.ok("GET", f"lead/{lead['id']}/", params={"_fields": "contacts"})
    assert [c["name"] for c in full["contacts"]] == ["Ann"]
