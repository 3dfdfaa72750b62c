"""Projection before rendering: what `_fields` leaves out of a lead is not loaded."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support import Api, Clock, count_statements


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


def _kept(lead: dict[str, Any], selection: set[str]) -> dict[str, Any]:
    """What `_fields` keeps of a whole lead, worked out here from the whole lead."""
    every_custom = "custom" in selection
    return {k: v for k, v in lead.items() if k in selection or (every_custom and k.startswith("custom."))}


def test_each_selection_answers_what_it_keeps_of_the_whole_lead(api: Api, clock: Clock) -> None:
    # Only the kept keys are rendered: each selection must still answer exactly those keys of the
    # whole lead, however its keys depend on others (the local time on the addresses and phones).
    clock.set(datetime(2026, 12, 3, 15, 0, tzinfo=UTC))
    field = api.ok("POST", "custom_field/lead/", json={"name": "Account", "type": "text"})
    api.ok(
        "POST",
        "lead/",
        json={
            "name": "Acme",
            "addresses": [{"city": "Oakland", "state": "CA", "country": "US"}],
            "contacts": [{"name": "Ann", "emails": [{"email": "ann@acme.test", "type": "office"}]}],
            f"custom.{field['id']}": "AC-1",
        },
    )
    api.ok(
        "POST",
        "lead/",
        json={
            "name": "",
            "contacts": [{"name": "Bob", "phones": [{"phone": "+442071838750", "type": "office"}]}],
        },
    )
    whole = api.ok("GET", "lead/", params={"_order_by": "date_created"})["data"]
    assert {lead["localtime"] is not None for lead in whole} == {True}
    selections = [
        {"id"},
        {"name"},
        {"localtime"},
        {"localtime", "addresses"},
        {"display_name", "contacts_summary"},
        {"custom"},
        {f"custom.{field['id']}", "name"},
        {"date_created", "date_updated", "html_url", "status_label"},
    ]
    for selection in selections:
        page = api.ok(
            "GET", "lead/", params={"_order_by": "date_created", "_fields": ",".join(sorted(selection))}
        )
        assert page["data"] == [_kept(lead, selection) for lead in whole], selection
        # In the order of the whole representation.
        assert [list(lead) for lead in page["data"]] == [list(_kept(lead, selection)) for lead in whole]


def test_a_selection_with_smart_fields_or_integration_links_answers_them(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    api.ok("POST", "activity/call/", json={"lead_id": lead["id"]})
    assert api.ok("GET", "lead/", params={"_fields": "num_calls"})["data"] == [{"num_calls": 1}]
    api.ok(
        "POST",
        "integration_link/",
        json={"name": "CRM", "url": "https://crm.example/{{ lead.display_name }}", "type": "lead"},
    )
    page = api.ok("GET", "lead/", params={"_fields": "integration_links"})
    assert page["data"] == [{"integration_links": [{"name": "CRM", "url": "https://crm.example/Acme"}]}]
